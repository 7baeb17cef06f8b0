"""Slugs: readable ASCII URL names made with python-slugify.

A slug is only ever lowercase ASCII letters, digits and single hyphens, so it
can never name a path outside the output folder.
"""

from __future__ import annotations

import functools
import hashlib

from slugify import slugify as _slugify

MAX_LENGTH = 100
# Names Windows will not create as files or folders, whatever the extension.
_RESERVED = {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {
    f"lpt{i}" for i in range(10)
}


@functools.lru_cache(maxsize=100_000)
def slugify(text: str) -> str:
    """`Türkmenistanyň` -> `turkmenistanyn`, `Новости` -> `novosti`; may be empty."""
    slug: str = _slugify(text, max_length=MAX_LENGTH, word_boundary=True, save_order=True)
    if slug in _RESERVED:
        slug += "-1"
    return slug


def slug_or_fallback(*candidates: str, seed: str) -> str:
    """The first non-empty slug of the candidates, or a stable one made from `seed`.

    Emoji-only names slugify to nothing; they still get a URL.
    """
    for text in candidates:
        slug = slugify(text)
        if slug:
            return slug
    return "n-" + hashlib.sha1(seed.encode("utf-8"), usedforsecurity=False).hexdigest()[:10]


def section_slug(name: str) -> str:
    """A section's slug: like a tag's, a name with no letters or digits (`📰`) gets a
    stable `n-<hash>` one; only a blank name has none."""
    name = name.strip()
    return slug_or_fallback(name, seed=f"section:{name}") if name else ""


def full_length(text: str) -> int:
    """The length the slug of `text` would have without the limit (for a warning)."""
    return len(_slugify(text, save_order=True))
