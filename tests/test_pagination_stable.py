"""`pagination: stable`: list pages numbered in fixed blocks from the oldest article, so a
publish changes only the newest pages. Built end to end from tests/sites/stable-pages
(two sections, tags, an author, two months, English and Russian, per_page 3) and
read as a reader sees the pages."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import NOW, SITES, build_here, built_copy, newsgen, tree_digest, write_site
from hypothesis import given
from hypothesis import strategies as st

from newsgen.errors import Reporter
from newsgen.parse import i18n
from newsgen.parse.config import load_config
from newsgen.parse.config_schema import BY_KEY, default
from newsgen.parse.slugs import slugify
from newsgen.stages import render
from newsgen.stages.paging import blocks

SITE = "stable-pages"
PER_PAGE = 3
NUMBERED = re.compile(r"/page/(\d+)/index\.html$")


# --------------------------------------------------------------------------- the sources


@dataclass(frozen=True)
class Source:
    url: str
    lang: str
    date: datetime
    section: str
    tags: tuple[str, ...]
    authors: tuple[str, ...]


def sources(site: Path) -> list[Source]:
    """The fixture's articles, read from their front matter (the fixture writes each
    field on one line)."""
    out = []
    for path in sorted((site / "content").rglob("*.md")):
        head = path.read_text(encoding="utf-8").split("---")[1]
        fields = dict(line.split(": ", 1) for line in head.strip().splitlines())
        lang = fields.get("lang", "en")
        prefix = "" if lang == "en" else f"{lang}/"
        tags = tuple(t.strip() for t in fields["tags"].strip("[]").split(",") if t.strip())
        out.append(Source(f"/{prefix}{fields['section']}/{path.stem}/", lang,
                          datetime.fromisoformat(fields["date"]), fields["section"], tags,
                          (fields["author"],) if "author" in fields else ()))
    return out


def expected_lists(site: Path) -> dict[str, list[str]]:
    """Each list's first-page folder ("news/", "ru/tags/energetika/") and its articles'
    URLs, newest first."""
    lists: dict[str, list[Source]] = {}
    for s in sources(site):
        prefix = "" if s.lang == "en" else f"{s.lang}/"
        names = [f"{s.section}/", f"archive/{s.date:%Y/%m}/",
                 *(f"tags/{slugify(t)}/" for t in s.tags),
                 *(f"authors/{slugify(a)}/" for a in s.authors)]
        for name in names:
            lists.setdefault(prefix + name, []).append(s)
    return {name: [s.url for s in sorted(items, key=lambda s: s.date, reverse=True)]
            for name, items in lists.items()}


# --------------------------------------------------------------------------- the pages


@dataclass
class ListPage:
    path: str  # "news/page/2/index.html"
    cards: list[str]  # the articles' URLs, in the page's order
    newer: str | None  # the nav's rel=prev link
    older: str | None  # the nav's rel=next link
    head_newer: str | None  # <link rel=prev> in <head>
    head_older: str | None
    title: str
    counts: list[str]  # the texts of .page-count elements
    text: str


def read_page(dist: Path, path: str) -> ListPage:
    doc = BeautifulSoup((dist / path).read_text(encoding="utf-8"), "html.parser")

    def href(selector: str) -> str | None:
        found = doc.select_one(selector)
        return str(found["href"]) if found is not None else None

    return ListPage(
        path, [str(a["href"]) for a in doc.select("main .card-title a")],
        href("nav.pagination a[rel=prev]"), href("nav.pagination a[rel=next]"),
        href("head link[rel=prev]"), href("head link[rel=next]"),
        doc.title.get_text() if doc.title else "",
        [c.get_text(strip=True) for c in doc.select(".page-count")],
        doc.get_text(" "))


def file_of(url: str) -> str:
    """The output file of a site path ("/news/page/2/" → "news/page/2/index.html")."""
    assert url.startswith("/") and url.endswith("/"), url
    return url[1:] + "index.html"


def walk(dist: Path, folder: str) -> Iterator[ListPage]:
    """A list's pages as a reader goes through them: the first page, then "older" to the
    end."""
    seen: set[str] = set()
    path: str | None = folder + "index.html"
    while path is not None:
        assert path not in seen, f"the older links of {folder} loop at {path}"
        seen.add(path)
        page = read_page(dist, path)
        yield page
        path = file_of(page.older) if page.older else None


def page_count_texts(lang: str) -> re.Pattern[str]:
    """The "page n of total" text of a language, for any numbers."""
    labels = i18n.make_labels(lang, {})[0]
    text = re.escape(labels.get("page_n_of", n=1234, total=5678))
    return re.compile(text.replace("1234", r"\d+").replace("5678", r"\d+"))


def numbered(paths: object) -> set[str]:
    return {p for p in paths if NUMBERED.search(p)}  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site, _ = built_copy(tmp_path_factory, SITE)
    return site


# --------------------------------------------------------------------------- as a reader sees it


def test_every_list_holds_each_article_once_newest_first_in_fixed_blocks(built: Path) -> None:
    dist = built / "dist"
    lists = expected_lists(built)
    assert {"news/", "sport/", "tags/energy/", "authors/aman-orazov/", "archive/2024/11/",
            "ru/news/", "ru/tags/energetika/", "ru/archive/2024/12/"} <= set(lists)
    with_numbered = set()
    for folder, expected in lists.items():
        pages = list(walk(dist, folder))
        # The first page, then the numbered ones from the newest (k) to page 1.
        assert [NUMBERED.search(p.path) for p in pages[:1]] == [None]
        k = len(pages) - 1
        assert [int(NUMBERED.search(p.path)[1]) for p in pages[1:]] == list(  # type: ignore[index]
            range(k, 0, -1)), folder
        read = [url for page in pages for url in page.cards]
        assert read == expected, folder  # every article exactly once, newest first
        assert all(len(p.cards) == PER_PAGE for p in pages[1:]), folder
        size = len(pages[0].cards)
        if len(expected) >= 2 * PER_PAGE:
            assert PER_PAGE <= size <= 2 * PER_PAGE - 1, folder
        else:
            assert size == len(expected) and k == 0, folder
        # No other page of the list was written than those a reader reaches.
        on_disk = {p.relative_to(dist).as_posix()
                   for p in (dist / folder).glob("page/*/index.html")}
        assert on_disk == {p.path for p in pages[1:]}, folder
        if k:
            with_numbered.add(folder)
    # The fixture has numbered pages in a section, a tag, a month and the other language.
    assert {"news/", "tags/energy/", "archive/2024/12/", "ru/news/"} <= with_numbered


def test_links_between_pages_go_both_ways_and_resolve(built: Path) -> None:
    dist = built / "dist"
    for folder in expected_lists(built):
        pages = list(walk(dist, folder))
        for page in pages:
            assert (page.head_newer, page.head_older) == (page.newer, page.older), page.path
            for link in (page.newer, page.older):
                assert link is None or (dist / file_of(link)).is_file(), (page.path, link)
        # The first page has no newer one; each older page links back to the one before.
        assert pages[0].newer is None
        for newer, older in zip(pages, pages[1:], strict=False):
            assert older.newer is not None and file_of(older.newer) == newer.path
        assert pages[-1].older is None


def test_no_page_says_how_many_pages_there_are(built: Path) -> None:
    dist = built / "dist"
    of = {lang: page_count_texts(lang) for lang in ("en", "ru")}
    for folder in expected_lists(built):
        lang = "ru" if folder.startswith("ru/") else "en"
        page_n = i18n.make_labels(lang, {})[0].get("page_n", n=0)[:-1]  # "Page ", "Страница "
        for page in walk(dist, folder):
            assert not of[lang].search(page.text), page.path
            match = NUMBERED.search(page.path)
            if match is None:  # the first page: no number, in the title or on the page
                assert page.counts == [] and page_n not in page.title, page.path
            else:
                assert set(page.counts) == {f"{page_n}{match[1]}"}, page.path
                assert f"{page_n}{match[1]}" in page.title


# --------------------------------------------------------------------------- a publish


NEW = """---
title: {title}
date: {date}
section: news
tags: [{tags}]
---

{title}: the report from the shore.
"""


def publish(site: Path, slug: str, title: str, date: str, tags: str) -> None:
    write_site(site, {f"content/news/{slug}.md": NEW.format(title=title, date=date, tags=tags)})


def rebuild(site: Path) -> dict[str, str]:
    """Build as a user would (the CLI, with its cache) and return the output's files."""
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    return tree_digest(site / "dist")


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    """The files written, changed or removed (not the folders)."""
    return {p for p in before.keys() | after.keys()
            if before.get(p) != after.get(p) and not p.endswith("/")}


def assert_same_as_clean(site: Path, tmp: Path) -> None:
    clean = tmp / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    run = newsgen("build", "-s", site, "-o", clean, "--now", NOW, "--cache-dir", tmp / "nocache")
    assert run.code == 0, run.err
    assert tree_digest(site / "dist") == tree_digest(clean)


def test_a_publish_changes_only_the_first_pages_of_its_lists(
        tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    site, _ = built_copy(tmp_path_factory, SITE)
    before = tree_digest(site / "dist")
    # news: 9 → 10, tag energy: 7 → 8, December: 7 → 8: no list gets a new block.
    publish(site, "refinery", "Refinery reopens", "2024-12-19 09:00", "energy")
    after = rebuild(site)
    diff = changed(before, after)
    assert not numbered(diff), sorted(numbered(diff))
    firsts = {"news/index.html", "tags/energy/index.html", "archive/2024/12/index.html"}
    assert firsts <= diff
    lists = {p for p in diff if p.startswith(("tags/", "authors/", "archive/"))
             or p in ("news/index.html", "sport/index.html")}
    assert lists == firsts | {"tags/index.html", "archive/index.html"}  # the counts
    others = diff - lists
    articles = {p for p in others if p.startswith(("news/", "sport/"))
                and p.endswith("/index.html")}
    assert "news/refinery/index.html" in articles  # and its read-also neighbours
    assert others - articles == {"index.html", "feed.xml", "news/feed.xml", "sitemap.xml",
                                 "news-sitemap.xml"}
    assert not any(p.startswith("ru/") for p in diff)  # the other language is untouched
    assert_same_as_clean(site, tmp_path)


def test_a_publish_renders_no_numbered_page_whose_articles_stayed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not only the bytes: a numbered page is not even rendered again unless an article
    it lists changed (its read also, here). Its fingerprint does not cover the page count
    or the tag's article count."""
    site = tmp_path / "site"
    shutil.copytree(SITES / SITE, site)
    first, rep = build_here(site, use_cache=True, cache_dir=site / ".cache")
    assert first is not None, [d.format() for d in rep.diagnostics]
    rendered: list[str] = []
    real = render.Renderer.render
    monkeypatch.setattr(render.Renderer, "render",
                        lambda self, page: rendered.append(page.path) or real(self, page))
    dist = site / "dist"
    # One publish (no list gets a new block), then three (news and December do).
    for step in (["refinery"], ["quay-0", "quay-1", "quay-2"]):
        rendered.clear()
        for i, slug in enumerate(step):
            publish(site, slug, slug.title(), f"2024-12-19 09:{10 * len(step) + i:02d}",
                    "energy" if slug == "refinery" else "")
        later, rep = build_here(site, use_cache=True, cache_dir=site / ".cache")
        assert later is not None, [d.format() for d in rep.diagnostics]
        assert later.rendered == len(rendered) < first.rendered / 2
        again = set(later.changed)
        for path in numbered(rendered) - again:
            cards = read_page(dist, path).cards
            assert any(file_of(url) in again for url in cards), path
        assert numbered(again) == (set() if len(step) == 1 else {
            "news/page/2/index.html", "news/page/3/index.html",
            "archive/2024/12/page/1/index.html", "archive/2024/12/page/2/index.html"})


def test_every_per_page_th_publish_adds_one_numbered_page(
        tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    site, _ = built_copy(tmp_path_factory, SITE)
    dist = site / "dist"
    publish(site, "refinery", "Refinery reopens", "2024-12-19 09:00", "energy")
    before = rebuild(site)
    page2 = read_page(dist, "news/page/2/index.html")
    assert page2.newer == "/news/" and not (dist / "news/page/3").exists()
    for i in range(PER_PAGE):  # news: 10 → 13
        publish(site, f"quay-{i}", f"Quay works, day {i}", f"2024-12-19 09:{10 + i:02d}", "")
    after = rebuild(site)
    diff = changed(before, after)
    # The section's one new numbered page holds the three articles that were the oldest
    # of the first page; the previously newest numbered page changed its newer link only.
    assert numbered(diff) & {p for p in diff if p.startswith("news/")} == {
        "news/page/2/index.html", "news/page/3/index.html"}
    assert "news/page/3/index.html" not in before
    new = read_page(dist, "news/page/3/index.html")
    assert new.cards == ["/news/tariff-freeze/", "/news/pipeline-talks/", "/news/port-strike/"]
    assert (new.newer, new.older) == ("/news/", "/news/page/2/")
    now2 = read_page(dist, "news/page/2/index.html")
    assert (now2.cards, now2.older) == (page2.cards, page2.older)
    assert now2.newer == "/news/page/3/"
    assert read_page(dist, "news/index.html").older == "/news/page/3/"
    assert "news/page/1/index.html" not in diff
    # December (8 → 11) got its new block too, and its page 1 the link to it.
    assert "archive/2024/12/page/2/index.html" in diff - before.keys()
    assert read_page(dist, "archive/2024/12/page/1/index.html").newer == (
        "/archive/2024/12/page/2/")
    assert_same_as_clean(site, tmp_path)


def test_an_edit_to_an_old_article_changes_only_the_pages_that_hold_it(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    site, _ = built_copy(tmp_path_factory, SITE)
    dist = site / "dist"
    url = "/news/harbour-dredging/"
    holding = {p.relative_to(dist).as_posix() for p in dist.rglob("index.html")
               if p.relative_to(dist).as_posix() != file_of(url)
               and url in read_page(dist, p.relative_to(dist).as_posix()).cards}
    assert {"news/page/1/index.html", "tags/energy/page/1/index.html",
            "archive/2024/11/page/1/index.html"} <= holding
    before = tree_digest(dist)
    path = site / "content/news/harbour-dredging.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "title: Harbour dredging begins", "title: Harbour dredging starts"), encoding="utf-8")
    diff = changed(before, rebuild(site))
    lists = {p for p in diff if NUMBERED.search(p) or p.startswith(("tags/", "authors/",
                                                                     "archive/"))
             or p in ("news/index.html", "sport/index.html", "index.html")}
    assert lists == holding


# --------------------------------------------------------------------------- the block math


@given(st.integers(0, 400), st.integers(1, 40))
def test_blocks_hold_every_item_once_and_stay_put_when_one_is_added(length: int,
                                                                     per_page: int) -> None:
    def pages(n: int) -> list[tuple[int, bool, list[int]]]:
        # Items are numbered from the oldest (0); the list is newest first.
        items = list(range(n - 1, -1, -1))
        return [(b.number, b.numbered, items[b.start: b.stop])
                for b in blocks(n, per_page, stable=True)]

    now = pages(length)
    assert sorted(i for _, _, items in now for i in items) == list(range(length))
    first, rest = now[0], now[1:]
    assert not first[1] and all(numbered for _, numbered, _ in rest)
    assert all(items == sorted(items, reverse=True) for _, _, items in now)
    # Page n holds the n-th block of per_page from the oldest; the first page the rest.
    for n, _, items in rest:
        assert items == list(range(n * per_page - 1, (n - 1) * per_page - 1, -1))
    assert first[0] == len(rest) + 1 == now[0][0]
    if length >= 2 * per_page:
        assert per_page <= len(first[2]) <= 2 * per_page - 1
    else:
        assert (len(first[2]), rest) == (length, [])
    # One more item: every numbered page stays as it was, and at most one is added.
    later = pages(length + 1)
    assert later[1: len(rest) + 1] == rest
    assert len(later) - len(now) == (1 if (length + 1) % per_page == 0
                                     and length + 1 >= 2 * per_page else 0)


@given(st.integers(0, 400), st.integers(1, 40))
def test_newest_first_blocks_are_as_before(length: int, per_page: int) -> None:
    total = max(1, -(-length // per_page))
    assert [(b.number, b.total, b.start, b.stop, b.numbered)
            for b in blocks(length, per_page)] == [
        (n, total, (n - 1) * per_page, min(length, n * per_page), n > 1)
        for n in range(1, total + 1)]


# --------------------------------------------------------------------------- templates, config


OVERRIDE = """{% extends "builtin/taxonomy.html" %}
{% block content %}{{ super() }}
<p id="old-style">{{ pagination.number }}/{{ pagination.total }} {{ page.number }}/{{ page.total }}
{%- for n, url in pagination.pages %} {{ n }}={{ url }}{% endfor %}
{%- if term is defined %} count={{ term.count }}{% endif %}</p>
{% endblock %}
"""


def test_a_template_reading_the_page_count_still_renders(tmp_path: Path) -> None:
    """A site template written for newest-first pages (pagination.total, .pages) works:
    a numbered page knows the pages up to its newer neighbour."""
    site = tmp_path / "site"
    shutil.copytree(SITES / SITE, site)
    write_site(site, {"templates/taxonomy.html": OVERRIDE,
                      "templates/month.html": OVERRIDE.replace("taxonomy", "month")})
    result, rep = build_here(site, output=tmp_path / "out")
    assert result is not None, [d.format() for d in rep.diagnostics]

    def told(path: str) -> str:
        doc = BeautifulSoup((tmp_path / "out" / path).read_text(encoding="utf-8"),
                            "html.parser")
        return doc.select_one("#old-style").get_text()  # type: ignore[union-attr]

    assert told("tags/energy/index.html") == (
        "2/2 2/2 1=/tags/energy/page/1/ 2=/tags/energy/ count=7")
    assert told("tags/energy/page/1/index.html") == (
        "1/2 1/2 1=/tags/energy/page/1/ 2=/tags/energy/ count=0")
    assert told("archive/2024/12/page/1/index.html") == (
        "1/2 1/2 1=/archive/2024/12/page/1/ 2=/archive/2024/12/")


def test_newest_is_the_default_and_the_same_as_not_saying(tmp_path: Path) -> None:
    option = BY_KEY["pagination"]
    assert default(option) == "newest" and option.choices == ("newest", "stable")
    outs = []
    for mode in ("", "pagination: newest\n"):
        site = tmp_path / f"site{len(outs)}"
        shutil.copytree(SITES / SITE, site)
        config = (site / "newsgen.yaml").read_text(encoding="utf-8")
        (site / "newsgen.yaml").write_text(config.replace("pagination: stable\n", mode),
                                           encoding="utf-8")
        result, rep = build_here(site, output=site / "dist")
        assert result is not None, [d.format() for d in rep.diagnostics]
        outs.append(tree_digest(site / "dist"))
    assert outs[0] == outs[1]
    # Newest first: page 2 holds the 4th to 6th newest of the section.
    page2 = read_page(tmp_path / "site0/dist", "news/page/2/index.html")
    assert page2.cards == expected_lists(tmp_path / "site0")["news/"][3:6]
    assert page_count_texts("en").search(page2.text)


@pytest.mark.parametrize(("value", "message"), [
    ("stabel", "pagination: 'stabel' is not one of newest, stable; did you mean 'stable'?"),
    ("Oldest", "pagination: 'Oldest' is not one of newest, stable"),
    ("[stable]", "pagination: expected one of newest, stable, got a list"),
    ("", "pagination: expected one of newest, stable, got nothing"),
])
def test_a_bad_value_is_an_error_at_its_line(tmp_path: Path, value: str, message: str) -> None:
    (tmp_path / "newsgen.yaml").write_text(f"title: X\ndescription: Y\npagination: {value}\n",
                                           encoding="utf-8")
    rep = Reporter()
    config = load_config(tmp_path, rep)
    assert [d.format() for d in rep.diagnostics] == [f"newsgen.yaml:3: error: {message}"]
    assert config.pagination == "newest"


def test_a_bad_value_stops_the_build_and_leaves_the_output(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    site, _ = built_copy(tmp_path_factory, SITE)
    before = tree_digest(site / "dist")
    config = site / "newsgen.yaml"
    text = config.read_text(encoding="utf-8")
    line = text.splitlines().index("pagination: stable") + 1
    config.write_text(text.replace("pagination: stable", "pagination: stabel"),
                      encoding="utf-8")
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 1
    assert run.errors() == [f"newsgen.yaml:{line}: error: pagination: 'stabel' is not one "
                            "of newest, stable; did you mean 'stable'?"]
    assert tree_digest(site / "dist") == before


def test_the_page_links_are_made_when_read_and_equal_the_tuple() -> None:
    """`pagination.pages` makes each URL when a template reads it; it reads as the tuple
    of (number, URL) it stands for: iterated, indexed, sliced, counted."""
    from newsgen.stages.paging import PageLinks

    made: list[int] = []
    links = PageLinks(4, lambda n: made.append(n) or f"/x/page/{n}/")
    assert not made
    whole = tuple((n, f"/x/page/{n}/") for n in range(1, 5))
    assert links == whole and tuple(links) == whole and len(links) == 4
    assert links[0] == whole[0] and links[-1] == whole[-1] and links[1:3] == whole[1:3]
    with pytest.raises(IndexError):
        links[4]  # noqa: B018
    assert list(reversed(links)) == list(reversed(whole))
