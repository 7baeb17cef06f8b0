"""Site search: a Pagefind index of the article pages, per language and per period.

Pagefind (from PyPI, with its binary) reads the rendered article pages and
writes a static, chunked index that the browser loads piece by piece. Only the
part of an article page marked `data-pagefind-body` is indexed: the headline
and the body, not navigation, "read also" or footers.

The index is split so that publishing costs what it changes. Each language has
its own parts under `/<lang>/pagefind/` (the default language's under
`/pagefind/`), built with that language's stemming: one part per month of the
current year (`2026-12/`) and one per earlier year (`2019/`). The search page
merges them at query time (Pagefind's `mergeIndex`). A part is kept in the
build cache with the fingerprints of the pages it was made from, so a build
indexes only the parts whose article pages changed: publishing today's story
re-indexes this month, not ten years of archive.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess  # noqa: S404 - runs the Pagefind binary that ships with newsgen
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol
from urllib.parse import quote, unquote

from newsgen.hashing import code_identity, digest
from newsgen.model.site import Entry, Site

BUNDLE = "pagefind/"  # the parts' folder, under each language's prefix
TIME_LIMIT = 3600.0  # seconds for one part: far more than any archive needs


def part_of(moment: datetime, now: datetime) -> str:
    """The index part of an article: its month in the current year, else its year.

    Both times are in the site's zone.
    """
    if moment.year == now.year:
        return f"{moment.year:04d}-{moment.month:02d}"
    return f"{moment.year:04d}"


def part_order(part: str) -> tuple[int, int]:
    """Newest first: months of this year, then earlier years."""
    year, _, month = part.partition("-")
    return (-int(year), -int(month or 0))


class SearchUnavailable(Exception):
    """Pagefind could not run (no binary for this platform, or it failed)."""


@dataclass(frozen=True)
class PartIndex:
    """What one part of a language's index is made from: article pages and fingerprints."""

    code: str  # the language
    prefix: str  # "" or "ru/"
    part: str  # "2026-12" or "2019"
    pages: tuple[tuple[str, str, str], ...]  # (output path, URL path, digest of what is indexed)

    @property
    def folder(self) -> str:
        """Its place in the output: "ru/pagefind/2026-12/"."""
        return f"{self.prefix}{BUNDLE}{self.part}/"

    @property
    def key(self) -> str:
        text = "\n".join(f"{p}\t{u}\t{f}" for p, u, f in self.pages)
        return digest(f"{code_identity()}|{self.code}|{_pagefind_version()}|{text}".encode())


def _pagefind_version() -> str:
    try:
        from importlib.metadata import version

        return version("pagefind")
    except Exception:  # noqa: BLE001 - only part of a cache key
        return "?"


def build_index(index: PartIndex, source: Callable[[str], Path], folder: Path) -> None:
    """Index the part's article pages into `folder` with Pagefind's command line.

    The pages are hard-linked (copied where links cannot be made) into a scratch folder
    laid out below the language's root, which Pagefind indexes as a site: a page's URL
    in the index is its path there, and Pagefind's UI puts the folder above the bundle
    (`/news/ru/`) before it. (The pagefind package's Python service answers at most ten
    messages a second, too slow to add an archive page by page.)
    """
    binary = _binary()
    scratch = folder.parent / "pages"
    shutil.rmtree(scratch, ignore_errors=True)
    try:
        for path, url, _ in index.pages:
            target = scratch / unquote(url.lstrip("/")) / "index.html" if url.endswith("/") \
                else scratch / unquote(url.lstrip("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source(path), target)
            except OSError:
                shutil.copyfile(source(path), target)
        scratch.mkdir(parents=True, exist_ok=True)
        try:
            done = subprocess.run(  # noqa: S603 - pagefind's own binary, our own arguments
                [str(binary), "--site", str(scratch), "--output-path", str(folder),
                 "--force-language", index.code.split("-")[0], "--silent"],
                capture_output=True, text=True, timeout=TIME_LIMIT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SearchUnavailable(f"{binary}: {exc}") from None
        if done.returncode != 0:
            if not scratch.is_dir():  # deleted with the state folder: no fault of Pagefind
                raise FileNotFoundError(errno.ENOENT, "deleted while indexed", str(scratch))
            said = (done.stderr or done.stdout).strip().splitlines()
            raise SearchUnavailable(f"{binary} exits with status {done.returncode}"
                                    + (f": {said[-1]}" if said else ""))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _binary() -> Path:
    try:
        from pagefind.service import get_executable
    except ImportError as exc:  # pragma: no cover - a dependency of newsgen
        raise SearchUnavailable(f"the pagefind package is missing ({exc})") from None
    binary = get_executable()  # PAGEFIND_BINARY_PATH, or the one pagefind[bin] installed
    if binary is None:
        raise SearchUnavailable("no Pagefind binary is installed for this platform")
    return binary


def indexes(cache: Path | None, wanted: Iterable[PartIndex], source: Callable[[str], Path],
            defer: Callable[[PartIndex], bool] | None = None,
            ) -> Iterator[tuple[PartIndex, Path | None, bool]]:
    """Each part's index folder, from the cache when its pages did not change.

    Yields (part, folder, rebuilt); the folder is None for a changed part that `defer`
    says to index later (the dev server, which reloads the page first). Parts of the
    cache that no longer exist are removed. Without a cache folder the parts are built in
    a temporary folder, removed when the caller has copied them (at the end of iteration).
    """
    temporary = cache is None
    base = (cache if cache is not None else Path(tempfile.mkdtemp(prefix="newsgen-search-")))
    base = base / "search"
    kept: set[Path] = set()
    try:
        for index in wanted:
            home = base / index.code / index.part
            kept.add(home)
            stamp = home / "KEY"
            current = home / "index"
            try:
                fresh = stamp.read_text(encoding="utf-8") == index.key and current.is_dir()
            except OSError:
                fresh = False
            if not fresh and defer is not None and defer(index):
                yield index, None, False
                continue
            if not fresh:
                building = home / "building"
                shutil.rmtree(building, ignore_errors=True)
                building.mkdir(parents=True)
                build_index(index, source, building)
                shutil.rmtree(current, ignore_errors=True)
                building.rename(current)
                stamp.write_text(index.key, encoding="utf-8")
            yield index, current, not fresh
        if base.is_dir():  # parts (and languages) that are gone
            for lang in base.iterdir():
                for part in lang.iterdir() if lang.is_dir() else ():
                    if part not in kept:
                        shutil.rmtree(part, ignore_errors=True)
    finally:
        if temporary:
            shutil.rmtree(base.parent, ignore_errors=True)


def files(folder: Path) -> list[tuple[str, Path]]:
    """Every file of an index folder, as (path relative to it, file), in a stable order."""
    return sorted((p.relative_to(folder).as_posix(), p) for p in folder.rglob("*") if p.is_file())


class _Page(Protocol):  # newsgen.stages.kinds.Page, which imports this module
    @property
    def kind(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def lang(self) -> str: ...
    @property
    def entry(self) -> Entry | None: ...


def parts_of(site: Site, pages: Iterable[_Page], template: str,
             langs: Mapping[str, str] | None = None,
             images: Mapping[str, object] | None = None) -> list[PartIndex]:
    """The parts of every language's index and the articles in each: their path, their
    URL and a digest of what is indexed of them, so that a part is indexed again only when
    one of these changed: `template`, the article template's digest; `langs`, a digest
    per language of what its articles show besides their own (newsgen.incremental.
    search_parts); `images`, the lead images' sizes, which decide their variants."""
    langs, images = langs or {}, images or {}
    now = site.now.astimezone(site.config.tz)
    groups: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    prefixes = {ls.lang.code: ls.prefix for ls in site.languages}
    for p in pages:
        if p.kind != "article" or p.entry is None:
            continue
        part = part_of(p.entry.article.date.astimezone(site.config.tz), now)
        # Pagefind's UI puts the folder above the bundles (`/news/ru/`) before a result's
        # URL, so each page is given by its path below the language's root.
        url = "/" + quote(p.url[len(prefixes[p.lang]):])
        e = p.entry
        image = e.image and (e.image.url, e.image.external, e.image.alt, e.image.caption,
                             e.image.credit, images.get(e.image.url))
        indexed = digest(f"{template}|{langs.get(p.lang)}|{e.article.title}|{e.body_key}|"
                         f"{e.body_urls}|{image}".encode())
        groups.setdefault((p.lang, part), []).append((p.path, url, indexed))
    return [PartIndex(code, prefixes[code], part, tuple(items))
            for (code, part), items in sorted(groups.items())]
