"""The pieces of a patch of the linked site (newsgen.incremental.relink): a read-also
block made again, the lookups pointed to a new article, the lists with new entries."""

from __future__ import annotations

import bisect
import contextlib
from collections.abc import Iterable
from dataclasses import replace
from datetime import tzinfo

from newsgen.model.config import Config
from newsgen.model.content import Article, article_stem
from newsgen.model.site import Entry, LanguageSite, Link, Term, newest_first
from newsgen.parse.collation import sort_key
from newsgen.stages.site import Linker
from newsgen.stages.site_urls import own_path


def readers(entries: Iterable[Entry], config: Config) -> dict[str, set[str]]:
    """Site path -> the articles among `entries` whose read-also block links to it (also
    by a full URL on the site: another language's article, titled as it is)."""
    out: dict[str, set[str]] = {}
    for e in entries:
        for link in e.read_also:
            url = own_path(config, link.url) if link.external else link.url
            if url is not None:
                out.setdefault(url, set()).add(e.article.source)
    return out


def reread(found: dict[str, set[str]], entries: dict[str, Entry], fresh: dict[str, Entry],
           config: Config) -> None:
    """`found` (made by `readers`) with the links of the new blocks `fresh` in place of
    those of the entries they replace."""
    for source in fresh:
        old = entries.get(source)
        for url in readers([old] if old is not None else [], config):
            found.get(url, set()).discard(source)
    for url, sources in readers(fresh.values(), config).items():
        found.setdefault(url, set()).update(sources)


def retranslated(entries: dict[str, Entry], fresh: dict[str, Entry],
                 ) -> tuple[list[Entry], dict[int, Entry]]:
    """The new entries `fresh` (by source, made without translations) in `entries`, with
    their translations, and theirs pointing to them: the entries they replace, and the
    new entries by the id of the entry each replaces."""
    final: dict[str, Entry] = {}
    for source in list(fresh):
        for t in entries[source].translations:
            final.setdefault(t.article.source, entries[t.article.source])
    for source, e in fresh.items():
        final[source] = e
    for source, e in final.items():
        members = entries[source].translations
        if members:
            final[source] = replace(e, translations=tuple(
                fresh.get(t.article.source, t) for t in members))
    olds = [entries[source] for source in final]
    swap = {id(old): final[old.article.source] for old in olds}
    entries.update(final)
    return olds, swap


def read_also(linker: Linker, entry: Entry) -> tuple[Link, ...]:
    return linker.read_also(entry, linker.by_content, linker.by_slug, linker.index)


def place(linker: Linker, old: Article, new: Article) -> None:
    """The linker's lookups name the new article where they named the old one."""
    placed = linker.by_content[old.content_path]
    again = replace(placed, article=new)
    for key in (old.content_path, article_stem(old.content_path)):
        if key is not None and linker.by_content.get(key) is placed:
            linker.by_content[key] = again
    same_slug = linker.by_slug[(old.lang, old.slug)]
    same_slug[same_slug.index(placed)] = again
    linker._by_url = None  # (made again from by_content when a related URL needs it)


def refilled(linker: Linker, entries: dict[str, Entry], sources: Iterable[str],
             ) -> dict[str, Entry]:
    """The entries of `sources` (by source, in `entries`) whose read-also block, made
    again, differs: with the new block and without translations (`retranslated`)."""
    fresh: dict[str, Entry] = {}
    for source in sorted(sources):
        e = entries[source]
        block = read_also(linker, e)
        if block != e.read_also:
            fresh[source] = replace(e, read_also=block, translations=())
    return fresh


def affected_sources(linker: Linker) -> set[str]:
    """The articles whose read-also fill may differ (`linker.affected`, by URL)."""
    return {linker.index.rows[url][4].article.source  # type: ignore[attr-defined]
            for url in linker.affected}


def swapped(languages: tuple[LanguageSite, ...], swap: dict[int, Entry], olds: list[Entry],
            tz: tzinfo) -> tuple[LanguageSite, ...]:
    """Each language's lists with the new entries `swap` (by the id of the entry each
    replaces), rebuilding only the lists that hold one of the old entries `olds`."""
    return tuple(_swapped(ls, swap, [e for e in olds if e.lang == ls.lang.code], tz)
                 for ls in languages)


def _swapped(ls: LanguageSite, swap: dict[int, Entry], olds: list[Entry],
             tz: tzinfo) -> LanguageSite:
    """One language's lists (`swapped`), `olds` of this language."""
    if not olds:
        return ls
    sections = {e.section.slug for e in olds}
    tags = {t.slug for e in olds for t in e.tags}
    authors = {t.slug for e in olds for t in e.authors}
    months = set()
    for e in olds:
        local = e.article.date.astimezone(tz)
        months.add((local.year, local.month))

    def each(items: tuple[Entry, ...]) -> tuple[Entry, ...]:
        ids = list(map(id, items))  # a patch swaps a few entries of long lists
        out = list(items)
        for old, new in swap.items():
            with contextlib.suppress(ValueError):
                out[ids.index(old)] = new
        return tuple(out)

    return replace(
        ls, entries=each(ls.entries),
        by_section={slug: each(items) if slug in sections else items
                    for slug, items in ls.by_section.items()},
        tags=tuple((t, each(items) if t.slug in tags else items) for t, items in ls.tags),
        authors=tuple((t, each(items) if t.slug in authors else items)
                      for t, items in ls.authors),
        months=tuple((m, each(items) if m in months else items) for m, items in ls.months))


def inserted(ls: LanguageSite, entry: Entry, tz: tzinfo) -> LanguageSite:
    """The language's lists with a new entry `entry` in each list that holds it, in the
    place a full link gives it (newsgen.stages.site.Linker.language_site): newest first,
    terms in the language's alphabetical order, months newest first. Its section is
    one the language lists already."""
    at = newest_first(entry)

    def put(items: tuple[Entry, ...]) -> tuple[Entry, ...]:
        i = bisect.bisect_left(items, at, key=newest_first)
        return (*items[:i], entry, *items[i:])

    def terms(lists: tuple[tuple[Term, tuple[Entry, ...]], ...], own: tuple[Term, ...],
              ) -> tuple[tuple[Term, tuple[Entry, ...]], ...]:
        out = list(lists)
        for term in own:
            found = next((i for i, (t, _) in enumerate(out) if t.slug == term.slug), None)
            if found is not None:
                out[found] = (out[found][0], put(out[found][1]))
                continue
            order = [(sort_key(ls.lang.code, t.name), t.slug) for t, _ in out]
            out.insert(bisect.bisect_left(order, (sort_key(ls.lang.code, term.name),
                                                  term.slug)), (term, (entry,)))
        return tuple(out)

    local = entry.article.date.astimezone(tz)
    month = (local.year, local.month)
    months = list(ls.months)
    found = next((i for i, (m, _) in enumerate(months) if m == month), None)
    if found is not None:
        months[found] = (month, put(months[found][1]))
    else:  # newest first
        keys = [(-y, -m) for (y, m), _ in months]
        months.insert(bisect.bisect_left(keys, (-month[0], -month[1])), (month, (entry,)))
    by_section = dict(ls.by_section)
    by_section[entry.section.slug] = put(by_section[entry.section.slug])
    return replace(ls, entries=put(ls.entries), by_section=by_section,
                   tags=terms(ls.tags, entry.tags), authors=terms(ls.authors, entry.authors),
                   months=tuple(months))


def removed(ls: LanguageSite, entry: Entry, tz: tzinfo) -> LanguageSite:
    """The language's lists without `entry` (by identity); a term or a month left with no
    article goes. Its section keeps others."""
    def drop(items: tuple[Entry, ...]) -> tuple[Entry, ...]:
        return tuple(e for e in items if e is not entry)

    def terms(lists: tuple[tuple[Term, tuple[Entry, ...]], ...], own: tuple[Term, ...],
              ) -> tuple[tuple[Term, tuple[Entry, ...]], ...]:
        slugs = {t.slug for t in own}
        kept = ((t, drop(items) if t.slug in slugs else items) for t, items in lists)
        return tuple((t, items) for t, items in kept if items)

    local = entry.article.date.astimezone(tz)
    month = (local.year, local.month)
    months = ((m, drop(items) if m == month else items) for m, items in ls.months)
    by_section = dict(ls.by_section)
    by_section[entry.section.slug] = drop(by_section[entry.section.slug])
    return replace(ls, entries=drop(ls.entries), by_section=by_section,
                   tags=terms(ls.tags, entry.tags), authors=terms(ls.authors, entry.authors),
                   months=tuple((m, items) for m, items in months if items))
