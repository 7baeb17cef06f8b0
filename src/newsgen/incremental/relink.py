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

A new file whose article is published (a new story), or one published article whose
shape changed but not its URL (a new date, new tags), is put in its place in the same
way (newsgen.incremental.growing): its entry goes into its lists where a full link
puts it, and only the read-also blocks whose fill it can enter or leave are made
again; `addable` there says when that is all it changes (a new translation joins its
siblings, a deleted one leaves them: `siblings`). An article deleted leaves
its lists and the fills it was in or near the same way (`shrink`, when `removable`).
A few of these at once (a `git pull` under the server) are patched one after the
other, each step a site a full link would make of the files so far (`_steps`).

Anything else (an article made invalid, a new URL, a change of the
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
from dataclasses import replace
from datetime import datetime

from newsgen.errors import Reporter
from newsgen.incremental.growing import grow, note
from newsgen.incremental.linked import Linked, shape
from newsgen.incremental.patching import (
    place,
    read_also,
    readers,
    reread,
    retranslated,
    swapped,
)
from newsgen.model.config import Config
from newsgen.model.content import Article, Asset
from newsgen.model.site import Entry, Site
from newsgen.parse.markup import Body
from newsgen.stages.related import Fills, signature
from newsgen.stages.site import Linker


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
        if patched is None and previous.basis[:5] == basis[:5] and (
                previous.basis[6:] == basis[6:]):  # articles added, moved or deleted
            grown = _grown(previous, articles, bodies, now, check)
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


# The most articles added, moved or deleted at once that are patched one after the other
# (a `git pull` under the server); more are linked whole.
MOST_AT_ONCE = 10


def _grown(prev: Linked, articles: list[Article], bodies: Mapping[str, Body], now: datetime,
           check: Reporter) -> tuple[Site, frozenset[tuple[str, str, str]]] | None:
    """`grow` (or `shrink`) for each article added, moved or deleted, one at a time; None
    when one of them is not patched (`prev` is then to be linked whole). Diagnostics of
    the site patched at last go to `check`; the terms returned are those of each step."""
    steps = _steps(prev, articles)
    if steps is None:
        return None
    terms: frozenset[tuple[str, str, str]] = frozenset()
    for i, step in enumerate(steps):
        said = check if i == len(steps) - 1 else Reporter()
        grown = grow(prev, step, bodies, now, said)
        if grown is None:
            return None
        prev.site, terms = grown[0], terms | grown[1]
        prev.diagnostics = said.diagnostics
    return prev.site, terms


def _steps(prev: Linked, articles: list[Article]) -> list[list[Article]] | None:
    """The articles after each step of a change made one article at a time: deleted
    ones first (a file renamed keeps its slug), then those changed, then new ones,
    oldest first (a new term's spelling is its first use's); None for no change or
    more than MOST_AT_ONCE."""
    final = {a.source: a for a in articles}
    changes = [s for s in final.keys() | prev.articles.keys()
               if final.get(s) is not prev.articles.get(s)]
    if not changes or len(changes) > MOST_AT_ONCE:
        return None
    if len(changes) == 1:
        return [articles]
    changes.sort(key=lambda s: (0, 0.0, s) if s not in final else (1, 0.0, s)
                 if s in prev.articles else (2, final[s].date.timestamp(), s))
    current = dict(prev.articles)
    steps = []
    for source in changes:
        if source in final:
            current[source] = final[source]
        else:
            del current[source]
        steps.append(list(current.values()))
    return steps


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
        if prev.named is not None:  # (its body's links may be new)
            note(prev.named, a, body, prev.site.config)
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
    return replace(prev.site, now=now, languages=swapped(prev.site.languages, swap, olds,
                                                         tz)), swap
