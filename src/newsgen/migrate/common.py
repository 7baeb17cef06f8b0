"""What both importers share: reading an old site's files and front matter, its dates,
warnings counted by kind, and writing newsgen's front matter. Nothing here writes to the
old site; every path in a message is relative to it."""

from __future__ import annotations

import email.utils
import json
import os
import re
import tomllib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any

import yaml

from newsgen.errors import Reporter
from newsgen.parse import datatree, frontmatter, yamltree
from newsgen.parse.dates import parse_moment

_Dumper: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # (PyYAML without libyaml)

UNREADABLE = "whose file or front matter cannot be read (warned)"
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".mkdn")


class ImportRefused(Exception):
    """The import cannot start (a missing source, a destination that is not empty)."""


class DataError(ValueError):
    """A configuration or data file that cannot be read: what is wrong, and its line."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message, self.line = message, line


class ConfigBroken(ImportRefused):
    """The old site's configuration cannot be read: every URL depends on it, so the import
    stops, saying where (`hugo.yaml:2: error: …`)."""

    def __init__(self, rel: str, line: int | None, message: str) -> None:
        super().__init__(f"{rel}: {message}")
        self.rel, self.line, self.message = rel, line, message


@dataclass
class Notes:
    """Warnings for one import, counted by kind for the summary."""

    reporter: Reporter
    kinds: Counter[str] = field(default_factory=Counter)
    _seen: set[tuple[str, int | None, str]] = field(default_factory=set, repr=False)

    def warn(self, rel: str, line: int | None, kind: str, message: str) -> None:
        if (rel, line, message) in self._seen:
            return
        self._seen.add((rel, line, message))
        self.kinds[kind] += 1
        self.reporter.warning(rel, line, message)

    def left(self, rel: str, line: int | None, kind: str, detail: str) -> None:
        """A construct left in place: `<kind> not converted: <detail>`."""
        self.warn(rel, line, kind, f"{kind} not converted: {detail}")


@dataclass
class Source:
    """One Markdown file of the old site: its front matter as plain values, and its body."""

    rel: str  # relative to the old site, POSIX
    front: dict[str, Any]  # keys as written
    lines: dict[str, int]  # key (lowercased) -> its line
    body: str
    body_line: int

    def get(self, *names: str) -> Any:
        """The first of `names` given (case-insensitive, as Hugo reads keys), or None."""
        lowered = {k.lower(): v for k, v in self.front.items()}
        for name in names:
            value = lowered.get(name.lower())
            if value is not None and value != "":
                return value
        return None

    def line(self, *names: str) -> int | None:
        for name in names:
            if name.lower() in self.lines:
                return self.lines[name.lower()]
        return None


def read_source(path: Path, rel: str, notes: Notes, *, required: bool = True,
                blank_first: bool = False) -> Source | None:
    """A Markdown file's front matter and body; None (with a warning) when it cannot be
    read. Without front matter: None, or an empty mapping when not `required`.
    `blank_first`: empty lines before the front matter are skipped, as Hugo does."""
    try:
        text = frontmatter.decode(path.read_bytes())
    except UnicodeDecodeError as exc:
        line, message = frontmatter.encoding_problem(path.read_bytes(), exc)
        notes.warn(rel, line, "unreadable file", f"not imported: {message}")
        return None
    except OSError as exc:
        notes.warn(rel, None, "unreadable file", f"not imported: {exc.strerror}")
        return None
    blank = re.match(r"(?:[ \t]*\n)+", text) if blank_first else None
    try:
        split = frontmatter.split(text[blank.end():] if blank else text)
        if blank:  # (its lines said as the file numbers them)
            skipped = blank[0].count("\n")
            split = replace(split, front_line=split.front_line + skipped,
                            body_line=split.body_line + skipped)
    except frontmatter.SplitError as exc:
        if not required:
            return Source(rel, {}, {}, text, 1)
        notes.warn(rel, exc.line, "no front matter", f"not imported: {exc.message}")
        return None
    problems: list[yamltree.YamlError] = []
    node: yamltree.YNode | None
    try:
        if split.format == "toml":
            node, mended = datatree.parse_hugo_toml(split.front, split.front_line - 1)
            for line in mended:  # (`day = 07`: the post was published)
                notes.warn(rel, line, "front matter problem", "a number with leading zeros, "
                           "which Hugo read and TOML does not: read without them")
        elif split.format == "json":
            node = datatree.parse_json(split.front, 0, problems)
        else:
            node = yamltree.parse(split.front, split.front_line - 1, problems)
    except yamltree.YamlError as exc:
        notes.warn(rel, exc.line, "unreadable front matter", f"not imported: {exc.message}")
        return None
    twice = []
    for problem in problems:
        m = re.match(r"'(.+)' is given twice", problem.message)
        if m is None:
            notes.warn(rel, problem.line, "front matter problem", problem.message)
            continue
        twice.append(m.group(1))
        notes.warn(rel, problem.line, "front matter problem", f"'{m.group(1)}' is given twice: "
                   "the last one is used, as Ruby's YAML reads it")
    if node is None:
        node = yamltree.YMap((), split.front_line)
    if not isinstance(node, yamltree.YMap):
        notes.warn(rel, split.front_line, "unreadable front matter",
                   "not imported: the front matter is not a mapping of keys to values")
        return None
    front = {k.text: plain(v) for k, v in node.items}
    lines = {k.text.lower(): k.line for k, _ in node.items}
    if twice:
        last = yamltree.load_plain(split.front)
        for key in twice:
            if isinstance(last, dict) and key in last:
                front[key] = last[key]
    return Source(rel, front, lines, split.body, split.body_line)


def plain(node: yamltree.YNode) -> Any:
    """Plain values as Ruby's YAML (Jekyll) and Hugo read them: yes/no are booleans too."""
    if isinstance(node, yamltree.YScalar) and node.plain:
        flag = yamltree.as_bool(node)
        if flag is not None and node.tag == yamltree.BOOL_TAG:
            return flag
    if isinstance(node, yamltree.YMap):
        return {k.text: plain(v) for k, v in node.items}
    if isinstance(node, yamltree.YSeq):
        return [plain(v) for v in node.items]
    return yamltree.to_python(node)


def load_data(path: Path) -> Any:
    """A configuration or data file (YAML, TOML or JSON) as plain values; None if empty.
    Raises DataError (with the line of the problem) for a file that cannot be read as its
    kind, OSError when it cannot be read at all."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        line, message = frontmatter.encoding_problem(path.read_bytes(), exc)
        raise DataError(message, line) from None
    suffix = path.suffix.lower()
    if suffix == ".toml":
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            found = re.search(r"at line (\d+)", str(exc))
            message = re.sub(r"\s*\(at line \d+, column \d+\)|\s*\(at end of document\)",
                             "", str(exc))
            if message.startswith("Illegal character '\\n'"):
                message = "a quoted value is never closed on its line: end it with its quote"
            raise DataError(f"invalid TOML: {message}",
                            int(found.group(1)) if found else None) from None
    if suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise DataError(f"invalid JSON: {exc.msg}", exc.lineno) from None
        except RecursionError:
            raise DataError("invalid JSON: nested too deeply", None) from None
    try:
        return yamltree.load_plain(text)
    except (yaml.YAMLError, RecursionError):
        pass
    try:  # read again for the line and an explanation of the problem
        yamltree.parse(text, 0, [])
    except yamltree.YamlError as exc:
        raise DataError(exc.message, exc.line) from None
    raise DataError("invalid YAML", None)


def walk(root: Path) -> Iterator[tuple[Path, str]]:
    """Every file under `root` (a folder's files by name, then its folders by name) and
    its POSIX path relative to `root`; a symbolic link is followed only to a file inside
    the tree, never to a folder."""
    inside = root.resolve()
    for top, folders, names in os.walk(root):  # (a link to a folder is not entered)
        folders.sort()
        for name in sorted(names):
            path = Path(top, name)
            if path.is_file() and not (path.is_symlink() and not path.resolve(
                    ).is_relative_to(inside)):
                yield path, path.relative_to(root).as_posix()


def is_markdown(name: str) -> bool:
    return name.lower().endswith(MARKDOWN_SUFFIXES)


def strip_markdown_suffix(name: str) -> str:
    lower = name.lower()
    for suffix in MARKDOWN_SUFFIXES:
        if lower.endswith(suffix):
            return name[: -len(suffix)]
    return name


# -- dates ---------------------------------------------------------------------------------

_ZONES = {"UTC": 0, "GMT": 0, "UT": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
          "MST": -7, "MDT": -6, "PST": -8, "PDT": -7, "JST": 9, "KST": 9, "CET": 1,
          "CEST": 2, "EET": 2, "EEST": 3, "WET": 0, "WEST": 1, "BST": 1, "IST": 5.5,
          "MSK": 3, "AEST": 10, "AEDT": 11}
_WITH_ZONE = re.compile(r"(\d{4}-\d{1,2}-\d{1,2}[ Tt]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)"
                        r"\s*([A-Za-z]{1,5})\Z")


@dataclass(frozen=True)
class Moment:
    """A source's date: the value to write (keeping its offset, or naive when it had
    none) and the instant, in the old site's zone when it had none."""

    written: datetime | date
    instant: datetime
    time_given: bool


def read_moment(value: Any, tz: tzinfo) -> Moment | None:
    """A date as front matter gives it (text, or a TOML/YAML date), or None."""
    if isinstance(value, datetime):
        instant = value if value.tzinfo else value.replace(tzinfo=tz)
        return Moment(value, instant, True)
    if isinstance(value, date):
        return Moment(value, datetime(value.year, value.month, value.day, tzinfo=tz), False)
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return None
    text = str(value).strip()
    parsed, time_given = parse_moment(text, tz)
    zoned = time_given and _ZONED.search(text) is not None
    if parsed is None and (m := _WITH_ZONE.match(text)) and m.group(2).upper() in _ZONES:
        base, time_given = parse_moment(m.group(1), UTC)
        if base is not None:
            offset = timezone(timedelta(hours=_ZONES[m.group(2).upper()]))
            parsed, zoned = base.replace(tzinfo=offset), True
    if parsed is None and (m := _LENIENT.match(text)):  # "2023-01-29 18:30:22 2023 -0800"
        parsed, time_given = parse_moment(f"{m.group(1)} {m.group(2)}{m.group(3)}", tz)
        zoned = True
    if parsed is None:
        try:
            parsed = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        time_given, zoned = True, parsed.tzinfo is not None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=tz)
    if not time_given:
        return Moment(parsed.date(), parsed, False)
    return Moment(parsed if zoned else parsed.replace(tzinfo=None), parsed, True)


_LENIENT = re.compile(r"(\d{4}-\d{1,2}-\d{1,2})[ T](\d{1,2}:\d{2}(?::\d{2})?)\b.*?"
                      r"([-+]\d{2}:?\d{2})\Z")
_ZONED = re.compile(r"\d:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(Z|z|[-+]\d{1,2}(:?\d{2})?)\Z")


# -- writing -------------------------------------------------------------------------------

def dump_front(fields: dict[str, Any]) -> str:
    """Front matter as newsgen reads it: `---`, YAML in the given order, `---`."""
    text = yaml.dump(fields, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=1000)
    return f"---\n{text}---\n"


def dump_yaml(data: dict[str, Any]) -> str:
    return str(yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                         default_flow_style=False, width=1000))


def text_list(value: Any, *, commas: bool = True) -> list[str]:
    """A list of names from a list, or from one text split at commas; objects with a
    `name` (authors) give their name."""
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("name") or item.get("title")
        if item is None or isinstance(item, dict | list):
            continue
        text = str(item).strip()
        parts = text.split(",") if commas and not isinstance(value, list) else [text]
        for part in parts:
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return out


def scalar_text(value: Any) -> str | None:
    """Text of a scalar value; None for lists, mappings and empty values."""
    if value is None or isinstance(value, dict | list):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value).strip()
    return text or None


# -- what an importer finds ----------------------------------------------------------------

@dataclass
class Post:
    """A post of the old site, placed in the new one (slug and aliases come later)."""

    source: Source
    title: str
    lang: str  # the code as newsgen.yaml writes it
    section: str  # the section's name as the old site gives it
    moment: Moment
    old_url: str | None  # decoded, from the site root (below any base path)
    name: str  # what to make a slug of when the old URL gives none
    new_path: str  # under the new site: "content/news/2020-01-02-visit.md"
    fields: dict[str, Any]  # tags … draft and kept keys, from newsgen.migrate.fields
    group: str | None = None  # posts of one group in several languages are translations
    extra_aliases: list[str] = field(default_factory=list)  # its own aliases, as site paths
    # decided by the importer
    slug: str = ""
    aliases: list[str] = field(default_factory=list)
    translation_key: str | None = None

    @property
    def folder(self) -> str:
        """Its folder under content/."""
        return self.new_path.removeprefix("content/").rpartition("/")[0]


@dataclass
class Plan:
    """What an importer found in the old site, before anything is written."""

    title: str
    description: str
    base_url: str | None
    language: str  # the default language, as newsgen.yaml writes it
    languages: dict[str, dict[str, str]]  # the others: code -> {title, description}
    timezone: str | None
    tz: tzinfo
    default_prefix: bool  # the default language's pages under /<code>/ too
    patterns: list[str]  # newsgen permalinks translated from the old site's, best first
    posts: list[Post]
    section_titles: dict[str, dict[str, str]]  # section slug -> {lang: title}
    copies: list[tuple[Path, str]]  # (file of the old site, path under the new site)
    site_vars: dict[str, Any]  # `site` of Liquid (Jekyll) or the config (Hugo)
    skipped: Counter[str] = field(default_factory=Counter)  # what was left, and how many
    unread: Counter[str] = field(default_factory=Counter)  # posts found, not imported: why
    # the old URL of a page that was not imported, by its path in the old site
    page_url: Callable[[str], str | None] | None = None
    shortcodes: dict[str, str] = field(default_factory=dict)  # Hugo's the site redefines
