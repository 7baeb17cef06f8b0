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

A new file whose article is published (a new story) is added in the same way
(`_add`): its entry goes into its lists where a full link puts it, and only the
read-also blocks whose fill it can enter are made again; `_addable` says when that
is all it changes.

Anything else (an article removed or made invalid, a shape change, a change of the
config, of the site's files or of the build's options, or a moment that publishes
or retires an article) links the whole site, as every build did before.
A patched site equals a full link's, and so do its diagnostics: the unchanged
articles' are carried over, and a changed article's body links are checked again
(tests/test_relink.py and tests/test_relink_add.py compare the two after random edits,
new files and deletions).

Unchanged entries stay the same objects, so the fingerprints of the pages that do
not show a changed entry are found by identity (newsgen.incremental.fingerprint.PagePrints).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields, replace
from datetime import datetime, timedelta

from newsgen.errors import Diagnostic, Reporter, Severity
from newsgen.incremental.patching import (
    inserted,
    place,
    read_also,
    readers,
    reread,
    retranslated,
    swapped,
)
from newsgen.model.config import Config
from newsgen.model.content import Article, Asset, article_stem
from newsgen.model.site import Entry, Site, Term
from newsgen.parse.markup import Body
from newsgen.parse.slugs import section_slug, slug_or_fallback
from newsgen.stages.references import Placed
from newsgen.stages.related import Fills, signature
from newsgen.stages.site import Linker

# What a save may change in an article and still patch the site; the rest is its shape.
WORDS = frozenset({"title", "summary", "params", "body"})


def shape(a: Article, now: datetime | None = None) -> tuple[object, ...]:
    """What decides where `a` is listed and what it links to. With `now`, in a build
    with `--drafts` (`serve --drafts`), the draft mark of an article dated by then is a
    word too: drafts are shown anyway (marked), and only one dated ahead says it is a
    draft, in a warning."""
    words = WORDS | {"draft"} if now is not None and a.date <= now else WORDS
    return tuple(getattr(a, f.name) for f in fields(a) if f.name not in words)


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
        # After a patch that added an article: the shape before it, and the terms
        # (kind, language, slug) of the added article, whose pages show their counts.
        self.grew_from: object | None = None
        self.keys: set[str] | None = None  # every article's translation_key, casefolded
        self.grown: frozenset[tuple[str, str, str]] | None = None


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
    if previous is not None and _due(previous.site, now):
        check = Reporter()
        patched: tuple[Site, dict[int, Entry] | None] | None = None
        grown = None
        if previous.basis == basis:
            patched = _patch(previous, articles if changed is None else changed, bodies,
                             now, check)
        elif previous.basis[:5] == basis[:5] and previous.basis[6:] == basis[6:]:
            grown = _add(previous, articles, bodies, now, check)
            if grown is not None:  # every list page in a new place: planned again
                patched = (grown[0], None)
                previous.grew_from, previous.shape = previous.shape, object()
                previous.grown, previous.basis = grown[1], basis
        if patched is not None:
            if grown is None:
                previous.grew_from = previous.grown = None
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
    at = now if prev.linker.drafts else None
    for a in changed:
        old = prev.articles.get(a.source)
        if old is None or a.source not in prev.entries or shape(old, at) != shape(a, at):
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
        place(linker, prev.articles[a.source], a)
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
    fresh = {source: replace(e, read_also=read_also(linker, e)) for source, e in bare.items()}
    if renamed:  # the read-also blocks that show a changed title
        linker.reporter = Reporter()  # said before, and their shape did not change
        if prev.readers is None:
            prev.readers = readers(prev.entries.values(), prev.site.config)
        for source in sorted({s for url in renamed for s in prev.readers.get(url, ())}):
            if source not in fresh:
                e = prev.entries[source]
                fresh[source] = replace(e, read_also=read_also(linker, e), translations=())
    if prev.readers is not None:  # the new blocks' links
        reread(prev.readers, prev.entries, fresh, prev.site.config)
    olds, swap = retranslated(prev.entries, fresh)
    tz = prev.site.config.tz
    return replace(prev.site, now=now, languages=tuple(
        swapped(ls, swap, [e for e in olds if e.lang == ls.lang.code], tz)
        for ls in prev.site.languages)), swap


def _add(prev: Linked, articles: list[Article], bodies: Mapping[str, Body], now: datetime,
         check: Reporter) -> tuple[Site, frozenset[tuple[str, str, str]]] | None:
    """The previous site with one new published article in its place; None when that is
    not all that changed, or when it changes more than its own lists and the read-also
    fills it can enter (see `_addable`). Diagnostics of the patched site go to `check`."""
    added = [a for a in articles if a.source not in prev.articles]
    if (len(added) != 1 or len(articles) != len(prev.articles) + 1
            or any(prev.articles.get(a.source) is not a for a in articles if a is not added[0])):
        return None
    a = added[0]
    linker, site = prev.linker, prev.site
    linker.now = now
    placed = _addable(prev, a)
    if placed is None:
        return None
    config = site.config
    check.extend(prev.diagnostics)
    linker.reporter = check
    for kind, names in (("tag", a.tags), ("author", a.authors)):
        for name in names:  # (a new term is named as this article writes it)
            slug = slug_or_fallback(name, seed=f"{kind}:{name}")
            linker._terms.setdefault((kind, a.lang, slug), Term(kind, name, slug))
    for key in (a.content_path, article_stem(a.content_path)):
        if key is not None:
            linker.by_content[key] = placed
    linker.by_slug[(a.lang, a.slug)] = [placed]
    linker._by_url = None  # (made again from by_content when a related URL needs it)
    body = bodies[a.source]
    entry = Entry(a, placed.section, placed.url, placed.path, body.key,
                  linker.body_urls(a, body, linker.by_content), a.summary or body.summary,
                  body.toc, linker.image(a), linker.terms("tag", a.tags, a.lang),
                  linker.terms("author", a.authors, a.lang))
    linker.index.insert(entry)
    linker.affected = set()
    if config.read_also.fill:  # the fills it can enter, as a full link finds them
        linker.fills.rows[entry.url] = sig = signature(entry)
        linker.fills.changed.add(entry.url)
        linker.affected = linker.index.near(entry.url, sig) | {entry.url}
    entry = entry.linked(read_also=read_also(linker, entry))
    events = linker.ahead([(a, True)])
    linker.reporter = Reporter()  # the others' blocks: said before, and only a fill changes
    fresh: dict[str, Entry] = {}
    for url in sorted(linker.affected - {entry.url}):
        e = prev.entries[linker.index.rows[url][4].article.source]  # type: ignore[attr-defined]
        block = read_also(linker, e)
        if block != e.read_also:
            fresh[e.article.source] = replace(e, read_also=block, translations=())
    if prev.readers is not None:
        reread(prev.readers, prev.entries, {**fresh, a.source: entry}, config)
    olds, swap = retranslated(prev.entries, fresh)
    prev.entries[a.source] = entry
    prev.articles[a.source] = a
    if prev.keys is not None and a.translation_key:
        prev.keys.add(a.translation_key.casefold())
    tz = config.tz
    languages = tuple(swapped(ls, swap, [e for e in olds if e.lang == ls.lang.code], tz)
                      for ls in site.languages)
    languages = tuple(inserted(ls, entry, tz) if ls.lang.code == a.lang else ls
                      for ls in languages)
    events += [a.date, a.date + timedelta(days=config.news_sitemap.days)]
    upcoming = [site.next_embargo] if site.next_embargo is not None else []
    if a.expiry is not None:
        events.append(a.expiry)
        upcoming += [a.expiry] if a.expiry > now else []
    before = [e for e in (site.valid_from, *events) if e is not None and e <= now]
    after = [e for e in (site.valid_until, *events) if e is not None and e > now]
    terms = frozenset((t.kind, a.lang, t.slug) for t in (*entry.tags, *entry.authors))
    return replace(site, now=now, languages=languages,
                   next_embargo=min(upcoming) if upcoming else None,
                   valid_from=max(before) if before else None,
                   valid_until=min(after) if after else None), terms


def _addable(prev: Linked, a: Article) -> Placed | None:
    """A new article placed, when adding it changes only its own lists and the read-also
    fills it can enter: the last link had no error; it is valid, published, in no
    translation (its key, from its path, is no other's); in a section that language has
    already, written as that section's title; its terms written as the site names them
    (and, for a term written two ways, newer than every article of its language: the
    warnings name the first use); and nothing else has its path, URL or slug, nor names
    its URL."""
    linker, site = prev.linker, prev.site
    config = site.config
    if any(d.severity is Severity.ERROR for d in prev.diagnostics) or not a.valid or (
            (a.draft and not linker.drafts) or linker.expired(a)
            or (a.date > linker.now and not linker.future)):
        return None
    if a.translation_key:  # (every article has one, from its path: shared by no other)
        if prev.keys is None:
            prev.keys = {b.translation_key.casefold() for b in prev.articles.values()
                         if b.translation_key}
        if a.line_of("translation_key") or a.translation_key.casefold() in prev.keys:
            return None
    ls = next((ls for ls in site.languages if ls.lang.code == a.lang), None)
    if ls is None or not ls.entries:
        return None
    newest = a.date > ls.entries[0].article.date
    slug = section_slug(a.section)
    if config.sections is not None:
        named = linker.section_names.get(slug)
        slug = named[1].slug if named is not None else ""
    items = ls.by_section.get(slug)
    if not items or (config.sections is None and a.section != items[0].section.title):
        return None
    for kind, names in (("tag", a.tags), ("author", a.authors)):
        slugs = [slug_or_fallback(name, seed=f"{kind}:{name}") for name in names]
        if len(set(slugs)) != len(slugs) or any(
                (term := linker._terms.get((kind, a.lang, s))) is not None and (
                    term.name != n or (not newest and (kind, a.lang, s) in linker.respelt))
                for s, n in zip(slugs, names, strict=True)):
            return None  # (a term written two ways names its first use in the warning)
    section = items[0].section
    url = linker.url_for(a, section)
    path = url if url.endswith(".html") else url + "index.html"
    stem = article_stem(a.content_path)
    if ((a.lang, a.slug) in linker.by_slug or a.content_path in linker.by_content
            or (stem is not None and stem in linker.by_content)
            or any(p.path == path for p in linker.by_content.values())):
        return None
    if prev.readers is None:
        prev.readers = readers(prev.entries.values(), config)
    if url in prev.readers:  # a read-also block names it by its full URL
        return None
    return Placed(a, section, url, path, True)
