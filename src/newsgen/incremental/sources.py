"""The sources by their bytes: nothing to do after a fresh checkout of the same site.

A build first compares the files' names, sizes and times with the last build's
(newsgen.incremental.keys.state_key): equal, there is nothing to do. A fresh
checkout (every CI job) gives every file a new time, so that check fails even when
nothing changed, and the build would link, plan and fingerprint the whole archive to
find nothing to render. So a build also records a *content key*: the same inputs
by their bytes (each source file's digest, the configuration's and the theme's
bytes, the options, newsgen's version). When the quick check fails, the content key
is made again and compared; equal, the output is still right and the build stops
there, after reading each file whose time changed once.

The state keeps each file's digest with the size, time and inode it had, so only
the files whose stat changed are read: articles' digests are their rows' (the
content key of newsgen.incremental.reading), the other files' are in the `sources`
table, and all of them are also kept as one value (`BuildCache.file_digests`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

from newsgen.hashing import code_identity, digest
from newsgen.incremental.cache import BuildCache
from newsgen.incremental.database import dump
from newsgen.incremental.keys import theme_files
from newsgen.model.config import CONFIG_NAME, Config
from newsgen.stages.scan import SourceTree

Stat = tuple[int, ...]
Digests = dict[str, tuple[Stat, str]]  # site-relative path -> (its stat, its bytes' digest)


def digests(root: Path, tree: SourceTree, known: Mapping[str, tuple[Stat, str]], *,
            same_sizes: bool = False) -> Digests | None:
    """Every file of `tree` with its digest: `known`'s while its stat is the same, else
    read now. None when a file cannot be read (the build says why), or, with
    `same_sizes`, as soon as a file is new or has another size: the sources differ."""
    if same_sizes and len(known) != len(tree.stats):  # a file added or removed
        return None
    out: Digests = {}
    for rel, stat in tree.stats.items():
        found = known.get(rel)
        if found is None or found[0] != stat:
            if same_sizes and (found is None or found[0][0] != stat[0]):
                return None
            try:
                found = (stat, digest((root / rel).read_bytes()))
                now = os.stat(root / rel)
            except OSError:
                return None
            if (now.st_size, now.st_mtime_ns, now.st_ctime_ns, now.st_ino) != stat:
                return None  # changed since the scan: not the bytes the build read
        out[rel] = found
    return out


def _theme() -> list[tuple[str, str]]:
    """The bundled theme's files by their bytes: a new install gives them new times."""
    return [(f"{folder}/{child.name}", digest(child.read_bytes()))
            for folder, child in theme_files() if child.is_file()]


def content_key(options: tuple[object, ...], config: Config, files: Digests) -> str | None:
    """Everything a build reads, by its bytes (see above): the configuration's as the
    build read them (`Config.read_as`; not as they are now, which an edit during the
    build may have changed); None when the configuration cannot be read."""
    total = _begin(options, config)
    if total is None:
        return None
    total.update(_joined([_line(rel, found[1]) for rel, found in files.items()]))
    return total.hexdigest()


def content_keys(options: tuple[object, ...], config: Config, files: Digests,
                 before: Mapping[str, str]) -> tuple[str, str] | None:
    """`content_key` of `files`, and of `files` with the digests `before` for some of them
    (the sources as they were), in one pass; None when the configuration cannot be read."""
    now = _begin(options, config)
    if now is None:
        return None
    then = now.copy()
    lines = [_line(rel, found[1]) for rel, found in files.items()]
    now.update(_joined(lines))
    then.update(_joined([line if rel not in before else _line(rel, before[rel])
                         for rel, line in zip(files, lines, strict=True)]))
    return now.hexdigest(), then.hexdigest()


def _begin(options: tuple[object, ...], config: Config) -> hashlib.blake2b | None:
    from newsgen.parse.markdown_setup import CONVERTER  # (not by a build with nothing to do)

    settings = config.read_as
    if not settings and (config.root / CONFIG_NAME).exists():
        return None
    # Hashed file by file: one pickle of every file's (path, digest) held 30 MB at
    # 100,000 articles at the end of a build, its peak.
    return hashlib.blake2b(dump((
        code_identity(), CONVERTER, options, settings,  # not the site's path: a CI job's
        # checkout may be at another each time, and the output does not depend on it
        _theme())), digest_size=16)


def _line(rel: str, found: str) -> str:
    return f"{len(rel)}:{rel}{found}\0"


def _joined(lines: list[str]) -> bytes:
    """The lines as the bytes hashed: one encoding and one update for the archive (a
    third of the time of one each per file, the same digest)."""
    return "".join(lines).encode("utf-8", "surrogateescape")


def kept_content_key(cache: BuildCache, options: tuple[object, ...], config: Config,
                     tree: SourceTree) -> str:
    """The content key of a build's sources, their digests kept in `cache` for the next
    build; "" when a file or the configuration cannot be read."""
    known = dict(cache.found or cache.file_digests())
    known.update((rel, (c.stat, c.content.partition("|")[0]))
                 for rel, c in cache.articles.items())
    found = digests(config.root, tree, known)
    key = content_key(options, config, found) if found is not None else None
    if found is None or key is None:
        return ""
    cache.keep_file_digests(found, tree.articles, restat=False)
    return key
