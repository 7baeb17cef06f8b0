"""Splitting an article file into its front matter and its Markdown body.

The front matter is a YAML mapping between a first line `---` and the next
line `---`; as Hugo sites write it, TOML between `+++` lines, or a JSON object
that starts the file. A UTF-8 byte-order mark and CRLF line endings are
accepted; a `---` later in the body (a Markdown rule) belongs to the body.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from newsgen.errors import SourceError

_DELIMITER = re.compile(r"---[ \t]*\Z")
_TOML_DELIMITER = re.compile(r"\+\+\+[ \t]*\Z")


class SplitError(SourceError):
    """The file is not front matter followed by a body."""


@dataclass(frozen=True)
class Split:
    front: str
    body: str
    front_line: int  # the file line of the first front matter line
    body_line: int  # the file line of the first body line
    format: str = "yaml"  # "yaml", "toml" or "json"


_ENCODING_NAMES = {
    "cp1250": "Windows-1250", "cp1251": "Windows-1251", "cp1252": "Windows-1252",
    "cp1253": "Windows-1253", "cp1254": "Windows-1254", "cp1256": "Windows-1256",
    "latin_1": "ISO-8859-1 (Latin-1)", "iso8859_5": "ISO-8859-5", "iso8859_9": "ISO-8859-9",
    "koi8_r": "KOI8-R", "koi8_u": "KOI8-U", "mac_cyrillic": "Mac Cyrillic", "cp866": "DOS 866",
    "utf_16": "UTF-16", "utf_16_le": "UTF-16", "utf_16_be": "UTF-16", "utf_32": "UTF-32",
}


_CJK = {"Chinese", "Japanese", "Korean"}


# Languages written in Latin letters whose old Windows code page is not Windows-1252.
_LATIN_PAGES = {
    **dict.fromkeys(("Turkish", "Azerbaijani"), "Windows-1254"),
    **dict.fromkeys(("Hungarian", "Polish", "Czech", "Slovak", "Slovene", "Slovenian",
                     "Croatian", "Romanian", "Bosnian", "Albanian"), "Windows-1250"),
    **dict.fromkeys(("Lithuanian", "Latvian", "Estonian"), "Windows-1257"),
    "Vietnamese": "Windows-1258",
}


def _western(data: bytes) -> bool:
    """Text in Windows-1252 (Latin-1): `Café`, `naïve`, `Müller`. Its letters beyond
    ASCII stand one or two at a time among ASCII ones, where a Cyrillic or Greek
    encoding's make whole words (whose bytes would read as Latin letters too)."""
    runs = re.findall(rb"[\x80-\xff]+", data)
    if not runs or b"\x00" in data or max(map(len, runs)) > 2:
        return False
    text = b"".join(runs).decode("cp1252", errors="replace")
    return all(unicodedata.name(ch, "").startswith("LATIN") or ch in "‘’“”–—…€«»°·"
               for ch in text)


# Languages in a script whose single-byte code pages read as Cyrillic words too
_OTHER_SCRIPTS = {"Greek", "Hebrew", "Arabic", "Persian", "Urdu", "Thai", "Armenian",
                  "Georgian", *_CJK}
# The code pages of those scripts: when the detector finds one, no Cyrillic reading of
# the letters (a short Greek title may read as Cyrillic words) stands against it
_OTHER_PAGES = {"cp1253", "iso8859_7", "cp1255", "iso8859_8", "cp1256", "iso8859_6",
                "cp874", "tis_620", "mac_greek", "cp737", "cp869", "cp862", "cp864"}


# The Cyrillic code pages (Python's codec names), and the letters most written in
# Russian, Ukrainian and Bulgarian (о е а и н т с р в л, і): two thirds of a text's letters
_CYRILLIC_PAGES = {"Windows-1251": "cp1251", "KOI8-R": "koi8_r", "DOS 866": "cp866"}
_COMMON = frozenset("оеаинтсрвлі")
_VOWELS = frozenset("аеёиоуыэюяіїє")  # a third of a Cyrillic text's letters; Greek read
# as Cyrillic has few (`Πρωθυπουργός` in Windows-1253 reads `Рсщихрпхсгьт`)


def _cyrillic(data: bytes) -> str | None:
    """The Cyrillic code page of text whose bytes beyond ASCII make whole words (no ASCII
    letter beside them, as in Latin scripts' words) that read as Cyrillic words in it:
    each small letters, capitals, or a capital then small letters (one word at least so),
    a third of their letters vowels and most of them the most written ones. Of the pages
    they read in, the one where most are. A title of two words is too short for
    charset-normalizer, which names Windows-1250 (or a Japanese page) for `Новости дня`;
    Greek, Hebrew or Arabic words read as another page's Cyrillic letters, not as such
    words."""
    if b"\x00" in data:
        return None
    runs = [m.span() for m in re.finditer(rb"[\x80-\xff]+", data)]
    words = [data[a:b] for a, b in runs if not (a and data[a - 1:a].isalpha()) and not (
        b < len(data) and data[b:b + 1].isalpha())]
    if sum(map(len, words)) < 6 or len(words) * 5 < len(runs) * 4:
        return None  # (`Żółć` alone, a Polish word in Windows-1250, reads as a Russian one)
    best: tuple[float, str] | None = None
    for name, codec in _CYRILLIC_PAGES.items():
        read = [w.decode(codec, "replace") for w in words]
        if sum(_cyrillic_word(w) for w in read) < 0.9 * len(read) or not any(
                len(w) > 1 and w.istitle() for w in read):  # (no case: Hebrew; capitals
            continue  # alone: Greek ones read as Cyrillic, and cannot tell the pages apart)
        letters = "".join(read).lower()
        share = sum(c in _COMMON for c in letters) / len(letters)
        if share >= 0.3 and sum(c in _VOWELS for c in letters) >= 0.25 * len(letters):
            best = max(best or (share, name), (share, name))
    return best[1] if best else None


def _cyrillic_word(word: str) -> bool:
    return all("\u0400" <= c <= "\u04ff" for c in word) and (
        word.isupper() or word.islower() or word.istitle())


# A Mac code page and the Windows one of the same script
_MAC_PAGES = {"mac_cyrillic": "cp1251", "mac_greek": "cp1253", "mac_latin2": "cp1250",
              "mac_roman": "cp1252", "mac_iceland": "cp1252", "mac_turkish": "cp1254"}


def encoding_problem(data: bytes, exc: UnicodeDecodeError,
                     languages: Iterable[str] = ()) -> tuple[int, str]:
    """The line of the first byte that is not UTF-8, and a message that names the likely
    encoding. The guess (charset-normalizer) only words the hint: nothing is decoded by it.
    Among the encodings it finds plausible, one whose text reads as a language of the site
    (`languages`: their English names, "Russian"; the file's own first) comes first: a
    short Russian title in Windows-1251 reads as well in Windows-1250 (as Romanian) to it.
    """
    languages = list(languages)
    line = data.count(b"\n", 0, exc.start) + 1
    bad = data[exc.start:exc.start + 1].hex()
    message = f"not UTF-8 text (byte 0x{bad} on this line)"
    hint = "save the file as UTF-8"
    if _western(data[:65536]):  # the file's language names the Windows code page
        page = _LATIN_PAGES.get(languages[0] if languages else "", "Windows-1252 (Latin-1)")
        return line, f"{message}; it looks like {page}: save it as UTF-8"
    try:
        from charset_normalizer import from_bytes

        found = [m for m in from_bytes(data[:65536])
                 if m.encoding not in ("utf_8", "ascii") and m.chaos < 0.3]
        wanted = set(languages)
        best = next((m for m in found if m.language in wanted), found[0] if found else None)
        if not (best is not None and best.encoding in _OTHER_PAGES) and not (
                wanted & _OTHER_SCRIPTS) and (cyrillic := _cyrillic(data[:65536])):
            return line, f"{message}; it looks like {cyrillic}: save it as UTF-8"
        if wanted and best is not None and best.language in _CJK and not wanted & _CJK:
            best = None  # a few bytes read as Chinese on a site that has none: no guess
        if best is not None and best.encoding in _MAC_PAGES:  # rare now: the Windows code
            # page of the same script, when it reads too, is far likelier (Windows-1251)
            best = next((m for m in found if m.encoding == _MAC_PAGES[best.encoding]), best)
    except Exception:  # noqa: BLE001 - a hint is never worth a failure
        best = None
    if best is not None:
        name = _ENCODING_NAMES.get(best.encoding, best.encoding.replace("_", "-").upper())
        hint = f"it looks like {name}: save it as UTF-8"
    return line, f"{message}; {hint}"


_SIGNATURES = {b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image",
               b"GIF8": "a GIF image", b"%PDF": "a PDF document", b"PK\x03\x04":
               "a ZIP archive (a Word or OpenDocument file?)", b"RIFF": "a WebP image"}


def not_text(data: bytes) -> str | None:
    """What a file named like an article is when it is no text: an image or a document
    saved under a `.md` name, or UTF-16 text without its byte-order mark."""
    kind = next((k for sig, k in _SIGNATURES.items() if data.startswith(sig)), None)
    if kind is not None:
        return f"this is not text but {kind}: an article is Markdown text (rename it)"
    head = data[:512]
    odd, even = head[1::2].count(0), head[0::2].count(0)  # every other byte: UTF-16
    if len(head) >= 4 and max(odd, even) * 4 >= len(head) and not head.startswith((
            b"\xff\xfe", b"\xfe\xff")):  # (with its mark: `encoding_problem` names it)
        return "not UTF-8 text; it looks like UTF-16 without a byte-order mark: save it as UTF-8"
    return None


def decode(data: bytes) -> str:
    """UTF-8 text without BOM and with LF line endings. Raises UnicodeDecodeError."""
    text = data.decode("utf-8-sig")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def split(text: str) -> Split:
    """Split decoded text. Raises SplitError with the line of the problem."""
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
    if _TOML_DELIMITER.match(first):
        return _split_at(text, first_end, _TOML_DELIMITER, "+++", "toml")
    if first.lstrip().startswith("{"):
        return _split_json(text)
    if not _DELIMITER.match(first):
        if first.strip() == "---" or first.lstrip("\ufeff").startswith("---"):
            raise SplitError("the opening '---' must stand alone on the first line", 1)
        lines = text.split("\n")
        blank = 0
        while blank < len(lines) and not lines[blank].strip():
            blank += 1
        if 0 < blank < len(lines) and _DELIMITER.match(lines[blank].rstrip("\r")):
            raise SplitError(f"front matter must start on line 1: remove the empty line"
                             f"{'s' if blank > 1 else ''} above '---' (line {blank + 1})", 1)
        if re.match(r"(title|date|section)[ \t]*:", first):
            raise SplitError("no front matter: add a line '---' above this one, and another "
                             "after the last field", 1)
        raise SplitError(
            "no front matter: an article starts with a '---' line, then YAML "
            "(title, date, section), then another '---' line (or TOML between '+++' "
            "lines, or a JSON object)", 1)
    return _split_at(text, first_end, _DELIMITER, "---", "yaml")


def _split_at(text: str, first_end: int, delimiter: re.Pattern[str], mark: str,
              kind: str) -> Split:
    """Front matter from line 2 to the next `mark` line."""
    if first_end < 0:
        raise SplitError(f"front matter opened on line 1 is never closed with '{mark}'", 1)
    pos = first_end + 1
    line = 2
    while True:
        end = text.find("\n", pos)
        current = text[pos:] if end < 0 else text[pos:end]
        if delimiter.match(current):
            front = text[first_end + 1:pos]
            body = "" if end < 0 else text[end + 1:]
            return Split(front=front, body=body, front_line=2, body_line=line + 1, format=kind)
        if end < 0:
            raise SplitError(f"front matter opened on line 1 is never closed with '{mark}'", 1)
        pos = end + 1
        line += 1


def json_problem(text: str, exc: json.JSONDecodeError) -> tuple[int, str]:
    """The line and words of a JSON mistake: a missing comma is said where it is missing,
    at the end of a value, not where the decoder noticed it (the next line)."""
    before = text[:exc.pos].rstrip()
    at = text.count("\n", 0, len(before)) + 1  # the line of the last thing written
    never_closed = ("the front matter's '{' is never closed: end it with '}' on a line of "
                    "its own, after this one")
    if exc.msg in ("Expecting ',' delimiter", "Expecting property name enclosed in double "
                   "quotes") and re.search(r"\n[ \t]*\n", text[len(before):exc.pos]) and (
            not re.match(r'"[^"\n]*"[ \t]*:', text[exc.pos:])):  # (not another key)
        return at, never_closed  # (a blank line, then the body)
    if exc.msg == "Expecting property name enclosed in double quotes" and before.endswith(
            ",") and text[exc.pos:exc.pos + 1] == "}":
        return at, "a comma after the last value: remove it (JSON allows none before '}')"
    if exc.msg == "Expecting property name enclosed in double quotes":
        return exc.lineno, "a key must be in double quotes in JSON (\"tags\": …)"
    if exc.msg == "Expecting ',' delimiter":
        rest = text[exc.pos:].lstrip()
        if not rest or not re.match(r'["{\[]|-?\d|(?:true|false|null)\b', rest):  # the body
            return at, never_closed
        return at, "a comma is missing after the value that ends this line"
    return exc.lineno, exc.msg


_LONG_NUMBER = re.compile(r"\d{4000,}")


def beyond_limits(text: str, exc: Exception) -> tuple[int, str]:
    """The line and words of what a JSON or TOML parser's own limits stopped (its
    ValueError or RecursionError): a number thousands of digits long, or values nested
    thousands deep (said on the first line)."""
    found = _LONG_NUMBER.search(text)
    if isinstance(exc, ValueError) and found is not None:
        return (text.count("\n", 0, found.start()) + 1,
                f"a number of {len(found[0])} digits is too long to read")
    if isinstance(exc, RecursionError):
        return 1, "values nested too deeply"
    return 1, f"cannot be read ({exc})"


def _split_json(text: str) -> Split:
    """A JSON object at the start of the file (Hugo's JSON front matter), then the body."""
    try:
        _, end = json.JSONDecoder().raw_decode(text, text.index("{"))
    except json.JSONDecodeError as exc:
        line, message = json_problem(text, exc)
        raise SplitError(f"JSON front matter: {message}", line) from None
    except (ValueError, RecursionError) as exc:
        line, message = beyond_limits(text, exc)
        raise SplitError(f"JSON front matter: {message}", line) from None
    rest = text[end:]
    newline = rest.find("\n")
    if rest[: newline if newline >= 0 else len(rest)].strip():
        line = text.count("\n", 0, end) + 1
        raise SplitError("JSON front matter: text follows the closing '}' on its line", line)
    body = "" if newline < 0 else rest[newline + 1:]
    body_line = text.count("\n", 0, end) + 2
    return Split(front=text[:end], body=body, front_line=1, body_line=body_line, format="json")
