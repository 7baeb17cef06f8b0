"""View objects: what templates see. Built from the linked site, never raw dicts.

Every URL a view gives is ready for an `href`: `url` is a path from the site
root including `base_url`'s path (`/news/general/visit/`), `abs_url` is
absolute when `base_url` is (for canonical links, feeds and sitemaps).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any, Protocol
from urllib.parse import quote

from markupsafe import Markup

from newsgen.model.config import Config, LanguageConfig
from newsgen.model.site import Entry, LanguageSite, LeadImage, Link, Section, Site, Term
from newsgen.parse import i18n
from newsgen.parse.dates import iso
from newsgen.parse.markup import fill_links
from newsgen.stages.images import ImageInfo
from newsgen.stages.params import Params
from newsgen.stages.structured import json_for_script, publisher_logo

_PLAIN = re.compile(r"[A-Za-z0-9_.~/-]*")  # what `quote` leaves as it is


def quote_path(path: str) -> str:
    """`urllib.parse.quote`, without its cost for the common path that needs nothing."""
    return path if _PLAIN.fullmatch(path) else quote(path)


class Urls:
    """Turns site paths ("general/visit/") into hrefs and absolute URLs."""

    def __init__(self, config: Config) -> None:
        self.base_path = config.base_path
        self.base_url = config.base_url
        self.absolute = config.base_is_absolute

    def href(self, path: str) -> str:
        return self.base_path + quote_path(path)

    def abs(self, path: str) -> str:
        return (self.base_url if self.absolute else self.base_path) + quote_path(path)


def x_default(members: list[Entry], site: Site) -> Entry:
    """The version of a translation group that `hreflang="x-default"` names, the same on
    each of its pages: the default language's, else the one in the first of the site's
    languages (in the configuration's order) that has one."""
    order = {ls.lang.code: i for i, ls in enumerate(site.languages)}
    return min(members, key=lambda e: order.get(e.lang, len(order)))


@dataclass(frozen=True)
class SectionView:
    slug: str
    title: str
    url: str
    feed_url: str


@dataclass(frozen=True)
class TermView:
    kind: str
    name: str
    slug: str
    url: str
    count: int = 0


@dataclass(frozen=True)
class LinkView:
    title: str
    url: str
    external: bool


@dataclass(frozen=True)
class ImageView:
    src: str
    abs_src: str
    alt: str
    caption: str | None
    credit: str | None
    external: bool
    width: int | None = None
    height: int | None = None
    srcset: str = ""  # the original format, narrowest first, the original last
    webp_srcset: str = ""
    sizes: str = "(max-width: 44rem) 100vw, 42rem"
    crops: tuple[tuple[str, int, int], ...] = ()  # absolute URL, width, height


@dataclass(frozen=True)
class LanguageLink:
    code: str
    title: str  # that language's site title
    url: str
    current: bool
    dir: str

    @property
    def name(self) -> str:
        """The language's name in its own words: "English", "русский", "türkmen dili"."""
        return i18n.language_name(self.code)


@dataclass(frozen=True)
class Alternate:
    hreflang: str
    url: str  # absolute when base_url is


class Bodies(Protocol):
    """Where the converted bodies' HTML is (newsgen.incremental.cache.BodyStore)."""

    def html(self, key: str) -> str: ...


class Context:
    """Shared, per-build helpers the views need: URLs, the site, time zone, languages."""

    def __init__(self, site: Site, images: Mapping[str, ImageInfo] | None = None, *,
                 preview: bool = False, bodies: Bodies | None = None) -> None:
        self.site = site
        self.bodies = bodies
        self.preview = preview  # the dev server: drafts and scheduled articles are marked
        self.images: Mapping[str, ImageInfo] = images or {}
        self.config = site.config
        self.urls = Urls(site.config)
        self.tz = site.config.tz
        self.lang_sites = {ls.lang.code: ls for ls in site.languages}
        self._articles: dict[str, ArticleView] = {}
        # The site's own entry for each URL. An entry reached through another one (a
        # translation) can be an earlier copy, made before all links were known: a view
        # always starts from the site's entry, so it is the same whoever asks first.
        self._entries = dict(site.loaded) if site.loaded is not None else {
            e.url: e for ls in site.languages for e in ls.entries}

    # Views kept at most: the pages rendered one after another share an article's view,
    # and a worker's memory does not grow with the archive (a view for each of 100,000
    # articles held 300 MB in each worker).
    VIEWS = 4096

    def article(self, entry: Entry) -> ArticleView:
        """The article's view, shared by the pages rendered near one another that show it
        (the least recently used view goes first)."""
        views = self._articles
        view = views.pop(entry.url, None)
        if view is None:
            entry = self._entries.get(entry.url, entry)
            view = ArticleView(entry, self)
            if len(views) >= self.VIEWS:
                del views[next(iter(views))]
        views[entry.url] = view
        return view

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    def section(self, section: Section, lang: LanguageConfig) -> SectionView:
        base = lang.prefix + section.slug + "/"
        return SectionView(section.slug, section.title_in(lang.code), self.urls.href(base),
                           self.urls.href(base + "feed.xml"))

    def term(self, term: Term, lang: LanguageConfig, count: int = 0) -> TermView:
        folder = "tags" if term.kind == "tag" else "authors"
        return TermView(term.kind, term.name, term.slug,
                        self.urls.href(f"{lang.prefix}{folder}/{term.slug}/"), count)

    def link(self, link: Link) -> LinkView:
        return LinkView(link.title, link.url if link.external else self.urls.href(link.url),
                        link.external)

    def image(self, image: LeadImage | None) -> ImageView | None:
        if image is None:
            return None
        src = image.url if image.external else self.urls.href(image.url)
        abs_src = image.url if image.external else self.urls.abs(image.url)
        info = self.images.get(image.url)
        if info is None:
            return ImageView(src, abs_src, image.alt or "", image.caption, image.credit,
                             image.external)
        # a WebP original: its narrower copies and itself in the <img>, no <source>
        own = "image/webp" if image.url.lower().endswith(".webp") else None
        same = [f"{self.urls.href(v.path)} {v.width}w" for v in info.variants
                if (v.mime == "image/webp") == (own is not None)]
        if same and info.width:
            same.append(f"{src} {info.width}w")
        webp = [] if own else [f"{self.urls.href(v.path)} {v.width}w" for v in info.variants
                               if v.mime == "image/webp"]
        return ImageView(src, abs_src, image.alt or "", image.caption, image.credit,
                         image.external, info.width, info.height, ", ".join(same),
                         ", ".join(webp), crops=tuple((self.urls.abs(c.path), c.width, c.height)
                                                     for c in info.crops))


class ArticleView:
    """An article as templates see it."""

    def __init__(self, entry: Entry, ctx: Context) -> None:
        self._e = entry
        self._ctx = ctx
        a = entry.article
        self.lang_config = ctx.config.language_config(a.lang)
        self.title = a.title
        self.slug = a.slug
        self.lang = a.lang
        self.dir = i18n.text_direction(a.lang)
        self.source = a.source
        self.summary = entry.summary
        self.url = ctx.urls.href(entry.url)
        self.abs_url = ctx.urls.abs(entry.url)
        self.date: datetime = ctx.local(a.date)
        self.updated: datetime | None = ctx.local(a.updated) if a.updated else None
        self.modified: datetime = ctx.local(entry.modified)
        self.params: Mapping[str, Any] = Params(a.params)
        self.draft = a.draft
        # "draft" or "scheduled" in `newsgen serve --drafts/--future`; never in a build.
        self.held: str | None = None
        if ctx.preview:
            self.held = "draft" if a.draft else "scheduled" if a.date > ctx.site.now else None

    @cached_property
    def section(self) -> SectionView:
        return self._ctx.section(self._e.section, self.lang_config)

    @cached_property
    def tags(self) -> list[TermView]:
        return [self._ctx.term(t, self.lang_config) for t in self._e.tags]

    @cached_property
    def authors(self) -> list[TermView]:
        return [self._ctx.term(t, self.lang_config) for t in self._e.authors]

    @cached_property
    def image(self) -> ImageView | None:
        return self._ctx.image(self._e.image)

    @property
    def body(self) -> Markup:
        """Read from the build state when a template asks (never kept: bodies are large)."""
        stored = self._ctx.bodies.html(self._e.body_key) if self._ctx.bodies else ""
        html = fill_links(stored, list(self._e.body_urls))
        return Markup(html)  # noqa: S704 - Markdown output, the one place for markup

    @cached_property
    def toc(self) -> Markup:
        return Markup(self._e.toc)  # noqa: S704 - generated by Python-Markdown's toc

    @cached_property
    def read_also(self) -> list[LinkView]:
        return [self._ctx.link(link) for link in self._e.read_also]

    @cached_property
    def translations(self) -> list[ArticleView]:
        return [self._ctx.article(t) for t in self._e.translations]

    @property
    def archive_url(self) -> str:
        """The archive page of the article's month."""
        return self._ctx.urls.href(
            f"{self.lang_config.prefix}archive/{self.date.year:04d}/{self.date.month:02d}/")

    @property
    def date_iso(self) -> str:
        return iso(self.date)

    @property
    def modified_iso(self) -> str:
        return iso(self.modified)

    @cached_property
    def date_text(self) -> str:
        """The publication time in the article's language: `18 dekabr 2024, 10:30`.

        An article dated without a time shows the day only.
        """
        if not self._e.article.time_given:
            return self.day_text
        return i18n.format_moment(self.date, self.lang, self.lang_config.date_format)

    @cached_property
    def day_text(self) -> str:
        return i18n.format_day(self.date, self.lang, self.lang_config.date_format)

    @cached_property
    def updated_text(self) -> str | None:
        if self.updated is None:
            return None
        if not self._e.article.updated_time_given:  # a day without a time: the day only
            return i18n.format_day(self.updated, self.lang, self.lang_config.date_format)
        return i18n.format_moment(self.updated, self.lang, self.lang_config.date_format)

    @cached_property
    def json_ld(self) -> Markup:
        """The NewsArticle JSON-LD, safe inside a <script> element: what Google's Article
        guidance asks for, authors and publisher with their pages."""
        ctx, lang = self._ctx, self.lang_config
        home = ctx.urls.abs(lang.prefix)
        data: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": self.title,
            "datePublished": self.date_iso,
            "dateModified": self.modified_iso,
            "author": [{"@type": "Person", "name": t.name,
                        "url": ctx.urls.abs(f"{lang.prefix}authors/{t.slug}/")}
                       for t in self._e.authors]
            or [{"@type": "Organization", "name": lang.title, "url": home}],
            "articleSection": self.section.title,
            "url": self.abs_url,
            "mainEntityOfPage": {"@type": "WebPage", "@id": self.abs_url},
            "inLanguage": self.lang,
            "publisher": {"@type": "Organization", "name": lang.title, "url": home,
                          "logo": publisher_logo(ctx.config, ctx.urls.abs)},
        }
        if self.summary:  # (an article with no text and no summary has none)
            data["description"] = self.summary
        image = self.image
        if image is not None and image.width:  # the picture and its crops, with their sizes
            data["image"] = [{"@type": "ImageObject", "url": url, "width": w, "height": h}
                             for url, w, h in ((image.abs_src, image.width, image.height or 0),
                                               *image.crops)]
        elif image is not None:
            data["image"] = [image.abs_src]
        else:  # the publisher's logo stands for an article without a picture
            data["image"] = [data["publisher"]["logo"]]
        if self._e.tags:
            data["keywords"] = [t.name for t in self._e.tags]
        return Markup(json_for_script(data))  # noqa: S704 - escaped by json_for_script

    @cached_property
    def breadcrumbs_json_ld(self) -> Markup:
        """The BreadcrumbList of the article: its language's home, its section, itself."""
        ctx, lang = self._ctx, self.lang_config
        trail = [(lang.title, ctx.urls.abs(lang.prefix)),
                 (self.section.title, ctx.urls.abs(f"{lang.prefix}{self._e.section.slug}/")),
                 (self.title, self.abs_url)]
        data = {"@context": "https://schema.org", "@type": "BreadcrumbList",
                "itemListElement": [{"@type": "ListItem", "position": n, "name": name,
                                     "item": url} for n, (name, url) in enumerate(trail, 1)]}
        return Markup(json_for_script(data))  # noqa: S704 - escaped by json_for_script

    @property
    def og_locale(self) -> str:
        return self.lang_config.locale or i18n.og_locale(self.lang)

    @property
    def og_locale_alternates(self) -> list[str]:
        config = self._ctx.config
        return [config.language_config(t.lang).locale or i18n.og_locale(t.lang)
                for t in self._e.translations]


class SiteView:
    """The site as seen from one language: names, navigation, languages."""

    def __init__(self, ctx: Context, ls: LanguageSite) -> None:
        cfg = ctx.config
        lang = ls.lang
        self.title = lang.title
        self.description = lang.description
        self.lang = lang.code
        self.dir = i18n.text_direction(lang.code)
        self.base_url = cfg.base_url
        self.params = Params(cfg.params)
        self.url = ctx.urls.href(lang.prefix)
        self.abs_url = ctx.urls.abs(lang.prefix)
        self.feed_url = ctx.urls.href(lang.prefix + "feed.xml")
        self.tags_url = ctx.urls.href(lang.prefix + "tags/") if ls.tags else None
        self.authors_url = ctx.urls.href(lang.prefix + "authors/") if ls.authors else None
        self.archive_url = ctx.urls.href(lang.prefix + "archive/") if ls.months else None
        self.sections = [ctx.section(s, lang) for s in ls.sections]
        self.languages = [
            LanguageLink(other.lang.code, other.lang.title, ctx.urls.href(other.prefix),
                         other.lang.code == lang.code, i18n.text_direction(other.lang.code))
            for other in ctx.site.languages
        ]
        self.assets_url = ctx.urls.href("assets/")
        self.extra_css = [ctx.urls.href(path) for path in cfg.extra_css]
        # The search page of this language (`search: true`), where the header's box goes.
        self.search_url = ctx.urls.href(lang.prefix + "search/") if cfg.search else None
        # The site's own icon, or the theme's (which also answers /favicon.ico).
        outputs = {a.output for a in ctx.site.assets}
        self.favicon_url = next((ctx.urls.href(name) for name in
                                 ("favicon.svg", "favicon.png", "favicon.ico")
                                 if name in outputs), ctx.urls.href("favicon.svg"))
        self.publisher_logo = publisher_logo(cfg, ctx.urls.href)["url"]  # yours or the theme's
        self.generator = "newsgen"
