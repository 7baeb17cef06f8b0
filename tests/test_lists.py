"""`model.lists.Head`: a list known in part answers as the tuple it stands for, or
raises `Partial`, and only when the answer needs an item that was not loaded."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsgen.model.lists import Head, Partial

Op = tuple[str, Callable[[Any], Any], Callable[[int, int], bool]]


def _ops(length: int, known: int, draw: st.DrawFn) -> Op:
    """An operation on a list, and whether its answer needs an item past `known`."""
    n = draw(st.integers(-length - 2, length + 2))
    start = draw(st.none() | st.integers(-length - 2, length + 2))
    stop = draw(st.none() | st.integers(-length - 2, length + 2))
    step = draw(st.none() | st.sampled_from([1, 2, 3, -1, -2]))
    other = draw(st.lists(st.integers(0, length + 1), max_size=length + 1))
    x = draw(st.integers(-1, length + 1))

    def index_needs(length: int, known: int) -> bool:
        m = n + length if n < 0 else n
        return 0 <= m < length and m >= known

    def slice_needs(length: int, known: int) -> bool:
        return any(m >= known for m in range(*slice(start, stop, step).indices(length)))

    return draw(st.sampled_from([
        ("len", len, lambda length, known: False),
        ("bool", bool, lambda length, known: False),
        (f"[{n}]", lambda s: s[n], index_needs),
        (f"[{start}:{stop}:{step}]", lambda s: tuple(s[start:stop:step]), slice_needs),
        ("list", list, lambda length, known: known < length),
        ("reversed", lambda s: list(reversed(s)), lambda length, known: known < length),
        (f"{x} in", lambda s: x in s,
         lambda length, known: x not in range(known) and known < length),
        (f"== {other}", lambda s: s == tuple(other),
         lambda length, known: len(other) == length and tuple(other[:known]) == tuple(
             range(known)) and known < length),
    ]))


@st.composite
def cases(draw: st.DrawFn) -> tuple[int, int, Op]:
    length = draw(st.integers(0, 12))
    known = draw(st.integers(0, length))
    return length, known, _ops(length, known, draw)


def _answer(f: Callable[[Any], Any], value: Any) -> Any:
    try:
        return f(value)
    except IndexError:
        return IndexError


@settings(max_examples=3000, deadline=None)
@given(cases())
def test_a_head_answers_as_its_tuple_or_says_it_cannot(case: tuple[int, int, Op]) -> None:
    length, known, (name, f, needs) = case
    whole = tuple(range(length))
    head = Head(length, whole[:known])
    if needs(length, known):
        with pytest.raises(Partial):
            f(head)
    else:
        assert _answer(f, head) == _answer(f, whole), name


def test_the_home_page_s_reads_of_a_head() -> None:
    latest = Head(100_000, tuple(range(10)))
    assert latest[:10] == tuple(range(10))  # what the home page shows
    assert len(latest) == 100_000 and latest  # a count, a test for "any"
    with pytest.raises(Partial):
        latest[:11]
    with pytest.raises(Partial):
        sum(1 for _ in latest)


def test_more_items_than_the_length_are_refused() -> None:
    with pytest.raises(ValueError, match="3 items loaded of a list of 2"):
        Head(2, (1, 2, 3))
