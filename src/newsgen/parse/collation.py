"""Alphabetical order in a language: how the menus of derived sections and the tag and
author indexes are sorted.

Unicode's order of code points is no alphabet: it puts every name that starts with
Ä, Ç, Ş or Ý after Z, and Kazakh's Ә after Я. Here a letter with a mark sorts with its
base letter (Ö with O, as German and English dictionaries have it), except in the
languages below whose alphabets make such letters letters of their own, in their place
(Turkmen Ä after E, Ş after S). That is CLDR's collation for these languages at the
first level; a full one (ICU's) would need a compiled dependency for a few index pages.
"""

from __future__ import annotations

import functools
import unicodedata

# Alphabets whose order differs from their letters' bases, lowercase, in order. Russian
# is here for Й, a letter after И, not И with a mark; Ё stays Е with a mark, as
# dictionaries have it.
ALPHABETS = {
    "tk": "a b ç d e ä f g h i j ž k l m n ň o ö p r s ş t u ü w y ý z",
    "tr": "a b c ç d e f g ğ h ı i j k l m n o ö p r s ş t u ü v y z",
    "az": "a b c ç d e ə f g ğ h x ı i j k q l m n o ö p r s ş t u ü v y z",
    "kk": "а ә б в г ғ д е ё ж з и й к қ л м н ң о ө п р с т у ұ ү ф х һ ц ч ш щ ъ ы і ь э "
          "ю я",
    "ru": "а б в г д е ж з и й к л м н о п р с т у ф х ц ч ш щ ъ ы ь э ю я",
    "uk": "а б в г ґ д е є ж з и і ї й к л м н о п р с т у ф х ц ч ш щ ь ю я",
}


@functools.lru_cache(maxsize=16)
def _ranks(code: str) -> dict[str, int]:
    letters = ALPHABETS.get(code.split("-")[0].split("_")[0].lower(), "").split()
    return {letter: i for i, letter in enumerate(letters)}


def sort_key(code: str, text: str) -> tuple[tuple[tuple[int, int], ...], str, str]:
    """A key that sorts `text` alphabetically in the language `code`: by letters first
    (spaces and punctuation before digits before letters; case and marks left aside),
    then by the marks and case, then as written (so the order is always the same)."""
    ranks = _ranks(code)
    folded = unicodedata.normalize("NFC", text).casefold()
    first: list[tuple[int, int]] = []
    for char in folded:
        rank = ranks.get(char)
        if rank is None:
            base = unicodedata.normalize("NFD", char)[0]
            rank = ranks.get(base)
            if rank is None:
                first.append((3 if base.isalpha() else 1 if base.isdigit() else 0, ord(base)))
                continue
        first.append((2, rank))
    return tuple(first), folded, text
