"""Planning: every page the linked site publishes (its path, kind and what it lists),
and the check that no two of them, or a page and a file, write one path."""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Collection, Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

from newsgen.errors import Reporter, closest, quoted
from newsgen.model.config import Config
from newsgen.model.content import Article, article_stem
from newsgen.model.site import Entry, Site
from newsgen.parse.markup import Body, names_markdown
from newsgen.parse.slugs import slugify
from newsgen.stages import feeds, paging
from newsgen.stages.kinds import Page
from newsgen.stages.loader import theme_paths
from newsgen.stages.references import Placed, expired_pages, page_key
from newsgen.stages.search import BUNDLE
from newsgen.stages.site_urls import may_be_own, own_path


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


def dead_site_links(site: Site, articles: Iterable[Article], bodies: Mapping[str, Body],
                    published: Collection[str], reporter: Reporter,
                    placed: Iterable[Placed] = (), broken: Collection[str] = ()) -> None:
    """A body's link to a path of this site (`/general/visit/`, `/img/map.png`, written as
    it will stay) that names no page or file of this build: an error on its line, as
    a link to a missing file is, since every page links only to pages of its build
    (`checks.dead_links: warning` makes it a warning, for an archive that has them).
    Under a base path (`/news/`), a path outside it is another site's on the same host
    and not checked, unless it is one of this site's without the base path: a warning.
    A draft's or a scheduled article's links are checked too, each a warning: the
    article it names may be one that is published with it, and the build that publishes
    it then says whether it is there. A link to an expired article's page is a warning:
    the build at its expiry must not fail, and so keep the article online.

    A read-also item's full URL on this site (`https://example.org/general/gone/`) that
    names no page or file, nor a held article of `placed` (the read-also block says of
    those), gets a warning: not an error, since a full URL is how an article
    links a page that another application on the host serves.

    A path whose last name is the slug of an article file that failed to load (`broken`:
    their paths under content/), in a folder of the name of that file's, is that
    article's: its own errors say why it is missing, and no second message does."""
    base = site.config.published_base_path
    say = reporter.error if site.config.checks.dead_links == "error" else reporter.warning
    search = {ls.lang.prefix + BUNDLE for ls in site.languages} if site.config.search else ()
    live = {e.article.source for e in site.entries}
    near = _Near(published, base)
    own_test = may_be_own(site.config)

    @functools.cache
    def held() -> frozenset[str]:  # (made when a read-also URL names no page)
        return frozenset(p.url for p in placed if not p.published)

    @functools.cache
    def expired() -> dict[str, Placed]:  # taken down on purpose: no error (see references)
        return expired_pages(placed, site.now)

    gone = {(slugify(stem.rsplit("/", 1)[-1]), slugify(stem.rsplit("/", 2)[-2])
             if "/" in stem else "") for path in broken if (stem := article_stem(path))}

    by_folder = "{section}" in site.config.permalink  # (else its URL has no folder)

    def failed(rel: str) -> bool:  # (an article that failed to load: its own errors)
        if not gone:
            return False
        name, folders = _last_name(rel), {slugify(p) for p in rel.split("/")[:-1] if p}
        return any(name == n and (not f or f in folders or not by_folder) for n, f in gone)

    def found(rel: str) -> bool:
        if rel == "" or rel.endswith("/"):
            return rel + "index.html" in published or any(rel.startswith(s) for s in search)
        return rel in published or rel + "/index.html" in published or any(
            rel.startswith(s) for s in search)

    for a in articles:
        for item in a.related:
            rel = own_path(site.config, item.url) if item.url and item.ref is None else None
            if rel is not None and not found(rel) and rel not in held() and not failed(rel):
                reporter.warning(a.source, item.line, f"related: '{quoted(item.url or '')}' "
                                 "is on this site, but no page or file of this build has "
                                 f"that path{near.hint(rel)}")
        body = bodies.get(a.source)
        # a full URL is checked only when it may be the page of a held article of this site
        full = [(u, line) for u, line in zip(body.absolute, body.absolute_lines, strict=False)
                if own_test.match(u)] if body and body.absolute and own_test and held() else []
        if body is None or not (body.links or full):
            continue
        written = (*body.links, *(u for u, _ in full))
        at = (*body.link_lines, *(0,) * (len(body.links) - len(body.link_lines)),
              *(line for _, line in full))
        for i, link in enumerate(written):
            if i >= len(body.links):  # a full URL: another application's page, unless it
                own = own_path(site.config, link)  # is a held article's of this site
                if own is None or own not in held():
                    continue
                path = base + own
            elif not link.startswith("/") or link.startswith("//") or names_markdown(link):
                continue
            else:
                path = unquote(urlsplit(link).path)
            line = a.body_line + at[i]
            if "/." in path or "//" in path:  # as the browser reads it: `/a/../b`, `/a//b`
                path = posixpath.normpath(path) + ("/" if path.endswith("/") else "")
                path = "/" if path == "//" else path
            if not path.startswith(base):
                if found(path.lstrip("/")):
                    reporter.warning(a.source, line, f"link '{quoted(link)}' is outside the "
                                     f"site's base path {base}: did you mean "
                                     f"'{base}{path.lstrip('/')}'?")
                continue
            rel = path[len(base):]
            if found(rel) or failed(rel):
                continue
            if (ended := expired().get(page_key(rel))) is not None:
                if i >= len(body.links):  # (a path is unlinked, and said, by the linker)
                    reporter.warning(a.source, line, f"link '{quoted(link)}': "
                                     f"{ended.article.source} is expired, so the link is dead: "
                                     "remove it")
                continue
            message = f"link '{quoted(link)}': no page or file of this build has that path"
            hint = near.hint(rel) or (" (link an article by its .md file, or a file by "
                                      "its path beside the article)")
            if rel in held():  # (the link would show its URL: a scheduled story's slug)
                hint = (": it is the page of an article this build does not publish (a draft "
                        "or scheduled), so the link would be dead, and show its URL")
            if a.source in live or not a.valid:  # (one with errors: all of them in one run)
                say(a.source, line, message + hint)
            else:  # held: the build that publishes it checks it as an error
                reporter.warning(a.source, line, f"{message} (yet){hint}")


def _last_name(rel: str) -> str:
    """The slug of a site path's last name (`general/ferry/`, `general/ferry.html`)."""
    name = rel.rstrip("/").rsplit("/", 1)[-1]
    return slugify(name[:-len(".html")] if name.endswith(".html") else name)


class _Near:
    """"; did you mean …?" for the published path of the same folder whose last name is
    nearest (the folder alone does not make two paths alike). The folders are indexed
    once, when a first hint is asked for; a folder of thousands of names, and a build
    with more than `LIMIT` hints, gets none (difflib compares with every name)."""

    LIMIT, WIDEST = 50, 5_000

    def __init__(self, published: Collection[str], base: str) -> None:
        self.published, self.base, self.given = published, base, 0
        self.folders: dict[str, dict[str, str]] | None = None

    def hint(self, rel: str) -> str:
        if self.given >= self.LIMIT:
            return ""
        if self.folders is None:
            self.folders = {}
            for p in self.published:
                url = p[: -len("index.html")] if p.endswith("/index.html") else p
                up, _, own = url.rstrip("/").rpartition("/")
                if own:
                    self.folders.setdefault(up.lower(), {}).setdefault(own, url)
        folder, _, name = rel.rstrip("/").rpartition("/")
        names = self.folders.get(folder.lower(), {})
        guess = closest(name, names) if len(names) <= self.WIDEST else None
        self.given += 1
        return f"; did you mean '{self.base}{names[guess]}'?" if guess else ""
