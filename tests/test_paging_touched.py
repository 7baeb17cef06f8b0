"""`paging.touched`: the pages a change of a list makes again, by arithmetic on ranks,
held to the pages `paging.blocks` makes of real lists before and after the change."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsgen.stages.paging import blocks, touched


def _pages(items: list[object], per_page: int, stable: bool) -> dict[int, tuple[object, ...]]:
    """Each page of a newest-first list by its address (0: the first page), with what
    it shows: its articles, and what it knows of the other pages (as Page.place)."""
    out: dict[int, tuple[object, ...]] = {}
    for b in blocks(len(items), per_page, stable=stable):
        if not stable:
            place: tuple[object, ...] = (b.number, b.total)
        elif b.numbered:
            place = (b.number, b.number + 1, b.number + 1 == b.total)
        else:
            place = (b.number,)
        out[b.number if b.numbered else 0] = (tuple(items[b.start:b.stop]), place)
    return out


@st.composite
def changes(draw: st.DrawFn) -> tuple[int, int, list[int], list[int], list[int], bool]:
    per_page = draw(st.integers(1, 5))
    length = draw(st.integers(0, 40))
    removed = draw(st.lists(st.integers(0, max(0, length - 1)), max_size=min(length, 4),
                            unique=True)) if length else []
    grown_base = length - len(removed)
    count = draw(st.integers(0, 4))
    grown = grown_base + count
    added = draw(st.lists(st.integers(0, max(0, grown - 1)), min_size=count, max_size=count,
                          unique=True)) if grown else []
    edited = draw(st.lists(st.integers(0, max(0, grown - 1)), max_size=3,
                           unique=True)) if grown else []
    return length, per_page, removed, added, edited, draw(st.booleans())


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
def test_the_pages_a_change_touches_are_those_that_differ(
        change: tuple[int, int, list[int], list[int], list[int], bool]) -> None:
    length, per_page, removed, added, edited, stable = change
    before = _pages(list(range(length)), per_page, stable)
    after = _pages(_apply(length, removed, added, edited), per_page, stable)
    differ = {a for a, shown in after.items() if before.get(a) != shown}
    found = touched(length, per_page, removed=removed, added=added, edited=edited,
                    stable=stable)
    assert differ <= found.changed, "a page that differs would be kept"
    # Exact, but for the first page, which any change makes again (a tag's count).
    assert found.changed - differ <= {0}
    if not (removed or added or edited):
        assert not found.changed
    assert found.gone == set(before) - set(after)


def test_a_publish_with_stable_pages_touches_the_first_page_only() -> None:
    found = touched(1000, 10, added=[0], stable=True)
    assert found.changed == {0}
    assert not found.gone


def test_a_publish_that_fills_a_block_adds_one_numbered_page() -> None:
    # 29 articles, 10 a page: pages 1 (oldest 10) and the first page (19). One more
    # makes 30: a second numbered page takes the older ten of the first page's.
    found = touched(29, 10, added=[0], stable=True)
    assert found.changed == {0, 1, 2}  # page 1 no longer has the first page above it
    assert not found.gone


def test_a_publish_with_newest_first_pages_shifts_every_page() -> None:
    found = touched(95, 10, added=[0])
    assert found.changed == {0, *range(2, 11)}
    assert touched(100, 10, added=[0]).changed == {0, *range(2, 12)}  # one page more


def test_an_edit_in_place_touches_its_page_only() -> None:
    assert touched(100, 10, edited=[57]).changed == {0, 6}
    assert touched(100, 10, edited=[57], stable=True).changed == {0, 5}
