"""Linking again after a save that keeps the site's shape: the dev server's fast path.

A save in the editor usually changes an article's words: its body, its title, its
summary. Linking the whole archive again for that costs time in proportion to the
archive (every list sorted, every reference resolved, every read-also block made).
When every changed article keeps its *shape* — all that decides where it is listed
and what it links to: its file, date, section, slug, language, tags, authors,
related items, image, draft and expiry marks, aliases, and the lines of its front
matter — every list keeps its members and their order, so the previous site is
patched instead:

- each changed article gets a new entry (its body, the body's links, summary, title);
- the entries whose read-also block shows a changed title get theirs again;
- the translations of all of these point to the new entries;
- the language's lists swap the old entries for the new ones, in place.

Anything else (an article added, removed or made invalid, a shape change, a change
of the config, of the site's files or of the build's options, or a moment that
publishes or retires an article) links the whole site, as every build did before.
A patched site equals a full link's, and so do its diagnostics: the unchanged
articles' are carried over, and a changed article's body links are checked again
(tests/test_relink.py compares the two after random edits).

Unchanged entries stay the same objects, so the fingerprints of the pages that do
not show a changed entry are found by identity (newsgen.incremental.fingerprint.PagePrints).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from dataclasses import fields, replace
from datetime import datetime, tzinfo

from newsgen.errors import Diagnostic, Reporter
from newsgen.model.config import Config
from newsgen.model.content import Article, Asset, article_stem
from newsgen.model.site import Entry, LanguageSite, Link, Site
from newsgen.parse.markup import Body
from newsgen.stages.references import Placed
from newsgen.stages.related import Fills, signature
from newsgen.stages.site import Linker
from newsgen.stages.site_urls import own_path

# What a save may change in an article and still patch the site; the rest is its shape.
WORDS = frozenset({"title", "summary", "params", "body"})


def shape(a: Article) -> tuple[object, ...]:
    return tuple(getattr(a, f.name) for f in fields(a) if f.name not in WORDS)


class Linked:
    """One full link and the patches since, kept in memory for the next build."""

    def __init__(self, basis: tuple[object, ...], site: Site, linker: Linker,
                 articles: list[Article], diagnostics: list[Diagnostic]) -> None:
        self.basis = basis  # what must not change for a patch
        self.site, self.linker = site, linker
        # by source: every article given to the linker, and the published ones' entries
        self.articles = {a.source: a for a in articles}
        self.entries = {e.article.source: e for ls in site.languages for e in ls.entries}
        self.diagnostics = diagnostics  # what linking reported
        # Made anew by each full link and kept by patches: a page that lists every page
        # of the site (a sitemap) is the same while it is.
        self.shape = object()
        # Patches since the full link, and the last one's new entries by the id of the
        # entry each replaced (None after a full link): newsgen.incremental.replan.
        self.generation = 0
        self.swap: dict[int, Entry] | None = None
        # site path -> the articles whose read-also block links to it (made when a title
        # first changes, then kept up to date)
        self.readers: dict[str, set[str]] | None = None


    def waiting(self) -> list[Placed]:
        """The articles scheduled for later (valid, not drafts), placed, as the last full
        link found them (a patch changes no article's date nor validity)."""
        return self.linker.scheduled


def link(previous: Linked | None, config: Config, articles: list[Article],
         bodies: Mapping[str, Body], assets: Iterable[Asset], now: datetime,
         reporter: Reporter, *, drafts: bool, future: bool, broken: Iterable[str],
         fills: Fills, changed: Iterable[Article] | None = None,
         sources: tuple[str, ...] | None = None) -> Linked:
    """The site linked at `now`: `previous` patched when the changes allow it (see
    above), or linked whole. Its diagnostics go to `reporter`. `changed`: the articles
    that may differ from those `previous` was made from, when the caller knows them;
    `sources`: the articles' sources, in order, when it has them."""
    assets = tuple(assets)
    basis = (config, assets, drafts, future, frozenset(broken),
             sources or tuple(a.source for a in articles), id(fills))
    if previous is not None and previous.basis == basis and _due(previous.site, now):
        check = Reporter()
        patched = _patch(previous, articles if changed is None else changed, bodies, now,
                         check)
        if patched is not None:
            previous.site, previous.swap = patched
            previous.generation += 1
            previous.diagnostics = check.diagnostics
            reporter.extend(check.diagnostics)
            return previous
    own = Reporter()
    linker = Linker(config, list(articles), list(assets), now, own, drafts, future,
                    set(broken), fills)
    site = linker.run(bodies)
    reporter.extend(own.diagnostics)
    return Linked(basis, site, linker, articles, own.diagnostics)


def _due(site: Site, now: datetime) -> bool:
    """No article is published, retired or leaves the news window between the site's
    moment and `now`."""
    return ((site.valid_from is None or site.valid_from <= now)
            and (site.valid_until is None or now < site.valid_until))


def _patch(prev: Linked, articles: Iterable[Article], bodies: Mapping[str, Body],
           now: datetime, check: Reporter) -> tuple[Site, dict[int, Entry]] | None:
    """The previous site with the changed articles' entries, and those entries by the
    id of the entry each replaces; None when a change alters the site's shape.
    Diagnostics of the patched site go to `check`."""
    changed = [a for a in articles if prev.articles.get(a.source) is not a]
    for a in changed:
        old = prev.articles.get(a.source)
        if old is None or a.source not in prev.entries or shape(old) != shape(a):
            return None
    linker = prev.linker
    linker.now, linker.affected = now, set()  # every fill is the remembered one
    # The unchanged articles' diagnostics stay; a changed article's body is checked again.
    body_lines = {a.source: a.body_line for a in changed}
    check.extend([d for d in prev.diagnostics if d.path not in body_lines
                  or d.line is None or d.line < body_lines[d.path]])
    linker.reporter = check
    renamed: set[str] = set()  # URLs whose title changed
    bare: dict[str, Entry] = {}  # new entries, without read also and translations
    for a in changed:
        old_entry = prev.entries[a.source]
        if a.title != prev.articles[a.source].title:
            renamed.add(old_entry.url)
        _place(linker, prev.articles[a.source], a)
        body = bodies[a.source]
        entry = replace(old_entry, article=a, body_key=body.key,
                        body_urls=linker.body_urls(a, body, linker.by_content),
                        summary=a.summary or body.summary, toc=body.toc, read_also=(),
                        translations=())
        linker.index.replace(entry)
        if entry.url in linker.fills.rows:
            linker.fills.rows[entry.url] = signature(entry)
            linker.fills.changed.add(entry.url)
        bare[a.source] = entry
        prev.articles[a.source] = a
    fresh = {source: replace(e, read_also=_read_also(linker, e)) for source, e in bare.items()}
    if renamed:  # the read-also blocks that show a changed title
        linker.reporter = Reporter()  # said before, and their shape did not change
        if prev.readers is None:
            prev.readers = _readers(prev.entries.values(), prev.site.config)
        for source in sorted({s for url in renamed for s in prev.readers.get(url, ())}):
            if source not in fresh:
                e = prev.entries[source]
                fresh[source] = replace(e, read_also=_read_also(linker, e), translations=())
    if prev.readers is not None:  # the new blocks' links
        for source in fresh:
            for url in _readers([prev.entries[source]], prev.site.config):
                prev.readers.get(url, set()).discard(source)
        for url, sources in _readers(fresh.values(), prev.site.config).items():
            prev.readers.setdefault(url, set()).update(sources)
    final: dict[str, Entry] = {}
    for source in list(fresh):
        for t in prev.entries[source].translations:
            final.setdefault(t.article.source, prev.entries[t.article.source])
    for source, e in fresh.items():
        final[source] = e
    for source, e in final.items():
        members = prev.entries[source].translations
        if members:
            final[source] = replace(e, translations=tuple(
                fresh.get(t.article.source, t) for t in members))
    olds = [prev.entries[source] for source in final]
    swap = {id(old): final[old.article.source] for old in olds}
    prev.entries.update(final)
    tz = prev.site.config.tz
    return replace(prev.site, now=now, languages=tuple(
        _swapped(ls, swap, [e for e in olds if e.lang == ls.lang.code], tz)
        for ls in prev.site.languages)), swap


def _readers(entries: Iterable[Entry], config: Config) -> dict[str, set[str]]:
    """Site path -> the articles among `entries` whose read-also block links to it (also
    by a full URL on the site: another language's article, titled as it is)."""
    out: dict[str, set[str]] = {}
    for e in entries:
        for link in e.read_also:
            url = own_path(config, link.url) if link.external else link.url
            if url is not None:
                out.setdefault(url, set()).add(e.article.source)
    return out


def _read_also(linker: Linker, entry: Entry) -> tuple[Link, ...]:
    return linker.read_also(entry, linker.by_content, linker.by_slug, linker.index)


def _place(linker: Linker, old: Article, new: Article) -> None:
    """The linker's lookups name the new article where they named the old one."""
    placed = linker.by_content[old.content_path]
    again = replace(placed, article=new)
    for key in (old.content_path, article_stem(old.content_path)):
        if key is not None and linker.by_content.get(key) is placed:
            linker.by_content[key] = again
    same_slug = linker.by_slug[(old.lang, old.slug)]
    same_slug[same_slug.index(placed)] = again
    linker._by_url = None  # (made again from by_content when a related URL needs it)


def _swapped(ls: LanguageSite, swap: dict[int, Entry], olds: list[Entry],
             tz: tzinfo) -> LanguageSite:
    """The language's lists with the new entries, rebuilding only the lists that hold
    one of the old entries `olds` (of this language)."""
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
