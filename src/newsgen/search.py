"""Site search: a Pagefind index of the article pages, one per language.

Pagefind (from PyPI, with its binary) reads the rendered article pages and
writes a static, chunked index that the browser loads piece by piece. Only the
part of an article page marked `data-pagefind-body` is indexed: the headline
and the body, not navigation, "read also" or footers.

Each language has its own index at `/<lang>/pagefind/` (the default language's
at `/pagefind/`), built with that language's stemming. An index is kept in the
build cache with the fingerprints of the pages it was made from: a build whose
article pages of a language did not change copies that language's index as it
was and runs no indexing at all.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from newsgen import __version__
from newsgen.cache import digest

BUNDLE = "pagefind/"  # the index folder, under each language's prefix


class SearchUnavailable(Exception):
    """Pagefind could not run (no binary for this platform, or it failed)."""


@dataclass(frozen=True)
class LanguageIndex:
    """What one language's index is made from: its article pages and their fingerprints."""

    code: str
    prefix: str  # "" or "ru/"
    pages: tuple[tuple[str, str, str], ...]  # (output path, URL path, fingerprint)

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


def build_index(index: LanguageIndex, read: Callable[[str], bytes], folder: Path) -> None:
    """Index the language's article pages (their bytes from `read`) into `folder`."""
    try:
        asyncio.run(_index(index, read, folder))
    except SearchUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001 - the binary, its service or its output failed
        raise SearchUnavailable(f"{type(exc).__name__}: {exc}") from None


async def _index(index: LanguageIndex, read: Callable[[str], bytes], folder: Path) -> None:
    try:
        from pagefind.index import IndexConfig, PagefindIndex
    except ImportError as exc:  # pragma: no cover - a dependency of newsgen
        raise SearchUnavailable(f"the pagefind package is missing ({exc})") from None
    config = IndexConfig(force_language=index.code.split("-")[0], output_path=str(folder))
    async with PagefindIndex(config=config) as pf:
        for path, url, _ in index.pages:
            await pf.add_html_file(content=read(path).decode("utf-8"), url=url)


def indexes(cache: Path | None, wanted: Iterable[LanguageIndex],
            read: Callable[[str], bytes]) -> Iterable[tuple[LanguageIndex, Path, bool]]:
    """Each language's index folder, from the cache when its pages did not change.

    Yields (language, folder, rebuilt). Without a cache folder the index is built in a
    temporary folder, removed when the caller has copied it (at the end of iteration).
    """
    temporary = cache is None
    base = cache if cache is not None else Path(tempfile.mkdtemp(prefix="newsgen-search-"))
    try:
        for index in wanted:
            home = base / "search" / index.code
            stamp = home / "KEY"
            current = home / "index"
            try:
                fresh = stamp.read_text(encoding="utf-8") == index.key and current.is_dir()
            except OSError:
                fresh = False
            if not fresh:
                building = home / "building"
                shutil.rmtree(building, ignore_errors=True)
                building.mkdir(parents=True)
                build_index(index, read, building)
                shutil.rmtree(current, ignore_errors=True)
                building.rename(current)
                stamp.write_text(index.key, encoding="utf-8")
            yield index, current, not fresh
    finally:
        if temporary:
            shutil.rmtree(base, ignore_errors=True)


def files(folder: Path) -> list[tuple[str, Path]]:
    """Every file of an index folder, as (path relative to it, file), in a stable order."""
    return sorted((p.relative_to(folder).as_posix(), p) for p in folder.rglob("*") if p.is_file())
