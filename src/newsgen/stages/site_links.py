"""The check of the links a body (or a read-also item) writes as paths of this site
against what the build publishes: `dead_site_links`, one article at a time by
`SiteLinks.check`, so that the dev server checks only the articles a save changed
(newsgen.incremental.state)."""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Callable, Collection, Iterable, Mapping
from urllib.parse import unquote, urlsplit

from newsgen.errors import Reporter, closest, quoted
from newsgen.model.content import Article, article_stem
from newsgen.model.site import Site
from newsgen.parse.markup import Body, names_markdown
from newsgen.parse.slugs import slugify
from newsgen.stages.references import Placed, expired_pages, page_key
from newsgen.stages.search import BUNDLE
from newsgen.stages.site_urls import may_be_own, own_path

LIMIT = 50  # "did you mean …?" hints per build (newsgen.incremental.linkcheck)


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
    links = SiteLinks(site, published, placed, broken)
    for a in articles:
        links.check(a, bodies.get(a.source), reporter)


class SiteLinks:
    """What `dead_site_links` checks each article against."""

    def __init__(self, site: Site, published: Collection[str], placed: Iterable[Placed] = (),
                 broken: Collection[str] = ()) -> None:
        self.site, self.config, self.published, self.placed = site, site.config, published, placed
        self.base = site.config.published_base_path
        self.search = ({ls.lang.prefix + BUNDLE for ls in site.languages}
                       if site.config.search else set())
        self.near = _Near(published, self.base)
        self.own_test = may_be_own(site.config)
        self.gone = {(slugify(stem.rsplit("/", 1)[-1]), slugify(stem.rsplit("/", 2)[-2])
                      if "/" in stem else "")
                     for path in broken if (stem := article_stem(path))}
        self.by_folder = "{section}" in site.config.permalink  # (else its URL has no folder)

    @functools.cached_property
    def live(self) -> set[str]:
        return {e.article.source for e in self.site.entries}

    @functools.cached_property
    def held(self) -> frozenset[str]:  # (made when a read-also URL names no page)
        return frozenset(p.url for p in self.placed if not p.published)

    @functools.cached_property
    def expired(self) -> dict[str, Placed]:  # taken down on purpose: no error (references)
        return expired_pages(self.placed, self.site.now)

    def say(self, reporter: Reporter) -> Callable[[str, int | None, str], None]:
        return reporter.error if self.config.checks.dead_links == "error" else reporter.warning

    def failed(self, rel: str) -> bool:  # (an article that failed to load: its own errors)
        if not self.gone:
            return False
        name, folders = _last_name(rel), {slugify(p) for p in rel.split("/")[:-1] if p}
        return any(name == n and (not f or f in folders or not self.by_folder)
                   for n, f in self.gone)

    def found(self, rel: str) -> bool:
        published, search = self.published, self.search
        if rel == "" or rel.endswith("/"):
            return rel + "index.html" in published or any(rel.startswith(s) for s in search)
        return rel in published or rel + "/index.html" in published or any(
            rel.startswith(s) for s in search)

    def check(self, a: Article, body: Body | None, reporter: Reporter) -> None:
        """Say what is dead among `a`'s own links (its related items' and its body's)."""
        for item in a.related:
            rel = own_path(self.config, item.url) if item.url and item.ref is None else None
            if (rel is not None and not self.found(rel) and rel not in self.held
                    and not self.failed(rel)):
                reporter.warning(a.source, item.line, f"related: '{quoted(item.url or '')}' "
                                 "is on this site, but no page or file of this build has "
                                 f"that path{self.near.hint(rel)}")
        # a full URL is checked only when it may be the page of a held article of this site
        own_test = self.own_test
        full = [(u, line) for u, line in zip(body.absolute, body.absolute_lines, strict=False)
                if own_test.match(u)] if body and body.absolute and own_test and self.held else []
        if body is None or not (body.links or full):
            return
        written = (*body.links, *(u for u, _ in full))
        at = (*body.link_lines, *(0,) * (len(body.links) - len(body.link_lines)),
              *(line for _, line in full))
        for i, link in enumerate(written):
            if i >= len(body.links):  # a full URL: another application's page, unless it
                own = own_path(self.config, link)  # is a held article's of this site
                if own is None or own not in self.held:
                    continue
                path = self.base + own
            elif not link.startswith("/") or link.startswith("//") or names_markdown(link):
                continue
            else:
                path = unquote(urlsplit(link).path)
            line = a.body_line + at[i]
            if "/." in path or "//" in path:  # as the browser reads it: `/a/../b`, `/a//b`
                path = posixpath.normpath(path) + ("/" if path.endswith("/") else "")
                path = "/" if path == "//" else path
            if not path.startswith(self.base):
                if self.found(path.lstrip("/")):
                    reporter.warning(a.source, line, f"link '{quoted(link)}' is outside the "
                                     f"site's base path {self.base}: did you mean "
                                     f"'{self.base}{path.lstrip('/')}'?")
                continue
            rel = path[len(self.base):]
            if self.found(rel) or self.failed(rel):
                continue
            if (ended := self.expired.get(page_key(rel))) is not None:
                if i >= len(body.links):  # (a path is unlinked, and said, by the linker)
                    reporter.warning(a.source, line, f"link '{quoted(link)}': "
                                     f"{ended.article.source} is expired, so the link is dead: "
                                     "remove it")
                continue
            message = f"link '{quoted(link)}': no page or file of this build has that path"
            hint = self.near.hint(rel) or (" (link an article by its .md file, or a file by "
                                      "its path beside the article)")
            if rel in self.held:  # (the link would show its URL: a scheduled story's slug)
                hint = (": it is the page of an article this build does not publish (a draft "
                        "or scheduled), so the link would be dead, and show its URL")
            if a.source in self.live or not a.valid:  # (one with errors: all in one run)
                self.say(reporter)(a.source, line, message + hint)
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

    LIMIT, WIDEST = LIMIT, 5_000

    def __init__(self, published: Collection[str], base: str) -> None:
        self.published, self.base, self.given = published, base, 0
        self.folders: dict[str, dict[str, str]] | None = None

    def hint(self, rel: str) -> str:
        self.given += 1  # (the asks, all counted: newsgen.incremental.linkcheck)
        if self.given > self.LIMIT:
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
        return f"; did you mean '{self.base}{names[guess]}'?" if guess else ""
