"""What a Jekyll site's `_config.yml` says of where it lives: its host and its address."""

from __future__ import annotations

import re
from typing import Any

from newsgen.migrate.common import scalar_text


def host(url: str | None) -> str | None:
    return (re.sub(r"^[a-z]+://", "", url).split("/")[0] or None) if url else None


def base_url(config: dict[str, Any]) -> str | None:
    url, base = scalar_text(config.get("url")), scalar_text(config.get("baseurl")) or ""
    if not url:
        return None
    return url.rstrip("/") + "/" + base.strip("/") + ("/" if base.strip("/") else "")
