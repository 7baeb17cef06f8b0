"""Planning: every page the linked site publishes (its path, kind and what it lists),
and the check that no two of them, or a page and a file, write one path."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from newsgen.model.config import Config
from newsgen.model.site import Entry, Site
from newsgen.stages import feeds, paging
from newsgen.stages.kinds import Page
from newsgen.stages.loader import theme_paths


def _paginate(items: tuple[Entry, ...], config: Config, base_url: str,
              **fields: Any) -> Iterator[Page]:
    """The pages of one list, its first page first (newsgen.stages.paging)."""
    stable = config.pagination == "stable"
    for block in paging.blocks(len(items), config.per_page, stable=stable):
        url = f"{base_url}page/{block.number}/" if block.numbered else base_url
        yield Page(
            path=url + "index.html",
            url=url,
            items=items[block.start: block.stop],
            number=block.number,
            total=block.total,
            list_url=base_url,
            stable=stable,
            **fields,
        )


def plan(site: Site) -> list[Page]:
    """Every page of the site, in a stable order."""
    cfg = site.config
    pages: list[Page] = []
    for ls in site.languages:
        code, pre = ls.lang.code, ls.prefix
        origin_lang = f"the {code} home page"
        pages.append(Page(pre + "index.html", pre, "home", code, origin_lang, items=ls.entries))
        for section in ls.sections:
            items = ls.by_section[section.slug]
            pages.extend(_paginate(items, cfg, f"{pre}{section.slug}/", kind="section",
                                   lang=code, origin=f"section '{section.slug}'",
                                   section=section))
            pages.append(Page(f"{pre}{section.slug}/feed.xml", f"{pre}{section.slug}/feed.xml",
                              "feed", code, f"the feed of section '{section.slug}'",
                              section=section, items=items[: cfg.feed.limit]))
        for entry in ls.entries:
            pages.append(Page(entry.path, entry.url, "article", code, entry.article.source,
                              entry=entry))
        for kind, folder, terms in (("tag", "tags", ls.tags), ("author", "authors", ls.authors)):
            if not terms:
                continue
            pages.append(Page(f"{pre}{folder}/index.html", f"{pre}{folder}/", f"{kind}s", code,
                              f"the {kind} index"))
            for term, items in terms:
                pages.extend(_paginate(items, cfg, f"{pre}{folder}/{term.slug}/",
                                       kind=kind, lang=code, origin=f"{kind} '{term.name}'",
                                       term=term))
        if ls.months:
            pages.append(Page(f"{pre}archive/index.html", f"{pre}archive/", "archive", code,
                              "the archive"))
            for (year, month), items in ls.months:
                pages.extend(_paginate(items, cfg, f"{pre}archive/{year:04d}/{month:02d}/",
                                       kind="month", lang=code,
                                       origin=f"the archive of {year:04d}-{month:02d}",
                                       month=(year, month)))
        pages.append(Page(f"{pre}feed.xml", f"{pre}feed.xml", "feed", code, "the site feed",
                          items=ls.entries[: cfg.feed.limit]))
        pages.append(Page(f"{pre}404.html", f"{pre}404.html", "404", code, "the 404 page"))
        if cfg.search:  # its items decide which index parts it merges
            pages.append(Page(f"{pre}search/index.html", f"{pre}search/", "search", code,
                              "the search page", items=ls.entries))
        for e in ls.entries:  # old URLs of an article (aliases, redirect_from) redirect to it
            for path in e.article.aliases:
                url = path[: -len("index.html")] if path.endswith("/index.html") else path
                pages.append(Page(path, url, "redirect", code,
                                  f"an alias of {e.article.source}", items=(e,)))
    default = site.config.default_language.code
    if site.config.default_language.prefix:  # default_language_prefix: the root sends on;
        # a host's own 404 (GitHub Pages, Netlify) is the root's 404.html
        pages.append(Page("index.html", "", "root", default, "the root redirect"))
        pages.append(Page("404.html", "404.html", "404", default, "the root 404 page"))
    news = tuple(feeds.news_entries(site))
    # robots.txt names the news sitemap when there is one: its items say whether. A site's
    # own static/robots.txt is published instead (its rules, its sitemap lines).
    if not any(a.source == "static/robots.txt" for a in site.assets):
        pages.append(Page("robots.txt", "robots.txt", "robots", default, "robots.txt",
                          items=news[:1]))
    if news:
        pages.append(Page("news-sitemap.xml", "news-sitemap.xml", "news-sitemap", default,
                          "the news sitemap", items=news))
    pages.extend(feeds.sitemap_pages(site, pages))
    return pages


def outputs(site: Site, pages: list[Page], made: Iterable[str]) -> dict[str, str]:
    """Every path the build publishes: a page's kind ("article", "redirect", …) or "file"
    (the site's files, the theme's, and `made`: the image variants)."""
    files = [*theme_paths(site.assets), *made, *(a.output for a in site.assets)]
    return {**dict.fromkeys(files, "file"), **{p.path: p.kind for p in pages}}
