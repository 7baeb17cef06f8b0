"""`paging.touched`: the pages a change of a list makes again, by arithmetic on ranks,
held to the pages the plan makes (`plan._paginate`, what `Page.place` and a list page's
term count show) of real lists before and after the change."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsgen.stages.paging import touched
from newsgen.stages.plan import _paginate

Change = tuple[int, int, list[int], list[int], list[int], bool, bool]


def _pages(items: list[Any], per_page: int, stable: bool,
           counted: bool) -> dict[int, tuple[object, ...]]:
    """Each page of a newest-first list by its address (0: the first page), with what
    it shows of the list: its articles, its place and, on a tag's page, the count (as
    `kinds._list` gives it)."""
    config: Any = SimpleNamespace(per_page=per_page,
                                  pagination="stable" if stable else "newest")
    out: dict[int, tuple[object, ...]] = {}
    for page in _paginate(tuple(items), config, "tags/x/", kind="tag", lang="en", origin=""):
        count = 0 if not counted or page.stable and page.numbered else len(items)
        out[page.number if page.numbered else 0] = (page.items, page.place, count)
    return out


@st.composite
def changes(draw: st.DrawFn) -> Change:
    per_page = draw(st.integers(1, 12))
    length = draw(st.integers(0, 60))
    removed = draw(st.lists(st.integers(0, length - 1), max_size=length,
                            unique=True)) if length else []
    count = draw(st.integers(0, 8))
    grown = length - len(removed) + count
    added = draw(st.lists(st.integers(0, grown - 1), min_size=count, max_size=count,
                          unique=True)) if count else []
    edited = draw(st.lists(st.integers(0, grown - 1), max_size=4,
                           unique=True)) if grown else []
    return length, per_page, removed, added, edited, draw(st.booleans()), draw(st.booleans())


def _apply(length: int, removed: list[int], added: list[int],
           edited: list[int]) -> list[object]:
    items: list[object] = [i for i in range(length) if i not in set(removed)]
    for n, rank in enumerate(sorted(added)):
        items.insert(rank, f"new{n}")
    for rank in edited:
        items[rank] = ("edited", items[rank])
    return items


@settings(max_examples=3000, deadline=None)
@given(changes())
def test_the_pages_a_change_touches_are_those_that_differ(change: Change) -> None:
    length, per_page, removed, added, edited, stable, counted = change
    before = _pages(list(range(length)), per_page, stable, counted)
    after = _pages(_apply(length, removed, added, edited), per_page, stable, counted)
    differ = {a for a, shown in after.items() if before.get(a) != shown}
    found = touched(length, per_page, removed=removed, added=added, edited=edited,
                    stable=stable, counted=counted)
    assert differ <= found.changed, "a page that differs would be kept"
    # Exact, but for the first page, which any change makes again.
    assert found.changed - differ <= {0}
    if not (removed or added or edited):
        assert not found.changed
    assert found.gone == set(before) - set(after)


def test_a_publish_with_stable_pages_touches_the_first_page_only() -> None:
    for counted in (False, True):
        found = touched(1000, 10, added=[0], stable=True, counted=counted)
        assert found.changed == {0}
        assert not found.gone


def test_a_publish_that_fills_a_block_adds_one_numbered_page() -> None:
    # 29 articles, 10 a page: pages 1 (oldest 10) and the first page (19). One more
    # makes 30: a second numbered page takes the older ten of the first page's.
    found = touched(29, 10, added=[0], stable=True)
    assert found.changed == {0, 1, 2}  # page 1 no longer has the first page above it
    assert not found.gone


def test_a_publish_with_newest_first_pages_shifts_every_page() -> None:
    assert touched(95, 10, added=[0]).changed == {0, *range(2, 11)}
    assert touched(100, 10, added=[0]).changed == {0, *range(2, 12)}  # one page more
    # the oldest article goes: on a section, its page only; on a tag, whose every page
    # prints the count, all of them
    assert touched(95, 10, removed=[94]).changed == {0, 10}
    assert touched(95, 10, removed=[94], counted=True).changed == {0, *range(2, 11)}


def test_an_edit_in_place_touches_its_page_only() -> None:
    assert touched(100, 10, edited=[57]).changed == {0, 6}
    assert touched(100, 10, edited=[57], stable=True).changed == {0, 5}
    assert touched(100, 10, edited=[57], counted=True).changed == {0, 6}


@pytest.mark.parametrize("change", [
    {"added": [7]},  # past the end of the new list (5 + 1)
    {"removed": [5]},  # past the end of the old one
    {"removed": [1, 1]},
    {"edited": [-1]},
])
def test_ranks_out_of_the_lists_are_refused(change: dict[str, list[int]]) -> None:
    with pytest.raises(ValueError, match="not distinct ranks"):
        touched(5, 2, **change)
