"""Python-Markdown made faster without changing what it makes: two of its steps, which
took a third of a body's conversion on news copy, answered the same way for less.

- `fast_brackets`: where a link's `[` closes. The link patterns (`[words](url)`,
  `![alt](src)`, `[words][ref]`) ask `LinkInlineProcessor.getText`. Since Markdown 3.11
  it walks every character of the paragraph in Python, once per pattern and again after
  each link it replaces (each replacement makes a new text): a quarter of a body's
  conversion with a few links a paragraph. (Before 3.11 it walked from the bracket on,
  quadratic when brackets did not close.) Here the brackets' positions are found with
  one regular expression search, shared by every pattern while the text is the same.
- `fixed_patterns`: the inline patterns as a tuple for the step that applies them.

`speed_up` does both, once every extension has registered its patterns.

`tests/test_markdown_speed.py` holds the answers to the library's own for any text, and
bodies to the library's conversion. Only the cost changes, so the bodies converted
before are still right and the converter's key (newsgen.parse.markdown_setup) stays.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import markdown
from markdown.inlinepatterns import LinkInlineProcessor
from markdown.treeprocessors import InlineProcessor

_BRACKETS = re.compile(r"[\[\]]")

GetText = Callable[[str, int], tuple[str, int, bool]]


class _Ends:
    """For the last text asked of: each position just after a `[` -> just after the `]`
    that closes it."""

    def __init__(self) -> None:
        self.data: str | None = None  # (held, so that no other text can take its id)
        self.ends: dict[int, int] = {}

    def of(self, data: str) -> dict[int, int]:
        if data is not self.data:
            ends: dict[int, int] = {}
            opened: list[int] = []
            for found in _BRACKETS.finditer(data):
                at = found.start()
                if data[at] == "[":
                    opened.append(at + 1)
                elif opened:  # (a `]` that closes nothing closes nothing later either)
                    ends[opened.pop()] = at + 1
            self.data, self.ends = data, ends
        return self.ends


def get_text(ends: _Ends, library: GetText) -> GetText:
    """`LinkInlineProcessor.getText` from `ends`: the words between the `[` just before
    `index` and the `]` that closes it, the index past that, and whether it closes.
    Asked anywhere else (no link pattern does), the library answers."""

    def text(data: str, index: int) -> tuple[str, int, bool]:
        if not (0 < index <= len(data) and data[index - 1] == "["):
            return library(data, index)
        end = ends.of(data).get(index)
        if end is None:
            return data[index:], len(data), False
        return data[index:end - 1], end, True

    return text


def speed_up(md: markdown.Markdown) -> None:
    """Both, on `md` as its extensions left it (call it from the last one)."""
    fast_brackets(md)
    fixed_patterns(md)


def fast_brackets(md: markdown.Markdown) -> None:
    """Every link pattern of `md` finds its closing bracket with `get_text`."""
    ends = _Ends()
    for pattern in md.inlinePatterns:
        if isinstance(pattern, LinkInlineProcessor):
            # (an instance's attribute: the library's classes stay as they are)
            setattr(pattern, "getText", get_text(ends, pattern.getText))  # noqa: B010


def fixed_patterns(md: markdown.Markdown) -> None:
    """The inline patterns as a tuple for the step that applies them, once every extension
    has registered its own (call it last). That step looks a pattern up by its index for
    each pattern and piece of text, and the registry sorts itself again at each lookup:
    about 7% of a body's conversion. It asks only `len()` and indexes, which a tuple in
    the same order answers the same. Set only while the step holds the registry itself."""
    inline = md.treeprocessors["inline"]
    if isinstance(inline, InlineProcessor) and id(inline.inlinePatterns) == id(md.inlinePatterns):
        inline.inlinePatterns = tuple(md.inlinePatterns)  # type: ignore[assignment]
