"""A small part of Liquid, enough to write out what Jekyll posts compute from their site:
`{{ site.title }}`, `{{ page.title }}`, `{% assign r = site.data.releases | where:
"version", "2.7.0" | first %}` then `{{ r.url.gz }}`, and `{% for x in list %}`.

Values are looked up and filtered; nothing is executed. A variable that is not there is
nil, as in Jekyll (which writes it as nothing), and is remembered in `Scope.missing` so
the importer can say so. Anything else (an unknown filter, a tag of another kind) raises
`LiquidError`, and the construct stays in place with a warning.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from newsgen.migrate.urls import jekyll_slugify


class LiquidError(Exception):
    """A Liquid expression this module does not evaluate; the message says why."""


_TOKEN = re.compile(r"""\s*(?:("(?:[^"\\]|\\.)*"|'[^']*')|(-?\d+(?:\.\d+)?)(?![\w.])|"""
                    r"""([A-Za-z_][\w-]*\??(?:\.[\w-]+\??|\[[^\]]*\])*)|(\|)|(:)|(,))""")
_PATH_PART = re.compile(r"\.([\w-]+\??)|\[([^\]]*)\]")


def render(value: Any) -> str:
    """A value as Liquid writes it out."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S %z").strip()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "".join(render(v) for v in value)
    if isinstance(value, dict):
        raise LiquidError("a mapping cannot be written out")
    return str(value)


class Scope:
    """The variables of one post: `site`, `page` and what `assign` and `for` add."""

    def __init__(self, site: dict[str, Any], page: dict[str, Any]) -> None:
        self.vars: dict[str, Any] = {"site": site, "page": page}
        self.missing: list[str] = []  # variables looked up that have no value

    def child(self, name: str, value: Any) -> Scope:
        other = Scope({}, {})
        other.vars = {**self.vars, name: value}
        other.missing = self.missing
        return other

    def lookup(self, path: str) -> Any:
        head = re.match(r"[A-Za-z_][\w-]*\??", path)
        if head is None:
            raise LiquidError(f"'{path}' is not a variable")
        name = head.group(0)
        if name in ("true", "false"):
            return name == "true"
        if name in ("nil", "null", "empty", "blank"):
            return None
        if name not in self.vars:
            self.missing.append(f"'{name}' is not set here")
            return None
        value = self.vars[name]
        walked = name
        for m in _PATH_PART.finditer(path, head.end()):
            key: Any = m.group(1)
            if key is None:
                inner = m.group(2).strip()
                key = (int(inner) if inner.lstrip("-").isdigit() else
                       inner[1:-1] if inner[:1] in "\"'" else render(self.lookup(inner)))
            value = _index(value, key)
            if value is None:
                self.missing.append(f"'{walked}' has no '{key}'")
                return None
            walked += f".{key}"
        return value

    def evaluate(self, text: str) -> Any:
        """An expression with filters: `site.data.x | where: "k", "v" | first`."""
        tokens = _tokens(text)
        if not tokens:
            raise LiquidError("an empty expression")
        value = self.operand(tokens.pop(0))
        while tokens:
            if tokens.pop(0) != ("|", "|"):
                raise LiquidError(f"'{text.strip()}' is more than a value and filters")
            if not tokens or tokens[0][0] != "name":
                raise LiquidError("a '|' without a filter")
            name = tokens.pop(0)[1]
            args: list[Any] = []
            if tokens and tokens[0][0] == ":":
                tokens.pop(0)
                while tokens and tokens[0][0] != "|":
                    kind, raw = tokens.pop(0)
                    if kind != ",":
                        args.append(self.operand((kind, raw)))
            given, value = value, apply_filter(name, value, args)
            base = render(self.vars["site"].get("baseurl", ""))
            if name in ("relative_url", "absolute_url") and (given is None or (
                    base and not _SCHEME.match(str(value)))):  # as Jekyll: after the baseurl
                value = "" if given is None else base + value
        return value

    def operand(self, token: tuple[str, str]) -> Any:
        kind, raw = token
        if kind == "str":
            return raw[1:-1].replace('\\"', '"')
        if kind == "num":
            return float(raw) if "." in raw else int(raw)
        if kind == "name":
            return self.lookup(raw)
        raise LiquidError(f"'{raw}' is not a value")


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise LiquidError(f"cannot read '{text[pos:].strip()[:30]}'")
        kinds = ("str", "num", "name", "|", ":", ",")
        for kind, group in zip(kinds, m.groups(), strict=True):
            if group is not None:
                out.append((kind, group))
        pos = m.end()
    return out


def _index(value: Any, key: Any) -> Any:
    """`value.key` or `value[key]`; None when there is none."""
    if isinstance(value, dict):
        if key in value:
            return value[key]
        return len(value) if key == "size" else None
    if isinstance(value, list | str):
        if key == "size":
            return len(value)
        if key == "first" and value:
            return value[0]
        if key == "last" and value:
            return value[-1]
        if isinstance(key, int) and isinstance(value, list) and -len(value) <= key < len(value):
            return value[key]
    return None


def _property(item: Any, key: str) -> Any:
    value = item
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _where(value: Any, args: list[Any]) -> Any:
    if len(args) != 2 or not isinstance(value, list):
        raise LiquidError("where: expects a list, a key and a value")
    key, wanted = str(args[0]), render(args[1])
    return [item for item in value if render(_property(item, key)) == wanted
            or (isinstance(_property(item, key), list)
                and wanted in [render(v) for v in _property(item, key)])]


_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")  # a URL of its own (`mailto:`, `https:`)


def _url(value: Any, args: list[Any]) -> Any:
    text = render(value)
    return text if "://" in text or text.startswith("/") else "/" + text


_FILTERS: dict[str, Any] = {
    "relative_url": _url, "absolute_url": _url,
    "where": _where,
    "first": lambda v, a: v[0] if isinstance(v, list | str) and v else None,
    "last": lambda v, a: v[-1] if isinstance(v, list | str) and v else None,
    "size": lambda v, a: len(v) if isinstance(v, list | str | dict) else 0,
    "join": lambda v, a: (render(a[0]) if a else " ").join(render(x) for x in v),
    "split": lambda v, a: render(v).split(render(a[0])) if a and render(a[0]) else list(
        render(v)),
    "downcase": lambda v, a: render(v).lower(), "upcase": lambda v, a: render(v).upper(),
    "capitalize": lambda v, a: render(v).capitalize(),
    "append": lambda v, a: render(v) + render(a[0]),
    "prepend": lambda v, a: render(a[0]) + render(v),
    "default": lambda v, a: v if v not in (None, "", False, []) else a[0],
    "strip": lambda v, a: render(v).strip(), "lstrip": lambda v, a: render(v).lstrip(),
    "rstrip": lambda v, a: render(v).rstrip(),
    "replace": lambda v, a: render(v).replace(render(a[0]), render(a[1])),
    "remove": lambda v, a: render(v).replace(render(a[0]), ""),
    "slugify": lambda v, a: jekyll_slugify(render(v), str(a[0]) if a else "default"),
    "uri_escape": lambda v, a: quote(render(v), safe="/:?=&#%+,;@!$'()*[]~"),
    "url_encode": lambda v, a: quote(render(v), safe=""),
    "escape": lambda v, a: html.escape(render(v)), "xml_escape": lambda v, a: html.escape(
        render(v)),
    "reverse": lambda v, a: list(reversed(v)) if isinstance(v, list) else v,
    "uniq": lambda v, a: list(dict.fromkeys(v)) if isinstance(v, list) else v,
    "plus": lambda v, a: _number(v) + _number(a[0]),
    "minus": lambda v, a: _number(v) - _number(a[0]),
    "times": lambda v, a: _number(v) * _number(a[0]),
}


def _number(value: Any) -> int | float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = render(value)
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        raise LiquidError(f"'{text}' is not a number") from None


def apply_filter(name: str, value: Any, args: list[Any]) -> Any:
    if name not in _FILTERS:
        raise LiquidError(f"the filter '{name}' is not one the importer applies")
    try:
        return _FILTERS[name](value, args)
    except (IndexError, TypeError, KeyError) as exc:
        raise LiquidError(f"the filter '{name}' cannot take these values ({exc})") from None


_FOR = re.compile(r"(\w+)\s+in\s+(.+?)((?:\s+(?:limit|offset)\s*:\s*\d+|\s+reversed)*)\s*\Z",
                  re.S)


def for_items(scope: Scope, markup: str) -> tuple[str, list[Any]]:
    """The loop variable and the items of `{% for x in list limit: 3 reversed %}`."""
    m = _FOR.match(markup.strip())
    if m is None:
        raise LiquidError("not a loop of the form 'x in list'")
    items = scope.evaluate(m.group(2))
    if items is None:
        return m.group(1), []
    if isinstance(items, dict):
        items = [[k, v] for k, v in items.items()]
    if not isinstance(items, list):
        raise LiquidError("the loop's list is not a list")
    options = m.group(3)
    if (off := re.search(r"offset\s*:\s*(\d+)", options)) is not None:
        items = items[int(off.group(1)):]
    if (lim := re.search(r"limit\s*:\s*(\d+)", options)) is not None:
        items = items[:int(lim.group(1))]
    if "reversed" in options:
        items = list(reversed(items))
    return m.group(1), items


def assign(scope: Scope, markup: str) -> None:
    """`{% assign name = expression %}` into `scope`."""
    m = re.match(r"\s*([A-Za-z_][\w-]*)\s*=\s*(.+)\Z", markup, re.S)
    if m is None:
        raise LiquidError("not of the form 'name = value'")
    scope.vars[m.group(1)] = scope.evaluate(m.group(2))
