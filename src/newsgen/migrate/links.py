"""Relative links in imported bodies, checked the way newsgen will read them.

newsgen reads a relative link or image in a body as a file beside the article, and a
missing file stops the build. An old site read it relative to the page's URL. So every
relative target of a converted body (found by newsgen's own Markdown converter) that is
no file of the new site is rewritten as the site path it had in the old site.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from urllib.parse import unquote, urljoin

from newsgen.migrate.code import split_code
from newsgen.model.content import split_url
from newsgen.parse.markup import Converter

# A link, reference definition or href/src whose target does not start like a site path,
# an anchor or a URL: only bodies with one are read by the Markdown converter.
_MAYBE_LOCAL = re.compile(r"""(?:\]\(\s*<?|\]:[ \t]*<?|(?:href|src)\s*=\s*["']?)"""
                          r"""(?![a-zA-Z][a-zA-Z0-9+.\-]*:|/|#|\?|[\s)"'>])""", re.I)


class LinkFixer:
    def __init__(self) -> None:
        self.converter = Converter(raw_html=True)

    def fix(self, body: str, folder: str, exists: Callable[[str], bool],
            old_url: str | None, post: Callable[[str], str | None] = lambda _: None,
            ) -> tuple[str, list[str], list[str]]:
        """The body with each relative target that names no file of the new site
        rewritten: to an imported post's new file when it names one (`[x](0518-bench)`,
        a sibling page Hugo found), else against the old URL. Also the targets that could
        not be rewritten, and the page links that named no imported post."""
        if not _MAYBE_LOCAL.search(body):
            return body, [], []
        links = self.converter.convert(body).links
        stuck: list[str] = []
        unknown: list[str] = []
        for target in dict.fromkeys(links):
            if target.startswith("/"):  # a site path: kept, and checked by the build
                continue
            path = resolve(folder, target)
            if path is not None and exists(path):
                continue
            page = is_page_link(target)
            new = post(target) if page else None
            if new is None:
                new = urljoin(old_url or "/", target)
                new = new if new.startswith("/") else "/" + new.lstrip("/")
                if page:
                    unknown.append(target)
            changed = replace_target(body, target, new)
            if changed == body:
                stuck.append(target)
            body = changed
        return body, stuck, unknown


def is_page_link(target: str) -> bool:
    """A relative link to a page (`x`, `x/`, `../x.md`), not to a file (`chart.png`)."""
    parts = split_url(target)
    if parts is None or parts.scheme or not re.fullmatch(r"[\w.~%/-]+", parts.path):
        return False
    path = parts.path
    name = path.rstrip("/").rpartition("/")[2]
    return path.endswith("/") or "." not in name.lstrip(".") or name.lower().endswith(".md")


def resolve(folder: str, target: str) -> str | None:
    """The path under content/ a relative target names, as newsgen resolves it."""
    parts = split_url(target)
    if parts is None:
        return None
    path = unquote(parts.path)
    joined = posixpath.normpath(posixpath.join(folder, path)) if path else (folder or ".")
    if joined.startswith("../") or joined in ("..", ".") or joined.startswith("/"):
        return None
    return joined


def replace_target(body: str, target: str, new: str) -> str:
    """`target` replaced by `new` where it is a link's or image's target, outside code."""
    escaped = re.escape(target)
    pattern = re.compile(
        r"(\]\(\s*<?|\]:[ \t]*<?|(?:href|src)\s*=\s*[\"']?)" + escaped
        + r"(?=[\s)\"'>]|\Z)", re.I)
    parts = []
    for code, _, chunk in split_code(body):
        parts.append(chunk if code else pattern.sub(lambda m: m.group(1) + new, chunk))
    return "".join(parts)
