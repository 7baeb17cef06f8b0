"""TOML and JSON front matter, read into the same line-keeping tree as YAML.

Hugo sites write front matter as TOML between `+++` lines or as a JSON object.
Both are parsed by the standard library (`tomllib`, `json`) and converted into
`YMap`/`YSeq`/`YScalar` nodes, so one validator checks every format. Neither
parser reports lines, so each key gets the line where it is written (found in
the text after its parent's line); list items share their key's line.

Values keep their meaning: a TOML or JSON string is text (never a boolean or a
number, as a quoted YAML value), a TOML date-time becomes ISO 8601 text.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time
from typing import Any

from newsgen.parse.frontmatter import beyond_limits, json_problem
from newsgen.parse.yamltree import (
    BOOL_TAG,
    FLOAT_TAG,
    INT_TAG,
    MAX_DEPTH,
    NULL_TAG,
    STR_TAG,
    YamlError,
    YMap,
    YNode,
    YScalar,
    YSeq,
    forbidden,
)

TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_TOML_LINE = re.compile(r"at line (\d+)")
_SURROGATE = re.compile("[\ud800-\udfff]")  # JSON's "\\ud83d" alone: no character
_SURROGATE_ESCAPE = re.compile(  # a high half not followed by a low one, or a low one alone
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}")


def parse_toml(text: str, line_offset: int = 0) -> YNode:
    """TOML text (between the `+++` lines) as a tree; raises YamlError with the line."""
    import tomllib  # (here: a site without TOML front matter never pays its import)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = _TOML_LINE.search(str(exc))
        line = int(match.group(1)) + line_offset if match else None
        message = re.sub(r"\s*\(at line \d+, column \d+\)|\s*\(at end of document\)", "",
                         str(exc))
        if message.startswith("Illegal character '\\n'"):
            message = "a quoted value is never closed on its line: end it with its quote"
        elif "(at end of document)" in str(exc):  # on the front matter's last line
            line = text.rstrip("\n").count("\n") + 1 + line_offset
            message = (f"{message}: the front matter ends before its value does (a '[', "
                       "'{' or quote never closed?)")
        elif line is not None:
            message = _toml_hint(text.split("\n")[:line - line_offset], message, line_offset)
        raise YamlError(f"TOML front matter: {message}", line) from None
    except (ValueError, RecursionError) as exc:
        raise _beyond(text, line_offset, "TOML", exc) from None
    return _Builder(text, line_offset, "toml").node(data, 0, 1)


def parse_hugo_toml(text: str, line_offset: int = 0) -> tuple[YNode, list[int]]:
    """`parse_toml`, reading a whole number with leading zeros (`day = 07`) as Hugo's
    TOML reader did before 0.60, and TOML does not: the tree, and the lines mended."""
    lines, mended = text.split("\n"), list[int]()
    while True:  # the lines TOML refuses, one by one (not a line inside a string)
        try:
            return parse_toml("\n".join(lines), line_offset), mended
        except YamlError as exc:
            at = (exc.line or 0) - 1 - line_offset
            again = unzeroed(lines[at]) if 0 <= at < len(lines) else None
            if again is None or again == lines[at] or len(mended) > 99:
                raise
            lines[at] = again
            mended.append(at + 1 + line_offset)


# A TOML line's key (`day`, `params.day`, `"day"`), and each of its values' strings and
# comment, which stay as written, or number with leading zeros (`07`, `-010`, `007.5`;
# not a date's `-07`, a time's `07:30`, a fraction's `.05` nor `0x07`)
_KEY = re.compile(r"""\s*(?:[\w-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[\w-]+|"[^"]*"|'[^']*'))*\s*=""")
_ZEROS = re.compile(r"""("(?:[^"\\]|\\.)*"|'[^']*'|#.*)"""
                    r"|(?<![\w.:+-])([+-]?)0+(\d+(?:\.\d+)?)(?![\w:.-])")


def unzeroed(line: str) -> str:
    """`line` with its numbers' leading zeros taken off (not its key's)."""
    key = _KEY.match(line)
    head, rest = (line[:key.end()], line[key.end():]) if key else ("", line)
    return head + _ZEROS.sub(lambda m: m[1] or f"{m[2]}{m[3]}", rest)


def _beyond(text: str, line_offset: int, kind: str, exc: Exception) -> YamlError:
    line, message = beyond_limits(text, exc)
    return YamlError(f"{kind} front matter: {message}", line + line_offset)


_TOML_HEADER = re.compile(r"\s*\[\[?\s*[A-Za-z0-9_\-\"'. ]+\]\]?\s*(?:#.*)?")
_TOML_PAIR = re.compile(r"\s*([A-Za-z0-9_-]+)\s*=\s*(.*?)\s*$")
_TOML_MOMENT = re.compile(r"\d[\d:.+\-TtZz ]*")
_DATE_KEYS = {"date", "updated", "lastmod", "expirydate", "publishdate", "expiry_date"}


def _toml_hint(lines: list[str], message: str, offset: int) -> str:
    """What to write instead, for the TOML mistakes editors make on a `key = value` line
    (the last of `lines`, the lines up to it)."""
    pair = _TOML_PAIR.fullmatch(lines[-1]) if lines else None
    twice = re.fullmatch(r"Cannot declare \((.*?),?\) twice", message)
    if twice is not None:  # a table: `[image]` twice (said as `('params', 'box')`)
        header = (lines[-1].partition("#")[0].strip()  # (as written, without a comment)
                  if lines and lines[-1].lstrip().startswith("[") else None)
        name = header or "[" + ".".join(
            a or b for a, b in re.findall(r"'([^']*)'|\"([^\"]*)\"", twice[1])) + "]"
        return f"{name} is given twice: keep one of them"
    if pair is None:
        return message
    key, value = pair.groups()
    if message == "Cannot overwrite a value":
        table = max((i for i, text in enumerate(lines[:-1])  # the same table's lines
                     if _TOML_HEADER.fullmatch(text)), default=-1)
        first = next((i + 1 + offset for i, text in enumerate(lines[:-1]) if i > table
                      and (p := _TOML_PAIR.fullmatch(text)) and p[1] == key), None)
        where = f", here and on line {first}" if first else ""
        return f"'{key}' is given twice{where}: keep one of them"
    if key.lower() in _DATE_KEYS and value[:1].isdigit():
        if re.fullmatch(r"\d{4}-\d\d-\d\d[ T]\d\d?:\d\d", value):
            return (f"{key}: TOML wants the seconds too, or quotes: `{key} = "
                    f"{value[:10]}T{value[11:].zfill(5)}:00` or `{key} = \"{value}\"`")
        return (f"{key}: '{value}' is not a date (write 2024-12-18 or "
                "2024-12-18T10:30:00+05:00)")
    if re.fullmatch(r"[+-]?0\d+", value):  # `day = 07`: Hugo's older reader took it
        return (f"{key}: a TOML number has no leading zero: `{key} = {int(value)}`, or "
                f"`{key} = \"{value}\"` for the text")
    if (fixed := unzeroed(lines[-1])) != lines[-1]:  # `days = [07, 08]`, `x = 007.5`
        return f"{key}: a TOML number has no leading zero: `{fixed.strip()}`"
    if value.lower() in ("true", "false", "yes", "no", "on", "off"):
        flag = "true" if value.lower() in ("true", "yes", "on") else "false"
        return f"{key}: TOML writes true and false in lower case: `{key} = {flag}`"
    if value and value[0] not in "\"'[{" and not value[0].isdigit():
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'{key}: text needs quotes in TOML: `{key} = "{escaped}"`'
    return message


def parse_json(text: str, line_offset: int = 0,
               problems: list[YamlError] | None = None) -> YNode:
    """A JSON object as a tree; duplicate keys go to `problems` (the first one is kept)."""
    builder = _Builder(text, line_offset, "json")
    try:
        data = json.loads(text, object_pairs_hook=builder.pairs)
    except json.JSONDecodeError as exc:
        line, message = json_problem(text, exc)
        raise YamlError(f"JSON front matter: {message}", line + line_offset) from None
    except (ValueError, RecursionError) as exc:
        raise _beyond(text, line_offset, "JSON", exc) from None
    node = builder.node(data, 0, 1)
    if problems is not None:
        problems.extend(builder.problems)
    return node


class _Pairs(list[tuple[str, Any]]):
    """A JSON object as written: its keys in order, duplicates included."""


class _Builder:
    def __init__(self, text: str, line_offset: int, kind: str) -> None:
        self.lines = text.split("\n")
        self.offset = line_offset
        self.kind = kind
        self.problems: list[YamlError] = []
        self.cursor = 1  # keys come in the order they are written: search on from here

    def pairs(self, items: list[tuple[str, Any]]) -> _Pairs:
        return _Pairs(items)

    def key_line(self, key: str, after: int) -> int:
        """The line (from 1, within the text) where `key` is written, from line `after` on."""
        escaped = re.escape(key)
        if self.kind == "toml":
            pattern = re.compile(
                rf"\s*(?:\[+\s*)?(?:[\w.\-\"' ]*\.)?([\"']?){escaped}\1\s*(?:=|\]|\.)")
        else:
            pattern = re.compile(rf'.*"{escaped}"\s*:')
        for start in (max(self.cursor, after), after):
            for index in range(max(start - 1, 0), len(self.lines)):
                if pattern.match(self.lines[index]):
                    self.cursor = index + 2
                    return index + 1
        return after

    def node(self, value: Any, depth: int, line: int) -> YNode:
        where = line + self.offset
        if depth > MAX_DEPTH:
            raise YamlError(f"{self.kind.upper()} front matter: values nested more than "
                            f"{MAX_DEPTH} levels deep", where)
        if isinstance(value, dict | _Pairs):
            items: list[tuple[YScalar, YNode]] = []
            seen: dict[str, int] = {}
            for key, child in (value.items() if isinstance(value, dict) else value):
                key_line = self.key_line(str(key), line)
                if _SURROGATE.search(str(key)):
                    raise self.half_character(line)
                if key in seen:
                    self.problems.append(YamlError(
                        f"'{key}' is given twice, here and on line {seen[key]}: keep one of "
                        "them", key_line + self.offset))
                    continue
                seen[key] = key_line + self.offset
                items.append((YScalar(str(key), STR_TAG, False, key_line + self.offset),
                              self.node(child, depth + 1, key_line)))
            return YMap(tuple(items), where)
        if isinstance(value, list):
            return YSeq(tuple(self.node(v, depth + 1, line) for v in value), where)
        if isinstance(value, str) and _SURROGATE.search(value):
            raise self.half_character(line)
        if isinstance(value, str) and (problem := forbidden(value, where)) is not None:
            raise problem
        if isinstance(value, datetime | date | time) and (written := self.written(line, value)):
            return YScalar(written, TIMESTAMP_TAG, True, where)
        return _scalar(value, where)

    def written(self, line: int, value: object) -> str | None:
        """A TOML date or time `value` as line `line` writes it (`key =
        2024-12-18T10:30:00Z`), as YAML keeps it: Python's form (`+00:00`) would stand in a
        title rewritten. Only when that text is the value: the line is found by its key,
        which a text of many lines may hold too (`date = 1999-01-01` in a summary)."""
        pair = _TOML_PAIR.fullmatch(self.lines[line - 1]) if 0 < line <= len(
            self.lines) else None
        text = pair[2].partition("#")[0].strip() if pair else ""
        if not _TOML_MOMENT.fullmatch(text):
            return None
        import tomllib  # (only TOML has dates)

        try:
            found = tomllib.loads(f"v = {text}")["v"]
        except tomllib.TOMLDecodeError:
            return None
        # (equal instants are equal in Python: 15:00+05:00 is 10:00Z; their forms are not)
        return text if found == value and str(found) == str(value) else None

    def half_character(self, after: int) -> YamlError:
        """A lone surrogate (`\\ud83d` without its pair), on the first line from `after`
        that writes one as an escape."""
        found = next((i + 1 for i in range(max(after - 1, 0), len(self.lines))
                      if _SURROGATE_ESCAPE.search(self.lines[i])), after)
        return YamlError(f"{self.kind.upper()} front matter: a \\u escape here is half of "
                         "a character (\\ud800 to \\udfff alone): the text was cut inside "
                         "an emoji or another character; write the whole character",
                         found + self.offset)


def _scalar(value: Any, line: int) -> YScalar:
    if value is None:
        return YScalar("", NULL_TAG, True, line)
    if isinstance(value, bool):
        return YScalar("true" if value else "false", BOOL_TAG, True, line)
    if isinstance(value, int):
        return YScalar(str(value), INT_TAG, True, line)
    if isinstance(value, float):
        return YScalar(repr(value), FLOAT_TAG, True, line)
    if isinstance(value, datetime | date | time):
        return YScalar(value.isoformat(), TIMESTAMP_TAG, True, line)
    return YScalar(str(value), STR_TAG, False, line)
