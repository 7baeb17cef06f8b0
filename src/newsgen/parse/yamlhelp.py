"""YAML mistakes in newsroom words: what went wrong, on the line where it starts, and the fix.

PyYAML says "mapping values are not allowed in this context" where an editor
wrote `title: Minister: budget will grow`, and "found unexpected end of stream"
on the closing `---` for a quote opened ten lines above. `explain()` looks at the
parser's problem, its marks and the text itself, and says what an editor should
type instead. A mistake it does not recognize keeps the parser's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_KEY_VALUE = re.compile(
    r"(?P<indent>[ \t]*)(?P<key>[^\s:#'\"\-\[\]{}][^:#]*?)[ \t]*:(?:[ \t]+(?P<value>.*))?\Z")
# What YAML reads a value's first character as.
_SPECIAL_START = {
    "@": "reserved", "`": "reserved", "%": "a directive", "*": "an alias", "&": "an anchor",
    "!": "a tag", "{": "a mapping", "[": "a list", "|": "a block of text",
    ">": "a block of text", "?": "a complex key", "]": "the end of a list",
    "}": "the end of a mapping",
}


@dataclass(frozen=True)
class Mark:
    line: int  # from 0, within the YAML text
    column: int


def quoted(value: str) -> str:
    """`value` as a YAML quoted string an editor can paste."""
    value = value.strip()
    if '"' in value and "'" not in value:
        return f"'{value}'"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _line(lines: list[str], n: int) -> str:
    return lines[n] if 0 <= n < len(lines) else ""


def _key_value(text: str) -> tuple[str, str] | None:
    match = _KEY_VALUE.match(text)
    if match is None:
        return None
    return match.group("key").strip(), (match.group("value") or "").rstrip()


# Indentation pasted from a word processor or a web page.
NBSP_INDENT = ("this line is indented with non-breaking spaces (U+00A0): replace them with "
               "ordinary spaces")


def dash_fix(stripped: str) -> str:
    """For a list item written `-energy`."""
    return f"a list item needs a space after the dash: `- {stripped[1:].strip()}`"


def misaligned_items(here: int, there: int) -> str:
    return (f"this list item is indented by {_spaces(here)} and the one above by "
            f"{_spaces(there)}: line up the items of one list")


def _quote_fix(key: str, value: str, why: str) -> str:
    text = value.strip()
    if len(text) > 1 and text[0] in "“„«" and text[-1] in "”“»":  # text to YAML
        value = text[1:-1]
        why += " (curly quotes “…” are text to YAML, not quotes)"
    return f"{key}: {why}: put the {key} in quotes: `{key}: {quoted(value)}`"


def explain(problem: str, context: str | None, at: Mark | None, context_at: Mark | None,
            lines: list[str]) -> tuple[int | None, str]:
    """The line (from 0, within the YAML text) and the message for a parser error."""
    problem = problem or "invalid YAML"
    line = at.line if at is not None else (context_at.line if context_at else None)
    text = _line(lines, line) if line is not None else ""

    # Tabs: YAML indents with spaces only.
    if "tab" in problem or (at is not None and text[at.column:at.column + 1] == "\t") or (
            line is not None and text.startswith("\t") and "cannot start any token" in problem):
        return line, "YAML indents with spaces, not tabs: replace the tab at the start of " \
                     "this line with spaces"

    # A quote opened and never closed: say so on the line where it opens.
    if context == "while scanning a quoted scalar" and context_at is not None:
        opened = _line(lines, context_at.line)
        quote = opened[context_at.column:context_at.column + 1] or '"'
        kv = _key_value(opened)
        fix = f": `{kv[0]}: {quoted(kv[1].strip(quote + ' '))}`" if kv else ""
        if "unknown escape" in problem or "escape" in problem:
            return context_at.line, (
                "a backslash inside double quotes starts an escape sequence: write it "
                "twice (\\\\) or use single quotes")
        field = f"{kv[0]}: " if kv else ""
        return context_at.line, (f"{field}this quote ({quote}) is never closed: end the value "
                                 f"with {quote} on the same line{fix}")

    kv = _key_value(text) if text else None

    # `title: Minister: budget will grow`
    if problem.startswith("mapping values are not allowed"):
        if kv is not None and kv[1] and not text.startswith((" ", "\t")):
            return line, _quote_fix(kv[0], kv[1], "a colon followed by a space inside a value")
        if text.startswith((" ", "\t")) and kv is not None and line is not None:
            return line, _misaligned(lines, line, kv[0])
        return line, "a colon followed by a space inside a value: put the value in quotes"

    # A list opened with `[` (or a mapping with `{`) and never closed.
    if context == "while parsing a flow sequence" and context_at is not None:
        return context_at.line, "this list is never closed: end it with ']' on the same line"
    if context == "while parsing a flow mapping" and context_at is not None:
        return context_at.line, "this mapping is never closed: end it with '}' on the same line"

    # A value that starts with a character YAML reads as syntax.
    if kv is not None and kv[1][:1] in _SPECIAL_START and (
            "cannot start any token" in problem or "expected key" in problem
            or (problem == "found undefined alias" and kv[1][:1] == "*")
            or ("expected node content" in problem and kv[1][:1] in "]}")
            or "alphabetic or numeric" in problem or (context or "").startswith(
                ("while scanning an alias", "while scanning an anchor", "while scanning a tag"))):
        first = kv[1][0]
        return line, _quote_fix(kv[0], kv[1], f"a value that starts with '{first}' is read as "
                                              f"YAML syntax ({_SPECIAL_START[first]})")
    if problem == "found undefined alias":  # `tags: [a, *b]`: an item, not the value
        word = next(iter(re.findall(r"(?:^|(?<=[\s,\[{:]))\*[^\s,\]}]+", text)), "*b")
        return line, ("a word that starts with '*' is read as YAML syntax (an alias of an "
                      f"anchor that is not there): put it in quotes, like \"{word}\"")
    if problem.startswith("exceeded maximum nesting depth"):
        return line, ("lists or mappings nested inside each other deeper than YAML reads: "
                      "flatten them")

    # Text after a closing quote: `"He said "no" today"` or `'It's here'`.
    if problem == "did not find expected key" and kv is not None and kv[1][:1] \
            and kv[1][0] in "'\"":
        inner = kv[1][1:-1] if kv[1][-1:] == kv[1][0] else kv[1][1:]
        if kv[1][0] == "'":
            return line, (f"{kv[0]}: an apostrophe inside single quotes ends the value: "
                          f"use double quotes: `{kv[0]}: {quoted(inner)}`")
        return line, (f"{kv[0]}: a double quote inside double quotes ends the value: "
                      f"use single quotes around it: `{kv[0]}: {quoted(inner)}`")

    # A line that is not `key: value`: the problem shows on the line after it.
    if problem.startswith("could not find expected ':'") and context_at is not None:
        bad = _line(lines, context_at.line)
        stripped = bad.strip()
        above = _line(lines, context_at.line - 1).rstrip()
        if stripped.startswith("-") and not stripped.startswith("- "):
            return context_at.line, dash_fix(stripped)
        if above.endswith(("|", ">", "|-", ">-")):
            return context_at.line, ("the text of a block (`|` or `>`) must be indented "
                                     "under its key")
        word = stripped.split(None, 1)
        if len(word) == 2:
            return context_at.line, (f"'{stripped}' has no colon: write `{word[0]}: {word[1]}`")
        return context_at.line, (f"'{stripped}' is not `key: value`: add a colon after the "
                                 "key, or indent it under the key it belongs to")

    if problem.startswith("block sequence entries are not allowed") and kv is not None:
        return line, _quote_fix(kv[0], kv[1], "a value cannot start with '- '")
    if "expected <block end>" in problem and text.startswith((" ", "\t")):
        return line, "this line is indented differently from the lines around it: line up " \
                     "keys of the same level"
    if line is not None and ("expected key" in problem or "<block end>" in problem
                             or "<document start>" in problem or "'-' indicator" in problem):
        top = next((i for i, raw in enumerate(lines) if raw.strip()), None)
        if "<document start>" in problem and top is not None and lines[top][:1] == " ":
            kv_top = _key_value(lines[top])
            name = f"'{kv_top[0]}'" if kv_top else "the first line"
            return top, f"{name} is indented, but nothing opens above it: start the line " \
                          "without spaces"
        if text.startswith(" "):
            return line, _misaligned(lines, line, kv[0] if kv else None)
    if "unknown escape" in problem or "expected escape" in problem:
        return line, ("a backslash inside double quotes starts an escape sequence: write it "
                      "twice (\\\\) or use single quotes")
    return line, f"invalid YAML: {problem}"


def comment_hint(key: str, raw: str) -> str:
    """For a value YAML read as empty: a `#` after the colon starts a comment."""
    kv = _key_value(raw)
    if kv is not None and kv[1].startswith("#"):
        return (f"; everything after '#' is a comment in YAML: put the {key} in quotes: "
                f"`{key}: {quoted(kv[1])}`")
    return ""


def cut_by_comment(key: str, value: str, raw: str) -> str | None:
    """For a plain value that YAML ended at a ` #` with a word right after it (`title:
    Ferry #2 resumes`, `summary: up 5% #inflation`): the rest of the line is a comment, so
    the value was cut there without a word. A comment written as `# note` is left alone."""
    kv = _key_value(raw)
    if kv is None or kv[0] != key or not kv[1].startswith(value):
        return None
    rest = kv[1][len(value):]
    if re.match(r"[ \t]+#\S", rest) is None:
        return None
    return (f"everything after ' #' is a comment in YAML, so the {key} would be "
            f"'{value}': put the {key} in quotes: `{key}: {quoted(kv[1])}`")


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


def _spaces(n: int) -> str:
    return "1 space" if n == 1 else f"{n} spaces"


def _misaligned(lines: list[str], line: int, key: str | None) -> str:
    """What is wrong with an indented line the parser stopped at, by the line above."""
    text = lines[line]
    above = next((lines[i] for i in range(line - 1, -1, -1) if lines[i].strip()), "")
    here, there = _indent(text), _indent(above)
    if text.lstrip().startswith("-") and above.lstrip().startswith("-") and here != there:
        return misaligned_items(here, there)
    item = above.lstrip()
    first = _key_value(item[2:].lstrip()) if item.startswith("- ") else None
    if key is not None and first is not None:
        # `  - ref: a` above: the item's keys start after the dash
        column = there + 2 + len(item[2:]) - len(item[2:].lstrip())
        if here != column:
            return (f"'{key}' is indented by {_spaces(here)} and '{first[0]}' after the dash "
                    f"above it by {_spaces(column)}: line up the keys of one list item")
    kv_above = _key_value(above)
    if key is not None and kv_above is not None and there > 0 and here != there:
        return (f"'{key}' is indented by {_spaces(here)} and '{kv_above[0]}' above it by "
                f"{_spaces(there)}: line up the keys of one mapping")
    if key is not None:
        return (f"'{key}' is indented, but the line above does not open a list or a "
                "mapping: start the line without spaces")
    return ("this line is indented differently from the lines around it: line up keys of "
            "the same level")

