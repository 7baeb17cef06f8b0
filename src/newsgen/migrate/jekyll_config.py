"""What a Jekyll site's `_config.yml` says of where it lives: its host and its address."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from newsgen.migrate.common import Notes, scalar_text
from newsgen.parse import yamltree
from newsgen.parse.yamltree import YMap


def host(url: str | None) -> str | None:
    return (re.sub(r"^[a-z]+://", "", url).split("/")[0] or None) if url else None


def base_url(config: dict[str, Any]) -> str | None:
    url, base = scalar_text(config.get("url")), scalar_text(config.get("baseurl")) or ""
    if not url:
        return None
    return url.rstrip("/") + "/" + base.strip("/") + ("/" if base.strip("/") else "")


def base_path(config: dict[str, Any]) -> str:
    """The path the old site lived under and the new one will (`/blog`), as `relative_url`
    writes it: the `baseurl`, only with a `url` (without one, the new site's address is
    unknown and it has no base path to keep); "" for none."""
    base = (scalar_text(config.get("baseurl")) or "").strip("/")
    return "/" + base if base and base_url(config) else ""


def _key_line(file: Path, key: str) -> int | None:
    """The line of a top-level key of a YAML file as YAML reads it (`feed:`, `"feed":`,
    `{feed: …}`); None when it cannot be found."""
    try:
        node = yamltree.parse(file.read_text("utf-8-sig", errors="replace"), 0, [])
    except (yamltree.YamlError, OSError):
        return None
    found = [k.line for k, _ in node.items if k.text == key] if isinstance(node, YMap) else []
    return found[0] if found else None


def feed_note(config: dict[str, Any], file: Path, notes: Notes) -> None:
    """jekyll-feed writes /feed.xml, as newsgen does, unless `feed: path:` names another
    file: then its readers need a redirect on the server, said once, on `feed:`'s line.
    Both addresses are under the site's base path (`/blog/atom.xml`), as Jekyll served
    the one and newsgen will serve the other."""
    feed = config.get("feed")
    path = scalar_text(feed.get("path")) if isinstance(feed, dict) else None
    if path and path.strip("/") != "feed.xml":
        base = base_path(config)
        old, new = f"{base}/{path.strip('/')}", f"{base}/feed.xml"
        notes.warn(file.name, _key_line(file, "feed"), "feeds",
                   f"jekyll-feed's feed is at {old} (feed: path:) and newsgen's at {new}: a "
                   "redirect page cannot move a feed reader, so add a permanent (301) "
                   f"redirect on the server from {old} to {new}")
