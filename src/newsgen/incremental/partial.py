"""A partial site: some pages of an output, made again from the rows its last build
recorded (newsgen.incremental.rows) instead of from every article
(docs/publish-from-rows.md, step 4).

`load_pages` reads the skeletons of the pages asked for, the entries they show (with
their translations) and each language's facts, and makes a `Site` whose lists are
`Head`s: of known length, with only their first items loaded (the newest ten, each
section's home block). A page made from it renders the same bytes and has the same
fingerprint as from the whole site, or reading it raises `Partial` (a page that needs
what was not loaded: a sitemap, the search page), and the caller builds the whole site.
`tests/test_partial.py` holds every page of two fixture sites to that.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from newsgen.incremental.database import each, load
from newsgen.model.config import Config
from newsgen.model.content import Article, Asset
from newsgen.model.lists import Head, Partial
from newsgen.model.site import Entry, LanguageSite, Site
from newsgen.stages.kinds import KINDS, Page

_LISTS = frozenset({"section", "tag", "author", "month"})
_ITEMS = frozenset({"feed", "redirect", "news-sitemap"})


@dataclass(frozen=True)
class Skeleton:
    """A page's row (newsgen.incremental.rows.skeleton)."""

    kind: str
    lang: str
    url: str
    origin: str
    place: tuple[Any, ...]
    shown: Mapping[str, Any]  # each entry as its URL

    def urls(self) -> Iterable[str]:
        """The URLs of the entries the page lists itself (not its language's)."""
        if self.kind == "article":
            yield self.shown["article"]
        elif self.kind in _LISTS:
            yield from self.shown["articles"]
        elif self.kind in _ITEMS:
            yield from self.shown["items"]


class Rows:
    """The rows of one output folder, read on demand."""

    def __init__(self, db: sqlite3.Connection, key: str) -> None:
        self.db, self.key = db, key

    def skeletons(self, paths: Iterable[str]) -> dict[str, Skeleton]:
        found: dict[str, Skeleton] = {}
        for path, data in self._where("page_rows", "path, data", "path", paths):
            kind, lang, url, origin, place, shown = load(data)
            found[path] = Skeleton(kind, lang, url, origin, place, dict(shown))
        return found

    def languages(self) -> dict[str, tuple[Any, ...]]:
        return {code: load(data) for code, data in self.db.execute(
            "SELECT code, data FROM langs WHERE dir = ?", (self.key,))}

    def entries(self, urls: Iterable[str]) -> dict[str, tuple[str, tuple[Any, ...]]]:
        """url -> (source, what linking added: newsgen.incremental.rows.entry_data)."""
        return {url: (source, load(data)) for url, source, data in
                self._where("entries", "url, source, data", "url", urls)}

    def articles(self, sources: Iterable[str]) -> dict[str, tuple[Article, str]]:
        """source -> (the parsed article, its content key: newsgen.incremental.cache)."""
        return {path: (load(data)[0], content) for path, content, data in
                self._where("articles", "path, content, data", "path", sources, own=False)}

    def _where(self, table: str, columns: str, column: str, values: Iterable[str], *,
               own: bool = True) -> Iterable[tuple[Any, ...]]:
        mine = "dir = ? AND " if own else ""
        return each(self.db, f"SELECT {columns} FROM {table} WHERE {mine}{column} = ?",  # noqa: S608
                    [self.key] if own else [], values)  # (names of our own)


@dataclass(frozen=True)
class Pages:
    """Pages made from rows, and the partial site they are rendered from."""

    site: Site
    pages: list[Page]
    contents: Mapping[str, str]  # each loaded article's content key, by source


def load_pages(rows: Rows, config: Config, now: datetime, assets: tuple[Asset, ...],
               paths: Sequence[str], *, edit: Callable[[Entry], Entry] | None = None,
               ) -> Pages:
    """The pages at `paths` of the output whose rows `rows` reads. Raises `Partial` for a
    page that cannot be made from rows (a sitemap, a page not recorded).

    `edit`: what becomes of each entry as recorded, before its translations are linked
    (a changed article's words: newsgen.incremental.edits). The site knows no embargo,
    time window or held articles (not rows: the output's record has them)."""
    skeletons = rows.skeletons(paths)
    missing = [p for p in paths if p not in skeletons]
    if missing:
        raise Partial(f"no rows for {missing[0]}")
    langs = rows.languages()
    wanted: set[str] = {u for s in skeletons.values() for u in s.urls()}
    for _, _, latest, blocks, *_ in langs.values():
        wanted.update(latest)
        wanted.update(u for _, _, first in blocks for u in first)
    entries, contents = _entries(rows, wanted, edit)
    languages = tuple(_language(config, code, langs[code], entries)
                      for code in (lang.code for lang in config.languages) if code in langs)
    site = Site(config, now, languages, assets, None, loaded=entries)
    by_lang = {ls.lang.code: ls for ls in languages}
    return Pages(site, [_page(path, skeletons[path], by_lang, entries) for path in paths],
                 contents)


def _entries(rows: Rows, urls: set[str], edit: Callable[[Entry], Entry] | None,
             ) -> tuple[dict[str, Entry], dict[str, str]]:
    """The site's entries at `urls`, and those of their translations, each translation
    as the site links it: without translations of its own (newsgen.stages.site)."""
    found = rows.entries(urls)
    more = {u for _, data in found.values() for u in data[-1]} - found.keys()
    found.update(rows.entries(more))
    if urls - found.keys():
        raise Partial(f"no entry row for {sorted(urls - found.keys())[0]}")
    articles = rows.articles(source for source, _ in found.values())
    bare: dict[str, Entry] = {}
    for url, (source, data) in found.items():
        (section, path, body_key, body_urls, summary, toc, image, tags, authors,
         read_also, _) = data
        if source not in articles:
            raise Partial(f"no article row for {source}")
        bare[url] = Entry(articles[source][0], section, url, path, body_key, body_urls, summary,
                          toc, image, tags, authors, read_also)
        if edit is not None:
            bare[url] = edit(bare[url])
    return ({url: e.linked(translations=tuple(bare[t] for t in found[url][1][-1]))
             if found[url][1][-1] else e for url, e in bare.items()},
            {source: content for source, (_, content) in articles.items()})


def _language(config: Config, code: str, facts: tuple[Any, ...],
              entries: Mapping[str, Entry]) -> LanguageSite:
    sections, count, latest, blocks, tags, authors, months = facts
    return LanguageSite(
        config.language_config(code),
        cast(tuple[Entry, ...], Head(count, [entries[u] for u in latest])),
        sections,
        {slug: cast(tuple[Entry, ...], Head(n, [entries[u] for u in first]))
         for slug, n, first in blocks},
        tuple((t, cast(tuple[Entry, ...], Head(n, ()))) for t, n in tags),
        tuple((t, cast(tuple[Entry, ...], Head(n, ()))) for t, n in authors),
        tuple((m, cast(tuple[Entry, ...], Head(n, ()))) for m, n in months))


def _page(path: str, s: Skeleton, langs: Mapping[str, LanguageSite],
          entries: Mapping[str, Entry]) -> Page:
    """The page a skeleton stands for, as the plan made it: every field its fingerprint
    or its rendering reads (`Page.place`; a stable numbered page's `total` is known only
    as far as `reach` and `newer_is_first` tell, which is all that reads it)."""
    if KINDS[s.kind].whole_site:
        raise Partial(f"{path} lists every page of the site")
    ls = langs[s.lang]
    items: Sequence[Entry] = ()
    entry = None
    if s.kind == "article":
        entry = entries[s.shown["article"]]
    elif s.kind in _LISTS or s.kind in _ITEMS:
        items = tuple(entries[u] for u in s.urls())
    elif s.kind in ("home", "search"):
        items = ls.entries
    elif s.kind == "robots":
        items = Head(1 if s.shown["news"] else 0, ())
    place = s.place
    _, _, number, total, list_url, section, term, month = place[:8]
    if len(place) > 8:  # stable: (…, "stable", newer_is_first) with `reach` for `total`
        total = total if list_url == s.url else number + 1 if place[9] else number + 2
    return Page(path, s.url, s.kind, s.lang, s.origin, entry, section, term,
                cast(tuple[Entry, ...], items), number, total, list_url, month,
                stable=len(place) > 8)
