"""Slips that used to reach the live site in silence, or got an error that did not help:
each now gets a message on its line, and a failed build leaves the output as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NOW, article, newsgen, soup, tree_digest, write_site

SECTIONS = "sections:\n  - {slug: general, title: General}\n"


def _errors(tmp_path: Path, files: dict[str, str | bytes]) -> list[str]:
    """The errors `newsgen check` gives a site of `files`."""
    run = newsgen("check", "-s", write_site(tmp_path / "site", files), "--now", NOW)
    assert run.code == 1
    return run.errors()


def _built(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    site = write_site(tmp_path / "site", {"content/general/ok.md": article("Fine"), **files})
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    return site


def test_copies_kept_by_hand_and_by_merge_tools_are_not_published(tmp_path: Path) -> None:
    secret = article("Secret plans", draft="true", body="Not for the public.")
    site = _built(tmp_path, {f"content/general/plans.md{end}": secret
                             for end in (".bak", ".orig", ".rej", ".old")})
    published = {p.name for p in (site / "dist/general").iterdir()}
    assert not [name for name in published if name.startswith("plans")]
    assert "plans" not in (site / "dist/sitemap.xml").read_text("utf-8")


def test_a_misspelt_draft_is_an_error_and_publishes_nothing(tmp_path: Path) -> None:
    site = _built(tmp_path, {})
    before = tree_digest(site / "dist")
    for key, value in (("draf", "true"), ("DRAFT", "true"), ("publishd", "false"),
                       ("expirydat", "2024-12-19"), ("expiry_dat", "2024-12-19")):
        (site / "content/general/plans.md").write_text(
            article("Secret plans", **{key: value}), "utf-8")
        run = newsgen("build", "-s", site, "--now", NOW)
        assert run.code == 1
        guess = {"publishd": "published", "expirydat": "expirydate",
                 "expiry_dat": "expiry_date"}.get(key, "draft")  # (Hugo's spelling too)
        assert run.errors() == [
            f"content/general/plans.md:5: error: unknown field '{key}': did you mean "
            f"'{guess}'? (an error, not a warning: misspelt, '{guess}' does not hold the "
            "article back)"]
        assert tree_digest(site / "dist") == before
    # A key near one of them whose value holds nothing back is the usual warning.
    for key, value in (("publisher", "Reuters"), ("Draft", "false"), ("draft_by", "Ann"),
                       ("craft", "true"), ("unpublished", "true"), ("republished", "false")):
        (site / "content/general/plans.md").write_text(
            article("Plans", **{key: value}), "utf-8")
        run = newsgen("build", "-s", site, "--now", NOW)
        assert run.code == 0, run.err
        assert any(f"unknown field '{key}' is kept for templates" in w for w in run.warnings())


def test_a_comment_after_a_name_or_a_path_is_a_comment(tmp_path: Path) -> None:
    site = _built(tmp_path, {
        "content/general/a.md": article("A", section="General #desk", lang="en #english",
                                        translation_key="visit #shared"),
    })
    assert (site / "dist/general/a/index.html").is_file()


def test_a_field_given_again_in_other_capitals_is_said(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "content/general/a.md": article("Real", Title="Other")})
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0
    assert ("content/general/a.md:5: warning: 'Title' differs from 'title' (line 2) only in "
            "capitals: newsgen reads 'title'; remove one of them") in run.warnings()
    assert "Real" in (site / "dist/general/a/index.html").read_text("utf-8")


def test_an_unknown_section_hides_none_of_the_files_other_errors(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": SECTIONS,
        "content/general/h.md": article("H", section="Sprot", related="[nope]",
                                        image="missing.jpg", body="See ![x](gone.png)."),
    })
    run = newsgen("check", "-s", site, "--now", NOW)
    assert [e.split(": error: ")[0] for e in run.errors()] == [
        "content/general/h.md:4", "content/general/h.md:5", "content/general/h.md:6",
        "content/general/h.md:9"]


def test_an_address_without_a_host_is_an_error(tmp_path: Path) -> None:
    assert _errors(tmp_path, {
        "content/general/a.md": article("A", related='["https://"]', image='"http://"'),
    }) == [
        "content/general/a.md:5: error: related: 'https://' names no host: write the whole "
        "address, like https://example.org/page",
        "content/general/a.md:6: error: image: 'http://' names no host: write the whole "
        "address, like https://example.org/page"]


def test_an_address_with_a_bad_port_or_a_password_is_an_error(tmp_path: Path) -> None:
    # both were published as written: a password in a read-also link, a port no browser opens
    assert _errors(tmp_path, {
        "content/general/a.md": article("A", related='["https://x.org:abc/a"]',
                                        image='"https://ann:secret@x.org/a.jpg"'),
    }) == [
        "content/general/a.md:5: error: related: 'https://x.org:abc/a' has a port that is not "
        "a number from 0 to 65535",
        "content/general/a.md:6: error: image: 'https://ann:secret@x.org/a.jpg' holds a user "
        "name or password, which every link would publish: leave it out"]


def test_latin1_text_is_named_as_such(tmp_path: Path) -> None:
    assert _errors(tmp_path, {
        "content/general/a.md": article("Café opens", body="A naïve plan.").encode("cp1252"),
    }) == [
        "content/general/a.md:2: error: not UTF-8 text (byte 0xe9 on this line); it looks "
        "like Windows-1252 (Latin-1): save it as UTF-8"]


def test_front_matter_that_does_not_open_on_the_first_line(tmp_path: Path) -> None:
    assert _errors(tmp_path, {
        "content/general/a.md": "\n" + article("A"),
        "content/general/b.md": article("B").split("\n", 1)[1],
    }) == [
        "content/general/a.md:1: error: front matter must start on line 1: remove the empty "
        "line above '---' (line 2)",
        "content/general/b.md:1: error: no front matter: add a line '---' above this one, and "
        "another after the last field"]


def test_config_slips_get_plain_words(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "locale: en_XX\ndate_format: longest\n",
        "content/general/a.md": article("A"),
    })
    run = newsgen("check", "-s", site, "--now", NOW)
    assert run.errors()[0] == ("newsgen.yaml:1: error: locale: 'en_XX': XX is not a territory "
                               "(ISO 3166: TM, RU, US, GB, …)")
    assert run.errors()[1].startswith("newsgen.yaml:2: error: date_format: 'longest' is not a "
                                      "date pattern (letters stand for parts of a date")
    assert "attribute" not in run.err


def test_iso_ordinal_dates_and_the_end_of_a_day(tmp_path: Path) -> None:
    site = _built(tmp_path, {
        "content/general/a.md": article("A", date="2024-353"),
        "content/general/b.md": article("B", date="2024-12-17 24:00"),
    })
    a = soup(site / "dist/general/a/index.html").find("time")["datetime"]
    b = soup(site / "dist/general/b/index.html").find("time")["datetime"]
    assert a.startswith("2024-12-18T00:00:00")
    assert b.startswith("2024-12-18T00:00:00")


def test_a_raw_h1_in_a_body_leaves_the_title_the_only_h1(tmp_path: Path) -> None:
    site = _built(tmp_path, {
        "content/general/a.md": article("The title", body="<h1>Raw</h1>\n\nText."),
    })
    page = soup(site / "dist/general/a/index.html")
    assert [h.get_text(strip=True) for h in page.find_all("h1")] == ["The title"]
    assert page.find("h2", string="Raw") is not None


def test_a_section_named_without_letters_still_gets_a_url(tmp_path: Path) -> None:
    site = _built(tmp_path, {"content/general/a.md": article("A", section='"📰"')})
    [folder] = [p for p in (site / "dist").iterdir() if p.name.startswith("n-")]
    assert (folder / "index.html").is_file()
    assert (folder / "a/index.html").is_file()


def test_a_static_robots_txt_replaces_the_generated_one(tmp_path: Path) -> None:
    site = _built(tmp_path, {"static/robots.txt": "User-agent: *\nDisallow: /private/\n"})
    assert (site / "dist/robots.txt").read_text("utf-8") == \
        "User-agent: *\nDisallow: /private/\n"


def test_a_static_robots_txt_naming_a_sitemap_not_written_gets_a_warning(
        tmp_path: Path) -> None:
    robots = ("User-agent: *\nSitemap: https://example.org/news/sitemap.xml\n"
              "Sitemap: https://example.org/news/news-sitemap.xml\n"
              "sitemap:https://example.org/news/sitemap-2019.xml # the old site's\n"
              "Sitemap: https://other.example/sitemap-2019.xml\n")
    site = _built(tmp_path, {
        "newsgen.yaml": "base_url: https://example.org/news/\ndescription: News.\n",
        "static/robots.txt": robots})
    hint = ("names a file this build does not write, so crawlers that follow it get a 404; "
            "remove the line or name a sitemap the build writes")
    run = newsgen("build", "-s", site, "--now", NOW)  # the article is news: both exist
    assert run.warnings() == [
        f"static/robots.txt:4: warning: 'Sitemap: https://example.org/news/sitemap-2019.xml' "
        f"{hint}"]
    run = newsgen("build", "-s", site, "--now", "2025-06-01")  # no news sitemap any more
    assert run.code == 0
    assert run.warnings() == [
        f"static/robots.txt:3: warning: 'Sitemap: https://example.org/news/news-sitemap.xml' "
        f"{hint}",
        f"static/robots.txt:4: warning: 'Sitemap: https://example.org/news/sitemap-2019.xml' "
        f"{hint}"]
    assert (site / "dist/robots.txt").read_text("utf-8") == robots  # published as it is
    # a preview under another base URL reads the file as written for the published site
    run = newsgen("build", "-s", site, "--now", NOW, "--base-url", "http://127.0.0.1:8000/")
    assert [w.split(": warning: ")[0] for w in run.warnings()] == ["static/robots.txt:4"]


def test_an_article_in_the_way_of_a_generated_page_is_blamed_on_a_line(tmp_path: Path) -> None:
    assert _errors(tmp_path, {
        "newsgen.yaml": 'permalink: "/{slug}/"\n',
        "content/x/archive.md": article("Archive", section="x"),
    }) == [
        "content/x/archive.md:1: error: the archive and content/x/archive.md would both write "
        "/archive/index.html; rename one of them"]


def test_a_required_field_misspelt_is_named_where_it_is(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "content/general/a.md": "---\ntittle: A\ndate: 2024-12-18\nsecton: General\n---\nx\n",
    })
    run = newsgen("check", "-s", site, "--now", NOW)
    assert run.errors() == [
        "content/general/a.md:2: error: missing required field 'title': is 'tittle' a "
        "misspelling of it?",
        "content/general/a.md:4: error: missing required field 'section': is 'secton' a "
        "misspelling of it?"]
    assert not [w for w in run.warnings() if w.startswith("content/")]


def test_a_misspelt_template_override_is_said(tmp_path: Path) -> None:
    site = _built(tmp_path, {
        "templates/artcle.html": '{% extends "base.html" %}',
        "templates/article.html": '{% extends "builtin/article.html" %}',
        **{f"templates/{name}": "x" for name in (
            "article.html~", "#article.html#", ".article.html.swp", "article.html.bak")},
        "templates/partial.html": "<p>used</p>",
        "templates/home.html": '{% extends "base.html" %}{% block content %}'
                               '{% include "partial.html" %}{% endblock %}',
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert [w for w in run.warnings() if w.startswith("templates/")] == [
        "templates/artcle.html: warning: 'artcle.html' replaces no theme template and no "
        "template uses it: did you mean 'article.html'?"]


def test_a_bad_alias_hides_none_of_the_other_aliases_clashes(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "content/general/a.md": article("A", aliases="[/old/a/, /feed.xml, /../x/]"),
        "content/general/b.md": article("B", aliases="[/old/a/]"),
    })
    for _ in range(2):  # and again, from the state
        run = newsgen("build", "-s", site, "--now", NOW)
        assert run.code == 1
        messages = [e.split(": error: ")[1] for e in run.errors()]
        assert messages[0].startswith("aliases: '/../x/' is not a path on this site")
        assert any("would both write /old/a/index.html" in m for m in messages)
        assert any("needs /feed.xml/ as a folder" in m for m in messages)


def test_latin_text_is_named_by_its_languages_code_page(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "language: tr\nlanguages:\n  en: {title: News}\n",
        "content/general/a.md": article("Başbakan köprüyü açtı").encode("cp1254"),
        "content/en/general/b.md": article("Mañana à la café").encode("cp1252"),
    })
    run = newsgen("check", "-s", site, "--now", NOW)
    assert run.errors()[0].endswith("it looks like Windows-1252 (Latin-1): save it as UTF-8")
    assert run.errors()[1].endswith("it looks like Windows-1254: save it as UTF-8")


def test_a_raw_h1_in_a_script_or_preformatted_text_is_left_alone(tmp_path: Path) -> None:
    site = _built(tmp_path, {
        "content/general/a.md": article(
            "T", body='<script>var s = "<h1>hi</h1>";</script>\n\n<pre><h1>x</h1></pre>'),
    })
    html = (site / "dist/general/a/index.html").read_text("utf-8")
    assert 'var s = "<h1>hi</h1>";' in html
    assert "<pre><h1>x</h1></pre>" in html


def test_fixing_an_unreadable_config_reads_the_articles_again(tmp_path: Path) -> None:
    """The dev server keeps the articles it read: read without the configuration, an
    article missing its date was no error then, and must be one now."""
    from conftest import build_here

    from newsgen.incremental.cache import BuildCache

    site = write_site(tmp_path / "site", {
        "newsgen.yaml": 'title: "News\n',
        "content/general/a.md": article("A"),
        "content/general/b.md": "---\ntitle: B\n---\nx\n",
    })
    cache = BuildCache(None)
    result, reporter = build_here(site, cache=cache)
    assert result is None
    assert [d.path for d in reporter.errors] == ["newsgen.yaml"]
    (site / "newsgen.yaml").write_text('title: "News"\n', "utf-8")
    result, reporter = build_here(site, cache=cache)
    assert result is None
    assert [d.message.split(" (")[0] for d in reporter.errors] == [
        "missing required field 'date'", "missing required field 'section'"]


def test_an_alias_that_is_the_articles_own_url_says_so(tmp_path: Path) -> None:
    assert _errors(tmp_path, {
        "content/general/a.md": article("A", aliases="[/general/a/]"),
    }) == ["content/general/a.md:5: error: aliases: /general/a/ is the article's own URL: "
           "remove it"]


def test_an_upgrade_of_newsgen_is_a_change_every_build_sees(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build after an upgrade is no "nothing changed": the new code may read the same
    sources otherwise (a misspelt draft, now an error), or render them otherwise."""
    from conftest import build_here

    from newsgen import hashing

    site = write_site(tmp_path / "site", {"content/general/a.md": article("A")})
    first, _ = build_here(site)
    assert first is not None and first.rendered > 0
    again, _ = build_here(site)
    assert again is not None and again.nothing_changed
    try:
        monkeypatch.setattr(hashing, "__version__", "99.0")
        hashing.code_identity.cache_clear()
        hashing.code_stamp.cache_clear()
        upgraded, _ = build_here(site)
        assert upgraded is not None and not upgraded.nothing_changed
        assert upgraded.rendered == first.rendered  # every page, by the new code
    finally:
        monkeypatch.undo()
        hashing.code_identity.cache_clear()
        hashing.code_stamp.cache_clear()


def test_alt_text_cut_by_a_comment_is_one_error_not_a_missing_alt(tmp_path: Path) -> None:
    image = "image:\n  src: /p.png\n  alt: Ferry #2 at the pier\n"
    text = f"---\ntitle: Ferry\ndate: 2024-12-18\nsection: General\n{image}---\nText.\n"
    run = newsgen("check", "-s", write_site(tmp_path / "site", {
        "content/general/a.md": text, "static/p.png": b"\x89PNG\r\n\x1a\n"}), "--now", NOW)
    assert run.code == 1
    assert run.errors() == [
        "content/general/a.md:7: error: image.alt: everything after ' #' is a comment in "
        "YAML, so the alt would be 'Ferry': put the alt in quotes: "
        "`alt: \"Ferry #2 at the pier\"`"]
    assert not [w for w in run.warnings() if "alt" in w]


def test_raw_html_never_closed_is_said_on_its_line(tmp_path: Path) -> None:
    # Markdown took the rest of the body for the <div>'s HTML: the heading, the link and
    # the emphasis were published as typed, with no word
    body = ("A paragraph.\n\n<div class=\"box\"><p>unclosed\n\n## Heading\n\n"
            "[x](https://example.org/) and **bold**\n\n<section>\n\nKept.\n\n</section>\n")
    site = write_site(tmp_path / "site", {"content/general/a.md": article("A", body=body),
                                          "newsgen.yaml": "base_url: https://x.org/\n"})
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    assert [w for w in run.warnings() if "a.md" in w] == [
        "content/general/a.md:9: warning: <div> opened on this line is never closed: Markdown "
        "reads the rest of the body as raw HTML, so its headings, lists, links and emphasis "
        "are shown as typed; close it with </div>"]
    # its only end tag in a code fence (read first): never closed
    (site / "content/general/a.md").write_text(article("A", body="<div>\n\n```\n</div>\n"
                                                                   "```\n\n## Lost\n"))
    run = newsgen("build", "-s", site, "--now", NOW)
    assert [w.split(": warning: ")[0] for w in run.warnings() if "a.md" in w] == [
        "content/general/a.md:7"], run.err
    # closed, in a code fence (also one in a list item), in a comment, or with nothing
    # after it: no word
    for fine in ("<div>\n\n## H\n\n</div>\n", "```\n<div>\n```\n\n## H\n", "Text\n\n<p>last\n",
                 "<!--\n<aside>\nold\n-->\n\n## H\n", "- a\n\n  ```\n  <div>\n  ```\n\n## H\n",
                 "```\n<div>\n```\n\n- b\n\n  ```\n  x\n  ```\n\n## H\n",
                 "<?php\n<div>\n?>\n\n## H\n"):
        (site / "content/general/a.md").write_text(article("A", body=fine))
        run = newsgen("build", "-s", site, "--now", NOW)
        assert run.code == 0 and not [w for w in run.warnings() if "a.md" in w], run.err


@pytest.mark.parametrize("before", ["```\n<!-- a comment\n```\n", "Use `<!--` to open one.\n"])
def test_a_comment_opener_that_is_none_hides_no_unclosed_html(before: str) -> None:
    # a `<!--` in a fence or in inline code switched the check off for the rest
    from newsgen.parse.body_lines import unclosed_html

    body = before + '\n<div class="box">\n\n## Later heading\n'
    assert unclosed_html(body) == (body[:body.index("<div")].count("\n"), "div")


@pytest.mark.parametrize(("body", "raw"), [
    ("<div>\na <!-- <div> -->\n</div>\n\n**more**\n", False),
    ("<div>\na <!-- </div> -->\n\n**more**\n", True),
    ("<div/>\n\n**more**\n", False),
    ('<div>\n<script>\ns = "</div>";\n</script>\n\n**more**\n', True),
    ("<div>\n<style>\n/* <div> */\n</style>\n</div>\n\n**more**\n", False)])
def test_unclosed_html_is_judged_as_markdown_reads_it(body: str, raw: bool) -> None:
    # comments mid-line, a self-closed element and what scripts and styles hold were read
    # as tags: false warnings, and misses
    from newsgen.parse.body_lines import unclosed_html
    from newsgen.parse.markup import Converter

    assert ("**more**" in Converter(raw_html=True).convert(body).html) is raw  # (Markdown's)
    assert (unclosed_html(body) is not None) is raw


@pytest.mark.parametrize(("draft", "published", "live"), [
    ("false", "false", True), ("true", "true", False), ("false", "true", True)])
def test_draft_wins_over_jekylls_published_with_a_warning_at_it(
        tmp_path: Path, draft: str, published: str, live: bool) -> None:
    # `published: false` beside `draft: false` held the article back in silence: an editor
    # who set `draft: false` on a post moved from Jekyll saw it stay off the site.
    site = _built(tmp_path, {"content/general/moved.md": article(
        "Moved", draft=draft, published=published)})
    assert (site / "dist/general/moved/index.html").exists() is live
    run = newsgen("build", "-s", site, "--now", NOW)
    assert [w for w in run.warnings() if w.startswith("content/")] == [
        "content/general/moved.md:6: warning: 'published' is read as the opposite of "
        "'draft', which this file gives too (line 5): 'draft' is used and 'published' left "
        "out; merge them"]


def test_two_of_hugos_names_for_one_field_are_said_by_the_names_written(
        tmp_path: Path) -> None:
    # The warning named 'expiry', newsgen's name inside, which no editor writes.
    site = _built(tmp_path, {"content/general/ends.md": article(
        "Ends", expirydate="2030-01-01", expiry_date="2024-12-20")})
    assert (site / "dist/general/ends/index.html").exists()  # expirydate's 2030 is used
    run = newsgen("build", "-s", site, "--now", NOW)
    assert [w for w in run.warnings() if w.startswith("content/")] == [
        "content/general/ends.md:6: warning: 'expiry_date' is read as 'expirydate', which "
        "this file gives too (line 5): 'expirydate' is used and 'expiry_date' left out; "
        "merge them"]


def test_a_file_left_out_for_its_name_is_said_so_where_it_is_named(tmp_path: Path) -> None:
    # An image or a related article whose name starts with `_` was "no file": the editor
    # sees the file on disk, and was not told it is never read.
    errors = _errors(tmp_path, {
        "newsgen.yaml": "title: T\nbase_url: https://example.org/\n" + SECTIONS,
        "content/general/_hidden.jpg": b"\xff\xd8\xff\xe0",
        "content/_drafts/wip.md": article("Work in progress"),
        "content/general/lead.md": article("Lead", image="_hidden.jpg",
                                           related="[_drafts/wip]")})
    left_out = ("is published: names that start with '_' or '.', and editors' backups (~, "
                ".bak, .swp), are left out of content/")
    assert errors == [
        f"content/general/lead.md:5: error: image: no file content/general/_hidden.jpg "
        f"{left_out}",
        f"content/general/lead.md:6: error: related: no article '_drafts/wip' {left_out}"]


def test_a_title_on_several_lines_is_joined_with_a_warning(tmp_path: Path) -> None:
    # A `|` block kept its line breaks in the page's <title>, the feed and the JSON-LD.
    site = _built(tmp_path, {"content/general/ml.md": (
        "---\ntitle: |\n  Line one\n  Line two\ndate: 2024-12-18 10:00\nsection: General\n"
        "related:\n  - url: https://example.com/a\n    title: \"A\\nB\"\nauthor: |\n  Ann\n"
        "  Lee\ntags:\n  - \"energy\\rpolicy\"\n  - \"gas\\u2028trade\"\n---\n\nBody.\n"),
        "content/general/folded.md": (
            "---\ntitle: >\n  Folded\n  by YAML\ndate: 2024-12-18 10:00\nsection: General\n"
            "---\n\nBody.\n")})
    page = soup(site / "dist/general/ml/index.html")
    assert page.title is not None and page.title.text.startswith("Line one Line two")
    assert page.h1 is not None and page.h1.text.strip() == "Line one Line two"
    assert "Line one\nLine two" not in (site / "dist/feed.xml").read_text("utf-8")
    assert [a.text for a in page.select("a.external")] == ["A B"]
    run = newsgen("build", "-s", site, "--now", NOW)
    assert [w for w in run.warnings() if w.startswith("content/")] == [
        f"content/general/ml.md:{line}: warning: {name}: its lines are joined with spaces, "
        f"as a {one} is shown on one line (in tabs, feeds and search results); write it on "
        "one line" for line, name, one in ((2, "title", "title"), (9, "related.title", "title"),
                                           (10, "author", "name"), (14, "tags", "tag"),
                                           (15, "tags", "tag"))]
    feed = (site / "dist/feed.xml").read_text("utf-8")
    assert "<dc:creator>Ann Lee</dc:creator>" in feed and "energy policy" in feed
    assert soup(site / "dist/general/folded/index.html").h1.text.strip() == "Folded by YAML"


def test_newsgen_s_files_stamp_sees_an_edit_a_new_file_and_not_python_s_caches(
        tmp_path: Path) -> None:
    """The quick key knows newsgen's own files by their stats (hashing.files_stamp): an
    edited or added file changes the stamp; Python writing its bytecode does not."""
    import os

    from newsgen.hashing import files_stamp

    write_site(tmp_path / "pkg", {"a.py": "x = 1\n", "theme/page.html": "<p>\n"})
    first = files_stamp(tmp_path / "pkg")
    assert files_stamp(tmp_path / "pkg") == first
    write_site(tmp_path / "pkg", {"__pycache__/a.cpython-311.pyc": b"\0",
                                  "theme/__pycache__/x.pyc": b"\0"})
    assert files_stamp(tmp_path / "pkg") == first
    os.utime(tmp_path / "pkg/theme/page.html", ns=(1, 1))
    touched = files_stamp(tmp_path / "pkg")
    assert touched != first
    write_site(tmp_path / "pkg", {"theme/new.html": ""})
    assert files_stamp(tmp_path / "pkg") not in (first, touched)
