"""Typos among many names: which name of a set is one letter off a word.

difflib's ratio compares a word with every name, and calls `budget-2025` a typo of
`budget-2024`. Here a name is a candidate only when half of it matches the word (a
single edit leaves one half alone), and it is taken only when one letter was replaced,
added, dropped or swapped with its neighbour: digits differ on purpose (years, numbers),
so a name one digit off is asked for apart (`one_digit_off`), where the caller has more
to go on (translations' dates).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable


class NearNames:
    """An index of names for `one_letter_off`; made once, asked many times."""

    def __init__(self, names: Iterable[str]) -> None:
        self.halves: dict[tuple[str, str], set[str]] = defaultdict(set)
        for name in names:
            for length in {len(name) - 1, len(name), len(name) + 1}:
                half = (length - 1) // 2
                if half > 0:
                    self.halves["<", name[:half]].add(name)
                    self.halves[">", name[-half:]].add(name)

    def one_letter_off(self, word: str) -> str | None:
        """The first name (in sorted order) one letter off `word`, or None."""
        half = (len(word) - 1) // 2
        if half <= 0:
            return None
        found = self.halves.get(("<", word[:half]), set()) | self.halves.get(
            (">", word[-half:]), set())
        return next((name for name in sorted(found) if _one_letter_edit(word, name)), None)


    def one_digit_off(self, word: str) -> list[str]:
        """The names (in sorted order) that are `word` with one digit replaced."""
        half = (len(word) - 1) // 2
        if half <= 0:
            return []
        found = self.halves.get(("<", word[:half]), set()) | self.halves.get(
            (">", word[-half:]), set())
        return [name for name in sorted(found) if len(name) == len(word) and len(
            diff := [i for i in range(len(word)) if word[i] != name[i]]) == 1
            and word[diff[0]].isdigit() and name[diff[0]].isdigit()]


def _one_letter_edit(a: str, b: str) -> bool:
    """Whether `b` is `a` with one letter replaced, added, dropped or swapped."""
    if a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return a[diff[0]].isalpha() and b[diff[0]].isalpha()
        return (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
                and a[diff[1]] == b[diff[0]] and a[diff[0]].isalpha() and a[diff[1]].isalpha())
    short, long = (a, b) if len(a) < len(b) else (b, a)
    if len(long) - len(short) != 1:
        return False
    i = next((i for i in range(len(short)) if short[i] != long[i]), len(short))
    return long[i].isalpha() and short[i:] == long[i + 1:]
