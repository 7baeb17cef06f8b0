"""The one digest newsgen keys everything by: file contents, pages, state rows."""

from __future__ import annotations

import hashlib


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()
