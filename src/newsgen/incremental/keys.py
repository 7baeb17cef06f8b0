"""The quick keys of a whole build: the names, sizes and times of everything it reads
(`state_key`), so that a build with nothing to do stops after a scan. This module is
light on purpose: such a build imports little more than it and the scan.
"""

from __future__ import annotations

import marshal
import os
import pickle  # noqa: S403 - keys of our own values
from collections.abc import Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from importlib.util import find_spec

from newsgen.hashing import code_stamp, digest
from newsgen.model.config import CONFIG_NAME, Config
from newsgen.stages.scan import SourceTree


def _dump(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def theme_files() -> Iterator[tuple[str, Traversable]]:
    """The bundled theme's files that a build reads, by their folder: what both build
    keys cover of newsgen itself besides its version."""
    theme = resources.files("newsgen").joinpath("theme")
    for folder in ("templates", "static", "static/assets"):
        for child in sorted(theme.joinpath(folder).iterdir(), key=lambda c: c.name):
            yield folder, child


def state_key(options: tuple[object, ...], config: Config, tree: SourceTree) -> str:
    """Everything a build reads, by name, size and time: equal keys mean equal sources.

    `options` are the build options that change the output (drafts, future, base URL).
    """
    theme_stats = []
    for _, child in theme_files():
        try:
            st = os.stat(str(child))
            theme_stats.append((child.name, st.st_size, st.st_mtime_ns))
        except OSError:
            theme_stats.append((child.name, 0, 0))
    try:
        st = os.stat(config.root / CONFIG_NAME)
        config_stat: tuple[int, ...] | None = (st.st_size, st.st_mtime_ns, st.st_ctime_ns,
                                               st.st_ino)
    except OSError:
        config_stat = None
    return digest(_dump((
        code_stamp(), library_stamps(), options, str(config.root), config_stat,
        tree.key or tree_key(tree), theme_stats,
    )))


def library_stamps(names: tuple[str, ...] = ("markdown", "pymdownx"),
                   ) -> list[tuple[str, str, str]]:
    """The Markdown libraries by where they are and the bytes of the files that hold
    their version (`__meta__.py`, and `__init__.py`), found and read without importing
    them: importing them for their version numbers cost a build with nothing to do
    20 ms. Not by the files' times: an install may give every file the same time (Nix),
    and importing a library makes its `__pycache__`."""
    stamps = []
    for name in names:
        spec = find_spec(name)
        origin = spec.origin if spec is not None and spec.origin is not None else ""
        found = []
        for file in (origin, os.path.join(os.path.dirname(origin), "__meta__.py")
                     ) if origin else ():
            try:
                with open(file, "rb") as fh:
                    found.append(digest(fh.read()))
            except OSError:
                found.append("")
        stamps.append((name, origin, "|".join(found)))
    return stamps


def tree_key(tree: SourceTree) -> str:
    """A digest of the names, sizes and times of the site's files, in the order a scan
    finds them (the same files found in another order only cost a build). `marshal`
    writes the 100,000 rows of a large archive in half the time `pickle` takes; a
    Python whose marshal writes other bytes only costs one build."""
    return digest(marshal.dumps(tree.stats))
