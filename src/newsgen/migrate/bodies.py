"""Bodies: Hugo shortcodes and Liquid (Jekyll) written out as Markdown or HTML.

Text inside code fences and code spans is never touched. A construct the importer
cannot write out stays in place, with a warning at its line in the old site's file:
`content/posts/x.md:12: warning: Hugo shortcode gallery not converted: …`.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from newsgen.migrate import shortcodes as sc
from newsgen.migrate.code import as_block, literal, mask_code_spans, split_code
from newsgen.migrate.common import Notes
from newsgen.migrate.liquid import LiquidError, Scope, assign, for_items, render
from newsgen.parse.body_lines import CONTROL


@dataclass
class Page:
    """The post whose body is converted."""

    rel: str  # its file in the old site
    body_line: int  # the file line of the body's first line
    title: str
    folder: str  # its new folder under content/
    front: dict[str, Any] = field(default_factory=dict)  # page.* of Liquid, param of Hugo
    old_url: str | None = None
    lang: str = ""


class Resolver(Protocol):
    """Where references point: links relative to the page's new folder, or site paths."""

    def hugo_ref(self, page: Page, target: str, lang: str | None,
                 as_text: bool = False) -> str | None: ...

    def post_url(self, page: Page, name: str, as_text: bool = False) -> str | None: ...

    def link(self, page: Page, path: str) -> tuple[str | None, str | None]: ...


_HUGO_START = re.compile(r"\{\{[<%]")
# A Liquid tag in a link's target: `](`, `]: ` or `href="` before it (and `{{ site.baseurl }}`)
_LINK_BEFORE = re.compile(r"""(\]\(\s*|\]:\s*|\b(?:href|src)\s*=\s*["']?)(\{\{[^{}]*\}\})?$""")
_LIQUID_START = re.compile(r"\{[{%]")
_POST_LINK = re.compile(r"\{%-?\s*(?:post_url|link)\b")
_HUGO = re.compile(r"\{\{([<%])-?\s*(/?)\s*([\w.-]+(?:/[\w.-]+)*)(.*?)(/?)\s*-?([>%])\}\}", re.S)
_LIQUID_TAG = re.compile(r"\{%-?\s*(\w+)(.*?)-?%\}", re.S)
_LIQUID_OUT = re.compile(r"\{\{-?(.*?)-?\}\}", re.S)
_ESCAPED = re.compile(r"\{\{([<%])/\*(.*?)\*/([>%])\}\}", re.S)
_HUGO_LONE = re.compile(r"\{\{[<%]-?\s*([\w.-]+)[^\n]*")
_LONGEST = 2000  # a construct longer than this is no construct (an unclosed `{%`)


def _short(construct: str) -> str:
    text = " ".join(construct.split())
    return text if len(text) <= 80 else text[:77] + "…"


class BodyConverter:
    """Converts the bodies of one old site ("hugo" or "jekyll")."""

    def __init__(self, kind: str, resolver: Resolver, notes: Notes,
                 site: dict[str, Any], own: dict[str, str] | None = None) -> None:
        self.kind = kind
        self.own = dict(own or {})  # Hugo's shortcodes the site redefines: said once each
        self.resolver = resolver
        self.notes = notes
        self.site = site
        self.page = Page("", 1, "", "")
        self._newlines: list[int] = []

    def convert(self, page: Page, body: str) -> str:
        self.page = page
        body = self.controls(body, page)
        self._newlines = [i for i, ch in enumerate(body) if ch == "\n"]
        variables = {**page.front, "title": page.title, "url": page.old_url or "",
                     "lang": page.lang}
        out = self.text(body, 0, Scope(self.site, variables))
        # Hugo shows an escaped shortcode as the shortcode's text, in code fences too
        return _ESCAPED.sub(r"{{\1\2\3}}", out) if self.kind == "hugo" else out

    def controls(self, body: str, page: Page) -> str:
        """`body` without the control characters newsgen refuses (parse.body_lines): one of
        U+0080 to U+009F is, almost always, a Windows-1252 character read as Latin-1 (U+0085
        is '…', U+0093 '“'), and is written as that; any other is left out. Each said."""

        def fixed(match: re.Match[str]) -> str:
            code = ord(match[0])
            try:
                meant = bytes([code]).decode("cp1252") if 0x80 <= code <= 0x9F else ""
            except UnicodeDecodeError:
                meant = ""
            line = page.body_line + body.count("\n", 0, match.start())
            self.notes.warn(page.rel, line, "control character", f"the character U+{code:04X} "
                            "(a control character) is not allowed in newsgen's text: " + (
                                f"written as '{meant}', as Windows-1252 means it" if meant
                                else "left out"))
            return meant

        return CONTROL.sub(fixed, body)

    def line(self, offset: int) -> int:
        return self.page.body_line + bisect.bisect_left(self._newlines, offset)

    def leave(self, offset: int, kind: str, construct: str, why: str) -> None:
        self.notes.left(self.page.rel, self.line(offset), kind, f"'{_short(construct)}' {why}")

    def text(self, body: str, offset: int, scope: Scope) -> str:
        # A block (a note, a highlight, a raw block) may hold code fences: the first one
        # opened outside code is taken whole, with the text before and after it.
        at = _paired_at(body, self.kind)
        if at is not None:
            handled = (self.hugo(body, at, offset, scope) if self.kind == "hugo"
                       else self.liquid(body, at, offset, scope))
            if handled is not None and handled[1] > at:
                replacement, end, block = handled
                if block:
                    replacement = as_block(body, at, end, replacement)
                return (self.text(body[:at], offset, scope) + replacement
                        + self.text(body[end:], offset + end, scope))
        return "".join(chunk if code else self.prose(chunk, offset + start, scope)
                       for code, start, chunk in split_code(body))

    def prose(self, text: str, offset: int, scope: Scope) -> str:
        out: list[str] = []
        masked = mask_code_spans(text)
        start_re = _HUGO_START if self.kind == "hugo" else _LIQUID_START
        pos = 0
        while (m := start_re.search(masked, pos)) is not None:
            out.append(text[pos:m.start()])
            handled = (self.hugo(text, m.start(), offset, scope) if self.kind == "hugo"
                       else self.liquid(text, m.start(), offset, scope))
            if handled is None:  # not a construct: keep its first character, look on
                out.append(text[m.start()])
                pos = m.start() + 1
                continue
            replacement, end, block = handled
            if block:
                replacement = as_block(text, m.start(), end, replacement)
            out.append(replacement)
            if end > m.end():
                masked = masked[:end] + mask_code_spans(text[end:])
            pos = end
        out.append(text[pos:])
        return "".join(out)

    # -- Hugo --------------------------------------------------------------------------

    def hugo(self, text: str, at: int, offset: int,
             scope: Scope) -> tuple[str, int, bool] | None:
        m = _HUGO.match(text, at)
        if m is None and (lone := _HUGO_LONE.match(text, at)) is not None:
            self.leave(offset + at, f"Hugo shortcode {lone.group(1).lower()}", lone.group(0),
                       "is never closed")
            return lone.group(0), lone.end(), False
        if m is None or len(m.group(0)) > _LONGEST:
            return None
        whole, name = m.group(0), m.group(3).lower()
        kind = f"Hugo shortcode {name}"
        if "\n" in whole and whole.find("{{", 2) > 0:  # `{{< youtube abc` on its own
            end = at + whole.find("\n")
            self.leave(offset + at, kind, text[at:end], "is never closed")
            return text[at:end], end, False
        if (m.group(1) == "<") != (m.group(6) == ">"):
            self.leave(offset + at, kind, whole, "opens and closes with different marks")
            return whole, m.end(), False
        if m.group(2):
            self.leave(offset + at, kind, whole, "closes a shortcode that was not converted")
            return whole, m.end(), False
        positional, named = sc.parse_args(m.group(4))
        if name in sc.PAIRED and not m.group(5):
            close = re.compile(r"\{\{[<%]-?\s*/\s*" + re.escape(m.group(3))
                               + r"\s*-?[>%]\}\}", re.I).search(text, m.end())
            if close is None:
                self.leave(offset + at, kind, whole, f"has no closing {{{{< /{name} >}}}}")
                return whole, m.end(), False
            inner = text[m.end():close.start()]
            self.redefined(name, whole, named, offset + at)
            if name == "highlight":
                lang = positional[0] if positional else named.get("lang", "")
                return sc.fence(lang, inner), close.end(), True
            body = self.text(inner, offset + m.end(), scope)
            quote = sc.admonition(name, positional, named, body)
            # Markdown joins quotes that only a blank line parts: a comment ends each one
            if text[:at].rstrip().rpartition("\n")[2].lstrip().startswith(">"):
                quote = "<!-- -->\n\n" + quote
            if _QUOTE_NEXT.match(text, close.end()):
                quote += "\n\n<!-- -->"
            return quote, close.end(), True
        result: str | None = None
        block = False
        why = "has no newsgen equivalent: write Markdown, or raw HTML, instead"
        if name in ("ref", "relref"):
            target = named.get("path") or (positional[0] if positional else "")
            result = self.resolver.hugo_ref(self.page, target, named.get("lang"),
                                            not _LINK_BEFORE.search(text, 0, at))
            why = f"'{target}' is no post of this import"
        elif name in ("figure", "img", "image"):
            result = sc.figure(positional, named)
            block = result is not None and result.startswith("<figure")
            why = "has no src"
        elif name in ("youtube", "vimeo", "vimeo_simple", "youtube_simple"):
            result, block = sc.video(name, positional, named), True
            why = "has no video id"
        elif name in ("tweet", "twitter", "twitter_simple", "x", "x_simple", "instagram",
                      "instagram_simple", "gist"):
            result = sc.social(name, positional, named)
            why = "does not name the post"
        elif name == "param":
            key = positional[0] if positional else named.get("name", "")
            value = self.page.front.get(key, _dig(self.site.get("params"), key))
            result = None if value is None or isinstance(value, dict | list) else render(value)
            why = f"'{key}' is not a value of the page or the site"
        if result is None:
            self.leave(offset + at, kind, whole, why)
            return whole, m.end(), False
        self.redefined(name, whole, named, offset + at)
        return result, m.end(), block

    def redefined(self, name: str, whole: str, named: dict[str, str], at: int) -> None:
        """Said at the first use of a Hugo shortcode that the site or its theme redefines,
        which is converted as Hugo's own is: with the parameters Hugo's does not read."""
        if name in sc.BUILT_IN and (path := self.own.pop(name, None)):
            unread = sorted({k for k in named if k.lower() not in sc.BUILT_IN[name]})
            self.notes.warn(self.page.rel, self.line(at), "shortcode", (
                f"'{_short(whole)}': {name} is the site's own shortcode ({path}), converted "
                f"as Hugo's {name} is, here and in every post: check what it shows") + (
                f" (Hugo's {name} has no {', '.join(repr(k) for k in unread)})"
                if unread else ""))

    # -- Liquid ------------------------------------------------------------------------

    def liquid(self, text: str, at: int, offset: int,
               scope: Scope) -> tuple[str, int, bool] | None:
        if text.startswith("{{", at):
            m = _LIQUID_OUT.match(text, at)
            if m is None or len(m.group(0)) > _LONGEST:
                return None
            scope.missing.clear()
            try:
                value = render(scope.evaluate(m.group(1)))
            except LiquidError as exc:
                self.leave(offset + at, "Liquid variable", m.group(0), str(exc))
                return m.group(0), m.end(), False
            if scope.missing and not value:
                self.notes.warn(self.page.rel, self.line(offset + at), "Liquid variable "
                                "without a value", f"'{_short(m.group(0))}' has no value "
                                f"({scope.missing[0]}): written as nothing, as Jekyll does")
            if _POST_LINK.match(text, m.end()):  # `{{ site.baseurl }}{% post_url x %}`: the
                value = ""  # post's file, which newsgen links to wherever the site lives
            return value, m.end(), False
        m = _LIQUID_TAG.match(text, at)
        if m is None or len(m.group(0)) > _LONGEST:
            return None
        whole, name, markup = m.group(0), m.group(1), m.group(2).strip()
        kind = f"Liquid tag {name}"
        if name == "endraw":  # its raw is in a code fence: a marker readers never saw
            return "", m.end(), False
        if name in ("highlight", "raw", "comment"):
            close = re.compile(r"\{%-?\s*end" + name + r"\s*-?%\}").search(text, m.end())
            if close is None:
                self.leave(offset + at, kind, whole, f"has no closing {{% end{name} %}}")
                return whole, m.end(), False
            inner = text[m.end():close.start()]
            if name == "highlight":
                lang = markup.split()[0] if markup.split() else ""
                return sc.fence(lang, inner), close.end(), True
            return (literal(inner) if name == "raw" else ""), close.end(), False
        try:
            if name == "assign":
                assign(scope, markup)
                return "", m.end(), False
            if name == "for":
                return self.loop(text, m, offset, scope)
        except LiquidError as exc:
            self.leave(offset + at, kind, whole, str(exc))
            return whole, m.end(), False
        if name in ("link", "post_url"):
            target = markup.strip().strip("'\"")
            if name == "post_url":
                found: str | None = self.resolver.post_url(  # a URL shown as text: the old
                    self.page, target, not _LINK_BEFORE.search(text, 0, at))  # (answered)
                note = None if found else f"'{target}' is no post of this import"
            else:
                found, note = self.resolver.link(self.page, target)
            if found is None:
                self.leave(offset + at, kind, whole, note or "its target is not imported")
                return whole, m.end(), False
            if note:
                self.notes.warn(self.page.rel, self.line(offset + at), kind, note)
            return found, m.end(), False
        why = {"include": "pastes a file of the old theme: write its text here instead",
               "include_relative": "pastes a file: write its text here instead",
               "if": "is a condition: write the text that applies",
               "unless": "is a condition: write the text that applies",
               "capture": "computes text: write the result"}.get(
            name, "is not something the importer can write out")
        self.leave(offset + at, kind, whole, why)
        return whole, m.end(), False

    def loop(self, text: str, m: re.Match[str], offset: int,
             scope: Scope) -> tuple[str, int, bool]:
        """`{% for x in list %}…{% endfor %}`, written out once per item."""
        depth, pos, close_start, close_end = 1, m.end(), 0, 0
        pairs = re.compile(r"\{%-?\s*(for|endfor)\b.*?%\}", re.S)
        while depth:
            step = pairs.search(text, pos)
            if step is None:
                raise LiquidError("has no closing {% endfor %}")
            depth += 1 if step.group(1) == "for" else -1
            pos, close_start, close_end = step.end(), step.start(), step.end()
        inner = text[m.end():close_start]
        if re.search(r"\{%-?\s*(else|break|continue)\b", inner):
            raise LiquidError("uses else, break or continue")
        name, items = for_items(scope, m.group(2))
        parts = [self.text(inner, offset + m.end(), scope.child(name, item)) for item in items]
        return "".join(parts), close_end, False


_PAIRED_OPEN = {
    "hugo": re.compile(r"\{\{[<%]-?\s*(" + "|".join(sc.PAIRED) + r")\b", re.I),
    "jekyll": re.compile(r"\{%-?\s*(raw|highlight|comment)\b"),
}


_QUOTE_NEXT = re.compile(r"[ \t]*\n\s*(>|\{\{[<%]-?\s*(" + "|".join(sc.ADMONITIONS) + r")\b)",
                         re.I)


def _paired_at(body: str, kind: str) -> int | None:
    """Where the first block that may span code fences opens outside code, if it closes
    somewhere after."""
    if "{{" not in body and "{%" not in body:
        return None
    opener = _PAIRED_OPEN[kind]
    for code, start, chunk in split_code(body):
        if code or opener.search(chunk) is None:
            continue
        for m in opener.finditer(mask_code_spans(chunk)):
            name = re.escape(m.group(1))
            close = (r"\{\{[<%]-?\s*/\s*" + name + r"\s*-?[>%]\}\}" if kind == "hugo"
                     else r"\{%-?\s*end" + name + r"\s*-?%\}")
            if re.compile(close, re.I).search(body, start + m.end()):
                return start + m.start()
    return None


def _dig(value: Any, key: str) -> Any:
    for part in key.split("."):
        if not isinstance(value, dict):
            return None
        lowered = {str(k).lower(): v for k, v in value.items()}
        value = lowered.get(part.lower())
    return value
