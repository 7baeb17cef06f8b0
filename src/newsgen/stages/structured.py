"""Structured data (schema.org JSON-LD) that is not one article's: the publisher's
logo, a section page's list, and JSON made safe inside a <script> element."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from markupsafe import Markup

from newsgen.model.config import Config

# The theme's logo, for a publisher without one of its own (publisher.logo).
DEFAULT_LOGO = ("assets/newsgen-logo.png", 512, 512)


def publisher_logo(config: Config, absolute: Callable[[str], str]) -> dict[str, Any]:
    """The publisher's logo as an ImageObject: `publisher.logo`, or the theme's.
    `absolute` makes a site path an absolute URL."""
    logo = (config.publisher.logo or "").strip()
    if not logo:
        path, width, height = DEFAULT_LOGO
        return {"@type": "ImageObject", "url": absolute(path), "width": width,
                "height": height}
    if not logo.lower().startswith(("http://", "https://")):  # as parse.config_files
        logo = absolute(logo.lstrip("/"))
    return {"@type": "ImageObject", "url": logo}


def json_for_script(data: Any) -> str:
    """JSON that cannot end a <script> element or open a comment, whatever the strings hold."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, indent=None)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def collection_page(name: str, url: str, items: list[str]) -> Markup:
    """A section page as a CollectionPage whose main entity lists its articles' URLs."""
    data = {"@context": "https://schema.org", "@type": "CollectionPage", "name": name,
            "url": url, "mainEntity": {
                "@type": "ItemList", "itemListElement": [
                    {"@type": "ListItem", "position": n, "url": item}
                    for n, item in enumerate(items, 1)]}}
    return Markup(json_for_script(data))  # noqa: S704 - escaped by json_for_script
