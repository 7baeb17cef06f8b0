"""`newsgen.yaml`: every key, its default, and validation that reports all problems at once."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError

from newsgen.errors import Reporter, closest, did_you_mean
from newsgen.parse import i18n
from newsgen.parse.frontmatter import encoding_problem
from newsgen.parse.slugs import slugify
from newsgen.parse.yamltree import (
    YamlError,
    YMap,
    YScalar,
    YSeq,
    as_bool,
    as_int,
    as_text,
    describe,
    parse,
    to_python,
)

CONFIG_NAME = "newsgen.yaml"
PERMALINK_FIELDS = ("section", "slug", "year", "month", "day")
_LANG_RE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*\Z")
_PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class LanguageConfig:
    """One language of the site. The default language lives at the root, others under /<code>/."""

    code: str
    title: str
    description: str
    strings: Mapping[str, str]
    date_format: str
    is_default: bool

    @property
    def prefix(self) -> str:
        """The output folder of this language's pages: "" or "ru/"."""
        return "" if self.is_default else f"{self.code}/"


@dataclass(frozen=True)
class SectionConfig:
    slug: str
    title: str
    titles: Mapping[str, str] = field(default_factory=dict)
    line: int | None = None


def section_names(sections: Iterable[SectionConfig]) -> dict[str, tuple[str, SectionConfig]]:
    """Every name a section answers to, by its slug: the slug, the title and each language's
    title (`Политика` → `politika`), with the name as written. The first section keeps a
    name two sections share."""
    out: dict[str, tuple[str, SectionConfig]] = {}
    for sec in sections:
        for name in (sec.title, *sec.titles.values(), sec.slug):
            out.setdefault(slugify(name), (name, sec))
    return out


def section_hint(name: str, names: Mapping[str, tuple[str, SectionConfig]]) -> str:
    """"; did you mean 'Политика'?" for the section name nearest to `name`, or ""."""
    guess = closest(slugify(name), names)
    return f"; did you mean '{names[guess][0]}'?" if guess else ""


@dataclass(frozen=True)
class Config:
    root: Path
    title: str = "News"
    description: str = ""
    base_url: str = "/"
    language: str = "en"
    languages: tuple[LanguageConfig, ...] = ()
    timezone: str = "UTC"
    sections: tuple[SectionConfig, ...] | None = None
    per_page: int = 20
    permalink: str = "{section}/{slug}/"
    read_also_limit: int = 6
    read_also_fill: bool = True
    raw_html: bool = True
    search: bool = False  # a Pagefind index per language, and a search box on every page
    feed_limit: int = 20
    news_sitemap_days: int = 2
    far_future_days: int = 365  # a date further ahead gets a warning (0: never)
    large_article_kb: int = 1024  # a larger article file gets a warning (0: never)
    home_per_section: int = 5
    publisher_logo: str | None = None
    # the site's own stylesheets (paths of files under static/ or content/), linked after
    # the theme's, so they can set its custom properties (--accent, …) or add rules
    extra_css: tuple[str, ...] = ()
    image_widths: tuple[int, ...] = (480, 960, 1600)
    image_webp: bool = True
    image_quality: int = 82
    params: Mapping[str, Any] = field(default_factory=dict)
    exists: bool = False

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def base_path(self) -> str:
        """The path part of base_url, always starting and ending with "/"."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def base_is_absolute(self) -> bool:
        return urlsplit(self.base_url).scheme in ("http", "https")

    @property
    def default_language(self) -> LanguageConfig:
        return self.languages[0]

    def language_config(self, code: str) -> LanguageConfig:
        for lang in self.languages:
            if lang.code == code:
                return lang
        raise KeyError(code)

    def with_base_url(self, url: str) -> Config:
        return replace(self, base_url=normalize_base_url(url))


def normalize_base_url(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def check_base_url(url: str) -> str | None:
    """An error message for a bad base_url, or None."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https"):
        if not parts.netloc:
            return f"'{url}' has no host"
        if parts.query or parts.fragment:
            return f"'{url}' must not have a query or fragment"
        return None
    if parts.scheme or parts.netloc:
        return f"'{url}' must be an http(s) URL or a path starting with '/'"
    if not url.startswith("/"):
        return f"'{url}' must be an http(s) URL or a path starting with '/'"
    if ".." in url.split("/"):
        return f"'{url}' must not contain '..'"
    return None


def check_permalink(pattern: str) -> tuple[str | None, str]:
    """Validate a permalink pattern; returns (error, normalized pattern without leading '/')."""
    if "\\" in pattern or "\x00" in pattern:
        return "must not contain backslashes or NUL characters", pattern
    if "://" in pattern or "?" in pattern or "#" in pattern:
        return "must be a path pattern like '/{section}/{slug}/'", pattern
    names = _PLACEHOLDER_RE.findall(pattern)
    unknown = [n for n in names if n not in PERMALINK_FIELDS]
    if unknown:
        known = ", ".join("{" + f + "}" for f in PERMALINK_FIELDS)
        return f"unknown placeholder {{{unknown[0]}}} (known: {known})", pattern
    if "slug" not in names:
        return "must contain {slug}, or every article would get the same URL", pattern
    literal = _PLACEHOLDER_RE.sub("x", pattern)
    if "{" in literal or "}" in literal:
        return "has an unbalanced '{' or '}'", pattern
    segments = literal.split("/")
    if any(s in ("..", ".") for s in segments):
        return "must not contain '.' or '..' segments: it could leave the output folder", pattern
    normalized = pattern.lstrip("/")
    if not normalized.endswith("/") and not normalized.endswith(".html"):
        normalized += "/"
    while "//" in normalized:
        normalized = normalized.replace("//", "/")
    return None, normalized


class _Checker:
    """Reads one mapping level of the config, remembering which keys were used."""

    def __init__(self, path: str, reporter: Reporter) -> None:
        self.path = path
        self.reporter = reporter

    def error(self, line: int | None, message: str) -> None:
        self.reporter.error(self.path, line, message)

    def unknown_keys(self, node: YMap, known: tuple[str, ...], prefix: str = "") -> None:
        for key, _ in node.items:
            if key.text in known:
                continue
            # Always name the nearest known key, however far it is.
            hint = did_you_mean(key.text, known, prefix=prefix, cutoff=0.0)
            self.error(key.line, f"unknown key '{prefix}{key.text}'{hint}")

    def text(self, node: YMap, key: str, name: str, *, allow_empty: bool = False) -> str | None:
        value = node.get(key)
        if value is None:
            return None
        text = as_text(value)
        if text is None or (not allow_empty and not text.strip()):
            self.error(value.line, f"{name}: expected a non-empty string, got {describe(value)}")
            return None
        return text

    def integer(self, node: YMap, key: str, name: str, minimum: int) -> int | None:
        value = node.get(key)
        if value is None:
            return None
        number = as_int(value)
        if number is None or number < minimum:
            self.error(value.line, f"{name}: expected a whole number of at least {minimum}, "
                                   f"got {describe(value)}")
            return None
        return number

    def boolean(self, node: YMap, key: str, name: str) -> bool | None:
        value = node.get(key)
        if value is None:
            return None
        flag = as_bool(value)
        if flag is None:
            self.error(value.line, f"{name}: expected true or false, got {describe(value)}")
        return flag

    def mapping(self, node: YMap, key: str, name: str) -> YMap | None:
        value = node.get(key)
        if value is None or (isinstance(value, YScalar) and value.is_null):
            return None
        if not isinstance(value, YMap):
            self.error(value.line, f"{name}: expected a mapping, got {describe(value)}")
            return None
        return value

    def strings(self, node: YMap, key: str, name: str) -> dict[str, str]:
        value = self.mapping(node, key, name)
        out: dict[str, str] = {}
        if value is None:
            return out
        for k, v in value.items:
            text = as_text(v)
            if text is None:
                self.error(v.line, f"{name}.{k.text}: expected a string, got {describe(v)}")
                continue
            if k.text not in i18n.LABEL_KEYS:
                hint = did_you_mean(k.text, i18n.LABEL_KEYS)
                self.error(k.line, f"{name}: unknown label '{k.text}'{hint}")
                continue
            out[k.text] = text
        return out


TOP_KEYS = (
    "title", "description", "base_url", "language", "languages", "timezone", "sections",
    "per_page", "permalink", "read_also", "markdown", "feed", "news_sitemap", "home",
    "publisher", "strings", "date_format", "params", "images", "checks", "search",
    "extra_css",
)
LANGUAGE_KEYS = ("title", "description", "strings", "date_format")
SECTION_KEYS = ("slug", "title", "titles")


def load_config(root: Path, reporter: Reporter) -> Config:
    """Read `newsgen.yaml` under `root` (absent means all defaults).

    Every problem is reported; the returned Config uses defaults where a value was bad.
    """
    path = root / CONFIG_NAME
    if not path.is_file():
        return default_config(root)
    rel = CONFIG_NAME
    c = _Checker(rel, reporter)
    try:
        data = path.read_bytes()
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        reporter.error(rel, *encoding_problem(data, exc))
        return default_config(root)
    except OSError as exc:
        reporter.error(rel, None, f"cannot read: {exc.strerror}")
        return default_config(root)
    problems: list[YamlError] = []
    try:
        node = parse(text, problems=problems)
        for issue in problems:
            reporter.error(rel, issue.line, issue.message)
    except YamlError as exc:
        reporter.error(rel, exc.line, exc.message)
        return default_config(root)
    if node is None:
        node = YMap((), 1)
    if not isinstance(node, YMap):
        reporter.error(rel, node.line, f"the configuration must be a mapping, got {describe(node)}")
        node = YMap((), 1)

    c.unknown_keys(node, TOP_KEYS)
    values: dict[str, Any] = {"root": root, "exists": True}

    def put(name: str, value: object) -> None:
        if value is not None:
            values[name] = value

    title = c.text(node, "title", "title") or "News"
    values["title"] = title
    put("description", c.text(node, "description", "description", allow_empty=True))

    def checked(key: str, check: Callable[[str], str | None]) -> str | None:
        """The key's text when `check` finds no problem; otherwise the problem is reported."""
        text = c.text(node, key, key)
        if text is None:
            return None
        problem = check(text)
        if problem:
            c.error(_line(node, key), f"{key}: {problem}")
            return None
        return text

    base = checked("base_url", check_base_url)
    if base is not None:
        values["base_url"] = normalize_base_url(base)
    language = checked("language", check_language_code) or "en"
    values["language"] = language
    put("timezone", checked("timezone", check_timezone))

    put("per_page", c.integer(node, "per_page", "per_page", 1))

    pattern = c.text(node, "permalink", "permalink")
    if pattern is not None:
        problem, normalized = check_permalink(pattern)
        if problem:
            c.error(_line(node, "permalink"), f"permalink: {problem}")
        else:
            values["permalink"] = normalized

    _nested(c, node, "read_also", {
        "limit": lambda m: put("read_also_limit", c.integer(m, "limit", "read_also.limit", 0)),
        "fill": lambda m: put("read_also_fill", c.boolean(m, "fill", "read_also.fill")),
    })
    put("search", c.boolean(node, "search", "search"))
    _nested(c, node, "markdown", {
        "raw_html": lambda m: put("raw_html", c.boolean(m, "raw_html", "markdown.raw_html")),
    })
    _nested(c, node, "feed", {
        "limit": lambda m: put("feed_limit", c.integer(m, "limit", "feed.limit", 1)),
    })
    _nested(c, node, "news_sitemap", {
        "days": lambda m: put("news_sitemap_days", c.integer(m, "days", "news_sitemap.days", 1)),
    })
    _nested(c, node, "checks", {
        "far_future_days": lambda m: put("far_future_days", c.integer(
            m, "far_future_days", "checks.far_future_days", 0)),
        "large_article_kb": lambda m: put("large_article_kb", c.integer(
            m, "large_article_kb", "checks.large_article_kb", 0)),
    })
    _nested(c, node, "home", {
        "per_section": lambda m: put(
            "home_per_section", c.integer(m, "per_section", "home.per_section", 0)),
    })
    _nested(c, node, "publisher", {
        "logo": lambda m: put("publisher_logo", c.text(m, "logo", "publisher.logo")),
    })

    _nested(c, node, "images", {
        "widths": lambda m: put("image_widths", _widths(c, m)),
        "webp": lambda m: put("image_webp", c.boolean(m, "webp", "images.webp")),
        "quality": lambda m: put("image_quality", _quality(c, m)),
    })

    put("extra_css", _stylesheets(c, node))

    params = c.mapping(node, "params", "params")
    if params is not None:
        values["params"] = dict(to_python(params))

    default = _default_language(
        language,
        title,
        values.get("description", ""),
        c.strings(node, "strings", "strings"),
        _date_format(c, node, "date_format", "date_format") or "long",
    )
    values["languages"] = _languages(c, node, default)
    sections = _sections(c, node, [lang.code for lang in values["languages"]])
    if sections is not None:
        values["sections"] = sections
    return Config(**values)


def default_config(root: Path) -> Config:
    """The configuration of a site without `newsgen.yaml`."""
    return Config(root=root, languages=(_default_language("en", "News", "", {}, "long"),))


def _line(node: YMap, key: str) -> int | None:
    value = node.get(key)
    return value.line if value is not None else None


def _nested(c: _Checker, node: YMap, key: str, readers: dict[str, Callable[[YMap], None]]) -> None:
    sub = c.mapping(node, key, key)
    if sub is None:
        return
    c.unknown_keys(sub, tuple(readers), prefix=f"{key}.")
    for name, read in readers.items():
        if sub.get(name) is not None:
            read(sub)


def _stylesheets(c: _Checker, node: YMap) -> tuple[str, ...] | None:
    """`extra_css`: one path or a list of paths of the site's own files, like
    `css/site.css` for static/css/site.css (whether they exist is checked with the
    site's files)."""
    value = node.get("extra_css")
    if value is None or (isinstance(value, YScalar) and value.is_null):
        return None
    items = value.items if isinstance(value, YSeq) else (value,)
    out: list[str] = []
    for item in items:
        text = as_text(item)
        if text is None or not text.strip():
            c.error(item.line, f"extra_css: expected the path of a stylesheet of the site, "
                               f"like css/site.css, got {describe(item)}")
            continue
        path = text.strip().lstrip("/")
        if "://" in path or path.startswith("//") or ".." in path.split("/"):
            c.error(item.line, f"extra_css: '{text}' is not a file of the site: give the "
                               "path of a file under static/, like css/site.css")
            continue
        out.append(path)
    return tuple(out)


def _widths(c: _Checker, node: YMap) -> tuple[int, ...] | None:
    value = node.get("widths")
    if not isinstance(value, YSeq) or not value.items:
        line = value.line if value is not None else node.line
        c.error(line, "images.widths: expected a list of widths in pixels, like [480, 960]")
        return None
    widths: list[int] = []
    for item in value.items:
        number = as_int(item)
        if number is None or not 16 <= number <= 8192:
            c.error(item.line, f"images.widths: expected a width from 16 to 8192 pixels, "
                               f"got {describe(item)}")
            return None
        widths.append(number)
    return tuple(sorted(set(widths)))


def _quality(c: _Checker, node: YMap) -> int | None:
    number = c.integer(node, "quality", "images.quality", 1)
    if number is not None and number > 100:
        c.error(_line(node, "quality"), "images.quality: expected 1 to 100")
        return None
    return number


def _date_format(c: _Checker, node: YMap, key: str, name: str) -> str | None:
    text = c.text(node, key, name)
    if text is None:
        return None
    if text in ("short", "medium", "long", "full"):
        return text
    from datetime import date

    from babel.dates import format_date

    try:
        first = format_date(date(2024, 1, 2), text, locale="en")
        second = format_date(date(2025, 3, 4), text, locale="en")
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        c.error(_line(node, key), f"{name}: '{text}' is not a date pattern ({exc}); "
                                  "use short, medium, long, full or a pattern like 'd MMMM y'")
        return None
    if first == second:
        c.error(_line(node, key), f"{name}: '{text}' shows no part of the date; "
                                  "use a pattern like 'd MMMM y'")
        return None
    return text


def check_language_code(code: str) -> str | None:
    if not _LANG_RE.match(code):
        return f"'{code}' is not a language code like 'en', 'tk' or 'pt-BR'"
    try:
        Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return f"'{code}' is not a language newsgen knows (no CLDR data)"
    return None


def check_timezone(name: str) -> str | None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return f"'{name}' is not an IANA time zone (like 'UTC' or 'Asia/Ashgabat')"
    return None


def _default_language(
    code: str, title: str, description: str, strings: dict[str, str], date_format: str
) -> LanguageConfig:
    return LanguageConfig(
        code=code,
        title=title,
        description=description,
        strings=dict(strings),
        date_format=date_format,
        is_default=True,
    )


def _languages(c: _Checker, node: YMap, default: LanguageConfig) -> tuple[LanguageConfig, ...]:
    """The default language first, then the others in the order given.

    An entry for the default language's own code adjusts the default language.
    """
    langs = c.mapping(node, "languages", "languages")
    out: list[LanguageConfig] = []
    if langs is None:
        return (default,)
    for key, value in langs.items:
        code = key.text
        problem = check_language_code(code)
        if problem:
            c.error(key.line, f"languages: {problem}")
            continue
        if isinstance(value, YScalar) and value.is_null:
            value = YMap((), key.line)
        if not isinstance(value, YMap):
            c.error(value.line, f"languages.{code}: expected a mapping, got {describe(value)}")
            continue
        c.unknown_keys(value, LANGUAGE_KEYS, prefix=f"languages.{code}.")
        strings = c.strings(value, "strings", f"languages.{code}.strings")
        title = c.text(value, "title", f"languages.{code}.title")
        description = c.text(value, "description", f"languages.{code}.description",
                             allow_empty=True)
        date_format = _date_format(c, value, "date_format", f"languages.{code}.date_format")
        if code == default.code:
            default = replace(
                default,
                strings=dict({**default.strings, **strings}),
                title=title or default.title,
                description=description if description is not None else default.description,
                date_format=date_format or default.date_format,
            )
            continue
        out.append(LanguageConfig(
            code=code,
            title=title or default.title,
            description=description if description is not None else default.description,
            strings=dict(strings),
            date_format=date_format or default.date_format,
            is_default=False,
        ))
    return (default, *out)


def _sections(c: _Checker, node: YMap, lang_codes: list[str]) -> tuple[SectionConfig, ...] | None:
    value = node.get("sections")
    if value is None or (isinstance(value, YScalar) and value.is_null):
        return None
    if not isinstance(value, YSeq):
        c.error(value.line, f"sections: expected a list of {{slug, title}}, got {describe(value)}")
        return None
    out: list[SectionConfig] = []
    seen: dict[str, int] = {}
    for item in value.items:
        slug_text: str | None
        title: str | None
        titles: dict[str, str] = {}
        if isinstance(item, YScalar):
            title = as_text(item)
            slug_text = title
        elif isinstance(item, YMap):
            c.unknown_keys(item, SECTION_KEYS, prefix="sections.")
            slug_text = c.text(item, "slug", "sections.slug")
            title = c.text(item, "title", "sections.title")
            tmap = c.mapping(item, "titles", "sections.titles")
            if tmap is not None:
                for k, v in tmap.items:
                    t = as_text(v)
                    if k.text not in lang_codes:
                        c.error(k.line, f"sections.titles: '{k.text}' is not a configured "
                                        f"language ({', '.join(lang_codes)})")
                    elif t is None:
                        c.error(v.line, f"sections.titles.{k.text}: expected a string")
                    else:
                        titles[k.text] = t
            if slug_text is None and title is None:
                c.error(item.line, "sections: each section needs a slug or a title")
                continue
        else:
            c.error(item.line, f"sections: expected {{slug, title}}, got {describe(item)}")
            continue
        slug = slugify(slug_text or title or "")
        if not slug:
            c.error(item.line, f"sections: '{slug_text or title}' gives an empty slug")
            continue
        if slug in seen:
            c.error(item.line, f"sections: '{slug}' is listed twice (first on line {seen[slug]})")
            continue
        seen[slug] = item.line
        out.append(SectionConfig(
            slug=slug,
            title=title or (slug_text or slug),
            titles=dict(titles),
            line=item.line,
        ))
    return tuple(out)
