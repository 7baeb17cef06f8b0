"""Which full URLs are this site's own pages: a read-also item's or a body's
`https://example.org/general/a/`, compared with the base URLs as a browser reads them."""

from __future__ import annotations

import functools
import posixpath
import re
from urllib.parse import SplitResult, unquote

from newsgen.model.config import Config
from newsgen.model.content import split_url


def own_path(config: Config, url: str) -> str | None:
    """The site path of a full URL on this site's `base_url`, or on the one in
    newsgen.yaml when --base-url or the dev server gives another ("general/a/").

    Compared as a browser reads a URL: `http:` or `https:`, the host in any case, its
    default port written or not, dot segments resolved, percent-encoding undone; a
    folder's `index.html` is the folder."""
    bases = _bases((config.base_url, *config.own_urls))
    # (most URLs are other sites': told by their host alone, before a whole parse)
    host = url.partition("//")[2].partition("/")[0].rpartition("@")[2].lower()
    if not bases or not any(name in host for name, _, _ in bases):
        return None
    parts = split_url(url.strip())
    origin = _origin(parts)
    if parts is None or origin is None:
        return None
    path = _dots(unquote(parts.path) or "/")
    for _, base_origin, base_path in bases:
        if base_origin != origin or not (path + "/").startswith(base_path):
            continue
        rel = path[len(base_path):]
        if rel == "index.html" or rel.endswith("/index.html"):
            rel = rel[:-len("index.html")]
        return rel if not rel or rel.endswith("/") or "." in rel.rsplit("/", 1)[-1] \
            else rel + "/"
    return None


_PORTS = {"http": 80, "https": 443}


def may_be_own(config: Config) -> re.Pattern[str] | None:
    """A quick test that a full URL may be on this site (its host is one of the base
    URLs'): only those need `own_path`. None when the site has no absolute base URL."""
    return _host_test(tuple(name for name, _, _ in _bases((config.base_url,
                                                             *config.own_urls))))


@functools.lru_cache(maxsize=8)
def _host_test(hosts: tuple[str, ...]) -> re.Pattern[str] | None:
    if not hosts:
        return None
    names = "|".join(re.escape(f"[{h}]" if ":" in h else h) for h in dict.fromkeys(hosts))
    return re.compile(rf"\s*https?://(?:[^/?#@]*@)?(?:{names})(?::\d*)?(?:[/?#]|\s*$)", re.I)


@functools.lru_cache(maxsize=8)
def _bases(urls: tuple[str, ...]) -> tuple[tuple[str, tuple[str, int | None], str], ...]:
    """Each absolute base URL's host, origin and path (unquoted, ending in '/')."""
    out = []
    for base in urls:
        parts = split_url(base)
        origin = _origin(parts)
        if parts is not None and origin is not None:
            out.append((origin[0], origin, unquote(parts.path).rstrip("/") + "/"))
    return tuple(out)


def _origin(parts: SplitResult | None) -> tuple[str, int | None] | None:
    """A URL's host and its port when not the default one; None for a URL that is not
    http(s) or names no host. (`http:` and `https:` alike: a site answers both.)"""
    if parts is None or parts.scheme.lower() not in _PORTS or not parts.hostname:
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    return parts.hostname.lower(), None if port == _PORTS[parts.scheme.lower()] else port


def _dots(path: str) -> str:
    """`/a/../b/` as a browser reads it: `/b/`."""
    if "/." not in path and "//" not in path:
        return path
    found = posixpath.normpath(path)
    found = "/" if found == "//" else found
    return found if found.endswith("/") or not path.endswith("/") else found + "/"
