"""The one digest newsgen keys everything by: file contents, pages, state rows; and the
identity of newsgen's own code, which every key of the build state holds."""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from newsgen import __version__


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@functools.cache
def code_identity() -> str:
    """newsgen's version and a digest of its own files (code, templates, catalogs, theme):
    an upgrade, or any change of newsgen itself, is a change every build sees, even one
    that keeps the version number. About 1 MB read once per process (a few ms)."""
    h = hashlib.blake2b(digest_size=16)
    for rel, path in files_under(_PACKAGE):
        h.update(rel.encode("utf-8", "surrogateescape") + b"\0")
        try:
            h.update(Path(path).read_bytes())
        except OSError:
            h.update(b"?")
        h.update(b"\0")
    return f"{__version__}+{h.hexdigest()}"


@functools.cache
def code_stamp() -> str:
    """newsgen's version and its own files by name, size and time: what a key of stats
    (newsgen.incremental.keys.state_key) needs of newsgen, without reading the bytes
    `code_identity` reads (15 ms a process; the stats take 2 ms). A reinstall of the
    same code only misses that key: the content key, made next, has `code_identity`."""
    return f"{__version__}+{files_stamp(_PACKAGE)}"


def files_stamp(folder: Path) -> str:
    """A digest of the names, sizes and times of the files under `folder` (`files_under`)."""
    h = hashlib.blake2b(digest_size=16)
    for rel, path in files_under(folder):
        try:
            st = os.stat(path)
            stat = f"{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"
        except OSError:
            stat = "?"
        h.update(f"{rel}\0{stat}\0".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def files_under(folder: Path) -> Iterator[tuple[str, str]]:
    """The files under `folder` but Python's `__pycache__`, in a fixed order: each as its
    relative POSIX path and its whole path."""
    for top, folders, files in os.walk(folder):
        folders[:] = sorted(f for f in folders if f != "__pycache__")  # (walked in order)
        prefix = os.path.relpath(top, folder).replace(os.sep, "/")
        for name in sorted(files):
            yield ("" if prefix == "." else prefix + "/") + name, os.path.join(top, name)


_PACKAGE = Path(__file__).resolve().parent
