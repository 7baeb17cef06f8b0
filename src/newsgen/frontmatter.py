"""Splitting an article file into its YAML front matter and its Markdown body.

The front matter is a YAML mapping between a first line `---` and the next
line `---`. A UTF-8 byte-order mark and CRLF line endings are accepted; a
`---` later in the body (a Markdown rule) belongs to the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsgen.errors import SourceError

_DELIMITER = re.compile(r"---[ \t]*\Z")


class SplitError(SourceError):
    """The file is not front matter followed by a body."""


@dataclass(frozen=True)
class Split:
    front: str
    body: str
    front_line: int  # the file line of the first YAML line
    body_line: int  # the file line of the first body line


_ENCODING_NAMES = {
    "cp1250": "Windows-1250", "cp1251": "Windows-1251", "cp1252": "Windows-1252",
    "cp1253": "Windows-1253", "cp1254": "Windows-1254", "cp1256": "Windows-1256",
    "latin_1": "ISO-8859-1 (Latin-1)", "iso8859_5": "ISO-8859-5", "iso8859_9": "ISO-8859-9",
    "koi8_r": "KOI8-R", "koi8_u": "KOI8-U", "mac_cyrillic": "Mac Cyrillic", "cp866": "DOS 866",
    "utf_16": "UTF-16", "utf_16_le": "UTF-16", "utf_16_be": "UTF-16", "utf_32": "UTF-32",
}


def encoding_problem(data: bytes, exc: UnicodeDecodeError) -> tuple[int, str]:
    """The line of the first byte that is not UTF-8, and a message that names the likely
    encoding. The guess (charset-normalizer) only words the hint: nothing is decoded by it.
    """
    line = data.count(b"\n", 0, exc.start) + 1
    bad = data[exc.start:exc.start + 1].hex()
    message = f"not UTF-8 text (byte 0x{bad} on this line)"
    hint = "save the file as UTF-8"
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:65536]).best()
    except Exception:  # noqa: BLE001 - a hint is never worth a failure
        best = None
    if best is not None and best.encoding not in ("utf_8", "ascii") and best.chaos < 0.3:
        name = _ENCODING_NAMES.get(best.encoding, best.encoding.replace("_", "-").upper())
        hint = f"it looks like {name}: save it as UTF-8"
    return line, f"{message}; {hint}"


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
    if not _DELIMITER.match(first):
        if first.strip() == "---" or first.lstrip("\ufeff").startswith("---"):
            raise SplitError("the opening '---' must stand alone on the first line", 1)
        raise SplitError(
            "no front matter: an article starts with a '---' line, then YAML "
            "(title, date, section), then another '---' line", 1)
    if first_end < 0:
        raise SplitError("front matter opened on line 1 is never closed with '---'", 1)
    pos = first_end + 1
    line = 2
    while True:
        end = text.find("\n", pos)
        current = text[pos:] if end < 0 else text[pos:end]
        if _DELIMITER.match(current):
            front = text[first_end + 1:pos]
            body = "" if end < 0 else text[end + 1:]
            return Split(front=front, body=body, front_line=2, body_line=line + 1)
        if end < 0:
            raise SplitError("front matter opened on line 1 is never closed with '---'", 1)
        pos = end + 1
        line += 1
