"""What the live-reload server adds to the site's pages, and which page answers a miss:
the live-reload script in each served HTML page (never in the built files), a
language's own 404 page, the page of a site that does not build yet; and which bytes of
a file a request's Range asks for."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

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


def inject(page: bytes, version: int, special: str = SPECIAL, name: str = "livereload",
           problems: Sequence[str] = (), run: str = "") -> bytes:
    """The live-reload script, added to a served HTML page (never to the built files);
    while the last rebuild failed, its `problems` too, shown over the page (the script
    keeps the overlay up to date, but a page read without it shows them as well). `run`:
    the server's own mark, so that a page of an earlier server reloads."""
    tag = (f'<script src="{special}live.js" data-version="{version}" '
           f'data-run="{html.escape(run)}" data-name="{html.escape(name)}"></script>').encode()
    if problems:
        tag = overlay(problems, name).encode() + tag
    at = page.rfind(b"</body>")
    if at < 0:
        return page + tag
    return page[:at] + tag + page[at:]


def overlay(problems: Sequence[str], name: str) -> str:
    """The failed rebuild's problems over the page, as `livereload.js` shows them."""
    n, name = len(problems), html.escape(name)
    lines = "".join(f'<div class="{name}-problem">{html.escape(p)}</div>' for p in problems)
    return (f'<div id="{name}-error-overlay" role="alert" style="position:fixed;inset:0;'
            "z-index:2147483647;overflow:auto;background:rgba(20,20,20,.94);color:#fff;"
            "font:15px/1.5 ui-monospace,Menlo,Consolas,monospace;padding:2rem;"
            'white-space:pre-wrap"><h2 style="color:#ff8080;font:bold 18px system-ui,'
            f'sans-serif;margin:0 0 1rem">{name}: the last rebuild failed with {n} '
            f"error{'' if n == 1 else 's'} \u2014 showing the last good site</h2>{lines}"
            '<p style="color:#bbb;font-family:system-ui,sans-serif;margin-top:1.5rem">Fix '
            "the file and save: this page updates by itself.</p></div>")


def error_page(name: str, problems: Sequence[str]) -> bytes:
    """Before any good build there is nothing to serve: the problems instead."""
    items = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
    name = html.escape(name)
    return (f"<!doctype html><html lang=en><meta charset=utf-8><title>{name}: build "
            f"failed</title><body><h1>{name}: the site does not build yet</h1>"
            f"<ul>{items}</ul></body></html>").encode()


def path_of(target: str) -> str | None:
    """The path of a request's target; None for one that is no URL (`//[::1`)."""
    try:
        return urlsplit(target).path
    except ValueError:
        return None


_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def byte_range(header: str | None, size: int) -> tuple[int, int] | bool:
    """The first and last byte a `Range: bytes=…` header asks for, of a file of `size`
    bytes (a video's player asks for parts); False when no byte of it is in the file (416);
    True for the whole file: no header, several ranges or one not understood (HTTP lets
    a server answer those with all of it)."""
    found = _RANGE.fullmatch((header or "").strip())
    if found is None or not (found[1] or found[2]):
        return True
    if not found[1]:  # `bytes=-500`: the last 500
        last = int(found[2])
        return (max(0, size - last), size - 1) if last and size else False
    first = int(found[1])
    end = min(int(found[2]), size - 1) if found[2] else size - 1
    if found[2] and int(found[2]) < first:
        return True
    return (first, end) if first < size else False

