"""Linking and validation end to end: references, body links, languages, collisions."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from conftest import NOW, article, newsgen, soup, tree_digest, write_site
from hypothesis import given
from hypothesis import strategies as st

from newsgen.errors import Diagnostic, Severity


def test_embargoed_and_draft_articles_are_fully_checked(tmp_path: Path) -> None:
    body = "See [x](nothere.md)."
    site = write_site(tmp_path / "s", {
        "content/general/live.md": article("Live"),
        "content/general/fut.md": article("Future", "2030-12-18", body=body,
                                          related="[no-such-article]"),
        "content/general/dr.md": article("Draft", draft="true", image="missing.png"),
    })
    run = newsgen("check", "-s", site, "--now", NOW)
    assert run.code == 1
    errors = "\n".join(run.errors())
    assert "content/general/fut.md:5: error: related: no article 'no-such-article'" in errors
    assert "content/general/fut.md:8: error: link 'nothere.md'" in errors
    assert "content/general/dr.md:6: error: image: no file content/general/missing.png" in errors


def test_future_article_with_the_same_url_is_an_error_now(tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", {
        "content/general/same.md": article("Live"),
        "content/other/same.md": article("Later", "2030-01-01", section="General"),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 1
    assert any("same URL /general/same/" in e and "content/general/same.md" in e
               and "content/other/same.md" in e for e in run.errors()), run.err


def test_one_bad_field_does_not_hide_the_other_errors(tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", {
        "content/general/a.md": "---\ntitle: A\ndate: 2024-13-45\nsection: General\n"
                                "related: [no-such]\nimage: gone.png\n---\n\n[x](nothere.md)\n",
    })
    run = newsgen("check", "-s", site)
    lines = [e.split(": error:")[0] for e in run.errors()]
    assert lines == ["content/general/a.md:3", "content/general/a.md:5",
                     "content/general/a.md:6", "content/general/a.md:9"], run.err


def test_duplicate_key_and_other_errors_together(tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", {
        "newsgen.yaml": "title: a\ntitle: b\nper_pag: 1\n",
        "content/general/a.md": article("A"),
    })
    run = newsgen("build", "-s", site)
    errors = run.errors()
    assert any(e.startswith("newsgen.yaml:2: error: 'title' is given twice, here and on line 1")
               for e in errors)
    assert any(e.startswith("newsgen.yaml:3: error: unknown key 'per_pag'; did you mean "
                            "'per_page'?") for e in errors)


def test_unknown_config_key_always_names_the_nearest(tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", {"newsgen.yaml": "foo: 1\n", "content/g/a.md": article()})
    run = newsgen("build", "-s", site)
    assert run.code == 1
    assert "newsgen.yaml:1: error: unknown key 'foo'; did you mean '" in run.err


@pytest.mark.parametrize(("a", "img", "dead", "said"), [
    ('<a href="b.md">b</a>', "<img src='pic.png' alt=''>", '<a href="gone.md">x</a>',
     "link 'gone.md'"),
    # old archives write them without quotes, as HTML allows (a relative one was left as
    # written, and broke once the article was published at its own path)
    ("<a href=b.md>b</a>", "<img src=pic.png alt=''>", "<a href=/nowhere/>x</a>",
     "link '/nowhere/'"),
])
def test_raw_html_links_are_resolved_and_checked(tmp_path: Path, a: str, img: str,
                                                  dead: str, said: str) -> None:
    site = write_site(tmp_path / "s", {
        "content/general/a.md": article("A", body=f"<p>{a} {img}</p>"),
        "content/general/b.md": article("B"),
        "content/general/pic.png": b"\x89PNG",
        "content/general/c.md": article("C", body=f"<div>{dead}</div>"),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 1
    assert any(e.startswith(f"content/general/c.md:7: error: {said}")
               for e in run.errors()), run.err
    (site / "content/general/c.md").unlink()
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    body = soup(site / "dist/general/a/index.html").find("div", class_="article-body")
    assert body.find("a")["href"] == "/general/b/"
    assert body.find("img")["src"] == "/general/pic.png"


def test_read_also_full_url_on_this_site_that_names_nothing_is_warned(
        tmp_path: Path) -> None:
    """A read-also URL on the site's own base_url is linked as the article it names; one
    that names no page of the build is a warning on its line (a full URL may be a page
    another application on the host serves), and one naming a page, or a draft (which
    the block leaves out with its own warning), is not."""
    site = write_site(tmp_path / "s", {
        "newsgen.yaml": "base_url: https://x.org/\n",
        "content/general/a.md": article("A", related="\n  - https://x.org/general/gone/"
                                        "\n  - https://x.org/general/\n"
                                        "  - https://x.org/general/d/\n"
                                        "  - https://elsewhere.org/general/gone/"),
        "content/general/d.md": article("D", draft="true"),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    warned = [w for w in run.err.splitlines() if "no page or file" in w]
    assert warned == ["content/general/a.md:6: warning: related: 'https://x.org/general/gone/'"
                      " is on this site, but no page or file of this build has that path"], run.err
    assert "content/general/a.md:8: warning: related: 'https://x.org/general/d/'" in run.err


def test_a_link_to_a_file_left_out_of_content_says_why(tmp_path: Path) -> None:
    """A link to `_notes.txt`, `.env` or a backup names a file that is there on disk but
    never published: the error says why, not only that there is no such file."""
    site = write_site(tmp_path / "s", {
        "content/general/a.md": article("A", body="[n](_notes.txt) [b](b.md.bak)"),
        "content/general/_notes.txt": "x",
        "content/general/b.md.bak": "x",
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 1
    errors = run.errors()
    assert len(errors) == 2 and all(
        e.startswith("content/general/a.md:7: error: link '") and "is published: names that "
        "start with '_' or '.', and editors' backups" in e for e in errors), run.err


def test_raw_html_attributes_are_read_as_a_browser_reads_them(tmp_path: Path) -> None:
    """`title="1 < 2"` or `alt="a > b"` ends no tag, and `alt="set src=pic.png"` says src=
    in its words: it is no attribute, and the value is published whole; the tag's own
    src (or HREF, in capitals) is the link."""
    site = write_site(tmp_path / "s", {
        "content/general/a.md": article("A", body='<p><img alt="Set src=nope.png > here" '
                                                  'src="pic.png"> <a title="write href=x.md < 2" '
                                                  "HREF='b.md'>b</a> <img/src=pic.png> "
                                                  '<a title="x"href="b.md">c</a></p>'),
        "content/general/b.md": article("B"),
        "content/general/pic.png": b"\x89PNG",
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    body = soup(site / "dist/general/a/index.html").find("div", class_="article-body")
    assert body.find("img")["alt"] == "Set src=nope.png > here"
    assert body.find("img")["src"] == "/general/pic.png"
    assert body.find("a")["title"] == "write href=x.md < 2"
    assert body.find("a")["href"] == "/general/b/"
    # no space before an attribute, as a browser reads it too
    assert [i.get("src") for i in body.find_all("img")] == ["/general/pic.png"] * 2
    assert [a.get("href") for a in body.find_all("a")] == ["/general/b/"] * 2


def test_static_is_copied_verbatim(tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", {
        "content/general/a.md": article(),
        "static/.htaccess": "x",
        "static/.well-known/security.txt": "y",
        "static/_redirects": "z",
        # an editor's swap files beside a stylesheet are not the site's; a copy kept by
        # hand may be (static/ is verbatim)
        **{f"static/css/{name}": "draft" for name in (
            "site.css", ".site.css.swp", "site.css~", "#site.css#", ".DS_Store", "old.css.bak")},
        # folders are never scratch, whatever their name (an issue's number, a tilde)
        "static/media/4913/photo.jpg": "p", "static/old~/a.css": "a",
    })
    assert newsgen("build", "-s", site).code == 0
    for rel in [".htaccess", ".well-known/security.txt", "_redirects"]:
        assert (site / "dist" / rel).is_file(), rel
    assert sorted(p.name for p in (site / "dist/css").iterdir()) == ["old.css.bak", "site.css"]
    assert (site / "dist/media/4913/photo.jpg").is_file() and (site / "dist/old~/a.css").is_file()
    # a link named like a swap file is one too, whatever it leads to
    (site / "static/css/site.css~").unlink()
    (site / "static/css/site.css~").symlink_to("site.css")
    assert newsgen("build", "-s", site).code == 0
    assert not (site / "dist/css/site.css~").exists()


def test_read_also_never_mixes_languages(tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", {
        "newsgen.yaml": "languages:\n  ru: {title: Новости}\n",
        "content/general/en-one.md": article("One", related="[general/ru-one.md]",
                                             tags="[x]"),
        "content/general/en-two.md": article("Two", tags="[x]"),
        "content/general/ru-one.md": article("Один", lang="ru", tags="[x]"),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    assert any("another language (ru)" in w for w in run.warnings())
    hrefs = [a["href"] for a in soup(site / "dist/general/en-one/index.html")
             .find("aside", class_="read-also").find_all("a")]
    assert hrefs == ["/general/en-two/"]
    ru = [a["href"] for a in soup(site / "dist/ru/general/ru-one/index.html")
          .find("aside", class_="read-also").find_all("a")]
    assert ru == []


def test_read_also_keeps_another_languages_article_given_by_its_url(tmp_path: Path) -> None:
    """As the README says: to list another language's article anyway, write its URL as an
    item (`{title, url}`): kept as written, with the title given or the article's own, and
    no warning (it was dropped, with a warning that advised the very same form)."""
    site = write_site(tmp_path / "s", {
        "newsgen.yaml": "base_url: https://n.example/\nlanguages:\n  ru: {title: Новости}\n",
        "content/general/en-one.md": article(
            "One", related="\n  - {title: По-русски, url: 'https://n.example/ru/general/ru-one/'}"
                           "\n  - https://n.example/ru/general/ru-two/"),
        "content/general/ru-one.md": article("Один", lang="ru"),
        "content/general/ru-two.md": article("Два", lang="ru"),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    assert not [w for w in run.warnings() if "related" in w], run.err
    links = [(a.get_text(strip=True), a["href"]) for a in soup(
        site / "dist/general/en-one/index.html").find("aside", class_="read-also").find_all("a")]
    assert links == [("По-русски", "https://n.example/ru/general/ru-one/"),
                     ("Два", "https://n.example/ru/general/ru-two/")]


def test_touched_asset_keeps_mtime_and_changed_asset_is_copied(tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", {"content/general/a.md": article(),
                                       "content/general/p.txt": "AAAA"})
    assert newsgen("build", "-s", site).code == 0
    out = site / "dist/general/p.txt"
    marker = site / "dist/.newsgen-output"
    first = (out.stat().st_mtime_ns, marker.stat().st_mtime_ns)
    time.sleep(0.02)
    os.utime(site / "content/general/p.txt")
    assert newsgen("build", "-s", site).code == 0
    assert (out.stat().st_mtime_ns, marker.stat().st_mtime_ns) == first
    src = site / "content/general/p.txt"
    old = src.stat()
    src.write_text("BBBB")
    os.utime(src, ns=(old.st_atime_ns, old.st_mtime_ns))
    assert newsgen("build", "-s", site).code == 0
    assert out.read_text() == "BBBB"


def test_extreme_dates_are_errors_not_crashes(tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", {
        "content/general/a.md": article("A", "0001-01-01 00:00 +05:00"),
        "content/general/b.md": article("B", "9999-12-31 23:59 -05:00"),
        "content/general/c.md": article("C", updated="0001-01-01"),
    })
    run = newsgen("build", "-s", site, "--future")
    assert run.code == 1
    assert len(run.errors()) == 3
    assert newsgen("build", "-s", site, "--now", "9999-12-31 23:59 -05:00").code == 2


def test_tags_and_authors_are_one_per_slug(tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", {
        "content/general/a.md": article("A", tags="[Energy, energy, 'ENERGY!']",
                                        authors="[Ann Lee, ann-lee]"),
    })
    assert newsgen("build", "-s", site).code == 0
    page = soup(site / "dist/general/a/index.html")
    assert [a["href"] for a in page.select(".article-tags a")] == ["/tags/energy/"]
    tag_page = soup(site / "dist/tags/energy/index.html")
    assert len(tag_page.select(".card-title a")) == 1
    assert len(soup(site / "dist/authors/ann-lee/index.html").select(".card-title a")) == 1


def test_link_error_line_is_the_link_not_a_longer_name(tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", {
        "content/general/a.md": article("A", body="See ![a](photo.jpg).\n\nAnd [b](photo)."),
        "content/general/photo.jpg": b"jpg",
    })
    run = newsgen("build", "-s", site)
    assert run.errors()[0].startswith("content/general/a.md:9: error: link 'photo'"), run.err


def test_asset_urls_are_percent_encoded(tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", {
        "content/general/a.md": article("A", body="[pdf](sub/my%20file.pdf)"),
        "content/general/sub/my file.pdf": b"%PDF",
    })
    assert newsgen("build", "-s", site).code == 0
    page = soup(site / "dist/general/a/index.html")
    assert page.find("div", class_="article-body").a["href"] == "/general/sub/my%20file.pdf"


def test_section_colliding_with_tag_index_blames_the_article(tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", {
        "content/tags/t.md": article("T", section="Tags", tags="[x]"),
    })
    run = newsgen("build", "-s", site)
    assert run.code == 1
    assert run.errors()[0].startswith("content/tags/t.md:4: error: the tag index and section "
                                      "'tags' would both write /tags/index.html")


def test_bad_option_values_are_usage_errors(tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", {"content/general/a.md": article()})
    before = tree_digest(tmp_path)
    for args in (["--now", "garbage"], ["--now", ""], ["--base-url", "sub"],
                 ["--base-url", "javascript:alert(1)"]):
        assert newsgen("build", "-s", site, *args).code == 2, args
    assert newsgen("build", "-s", tmp_path / "missing").code == 2
    assert newsgen("build", "-s", site / "content/general/a.md").code == 2
    assert tree_digest(tmp_path) == before


def test_symlinked_output_is_built_where_it_points(tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", {"content/general/a.md": article("First")})
    real = tmp_path / "real"
    assert newsgen("build", "-s", site, "-o", real).code == 0
    (site / "dist").symlink_to(real)
    write_site(site, {"content/general/a.md": article("Second")})
    assert newsgen("build", "-s", site).code == 0
    assert (site / "dist").is_symlink()
    assert "Second" in (real / "general/a/index.html").read_text()
    assert sorted(p.name for p in site.iterdir()) == [".newsgen-cache", "content", "dist"]


def test_symlink_outside_the_site_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    site = write_site(tmp_path / "s", {"content/general/a.md": article()})
    (site / "content/general/leak.txt").symlink_to(secret)
    (site / "static").mkdir()
    (site / "static/leak2.txt").symlink_to(secret)
    run = newsgen("build", "-s", site)
    assert run.code == 1
    assert any(e.startswith("content/general/leak.txt: error: symbolic link points outside")
               for e in run.errors())
    assert any(e.startswith("static/leak2.txt: error: symbolic link points outside")
               for e in run.errors())
    assert not (site / "dist").exists()


def test_symlinks_into_the_output_or_the_state_are_refused(tmp_path: Path) -> None:
    """A link under content/ to the site's own dist/ would copy each output into the next
    (it grew without end), and one to .newsgen-cache would publish the state database,
    drafts' text included: both are refused, and the output is left as it was."""
    from newsgen.incremental.database import DATABASE
    from newsgen.output.guard import MARKER
    from newsgen.stages.scan import WRITTEN_MARKS

    assert WRITTEN_MARKS == (MARKER, DATABASE)  # declared where the loader can see them
    site = write_site(tmp_path / "s", {"content/general/a.md": article()})
    assert newsgen("build", "-s", site).code == 0
    before = tree_digest(site / "dist")
    (site / "content/general/mirror").symlink_to("../../dist")
    (site / "content/files").symlink_to("../.newsgen-cache")
    (site / "content/general/logo.css").symlink_to("../../dist/assets/newsgen.css")
    run = newsgen("build", "-s", site)
    assert run.code == 1
    for rel in ("content/general/mirror", "content/files", "content/general/logo.css"):
        assert f"{rel}: error: symbolic link points into an output or the build state" \
            in run.err, run.err
    assert tree_digest(site / "dist") == before
    # ... or to a folder that holds one: the site itself, or the output's parent
    for rel in ("content/general/mirror", "content/files", "content/general/logo.css"):
        (site / rel).unlink()
    (site / "static").mkdir()
    (site / "build").mkdir()
    (site / "static/up").symlink_to("..")
    (site / "static/b").symlink_to("../build")
    run = newsgen("build", "-s", site, "-o", site / "build/public")
    assert run.code == 1
    for rel in ("static/up", "static/b"):
        assert f"{rel}: error: symbolic link points into an output or the build state" \
            in run.err, run.err
    assert not (site / "build/public").exists()


def test_email_autolinks_are_mailto_links_not_files(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "content/general/press.md": article(
            "Press", body="Write to <press@example.org> for details.\n\n"
                          "Or [the desk](mailto:desk@example.org), or see [the story](other.md)."),
        "content/general/other.md": article("Other", "2024-12-17 10:00"),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    assert not run.errors()
    doc = soup(site / "dist/general/press/index.html")
    hrefs = [a["href"] for a in doc.select(".article-body a")]
    assert hrefs == ["mailto:press@example.org", "mailto:desk@example.org", "/general/other/"]
    assert doc.select(".article-body a")[0].get_text() == "press@example.org"
    # The summary (meta description, feeds) reads as the text, not as placeholders.
    assert doc.find("meta", attrs={"name": "description"})["content"] == (
        "Write to press@example.org for details.")
    assert "Write to press@example.org for details." in (site / "dist/feed.xml").read_text()


def test_messages_never_print_control_characters(tmp_path: Path) -> None:
    # A broken link next to an autolink: the message names the link as written.
    site = write_site(tmp_path / "site", {
        "content/general/a.md": article("A", body="Mail <a@example.org>.\n\n"
                                                  "See [gone](missing\x07.md)."),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 1
    assert "content/general/a.md:9: error: link 'missing\\x07.md': no file " \
        "content/general/missing\\x07.md" in run.err
    assert not [ch for ch in run.err if ch != "\n" and not ch.isprintable()]


@given(st.text())
def test_a_printed_diagnostic_is_one_printable_line(message: str) -> None:
    line = Diagnostic("content/a.md", 3, Severity.ERROR, message).format()
    assert all(ch.isprintable() or ch in "\u200c\u200d" or ch.isspace() and ch not in
               "\n\r\t\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029" for ch in line)
    if message.isprintable():
        assert line.endswith(message)


def test_markdown_files_of_every_extension_are_articles(tmp_path: Path) -> None:
    """Jekyll writes `.markdown`; `.mdown` and `.mkd` exist too. All are articles, none is
    copied as a raw file, and links and references find them with or without the suffix."""
    site = write_site(tmp_path / "site", {
        "content/general/jekyll-post.markdown": article(
            "Jekyll post", "2024-12-18 10:00", related="[general/other, mkd-post]",
            body="See [the other](other.mdown) and [this](jekyll-post.markdown)."),
        "content/general/other.mdown": article("Other", "2024-12-17 10:00"),
        "content/general/mkd-post.MKD": article("MKD post", "2024-12-16 10:00",
                                                body="Back to [it](jekyll-post)."),
        "content/general/notes.txt": "an asset",
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    out = site / "dist"
    for slug in ("jekyll-post", "other", "mkd-post"):
        assert (out / f"general/{slug}/index.html").is_file(), slug
    assert (out / "general/notes.txt").is_file()
    assert not [p for p in out.rglob("*") if p.suffix.lower() in (".markdown", ".mdown", ".mkd")]
    doc = soup(out / "general/jekyll-post/index.html")
    assert [a["href"] for a in doc.select(".article-body a")] == [
        "/general/other/", "/general/jekyll-post/"]
    assert [a["href"] for a in doc.select("aside.read-also a")][:2] == [
        "/general/other/", "/general/mkd-post/"]
    back = soup(out / "general/mkd-post/index.html").select(".article-body a")
    assert back[0]["href"] == "/general/jekyll-post/"


def test_an_entry_linked_is_the_entry_replaced() -> None:
    """Entry.linked (linking's fast copy) names every field of an entry: a field added to
    Entry and not to it fails here, not in a page."""
    import dataclasses
    from datetime import UTC, datetime

    from newsgen.model.content import Article
    from newsgen.model.site import Entry, Link, Section, Term

    a = Article(source="content/a.md", content_path="a.md", title="A",
                date=datetime(2024, 1, 1, tzinfo=UTC), section="General", slug="a")
    values = {f.name: f"value-{f.name}" for f in dataclasses.fields(Entry)}
    values.update(article=a, section=Section("general", "General"),
                  tags=(Term("tag", "T", "t"),), read_also=(Link("B", "b/", False),))
    entry = Entry(**values)  # type: ignore[arg-type]
    other = dataclasses.replace(entry, url="other/")
    links = (Link("C", "c/", False),)
    assert entry.linked(read_also=links) == dataclasses.replace(entry, read_also=links)
    assert entry.linked(translations=(other,)) == dataclasses.replace(
        entry, translations=(other,))
    assert entry.linked() == entry


def test_a_markdown_file_named_by_its_site_path_is_linked_to_its_article(
        tmp_path: Path) -> None:
    """`/economy/b.md` names content/economy/b.md: as a link it would be dead (the output
    has no .md files), so it becomes the article's URL; a Markdown file of static/ is
    linked where it is published, also under a base path. A site path that names no
    source is kept as written, with a warning. Other site paths are left alone."""
    site = write_site(tmp_path / "s", {
        "content/general/a.md": article(
            "A", body="[b](/economy/b.md#top) [s](/economy/) [c](/assets/newsgen.css) "
                      "[g](/docs/guide.md) [n](/news/economy/b.md) [x](/old/gone.md)"),
        "content/economy/b.md": article("B", section="Economy"),
        "static/docs/guide.md": "# Guide\n",
    })
    run = newsgen("build", "-s", site, "--now", NOW, "--base-url", "https://e.org/news/")
    assert run.code == 0, run.err
    hrefs = {a.get_text(): a["href"] for a in
             soup(site / "dist/general/a/index.html").select("main a")}
    assert hrefs["b"] == "/news/economy/b/#top" and hrefs["n"] == "/news/economy/b/"
    assert hrefs["g"] == "/news/docs/guide.md"
    assert (hrefs["s"], hrefs["c"], hrefs["x"]) == (
        "/economy/", "/assets/newsgen.css", "/old/gone.md")
    assert any(w.startswith("content/general/a.md:7: warning: link '/old/gone.md': no "
                            "article or file at this site path") for w in run.warnings()), run.err


def test_a_long_link_target_is_quoted_short(tmp_path: Path) -> None:
    """A "link" that runs over many lines (an SQL column list read as Markdown) is quoted
    cut short, not printed whole."""
    target = "x" * 200 + ".md"
    site = write_site(tmp_path / "s", {"content/general/a.md": article("A", body=f"[a]({target})")})
    run = newsgen("check", "-s", site, "--now", NOW)
    assert run.code == 1
    error = next(e for e in run.errors() if "error: link '" in e)
    assert f"link '{'x' * 79}…': no file content/general/{target}" in error


def test_a_field_given_under_both_names_is_warned(tmp_path: Path) -> None:
    """`redirect_from` and `aliases` both given: newsgen's name wins, and the old URLs
    of the other get no redirect page; that is said, never silent."""
    site = write_site(tmp_path / "s", {"content/general/a.md": (
        "---\ntitle: A\ndate: 2024-12-01\nsection: General\nredirect_from: [/old.html]\n"
        "aliases: [/older/]\n---\nx\n")})
    run = newsgen("check", "-s", site, "--now", NOW)
    assert run.code == 0
    assert ("content/general/a.md:5: warning: 'redirect_from' is read as 'aliases', which "
            "this file gives too (line 6): 'aliases' is used and 'redirect_from' left out; "
            "merge them") in run.warnings()


def test_read_also_by_this_sites_full_url_is_neither_itself_nor_twice(tmp_path: Path) -> None:
    """`{url: https://<base_url>/general/a/}` names a page of this site: never the
    article itself, and not a second link to a target listed by slug (or filled); nor
    when the URL is written another way a browser reads alike (host case, default port,
    http, `index.html`, dot segments)."""
    related = ('\n  - {title: Self, url: "https://ex.com/general/a/"}'
               '\n  - {title: B, url: "https://ex.com/general/b"}\n  - b'
               '\n  - {title: Bee, url: "https://EX.com:443/general/b/index.html"}'
               '\n  - http://ex.com/general/./a/')
    site = write_site(tmp_path / "s", {
        "newsgen.yaml": "base_url: https://ex.com/\n",
        "content/general/a.md": article("A", related=related),
        "content/general/b.md": article("B", date="2024-12-17"),
        "content/general/c.md": article("C", date="2024-12-16"),
    })
    # The same under --base-url (a staging build), whose base is another: the URLs
    # written with newsgen.yaml's base_url still name this site's pages.
    for extra in ([], ["--base-url", "https://staging.example/"]):
        run = newsgen("build", "-s", site, "--now", NOW, *extra)
        assert run.code == 0, run.err
        assert ("content/general/a.md:6: warning: related: an article cannot be related to "
                "itself") in run.warnings(), run.err
        assert ("content/general/a.md:8: warning: related: 'b' is listed twice (the one on "
                "line 7 is kept)") in run.warnings(), run.err
        assert ("content/general/a.md:9: warning: related: 'https://EX.com:443/general/b/"
                "index.html' is listed twice (the one on line 7 is kept; this item's title "
                "is not used)") in run.warnings(), run.err
        assert ("content/general/a.md:10: warning: related: an article cannot be related to "
                "itself") in run.warnings(), run.err
        page = soup(site / "dist/general/a/index.html")
        links = page.find("aside", class_="read-also").find_all("a")
        # B is this site's page: linked as one, with the title given; then the fill
        assert [(a["href"], a.get_text(strip=True)) for a in links] == [
            ("/general/b/", "B"), ("/general/c/", "C")]
        assert "external" not in (links[0].get("class") or [])


def test_raw_html_srcset_and_poster_are_links_too(tmp_path: Path) -> None:
    """A <source srcset>, an <img srcset> (each candidate) and a <video poster> in raw
    HTML are resolved against the article's folder and checked like src and href."""
    body = ('<picture><source srcset="p.webp"><img src="p.png" alt="x" '
            'srcset="p.png 1x, big.png 2x"></picture>\n\n<video poster="poster.jpg"></video>'
            '\n\n<img alt="y" srcset="https://cdn.example/a.jpg?x=1&amp;y=2 480w, p.png 960w">')
    files: dict[str, str | bytes] = {"content/general/a.md": article("A", body=body)}
    for name in ("p.webp", "p.png", "big.png", "poster.jpg"):
        files[f"content/general/{name}"] = b"x"
    site = write_site(tmp_path / "s", files)
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    page = soup(site / "dist/general/a/index.html")
    assert page.find("source")["srcset"] == "/general/p.webp"
    assert page.find("img", alt="x")["srcset"] == "/general/p.png 1x, /general/big.png 2x"
    assert page.find("video")["poster"] == "/general/poster.jpg"
    assert page.find("img", alt="y")["srcset"] == ("https://cdn.example/a.jpg?x=1&y=2 480w, "
                                                   "/general/p.png 960w")
    (site / "content/general/big.png").unlink()
    run = newsgen("check", "-s", site, "--now", NOW)
    assert run.errors() == ["content/general/a.md:7: error: link 'big.png': no file "
                            "content/general/big.png"]


def test_a_file_in_content_and_in_static_with_one_output_is_an_error(tmp_path: Path) -> None:
    """content/foo.txt and static/foo.txt both publish /foo.txt: `check` and `build`
    both say so (a build used to stop with an internal error, and check said nothing)."""
    site = write_site(tmp_path / "s", {"content/general/a.md": article("A"),
                                       "content/foo.txt": "a", "static/foo.txt": "b"})
    for command in ("check", "build"):
        run = newsgen(command, "-s", site, "--now", NOW)
        assert run.code == 1
        assert run.errors() == ["static/foo.txt: error: this file and content/foo.txt would "
                                "both write /foo.txt; keep one of them"], run.err
    assert "internal error" not in run.err


def test_a_link_to_a_site_path_that_the_build_does_not_write_is_an_error(
        tmp_path: Path) -> None:
    """Every page links only to pages of its build: a path from the site's root (`/x/`)
    in a body, in Markdown or raw HTML, must be a page or file the build writes."""
    body = ("[gone](/general/nope/) [ok](/general/b/) [home](/) [feed](/feed.xml?x=1#y)\n\n"
            "![map](/img/mapp.png) ![ok](/img/map.png) [css](/assets/newsgen.css)\n\n"
            '<a href="/general/b/index.html">raw</a> <img src="/img/none.png" alt="x">\n\n'
            "[section](/general) [other](/general/bb/)\n")
    files = {"newsgen.yaml": "base_url: https://ex.org/\ndescription: D.\n",
             "static/img/map.png": b"\x89PNG\r\n\x1a\n",
             "content/general/a.md": article("A", body=body),
             "content/general/b.md": article("B")}
    site = write_site(tmp_path / "site", files)
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 1
    fix = "(link an article by its .md file, or a file by its path beside the article)"
    assert run.errors() == [
        f"content/general/a.md:7: error: link '/general/nope/': no page or file of this "
        f"build has that path {fix}",
        "content/general/a.md:9: error: link '/img/mapp.png': no page or file of this build "
        "has that path; did you mean '/img/map.png'?",
        f"content/general/a.md:11: error: link '/img/none.png': no page or file of this "
        f"build has that path {fix}",
        "content/general/a.md:13: error: link '/general/bb/': no page or file of this build "
        "has that path; did you mean '/general/b/'?"]
    assert not (site / "dist").exists()
    # an archive that has such links can build with each of them a warning
    (site / "newsgen.yaml").write_text(files["newsgen.yaml"] + "checks:\n  dead_links: warning\n")
    warned = newsgen("build", "-s", site, "--now", NOW)
    assert warned.code == 0, warned.err
    assert warned.warnings() == [e.replace(": error: ", ": warning: ") for e in run.errors()]
    (site / "newsgen.yaml").write_text(files["newsgen.yaml"])
    # fixed, the links stay as written
    (site / "content/general/a.md").write_text(article("A", body=(
        "[ok](/general/b/) [home](/) [feed](/feed.xml?x=1#y) ![ok](/img/map.png)\n")))
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    links = [a["href"] for a in soup(site / "dist/general/a/index.html").select("article a")]
    assert {"/general/b/", "/", "/feed.xml?x=1#y"} <= set(links)


def test_a_dead_site_path_is_said_with_the_articles_other_errors(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "content/general/a.md": article("A", date="2024-13-45", body="[x](/general/nope/)\n")})
    run = newsgen("check", "-s", site, "--now", NOW)
    assert [e.split(": error: ")[0] for e in run.errors()] == [
        "content/general/a.md:3", "content/general/a.md:7"]


def test_under_a_base_path_a_site_path_without_it_is_pointed_out(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "base_url: https://ex.org/news/\ndescription: D.\n",
        "content/general/a.md": article("A", body="[b](/general/b/) [app](/live/) "
                                                  "[ok](/news/general/b/)\n"),
        "content/general/b.md": article("B")})
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    assert run.warnings() == [
        "content/general/a.md:7: warning: link '/general/b/' is outside the site's base path "
        "/news/: did you mean '/news/general/b/'?"]  # /live/ is another site's on the host
    # built under another base URL (a preview, the dev server), a link written for the
    # published site is checked as it will be published
    warnings = run.warnings()
    run = newsgen("build", "-s", site, "--now", NOW, "--base-url", "http://127.0.0.1:8000/")
    assert run.code == 0, run.err
    assert run.warnings() == warnings
    (site / "content/general/a.md").write_text(article("A", body="[x](/news/general/bb/)\n"))
    run = newsgen("build", "-s", site, "--now", NOW, "--base-url", "http://127.0.0.1:8000/")
    assert run.errors() == [
        "content/general/a.md:7: error: link '/news/general/bb/': no page or file of this "
        "build has that path; did you mean '/news/general/b/'?"]


def test_site_paths_are_read_as_the_browser_reads_them_and_checked_everywhere(
        tmp_path: Path) -> None:
    """Dot segments are resolved; comments, scripts and textareas hold no links; a link
    repeated is blamed where each one is; a draft's and a scheduled article's links are
    checked too (the build that publishes an embargo must not be the one to fail); a base
    path written with non-ASCII letters is the base path."""
    n = "/новости/"
    body = (f"[a]({n}general/../general/b/) [b]({n}general/./b/) [c]({n}general//b/)\n\n"
            f'<!-- <a href="{n}old/">x</a> --> <script>var s = \'<img src="{n}no.png">\''
            f"</script>\n\n<textarea><a href=\"{n}typed/\"></textarea>\n\n"
            f"[one]({n}gone/)\n\n[two]({n}gone/)\n")
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "base_url: https://ex.org/новости/\ndescription: D.\n",
        "content/general/a.md": article("A", body=body),
        "content/general/b.md": article("B"),
        "content/general/later.md": article("Later", date="2025-06-01 10:00",
                                            body="[x](/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8"
                                                 "/general/zz/)\n"),
        "content/general/draft.md": article("Draft", draft="true", body="[y](/новости/zz/)\n"),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 1
    assert [e.split(": error: ")[0] for e in run.errors()] == [
        "content/general/a.md:13", "content/general/a.md:15"]
    # a held article's: a warning, as the article it names may publish with it
    assert [w.split(": warning: ")[0] for w in run.warnings()
            if "no page or file" in w] == ["content/general/draft.md:8",
                                           "content/general/later.md:7"]
    assert "'/новости/zz/': no page or file of this build has that path (yet)" in "".join(
        run.warnings())
    # two scheduled articles that link each other by URL publish together
    (site / "content/general/a.md").write_text(article("A"))
    run = newsgen("build", "-s", site, "--now", "2025-06-02")  # later.md is out: an error
    assert [e.split(": error: ")[0] for e in run.errors()] == ["content/general/later.md:7"]
    (site / "content/general/later.md").unlink()
    for name, other in (("e1", "e2"), ("e2", "e1")):
        (site / f"content/general/{name}.md").write_text(article(
            name, date="2025-06-01 10:00", body=f"[x](/новости/general/{other}/)\n"))
    for now in (NOW, "2025-06-02"):
        run = newsgen("build", "-s", site, "--now", now)
        assert not [e for e in run.errors() if "/e1/" in e or "/e2/" in e], run.err
    assert (site / "dist/general/e1/index.html").is_file()


def test_a_link_to_a_resized_lead_image_is_checked_alike_by_check_and_build(
        tmp_path: Path) -> None:
    from PIL import Image

    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "base_url: https://ex.org/\ndescription: D.\n",
        "content/general/a.md": article(
            "A", image="{src: p.jpg, alt: A port}",
            body="[big](/general/p-480w.jpg) [no](/general/p-9w.jpg)\n"),
    })
    Image.new("RGB", (1600, 900), (9, 9, 9)).save(site / "content/general/p.jpg")
    runs = [newsgen(command, "-s", site, "--now", NOW) for command in ("check", "build")]
    assert [r.errors() for r in runs] == [[
        "content/general/a.md:8: error: link '/general/p-9w.jpg': no page or file of this "
        "build has that path; did you mean '/general/p-960w.jpg'?"]] * 2


def test_a_script_beside_the_article_is_linked_and_its_text_is_not(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "base_url: https://ex.org/\ndescription: D.\n",
        "content/general/widget.js": "document.title = '<a href=\"/nowhere/\">';\n",
        "content/general/a.md": article(
            "A", body="<script src=\"widget.js\">var s = '<img src=\"/nowhere.png\">';</script>\n"),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    page = (site / "dist/general/a/index.html").read_text("utf-8")
    assert '<script src="/general/widget.js">' in page and 'src="/nowhere.png"' in page
    (site / "content/general/widget.js").unlink()
    assert newsgen("build", "-s", site, "--now", NOW).errors() == [
        "content/general/a.md:7: error: link 'widget.js': no file content/general/widget.js"]


def test_raw_html_is_split_as_a_browser_reads_it(tmp_path: Path) -> None:
    """A `<code>` or `<pre>` never closed, or written in a comment, protects nothing: a
    later raw `<h1>` is still the page's second heading level; `<style-note>` is not a
    `<style>`, so the links after it are links."""
    from newsgen.parse.markup import Converter

    body = Converter().convert(
        "<!-- <code> sample disabled -->\n\n<h1>Background</h1>\n\n<pre>unclosed\n\n"
        "<h1>Later</h1>\n\n<style-note>Note</style-note>\n\n<p><a href=\"/x/\">x</a></p>\n")
    assert "<h1" not in body.html and body.html.count("<h2>") == 2
    assert body.links == ("/x/",)
    # `<!--` inside an attribute's value opens no comment that hides the links after it
    body = Converter().convert('<div><a title="<!--" href="/e/">e</a> <a href="/f/">f</a>'
                               "</div>\n")
    assert body.links[-1:] == ("/f/",)


def test_two_sites_sharing_a_state_folder_keep_their_records_apart(tmp_path: Path) -> None:
    shared = tmp_path / "state"
    sites = [write_site(tmp_path / name, {"content/general/a.md": article(name)})
             for name in ("one", "two")]
    changed = []
    for site in (*sites, *sites):
        out = site / "changes"
        run = newsgen("build", "-s", site, "--now", NOW, "--cache-dir", shared,
                      "--changes", out)
        assert run.code == 0, run.err
        changed.append(out.read_text().split()[-2])
    assert changed == ["changed=true", "changed=true", "changed=false", "changed=false"]


def test_a_full_url_to_a_scheduled_articles_page_is_a_dead_link(tmp_path: Path) -> None:
    """Its slug gives the embargoed story away, and the link is dead until it is out:
    the same error as the path; another application's page on the host stays unchecked."""
    site = write_site(tmp_path / "s", {
        "newsgen.yaml": "base_url: https://x.org/news/\n",
        "content/general/fut.md": article("Fut", date="2030-01-01"),
        "content/general/pub.md": article(
            "Pub", body="See [it](https://x.org/news/general/fut/),\n"
                        "[live](https://x.org/live/) and [me](https://x.org/news/general/pub/)."),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 1
    assert run.errors() == [
        "content/general/pub.md:7: error: link 'https://x.org/news/general/fut/': no page or "
        "file of this build has that path: it is the page of an article this build does not "
        "publish (a draft or scheduled), so the link would be dead, and show its URL"], run.err
    assert newsgen("build", "-s", site, "--now", "2030-01-02").code == 0


@pytest.mark.parametrize(("base", "url", "path"), [
    ("https://x.org/", "HTTPS://X.ORG:443/a/b/index.html", "a/b/"),
    ("http://[::1]:8000/", "http://[::1]:8000/general/s/", "general/s/"),
    ("https://u@x.org/news/", "https://me@x.org/news/c", "c/"),
    ("https://x.org/news/", "https://x.org.evil/news/c/", None),
    ("https://x.org/news/", "https://x.org/other/c/", None),
])
def test_this_sites_own_urls_are_told_from_others(base: str, url: str, path: str | None) -> None:
    """The quick host test never turns away a URL that the full comparison takes."""
    from newsgen.model.config import Config
    from newsgen.stages.site_urls import may_be_own, own_path

    config = Config(root=Path("."), base_url=base)
    test = may_be_own(config)
    assert own_path(config, url) == path
    assert test is not None and (test.match(url) is not None or path is None)


def test_an_image_url_whose_scheme_is_not_lowercase_is_still_a_url(tmp_path: Path) -> None:
    # URL schemes ignore case, as `related` and body links already read them
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "title: X\nbase_url: https://x.org/\n",
        "content/a/x.md": article("X", "2024-06-01", "a",
                                  image="{src: 'Https://cdn.example.org/p.jpg', alt: A}"),
        "content/a/y.md": article("Y", "2024-06-02", "a",
                                  featured_image="HTTPS://cdn.example.org/r.jpg")})
    run = newsgen("build", "-s", site, "--now", "2024-06-05")
    assert run.code == 0 and not run.errors(), run.err
    assert 'src="Https://cdn.example.org/p.jpg"' in (site / "dist/a/x/index.html").read_text()
    assert 'src="HTTPS://cdn.example.org/r.jpg"' in (site / "dist/a/y/index.html").read_text()


def test_a_link_to_a_draft_or_a_scheduled_article_keeps_its_words_not_its_link(
        tmp_path: Path) -> None:
    # The link was kept as `href="#"`: it looked clickable and led to the page's top.
    site = write_site(tmp_path / "site", {
        "content/general/plan.md": article("Plan", draft="true"),
        "content/general/later.md": article("Later", "2025-01-01 10:00"),
        "content/general/news.md": article(
            "News", body="See [the plan](plan.md), [what comes](later.md) and [us](news.md)."),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    assert [w for w in run.warnings() if w.startswith("content/")] == [
        f"content/general/news.md:7: warning: link '{name}.md': content/general/{name}.md "
        f"is {what}; the link is left out of this build"
        for name, what in (("plan", "a draft"), ("later", "not published yet"))]
    body = soup(site / "dist/general/news/index.html").select_one(".article-body p")
    assert body is not None and body.text == "See the plan, what comes and us."
    assert [a["href"] for a in body.select("a")] == ["/general/news/"]
    assert newsgen("build", "-s", site, "--now", NOW, "--drafts").code == 0
    body = soup(site / "dist/general/news/index.html").select_one(".article-body p")
    assert body is not None and [a["href"] for a in body.select("a")] == [
        "/general/plan/", "/general/news/"]


def test_a_read_also_link_says_whether_its_title_is_its_target_s(tmp_path: Path) -> None:
    """`Link.by_target`: the link shows the linked article's own title, which changes
    when that article's does (a fill, an item without `title`, another language's
    article by its URL without `title`), or a title written in the item (kept)."""
    from newsgen.build import BuildOptions, build
    from newsgen.errors import Reporter

    site = write_site(tmp_path / "s", {
        "newsgen.yaml": "base_url: https://n.example/\nlanguages:\n  ru: {title: Новости}\n",
        "content/general/one.md": article(
            "One", tags="[x]", related="\n  - two\n  - {ref: three, title: Given}"
                                       "\n  - https://n.example/ru/general/ru-one/"
                                       "\n  - {title: Written, url: 'https://n.example/ru/general/ru-two/'}"
                                       "\n  - https://elsewhere.example/page"),
        "content/general/two.md": article("Two"),
        "content/general/three.md": article("Three"),
        "content/general/four.md": article("Four", tags="[x]"),
        "content/general/ru-one.md": article("Один", lang="ru"),
        "content/general/ru-two.md": article("Два", lang="ru"),
    })
    reporter = Reporter()
    result = build(BuildOptions(site=site, write=False, use_cache=False, now=NOW), reporter)
    assert result.site is not None, [d.format() for d in reporter.diagnostics]
    one = next(e for e in result.site.entries if e.article.slug == "one")
    assert [(link.title, link.by_target) for link in one.read_also] == [
        ("Two", True),  # a slug, no title
        ("Given", False),  # a title written
        ("Один", True),  # another language's article by its URL, no title
        ("Written", False),
        ("https://elsewhere.example/page", False),  # not an article: the URL
        ("Four", True),  # the fill
    ]
