"""Alphabetical order in a language: how the menus of derived sections and the tag and
author indexes are sorted.

Unicode's order of code points is no alphabet: it puts every name that starts with
Ä, Ç, Ş or Ý after Z, and Kazakh's Ә after Я. Here a letter with a mark sorts with its
base letter (Ö with O, Ø with O, Æ as AE, as English and German dictionaries have it),
except in the languages below whose alphabets make such letters letters of their own,
in their place (Turkmen Ä after E, Ş after S). That is CLDR's collation for these
languages at the first level; a full one (ICU's) would need a compiled dependency for
a few index pages.
"""

from __future__ import annotations

import functools
import unicodedata

# Alphabets whose order differs from their letters' bases, lowercase, in order, with the
# Latin letters they borrow (Turkmen c, q, v, x) in their Latin places. Russian is here
# for Й, a letter after И, not И with a mark; Ё stays Е with a mark, as dictionaries
# have it.
ALPHABETS = {
    "tk": "a b c ç d e ä f g h i j ž k l m n ň o ö p q r s ş t u ü v w x y ý z",
    "tr": "a b c ç d e f g ğ h ı i j k l m n o ö p q r s ş t u ü v w x y z",
    "az": "a b c ç d e ə f g ğ h x ı i j k q l m n o ö p r s ş t u ü v w y z",
    "kk": "а ә б в г ғ д е ё ж з и й к қ л м н ң о ө п р с т у ұ ү ф х һ ц ч ш щ ъ ы і ь э "
          "ю я",
    "ru": "а б в г д е ж з и й к л м н о п р с т у ф х ц ч ш щ ъ ы ь э ю я",
    "uk": "а б в г ґ д е є ж з и і ї й к л м н о п р с т у ф х ц ч ш щ ь ю я",
}
# Letters that are no letter with a mark, but sort as one or two letters
_AS = {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe",
       "ß": "ss", "þ": "th"}
_DOTTED = ("tr", "az")  # I is ı's capital, İ is i's


class _Weights(dict[int, str]):
    """Each character's weight in one language, made when first met: two characters,
    its class (punctuation and spaces, digits, the language's letters, other letters)
    then its place; str.translate reads them, so a name's key costs one call."""

    def __init__(self, code: str) -> None:
        super().__init__()
        letters = ALPHABETS.get(code, "").split()
        self.ranks = {letter: i for i, letter in enumerate(letters)}

    def __missing__(self, point: int) -> str:
        char = chr(point)
        found = "" if unicodedata.combining(char) else self.weigh(char)  # (a lone mark)
        if found is None:
            base = unicodedata.normalize("NFD", char)[0]
            found = self.weigh(base) or "".join(
                self.weigh(c) or self.other(c) for c in _AS.get(base, base))
        self[point] = found
        return found

    def weigh(self, char: str) -> str | None:
        rank = self.ranks.get(char)
        return None if rank is None else "\x02" + chr(rank + 32)

    @staticmethod
    def other(char: str) -> str:
        return ("\x03" if char.isalpha() else "\x01" if char.isdigit() else "\x00") + char


@functools.lru_cache(maxsize=16)
def _weights(code: str) -> _Weights:
    return _Weights(code)


def sort_key(code: str, text: str) -> tuple[str, str, str]:
    """A key that sorts `text` alphabetically in the language `code`: by letters first
    (spaces and punctuation before digits before letters; case and marks left aside),
    then by the marks and case, then as written (so the order is always the same)."""
    lang = code.split("-")[0].split("_")[0].lower()
    folded = unicodedata.normalize("NFC", text)
    if lang in _DOTTED:
        folded = folded.replace("I", "ı").replace("İ", "i")
    folded = folded.casefold()
    return folded.translate(_weights(lang)), folded, text
