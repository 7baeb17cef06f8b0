"""The content models: what an article is once its front matter has been validated.

Models are frozen. Paths are POSIX strings relative to the site folder
(`source`, for messages) or to `content/` (`content_path`, for references).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import SplitResult, unquote, urlsplit

# Markdown files are articles: `.md`, and Jekyll's `.markdown` and the rarer `.mdown`, `.mkd`.
ARTICLE_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")


def article_stem(path: str) -> str | None:
    """The path without its Markdown suffix ("general/visit"), or None for another file."""
    lower = path.lower()
    for suffix in ARTICLE_SUFFIXES:
        if lower.endswith(suffix):
            return path[: -len(suffix)]
    return None


def with_stems(paths: Mapping[str, Any]) -> dict[str, Any]:
    """A lookup by content path that also answers to the path without `.md` (or
    `.markdown`, …), as references and links may name an article either way."""
    out = dict(paths)
    for path, value in paths.items():
        stem = article_stem(path)
        if stem is not None:
            out.setdefault(stem, value)
    return out


@dataclass(frozen=True)
class Image:
    """A lead image as written: a path relative to the article, a site path, or an http(s) URL."""

    src: str
    alt: str | None = None
    caption: str | None = None
    credit: str | None = None
    line: int | None = None

    @property
    def external(self) -> bool:
        return self.src.lower().startswith(("http://", "https://"))  # (schemes ignore case)


@dataclass(frozen=True)
class RelatedItem:
    """One entry of `related` as written: an internal `ref` or an external `url`."""

    ref: str | None
    url: str | None
    title: str | None
    line: int | None


@dataclass(frozen=True)
class Article:
    source: str
    content_path: str
    title: str
    date: datetime
    section: str
    slug: str
    time_given: bool = True  # False for a date without a time: shown as a day
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    summary: str | None = None
    lang: str = "en"
    translation_key: str | None = None
    draft: bool = False
    updated: datetime | None = None
    updated_time_given: bool = True  # False for an `updated` day without a time
    image: Image | None = None
    related: tuple[RelatedItem, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    lines: Mapping[str, int] = field(default_factory=dict)
    valid: bool = True  # False: front matter had errors; checked further but never published
    expiry: datetime | None = None  # after this time the article leaves the site
    aliases: tuple[str, ...] = ()  # old paths, as output files: "2019/05/old/index.html"
    # Hugo and Jekyll fields read with another meaning ("comma-tags", "more-images"), for
    # the build's once-per-kind warning (newsgen.parse.readings)
    readings: tuple[str, ...] = ()

    def line_of(self, name: str) -> int | None:
        return self.lines.get(name)

    def alias_line(self, path: str) -> int | None:
        """The line of the alias that makes the output path `path`, else of `aliases:`."""
        return self.lines.get(alias_line(path)) or self.lines.get("aliases")

    @property
    def folder(self) -> str:
        """The article's folder relative to `content/` ("" at the top)."""
        head, _, _ = self.content_path.rpartition("/")
        return head


@dataclass(frozen=True)
class Asset:
    """A non-Markdown file under `content/` or `static/`, copied to the output."""

    source: str  # relative to the site folder: "content/general/photo.jpg"
    output: str  # relative to the output folder: "general/photo.jpg"


UNCLOSED_HOST = "its host opens '[' for an IPv6 address and never closes it"


def on_site_together(a: Article, b: Article, later: Collection[str]) -> bool:
    """Whether two articles are ever on the site at once: one of `later` (sources of
    scheduled articles) from its date, any other already; each until its expiry."""
    def before(start: datetime | None, end: datetime | None) -> bool:
        return start is None or end is None or start < end

    return (before(a.date if a.source in later else None, b.expiry)
            and before(b.date if b.source in later else None, a.expiry))


def split_url(text: str) -> SplitResult | None:
    """`urlsplit(text)`, or None for a URL it refuses: an IPv6 host not closed
    (`https://[::1/`), which editors' and old sites' URLs may hold."""
    try:
        return urlsplit(text)
    except ValueError:
        return None


# What a host never holds: a space, a quote, a bracket of HTML, a control character
_NOT_IN_HOST = re.compile(r'[\s"<>\\^`{|}\x00-\x1f\x7f]')


def host_problem(parts: SplitResult) -> str | None:
    """What is wrong with the host part of an http(s) URL, said after the URL, or None:
    a port that is no number up to 65535, a user name or password (it would be published
    with every link), a host with a space or a character no host has."""
    try:
        parts.port  # noqa: B018 - read for the ValueError it raises
    except ValueError:
        return "has a port that is not a number from 0 to 65535"
    if parts.username is not None or parts.password is not None:
        return "holds a user name or password, which every link would publish: leave it out"
    if _NOT_IN_HOST.search(parts.hostname or ""):
        return "has a space or a character that no host name has"
    return None


def alias_line(path: str) -> str:
    """The key of an alias's line among an article's `lines` (an output path)."""
    return f"aliases {path}"


def alias_path(text: str) -> str | None:
    """The output file an old URL path names (`/old/title/` → `old/title/index.html`), or
    None when it is no path inside the site (a scheme, `..`, a NUL, the home page)."""
    text = text.strip()
    if re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", text) or text.startswith("//"):
        parts = split_url(text if not text.startswith("//") else "http:" + text)
        if parts is None or parts.scheme not in ("http", "https"):
            return None
        text = parts.path  # a full URL of the old site: its path
    split = split_url(text)
    if split is None:
        return None
    path = unquote(split.path)
    if any(ch in path for ch in "\x00\\") or any(ord(ch) < 32 for ch in path):
        return None
    segments = [seg for seg in path.split("/") if seg and seg != "."]
    if not segments or ".." in segments:
        return None
    rel = "/".join(segments)
    if rel.lower().endswith((".html", ".htm")):
        return rel
    return rel + "/index.html"
