"""Rendering: from the planned pages (newsgen.stages.plan) to bytes. `Renderer.render()`
turns one page into bytes, without writing anything; templates are loaded once."""

from __future__ import annotations

import json
import sqlite3
import sys
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple

import jinja2
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    PackageLoader,
    PrefixLoader,
)
from markupsafe import Markup

from newsgen.errors import did_you_mean
from newsgen.model.site import LanguageSite, Site
from newsgen.parse import i18n
from newsgen.parse.markup import fill_backrefs
from newsgen.stages import feeds, paging, search
from newsgen.stages.archive import archive_years, month_title
from newsgen.stages.images import ImageInfo
from newsgen.stages.kinds import HTML_KINDS, KINDS, Page, versions
from newsgen.stages.labels import label
from newsgen.stages.paging import Pagination
from newsgen.stages.redirects import redirect_page
from newsgen.stages.snapshot import (
    SiteTemplates,
    Snapshot,
    Sources,
    TemplateEncodingError,
    failure,
    missing_macro,
)
from newsgen.stages.structured import collection_page
from newsgen.stages.undefined import (
    Frame,
    Misnamed,
    Missing,
    Slip,
    called_from,
    every_slip,
    made_at,
    undefined_json,
)
from newsgen.stages.views import (
    Alternate,
    Bodies,
    Context,
    LanguageLink,
    SiteView,
)


class TemplateFailure(Exception):
    """A page that failed to render; `others`: more slips found on it (every_slip)."""

    def __init__(self, path: str, line: int | None, message: str,
                 others: tuple[Slip, ...] = ()) -> None:
        super().__init__(message)
        self.path, self.line, self.message, self.others = path, line, message, others

    def __reduce__(self) -> tuple[type[TemplateFailure], tuple[Any, ...]]:
        # A rendering worker sends it back pickled: an exception pickles its `args` only,
        # and one that cannot be made again stops the pool's result thread (the build hung)
        return TemplateFailure, (self.path, self.line, self.message, self.others)


@dataclass(frozen=True)
class SearchView:
    """What the search page needs: its language's index parts, and the UI's words."""
    bundle_url: str | None  # the newest part ("/ru/pagefind/2026-12/"); none: no articles
    merge: str  # JSON list of the other parts' URLs, newest first
    translations: str  # JSON for Pagefind's UI, in the page's language


def search_view(ctx: Context, ls: LanguageSite, labels: i18n.Labels,
                parts: tuple[str, ...]) -> SearchView:
    """`parts`: the language's index parts, newest first (see newsgen.stages.kinds)."""
    urls = [ctx.urls.href(f"{ls.prefix}{search.BUNDLE}{part}/") for part in parts]
    words = {
        "placeholder": labels.get("search"), "search_label": labels.get("search"),
        "zero_results": labels.get("search_none"), "one_result": labels.get("search_one"),
        "many_results": labels.get("search_many"), "searching": labels.get("search_searching"),
        "load_more": labels.get("search_more"), "clear_search": labels.get("search_clear"),
    }
    return SearchView(urls[0] if urls else None, json.dumps(urls[1:]),
                      json.dumps(words, ensure_ascii=False, sort_keys=True))


def make_environment(root: Path, bytecode_dir: Path | None = None,
                     templates: Sources | None = None) -> Environment:
    """The Jinja environment: the site's templates/ first, then the built-in theme.

    The built-in templates are also reachable as `builtin/<name>`, so a site's
    template can extend the one it replaces. With `bytecode_dir`, compiled templates
    are kept there between builds (Jinja checks each one against its source).
    """
    builtin = PackageLoader("newsgen", "theme/templates")
    loaders: list[jinja2.BaseLoader] = []
    site_templates = root / "templates"
    if site_templates.is_dir():
        loaders.append(SiteTemplates(str(site_templates)))
    loaders += [PrefixLoader({"builtin": builtin}), builtin]
    env = Environment(
        loader=None,
        autoescape=True,
        undefined=Missing,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        keep_trailing_newline=True,
        bytecode_cache=FileSystemBytecodeCache(str(bytecode_dir)) if bytecode_dir else None,
    )
    env.loader = Snapshot(ChoiceLoader(loaders), env, templates)  # one version of each
    env.globals["t"] = label
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "default": undefined_json}
    _RECIPES[env] = (root, bytecode_dir)
    return env


# How each environment was made: a worker started afresh (`spawn`) makes the same one.
_RECIPES: weakref.WeakKeyDictionary[Environment, tuple[Path, Path | None]] = (
    weakref.WeakKeyDictionary())


class Recipe(NamedTuple):
    """A renderer's ingredients, all of them picklable."""

    site: Site
    pages: list[Page]
    images: Mapping[str, ImageInfo] | None
    preview: bool
    bodies: Bodies | None
    root: Path
    bytecode: Path | None
    templates: Sources  # the parent's snapshot: the same templates in every worker


class Renderer:
    """Renders pages of one linked site with one environment."""

    def __init__(self, site: Site, env: Environment, pages: list[Page],
                 images: Mapping[str, ImageInfo] | None = None,
                 *, preview: bool = False, bodies: Bodies | None = None) -> None:
        self.site = site
        self.pages = pages
        self.images, self.preview, self.bodies = images, preview, bodies
        self.templates: dict[str, jinja2.Template] = {}  # no lookup per page
        self._records: feeds.SitemapRecords | None = None
        self.env = env
        self.ctx = Context(site, images, preview=preview, bodies=bodies)
        self.labels: dict[str, i18n.Labels] = {}
        for lang in site.config.languages:  # missing labels: warned of with the config
            self.labels[lang.code] = i18n.make_labels(lang.code, lang.strings)[0]
        self.site_views = {ls.lang.code: SiteView(self.ctx, ls) for ls in site.languages}
        self.lang_sites = {ls.lang.code: ls for ls in site.languages}

    def recipe(self) -> Recipe:
        """What a worker process started afresh needs to make the same renderer
        (`Renderer.from_recipe`): a forked one simply inherits it."""
        root, bytecode = _RECIPES[self.env]
        loader = self.env.loader
        return Recipe(self.site, self.pages, self.images, self.preview, self.bodies, root,
                      bytecode, loader.sources if isinstance(loader, Snapshot) else {})

    @classmethod
    def from_recipe(cls, r: Recipe) -> Renderer:
        return cls(r.site, make_environment(r.root, r.bytecode, r.templates or None),
                   r.pages, r.images, preview=r.preview, bodies=r.bodies)

    def render(self, page: Page) -> bytes:
        if page.kind == "feed":
            return feeds.rss(self.ctx, self.lang_sites[page.lang], page)
        if page.kind == "redirect":
            entry = page.items[0]
            return redirect_page(self.ctx, entry.url, entry.article.title, page.lang)
        if page.kind == "root":
            lang = self.ctx.config.default_language
            return redirect_page(self.ctx, lang.prefix, lang.title, page.lang)
        if page.kind == "robots":
            return feeds.robots(self.ctx, news=bool(page.items))
        if page.kind == "news-sitemap":
            return feeds.news_sitemap(self.ctx, page)
        if page.kind in ("sitemap", "sitemap-index"):
            return feeds.sitemap(self.ctx, page, self.sitemap_records())
        try:
            return self.html(page).encode("utf-8")
        except UnicodeEncodeError as exc:  # half a character (template_check says where)
            raise TemplateFailure("templates", None, f"while rendering /{page.path}: half a "
                                  f"character ({exc.object[exc.start]!a})") from None

    html_kinds = HTML_KINDS

    def sitemap_records(self) -> feeds.SitemapRecords:
        """The URL, last change and alternates of every page in the sitemap (once)."""
        if self._records is None:
            self._records = feeds.SitemapRecords(self.ctx, self.pages)
        return self._records

    def template_for(self, page: Page) -> str:
        return self.template_for_kind(page.kind)

    def template_for_kind(self, kind: str) -> str:
        template = KINDS[kind].template
        if template is None:
            raise ValueError(f"pages of kind {kind!r} have no template")
        return template

    def html(self, page: Page) -> str:
        name = self.template_for(page)
        try:
            template = self.templates.get(name)
            if template is None:
                template = self.templates[name] = self.env.get_template(name)
            return fill_backrefs(template.render(self.context(page)),
                                 self.labels[page.lang].get("footnote_back"))
        except TemplateEncodingError as exc:
            raise TemplateFailure(self.template_path(exc.filename, exc.name), exc.lineno or None,
                                  exc.message or "not UTF-8 text") from None
        except jinja2.TemplateSyntaxError as exc:
            raise TemplateFailure(self.template_path(exc.filename, exc.name), exc.lineno,
                                  f"template syntax: {exc.message}") from None
        except jinja2.TemplateNotFound as exc:  # where it is included, when it is
            path, line, _ = self.locate(sys.exc_info()[2], name)
            raise TemplateFailure(path, line, f"template not found: {exc.name}" + did_you_mean(
                str(exc.name), self.env.list_templates())) from None
        except sqlite3.Error:  # the build state's (a body's HTML), not the template's
            raise
        except Exception as exc:  # noqa: BLE001 - any template failure becomes a diagnostic
            path, line, via, message = failure(exc, name, self.env,
                                               self.locate(sys.exc_info()[2], name))
            if isinstance(exc, Misnamed) and exc.where:  # where the value was made
                path, line, via = made_at(exc.where, self.template_path(exc.where[0], None),
                                          (path, line), via)
            if (missing := missing_macro(message, self.env)) is not None:
                raise TemplateFailure("templates/macros.html", None, missing) from None
            raise TemplateFailure(path, line, f"while rendering /{page.path}{via}: {message}",
                                  every_slip(self.env, name, self.context(page), page.path,
                                             lambda f: self.template_path(f, None))
                                  if isinstance(exc, Misnamed) else ()) from None

    def template_path(self, filename: str | None, name: str | None) -> str:
        if filename:
            try:
                return Path(filename).resolve().relative_to(
                    self.site.config.root.resolve()).as_posix()
            except ValueError:
                return f"(built-in theme) {Path(filename).name}"
        return f"templates/{name}"

    def locate(self, tb: TracebackType | None, fallback: str) -> tuple[str, int | None, str]:
        """The template file and line where rendering failed (Jinja's rewritten traceback),
        and " (from templates/article.html:4)": the site's template that called a macro or
        included a file there (given a misspelt value, or none)."""
        frames: list[Frame] = [(f"templates/{fallback}", None, "")]
        while tb is not None:
            code = tb.tb_frame.f_code
            if code.co_filename.endswith((".html", ".xml", ".txt", ".j2")):
                frames.append((self.template_path(code.co_filename, None), tb.tb_lineno,
                               code.co_name))  # (Jinja's: "template", "block 'x'", …)
            tb = tb.tb_next
        path, line, _ = frames[-1]
        return path, line, called_from(frames)

    def context(self, page: Page) -> dict[str, Any]:
        ls = self.lang_sites[page.lang]
        site_view = self.site_views[page.lang]
        ctx = self.ctx
        urls = ctx.urls
        values: dict[str, Any] = {
            "site": site_view,
            "labels": self.labels[page.lang],
            "lang": page.lang,
            "page": PageView(self, page, ls),
        }
        # Every value comes from what the kind declares it shows (newsgen.stages.kinds), the
        # same values its fingerprint is made of.
        for key, shown in KINDS[page.kind].shows(page, ls, self.site).items():
            values[key] = self.view(key, shown, page, ls)
        values["home_url"] = urls.href(ls.prefix)
        return values

    def view(self, key: str, shown: Any, page: Page, ls: LanguageSite) -> Any:
        """What a template gets for one declared value."""
        ctx = self.ctx
        if key in ("latest", "articles"):
            return [ctx.article(e) for e in shown]
        if key == "article":
            return ctx.article(shown)
        if key == "blocks":
            return [(ctx.section(s, ls.lang), [ctx.article(e) for e in items])
                    for s, items in shown]
        if key == "section":
            return ctx.section(shown, ls.lang)
        if key == "term":
            return ctx.term(shown[0], ls.lang, shown[1])
        if key == "terms":
            return [ctx.term(t, ls.lang, n) for t, n in shown]
        if key == "pagination":
            return self.pagination(page)
        if key == "years":
            return archive_years(ctx, ls, shown)
        if key == "search":
            return search_view(ctx, ls, self.labels[page.lang], shown)
        if key == "versions":  # also `page.alternates`
            return [Alternate(code, ctx.urls.abs(path)) for code, path in shown]
        raise KeyError(f"no view for {key!r}")

    def pagination(self, page: Page) -> Pagination:
        return paging.pagination(page, self.ctx.urls.href)


class PageView:
    """What every template knows about the page being rendered."""

    def __init__(self, renderer: Renderer, page: Page, ls: LanguageSite) -> None:
        ctx = renderer.ctx
        labels = renderer.labels[page.lang]
        self.kind = page.kind
        self.lang = page.lang
        self.dir = i18n.text_direction(page.lang)
        self.url = ctx.urls.href(page.url)
        # An error page (or the search page) is no page of the site: no canonical link,
        # and kept out of search engines' indexes.
        self.noindex = page.kind in ("404", "search")
        self.canonical: str | None = None if self.noindex else ctx.urls.abs(page.url)
        self.number = page.number
        self.total = page.reach  # as `pagination.total` (newsgen.stages.paging)
        self.feed_url = ctx.urls.href(ls.prefix + "feed.xml")
        self.section_feed_url: str | None = None
        self.description = ls.lang.description if page.kind == "home" else ""
        self.json_ld: Markup | None = None  # a section page's CollectionPage
        self.section_slug: str | None = page.section.slug if page.section else None
        # The language switcher: each language's version of the page, else its home page.
        found = versions(page, ctx.site)
        self.alternates = [Alternate(code, ctx.urls.abs(path)) for code, path in found]
        targets = {other.lang.code: other.prefix for other in ctx.site.languages}
        targets.update(found)
        targets[page.lang] = page.url
        if page.entry is not None:
            self.section_slug = page.entry.section.slug
        self.languages = [
            LanguageLink(other.lang.code, other.lang.title, ctx.urls.href(targets[other.lang.code]),
                         other.lang.code == page.lang, i18n.text_direction(other.lang.code))
            for other in ctx.site.languages
        ]
        title = ls.lang.title
        if page.kind == "article" and page.entry is not None:
            title = page.entry.article.title
            self.description = page.entry.summary
        elif page.section is not None:
            title = page.section.title_in(page.lang)
            self.section_feed_url = ctx.urls.href(f"{ls.prefix}{page.section.slug}/feed.xml")
            self.json_ld = collection_page(title, ctx.urls.abs(page.url),
                                           [ctx.urls.abs(e.url) for e in page.items])
        elif page.term is not None:
            key = "tag_heading" if page.term.kind == "tag" else "author_heading"
            title = labels.get(key, name=page.term.name)
        elif page.kind in ("tags", "authors"):
            title = labels.get("all_tags" if page.kind == "tags" else "all_authors")
        elif page.kind == "404":
            title = labels.get("not_found_title")
        elif page.kind == "search":
            title = labels.get("search")
        elif page.kind == "archive":
            title = labels.get("archive")
        elif page.month is not None:
            title = month_title(page.month, page.lang)
        self.description = self.description or self._describe(page, ls, labels, title)
        if page.numbered:
            title = f"{title} — {labels.get('page_n', n=page.number)}"
            self.description = f"{self.description} — {labels.get('page_n', n=page.number)}"
        self.title = title

    @staticmethod
    def _describe(page: Page, ls: LanguageSite, labels: i18n.Labels, title: str) -> str:
        """A page without a description of its own gets a sentence from the labels:
        "Latest news from General — Caspian Daily"."""
        site = ls.lang.title
        if page.kind == "home":
            return labels.get("describe_home", site=site)
        if page.kind == "section":
            return labels.get("describe_section", section=title, site=site)
        if page.term is not None:
            key = "describe_tag" if page.term.kind == "tag" else "describe_author"
            return labels.get(key, name=page.term.name, site=site)
        if page.month is not None:
            return labels.get("describe_month", month=title, site=site)
        return f"{title} — {site}"
