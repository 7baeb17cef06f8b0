"""Pagination of a list (a section, a tag, an author, an archive month): which articles
each page holds (`blocks`), and what its template gets to link the others (`pagination`).

Two ways to number the pages (`pagination:` in newsgen.yaml):

- `newest` (the default): page 1 is the list's first page and holds the `per_page`
  newest articles, `page/2/` the next ones, … A publish moves one article onto every
  page, so every page of the list changes.
- `stable`: the numbered pages hold fixed blocks counted from the oldest article:
  `page/1/` the `per_page` oldest, `page/2/` the next ones, … and the list's first page
  holds the rest, the newest: `per_page` to `2 × per_page − 1` of them (all, when the
  list has fewer than `2 × per_page`). A publish changes the first page only; every
  `per_page`-th one moves a block off it onto a new numbered page. On the first page,
  `number` is one above the newest numbered page's (reading order: 1, 2, …, first).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from newsgen.stages.kinds import Page


@dataclass(frozen=True)
class Block:
    """One page of a list: its number, the list's page count, and the slice of the
    newest-first list it holds."""

    number: int
    total: int
    start: int
    stop: int
    numbered: bool  # at page/<number>/; False: the list's first page


def blocks(length: int, per_page: int, *, stable: bool = False) -> list[Block]:
    """The pages of a newest-first list of `length` articles, the first page first.
    An empty list still has its first page."""
    if not stable:
        total = max(1, -(-length // per_page))
        return [Block(n, total, (n - 1) * per_page, min(length, n * per_page), n > 1)
                for n in range(1, total + 1)]
    numbered = max(0, length // per_page - 1)
    total = numbered + 1
    first = Block(total, total, 0, length - numbered * per_page, False)
    return [first, *(Block(n, total, length - n * per_page, length - (n - 1) * per_page, True)
                     for n in range(1, numbered + 1))]


@dataclass(frozen=True)
class Touched:
    """What a change of a list does to its pages, each named by its address: 0 for the
    list's first page, n for …/page/<n>/."""

    changed: frozenset[int]  # pages of the new list that differ from the old one's at
    # their address, or are new there
    gone: frozenset[int]  # numbered pages of the old list that the new one lacks


def touched(length: int, per_page: int, *, removed: Collection[int] = (),
            added: Collection[int] = (), edited: Collection[int] = (),
            stable: bool = False, counted: bool = False) -> Touched:
    """The pages of a newest-first list of `length` articles that a change makes again,
    by arithmetic on ranks (0 the newest), without the list: the articles at the old
    ranks `removed` taken out, new ones put at the ranks `added` of the new list, and
    those at the ranks `edited` of the new list shown differently in place (an article
    whose date changes is taken out and put back, not edited). A page changes when it
    holds other articles, or one edited, or knows other pages otherwise (its number, the
    page count, its newer neighbour); the list's first page also whenever anything
    changed. `counted`: a tag's or an author's list, whose pages print the list's
    length (`term.count`): with `newest` pages a change of length makes them all again
    (a numbered `stable` page prints none). Exact but for the first page:
    `tests/test_paging_touched.py` holds it to the pages `plan` makes of lists changed
    at random. A list that loses its last article loses its first page too: the
    caller's to see. ValueError for ranks that are repeated or out of the lists.

    With `newest` pages an article added or removed shifts every page from its own on
    (and one page more, or one fewer, renumbers them all); with `stable` ones only the
    pages from its block to the newest: for a publish, the first page alone, or, when it
    fills a block, the first, a new numbered page and the one below it, whose newer
    neighbour that new page now is."""
    grown = length - len(removed) + len(added)
    for ranks, size in ((removed, length), (added, grown), (edited, grown)):
        if len(set(ranks)) != len(ranks) or any(not 0 <= r < size for r in ranks):
            raise ValueError(f"ranks {sorted(ranks)} are not distinct ranks of a list of "
                             f"{size}")
    old, new = blocks(length, per_page, stable=stable), blocks(grown, per_page, stable=stable)
    old_at = {_address(b): b for b in old}
    gone = frozenset(old_at.keys() - {_address(b) for b in new})
    if not stable and (old[0].total != new[0].total or counted and grown != length):
        # a page count, or the list's length, of its own on every page
        return Touched(frozenset(_address(b) for b in new), gone)

    def index(rank: int, size: int) -> int:  # stable blocks count from the oldest article
        return size - 1 - rank if stable else rank

    moved = _moved(length, [index(r, length) for r in removed],
                   [index(r, grown) for r in added])
    moved += [(i, i + 1) for i in (index(r, grown) for r in edited)]
    if grown < length:  # positions the old list had past the new one's end: the page at
        moved.append((grown, length))  # that end (the last, or stable's first) lost them
    end = new[-1] if not stable else new[0]
    changed: set[int] = {0} if removed or added or edited else set()
    for b in new:
        lo, hi = (b.start, b.stop) if not stable else (grown - b.stop, grown - b.start)
        if b is end:
            hi = max(hi, length)
        if any(a < hi and lo < z for a, z in moved):
            changed.add(_address(b))
        before = old_at.get(_address(b))
        if before is None or _place(before, stable) != _place(b, stable):
            changed.add(_address(b))
    return Touched(frozenset(changed), gone)


def _address(b: Block) -> int:
    return b.number if b.numbered else 0


def _place(b: Block, stable: bool) -> tuple[int, ...]:
    """What a page knows of the others (as `Page.place` holds it)."""
    if not stable:
        return (b.number, b.total)
    return (b.number, b.number + 1, b.number + 1 == b.total) if b.numbered else (b.number,)


def _moved(length: int, removed: list[int], added: list[int]) -> list[tuple[int, int]]:
    """The ranges of positions of the new list (in the order both lists are counted in)
    whose article is not the one the old list had there: `removed` (old positions) taken
    out of a list of `length`, then articles put at the new positions `added`."""
    out: list[tuple[int, int]] = []
    gone, put = sorted(removed), sorted(added)  # (distinct: `touched` checks them)
    # The new list as runs of the old one's positions between the changes: a run at the
    # new position `at` from the old position `start` is moved when the two differ.
    start = at = 0
    g = p = 0
    while start < length or p < len(put):
        if p < len(put) and put[p] == at:  # an article put here
            out.append((at, at + 1))
            at += 1
            p += 1
            continue
        if g < len(gone) and gone[g] == start:  # an article taken out here
            start += 1
            g += 1
            continue
        if start >= length:  # (ranks past the end: refused by `touched`)
            break
        stop = length if g >= len(gone) else gone[g]  # the run, until the next change
        run = stop - start
        if p < len(put):
            run = min(run, put[p] - at)
        if at != start:
            out.append((at, at + run))
        at += run
        start += run
    return out


@dataclass(frozen=True)
class Pagination:
    """What list templates get as `pagination`."""

    number: int  # newest: 1 on the first page; stable: N on page/N/, one above the newest
    # numbered page's on the first page
    total: int  # newest: the pages of the list; stable: the highest number in `pages`
    prev_url: str | None  # newer articles
    next_url: str | None  # older articles
    pages: Sequence[tuple[int, str]]  # (number, url); stable: see `pagination` below
    stable: bool = False  # `pagination: stable`
    first: bool = True  # the list's first page (/<section>/, not …/page/<n>/)


class PageLinks(Sequence[tuple[int, str]]):
    """`Pagination.pages`: (number, URL) of pages 1 to `reach`, each made when a template
    reads it. The built-in theme never does, and a list of a thousand pages would make
    a million URLs for its pages otherwise. Equal to the tuple it stands for."""

    __slots__ = ("_reach", "_url")

    def __init__(self, reach: int, url_of: Callable[[int], str]) -> None:
        self._reach, self._url = reach, url_of

    def __len__(self) -> int:
        return self._reach

    @overload
    def __getitem__(self, i: int) -> tuple[int, str]: ...

    @overload
    def __getitem__(self, i: slice) -> tuple[tuple[int, str], ...]: ...

    def __getitem__(self, i: int | slice) -> tuple[int, str] | tuple[tuple[int, str], ...]:
        if isinstance(i, slice):
            return tuple(self[j] for j in range(*i.indices(self._reach)))
        n = i + self._reach if i < 0 else i
        if not 0 <= n < self._reach:
            raise IndexError(i)
        return (n + 1, self._url(n + 1))

    def __iter__(self) -> Iterator[tuple[int, str]]:
        return ((n, self._url(n)) for n in range(1, self._reach + 1))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return repr(tuple(self))


def pagination(page: Page, href: Callable[[str], str]) -> Pagination:
    """The pagination view of a list page. It is made only of what `Page.place` holds,
    so what the template gets is what the page's fingerprint covers.

    In stable mode a numbered page knows the pages up to its newer neighbour, never how
    many there are (that would change every numbered page whenever a block is added):
    `pages` runs from 1 to `total` = `number + 1`, the newer neighbour, which is the list's
    first page when this is the newest numbered page. The first page knows them all."""
    reach = page.reach
    # The first page's number, when this page knows it (0: a stable page that does not).
    first = 1 if not page.stable else (
        reach if not page.numbered or page.newer_is_first else 0)

    def url_of(n: int) -> str:
        return href(page.list_url if n == first else f"{page.list_url}page/{n}/")

    number = page.number
    if page.stable:
        prev_url = url_of(number + 1) if page.numbered else None
    else:
        prev_url = url_of(number - 1) if number > 1 else None
    older = number - 1 if page.stable else number + 1
    has_older = number > 1 if page.stable else number < reach
    return Pagination(
        number=number,
        total=reach,
        prev_url=prev_url,
        next_url=url_of(older) if has_older else None,
        pages=PageLinks(reach, url_of),
        stable=page.stable,
        first=not page.numbered,
    )
