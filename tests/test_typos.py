"""Which name is one letter off a word (newsgen.stages.typos): every single-letter slip
is found, whatever its place in the word; other differences are not called typos."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from newsgen.stages.typos import NearNames

WORDS = st.text(alphabet="abcdeklmnorstuy-0123", min_size=3, max_size=30)
LETTERS = st.sampled_from("abcdeklmnorstuy")


@given(WORDS, st.integers(min_value=0), LETTERS, st.sampled_from(["replace", "add", "drop",
                                                                   "swap"]))
def test_a_one_letter_slip_anywhere_is_found(name: str, at: int, letter: str,
                                             slip: str) -> None:
    i = at % len(name)
    word = {"replace": name[:i] + letter + name[i + 1:],
            "add": name[:i] + letter + name[i:],
            "drop": name[:i] + name[i + 1:],
            "swap": name[:i] + name[i + 1:i + 2] + name[i] + name[i + 2:]}[slip]
    touched = {"replace": name[i] + letter, "add": letter, "drop": name[i],
               "swap": name[i:i + 2]}[slip]
    if word == name or not touched.isalpha() or len(word) < 3:
        return
    assert NearNames([name, "unrelated-name"]).one_letter_off(word) == name


def test_digits_and_bigger_differences_are_not_typos() -> None:
    near = NearNames(["budget-2024", "carpet-museum", "ferry"])
    assert near.one_letter_off("budget-2025") is None  # another year, not a slip
    assert near.one_letter_off("carpet-musuem") == "carpet-museum"  # two letters swapped
    assert near.one_letter_off("carpet-muzeum") == "carpet-museum"
    assert near.one_letter_off("carpet-gallery") is None
    assert near.one_letter_off("ferry") is None  # the name itself is no slip
