"""A list known in part: its length and its first items (`Head`), and what reading past
them raises (`Partial`).

A build that reads only the rows a change needs (docs/publish-from-rows.md) gives
`Kind.shows` a language's lists as heads: the home page reads the newest ten and a
tag index the lengths, and they are exact; a page that would read further raises
`Partial`, and the build links the whole site instead. So a partial list never shows
less than the whole one would: it answers as the tuple it stands for, or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar, overload

T = TypeVar("T")


class Partial(Exception):
    """A read of a list past the items that were loaded."""


class Head(Sequence[T]):
    """A list of `length` items of which the first `len(loaded)` are known."""

    __slots__ = ("_length", "_loaded")

    def __init__(self, length: int, loaded: Sequence[T]) -> None:
        if not 0 <= len(loaded) <= length:
            raise ValueError(f"{len(loaded)} items loaded of a list of {length}")
        self._length, self._loaded = length, tuple(loaded)

    @property
    def complete(self) -> bool:
        return len(self._loaded) == self._length

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, i: int) -> T: ...

    @overload
    def __getitem__(self, i: slice) -> tuple[T, ...]: ...

    def __getitem__(self, i: int | slice) -> T | tuple[T, ...]:
        if isinstance(i, slice):
            chosen = range(*i.indices(self._length))
            if chosen and max(chosen[0], chosen[-1]) >= len(self._loaded):
                raise Partial(f"items {chosen[0]}…{chosen[-1]} of {self._length}, "
                              f"{len(self._loaded)} loaded")
            return tuple(self._loaded[n] for n in chosen)
        n = i + self._length if i < 0 else i
        if not 0 <= n < self._length:
            raise IndexError(i)
        if n >= len(self._loaded):
            raise Partial(f"item {n} of {self._length}, {len(self._loaded)} loaded")
        return self._loaded[n]

    def __iter__(self) -> Iterator[T]:
        yield from self._loaded
        if not self.complete:
            raise Partial(f"every item of {self._length}, {len(self._loaded)} loaded")

    def __reversed__(self) -> Iterator[T]:
        if not self.complete:
            raise Partial(f"the last item of {self._length}, {len(self._loaded)} loaded")
        return reversed(self._loaded)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        known = len(self._loaded)
        if len(other) != self._length or tuple(other[:known]) != self._loaded:
            return False  # (said without the rest)
        return tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        more = "" if self.complete else f", … {self._length - len(self._loaded)} more"
        return f"Head({', '.join(map(repr, self._loaded))}{more})"
