"""Where code is in Markdown text (code fences and code spans, which the importer never
changes) and how a converted block sits among the lines around it."""

from __future__ import annotations

import re
from collections.abc import Iterator

_FENCE_OPEN = re.compile(r"[ \t]*(`{3,}|~{3,})(.*)")
_FENCE_CLOSE = re.compile(r"[ \t]*(`{3,}|~{3,})[ \t]*\n?\Z")
_TICKS = re.compile(r"`+")
_BLANK = re.compile(r"\n[ \t]*\n")


def split_code(body: str) -> Iterator[tuple[bool, int, str]]:
    """(is code, offset, text) for each run of prose and each code fence. A fence that is
    never closed runs to the end of the text, as CommonMark reads it (Hugo's goldmark,
    Jekyll's GFM input): it is given with a closing line added, so that newsgen, which
    needs one, reads it as code too, and the joined texts are the body with that line."""
    lines = body.splitlines(keepends=True)
    offset = 0
    prose_start, prose = 0, list[str]()
    i = 0
    while i < len(lines):
        m = _FENCE_OPEN.match(lines[i])
        close = None
        if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
            mark = m.group(1)
            for j in range(i + 1, len(lines)):
                c = _FENCE_CLOSE.match(lines[j])
                if c and c.group(1)[0] == mark[0] and len(c.group(1)) >= len(mark):
                    close = j
                    break
            else:  # never closed: code to the end
                if prose:
                    yield False, prose_start, "".join(prose)
                rest = "".join(lines[i:])
                yield True, offset, rest + ("" if rest.endswith("\n") else "\n") + mark + "\n"
                return
        if close is None:
            if not prose:
                prose_start = offset
            prose.append(lines[i])
            offset += len(lines[i])
            i += 1
            continue
        if prose:
            yield False, prose_start, "".join(prose)
            prose = []
        code = "".join(lines[i:close + 1])
        yield True, offset, code
        offset += len(code)
        i = close + 1
    if prose:
        yield False, prose_start, "".join(prose)


def mask_code_spans(text: str) -> str:
    """`text` with every code span blanked out (same length), so nothing in it matches."""
    out: list[str] = []
    pos = 0
    while (m := _TICKS.search(text, pos)) is not None:
        if m.start() > 0 and text[m.start() - 1] == "\\":
            out.append(text[pos:m.end()])
            pos = m.end()
            continue
        blank = _BLANK.search(text, m.end())
        limit = blank.start() if blank else len(text)
        close = next((c for c in _TICKS.finditer(text, m.end(), limit)
                      if len(c.group(0)) == len(m.group(0))), None)
        if close is None:
            out.append(text[pos:m.end()])
            pos = m.end()
            continue
        out.append(text[pos:m.start()])
        out.append("\x00" * (close.end() - m.start()))
        pos = close.end()
    out.append(text[pos:])
    return "".join(out)


def literal(text: str) -> str:
    """Text Jekyll showed as written (inside `{% raw %}`): outside code, its braces become
    character references, so readers see `{{ x }}` and nothing takes it for Liquid."""
    out = []
    for code, _, chunk in split_code(text):
        if code or ("{{" not in chunk and "{%" not in chunk):
            out.append(chunk)
            continue
        masked = mask_code_spans(chunk)
        pieces, pos = [], 0
        for m in re.finditer(r"\{(?=[{%])", masked):
            pieces.append(chunk[pos:m.start()] + "&#123;")
            pos = m.end()
        out.append("".join(pieces) + chunk[pos:])
    return "".join(out)


def as_block(text: str, start: int, end: int, block: str) -> str:
    """`block` set off by blank lines, indented like the line it starts on."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    line_end = text.find("\n", end)
    after = text[end:] if line_end < 0 else text[end:line_end]
    if before.strip() or after.strip():
        return "\n\n" + block + "\n\n"
    indent = before
    body = block.replace("\n", "\n" + indent)
    prev_end = line_start - 1
    prev_line = text[text.rfind("\n", 0, prev_end) + 1:prev_end] if prev_end > 0 else ""
    if prev_line.strip():
        body = "\n" + indent + body
    if line_end >= 0:
        next_end = text.find("\n", line_end + 1)
        next_line = text[line_end + 1:] if next_end < 0 else text[line_end + 1:next_end]
        if next_line.strip():
            body += "\n"
    return body
