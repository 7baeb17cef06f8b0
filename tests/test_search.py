"""Site search (`search: true`): a Pagefind index per language, searched in a real browser
(Playwright driving Debian's Chromium), and indexing only where article pages changed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import NOW, article, newsgen, soup, tree_digest, write_site
from serverutil import serving


def make_site(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", {
        "newsgen.yaml": "title: Searchable\nsearch: true\nlanguage: en\n"
                        "languages:\n  tk: {title: Gözlegli}\n",
        "content/en/carpet.md": article(
            "Carpet museum reopens", "2024-12-18 10:00", "Culture",
            translation_key="carpet",
            body="The carpet museum reopened with a xylophone concert in the hall."),
        "content/en/gas.md": article("Gas pipeline opens", "2024-12-17 10:00", "Economy",
                                     body="A new pipeline carries gas to the coast."),
        "content/en/old.md": article("Old harbour story", "2022-05-01 10:00", "Economy",
                                     body="An archive story about the lighthouse keeper."),
        "content/tk/haly.md": article(
            "Halyça muzeýi açyldy", "2024-12-18 10:00", "Culture", lang="tk",
            translation_key="carpet",
            body="Halyça muzeýi dutar konserti bilen täzeden açyldy."),
    })


def test_every_page_has_a_search_box_and_each_language_an_index(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    out = site / "dist"
    for page in out.rglob("index.html"):
        if "pagefind" in page.parts:
            continue
        box = soup(page).select_one("header form[role=search] input[type=search]")
        assert box is not None, page
    assert soup(out / "index.html").select_one("form[role=search]")["action"] == "/search/"
    assert soup(out / "tk/index.html").select_one("form[role=search]")["action"] == "/tk/search/"
    # One part per month of the current year and per earlier year, in each language.
    assert sorted(p.name for p in (out / "pagefind").iterdir()) == ["2022", "2024-12"]
    assert sorted(p.name for p in (out / "tk/pagefind").iterdir()) == ["2024-12"]
    for part in ("pagefind/2024-12", "pagefind/2022", "tk/pagefind/2024-12"):
        assert (out / part / "pagefind.js").is_file()
    assert list((out / "pagefind/2022").glob("pagefind.en_*.pf_meta"))
    assert list((out / "tk/pagefind/2024-12").glob("pagefind.tk_*.pf_meta"))
    box = soup(out / "search/index.html").find(id="search")
    assert box["data-bundle"] == "/pagefind/2024-12/"
    assert json.loads(box["data-merge"]) == ["/pagefind/2022/"]
    # Only the headline and the body are indexed: the article is marked, its parts are not.
    doc = soup(out / "culture/carpet/index.html")
    assert doc.find("article", attrs={"data-pagefind-body": True}) is not None
    assert doc.select_one(".article-meta").has_attr("data-pagefind-ignore")
    assert soup(out / "index.html").find(attrs={"data-pagefind-body": True}) is None
    # The search page is for readers, not for search engines.
    search_page = soup(out / "tk/search/index.html")
    assert search_page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert "Gözleg" in search_page.h1.get_text()
    assert "/search/" not in (out / "sitemap.xml").read_text("utf-8")


def test_search_off_by_default_means_no_box_and_no_index(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {"content/a.md": article("A")})
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    assert soup(site / "dist/index.html").select_one("input[type=search]") is None
    assert not (site / "dist/pagefind").exists()


def test_only_changed_parts_are_indexed_again(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    cache = site / ".newsgen-cache/search"
    keys = {"en": cache / "en/2024-12/KEY", "old": cache / "en/2022/KEY",
            "tk": cache / "tk/2024-12/KEY"}
    stamps = {lang: key.stat().st_mtime_ns for lang, key in keys.items()}
    index_files = {p: p.stat().st_mtime_ns for p in (site / "dist/tk/pagefind").rglob("*")
                   if p.is_file()}
    # Nothing changed: no indexing at all.
    run = newsgen("build", "-s", site, "--now", NOW, "-v")
    assert "nothing changed" in run.err
    assert {lang: key.stat().st_mtime_ns for lang, key in keys.items()} == stamps
    # An English article changes: English is indexed again, Turkmen is not.
    (site / "content/en/gas.md").write_text(
        article("Gas pipeline opens", "2024-12-17 10:00", "Economy",
                body="A new pipeline carries gas to the coast and a marimba."), "utf-8")
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    assert keys["en"].stat().st_mtime_ns != stamps["en"]  # this month, in English
    assert keys["old"].stat().st_mtime_ns == stamps["old"]  # the archive is not touched
    assert keys["tk"].stat().st_mtime_ns == stamps["tk"]
    assert {p: p.stat().st_mtime_ns for p in (site / "dist/tk/pagefind").rglob("*")
            if p.is_file()} == index_files
    # A new file of the site, or a new description, changes nothing that is indexed.
    stamps = {lang: key.stat().st_mtime_ns for lang, key in keys.items()}
    write_site(site, {"static/extra.txt": "x",
                      "newsgen.yaml": (site / "newsgen.yaml").read_text("utf-8")
                      + "description: Searchable news.\n"})
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    assert {lang: key.stat().st_mtime_ns for lang, key in keys.items()} == stamps


def _clean_equals(site: Path, *args: str) -> None:
    """The incremental output equals a clean build's of the same sources."""
    clean = site.parent / "clean"
    if clean.exists():
        import shutil

        shutil.rmtree(clean)
    write_site(clean, {str(p.relative_to(site)): p.read_bytes()
                       for p in (site / "content").rglob("*") if p.is_file()}
               | {"newsgen.yaml": (site / "newsgen.yaml").read_bytes()})
    assert newsgen("build", "-s", clean, *args).code == 0
    assert tree_digest(site / "dist") == tree_digest(clean / "dist")


def test_labels_base_path_and_a_clock_set_back_make_the_index_again(tmp_path: Path) -> None:
    """What an index part shows besides an article's words: the photo credit's label,
    the lead image's address (with the base path), and the year that cuts the parts."""
    from PIL import Image

    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "title: T\ndescription: d\nbase_url: https://news.example.org/\n"
                        "search: true\n",
        "content/general/a.md": article("Harbour story", "2024-06-10 10:00",
                                        image="{src: pic.jpg, alt: Red harbour, "
                                              "credit: Jane Doe}", body="Ferry harvest."),
    })
    Image.new("RGB", (640, 360), (200, 10, 10)).save(site / "content/general/pic.jpg")
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    with (site / "newsgen.yaml").open("a", encoding="utf-8") as config:
        config.write("strings: {photo: Foto}\n")
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    _clean_equals(site, "--now", NOW)
    (site / "newsgen.yaml").write_text(
        (site / "newsgen.yaml").read_text("utf-8").replace(".org/", ".org/news/"), "utf-8")
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    _clean_equals(site, "--now", NOW)
    assert newsgen("build", "-s", site, "--now", "2025-01-01 01:30").code == 0
    assert newsgen("build", "-s", site, "--now", "2024-12-31 01:30").code == 0
    _clean_equals(site, "--now", "2024-12-31 01:30")


def test_an_index_file_edited_in_the_output_is_made_again(tmp_path: Path) -> None:
    """The output's index files are hard links to the state folder's: a file edited in
    place in the output is edited there too. The next build, which finds the output
    changed by hand, indexes again instead of linking the edited file back."""
    from conftest import tree_digest

    site = make_site(tmp_path)
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    assert newsgen("build", "-s", site, "--now", NOW, "-o", tmp_path / "clean",
                   "--cache-dir", tmp_path / "clean-state").code == 0
    edited = next(p for p in (site / "dist/pagefind").rglob("*.pagefind"))
    with edited.open("ab") as fh:
        fh.write(b"//by hand")
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    assert not edited.read_bytes().endswith(b"//by hand")
    assert tree_digest(site / "dist") == tree_digest(tmp_path / "clean")


def test_a_pagefind_that_cannot_run_fails_the_build_in_one_line(tmp_path: Path) -> None:
    site = make_site(tmp_path)
    fake = tmp_path / "bin"
    fake.mkdir()
    # PAGEFIND_BINARY_PATH is how the pagefind package is pointed at another binary.
    broken = fake / "pagefind"
    broken.write_text("#!/bin/sh\necho 'cannot execute binary file' >&2\nexit 126\n")
    broken.chmod(0o755)
    (site / "dist").mkdir()
    (site / "dist/.newsgen-output").write_text("")
    os.environ["PAGEFIND_BINARY_PATH"] = str(broken)
    try:
        run = newsgen("build", "-s", site, "--now", NOW)
    finally:
        del os.environ["PAGEFIND_BINARY_PATH"]
    assert run.code == 1
    [error] = run.errors()
    assert error.startswith("newsgen.yaml:2: error: search: Pagefind cannot run on this "
                            "machine (")
    assert error.endswith("set search: false to build without a search index")
    assert sorted(p.name for p in (site / "dist").iterdir()) == [".newsgen-output"]


def _search(page, base: str, start: str, words: str) -> list[str]:  # type: ignore[no-untyped-def]
    page.goto(base + start)
    page.fill("header input[type=search]", words)
    page.press("header input[type=search]", "Enter")
    # Done when the message gives a count (not "Searching…") and that many results are shown.
    page.wait_for_function("""() => {
        const m = document.querySelector('.pagefind-ui__message');
        if (!m || !m.innerText || m.innerText.includes('…')) return false;
        const n = parseInt((m.innerText.match(/\\d+/) || ['0'])[0], 10);
        return document.querySelectorAll('.pagefind-ui__result-link').length === n;
    }""", timeout=20000)
    return [a.get_attribute("href") for a in page.query_selector_all(".pagefind-ui__result-link")]


@pytest.mark.browser
def test_readers_find_articles_in_their_language_and_new_ones(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    site = make_site(tmp_path)
    with serving(site, "--future") as srv:
        srv.wait_builds(1)
        page = browser.new_page()
        base = srv.base
        assert _search(page, base, "/", "xylophone") == ["/culture/carpet/"]
        # An archive story, in another part of the index, is found from the same box.
        assert _search(page, base, "/", "lighthouse") == ["/economy/old/"]
        # From /tk/, a Turkmen word finds the Turkmen article, not its English translation.
        assert _search(page, base, "/tk/", "dutar") == ["/tk/culture/haly/"]
        assert _search(page, base, "/tk/", "xylophone") == []
        assert "xylophone" in page.inner_text(".pagefind-ui__message")
        # A new article is found after the rebuild its publication causes.
        write_site(site, {"content/en/new.md": article(
            "Harbour reopens", "2024-12-19 09:00", "Economy",
            body="The harbour reopened for the zeppelin festival.")})
        srv.wait_builds(2)
        page.wait_for_timeout(200)
        found: list[str] = []
        for _ in range(20):
            found = _search(page, base, "/", "zeppelin")
            if found:
                break
            page.wait_for_timeout(250)
        assert found == ["/economy/new/"]
        page.close()


def test_the_dev_server_reloads_first_and_indexes_right_after(tmp_path: Path) -> None:
    """A save rebuilds the pages (one reload); the changed search part follows in a second
    build that needs no reload, and then the new words are found in the served index."""
    site = make_site(tmp_path)
    with serving(site) as srv:
        srv.wait_builds(1)
        before = srv.state()["version"]
        key = site / ".newsgen-cache/search/en/2024/KEY"
        old_key = key.read_text("utf-8")
        (site / "content/en/gas.md").write_text(
            article("Gas pipeline opens", "2024-12-17 10:00", "Economy",
                    body="A new pipeline carries gas to the coast past the windmill."),
            encoding="utf-8")
        srv.wait_builds(3)  # the rebuild, then the search part it left for later
        srv.wait_quiet(1.0)
        assert srv.state()["version"] == before + 1  # one reload, not two
        # The dev server builds at today's date: 2024 is an earlier year, one part.
        served = srv.get("/pagefind/2024/pagefind-entry.json")
        assert served[0] == 200, "\n".join(srv.lines)
        assert key.read_text("utf-8") != old_key  # indexed again, after the reload
        assert not srv.failures
