"""A new article, or one moved in its lists, put into the linked site the dev server kept
(newsgen.incremental.relink): its entry goes where a full link puts it, and only the
read-also blocks whose fill it can enter or leave are made again (`grow`); `addable`
says when that is all the change does; a new translation joins the articles it
translates (`siblings`). An article deleted leaves its lists, and its translations, in
the same way (`shrink`, when `removable`)."""


from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from urllib.parse import unquote, urlsplit

from newsgen.errors import Diagnostic, Reporter, Severity
from newsgen.incremental.linked import Linked
from newsgen.incremental.patching import (
    affected_sources,
    inserted,
    read_also,
    readers,
    refilled,
    removed,
    reread,
    retranslated,
    swapped,
)
from newsgen.model.config import Config
from newsgen.model.content import Article, article_stem
from newsgen.model.site import Entry, Site, Term
from newsgen.parse.markup import Body
from newsgen.parse.slugs import section_slug, slug_or_fallback, slugify
from newsgen.stages.references import Placed
from newsgen.stages.related import signature
from newsgen.stages.site_urls import own_path
from newsgen.stages.translations import keyed, lonely_keys


def named(prev: Linked, bodies: Mapping[str, Body]) -> set[str]:
    """What the articles name that a new file could answer (`prev.named`, made when first
    needed): each related item's slug with its article's language (`slug:en:x`; a
    slug is looked up in that language first), path (`path:`) and full URL on this
    site (`url:`), and each body link's last path segment (`link:`), whether it was
    found or not (a warning, or an item past `read_also.limit`)."""
    if prev.named is None:
        prev.named = set()
        for a in prev.articles.values():
            note(prev.named, a, bodies.get(a.source), prev.site.config)
    return prev.named


def note(out: set[str], a: Article, body: Body | None, config: Config) -> None:
    """Add what `a` names to `out` (see `named`)."""
    for item in a.related:
        if item.url is not None:
            out.add(f"url:{own_path(config, item.url)}")
        elif item.ref:
            out.add(f"path:{posixpath.normpath(item.ref.strip('/') or '.')}")
            out.add(f"slug:{a.lang}:{slugify(item.ref)}")
    for link in body.links if body is not None else ():  # (`x/` finds x.md as `x` does)
        out.add(f"link:{posixpath.basename(posixpath.normpath(unquote(urlsplit(link).path)))}")


def grow(prev: Linked, articles: list[Article], bodies: Mapping[str, Body], now: datetime,
         check: Reporter) -> tuple[Site, frozenset[tuple[str, str, str]]] | None:
    """The previous site with one new published article in its place, or with one
    published article moved in its lists (a new date, section, tags, authors, related
    items, image) at the same URL; None when that is not all that changed, or when it
    changes more than its own lists and the read-also fills it can enter or leave (see
    `addable`). Diagnostics of the patched site go to `check`. Also returns the terms
    (kind, language, slug) whose pages count it."""
    added = [a for a in articles if a.source not in prev.articles]
    if not added and len(articles) == len(prev.articles) - 1:  # one file deleted
        left = prev.articles.keys() - {a.source for a in articles}
        if len(left) != 1 or any(prev.articles.get(a.source) is not a for a in articles):
            return None
        return shrink(prev, left.pop(), bodies, now, check)
    if len(articles) != len(prev.articles) + len(added) or len(added) > 1:
        return None
    changed = added or [a for a in articles if prev.articles.get(a.source) is not a]
    if len(changed) != 1 or (added and any(
            prev.articles.get(a.source) is not a for a in articles if a is not added[0])):
        return None
    a = changed[0]
    old = None if added else prev.entries.get(a.source)
    if old is None and not added:  # (it was not published)
        return None
    linker, site = prev.linker, prev.site
    linker.now = now
    placed = addable(prev, a, old)
    own: list[Diagnostic] = []  # its warnings of a key no other article has
    joins = [] if placed is None else siblings(prev, a, "join" if old is None else "move",
                                               own)
    if placed is None or joins is None or (old is None and is_named(prev, bodies, a, placed)):
        return None  # (an article names it: found now, or another one)
    config = site.config
    check.extend([d for d in prev.diagnostics if d.path != a.source])  # its own: again
    check.extend(own)
    linker.reporter = check
    for kind, names in (("tag", a.tags), ("author", a.authors)):
        for name in names:  # (a new term is named as this article writes it)
            slug = slug_or_fallback(name, seed=f"{kind}:{name}")
            linker._terms.setdefault((kind, a.lang, slug), Term(kind, name, slug))
    for key in (a.content_path, article_stem(a.content_path)):
        if key is not None and (old is None or linker.by_content.get(key, placed).article
                                is old.article):
            linker.by_content[key] = placed
    linker.by_slug[(a.lang, a.slug)] = [placed] if old is None else [
        placed if p.article is old.article else p for p in linker.by_slug[(a.lang, a.slug)]]
    linker._by_url = None  # (made again from by_content when a related URL needs it)
    body = bodies[a.source]
    entry = linker.entry(placed, body, linker.by_content)
    if old is not None:
        linker.index.remove(old.url)
    linker.index.insert(entry)
    linker.affected = set()
    if config.read_also.fill:  # the fills it can enter or leave, as a full link finds them
        linker.fills.rows[entry.url] = sig = signature(entry)
        linker.fills.changed.add(entry.url)
        linker.affected = linker.index.near(entry.url, sig) | {entry.url}
        if old is not None:
            linker.affected |= linker.index.near(old.url, signature(old))
    entry = entry.linked(read_also=read_also(linker, entry))
    events = linker.ahead([(a, True)])
    linker.reporter = Reporter()  # the others' blocks: said before, and only a fill changes
    if prev.readers is None:
        prev.readers = readers(prev.entries.values(), config)
    again = affected_sources(linker)
    if old is not None and old.article.title != a.title:  # the blocks that show its title
        again |= prev.readers.get(entry.url, set())
    fresh = refilled(linker, prev.entries, again - {a.source})
    reread(prev.readers, prev.entries, {**fresh, a.source: entry}, config)
    olds, swap = retranslated(prev.entries, fresh)
    if old is not None and swap.pop(id(old), None) is not None:  # a translation's block
        olds[:] = [e for e in olds if e is not old]  # made again named it: its lists
        # take the new entry below
    if joins:  # (a moved one's: the same, with its new entry)
        entry = _regrouped(prev.entries, [*(prev.entries[s] for s in joins), entry], olds,
                           swap, config, joins)[a.source]
    prev.entries[a.source] = entry
    prev.articles[a.source] = a
    if prev.named is not None:
        note(prev.named, a, body, config)
    if prev.keys is not None and a.translation_key:
        prev.keys.add(a.translation_key.casefold())
    tz = config.tz
    languages = tuple(inserted(removed(ls, old, tz) if old is not None else ls, entry, tz)
                      if ls.lang.code == a.lang else ls
                      for ls in swapped(site.languages, swap, olds, tz))
    events += [a.date, a.date + timedelta(days=config.news_sitemap.days)]
    upcoming = [site.next_embargo] if site.next_embargo is not None else []
    if a.expiry is not None:
        events.append(a.expiry)
        upcoming += [a.expiry] if a.expiry > now else []
    # Moved, its old moments stay: the site may be made again sooner than it must be.
    before = [e for e in (site.valid_from, *events) if e is not None and e <= now]
    after = [e for e in (site.valid_until, *events) if e is not None and e > now]
    terms = frozenset((t.kind, a.lang, t.slug) for e in (entry, old) if e is not None
                      for t in (*e.tags, *e.authors))
    return replace(site, now=now, languages=languages,
                   next_embargo=min(upcoming) if upcoming else None,
                   valid_from=max(before) if before else None,
                   valid_until=min(after) if after else None), terms


def is_named(prev: Linked, bodies: Mapping[str, Body], a: Article, placed: Placed) -> bool:
    """Whether an article names `a` (placed at `placed`), a new article or one deleted
    (`named`): by its path, full URL or file; or by its slug, in its language, or in
    another that has no article of that slug (whose item then finds another language's
    articles: its warning names their languages)."""
    names = named(prev, bodies)
    by_slug = prev.linker.by_slug
    return not names.isdisjoint(_answers(a, placed)) or any(
        f"slug:{code}:{a.slug}" in names and (code == a.lang or not by_slug.get((code, a.slug)))
        for code in {lang.code for lang in prev.site.config.languages} | {a.lang})


def _answers(a: Article, placed: Placed) -> set[str]:
    """What a new article answers to among what `named` keeps, but its slug."""
    stem = article_stem(a.content_path)
    return {f"path:{a.content_path}", f"path:{stem}", f"url:{placed.url}",
            f"link:{posixpath.basename(a.content_path)}",
            f"link:{posixpath.basename(stem or a.content_path)}"}


def siblings(prev: Linked, a: Article, change: str = "join",
             own: list[Diagnostic] | None = None) -> list[str] | None:
    """The sources of the published articles that a new article `a` is a translation of
    (`change` "join"), that the published article of `a`'s file, deleted, was one of
    ("leave"), or that `a`, its file's published article moved in its lists, keeping
    its key and language, is one of ("move"); [] for none. None when that changes more
    than their translations: an article with its key, in any capitals, is not
    published, writes the key another way or is of the language of `a` or of another
    of them; or a warning about a key that no other article shares
    (newsgen.stages.translations.lonely_keys) comes or goes (but a deleted article's
    own): the digit rule reads the articles' dates. `own` takes those warnings that
    are of `a` after the change (a moved article's own, said again)."""
    key = a.translation_key
    if not key:
        return []
    if prev.keys is None:
        prev.keys = {b.translation_key.casefold() for b in prev.articles.values()
                     if b.translation_key}
    folded = key.casefold()
    found = [b for b in prev.articles.values() if b.source != a.source and (
        b.translation_key or "").casefold() == folded] if folded in prev.keys else []
    if not found and not a.line_of("translation_key"):
        return []  # (every article has a key, from its path: one no other has says nothing)
    langs = {a.lang}
    for b in found:
        if b.translation_key != key or b.lang in langs or b.source not in prev.entries:
            return None
        langs.add(b.lang)
    groups = keyed(e.article for e in prev.entries.values())
    before, after = Reporter(), Reporter()
    lonely_keys(before, groups)
    groups[key] = [b for b in groups[key] if b.source != a.source]
    if change != "leave":
        groups[key].append(a)
    lonely_keys(after, groups)
    said = [d for d in before.diagnostics if change != "leave" or d.path != a.source]
    if said != after.diagnostics:
        return None
    if own is not None:
        own.extend(d for d in after.diagnostics if d.path == a.source)
    return [b.source for b in found]


def _regrouped(entries: dict[str, Entry], group: list[Entry], olds: list[Entry],
               swap: dict[int, Entry], config: Config, others: list[str]) -> dict[str, Entry]:
    """The entries of `group` (one story's versions, as they are after a change) each
    with the others as its translations, by source; those of `others` (all but the
    changed article's) are replaced in `entries`, and the entries they replace join
    `olds`, and `swap` by their ids (as `patching.retranslated` makes them). Each
    translation is the other's entry without translations, in the order of the site's
    languages, as a full link makes them (newsgen.stages.site)."""
    order = {lang.code: i for i, lang in enumerate(config.languages)}
    members = sorted(group, key=lambda e: order.get(e.lang, 99))
    bare = [e.linked(translations=()) if e.translations else e for e in members]
    final = {e.article.source: e.linked(translations=tuple(b for b in bare if b is not own))
             for e, own in zip(members, bare, strict=True)}
    replaced = {e.article.source: e for e in olds}
    for source in others:
        old = replaced.get(source)
        if old is None:  # (else the entry it replaces is already in `olds`)
            old = entries[source]
            olds.append(old)
        swap[id(old)] = entries[source] = final[source]
    return final


def addable(prev: Linked, a: Article, old: Entry | None) -> Placed | None:
    """`a` placed, when adding it (or moving it from the entry `old`) changes only its own
    lists and the read-also fills it can enter or leave (and the translations it joins
    or is one of: `siblings`): the last link had no error; it is valid and
    published (`Linker.placed_at`; as `old` was); in a section its language has
    already (and `old`'s section keeps another article), written as that section's
    title; its terms written as the site names them (and, for a term written two ways,
    a new article newer than every one of its language: the warnings name the first
    use); a new article has a path, URL and slug of its own (and no article names it:
    `named`); a moved one keeps its URL, slug, language and `translation_key`, and its
    expiry (or had none)."""
    linker, site = prev.linker, prev.site
    config = site.config
    if any(d.severity is Severity.ERROR for d in prev.diagnostics) or not a.valid:
        return None
    if old is not None:
        was = old.article
        if (a.lang != was.lang or a.slug != was.slug
                or a.translation_key != was.translation_key
                or (was.expiry is not None and was.expiry != a.expiry)):
            return None
    ls = next((ls for ls in site.languages if ls.lang.code == a.lang), None)
    if ls is None or not ls.entries:
        return None
    newest = old is None and a.date > ls.entries[0].article.date
    slug = section_slug(a.section)
    if config.sections is not None:
        configured = linker.section_names.get(slug)
        slug = configured[1].slug if configured is not None else ""
    items = ls.by_section.get(slug)
    if not items or (config.sections is None and a.section != items[0].section.title) or (
            old is not None and old.section.slug != slug and (
                config.sections is None  # (the spellings that name a section are counted)
                or len(ls.by_section[old.section.slug]) < 2)):
        return None
    for kind, names in (("tag", a.tags), ("author", a.authors)):
        slugs = [slug_or_fallback(name, seed=f"{kind}:{name}") for name in names]
        if len(set(slugs)) != len(slugs) or any(
                (term := linker._terms.get((kind, a.lang, s))) is not None and (
                    term.name != n or (not newest and (kind, a.lang, s) in linker.respelt))
                for s, n in zip(slugs, names, strict=True)):
            return None  # (a term written two ways names its first use in the warning)
    if old is not None and any((t.kind, a.lang, t.slug) in linker.respelt
                               for t in (*old.tags, *old.authors)):
        return None
    placed = linker.placed_at(a, items[0].section)
    if not placed.published:
        return None
    if old is not None:
        return placed if placed.url == old.url else None
    stem = article_stem(a.content_path)
    if ((a.lang, a.slug) in linker.by_slug or a.content_path in linker.by_content
            or (stem is not None and stem in linker.by_content)
            or any(p.path == placed.path for p in linker.by_content.values())):
        return None
    return placed


def shrink(prev: Linked, gone: str, bodies: Mapping[str, Body], now: datetime,
           check: Reporter) -> tuple[Site, frozenset[tuple[str, str, str]]] | None:
    """The previous site without the published article of the file `gone`, deleted:
    out of its lists and of the read-also fills it was in or near; None when that is
    not all its going changes (see `removable`, and `siblings` for the translations
    it leaves). Also returns the terms (kind, language, slug) whose pages counted it."""
    old = prev.entries.get(gone)
    if old is None or not removable(prev, old, bodies):
        return None
    group = siblings(prev, old.article, "leave")
    if group is None:
        return None
    a, linker, site = old.article, prev.linker, prev.site
    config = site.config
    linker.now = now
    check.extend([d for d in prev.diagnostics if d.path != gone])  # its own go with it
    placed = linker.by_content[a.content_path]
    for key in (a.content_path, article_stem(a.content_path)):
        if key is not None and linker.by_content.get(key) is placed:
            del linker.by_content[key]
    same_slug = [p for p in linker.by_slug[(a.lang, a.slug)] if p is not placed]
    if same_slug:
        linker.by_slug[(a.lang, a.slug)] = same_slug
    else:
        del linker.by_slug[(a.lang, a.slug)]
    linker._by_url = None  # (made again from by_content when a related URL needs it)
    # Its terms stay named as it wrote them (as every other use writes them): a new
    # article that writes one another way is linked whole (`addable`).
    linker.index.remove(old.url)
    linker.affected = set()
    if config.read_also.fill:  # the fills it was in or near, as a full link finds them
        linker.fills.rows.pop(old.url, None)
        linker.fills.results.pop(old.url, None)
        linker.fills.changed.add(old.url)
        linker.affected = linker.index.near(old.url, signature(old))
    linker.reporter = Reporter()  # the others' blocks: said before, and only a fill changes
    if prev.readers is None:
        prev.readers = readers(prev.entries.values(), config)
    for url in readers([old], config):  # its own block's links
        prev.readers.get(url, set()).discard(gone)
    fresh = refilled(linker, prev.entries, affected_sources(linker))
    reread(prev.readers, prev.entries, fresh, config)
    olds, swap = retranslated(prev.entries, fresh)
    del prev.entries[gone], prev.articles[gone]
    if group:  # its translations, without it
        _regrouped(prev.entries, [prev.entries[s] for s in group], olds, swap, config, group)
    tz = config.tz
    # Its moments stay: the site may be made again sooner than it must be.
    return replace(site, now=now, languages=tuple(
        removed(ls, old, tz) if ls.lang.code == a.lang else ls
        for ls in swapped(site.languages, swap, olds, tz))), (
        frozenset((t.kind, a.lang, t.slug) for t in (*old.tags, *old.authors)))


def removable(prev: Linked, old: Entry, bodies: Mapping[str, Body]) -> bool:
    """Whether deleting the published article of `old` changes only its own lists and
    the read-also fills it was in or near (the translations it leaves are `shrink`'s
    to check, with `siblings`): the last link had no error; it has no expiry (the next
    moment of the site); its section keeps another article of its language (and is written one way
    only, unless the config lists the sections: a spelling is counted); each of its
    terms is written one way; no other file has its path but for the suffix (`x.md`
    and `x.markdown`); no article names it (`named`)."""
    a, linker, site = old.article, prev.linker, prev.site
    config = site.config
    if any(d.severity is Severity.ERROR for d in prev.diagnostics) or a.expiry is not None:
        return False
    ls = next(ls for ls in site.languages if ls.lang.code == a.lang)
    if len(ls.by_section.get(old.section.slug, ())) < 2:
        return False
    if config.sections is None and any(
            b.section != a.section and section_slug(b.section) == old.section.slug
            for b in {b.section: b for b in prev.articles.values()}.values()):
        return False
    if any((t.kind, a.lang, t.slug) in linker.respelt for t in (*old.tags, *old.authors)):
        return False
    stem = article_stem(a.content_path) or a.content_path  # (its path without `.md` names
    if any(b is not a and b.content_path.startswith(stem)  # the first of two such files)
           and article_stem(b.content_path) == stem for b in prev.articles.values()):
        return False
    placed = linker.by_content.get(a.content_path)
    return placed is not None and placed.article is a and not is_named(prev, bodies, a, placed)
