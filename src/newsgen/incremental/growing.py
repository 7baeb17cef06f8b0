"""A new article, or one moved in its lists, put into the linked site the dev server kept
(newsgen.incremental.relink): its entry goes where a full link puts it, and only the
read-also blocks whose fill it can enter or leave are made again (`grow`); `addable`
says when that is all the change does."""


from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from newsgen.errors import Reporter, Severity
from newsgen.incremental.linked import Linked
from newsgen.incremental.patching import (
    inserted,
    read_also,
    readers,
    reread,
    retranslated,
    swapped,
)
from newsgen.model.content import Article, article_stem
from newsgen.model.site import Entry, Site, Term
from newsgen.parse.markup import Body
from newsgen.parse.slugs import section_slug, slug_or_fallback
from newsgen.stages.references import Placed
from newsgen.stages.related import signature


def grow(prev: Linked, articles: list[Article], bodies: Mapping[str, Body], now: datetime,
         check: Reporter) -> tuple[Site, frozenset[tuple[str, str, str]]] | None:
    """The previous site with one new published article in its place; None when that is
    not all that changed, or when it changes more than its own lists and the read-also
    fills it can enter (see `addable`). Diagnostics of the patched site go to `check`."""
    added = [a for a in articles if a.source not in prev.articles]
    if (len(added) != 1 or len(articles) != len(prev.articles) + 1
            or any(prev.articles.get(a.source) is not a for a in articles if a is not added[0])):
        return None
    a = added[0]
    linker, site = prev.linker, prev.site
    linker.now = now
    placed = addable(prev, a)
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


def addable(prev: Linked, a: Article) -> Placed | None:
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
