"""What the live-reload server adds to the site's pages, and which page answers a miss:
the live-reload script in each served HTML page (never in the built files), and a
language's own 404 page."""

from __future__ import annotations

import html
import os
from pathlib import Path

SPECIAL = "/__livereload__/"


def not_found_page(root: Path, raw_path: str) -> Path | None:
    """The 404 page for a missing path: `/tk/nope/` gets `tk/404.html` when the site has
    one (a language's own), anything else the site's `404.html`."""
    first = raw_path.lstrip("/").split("/", 1)[0]
    candidates = [root / "404.html"]
    if first and first not in (".", "..") and "\\" not in first and "\x00" not in first:
        candidates.insert(0, root / first / "404.html")
    for page in candidates:
        real = os.path.realpath(page)
        if os.path.commonpath([os.path.realpath(root), real]) == os.path.realpath(root) \
                and os.path.isfile(real):
            return page
    return None


def inject(page: bytes, version: int, special: str = SPECIAL, name: str = "livereload") -> bytes:
    """The live-reload script, added to a served HTML page (never to the built files)."""
    tag = (f'<script src="{special}live.js" data-version="{version}" '
           f'data-name="{html.escape(name)}"></script>').encode()
    at = page.rfind(b"</body>")
    if at < 0:
        return page + tag
    return page[:at] + tag + page[at:]
