"""An old site's URLs, from its sitemap (or a list of URLs, one a line), matched against
what a new build publishes: `newsgen check --old-sitemap FILE`.

A URL is answered when the new build has a page, a redirect page (an article's
`aliases`) or a file at its path: `/a/b/` and `/a/b` by `a/b/index.html`, `/a/b.html` by
that file. Only the path counts, below the site's base path, so an old sitemap written
for another host (the old domain, a staging copy) is checked all the same.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from newsgen.model.content import UNCLOSED_HOST, split_url

_LOC = re.compile(r"<(?:\w+:)?loc>\s*(.*?)\s*</(?:\w+:)?loc>", re.S)
_INDEX = re.compile(r"<(?:\w+:)?sitemapindex\b")


@dataclass(frozen=True)
class OldUrl:
    url: str
    line: int


class Unreadable(Exception):
    """Not a whole sitemap or list of URLs: a check against it would prove nothing."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line


def read(text: str) -> tuple[list[OldUrl], bool]:
    """The URLs of a sitemap, or of a plain list (one a line, `#` comments); and whether
    it is a sitemap index (whose URLs are sitemaps, not pages). A sitemap cut short
    (its closing tag missing, a `<loc>` or `<url>` left open) or a file without one URL
    raises Unreadable: a migration check must not pass on half a list."""
    if text.lstrip().startswith("<") or "<loc" in text or "<urlset" in text:
        is_index = _INDEX.search(text) is not None
        root = "sitemapindex" if is_index else "urlset"
        item = "sitemap" if is_index else "url"
        found = [OldUrl(html.unescape(m.group(1)), text.count("\n", 0, m.start()) + 1)
                 for m in _LOC.finditer(text)]
        if not re.search(rf"</(?:\w+:)?{root}>\s*\Z", text):
            raise Unreadable(text.count("\n") + 1, f"the sitemap ends before its </{root}>: "
                                                   "it is cut short, or not a sitemap")
        opened = len(re.findall(rf"<(?:\w+:)?{item}>", text))
        closed = len(re.findall(rf"</(?:\w+:)?{item}>", text))
        locs = len(re.findall(r"<(?:\w+:)?loc>", text))
        if not opened == closed == locs == len(found):
            raise Unreadable(None, f"the sitemap has {opened} <{item}>, {closed} </{item}>, "
                                   f"{locs} <loc> and {len(found)} complete <loc>…</loc>: "
                                   "each entry must be whole")
        if not found:
            raise Unreadable(None, "the sitemap lists no URL")
        return found, is_index
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        url = line.strip()
        if url and not url.startswith("#"):
            out.append(OldUrl(url, number))
    if not out:
        raise Unreadable(None, "the file lists no URL (a sitemap, or one URL a line)")
    return out, False


def candidates(url: str, base_path: str) -> list[str] | None:
    """The output files that would answer `url`; None when it is outside the base path."""
    path = unquote(urlsplit(url).path or "/")
    if not path.startswith("/"):
        path = "/" + path
    if "/." in path:  # /a/../b/ is /b/, as a browser asks for it
        path = posixpath.normpath(path) + ("/" if path.endswith(("/", "/.", "/..")) else "")
        path = path.replace("//", "/")
    base_path = unquote(base_path)  # written percent-encoded, as every URL is
    if not path.startswith(base_path) and path + "/" != base_path:
        return None
    rel = path[len(base_path):] if path.startswith(base_path) else ""
    if rel == "" or rel.endswith("/"):
        return [rel + "index.html"]
    return [rel, rel + "/index.html"]


@dataclass
class Match:
    pages: int = 0
    redirects: int = 0
    files: int = 0


def unanswered(urls: list[OldUrl], base_path: str, outputs: Mapping[str, str],
               counts: Match) -> Iterator[tuple[OldUrl, str]]:
    """Each old URL the build does not answer, with why; `outputs`: output path → what
    it is ("redirect", "file", or a page kind). `counts` is filled in as it goes."""
    for old in urls:
        if split_url(old.url) is None:
            yield old, f"{old.url} is not a URL: {UNCLOSED_HOST}"
            continue
        found = candidates(old.url, base_path)
        if found is None:
            yield old, f"{old.url} is outside the site's base path {base_path}"
            continue
        kind = next((outputs[c] for c in found if c in outputs), None)
        parts = found[0].split("/")  # /categories/x/ or /en/categories/x/: tags here
        at = next((i for i in (0, 1) if parts[i:i + 1] in (["categories"], ["category"],
                                                            ["tag"])), None)
        listed = "/".join([*parts[:at], "tags", *parts[at + 1:]]) if at is not None else ""
        if kind is None and listed in outputs:  # Hugo's and Jekyll's lists: tags here
            yield old, (f"{old.url} was a list page of the old site; its articles are listed "
                        f"at /{listed.removesuffix('index.html')} now: redirect it there on "
                        "the web server (only an article can carry aliases)")
        elif kind is None and found[0].endswith(".html"):
            alias = "/" + found[0].removesuffix("index.html")  # aliases are below base_url
            yield old, (f"{old.url} is neither a page nor a redirect in the new build "
                        f"(/{found[0]} is missing); give the article that replaces it "
                        f"aliases: [{alias}]")
        elif kind is None:
            yield old, f"{old.url} is missing from the new build (no file /{found[0]})"
        elif kind == "redirect":
            counts.redirects += 1
        elif kind == "file":
            counts.files += 1
        else:
            counts.pages += 1
