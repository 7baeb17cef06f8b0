"""Where in a Markdown body something is: the line of a link, of indentation or
nesting deeper than Markdown can read (for messages on their line)."""

from __future__ import annotations

import bisect
import html
import re

# Indented 400 columns or more (a tab to the next fourth, as Markdown reads it: a level
# of a list is one tab, or " \t"; quotes cost Markdown nothing). A candidate has at least
# 100 characters of indentation.
_DEEP = re.compile(r"^[ \t]{100,}(?=\S)", re.M)
TOO_DEEP = ("this line is indented hundreds of levels deep, more than Markdown can read: "
            "flatten it")


def too_deep(text: str) -> int | None:
    """The line (from 0) of the first line indented past any article's needs:
    Python-Markdown's time grows steeply with the depth (minutes at 3,000 levels). Lines
    inside a closed code fence are code, kept as they are: Markdown never nests them."""
    fences: list[tuple[int, int]] | None = None
    # as Markdown reads it: it drops these before it looks for fences (no newline among them)
    text = text.replace("\x02", "").replace("\x03", "")
    for found in _DEEP.finditer(text):
        if len(found[0].expandtabs(4)) >= 400:
            if fences is None:
                fences = _fences(text)
            at = bisect.bisect_right(fences, (found.start(), len(text))) - 1
            if at >= 0 and found.start() < fences[at][1]:
                continue
            return text.count("\n", 0, found.start())
    return None


# The elements Python-Markdown reads as a block of raw HTML when a line starts with one
# (block_level_elements, without the void ones: `<hr>` closes itself)
_BLOCKS = frozenset({"address", "article", "aside", "blockquote", "body", "canvas",
    "center", "colgroup", "dd", "details", "div", "dl", "dt", "fieldset", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
    "html", "iframe", "legend", "li", "main", "map", "math", "menu", "nav", "noscript",
    "object", "ol", "option", "output", "p", "pre", "progress", "script", "section",
    "style", "summary", "table", "tbody", "td", "textarea", "tfoot", "th", "thead", "tr",
    "ul", "video"})
_BLOCK_START = re.compile(r"^ {0,3}<([A-Za-z][A-Za-z0-9]*)(?=[\s/>])", re.M)
_MORE = re.compile(r"\n[ \t]*\n\s*\S")  # a blank line, and text after it
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)(?=[\s/>])[^>]*?(/?)>")
_ANY_TAG = re.compile(r"<[A-Za-z]")
UNCLOSED_HTML = ("<{tag}> opened on this line is never closed: Markdown reads the rest of "
                 "the body as raw HTML, so its headings, lists, links and emphasis are shown "
                 "as typed; close it with </{tag}>")


def unclosed_html(text: str) -> tuple[int, str] | None:
    """The line (from 0) and the name of the first element of raw HTML that starts a line
    and is never closed: Markdown takes everything after it for the element's HTML (as it
    reads a block: to the end tag that closes it, counting the same element within).
    Code fences, code spans, comments (`<?php`…) and what scripts and styles hold are no
    tags to it; a body whose fences are not all of the plain form (or one never closed)
    is not judged, rather than judged wrong.
    Each element's tags are matched once, in one pass (a body of 20,000 unclosed `<p>`
    took 42 s when each looked for its end to the end of the body)."""
    if not _ANY_TAG.search(text):  # (most bodies: masking only ever blanks what it hides)
        return None
    masked = text
    if _FENCE_LIKE.search(text):
        fences = _fences(text)
        if not fences or len(_FENCE.findall(text)) != 2 * len(fences):
            return None
        for begin, end in fences:
            masked = masked[:begin] + _blank_text(masked[begin:end]) + masked[end:]
    for hidden in (_CODE_SPAN, _COMMENT, _SCRIPT):  # what Markdown's HTML parser reads
        masked = hidden.sub(lambda m: _blank_text(m[0]), masked)  # as no tags
    closes: dict[int, int] = {}  # an element's start tag -> the end of the tag closing it
    opened: dict[str, list[int]] = {}
    for mark in _TAG.finditer(masked):
        tag = mark[2].lower()
        if tag in _BLOCKS and mark[3]:  # `<div/>`: closed as it opens
            closes[mark.start()] = mark.end()
        elif tag in _BLOCKS and not mark[1]:
            opened.setdefault(tag, []).append(mark.start())
        elif tag in _BLOCKS and opened.get(tag):
            closes[opened[tag].pop()] = mark.end()
    done = 0  # where the last raw block ended
    for found in _BLOCK_START.finditer(masked):
        if found.start() < done or found[1].lower() not in _BLOCKS:
            continue
        start = found.start() + found[0].index("<")
        if start in closes:
            done = closes[start]
        elif _MORE.search(masked, found.end()):  # (with Markdown after it)
            return text.count("\n", 0, found.start()), found[1].lower()
    return None


# A comment (or a processing instruction, CDATA), to its end; one that starts a line and
# is never closed takes the rest of the body
_COMMENT = re.compile(r"<!--.*?-->|<\?.*?\?>|<!\[CDATA\[.*?\]\]>|^ {0,3}(?:<!--|<\?|<!\[CDATA\[).*",
                      re.M | re.S)
# What a script or a style holds, which HTML does not read for tags
_SCRIPT = re.compile(r"(?<=<script)\b[^>]*>.*?(?=</script\s*>)"
                     r"|(?<=<style)\b[^>]*>.*?(?=</style\s*>)", re.I | re.S)


def _blank_text(text: str) -> str:
    """`text` as spaces, its line breaks kept (every offset stays where it was)."""
    return re.sub(r"[^\n]", " ", text)


# Control characters that would reach the HTML as they are (an HTML parse error, shown as
# boxes or not at all): not tab, newline, form feed, carriage return, nor \x02 and \x03,
# which Markdown drops.
CONTROL = re.compile("[\x00\x01\x04-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def control_characters(text: str) -> list[tuple[int, str]]:
    """Each line (from 0) holding a control character, with a message naming the first."""
    found: dict[int, str] = {}
    line = at = 0
    for match in CONTROL.finditer(text):
        line, at = line + text.count("\n", at, match.start()), match.start()
        found.setdefault(line, f"the character U+{ord(match[0]):04X} (a control character, "
                               "pasted or left by a tool) is not allowed in the text: "
                               "remove it")
    return sorted(found.items())


# A code fence as the fences extension always reads one (it is taken out before Markdown
# reads the rest): at the line's start, ``` or ~~~ (or longer), bare or with a language
# only; closed by a line of the very same mark.
_FENCE = re.compile(r"^(`{3,}|~{3,})[ \t]*(?:\.?[\w#.+-]+)?[ \t]*$", re.M)


# Any line that may open or close a fence, also indented or quoted (`  ````, `> ~~~`)
_FENCE_LIKE = re.compile(r"^[ \t>]*(?:`{3,}|~{3,}).*$", re.M)


def _fences(text: str) -> list[tuple[int, int]]:
    """The closed fences' contents, as (start, end) offsets in `text`, in order; none
    unless every line that may open or close a fence is one of the plain form above (a
    fence read otherwise than Markdown reads it would hide nesting from the check)."""
    if any(_FENCE.fullmatch(m.group(0)) is None for m in _FENCE_LIKE.finditer(text)):
        return []
    out: list[tuple[int, int]] = []
    pos = 0
    while (opener := _FENCE.search(text, pos)) is not None:
        closer = re.compile(rf"^{re.escape(opener[1])}[ \t]*$", re.M)
        end = closer.search(text, opener.end() + 1)
        if end is None:  # never closed: Markdown reads the rest as text
            break
        out.append((opener.end(), end.start()))
        pos = end.end()
    return out


# Links a paragraph opens and never closes: Python-Markdown looks for each one's end
# through the rest of the paragraph, so its time grows with their square (15 s for 5,000
# `[a](b ` in one paragraph, 0.3 s for 1,000). A body whose paragraphs cost together more
# than one of `_UNCLOSED` (about a second) is refused; code spans and the rows of a table
# (each cell is read alone) do not count, nor do code fences.
_UNCLOSED = 2000
_FEW = 100  # a paragraph of fewer costs nothing worth counting
UNCLOSED = ("this paragraph opens {count} links or brackets that it never closes ('[' "
            "without ']', or '](' without ')'): Markdown's time grows with the square of "
            "that (minutes at a few thousand): close them, or write \\[ for a bracket")
# Markdown's own code span (markdown.inlinepatterns.BACKTICK_RE), read before links
_CODE_SPAN = re.compile(r"(?<!\\)(`+)(.+?)(?<!`)\1(?!`)", re.S)
_TABLE_RULE = re.compile(r"^(?=.*\|)[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$",
                         re.M)


def unclosed_links(text: str) -> tuple[int, int, int] | None:
    """(the line from 0 of the paragraph that opens the most links it never closes, how
    many, how many paragraphs open many) when the body's paragraphs open too many (see
    `_UNCLOSED`), or None."""
    if text.count("[") <= _UNCLOSED and text.count("](") <= _UNCLOSED:
        return None  # (most bodies: too few to cost anything)
    pieces, pos = [], 0
    for start, end in _fences(text):  # code: the same lines, no brackets
        pieces += [text[pos:start], "\n" * text.count("\n", start, end)]
        pos = end
    text = "".join([*pieces, text[pos:]])
    cost, worst, line, costly = 0, (0, 0), 0, 0
    for block in re.split(r"(\n[ \t]*\n)", text):
        if block.count("[") >= _FEW or block.count("](") >= _FEW:
            counted = _CODE_SPAN.sub("", block)
            if _TABLE_RULE.search(counted):  # a table: its cells are read one by one
                counted = "\n".join(r for r in counted.split("\n") if "|" not in r)
            depth = deepest = 0
            for found in re.finditer(r"\\.|\[|\]", counted):
                if found[0] == "[":
                    depth += 1
                    deepest = max(deepest, depth)
                elif found[0] == "]":
                    depth = max(depth - 1, 0)
            parens = sum(1 for part in counted.split("](")[1:] if ")" not in part)
            count = max(deepest, parens)
            cost += count * count if count >= _FEW else 0
            costly += count >= _FEW
            if count > worst[1]:  # (its first line with text)
                worst = (line + len(block) - len(block.lstrip("\n")), count)
        line += block.count("\n")
    return (*worst, costly) if cost > _UNCLOSED * _UNCLOSED else None


# A run of what Markdown nests without indentation: emphasis and link marks, quotes, and
# list markers one after another on a line (`- - - x`, `1. 1. x`). Python-Markdown only
# runs out of recursion past hundreds of them: a shorter run is not where it did.
_NESTING = re.compile(r"(?:[-+*][ \t]+|\d{1,9}[.)][ \t]+|>[ \t]*|[*_\[\]])+")
_NESTING_RUN = 200


# List markers and quote marks that open a line, one inside the other (`- 1. - > x`).
_OPENERS = re.compile(
    rf"^[ \t]{{0,3}}(?:(?:[-+*]|\d{{1,9}}[.)])[ \t]+|>[ \t]*){{{_NESTING_RUN},}}", re.M)
_RULE = re.compile(r"[ \t]*([-*_])(?:[ \t]*\1)*[ \t]*")  # a thematic break: `- - -`


def nested_on_one_line(text: str) -> int | None:
    """The line (from 0) of the first line that opens hundreds of lists or quotes one
    inside the other (`- 1. - 1. … x`), or None. No article needs that many; Python-Markdown
    before 3.11.4 runs out of recursion past about 500 of them, later ones nest them all
    (and a browser flattens a page nested past 512): said the same with any of them."""
    for found in _OPENERS.finditer(text):
        end = text.find("\n", found.start())
        if not _RULE.fullmatch(text, found.start(), len(text) if end < 0 else end):
            return text.count("\n", 0, found.start())
    return None


def nesting_line(text: str) -> int:
    """The line (from 0) of the longest run of nesting marks, where Markdown ran out of
    recursion (the first of equal ones: where the nesting opens); 0 when none is long."""
    longest = max(_NESTING.finditer(text), key=lambda m: m.end() - m.start(), default=None)
    if longest is None or longest.end() - longest.start() < _NESTING_RUN:
        return 0
    return text.count("\n", 0, longest.start())


def link_lines_of(lines: list[str], links: list[str]) -> tuple[int, ...]:
    """Each link's line; a target linked again is looked for after its last line first.
    Many links are found through one pass that lists where each target is written
    (`](target)`; then `href="target"`, `<target>`, `[id]: target`; then either with
    Markdown's escapes or HTML's entities, in this order, as `link_line` looks), not one
    pass over the body per link (20,000 links in 20,000 lines: minutes)."""
    tiers = _written(lines) if len(links) > _INDEXED else ()
    last: dict[str, int] = {}
    found = []
    for target in links:
        start = last[target] + 1 if target in last else 0
        line = next((at[i] for begin in ((start, 0) if start else (0,)) for tier in tiers
                     if (at := tier.get(target)) is not None
                     and (i := bisect.bisect_left(at, begin)) < len(at)), None)
        # (written in a form the index does not know: looked for in every line)
        last[target] = line if line is not None else link_line(lines, target, start)
        found.append(last[target])
    return tuple(found)


_INDEXED = 32  # links in a body from which they are found through an index
_LINKED = re.compile(r"\]\(([^)\s]+)[)\s]")  # `](target)`, `](target "title")`
# `<target>` (`<a b.md>` too), `"target"`, `'target'`, `]: target`, `href=target`
_QUOTED = (re.compile(r"<([^<>\n]+)>"), re.compile(r'"([^"\n]+)"'),
           re.compile(r"'([^'\n]+)'"), re.compile(r"\]:[ \t]*(\S+)"),
           re.compile(r"""=[ \t]*([^\s"'=<>`]+)"""))
_CANDIDATES = re.compile(r"[^\s,]+")  # a srcset's URLs: "a.jpg 1x, b.jpg 2x"


def _written(lines: list[str]) -> tuple[dict[str, list[int]], ...]:
    """Where each target is written as a Markdown link, in another form, and in either
    with escapes or entities: the lines of each, in order."""
    tiers: tuple[dict[str, list[int]], ...] = ({}, {}, {})
    for number, text in enumerate(lines):
        seen: tuple[set[str], set[str], set[str]] = (set(_LINKED.findall(text)), set(), set())
        for pattern in _QUOTED:
            for value in pattern.findall(text):
                seen[1].add(value)
                if "," in value or " " in value:
                    seen[1].update(_CANDIDATES.findall(value))
        if "\\" in text or "&" in text:
            plain = html.unescape(_ESCAPED.sub(r"\1", text))
            for pattern in (_LINKED, *_QUOTED):
                seen[2].update(pattern.findall(plain))
        for tier, targets in zip(tiers, seen, strict=True):
            for target in targets:
                tier.setdefault(target, []).append(number)
    return tiers


def link_line(lines: list[str], target: str, start: int = 0) -> int:
    """The line (from 0) where a link target is written; 0 when it cannot be found.

    A target written as a link (`](photo)`, `<photo>`, `"photo"`) wins over the same text
    inside a longer name (`photo.jpg`). From `start` first (the same target linked again).
    """
    patterns = (f"]({target})", f"]({target} ", f"<{target}>", f'"{target}"', f"'{target}'",
                f"]: {target}", target)
    for begin in ((start, 0) if start else (0,)):
        for pattern in patterns:
            for number in range(begin, len(lines)):
                if pattern in lines[number]:
                    return number
    # Written with an escape the target no longer has: `a\_b.md`, `a&amp;b.md`, `c&#95;d`
    for number, text in enumerate(lines):
        if ("\\" in text or "&" in text) and target in html.unescape(_ESCAPED.sub(r"\1", text)):
            return number
    return 0


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # Markdown's backslash escapes
