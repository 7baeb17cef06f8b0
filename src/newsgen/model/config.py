"""The site's configuration as frozen types: what `newsgen.yaml` says, with defaults
(read and checked by newsgen.parse.config)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

CONFIG_NAME = "newsgen.yaml"
# The file that marks an output folder newsgen made (newsgen.output.guard), at its root
OUTPUT_MARK = ".newsgen-output"

# How list pages are numbered (`pagination:`): "newest" counts pages from the newest
# article (page 1 is the list's first page; a publish shifts every page), "stable" counts
# fixed blocks from the oldest (page/1/ holds the oldest; a publish changes the first page,
# and every per_page-th publish adds one numbered page).
PAGINATION_MODES = ("newest", "stable")
# what a body link to a site path that the build does not write is (checks.dead_links)
DEAD_LINK_MODES = ("error", "warning")


@dataclass(frozen=True)
class LanguageConfig:
    """One language of the site. The default language lives at the root (or under
    /<code>/ with `default_language_prefix`), others under /<code>/."""

    code: str  # BCP 47, as `lang` and `hreflang` carry it: "zh-CN"
    title: str
    description: str
    strings: Mapping[str, str]
    date_format: str
    is_default: bool
    locale: str | None = None  # Open Graph's language_TERRITORY; None: the likeliest
    folder: str = ""  # its pages' folder, as the site writes the code ("zh_cn"); "": the root

    @property
    def prefix(self) -> str:
        """The output folder of this language's pages: "", "ru/" or "zh_cn/"."""
        return f"{self.folder}/" if self.folder else ""


@dataclass(frozen=True)
class SectionConfig:
    slug: str
    title: str
    titles: Mapping[str, str] = field(default_factory=dict)
    line: int | None = None


@dataclass(frozen=True)
class ReadAlso:
    limit: int = 6
    fill: bool = True


@dataclass(frozen=True)
class Markdown:
    raw_html: bool = True


@dataclass(frozen=True)
class Feed:
    limit: int = 20


@dataclass(frozen=True)
class NewsSitemap:
    days: int = 2


@dataclass(frozen=True)
class Checks:
    far_future_days: int = 365  # a date further ahead gets a warning (0: never)
    large_article_kb: int = 1024  # a larger article file gets a warning (0: never)
    dead_links: str = "error"  # or "warning": see DEAD_LINK_MODES


@dataclass(frozen=True)
class Home:
    per_section: int = 5


@dataclass(frozen=True)
class Publisher:
    logo: str | None = None


@dataclass(frozen=True)
class Images:
    widths: tuple[int, ...] = (480, 960, 1600)
    webp: bool = True
    quality: int = 82


# The groups of keys below one key of newsgen.yaml (`read_also: {limit: 4}`), by that key.
GROUPS: dict[str, type] = {"read_also": ReadAlso, "markdown": Markdown, "feed": Feed,
                           "news_sitemap": NewsSitemap, "checks": Checks, "home": Home,
                           "publisher": Publisher, "images": Images}


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
    pagination: str = "newest"  # one of PAGINATION_MODES
    permalink: str = "{section}/{slug}/"
    default_language_prefix: bool = False  # the default language's pages under /<code>/ too
    # where an article without `section` gets one: "front_matter" (nowhere: it is an error),
    # "folder" (its first folder below content/, or below a language's folder) or
    # "categories" (its first category; the others stay tags)
    sections_from: str = "front_matter"
    filename_dates: bool = False  # a YYYY-MM-DD- file-name prefix: the date, not the slug
    read_also: ReadAlso = field(default_factory=ReadAlso)
    markdown: Markdown = field(default_factory=Markdown)
    search: bool = False  # a Pagefind index per language, and a search box on every page
    feed: Feed = field(default_factory=Feed)
    news_sitemap: NewsSitemap = field(default_factory=NewsSitemap)
    checks: Checks = field(default_factory=Checks)
    home: Home = field(default_factory=Home)
    publisher: Publisher = field(default_factory=Publisher)
    # the site's own stylesheets (paths of files under static/ or content/), linked after
    # the theme's, so they can set its custom properties (--accent, …) or add rules
    extra_css: tuple[str, ...] = ()
    images: Images = field(default_factory=Images)
    params: Mapping[str, Any] = field(default_factory=dict)
    exists: bool = False
    own_urls: tuple[str, ...] = ()  # other base URLs of this site: newsgen.yaml's, under --base-url
    # The file could not be read, or its languages could not: the articles, checked
    # against defaults, would show errors that are not theirs (the build stops first).
    misread: bool = False
    # the digest of newsgen.yaml's bytes as this build read them, for the build state's
    # content key (newsgen.incremental.sources); no page shows it
    read_as: str = field(default="", compare=False)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def base_path(self) -> str:
        """The path part of base_url, always starting and ending with "/"."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def published_base_url(self) -> str:
        """newsgen.yaml's base_url, also while `--base-url` or the dev server builds under
        another: what the site's own files and links are written for."""
        return self.own_urls[0] if self.own_urls else self.base_url

    @property
    def published_base_path(self) -> str:
        """The path part of `published_base_url`, as the browser reads it (unquoted)."""
        path = unquote(urlsplit(self.published_base_url).path) or "/"
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
        return replace(self, base_url=normalize_base_url(url),
                       own_urls=(*self.own_urls, self.base_url))


def normalize_base_url(url: str) -> str:
    """Ending with "/", its path percent-encoded as every URL newsgen writes is
    (`/my news/` is `/my%20news/`, `/новости/` `/%D0%BD…/`); an escape given stays."""
    parts = urlsplit(url if url.endswith("/") else url + "/")
    path = re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", parts.path)  # a lone % is a character
    return urlunsplit(parts._replace(path=quote(path, safe="/%!$&'()*+,;=:@~")))
