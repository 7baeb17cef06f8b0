"""Placing the imported posts in newsgen's URLs so that old URLs keep working.

newsgen's URL of an article is its language's folder, then the site's `permalink` filled
with the section's slug, the article's slug and its date in the site's time zone
(newsgen.stages.site). The importer picks the `permalink` that gives the most posts their
old URL exactly, gives each such post the slug that does it, and lists the old URL of
every other post in its `aliases` (a redirect page). Slugs and sections are made with
newsgen's own `slugify`, so the comparison is exact.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from urllib.parse import unquote

from newsgen.model.content import alias_path
from newsgen.parse.config_values import check_permalink
from newsgen.parse.slugs import slugify

# Patterns newsgen can take, tried besides the one translated from the old site's.
COMMON_PATTERNS = (
    "/{section}/{slug}/", "/{section}/{year}/{month}/{day}/{slug}/",
    "/{year}/{month}/{day}/{slug}/", "/{year}/{month}/{slug}/",
    "/{section}/{year}/{month}/{slug}/", "/{slug}/",
    "/{section}/{year}/{month}/{day}/{slug}.html", "/{year}/{month}/{day}/{slug}.html",
    "/{section}/{slug}.html", "/{slug}.html",
)
_RESERVED_FIRST = ("tags", "authors", "archive", "search", "page")
# The files newsgen writes at the root of the output (and of each language, for the pages).
RESERVED_FILES = ("index.html", "404.html", "feed.xml", "sitemap.xml", "news-sitemap.xml",
                  "robots.txt")


@dataclass
class Spot:
    """One post as placing sees it."""

    key: str  # the source path, for a stable order and messages
    old_url: str | None  # "/en/news/2020/01/02/x/", decoded
    prefix: str  # newsgen's folder of its language: "", "ru/"
    section: str  # the section's slug
    when: datetime  # the instant
    name: str  # the slug to fall back on (from the old URL's or the file's name)
    extra_aliases: list[str] = field(default_factory=list)  # aliases the post gives itself
    # results
    slug: str = ""
    url: str = ""
    aliases: list[str] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (alias, why)

    @property
    def kept(self) -> bool:
        """Its newsgen URL is its old URL."""
        return self.old_url is not None and alias_path(self.old_url) == page_path(self.url)


def normalize(pattern: str) -> str | None:
    """A newsgen permalink as the config reader keeps it (no leading '/'); None if bad."""
    problem, normal = check_permalink(pattern)
    return None if problem else normal


def fill(pattern: str, spot: Spot, slug: str, tz: tzinfo) -> str:
    """newsgen's URL (without the base path) of `spot` under `pattern` (normalized)."""
    local = spot.when.astimezone(tz)
    return spot.prefix + pattern.format(section=spot.section, slug=slug,
                                        year=f"{local.year:04d}", month=f"{local.month:02d}",
                                        day=f"{local.day:02d}")


def old_path(spot: Spot) -> str | None:
    """The old URL as newsgen compares it: no leading '/', decoded."""
    if spot.old_url is None:
        return None
    return unquote(spot.old_url).lstrip("/")


def matching_slug(pattern: str, spot: Spot, tz: tzinfo) -> str | None:
    """The slug that gives `spot` its old URL under `pattern`, if newsgen would keep it."""
    old = old_path(spot)
    if old is None:
        return None
    before, marker, after = fill(pattern, spot, "\x00", tz).partition("\x00")
    if not marker or "\x00" in after:
        return None
    if not (old.startswith(before) and old.endswith(after)) or len(old) <= len(before) + len(
            after):
        return None
    value = old[len(before):len(old) - len(after)]
    if "/" in value or slugify(value) != value:
        return None
    return value


def choose(patterns: Sequence[str], spots: Sequence[Spot], tz: tzinfo) -> str:
    """Of `patterns` (the translated ones first), the one that keeps the most old URLs."""
    best, best_count = "", -1
    seen: set[str] = set()
    for raw in [*patterns, *COMMON_PATTERNS]:
        pattern = normalize(raw)
        if pattern is None or pattern in seen:
            continue
        seen.add(pattern)
        count = sum(1 for s in spots if matching_slug(pattern, s, tz) is not None)
        if count > best_count:
            best, best_count = pattern, count
    return best


def page_path(url: str) -> str:
    return url if url.endswith(".html") else url + "index.html"


def settle(pattern: str, spots: Sequence[Spot], tz: tzinfo,
           reserved: Callable[[str], bool] | None = None) -> None:
    """Give every spot its slug, URL and aliases; no two articles share a path, and no
    alias is a path another page has."""
    taken: dict[str, str] = {}
    sections = {s.section for s in spots}
    exact = {s.key: matching_slug(pattern, s, tz) for s in spots}

    def clash(spot: Spot, slug: str) -> bool:
        """The page would take another post's path, or one of newsgen's own pages'
        (an old post whose URL was its section's, `/posts/`, under `/{slug}/`)."""
        path = page_path(fill(pattern, spot, slug, tz))
        return path in taken or _reserved(path, spot.prefix, sections) or (
            reserved is not None and reserved(path))

    # Posts that keep their old URL first, so that no other post takes it.
    for spot in sorted(spots, key=lambda s: (exact[s.key] is None, s.key)):
        slug = exact[spot.key]
        if slug is not None and clash(spot, slug):
            slug = None
        if slug is None:
            slug = slugify(spot.name) or slugify(spot.key.rsplit("/", 1)[-1]) or "post"
        base, number = slug, 1
        while clash(spot, slug):
            number += 1
            slug = f"{base}-{number}"
        spot.slug = slug
        spot.url = fill(pattern, spot, slug, tz)
        taken[page_path(spot.url)] = spot.key
    claimed: dict[str, str] = {}
    for spot in sorted(spots, key=lambda s: s.key):
        wanted = [*spot.extra_aliases]
        if spot.old_url is not None:
            wanted.append(spot.old_url)
        for alias in wanted:
            path = alias_path(alias)
            if path is None:
                spot.dropped.append((alias, "it is not a path on this site"))
            elif path == page_path(spot.url) or claimed.get(path) == spot.key:
                continue
            elif path in claimed:
                spot.dropped.append((alias, f"it is an old URL of {claimed[path]} too"))
            elif path in taken:
                spot.dropped.append((alias, f"it is the new URL of {taken[path]}"))
            elif _reserved(path, spot.prefix, sections) or (
                    reserved is not None and reserved(path)):
                spot.dropped.append((alias, "newsgen makes a page of its own there"))
            else:
                claimed[path] = spot.key
                spot.aliases.append("/" + path.removesuffix("index.html"))


def _reserved(path: str, prefix: str, sections: set[str]) -> bool:
    """A path newsgen writes a list page, feed or file of its own at."""
    rest = path[len(prefix):] if prefix and path.startswith(prefix) else path
    parts = rest.split("/")
    if rest in RESERVED_FILES or parts[0] in _RESERVED_FIRST:
        return True
    return len(parts) >= 2 and parts[0] in sections and parts[1] in (
        "index.html", "feed.xml", "page")


def relative_link(from_folder: str, target: str, anchor: str = "") -> str:
    """A relative link from a folder under content/ to a file under content/."""
    rel = posixpath.relpath(target, from_folder or ".")
    return rel + (f"#{anchor}" if anchor else "")
