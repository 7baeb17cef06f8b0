"""Attribute lists (`{: .wide}`, `{#id}`) as newsgen reads them, and the ids of body
headings: what of an element's attributes a body may set."""

from __future__ import annotations

import re

from markdown.extensions.attr_list import AttrListTreeprocessor

from newsgen.parse.slugs import slugify

# Python-Markdown takes any {…} after an element as its attributes, up to the line's last
# `}`: "*S*{1, 2} and {x}" became `<em 1_ 2>` and lost and reordered text. Only braces that
# hold attributes are: `{: .class #id key=value}` (kramdown's and Python-Markdown's forms).
_ATTR = r"""(?:[#.][\w-]+|[\w-]+=(?:"[^"\n]*"|'[^'\n]*'|[^\s}"']+))"""
ATTRS = r"\{\:?[ ]*(" + _ATTR + r"(?:[ ]+" + _ATTR + r")*)[ ]*\}"


class AttrLists(AttrListTreeprocessor):
    """Python-Markdown's attribute lists with ATTRS for braces. (The stubs mark these
    patterns Final; Python-Markdown reads them from the instance, so a subclass sets them.)"""

    BASE_RE = ATTRS  # type: ignore[misc]
    HEADER_RE = re.compile(rf"[ ]+{ATTRS}[ ]*$")  # type: ignore[misc]
    BLOCK_RE = re.compile(rf"\n[ ]*{ATTRS}[ ]*$")  # type: ignore[misc]
    INLINE_RE = re.compile(rf"^{ATTRS}")  # type: ignore[misc]


# Ids the theme's pages give their own parts: a heading's is made another (`## Main` is
# `main_1`, as a second heading of that name would be), so that no page has one twice.
THEME_IDS = frozenset({"main", "site-search", "read-also-title", "latest-title", "search",
                       "search-title"})


def toc_slug(value: str, separator: str) -> str:
    slug = slugify(value) or "section"
    return f"{slug}_1" if slug in THEME_IDS else slug
