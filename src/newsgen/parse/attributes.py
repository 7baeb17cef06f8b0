"""Attribute lists (`{: .wide}`, `{#id}`) as newsgen reads them, and the ids of body
headings: what of an element's attributes a body may set."""

from __future__ import annotations

import re
from typing import Any
from xml.etree.ElementTree import Element

from markdown import Markdown
from markdown.extensions.attr_list import AttrListTreeprocessor

from newsgen.parse.markdown_setup import ATTRS
from newsgen.parse.slugs import slugify


class AttrLists(AttrListTreeprocessor):
    """Python-Markdown's attribute lists with ATTRS for braces. (The stubs mark these
    patterns Final; Python-Markdown reads them from the instance, so a subclass sets them.)"""

    BASE_RE = ATTRS  # type: ignore[misc]
    HEADER_RE = re.compile(rf"[ ]+{ATTRS}[ ]*$")  # type: ignore[misc]
    BLOCK_RE = re.compile(rf"\n[ ]*{ATTRS}[ ]*$")  # type: ignore[misc]
    INLINE_RE = re.compile(rf"^{ATTRS}")  # type: ignore[misc]

    def __init__(self, md: Markdown, safe: bool) -> None:
        super().__init__(md)
        self.safe = safe
        self.ids: set[str] = set()  # given by attribute lists in this body so far

    def run(self, doc: Element) -> None:
        self.ids = set()
        super().run(doc)

    def assign_attrs(self, elem: Element, *args: Any, **kwargs: Any) -> Any:
        """As Python-Markdown's, but an id the theme's page has (`{#main}`) gets `_1`, and
        with `markdown.raw_html: false` only harmless attributes are set (`{: onclick=…}`,
        `style`, `href` or `src` would be markup the writer is not trusted with)."""
        before = dict(elem.attrib)
        remainder = super().assign_attrs(elem, *args, **kwargs)
        for name in [n for n in elem.attrib if elem.attrib[n] != before.get(n)]:
            if self.safe and not _SAFE_ATTR.match(name):
                if name in before:
                    elem.set(name, before[name])
                else:
                    del elem.attrib[name]
        for name in [n for n in elem.attrib if n.lower() == "id" and n != "id"]:
            elem.set("id", elem.attrib.pop(name) or "")  # a browser reads `ID=` as `id=`
        if (given := elem.get("id")) is not None and elem.get("id") != before.get("id"):
            unique, n = given, 0  # never one the theme's page, a footnote or another has
            while unique in THEME_IDS or unique in self.ids or _FOOTNOTE_ID.match(unique):
                n += 1
                unique = f"{given}_{n}"
            elem.set("id", unique)
            self.ids.add(unique)
        return remainder


_FOOTNOTE_ID = re.compile(r"fn(?:ref\d*)?:\d+\Z")  # the footnotes' own: fn:1, fnref:1, fnref2:1

# What an attribute list may set in a body whose writer is not trusted with raw HTML
# (not Pagefind's: `data-pagefind-meta="url:…"` would send a search result elsewhere)
_SAFE_ATTR = re.compile(r"(id|class|title|lang|dir|width|height|alt|data-(?!pagefind)[\w-]+)\Z",
                        re.IGNORECASE)


# Ids the theme's pages give their own parts: a heading's is made another (`## Main` is
# `main_1`, as a second heading of that name would be), so that no page has one twice.
THEME_IDS = frozenset({"main", "site-search", "read-also-title", "latest-title", "search",
                       "search-title"})


def toc_slug(value: str, separator: str) -> str:
    slug = slugify(value) or "section"
    return f"{slug}_1" if slug in THEME_IDS else slug
