"""What a Jekyll site's `_config.yml` says of where it lives: its host and its address."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from newsgen.migrate.common import Notes, scalar_text


def host(url: str | None) -> str | None:
    return (re.sub(r"^[a-z]+://", "", url).split("/")[0] or None) if url else None


def base_url(config: dict[str, Any]) -> str | None:
    url, base = scalar_text(config.get("url")), scalar_text(config.get("baseurl")) or ""
    if not url:
        return None
    return url.rstrip("/") + "/" + base.strip("/") + ("/" if base.strip("/") else "")


def feed_note(config: dict[str, Any], file: Path, notes: Notes) -> None:
    """jekyll-feed writes /feed.xml, as newsgen does, unless `feed: path:` names another
    file: then its readers need a redirect on the server, said once, on `feed:`'s line."""
    feed = config.get("feed")
    path = scalar_text(feed.get("path")) if isinstance(feed, dict) else None
    if path and path.strip("/") != "feed.xml":
        lines = file.read_text("utf-8", errors="replace").split("\n")
        line = next((n for n, text in enumerate(lines, 1) if text.startswith("feed:")), None)
        notes.warn(file.name, line, "feeds", f"jekyll-feed's feed is at /{path.strip('/')} "
                   "(feed: path:) and newsgen's at /feed.xml: a redirect page cannot move a "
                   "feed reader, so add a permanent (301) redirect on the server from "
                   f"/{path.strip('/')} to /feed.xml")
