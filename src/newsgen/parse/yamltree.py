"""YAML loaded safely into a small tree that remembers line numbers.

newsgen never lets PyYAML build Python objects directly. It composes the YAML
(with the C parser when available) into nodes and converts them here, which
gives three things the plain loader does not:

* every key and item keeps its line, so an error can say `file:line`;
* YAML 1.1 auto-typing cannot surprise: a field that wants a string takes the
  text as written (`title: no` is the string "no", `time: 10:00` is "10:00");
* aliases are expanded under a budget, so an alias bomb is an error, not a
  hang; duplicate keys are errors, and merge keys (`<<: *base`) are read as YAML 1.1 reads
  them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

import yaml

from newsgen.errors import SourceError
from newsgen.parse import yamlhelp

try:  # the C parser is several times faster; fall back when libyaml is missing
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

# What no HTML may hold: control characters (but tab, line ends and form feed) and
# noncharacters. Raw in YAML they are refused by the parser; written as escapes (`"\a"`,
# `"\N"`, JSON's `"\u0007"`) they are said by `forbidden`.
_NONCHARACTERS = "".join(chr(plane * 0x10000 + low) for plane in range(17)
                         for low in (0xFFFE, 0xFFFF))
_FORBIDDEN = re.compile(f"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef{_NONCHARACTERS}]")


def forbidden(text: str, line: int) -> YamlError | None:
    """A value holding a character no page may show: its error."""
    found = _FORBIDDEN.search(text)
    return None if found is None else YamlError(
        f"the character U+{ord(found[0]):04X} (a control character or a noncharacter, "
        "pasted or written as an escape) is not allowed: remove it", line)


def load_plain(text: str) -> Any:
    """A YAML document as plain Python values, with the safe loader (C when available):
    for data files whose lines are not needed (an imported site's config and data).
    Raises yaml.YAMLError for YAML that cannot be read."""
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


MAX_NODES = 20_000
MAX_DEPTH = 64

_BOOL_TRUE = {"true", "yes", "on"}
_BOOL_FALSE = {"false", "no", "off"}
_INT_RE = re.compile(r"[-+]?[0-9]+\Z")
_FLOAT_RE = re.compile(r"[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?\Z")

STR_TAG = "tag:yaml.org,2002:str"
NULL_TAG = "tag:yaml.org,2002:null"
BOOL_TAG = "tag:yaml.org,2002:bool"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"


class YamlError(SourceError):
    """A YAML problem with the (1-based) line it was found on."""


@dataclass(frozen=True)
class YScalar:
    text: str
    tag: str
    plain: bool
    line: int

    @property
    def is_null(self) -> bool:
        return self.tag == NULL_TAG and self.plain


@dataclass(frozen=True)
class YSeq:
    items: tuple[YNode, ...]
    line: int


@dataclass(frozen=True)
class YMap:
    items: tuple[tuple[YScalar, YNode], ...]
    line: int

    def get(self, key: str) -> YNode | None:
        for k, v in self.items:
            if k.text == key:
                return v
        return None

    def keys(self) -> list[str]:
        return [k.text for k, _ in self.items]


YNode = YScalar | YSeq | YMap


def describe(node: YNode) -> str:
    """A short name for a node's kind, for messages ("a list", "a mapping")."""
    if isinstance(node, YSeq):
        return "a list"
    if isinstance(node, YMap):
        return "a mapping"
    if node.is_null:
        return "nothing"
    return repr(node.text if len(node.text) <= 60 else node.text[:40] + "…")


# Line and paragraph separators (U+2028, U+2029) and NEL, pasted from a word processor
# or a web page: YAML ends a line at each, so the value would be cut or misread and every
# later line numbered one off. They are read as the characters they are, in place.
_HIDE = {0x2028: 0x10FE28, 0x2029: 0x10FE29, 0x85: 0x10FE85}  # (private-use stand-ins)
_SHOW = {v: k for k, v in _HIDE.items()}
_SEPARATOR = re.compile("[\u2028\u2029\x85]")


def parse(text: str, line_offset: int = 0,
          problems: list[YamlError] | None = None) -> YNode | None:
    """Parse one YAML document. `line_offset` is added to every line number.

    Returns None for an empty document. Raises YamlError for YAML that cannot be
    read. Problems that leave the rest readable (a duplicate key, whose first
    value is kept; a merge key, which is skipped) go to `problems` when given,
    so that the other errors of the file are reported too; otherwise they raise.
    """
    hidden = _SEPARATOR.search(text) is not None
    try:
        node = yaml.compose(text.translate(_HIDE) if hidden else text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        pm, cm = exc.problem_mark, exc.context_mark
        at = yamlhelp.Mark(pm.line, pm.column) if pm is not None else None
        context_at = yamlhelp.Mark(cm.line, cm.column) if cm is not None else None
        lines = text.split("\n")
        line, message = yamlhelp.explain(exc.problem or exc.context or "", exc.context, at,
                                         context_at, lines)
        near = [n for n in (pm.line if pm else None, cm.line if cm else None)
                if n is not None and n >= 0]
        for n in sorted(set(near)):  # pasted from a word processor or a web page
            raw = lines[n] if n < len(lines) else ""
            if "\u00a0" in raw[:len(raw) - len(raw.lstrip(" \t\u00a0"))]:
                line, message = n, yamlhelp.NBSP_INDENT
                break
        raise YamlError(message, line + 1 + line_offset if line is not None else None) from None
    except yaml.reader.ReaderError as exc:  # a character YAML refuses anywhere
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character))
        raise YamlError(f"the character U+{code:04X} is not allowed in YAML (a control or "
                        "invisible character, pasted or left by a tool): remove it",
                        text.count("\n", 0, exc.position) + 1 + line_offset) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}", None) from None
    except RecursionError:
        raise YamlError("invalid YAML: nested too deeply", None) from None
    if node is None:
        return None
    return _Converter(line_offset, problems, hidden).convert(node, 0)


# The tags YAML gives a value by itself, or that a writer may give to say so (`!!str 2024`)
_CORE = "tag:yaml.org,2002:"
_RESOLVER = yaml.resolver.Resolver()  # what YAML reads a plain value as
_PLAIN_TAGS = frozenset(_CORE + t for t in ("str", "null", "bool", "int", "float", "timestamp",
                                            "seq", "map", "value", "merge", "yaml"))


class _Converter:
    def __init__(self, line_offset: int, problems: list[YamlError] | None,
                 hidden: bool = False) -> None:
        self.text = (lambda value: str(value).translate(_SHOW)) if hidden else str
        self.offset = line_offset
        self.budget = MAX_NODES
        self.problems = problems

    def soft(self, problem: YamlError) -> None:
        if self.problems is None:
            raise problem
        self.problems.append(problem)

    def foreign_tag(self, node: yaml.Node) -> None:
        """A tag that is not YAML's own reading of a value: said on its line."""
        shown = str(node.tag).replace(_CORE, "!!")
        self.soft(YamlError(f"the YAML tag '{shown}' is not read here: remove it (front "
                            "matter and newsgen.yaml hold text, numbers, lists and mappings)",
                            self.line(node)))

    def line(self, node: yaml.Node) -> int:
        return int(node.start_mark.line) + 1 + self.offset

    def convert(self, node: yaml.Node, depth: int) -> YNode:
        self.budget -= 1
        if self.budget < 0:
            raise YamlError(
                f"YAML too large: more than {MAX_NODES} values (an alias bomb?)", self.line(node)
            )
        if depth > MAX_DEPTH:
            raise YamlError(f"YAML nested more than {MAX_DEPTH} levels deep", self.line(node))
        if str(node.tag) not in _PLAIN_TAGS:  # `!!python/object:…`, `!!binary`, `!foo`
            self.foreign_tag(node)
            # Read as if untagged, for the fields' own checks: the build fails on this.
            if isinstance(node, yaml.ScalarNode):
                text, plain = self.text(node.value), not node.style
                implicit = _RESOLVER.resolve(yaml.ScalarNode, text, (plain, not plain))  # type: ignore[no-untyped-call]
                return YScalar(text, str(implicit), plain, self.line(node))
        if isinstance(node, yaml.ScalarNode):
            if (problem := forbidden(node.value, self.line(node))) is not None:
                self.soft(problem)
            return YScalar(self.text(node.value), str(node.tag), not node.style,
                           self.line(node))
        if isinstance(node, yaml.SequenceNode):
            return YSeq(tuple(self.convert(n, depth + 1) for n in node.value), self.line(node))
        if isinstance(node, yaml.MappingNode):
            items: list[tuple[YScalar, YNode]] = []
            seen: dict[str, int] = {}
            merged: list[tuple[YScalar, YNode]] = []  # (`<<: *base`) the keys not written
            for knode, vnode in node.value:
                if not isinstance(knode, yaml.ScalarNode):
                    raise YamlError("a key must be a plain value, not a list or mapping",
                                    self.line(knode))
                if str(knode.tag) not in _PLAIN_TAGS:  # `!foo language: en`
                    self.foreign_tag(knode)
                if knode.tag == "tag:yaml.org,2002:merge":
                    merged.extend(self.merged(vnode, depth, self.line(knode)))
                    continue
                key = YScalar(self.text(knode.value), str(knode.tag), not knode.style,
                              self.line(knode))
                if (problem := forbidden(key.text, key.line)) is not None:
                    self.soft(problem)
                if key.text in seen:
                    self.soft(YamlError(
                        f"'{key.text}' is given twice, here and on line {seen[key.text]}: "
                        "keep one of them", key.line,
                    ))
                    continue
                seen[key.text] = key.line
                value = self.convert(vnode, depth + 1)
                if value.line < key.line:  # an alias (*a) of a value above: its problems,
                    value = _moved(value, key.line)  # its items' too, are said here
                items.append((key, value))
            for key, value in merged:  # YAML's merge: a key written in the mapping wins, and
                if key.text not in seen:  # then the first mapping merged that has it
                    seen[key.text] = key.line
                    items.append((key, value))
            return YMap(tuple(items), self.line(node))
        raise YamlError("unsupported YAML node", self.line(node))  # pragma: no cover

    def merged(self, node: yaml.Node, depth: int, line: int) -> list[tuple[YScalar, YNode]]:
        """The keys a merge key (`<<: *base`, `<<: [*a, *b]`) brings, placed on its line (a
        problem of one is said where it is merged)."""
        found: list[tuple[YScalar, YNode]] = []
        for source in node.value if isinstance(node, yaml.SequenceNode) else [node]:
            if not isinstance(source, yaml.MappingNode):
                self.soft(YamlError("a merge key (<<) takes a mapping or a list of mappings "
                                    "(`<<: *base`)", line))
                continue
            converted = self.convert(source, depth + 1)
            if isinstance(converted, YMap):  # (as a mapping node always converts)
                found.extend((replace(k, line=line), _moved(v, line))
                             for k, v in converted.items)
        return found


def _moved(node: YNode, line: int) -> YNode:
    """`node` and all it holds placed on `line` (where an alias of it is used)."""
    if isinstance(node, YScalar):
        return replace(node, line=line)
    if isinstance(node, YSeq):
        return YSeq(tuple(_moved(item, line) for item in node.items), line)
    return YMap(tuple((replace(k, line=line), _moved(v, line)) for k, v in node.items), line)


def to_python(node: YNode) -> Any:
    """Plain Python values for free-form data (`params`, config `params`).

    Only the YAML 1.2 core types are recognised: null, true/false, decimal
    integers and floats. Everything else, `no`, `10:00` and dates included, stays a string.
    """
    if isinstance(node, YMap):
        return {k.text: to_python(v) for k, v in node.items}
    if isinstance(node, YSeq):
        return [to_python(v) for v in node.items]
    if not node.plain:
        return node.text
    text = node.text
    low = text.lower()
    if node.tag == NULL_TAG:
        return None
    if node.tag == BOOL_TAG and low in ("true", "false"):
        return low == "true"
    if node.tag == INT_TAG and _INT_RE.match(text):
        return int(text)
    if node.tag == FLOAT_TAG and _FLOAT_RE.match(text):
        return float(text)
    return text


def as_text(node: YNode) -> str | None:
    """The scalar's text as written, or None for a list/mapping/null."""
    if isinstance(node, YScalar) and not node.is_null:
        return node.text
    return None


def as_bool(node: YNode) -> bool | None:
    if isinstance(node, YScalar) and node.plain:
        low = node.text.lower()
        if low in _BOOL_TRUE:
            return True
        if low in _BOOL_FALSE:
            return False
    return None


def as_int(node: YNode) -> int | None:
    if isinstance(node, YScalar) and node.plain and _INT_RE.match(node.text) and len(
            node.text) <= 30:  # (longer is no count of anything, and int() refuses 4,300 digits)
        return int(node.text)
    return None
