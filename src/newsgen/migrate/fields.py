"""Front matter of Hugo and Jekyll posts as newsgen's fields.

The fields that place a post (title, date, section, slug, lang, translation_key,
aliases) are decided by the importer as a whole; this module maps the rest, in the
order newsgen's documentation lists them, and keeps any other key as a parameter
(`article.params`) unless it only meant something to the old generator.
"""

from __future__ import annotations

import html
import re
from datetime import tzinfo
from typing import Any

from newsgen.migrate.common import Notes, Source, read_moment, scalar_text, text_list

# Keys read into newsgen's fields here or by the importer: never kept as they are.
MAPPED = {
    "title", "date", "slug", "lang", "language", "tags", "tag", "categories", "category",
    "author", "authors", "description", "summary", "excerpt", "image", "images",
    "featured_image", "featuredimage", "cover", "lastmod", "last_modified_at", "modified",
    "expirydate", "expiry_date", "unpublishdate", "draft", "published", "aliases",
    "redirect_from", "translationkey", "translation_key", "section", "related", "updated",
}
# Keys that only told Hugo or Jekyll how to build the page.
DROPPED = {
    "layout", "permalink", "url", "type", "outputs", "cascade", "build", "_build",
    "headless", "markup", "menu", "menus", "sitemap", "excerpt_separator", "render_with_liquid",
    "weight", "linktitle", "publishdate", "pubdate", "date_format", "sidebar", "comments",
}


# Keys of Hugo's front matter `params:` map newsgen reads as fields (`.Params.author`);
# the keys that place a page (date, slug, url, aliases …) mean nothing to Hugo there.
FROM_PARAMS = {
    "tags", "tag", "categories", "category", "author", "authors", "description", "summary",
    "image", "images", "featured_image", "featuredimage", "cover", "lastmod", "expirydate",
}


def lift_params(source: Source) -> None:
    """Hugo's `params:` map (its keys are the page's `.Params`) read as if written at the
    top: the fields newsgen knows, and other keys as parameters; the top level wins."""
    key = next((k for k in source.front if k.lower() == "params"), None)
    given = source.front.get(key) if key is not None else None
    if key is None or not isinstance(given, dict):
        return
    del source.front[key]
    line = source.lines.get("params")
    top = {k.lower() for k in source.front}
    for name, value in given.items():
        low = str(name).lower()
        if low in top or (low in MAPPED and low not in FROM_PARAMS) or low in DROPPED:
            continue
        source.front[str(name)] = value
        if line is not None:
            source.lines.setdefault(low, line)


def tags(source: Source, kind: str, section: str | None) -> list[str]:
    """`tags` and front matter `categories`; Jekyll splits a text at spaces, both at
    commas. The category that became the section is not repeated as a tag."""
    out: list[str] = []
    for name in ("tags", "tag", "categories", "category"):
        value = source.get(name)
        if value is None:
            continue
        items = text_list(value)
        if kind == "jekyll" and isinstance(value, str) and "," not in value:
            items = value.split()
        for item in items:
            if item not in out and not (name.startswith("categor") and section is not None
                                        and item.lower() == section.lower()):
                out.append(item)
    return out


def image(source: Source) -> str | dict[str, str] | None:
    """The lead image: `image` (a path, or `{path|src|url, alt, caption}`), the first of
    `images`, `featured_image`, or `cover.image`."""
    candidates = [source.get("image"), source.get("images"), source.get("featured_image"),
                  source.get("featuredimage")]
    cover = source.get("cover")
    if isinstance(cover, dict):
        candidates.append({"src": cover.get("image"), "alt": cover.get("alt"),
                           "caption": cover.get("caption")})
    for value in candidates:
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            src = scalar_text(value.get("src") or value.get("path") or value.get("url")
                              or value.get("image"))
            if src is None:
                continue
            out = {"src": src}
            for key in ("alt", "caption", "credit"):
                if (text := scalar_text(value.get(key))) is not None:
                    out[key] = text
            return out if len(out) > 1 else src
        if (text := scalar_text(value)) is not None:
            return text
    return None


def plain(text: str) -> str:
    """Text that an old site wrote with HTML in it (`<a href=…>`), as the text it shows:
    a summary or a description is text to newsgen, and would show the tags."""
    if "<" in text:  # an inline tag is nothing (`<b>x</b>:`), any other a space
        text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
        text = re.sub(r"</?(?:a|abbr|b|bdi|bdo|big|cite|code|data|del|dfn|em|font|i|ins|kbd|"
                      r"mark|q|s|samp|small|span|strike|strong|sub|sup|time|tt|u|var|wbr)"
                      r"\b[^<>]*>", "", text, flags=re.I)
        text = html.unescape(re.sub(r"</?[A-Za-z][^<>]*>", " ", text))
    return " ".join(text.split())


def newsgen_fields(source: Source, kind: str, section: str | None, tz: tzinfo,
                   notes: Notes, *, draft: bool = False) -> dict[str, Any]:
    """tags, author(s), summary, image, updated, expirydate, draft (in that order), then
    the other keys of the post."""
    out: dict[str, Any] = {}
    if found := tags(source, kind, section):
        out["tags"] = found
    authors: list[str] = []
    for name in ("author", "authors"):
        if (value := source.get(name)) is not None:
            authors += [a for a in text_list(value, commas=False) if a not in authors]
    if len(authors) == 1:
        out["author"] = authors[0]
    elif authors:
        out["authors"] = authors
    for name in ("summary", "description", "excerpt"):
        if (text := scalar_text(source.get(name))) is not None:
            out["summary"] = plain(text)
            break
    if (lead := image(source)) is not None:
        out["image"] = lead
    for field, names in (("updated", ("lastmod", "last_modified_at", "modified", "updated")),
                         ("expirydate", ("expirydate", "expiry_date", "unpublishdate"))):
        value = source.get(*names)
        if value is None:
            continue
        moment = read_moment(value, tz)
        if moment is None:
            notes.warn(source.rel, source.line(*names), "date", f"{names[0]}: '{value}' is not "
                       "a date the importer reads; left out")
        else:
            out[field] = moment.written
    if draft or source.get("draft") is True or source.get("published") is False:
        out["draft"] = True
    for key, value in source.front.items():
        low = key.lower()
        if low in MAPPED or low in DROPPED or value is None or value == "" or value == []:
            continue
        out[key] = value
    return out
