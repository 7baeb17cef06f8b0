"""Diagnostics: compiler-style errors and warnings, and the object that owns the exit code.

Every stage of the pipeline reports problems into a :class:`Reporter` instead of
raising, so one run shows all of them. A stage that cannot go on after errors
raises :class:`BuildFailed`; the command line turns that into exit status 1.
"""

from __future__ import annotations

import difflib
import os
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TextIO


class Severity(Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem, tied to a file (relative to the site folder) and maybe a line."""

    path: str
    line: int | None
    severity: Severity = field(compare=False)
    message: str = field(compare=True)

    def format(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.severity.value}: {printable(self.message)}"


def printable(text: str) -> str:
    """Text safe to print on one line: control, private-use and surrogate characters (a
    Markdown placeholder, a stray escape sequence) are shown as escapes, never sent raw."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable() or ch in "\u200c\u200d" or unicodedata.category(ch) == "Zs":
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    return "".join(out)


def quoted(text: str, limit: int = 80) -> str:
    """A value quoted in a message, cut to `limit` characters: a "link" that runs over
    many lines of code would otherwise fill the terminal."""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def count(n: int, word: str) -> str:
    """"1 error", "2 errors", "1,204 articles": a number and its noun, plural as needed."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def closest(word: str, choices: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """The choice nearest to `word`, or None when none is close enough."""
    guess = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return guess[0] if guess else None


def did_you_mean(word: str, choices: Iterable[str], *, prefix: str = "",
                 cutoff: float = 0.6) -> str:
    """"; did you mean 'x'?" for the closest choice, or "" when none is close enough."""
    guess = closest(word, choices, cutoff=cutoff)
    return f"; did you mean '{prefix}{guess}'?" if guess else ""


class SourceError(Exception):
    """A problem in a source text, with the (1-based) line it was found on."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class BuildFailed(Exception):
    """Raised when errors were reported and the build cannot produce output."""


@dataclass
class Reporter:
    """Collects diagnostics for one run; owns the exit status.

    Diagnostics are kept in the order they were reported but duplicates are
    dropped, so a broken template used by a thousand pages is reported once.
    """

    diagnostics: list[Diagnostic] = field(default_factory=list)
    _seen: set[tuple[str, int | None, str, str]] = field(default_factory=set, repr=False)

    def add(self, diagnostic: Diagnostic) -> None:
        key = (diagnostic.path, diagnostic.line, diagnostic.severity.value, diagnostic.message)
        if key in self._seen:
            return
        self._seen.add(key)
        self.diagnostics.append(diagnostic)

    def error(self, path: str, line: int | None, message: str) -> None:
        self.add(Diagnostic(path, line, Severity.ERROR, message))

    def warning(self, path: str, line: int | None, message: str) -> None:
        self.add(Diagnostic(path, line, Severity.WARNING, message))

    def reset(self) -> None:
        """Forget everything reported (a build run again afresh reports its own)."""
        self.diagnostics.clear()
        self._seen.clear()

    def extend(self, diagnostics: list[Diagnostic]) -> None:
        for d in diagnostics:
            self.add(d)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]

    @property
    def failed(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)

    def check(self) -> None:
        """Stop the pipeline if any error has been reported so far."""
        if self.failed:
            raise BuildFailed()

    def sorted(self) -> list[Diagnostic]:
        """Diagnostics grouped by file, then by line, errors and warnings interleaved."""
        return sorted(self.diagnostics, key=lambda d: (d.path, d.line or 0))

    def print(self, stream: TextIO | None = None, *, warnings: bool = True) -> None:
        out = stream if stream is not None else sys.stderr
        for d in self.sorted():
            if d.severity is Severity.WARNING and not warnings:
                continue
            print(d.format(), file=out)


def site_relative(path: Path, site: Path | None) -> str:
    """A path as messages name it: relative to the site folder when it is inside it."""
    if site is not None:
        try:
            return Path(os.path.realpath(path)).relative_to(os.path.realpath(site)).as_posix()
        except ValueError:
            pass
    return str(path)
