"""Planning again after a patch: the dev server's pages, without planning the archive.

A patched site (newsgen.incremental.relink) has the shape of the one it was made
from: the same pages at the same paths, listing the same articles in the same
order. Only the entries of the changed articles (and of those whose read-also
block or translations show them) are new objects. So the previous plan stays,
and a page is made again only when it lists or shows one of the swapped entries;
only those pages are fingerprinted again, the others keep their fingerprints.

The index from an entry to the pages listing it is made at the first patch
after a full plan (it costs about what planning does), then kept.

What a page shows besides its entries is the same while the site's shape is (its
language, place and templates), except what `Kind.shows` reads from the language's
lists rather than from the page's own items: the home page (its items are every
entry of its language, so it is always made again) and the counts of the term and
archive indexes (a patch never changes a count). Anything that changes a page's
fingerprint for another reason (a template, the configuration, an image, the
labels) makes `Fingerprints` differ from the plan's, and every page is fingerprinted
again (`Planned.fresh`).

A patch that adds an article (or deletes one) moves the pages of its lists, so the
site is planned again; `regrown` then keeps the fingerprints of the pages that cannot
differ.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from newsgen.errors import Diagnostic
from newsgen.incremental.linkcheck import Kept
from newsgen.model.site import Entry
from newsgen.stages.kinds import KINDS, Page

if TYPE_CHECKING:
    from newsgen.incremental.linked import Linked


@dataclass
class Planned:
    """The last plan of the dev server, and the fingerprints made for it."""

    shape: object  # newsgen.incremental.linked.Linked.shape of the site it was made for
    generation: int  # ... and its Linked.generation
    pages: list[Page]
    # what checking the plan reported (the same paths say the same again)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    basis: object = None  # what every page's fingerprint shares (Fingerprints.basis)
    prints: dict[str, str] = field(default_factory=dict)  # page path -> fingerprint
    holders: dict[int, list[int]] | None = None  # id of an entry -> pages showing it
    # Pages made again since their fingerprints were (a build can fail in between)
    stale: set[int] = field(default_factory=set)
    paths: frozenset[str] | None = None  # of every page (a patch keeps them)
    kept: Kept = field(default_factory=Kept)  # the published paths and the link checks

    def fresh(self, basis: object) -> bool:
        """The plan's fingerprints were made with `basis`, for every page."""
        return bool(self.prints) and self.basis == basis


def _holders(pages: list[Page]) -> dict[int, list[int]]:
    """The pages listing or showing each entry, by the entry's id (the entries are alive
    as long as the pages hold them)."""
    out: dict[int, list[int]] = {}
    get = out.get
    for i, page in enumerate(pages):
        ids = list(map(id, page.items))
        if page.entry is not None:
            ids.append(id(page.entry))
        for key in ids:
            found = get(key)
            if found is None:
                out[key] = [i]
            else:
                found.append(i)
    return out


def replan(planned: Planned, swap: Mapping[int, Entry]) -> None:
    """Bring `planned.pages` up to date with the new entries `swap` (by the id of the
    entry each replaces), in place; the pages it changes join `planned.stale`."""
    if planned.holders is None:
        planned.holders = _holders(planned.pages)
    holders = planned.holders
    touched = {i for old in swap for i in holders.get(old, ())}
    pages = planned.pages
    for i in sorted(touched):
        page = pages[i]
        entry = swap.get(id(page.entry), page.entry) if page.entry is not None else None
        items = tuple(swap.get(id(e), e) for e in page.items)
        pages[i] = replace(page, entry=entry, items=items)
    for old, new in swap.items():  # the old entries go with the pages that held them
        held = holders.pop(old, None)
        if held is not None:
            holders[id(new)] = held
    planned.stale |= touched


def regrown(planned: Planned | None, linked: Linked, pages: list[Page],
            diagnostics: list[Diagnostic]) -> Planned:
    """The plan `pages` of `linked`, made whole. After a patch that added (or deleted) an
    article of the site `planned` was made for (newsgen.incremental.relink), its pages keep their
    fingerprints except those whose place, entries or language-wide facts may differ:
    a page at a new path, one showing other entries or at another place (a list's
    pages move by one), a page that reads its language's lists (`Kind.language_wide`),
    a page of a term the article has (it counts the term's articles), and those that
    list every page (a sitemap). Only these are fingerprinted again; a page gone takes
    its fingerprint with it."""
    fresh = Planned(linked.shape, linked.generation, pages, diagnostics)
    if (planned is None or linked.grew_from is None or planned.shape is not linked.grew_from
            or planned.generation != linked.generation - 1 or not planned.prints
            or planned.basis is None):
        return fresh
    before = {p.path: p for p in planned.pages}
    again = {planned.pages[i].path for i in planned.stale}
    terms = linked.grown or frozenset()
    paths = {p.path for p in pages}
    prints = planned.prints
    if len(before.keys() & paths) != len(before):  # pages gone (a deleted article's, a
        # list's last, a redirect whose path a new page takes on a disk that folds case):
        # their prints leave the record
        prints = {path: print_ for path, print_ in prints.items() if path in paths}
    for i, page in enumerate(pages):
        old = before.get(page.path)
        if old is not None and page.kind == "article" == old.kind and page.path not in again:
            if old.entry is not page.entry:  # (an article page's place is its path)
                fresh.stale.add(i)
            continue
        kind = KINDS[page.kind]
        if (old is None or page.path in again or kind.whole_site or kind.language_wide
                or old.kind != page.kind or old.place != page.place
                or old.entry is not page.entry or len(old.items) != len(page.items)
                or not all(map(operator.is_, old.items, page.items))
                or (page.term is not None
                    and (page.term.kind, page.lang, page.term.slug) in terms)):
            fresh.stale.add(i)
    basis = planned.basis
    assert isinstance(basis, tuple)  # noqa: S101 - Fingerprints.basis, shape last
    fresh.basis, fresh.prints = (*basis[:-1], linked.shape), prints
    return fresh
