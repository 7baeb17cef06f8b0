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

import asyncio
import shutil
import subprocess  # noqa: S404 - runs the Pagefind binary that ships with newsgen
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from newsgen import __version__
from newsgen.cache import digest

BUNDLE = "pagefind/"  # the parts' folder, under each language's prefix
TIME_LIMIT = 1800.0  # seconds for one part: far more than any archive needs


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
    pages: tuple[tuple[str, str, str], ...]  # (output path, URL path, fingerprint)

    @property
    def folder(self) -> str:
        """Its place in the output: "ru/pagefind/2026-12/"."""
        return f"{self.prefix}{BUNDLE}{self.part}/"

    @property
    def key(self) -> str:
        text = "\n".join(f"{p}\t{u}\t{f}" for p, u, f in self.pages)
        return digest(f"{__version__}|{self.code}|{_pagefind_version()}|{text}".encode())


def _pagefind_version() -> str:
    try:
        from importlib.metadata import version

        return version("pagefind")
    except Exception:  # noqa: BLE001 - only part of a cache key
        return "?"


def check_binary() -> None:
    """Run the Pagefind binary once (`--version`); SearchUnavailable when it cannot run.

    The pagefind package's service can wait forever on a binary that dies at start, so
    the binary is tried on its own, with a time limit, before any indexing.
    """
    try:
        from pagefind.service import get_executable
    except ImportError as exc:  # pragma: no cover - a dependency of newsgen
        raise SearchUnavailable(f"the pagefind package is missing ({exc})") from None
    binary = get_executable()
    if binary is None:
        raise SearchUnavailable("no Pagefind binary is installed for this platform")
    try:
        done = subprocess.run([str(binary), "--version"],  # noqa: S603 - pagefind's own binary
                              capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchUnavailable(f"{binary}: {exc}") from None
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        raise SearchUnavailable(f"{binary} exits with status {done.returncode}"
                                + (f": {said[-1]}" if said else ""))


def build_index(index: PartIndex, read: Callable[[str], bytes], folder: Path) -> None:
    """Index the part's article pages (their bytes from `read`) into `folder`."""
    try:
        asyncio.run(asyncio.wait_for(_index(index, read, folder), timeout=TIME_LIMIT))
    except SearchUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001 - the binary, its service or its output failed
        raise SearchUnavailable(f"{type(exc).__name__}: {exc}") from None


async def _index(index: PartIndex, read: Callable[[str], bytes], folder: Path) -> None:
    try:
        from pagefind.index import IndexConfig, PagefindIndex
    except ImportError as exc:  # pragma: no cover - a dependency of newsgen
        raise SearchUnavailable(f"the pagefind package is missing ({exc})") from None
    config = IndexConfig(force_language=index.code.split("-")[0], output_path=str(folder))
    async with PagefindIndex(config=config) as pf:
        for path, url, _ in index.pages:
            await pf.add_html_file(content=read(path).decode("utf-8"), url=url)


def indexes(cache: Path | None, wanted: Iterable[PartIndex],
            read: Callable[[str], bytes]) -> Iterator[tuple[PartIndex, Path, bool]]:
    """Each part's index folder, from the cache when its pages did not change.

    Yields (part, folder, rebuilt). Parts of the cache that no longer exist are removed.
    Without a cache folder the parts are built in a temporary folder, removed when the
    caller has copied them (at the end of iteration).
    """
    temporary = cache is None
    base = (cache if cache is not None else Path(tempfile.mkdtemp(prefix="newsgen-search-")))
    base = base / "search"
    kept: set[Path] = set()
    checked = False
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
            if not fresh:
                if not checked:
                    check_binary()
                    checked = True
                building = home / "building"
                shutil.rmtree(building, ignore_errors=True)
                building.mkdir(parents=True)
                build_index(index, read, building)
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
