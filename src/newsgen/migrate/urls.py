"""Old URLs, as Jekyll and Hugo make them, from their own rules.

Jekyll (lib/jekyll/url.rb, drops/url_drop.rb, configuration.rb): a post's URL is its
collection's `permalink` template (a style name like `pretty`, or a pattern of
`:placeholders`), or the post's own `permalink:`, filled in and cleaned.

Hugo (resources/page/permalinks.go, page_paths.go, common/paths): a page's URL is its
front matter `url`, or its section's `[permalinks]` pattern, or its folder and file name
(`slug` replacing the name); every part is sanitized and lowercased unless
`disablePathToLower`, and a language other than the default sits under `/<lang>/`.

Paths here are decoded (`/ru/новости/`), always start with `/`.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# -- Jekyll ------------------------------------------------------------------------------

JEKYLL_STYLES = {
    "none": "/:categories/:title:output_ext",
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
}
_PRETTY_KEEP = set("._~!$&'()+,;=@")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def jekyll_template(permalink: object) -> str:
    """The URL template of a `permalink:` setting (a style name or a pattern)."""
    text = str(permalink or "date").strip()
    return JEKYLL_STYLES.get(text.lstrip(":"), text)


def _word_char(ch: str) -> bool:
    return unicodedata.category(ch)[0] in ("L", "M") or unicodedata.category(ch) == "Nd"


def jekyll_slugify(text: str, mode: str = "default", *, cased: bool = False) -> str:
    """Jekyll's Utils.slugify: runs of other characters become one hyphen, a hyphen at
    either end goes, lowercase unless `cased`."""
    if mode not in ("raw", "default", "pretty", "ascii", "latin"):
        return text if cased else text.lower()
    if mode == "latin":
        text = "".join(c for c in unicodedata.normalize("NFKD", text)
                       if not unicodedata.combining(c))
    out: list[str] = []
    for ch in text:
        if mode == "raw":
            keep = not ch.isspace()
        elif mode == "ascii":
            keep = ch.isascii() and ch.isalnum()
        else:
            keep = _word_char(ch) or (mode == "pretty" and ch in _PRETTY_KEEP)
        if keep:
            out.append(ch)
        elif not out or out[-1] != "\x00":
            out.append("\x00")
    slug = "".join(out).replace("\x00", "-")
    slug = re.sub(r"^-|-$", "", slug)
    return slug if cased else slug.lower()


@dataclass(frozen=True)
class JekyllPost:
    """What Jekyll's URL placeholders of a post are made from."""

    basename: str  # the file name without its extension: "2010-07-21-name"
    slug: str  # front matter `slug`, else the file name without date and trailing dots
    categories: tuple[str, ...]  # the folders above _posts, then front matter's
    when: datetime  # in the site's time zone, as Jekyll's Time#localtime
    path: str = ""  # the path inside the collection folder, without extension
    collection: str = "posts"


def jekyll_url(template: str, post: JekyllPost) -> str | None:
    """The post's URL by `template`; None when the template names an unknown placeholder."""
    w = post.when
    iso = w.isocalendar()
    values = {
        "collection": post.collection,
        "path": post.path,
        "name": jekyll_slugify(post.basename),
        "title": jekyll_slugify(post.slug, "pretty", cased=True),
        "slug": jekyll_slugify(post.slug),
        "categories": "/".join(dict.fromkeys(c.lower() for c in post.categories)),
        "slugified_categories": "/".join(dict.fromkeys(jekyll_slugify(c)
                                                       for c in post.categories)),
        "year": f"{w.year:04d}", "month": f"{w.month:02d}", "day": f"{w.day:02d}",
        "hour": f"{w.hour:02d}", "minute": f"{w.minute:02d}", "second": f"{w.second:02d}",
        "i_day": str(w.day), "i_month": str(w.month),
        "short_month": _MONTHS[w.month - 1][:3], "long_month": _MONTHS[w.month - 1],
        "short_year": f"{w.year % 100:02d}", "w_year": str(iso[0]), "week": f"{iso[1]:02d}",
        "w_day": str(iso[2]), "short_day": _DAYS[w.weekday()],
        "long_day": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                     "Sunday")[w.weekday()],
        "y_day": f"{w.timetuple().tm_yday:03d}", "output_ext": ".html",
    }
    unknown: list[str] = []

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        for key in ((name, name[:-1]) if name.endswith("_") else (name,)):
            if key in values:
                return values[key] + match.group(0)[1 + len(key):]
        unknown.append(name)
        return ""

    url = re.sub(r":([a-z_]+)", fill, template)
    if unknown:
        return None
    return clean_jekyll(url)


def jekyll_page_url(rel: str, collections: dict[str, Any], *, pretty: bool) -> str | None:
    """The URL of a page or a collection's document (`_docs/history.md`) at `rel`, without
    a `permalink:` of its own."""
    parts = rel.split("/")
    folder, name = "/".join(parts[:-1]), parts[-1]
    stem, dot, ext = name.rpartition(".")
    stem = stem if dot else name
    output_ext = ".html" if ext.lower() in ("md", "markdown", "mdown", "mkd", "mkdn", "html",
                                            "htm") else f".{ext}"
    label = parts[0][1:] if parts[0].startswith("_") else None
    if label and label in collections:
        meta = collections[label]
        pattern = (meta.get("permalink") if isinstance(meta, dict) else None) or (
            "/:collection/:path/" if pretty else "/:collection/:path:output_ext")
        inner = "/".join(parts[1:])
        doc = JekyllPost(stem, stem, (), _EPOCH, path="/" + (
            inner.rsplit(".", 1)[0] if dot else inner), collection=label)
        return jekyll_url(jekyll_template(pattern), doc)
    if stem == "index":
        return clean_jekyll(f"/{folder}/")
    if pretty:
        return clean_jekyll(f"/{folder}/{stem}/")
    return clean_jekyll(f"/{folder}/{stem}{output_ext}")


_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def clean_jekyll(url: str) -> str:
    """Jekyll's URL#sanitize_url: a leading '/', no '..' or './', no doubled '/'."""
    url = ("/" + url).replace("..", "/").replace("./", "")
    return re.sub(r"/{2,}", "/", url)


# -- Hugo --------------------------------------------------------------------------------

def hugo_sanitize(text: str) -> str:
    """Hugo's paths.Sanitize: letters, digits, marks and `./\\_#+~-@` kept, spaces become
    one hyphen, everything else dropped."""
    out: list[str] = []
    pending = was_hyphen = False
    for i, ch in enumerate(text):
        allowed = ch != " " and (ch.isalpha() or ch.isdigit() or ch in "./\\_#+~-@"
                                 or unicodedata.category(ch).startswith("M")
                                 or (ch == "%" and re.match(r"[0-9a-fA-F]{2}",
                                                            text[i + 1:i + 3]) is not None))
        if allowed:
            was_hyphen = ch == "-"
            if pending and not was_hyphen:
                out.append("-")
            pending = False
            out.append(ch)
        elif out and not was_hyphen and ch.isspace():
            pending = True
    return "".join(out)


def hugo_urlize(text: str, *, lower: bool = True) -> str:
    text = hugo_sanitize(text)
    return text.lower() if lower else text


@dataclass(frozen=True)
class HugoPage:
    """What Hugo's URL of a regular page is made from. Paths are inside the language's
    content folder, without a leading '/', as written (not lowercased)."""

    path: str  # "posts/Trip/index.md", "posts/visit.ru.md"
    name: str  # the file name without language and extension: "index", "visit"
    base: str  # the page's name: the bundle's folder for index files, else `name`
    container: str  # the folder the page sits in ("posts"; a bundle's parent folder)
    sections: tuple[str, ...]  # the section's path: ("posts",) or ("posts", "2024")
    title: str
    slug: str | None
    url: str | None
    when: datetime  # in its own offset (Hugo keeps a date's location)
    lang_prefix: str  # "ru", or "" for the default language at the root


_GO_LAYOUT = {"2006": "%Y", "06": "%y", "01": "%m", "1": "{m}", "02": "%d", "2": "{d}",
              "January": "%B", "Jan": "%b", "Monday": "%A", "Mon": "%a", "15": "%H",
              "03": "%I", "3": "{h12}", "04": "%M", "4": "{mi}", "05": "%S", "5": "{s}",
              "PM": "%p", "pm": "{pm}", "002": "%j", "MST": "%Z"}
_GO_TOKENS = re.compile("|".join(sorted(map(re.escape, _GO_LAYOUT), key=len, reverse=True)))


def go_format(when: datetime, layout: str) -> str | None:
    """A Go time layout (`2006/01`), or None when `layout` is none."""
    if not _GO_TOKENS.search(layout):
        return None
    hour12 = when.hour % 12 or 12

    def one(match: re.Match[str]) -> str:
        code = _GO_LAYOUT[match.group(0)]
        return when.strftime(code).format(m=when.month, d=when.day, h12=hour12,
                                          mi=when.minute, s=when.second,
                                          pm="am" if when.hour < 12 else "pm")
    return _GO_TOKENS.sub(one, layout)


def hugo_token(page: HugoPage, token: str, lower: bool) -> str | None:
    """One `:token` of a Hugo permalink pattern, or None when it is not one."""
    w = page.when

    def urlize(text: str) -> str:
        return hugo_urlize(text, lower=lower)

    name = page.base if page.name == "index" else page.name
    simple = {
        "year": str(w.year), "month": f"{w.month:02d}", "monthname": _MONTHS[w.month - 1],
        "day": f"{w.day:02d}", "weekday": str((w.weekday() + 1) % 7),
        "weekdayname": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                        "Saturday", "Sunday")[w.weekday()],
        "yearday": str(w.timetuple().tm_yday),
        "section": page.sections[0] if page.sections else "",
        "sectionslug": page.sections[0] if page.sections else "",
        "sections": "/".join(page.sections), "sectionslugs": "/".join(page.sections),
        "title": urlize(page.title),
        "slug": urlize(page.slug or page.title),
        "slugorfilename": urlize(page.slug or name), "filename": urlize(name),
        "contentbasename": urlize(page.base),
        "slugorcontentbasename": urlize(page.slug or page.base),
    }
    if token in simple:
        return simple[token]
    sliced = re.fullmatch(r"(sections|sectionslugs)\[(.*)\]", token)
    if sliced:
        return "/".join(_slice(page.sections, sliced.group(2)))
    return go_format(w, token)


def _slice(items: tuple[str, ...], spec: str) -> tuple[str, ...]:
    if spec == "last":
        return items[-1:]
    start, _, end = spec.partition(":")
    size = len(items)

    def number(text: str, default: int) -> int:
        text = text.strip()
        if text == "last":
            return size - 1
        return int(text) if text.lstrip("-").isdigit() else default
    if ":" not in spec:
        i = number(start, 0)
        return items[i:i + 1]
    return items[number(start, 0):number(end, size)]


def hugo_expand(pattern: str, page: HugoPage, lower: bool) -> str | None:
    """A permalink pattern filled in for `page`; None when a token is unknown."""
    unknown: list[str] = []

    def fill(match: re.Match[str]) -> str:
        value = hugo_token(page, match.group(0)[1:], lower)
        if value is None:
            unknown.append(match.group(0))
            return ""
        return value

    text = pattern.replace("\\:", "\x00")
    out = re.sub(r":\w+(\[.+?\])?", fill, text).replace("\x00", ":")
    return None if unknown else out


def hugo_url(page: HugoPage, pattern: str | None, *, lower: bool = True,
             ugly: bool = False) -> str | None:
    """The page's URL (page_paths.go: CreateTargetPaths for a regular page)."""
    if page.url:
        url = page.url
        if ":" in url.replace("\\:", ""):
            url = hugo_expand(url, page, lower) or url
        url = url.replace("\\:", ":")
        parts = [p for p in url.split("/") if p]
        lead = [page.lang_prefix] if page.lang_prefix and not url.startswith("/") else []
        if parts and parts[0] == page.lang_prefix:
            lead = []
        joined = "/".join(lead + parts)
        last = parts[-1] if parts else ""
        if url.endswith("/") or "." not in last:
            return "/" + joined + "/" if joined else "/"
        return "/" + joined
    if pattern:
        expanded = hugo_expand(pattern, page, lower)
        if expanded is None:
            return None
        body = _clean(expanded)
    else:
        name = page.slug or (page.base if page.name == "index" else page.name)
        if not lower:
            body = "/".join(p for p in (page.container, name) if p)
        else:
            body = "/".join(p for p in (page.container.lower().replace(" ", "-"), name) if p)
    body = hugo_sanitize(body)
    if lower:
        body = body.lower()
    body = body.strip("/")
    prefix = f"/{page.lang_prefix}" if page.lang_prefix else ""
    if ugly and body:
        return f"{prefix}/{body}.html"
    return f"{prefix}/{body}/" if body else f"{prefix}/"


def hugo_alias(text: str, page_url: str | None, page: HugoPage, *, ugly: bool,
               multihost: bool = False) -> list[str]:
    """Where Hugo served the alias `text` of `page` (site_render.go, renderAliases), first
    where 0.111 did; none for a full URL. One without a leading '/' is beside the page's
    own URL (`old-alpha` of /2021/05/alpha/ is /2021/05/old-alpha/). One with it is at the
    root for a page of any language (0.111: `/absx/` of a French page is /absx/), and
    under the language's folder too (/fr/absx/), where Hugo 0.155 and later put it; on a
    multihost site under that folder only, as each language's site root. `ugly`:
    `uglyURLs = true` (the setting itself: a per-section map does not reach aliases in
    0.111), which serves each alias not ending in `.html` as `X.html`."""
    lead = f"/{page.lang_prefix}" if page.lang_prefix else ""
    slash = "/" if text.endswith("/") else ""
    if text.startswith("/"):
        inside = not lead or text.startswith(lead + "/")
        found = [text] if inside else [lead + text] if multihost else [text, lead + text]
    elif "://" in text:
        return []
    elif page_url is not None:
        beside = posixpath.dirname(page_url.rstrip("/")) or "/"
        found = [posixpath.normpath(posixpath.join(beside, text)) + slash]
    else:
        found = [lead + "/" + posixpath.normpath(posixpath.join(
            page.container or ".", text)).lstrip("./") + slash]
    if not ugly:
        return found
    return ["/" + c + ("" if c.endswith(".html") else ".html") if (c := _clean(url)) else url
            for url in found]


def _clean(path: str) -> str:
    """Go's path.Clean, for a path that starts with '/'."""
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/".join(parts)


_JEKYLL_TOKENS = {"categories": "{section}", "year": "{year}", "month": "{month}",
                  "day": "{day}", "title": "{slug}", "slug": "{slug}", "name": "{slug}",
                  "output_ext": ".html"}


def jekyll_pattern(template: str) -> str | None:
    """A Jekyll permalink template as a newsgen permalink, or None."""
    unknown: list[str] = []

    def one(match: re.Match[str]) -> str:
        value = _JEKYLL_TOKENS.get(match.group(1))
        if value is None:
            unknown.append(match.group(0))
        return value or ""

    out = re.sub(r":([a-z_]+?)(?=[^a-z_]|\Z|:)", one, template)
    return None if unknown or out.count("{slug}") != 1 else out
