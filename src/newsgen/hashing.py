"""The one digest newsgen keys everything by: file contents, pages, state rows; and the
identity of newsgen's own code, which every key of the build state holds."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from newsgen import __version__


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@functools.cache
def code_identity() -> str:
    """newsgen's version and a digest of its own files (code, templates, catalogs, theme):
    an upgrade, or any change of newsgen itself, is a change every build sees, even one
    that keeps the version number. About 1 MB read once per process (a few ms)."""
    package = Path(__file__).resolve().parent
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(p for p in package.rglob("*")
                       if p.is_file() and "__pycache__" not in p.parts):
        h.update(path.relative_to(package).as_posix().encode() + b"\0")
        try:
            h.update(path.read_bytes())
        except OSError:
            h.update(b"?")
        h.update(b"\0")
    return f"{__version__}+{h.hexdigest()}"
