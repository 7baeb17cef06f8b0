"""Markdown bodies to HTML with Python-Markdown.

Conversion does not depend on the rest of the site, so its result can be
cached by the body's hash: relative links and image sources are replaced by
placeholders and listed, and the linking stage puts the resolved URLs in.
"""

from __future__ import annotations

import html
import importlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE

from newsgen.parse.attributes import AttrLists, toc_slug
from newsgen.parse.body_lines import (
    link_lines_of,
    nested_on_one_line,
    nesting_line,
    too_deep,
    unclosed_links,
)
from newsgen.parse.foreign import is_template_syntax
from newsgen.parse.markdown_setup import EXTENSIONS, PUNCTUATION
from newsgen.parse.markdown_speed import speed_up

PLACEHOLDER_OPEN = "\ue000"
PLACEHOLDER_CLOSE = "\ue001"
PLACEHOLDER_RE = re.compile("\ue000(\\d+)\ue001")
BACKREF_OPEN, BACKREF_CLOSE = "\ue002", "\ue003"  # a footnote back link's number
_BACKREF_RE = re.compile('title="\ue002(\\d+)\ue003"')  # only where the footnotes put it
_SCHEME_RE = re.compile(r"\s*([A-Za-z][A-Za-z0-9+.\-]*)\s*:")
_STASH_RE = markdown.util.HTML_PLACEHOLDER_RE  # Python-Markdown's own, with the index
_SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
SUMMARY_LENGTH = 200


@dataclass(frozen=True, slots=True)
class Body:
    """A converted body. `html` holds placeholders for the `links`, in order."""

    html: str
    links: tuple[str, ...]
    summary: str
    toc: str
    link_lines: tuple[int, ...] = ()  # for each link, its line within the body (from 0)
    key: str = ""  # where the build state keeps it (its HTML is read from there on demand)
    problem: str = ""  # why Markdown could not read it (the linker says it, on the body)
    problem_line: int = 0  # where, within the body (from 0)
    # full http(s) URLs linked (a held article's on this site is a dead link), their lines
    absolute: tuple[str, ...] = ()
    absolute_lines: tuple[int, ...] = ()


def is_local(url: str) -> bool:
    """A link that names a file of the site relative to the article (no scheme, no '/', no
    '#'), or a path of the site (`/general/visit.md`, `/economy/`): the first is resolved,
    a Markdown file by its path too, and any other site path is checked against the pages
    and files of the build (newsgen.stages.site_links.dead_site_links)."""
    stripped = url.strip()
    if not stripped or stripped.startswith(("#", "?", "//")):
        return False
    return stripped.startswith("/") or _SCHEME_RE.match(stripped) is None


def names_markdown(url: str) -> bool:
    """Whether a link's path ends in a Markdown suffix (`/general/visit.md#x`)."""
    return _MARKDOWN_PATH.search(url) is not None


_MARKDOWN_PATH = re.compile(r"\.(md|markdown|mdown|mkd)(?=[?#]|\Z)", re.IGNORECASE)


def _decoded(value: str) -> str:
    """An attribute or text as the browser will read it.

    Python-Markdown writes some values as character references behind its own
    placeholder (an e-mail autolink's `mailto:` becomes `\x02amp\x03#109;…`), and leaves
    character references in attributes for the browser to decode: both are decoded here,
    so a value is judged as the browser reads it and never shown as placeholders.
    """
    value = value.replace(AMP_SUBSTITUTE, "&")
    return html.unescape(value) if "&" in value else value


def _unsafe(url: str) -> bool:
    cleaned = "".join(ch for ch in url if ch > " " and ch != "\x7f")
    match = _SCHEME_RE.match(cleaned)
    return match is not None and match.group(1).lower() not in _SAFE_SCHEMES


class _Collector(Treeprocessor):
    def __init__(self, md: markdown.Markdown, safe: bool) -> None:
        super().__init__(md)
        self.safe = safe
        self.links: list[str] = []
        self.absolute: list[str] = []  # full http(s) URLs, left as they are
        self.summary = ""

    def run(self, root: ET.Element) -> None:
        self.links, self.absolute = [], []
        self.summary = ""
        # The page's <h1> is the title: a body's "# Heading" becomes <h2>, and a body whose
        # highest headings are "###" or lower has them all raised to start at <h2>, so no
        # level is skipped after the title (archives often start their posts at "####").
        levels = [int(el.tag[1]) for el in root.iter() if el.tag in _HEADINGS]
        raise_by = min(levels) - 2 if levels and min(levels) > 2 else 0
        for el in root.iter():
            if el.tag == "a":
                self._rewrite(el, "href")
            elif el.tag == "img":
                self._rewrite(el, "src")
            elif el.tag == "h1":
                el.tag = "h2"
            elif raise_by and el.tag in _HEADINGS:
                el.tag = f"h{int(el.tag[1]) - raise_by}"
            if not self.summary and el.tag == "p" and not (  # a block of HTML: no paragraph
                    len(el) == 0 and _STASH_RE.fullmatch((el.text or "").strip())):
                text = _decoded(_STASH_RE.sub(self._stashed, _text_without_footnotes(el)))
                self.summary = " ".join(text.split())

    def _stashed(self, match: re.Match[str]) -> str:
        """The text of what Python-Markdown set aside: an entity (`&mdash;`; in safe mode,
        escaped HTML) as what it shows; HTML (an inline tag, whose words are outside it,
        a comment, a block of its own, a code fence) as nothing."""
        stash = self.md.htmlStash.rawHtmlBlocks
        index = int(match.group(1))
        raw = stash[index] if index < len(stash) else ""
        return html.unescape(raw) if isinstance(raw, str) and raw.startswith("&") else ""

    def _rewrite(self, el: ET.Element, attr: str) -> None:
        raw = el.get(attr)
        if raw is None:
            return
        value = _decoded(raw)  # `mailto:` of an e-mail autolink, obfuscated as Markdown does
        if (self.safe and _unsafe(value)) or is_template_syntax(value):
            # A shortcode as a link target (`[a]({{< ref "x" >}})`) is no link: the loader
            # warns about it, and the page gets no broken href.
            del el.attrib[attr]
            return
        if is_local(value):
            el.set(attr, f"{PLACEHOLDER_OPEN}{len(self.links)}{PLACEHOLDER_CLOSE}")
            self.links.append(value.strip())
        elif value.strip().lower().startswith(("http://", "https://")):
            self.absolute.append(value.strip())


def _text_without_footnotes(el: ET.Element) -> str:
    """An element's text, leaving out footnote markers (<sup id="fnref:1">)."""
    parts = [el.text or ""]
    for child in el:
        if not (child.tag == "sup" and str(child.get("id", "")).startswith("fnref")):
            parts.append(_text_without_footnotes(child))
        parts.append(child.tail or "")
    return "".join(parts)


# A start tag, its quoted values read whole (`title="a<b"` or `"a>b"` ends no tag)
_TAG_RE = re.compile(r"""<[a-zA-Z][a-zA-Z0-9-]*[\s/](?:"[^"]*"|'[^']*'|[^<>"'])*>""")
# Each attribute of a tag in turn, its value quoted either way or unquoted (`href=a.jpg`,
# as HTML allows and old archives write): one named inside another's value
# (`alt="set src=a.png"`) is never taken for an attribute.
# (after a space, a slash or a quoted value, as a browser reads `<img/src=a.png>` and
# `title="x"href="b.md"`)
_ATTR_RE = re.compile(r"""((?:[\s/]+|(?<=["']))([^\s"'>/=]+)\s*=\s*)(?:"([^"]*)"|'([^']*)'|"""
                      r"""([^\s"'=<>`]+))|(?:[\s/]+|(?<=["']))[^\s"'>/=]+""")
_LINKING = frozenset({"href", "src", "poster", "srcset"})
_MAY_LINK = re.compile("href|src|poster", re.IGNORECASE)
# One candidate of a srcset: its URL (no spaces; commas only inside), then descriptors.
_CANDIDATE_RE = re.compile(r"([\s,]*)([^\s,](?:[^\s]*[^\s,])?)([^,]*)")


# A raw <h1> or </h1>, made <h2> except inside a script, a style or preformatted text.
_RAW_H1_RE = re.compile(r"<(/?)h1(?=[\s/>])", re.IGNORECASE)
_NO_H1: tuple[str, ...] = ("script", "style", "pre", "textarea", "code")
_NO_LINKS: tuple[str, ...] = ("script", "style", "textarea")  # and comments
_OPENERS: dict[tuple[str, ...], re.Pattern[str]] = {
    tags: re.compile(r"<!--|<(" + "|".join(tags) + r")(?=[\s/>])[^>]*>", re.IGNORECASE)
    for tags in (_NO_H1, _NO_LINKS)}
_CLOSERS = {tag: re.compile(rf"</{tag}\s*>", re.IGNORECASE) for tag in _NO_H1}
_RAW_TEXT = frozenset(_NO_LINKS)  # read as text to the end when not closed, as browsers do


def live_parts(text: str, tags: tuple[str, ...] = _NO_H1,
               comments: bool = True) -> Iterator[tuple[str, bool]]:
    """`text` in order, each part with whether it is markup (False: the inside of a comment,
    when `comments`, or of one of `tags`, whose own opening tag is markup). One that is not
    closed runs to the end when it is raw text (a script, a style, a textarea), as a
    browser reads it, and is no such part otherwise (`<pre>`); each part is looked at once
    (no regular expression that scans on from every unclosed opener)."""
    opener, pos, after = _OPENERS[tags], 0, 0
    while (found := opener.search(text, after)) is not None:
        after = found.end()
        if found.group(1) is None:  # a comment, unless written inside a tag (`title="<!--"`)
            lt = text.rfind("<", pos, found.start())  # (the nearest: each scan is short)
            if not comments or (lt >= 0 and text.find(">", lt, found.start()) < 0):
                continue  # (the part goes on: a tag is never split)
            yield text[pos:found.start()], True
            end = text.find("-->", found.end())
            end = len(text) if end < 0 else end + 3
            yield text[found.start():end], False
        else:
            tag = found.group(1).lower()
            close = _CLOSERS[tag].search(text, found.end())
            if close is None and tag not in _RAW_TEXT:
                continue  # no such part: a <pre> never closed is read on as markup
            yield text[pos:found.end()], True
            end = len(text) if close is None else close.start()
            yield text[found.end():end], False
        pos = after = end
    yield text[pos:], True


class _RawHtmlLinks(Postprocessor):
    """Relative href/src in raw HTML blocks are links too: list them the same way."""

    def __init__(self, md: markdown.Markdown, collector: _Collector) -> None:
        super().__init__(md)
        self.collector = collector

    def run(self, text: str) -> str:
        # The page's one <h1> is the title: a raw <h1> becomes <h2> like a "# Heading".
        if _RAW_H1_RE.search(text) is not None:
            text = "".join(_RAW_H1_RE.sub(r"<\1h2", part) if live else part
                           for part, live in live_parts(text, _NO_H1, comments=True))
        if _MAY_LINK.search(text) is None:
            return text
        # Not inside a comment, a script, a style or a textarea: no link is there.
        return "".join(self._links(part) if live else part
                       for part, live in live_parts(text, _NO_LINKS, comments=True))

    def _links(self, text: str) -> str:
        return _TAG_RE.sub(lambda m: _ATTR_RE.sub(self._attr, m.group(0)), text)

    def _attr(self, match: re.Match[str]) -> str:
        if match.group(2) is None or match.group(2).lower() not in _LINKING:
            return match.group(0)
        value = next(v for v in match.group(3, 4, 5) if v is not None)
        raw = html.unescape(value)
        if PLACEHOLDER_OPEN in raw:
            return match.group(0)
        if match.group(2).lower() == "srcset":  # each candidate's URL: "a.jpg 1x, b.jpg 2x"
            out = _CANDIDATE_RE.sub(lambda c: c.group(1) + self._placed(c.group(2))
                                    + html.escape(c.group(3)), raw)
            return f'{match.group(1)}"{out}"' if out != raw else match.group(0)
        if not is_local(raw):
            return match.group(0)
        return f'{match.group(1)}"{self._placed(raw)}"'

    def _placed(self, url: str) -> str:
        """A local URL's placeholder (the link is resolved and checked like any other);
        another URL as it was, escaped."""
        if not is_local(url):
            return html.escape(url)
        links = self.collector.links
        links.append(url.strip())
        return f"{PLACEHOLDER_OPEN}{len(links) - 1}{PLACEHOLDER_CLOSE}"


class _NewsgenExtension(Extension):
    def __init__(self, safe: bool) -> None:
        super().__init__()
        self.safe = safe
        self.collector: _Collector | None = None

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - Markdown's API
        if self.safe:
            # Raw HTML becomes visible text instead of markup.
            md.preprocessors.deregister("html_block")
            md.inlinePatterns.deregister("html")
        md.ESCAPED_CHARS = sorted(set(md.ESCAPED_CHARS) | set(PUNCTUATION))
        md.treeprocessors.register(AttrLists(md, self.safe), "attr_list", 8)
        self.collector = _Collector(md, self.safe)
        md.treeprocessors.register(self.collector, "newsgen-links", -10)
        if not self.safe:
            md.postprocessors.register(_RawHtmlLinks(md, self.collector), "newsgen-raw-links", -10)
        speed_up(md)  # (newsgen's extension is the last one)


def _extension(name: str, config: dict[str, Any]) -> Extension:
    """A Markdown extension made by its module, as Markdown makes one it does not find among
    the installed packages' entry points; not looked for there, which lists every installed
    package (50–80 ms in each process that converts a body)."""
    module = importlib.import_module(name if "." in name else f"markdown.extensions.{name}")
    extension: Extension = module.makeExtension(**config)
    return extension


class Converter:
    """One configured Markdown instance, reset between documents."""

    def __init__(self, raw_html: bool = True) -> None:
        self.ext = _NewsgenExtension(safe=not raw_html)
        config: dict[str, dict[str, Any]] = {
            "toc": {"slugify": toc_slug, "permalink": False},
            # a back link's title in the page's language, put in by the renderer
            "footnotes": {"UNIQUE_IDS": False,
                          "BACKLINK_TITLE": f"{BACKREF_OPEN}%d{BACKREF_CLOSE}"},
            "pymdownx.highlight": {"use_pygments": False},
            "pymdownx.tilde": {"subscript": False},
        }
        self.md = markdown.Markdown(
            extensions=[*(_extension(name, config.get(name, {})) for name in EXTENSIONS),
                        self.ext],
            output_format="html",
        )

    def convert(self, text: str) -> Body:
        self.md.reset()
        # The placeholder characters are ours alone.
        for mark in (PLACEHOLDER_OPEN, PLACEHOLDER_CLOSE, BACKREF_OPEN, BACKREF_CLOSE):
            text = text.replace(mark, "")
        if not text.strip():  # Markdown stops early: the collector still holds the last text's
            return Body(html="", links=(), summary="", toc="")
        if too_deep(text) is not None or unclosed_links(text) is not None:  # an error of
            return Body(html="", links=(), summary="", toc="")  # the article: not read, as
            # it could take hours (parse.validate)
        deep = nested_on_one_line(text)  # (the same with any version of Python-Markdown)
        if deep is None:
            try:
                html = self.md.convert(text)
            except RecursionError:  # Python-Markdown recurses once a level
                self.md.reset()
                deep = nesting_line(text)
        if deep is not None:
            return Body(html="", links=(), summary="", toc="", problem=(
                "the body nests lists, quotes or emphasis too deeply for Markdown to read "
                "(hundreds of levels): flatten it"), problem_line=deep)
        collector = self.ext.collector
        if collector is None:  # pragma: no cover - extendMarkdown always ran
            raise RuntimeError("the newsgen Markdown extension is not loaded")
        toc = str(getattr(self.md, "toc", ""))
        if "<li" not in toc:
            toc = ""
        lines = text.split("\n") if collector.links or collector.absolute else []
        return Body(
            html=html,
            links=tuple(collector.links),
            summary=shorten(collector.summary),
            toc=toc,
            link_lines=link_lines_of(lines, collector.links),
            absolute=tuple(collector.absolute),
            absolute_lines=link_lines_of(lines, collector.absolute),
        )


def shorten(text: str, limit: int = SUMMARY_LENGTH) -> str:
    """Text cut at a word boundary to at most `limit` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + "…"


def fill_backrefs(text: str, title: str) -> str:
    """The footnotes' back links titled in the page's language (`title` has `{n}`)."""
    if BACKREF_OPEN not in text:
        return text
    return _BACKREF_RE.sub(
        lambda m: f'title="{html.escape(title.replace("{n}", m.group(1)))}"', text)


def fill_links(html: str, urls: list[str]) -> str:
    """Put resolved (already HTML-escaped) URLs in place of the placeholders. A link whose
    URL is UNLINKED (an article this build does not publish) keeps its words, not its <a>."""
    if PLACEHOLDER_OPEN not in html:
        return html
    if UNLINKED in urls:
        html = _ANCHOR_RE.sub(lambda m: m[2] if int(m[1]) < len(urls) and (
            urls[int(m[1])] == UNLINKED) else m[0], html)

    def put(match: re.Match[str]) -> str:
        index = int(match.group(1))
        url = urls[index] if index < len(urls) else ""
        return "#" if url == UNLINKED else url  # (another attribute than a link's own)

    return PLACEHOLDER_RE.sub(put, html)


# The URL of a link to a draft, a scheduled or an expired article (newsgen.stages.references)
UNLINKED = "\ue004"
# A link whose whole target is one placeholder, and its words (links do not nest)
_ANCHOR_RE = re.compile("<a\\b[^>]*?\\shref=\"\ue000(\\d+)\ue001\"[^>]*>(.*?)</a>", re.S)
