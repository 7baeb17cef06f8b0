"""Front matter as Hugo and Jekyll sites write it: TOML and JSON, their field names,
`expirydate`, `published: false`, and old URLs that keep working (aliases)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import NOW, article, build_here, newsgen, soup, tree_digest, write_site
from lxml import etree

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

TOML_ARTICLE = """+++
title = "Gas pipeline: a TOML story"
date = 2024-12-18T10:30:00+05:00
section = "Economy"
tags = ["energy", "gas"]
lastmod = 2024-12-19T08:00:00+05:00
description = "The summary, as Hugo names it."
aliases = ["/2019/05/pipeline/", "/old/pipeline.html"]
[image]
src = "https://example.org/pipeline.jpg"
alt = "A pipeline"
+++

The pipeline opened on Wednesday.
"""

JSON_ARTICLE = json.dumps({
    "title": "Forum opens: a JSON story",
    "date": "2024-12-17 09:00",
    "section": "Economy",
    "tags": ["energy"],
    "images": ["https://example.org/forum.jpg", "https://example.org/other.jpg"],
    "related": ["economy/pipeline"],
}, indent=2) + "\n\nThe forum opened.\n"


def build(site: Path, *args: str) -> tuple[Path, str]:
    run = newsgen("build", "-s", site, "--now", NOW, *args)
    assert run.code == 0, run.err
    return site / "dist", run.err


def make_site(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", {
        "newsgen.yaml": "base_url: https://formats.example/\ntimezone: Asia/Ashgabat\n",
        "content/economy/pipeline.md": TOML_ARTICLE,
        "content/economy/forum.md": JSON_ARTICLE,
        "content/economy/expired.md": article("Expired offer", "2024-12-01 10:00", "Economy",
                                              expirydate="2024-12-15"),
        "content/economy/expiring.md": article("Expiring soon", "2024-12-02 10:00", "Economy",
                                               expiry_date="2024-12-25 10:00",
                                               redirect_from="[/x/expiring/]"),
        "content/economy/hidden.md": article("Not yet", "2024-12-03 10:00", "Economy",
                                             published="false"),
        "content/economy/featured.md": article("Featured", "2024-12-04 10:00", "Economy",
                                               featured_image="https://example.org/f.jpg"),
    })


def test_toml_and_json_front_matter_are_articles(tmp_path: Path) -> None:
    out, err = build(make_site(tmp_path))
    page = soup(out / "economy/pipeline/index.html")
    assert page.h1.get_text() == "Gas pipeline: a TOML story"
    assert page.find("time")["datetime"] == "2024-12-18T10:30:00+05:00"
    assert [a.get_text() for a in page.select("a[rel=tag]")] == ["energy", "gas"]
    ld = json.loads(page.find("script", type="application/ld+json").string)
    assert ld["dateModified"] == "2024-12-19T08:00:00+05:00"  # lastmod
    assert ld["description"] == "The summary, as Hugo names it."  # description
    assert ld["image"] == ["https://example.org/pipeline.jpg"]
    forum = soup(out / "economy/forum/index.html")
    assert forum.h1.get_text() == "Forum opens: a JSON story"
    assert forum.find("meta", property="og:image")["content"] == "https://example.org/forum.jpg"
    assert [a["href"] for a in forum.select("aside.read-also a")][0] == "/economy/pipeline/"
    featured = soup(out / "economy/featured/index.html")
    assert featured.find("meta", property="og:image")["content"] == "https://example.org/f.jpg"


def test_a_toml_date_where_text_goes_stays_as_written(tmp_path: Path) -> None:
    # TOML reads it as a date; it was shown in Python's form, `+00:00` for the `Z` written
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "title: T\ntimezone: Asia/Ashgabat\n",
        "content/general/a.md": "+++\ntitle = 2024-12-18T10:30:00Z\n"
                                "date = 2024-12-18T10:30:00+05:00  # the day\n"
                                'section = "General"\nupdated = 2024-12-19 08:00:00\n+++\nB.\n'})
    out, _ = build(site)
    page = soup(out / "general/a/index.html")
    assert page.h1.get_text() == "2024-12-18T10:30:00Z"
    assert page.find("time")["datetime"] == "2024-12-18T10:30:00+05:00"
    ld = json.loads(page.find("script", type="application/ld+json").string)
    assert ld["dateModified"] == "2024-12-19T08:00:00+05:00"
    # a text of many lines holding `date = …` is not the date's line: the date stands
    (site / "content/general/a.md").write_text(
        '+++\ntitle = "Multi"\nsummary = """\ndate = 1999-01-01\n"""\ndate = 2024-12-18\n'
        'section = "General"\n+++\nB.\n')
    out, _ = build(site)
    assert soup(out / "general/a/index.html").find("time")["datetime"].startswith("2024-12-18")
    # ... nor one that is the same instant, written with another offset
    (site / "content/general/a.md").write_text(
        '+++\nsummary = """\ntitle = 2024-01-01T15:00:00+05:00\n"""\n'
        'title = 2024-01-01T10:00:00Z\ndate = 2024-12-18\nsection = "General"\n+++\nB.\n')
    out, _ = build(site)
    assert soup(out / "general/a/index.html").h1.get_text() != "2024-01-01T15:00:00+05:00"


def test_expired_and_unpublished_articles_leave_the_site(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    out, err = build(site)
    assert not (out / "economy/expired").exists()
    assert not (out / "economy/hidden").exists()  # published: false
    assert (out / "economy/expiring/index.html").is_file()
    assert "left out: 1 draft, 1 expired" in err
    assert "the next article leaves the site (expirydate) at 2024-12-25T10:00+05:00" in err
    listed = " ".join(a["href"] for a in soup(out / "economy/index.html").select("a"))
    assert "/economy/expired/" not in listed and "/economy/hidden/" not in listed
    # Once its time has come, the next build takes it out (no source changed).
    run = newsgen("build", "-s", site, "--now", "2024-12-26 12:00")
    assert run.code == 0, run.err
    assert not (out / "economy/expiring").exists()
    assert not (out / "x/expiring").exists()  # its redirect goes with it
    assert "/economy/expiring/" not in (out / "sitemap.xml").read_text("utf-8")


def test_old_urls_redirect_and_stay_out_of_sitemaps(tmp_path: Path) -> None:
    out, _ = build(make_site(tmp_path))
    for old in ("2019/05/pipeline/index.html", "old/pipeline.html"):
        doc = soup(out / old)
        assert doc.find("link", rel="canonical")["href"] == (
            "https://formats.example/economy/pipeline/")
        assert doc.find("meta", attrs={"name": "robots"})["content"] == "noindex"
        assert doc.find("meta", attrs={"http-equiv": "refresh"})["content"] == (
            "0; url=/economy/pipeline/")
        assert doc.find("a")["href"] == "/economy/pipeline/"
    assert (out / "x/expiring/index.html").is_file()  # redirect_from
    locs = [u.findtext(f"{SM}loc")
            for u in etree.parse(str(out / "sitemap.xml")).getroot().iter(f"{SM}url")]
    assert locs and not [loc for loc in locs if "pipeline.html" in loc or "2019" in loc
                         or "/x/" in loc]


def test_an_alias_written_as_this_sites_full_url_under_a_base_path(tmp_path: Path) -> None:
    """`https://x.org/news/old/` under base_url https://x.org/news/ is the old URL
    /news/old/: its redirect is the output's old/, as the alias /old/ would be (it was
    news/old/, answered at /news/news/old/); another host's URL keeps its whole path."""
    site = write_site(tmp_path / "s", {
        "newsgen.yaml": "base_url: https://x.org/news/\n",
        "content/general/a.md": article("A", aliases="\n  - https://x.org/news/old-full/"
                                        "\n  - https://old.example/news/legacy.html"
                                        "\n  - /old-plain/"
                                        "\n  - https://x.org/news/is-it-old%3F/"
                                        "\n  - https://x.org:8080/news/port/"
                                        "\n  - https://x.org:443/news/old-port/"
                                        "\n  - http://x.org/news/old-http/"),
    })
    for extra in ([], ["--base-url", "https://staging.example/preview/"]):
        run = newsgen("build", "-s", site, "--now", NOW, *extra)
        assert run.code == 0, run.err
        made = sorted(p.relative_to(site / "dist").as_posix()
                      for p in (site / "dist").rglob("*.html") if "old" in p.as_posix()
                      or "legacy" in p.as_posix())
        assert made == ["is-it-old?/index.html", "news/legacy.html", "old-full/index.html",
                        "old-http/index.html", "old-plain/index.html",
                        "old-port/index.html"]  # (decoded once; http: is this site too)
        assert (site / "dist/news/port/index.html").is_file()  # another port: not this site


def test_an_alias_that_takes_a_pages_path_or_leaves_the_site_is_an_error(
        tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "content/general/a.md": article("A", aliases="[/general/b/]"),
        "content/general/b.md": article("B", "2024-12-17 10:00"),
        "content/general/c.md": article("C", "2024-12-16 10:00",
                                        aliases='["../../etc/passwd", "javascript:alert(1)"]'),
    })
    (site / "dist").mkdir()
    (site / "dist/.newsgen-output").write_text("")
    before = tree_digest(site / "dist")
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 1
    errors = run.errors()
    assert "content/general/a.md:5: error: an alias of content/general/a.md and " \
           "content/general/b.md would both write /general/b/index.html; rename one of them" \
        in errors, run.err
    assert any(e.startswith("content/general/c.md:5: error: aliases: '../../etc/passwd' is "
                            "not a path on this site") for e in errors), run.err
    assert any("'javascript:alert(1)' is not a path on this site" in e for e in errors)
    assert tree_digest(site / "dist") == before


@pytest.mark.parametrize("folds", [False, True])
def test_an_alias_differing_only_in_capitals(tmp_path: Path, folds: bool,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Old URLs may have capitals (`/news/Title/`) where newsgen's are lowercase. A disk
    that tells capitals apart gets both; on one that does not (macOS, Windows: the two
    are one file), the redirect would replace the page with a page sending to itself, so
    it is left out with a warning."""
    import newsgen.build.steps

    monkeypatch.setattr(newsgen.build.steps, "folds_case", lambda path: folds)
    site = write_site(tmp_path / "site", {
        "content/news/title.md": article("Title", section="News",
                                         aliases="[/news/Title/, /news/old-title/]"),
    })
    result, reporter = build_here(site)
    assert result is not None
    page = soup(site / "dist/news/title/index.html")
    assert page.find("h1").get_text(strip=True) == "Title"
    assert (site / "dist/news/old-title/index.html").exists()
    warned = [d.format() for d in reporter.warnings if "only in capitals" in d.message]
    if folds:
        assert not (site / "dist/news/Title").exists()
        assert warned == ["content/news/title.md:5: warning: aliases: /news/Title/index.html "
                          "differs from /news/title/index.html only in capitals, and this "
                          "disk does not tell capitals apart: its redirect is left out of "
                          "this build (a build on a disk that does, as on most web hosts, "
                          "writes it)"]
    else:
        assert soup(site / "dist/news/Title/index.html").find(
            "meta", attrs={"http-equiv": "refresh"})["content"] == "0; url=/news/title/"
        assert warned == []


def test_this_disk_is_asked_whether_it_folds_capitals(tmp_path: Path) -> None:
    from newsgen.output.guard import folds_case

    probe = tmp_path / "Probe"
    probe.mkdir()
    expected = (tmp_path / "pROBE").exists()
    assert folds_case(probe) is expected
    assert folds_case(probe / "not" / "made" / "yet") is expected


def test_bad_toml_and_json_get_their_line(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "content/a.md": '+++\ntitle = "Never closed\ndate = 2024-12-18\n+++\n\nBody.\n',
        "content/b.md": '{\n  "title": "B",\n  "date": "2024-13-45",\n  "section": "G",\n'
                        '  "title": "again"\n}\n\nBody.\n',
        "content/c.md": '{\n  "title": "C",\n  "date": "2024-12-18"\n  "section": "G"\n}\n',
        "content/d.md": '+++\ntitle = Cotton harvest\ndate = 2024-12-18\n+++\n\nBody.\n',
        "content/e.md": '+++\ntitle = "E"\ndate = 2025-13-01T10:00:00+05:00\n+++\n\nBody.\n',
        "content/f.md": '+++\ntitle = "F"\ndate = 2024-12-18 10:30\n+++\n\nBody.\n',
        "content/g.md": '+++\ntitle = "G"\ndraft = True\n+++\n\nBody.\n',
        # half an emoji (as a JavaScript tool that cut a string writes it): not a character
        "content/h.md": '{\n  "title": "H",\n  "date": "2024-12-18",\n  "tags": [\n'
                        '    "ok \\ud83d\\ude00",\n    "cut \\ud83d"\n  ]\n}\n\nBody.\n',
        "content/i.md": '{\n  "title": "I",\n  "date": "2024-12-18",\n'
                        '  "x\\udc00": 1\n}\n\nBody.\n',
        "content/l.md": '{\n  "title": "L",\n  "date": "2024-12-18",\n}\n\nBody.\n',
        "content/n.md": "{\n  \"title\": \"N\",\n  'tags': ['a']\n}\n\nBody.\n",
        "content/o.md": '+++\ntitle = "O"\n[params]\ntitle = "x"\ntitle = "y"\n[a.b]\nc = 1\n'
                        '+++\n\nBody.\n',
        "content/p.md": '+++\ntitle = "P"\n[a.b]\nc = 1\n[a.b]\nd = 2\n+++\n\nBody.\n',
        "content/q.md": "---\ntitle: Q\ndate: 2024-12-18\ntags: [a, *b]\n---\n\nBody.\n",
        "content/m.md": '{\n  "title": "M",\n  "date": "2024-12-18"\n\nBody text.\n\n'
                        '```\nif (x) { y(); }\n```\n',
        "content/j.md": '+++\ntitle = "J"\ndate = 2024-12-18\ntitle = "Again"\n+++\n\nBody.\n',
        "content/k.md": '+++\ntitle = "K"\n[image]\nsrc = "a.jpg"\n[image]  # again\n'
                        'src = "b.jpg"\n+++\n\nBody.\n',
        # a blank line between two keys: a missing comma, not a '{' never closed
        "content/r.md": '{\n  "title": "R",\n  "date": "2024-12-18"\n\n  "section": "G"\n}\n',
        "content/s.md": "---\ntitle: S\ndate: 2024-12-18\ntags: [covid*19, *featured]\n---\n",
    })
    run = newsgen("check", "-s", site, "--now", NOW)
    assert run.code == 1
    err = run.err
    assert "content/a.md:2: error: TOML front matter: a quoted value is never closed on its " \
           "line" in err
    assert "content/b.md:3: error: date: '2024-13-45' is not a date" in err
    assert "content/b.md:5: error: 'title' is given twice, here and on line 2" in err
    # The missing comma is said where it is missing: after "2024-12-18" on line 3.
    assert "content/c.md:3: error: JSON front matter: a comma is missing after the value " \
           "that ends this line" in err
    # TOML's own words ("Invalid value", "Expected newline …") become what to write.
    assert "content/d.md:2: error: TOML front matter: title: text needs quotes in TOML: " \
           '`title = "Cotton harvest"`' in err
    assert "content/e.md:3: error: TOML front matter: date: '2025-13-01T10:00:00+05:00' is " \
           "not a date" in err
    assert "content/f.md:3: error: TOML front matter: date: TOML wants the seconds too, or " \
           'quotes: `date = 2024-12-18T10:30:00` or `date = "2024-12-18 10:30"`' in err
    assert "content/g.md:3: error: TOML front matter: draft: TOML writes true and false in " \
           "lower case: `draft = true`" in err
    half = ("error: JSON front matter: a \\u escape here is half of a character (\\ud800 to "
            "\\udfff alone): the text was cut inside an emoji or another character; write the "
            "whole character")
    assert f"content/h.md:6: {half}" in err and f"content/i.md:4: {half}" in err
    assert "content/l.md:3: error: JSON front matter: a comma after the last value: remove " \
           "it (JSON allows none before '}')" in err
    assert "content/m.md:3: error: JSON front matter: the front matter's '{' is never " \
           "closed: end it with '}' on a line of its own, after this one" in err
    assert "content/n.md:3: error: JSON front matter: a key must be in double quotes in " \
           'JSON ("tags": …)' in err
    assert "content/o.md:5: error: TOML front matter: 'title' is given twice, here and on " \
           "line 4: keep one of them" in err  # (the line 2 title is another table's)
    assert "content/p.md:5: error: TOML front matter: [a.b] is given twice: keep one of " \
           "them" in err
    assert "content/q.md:4: error: a word that starts with '*' is read as YAML syntax (an " \
           'alias of an anchor that is not there): put it in quotes, like "*b"' in err
    # as YAML and JSON say it (not TOML's "Cannot overwrite a value")
    assert "content/j.md:4: error: TOML front matter: 'title' is given twice, here and on " \
           "line 2: keep one of them" in err
    assert "content/k.md:5: error: TOML front matter: [image] is given twice: keep one of " \
           "them" in err
    assert "content/r.md:3: error: JSON front matter: a comma is missing after the value " \
           "that ends this line" in err
    assert 'put it in quotes, like "*featured"' in err
    assert "Traceback" not in err and "internal error" not in err


def test_incremental_builds_follow_aliases_and_formats(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    out, _ = build(site)
    pipeline = site / "content/economy/pipeline.md"
    pipeline.write_text(TOML_ARTICLE.replace('"/old/pipeline.html"', '"/older/pipeline/"'),
                        encoding="utf-8")
    build(site)
    assert not (out / "old/pipeline.html").exists()
    assert (out / "older/pipeline/index.html").is_file()
    clean = tmp_path / "clean"
    run = newsgen("build", "-s", site, "--now", NOW, "-o", clean, "--cache-dir",
                  tmp_path / "other-cache")
    assert run.code == 0
    assert tree_digest(out) == tree_digest(clean)


def test_comma_separated_tags_categories_and_author_objects(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "content/a.md": "---\ntitle: A\ndate: 2024-12-18 10:00\nsection: General\n"
                        'tags: "energy, gas"\ncategories: [Trade, energy]\n'
                        "author: {name: Ann Lee, url: 'https://example.org/ann'}\n---\n\nBody.\n",
        "content/b.md": "---\ntitle: B\ndate: 2024-12-17 10:00\nsection: General\n"
                        "authors:\n  - name: Ann Lee\n  - Bob Ray\n---\n\nBody.\n",
    })
    out, _ = build(site)
    a = soup(out / "general/a/index.html")
    assert [t.get_text() for t in a.select("a[rel=tag]")] == ["energy", "gas", "Trade"]
    assert [t.get_text() for t in a.select("a[rel=author]")] == ["Ann Lee"]
    b = soup(out / "general/b/index.html")
    assert [t.get_text() for t in b.select("a[rel=author]")] == ["Ann Lee", "Bob Ray"]
    assert (out / "authors/ann-lee/index.html").is_file()
