"""Resolving what an article points at: links in its body, its lead image, and its
read-also items (by path or slug, or filled by relatedness), each with a message that
names the nearest file when a target does not exist."""

from __future__ import annotations

import html
import posixpath
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, unquote, urlsplit

from newsgen.errors import Reporter, closest, quoted
from newsgen.model.config import Config
from newsgen.model.content import Article, Asset, Image, RelatedItem, article_stem
from newsgen.model.site import Entry, LeadImage, Link, Section
from newsgen.parse.markup import UNLINKED, Body, names_markdown
from newsgen.parse.slugs import slugify
from newsgen.stages.related import Fills, RelatedIndex
from newsgen.stages.scan import is_ignored
from newsgen.stages.site_urls import own_path


@dataclass
class Placed:
    article: Article
    section: Section
    url: str
    path: str
    published: bool  # False: a draft or a future article left out of this build


def expired_pages(placed: Iterable[Placed], now: datetime) -> dict[str, Placed]:
    """The articles past their expiry at `now` (not drafts) by each path of their pages
    (`page_key`): their URL's and their aliases'."""
    return {page_key(path): p for p in placed if not p.published and not p.article.draft
            and p.article.expiry is not None and p.article.expiry <= now
            for path in (p.url, *p.article.aliases)}


def page_key(path: str, base: str = "") -> str:
    """A page's path below `base`, as a link may write it (`/general/gone`, `…/gone/`,
    `…/gone/index.html`), the same for each; "" outside `base`."""
    if not path.startswith(base):
        return ""
    return path[len(base):].removesuffix("index.html").strip("/") or "/"


def _kept(line: int | None, item: RelatedItem) -> str:
    """Which of two items naming one page the block keeps: the first."""
    if not line:
        return ""
    unused = "; this item's title is not used" if item.title else ""
    return f" (the first is kept{unused})" if line == item.line else (
        f" (the one on line {line} is kept{unused})")


def nearest_file(path: str, paths: Iterable[str]) -> str | None:
    """The path whose file name is nearest to `path`'s (folders alike do not make names alike:
    `general/forum.md` is not near `general/dup.md`)."""
    by_name: dict[str, list[str]] = defaultdict(list)
    for p in paths:
        by_name[p.rsplit("/", 1)[-1]].append(p)
    name = closest(path.rsplit("/", 1)[-1], by_name)
    if name is None:
        return None
    return closest(path, by_name[name], cutoff=0) or by_name[name][0]


class References:
    """The part of the linker (newsgen.stages.site.Linker) that resolves references."""

    config: Config
    reporter: Reporter
    asset_by_content_path: dict[str, Asset]
    asset_by_output: dict[str, Asset]
    broken: set[str]
    broken_slugs: set[str]
    fills: Fills
    affected: set[str]
    _by_url: dict[str, Placed] | None = None
    _expired: dict[str, Placed] | None = None
    now: datetime

    def why_held(self, a: Article) -> str:
        raise NotImplementedError

    def resolve_path(self, folder: str, target: str) -> str | None:
        """A path relative to `folder` (under content/), or to content/ when it starts with
        '/', normalized; None if it leaves content/."""
        if target.startswith("/"):
            folder, target = "", target.lstrip("/")
        joined = posixpath.normpath(posixpath.join(folder, target)) if target else folder
        if joined.startswith("../") or joined == ".." or joined.startswith("/"):
            return None
        return "" if joined == "." else joined

    def body_urls(self, a: Article, body: Body,
                  by_content: dict[str, Placed]) -> tuple[str, ...]:
        """The body's links, resolved and escaped, in the order of its placeholders."""
        if body.problem:
            self.reporter.error(a.source, a.body_line + body.problem_line, body.problem)
        if not body.links:
            return ()
        urls: list[str] = []
        for i, target in enumerate(body.links):
            parts = urlsplit(target)
            suffix = (f"?{parts.query}" if parts.query else "") + (
                f"#{parts.fragment}" if parts.fragment else "")
            line = a.body_line + (body.link_lines[i] if i < len(body.link_lines) else 0)
            path: str | None
            url: str | None = None
            if parts.path.startswith("/") and not names_markdown(parts.path):
                # a path of the site, as written: checked against the plan (stages/plan),
                # or the page of an article that expired (not an error: the build at its
                # expiry must not fail, and so keep it online)
                if self._expired is None:
                    self._expired = expired_pages(by_content.values(), self.now)
                gone = self._expired.get(page_key(unquote(parts.path), self.config.base_path))
                if gone is not None:
                    self.reporter.warning(a.source, line, f"link '{quoted(target)}': "
                                          f"{gone.article.source} is expired; the link is left "
                                          "out of this build")
                urls.append(UNLINKED if gone else html.escape(target, quote=True))
                continue
            if parts.path.startswith("/"):  # a Markdown file by its site path
                url, path = self._by_site_path(a, target, unquote(parts.path), line,
                                               by_content)
            else:
                path = self.resolve_path(a.folder, unquote(parts.path))
            if url is not None:  # a file of static/, or no source: as written
                pass
            elif path is None:
                self.reporter.error(a.source, line,
                                    f"link '{quoted(target)}' points outside the content folder")
            elif (linked := by_content.get(path)) is not None:
                if linked.published:
                    url = self.config.base_path + quote(linked.url) + suffix
                else:
                    what = {"draft": "a draft", "expired": "expired"}.get(
                        self.why_held(linked.article), "not published yet")
                    self.reporter.warning(
                        a.source, line,
                        f"link '{quoted(target)}': {linked.article.source} is {what}; the link is "
                        "left out of this build")
            elif path in self.asset_by_content_path:
                url = (self.config.base_path + quote(self.asset_by_content_path[path].output)
                       + suffix)
            elif path not in self.broken:
                hint = _left_out(path)
                if not hint and article_stem(path) is not None:  # to an article: the nearest one
                    guess = nearest_file(path, [p for p in by_content if article_stem(p)])
                    if guess:
                        hint = f"; did you mean '{posixpath.relpath(guess, a.folder or '.')}'?"
                self.reporter.error(a.source, line,
                                    f"link '{quoted(target)}': no file content/{path}{hint}")
            urls.append(html.escape(url, quote=True) if url is not None else UNLINKED)
        return tuple(urls)

    def _by_site_path(self, a: Article, target: str, site_path: str, line: int,
                      by_content: dict[str, Placed]) -> tuple[str | None, str | None]:
        """A root-relative link to a Markdown file (`/economy/b.md`, or with the site's
        base path `/news/economy/b.md`): (None, the content path of the article or file it
        names), or (its URL, None) for a file of static/, or (the link as written, None)
        with a warning when it names none."""
        base = self.config.base_path
        paths = [site_path]
        if base != "/" and site_path.startswith(base):
            paths.append(site_path[len(base) - 1:])
        for candidate in paths:
            path = posixpath.normpath(candidate.lstrip("/"))
            if path in by_content or path in self.asset_by_content_path:
                return None, path
            asset = self.asset_by_output.get(path)
            if asset is not None:  # a file of static/: its URL
                rest = target[len(urlsplit(target).path):]  # ?query#fragment
                return base + quote(asset.output) + rest, None
        self.reporter.warning(a.source, line, f"link '{quoted(target)}': no article or file "
                              f"at this site path (content/{site_path.lstrip('/')}, "
                              f"static/{site_path.lstrip('/')}): left as written")
        return target, None

    def image(self, a: Article) -> LeadImage | None:
        img = a.image
        if img is None:
            return None
        line = img.line
        if img.external:
            self._alt(a, img)
            return LeadImage(img.src, True, img.alt, img.caption, img.credit, None)
        target = unquote(img.src)
        asset: Asset | None = None
        if target.startswith("/"):
            asset = self.asset_by_output.get(target.lstrip("/"))
            if asset is None:
                self.reporter.error(a.source, line,
                                    f"image: no file {img.src} in static/ or content/")
                return None
        else:
            path = self.resolve_path(a.folder, target)
            if path is None:
                self.reporter.error(a.source, line,
                                    f"image: '{img.src}' points outside the content folder")
                return None
            asset = self.asset_by_content_path.get(path)
            if asset is None:
                article = article_stem(path) and (self.config.root / "content" / path).is_file()
                self.reporter.error(a.source, line, f"image: content/{path} is an article, "
                                    "not an image" if article else
                                    f"image: no file content/{path}{_left_out(path)}")
                return None
        self._alt(a, img)
        return LeadImage(asset.output, False, img.alt, img.caption, img.credit, asset.source)

    def _alt(self, a: Article, img: Image) -> None:
        if img.alt is None:
            self.reporter.warning(a.source, img.line,
                                  "image: no 'alt' text; screen readers will skip the image")

    def read_also(
        self,
        entry: Entry,
        by_content: dict[str, Placed],
        by_slug: dict[tuple[str, str], list[Placed]],
        index: RelatedIndex[Entry],
    ) -> tuple[Link, ...]:
        a = entry.article
        limit = self.config.read_also.limit
        links: list[Link] = []
        # each URL listed so far, and the line of the item that listed it
        first: dict[str, int | None] = {entry.url: None}
        for item in a.related:
            named = item.ref if item.ref is not None else item.url
            target = None
            if (url := item.url) is not None:
                own = self.own_path(url)  # a page of this site, by its full URL
                target = self.by_url(by_content).get(own) if own is not None else None
                title, by_target = item.title, False
                if target is not None and target.published and (
                        target.article.lang != a.lang):  # another language's: as written
                    title, target, by_target = (title or target.article.title, None,
                                                not title)
                if target is None:
                    if url in first or own in first:
                        kept = _kept(first.get(url, first.get(own or "")), item)
                        self.reporter.warning(a.source, item.line,
                                              f"related: {url} is listed twice{kept}")
                        continue
                    first.update((u, item.line) for u in (url, own) if u is not None)
                    links.append(Link(title or url, url, True, by_target))
                    continue
            elif item.ref is not None:
                target = self.resolve_ref(a, item, by_content, by_slug)
            if target is None:
                continue
            if target.url in first:
                if target.url == entry.url:
                    self.reporter.warning(a.source, item.line,
                                          "related: an article cannot be related to itself")
                else:
                    self.reporter.warning(a.source, item.line, f"related: '{named}' is "
                                          f"listed twice{_kept(first.get(target.url), item)}")
                continue
            if target.article.lang != a.lang:
                self.reporter.warning(
                    a.source, item.line,
                    f"related: '{named}' ({target.article.source}) is in another language "
                    f"({target.article.lang}); a read-also block lists articles of its own "
                    "language only (link translations with translation_key, or write "
                    "{title, url})")
                continue
            if not target.published:
                what = {"draft": "a draft", "expired": "expired"}.get(
                    self.why_held(target.article), "scheduled for later")
                self.reporter.warning(
                    a.source, item.line,
                    f"related: '{named}' ({target.article.source}) is {what}; "
                    "left out of the read-also block")
                continue
            first[target.url] = item.line
            links.append(Link(item.title or target.article.title, target.url, False,
                              not item.title))
        if len(links) > limit:
            self.reporter.warning(
                a.source, a.line_of("related"),
                f"related: {len(links)} items listed but read_also.limit is {limit}; "
                f"{len(links) - limit} left out")
            links = links[:limit]
        if self.config.read_also.fill and len(links) < limit:
            for c in index.remembered(self.fills, self.affected, entry, set(first),
                                      limit - len(links)):
                links.append(Link(c.article.title, c.url, False, True))
        elif self.fills.results.pop(entry.key, None) is not None:  # a fill not made now
            self.fills.changed.add(entry.key)  # is not kept: it would go stale unseen
        return tuple(links)

    def by_url(self, by_content: dict[str, Placed]) -> dict[str, Placed]:
        """The articles by URL (made when first asked)."""
        if self._by_url is None:
            self._by_url = {p.url: p for p in by_content.values()}
        return self._by_url

    def own_path(self, url: str) -> str | None:
        return own_path(self.config, url)

    def resolve_ref(
        self,
        a: Article,
        item: RelatedItem,
        by_content: dict[str, Placed],
        by_slug: dict[tuple[str, str], list[Placed]],
    ) -> Placed | None:
        ref = item.ref or ""
        # A path under content/ (with or without .md) names one file, in any language.
        path = posixpath.normpath(ref.strip("/")) if ref.strip("/") else ""
        if path in by_content:
            return by_content[path]
        if "/" not in ref and article_stem(ref) is None:
            slug = slugify(ref)
            matches = by_slug.get((a.lang, slug), [])
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                names = " and ".join(m.article.source for m in matches)
                self.reporter.error(a.source, item.line,
                                    f"related: '{ref}' matches {names}; use the path instead")
                return None
            others = [p for (lang, s), ps in by_slug.items() if s == slug and lang != a.lang
                      for p in ps]
            if others and slug not in self.broken_slugs:  # (the broken one: its own errors)
                langs = ", ".join(sorted({p.article.lang for p in others}))
                # the first by path: not by_slug's order, to whose end a patch adds
                first = min(p.article.source for p in others)
                self.reporter.warning(
                    a.source, item.line,
                    f"related: '{ref}' exists only in another language ({langs}): "
                    f"{first}; a read-also block lists articles of its "
                    "own language only (link translations with translation_key, or write "
                    "{title, url})")
                return None
        if path in self.broken or slugify(ref) in self.broken_slugs:
            return None
        if path == ".." or path.startswith("../"):
            self.reporter.error(a.source, item.line,
                                f"related: '{ref}' leaves content/: give a slug or a path "
                                "under content/ (economy/forum.md)")
            return None
        if left_out := _left_out(path):  # (`_drafts/wip`: there, but never read)
            self.reporter.error(a.source, item.line, f"related: no article '{ref}'{left_out}")
            return None
        if "/" in ref or article_stem(ref) is not None:  # a path: the nearest article file
            written = article_stem(ref) is not None  # with its suffix, or without
            guess = nearest_file(path, [p for p in by_content
                                        if (article_stem(p) is not None) == written])
            hint = f"; did you mean '{guess}'?" if guess else ""
        else:
            guess = closest(slugify(ref), [s for (lang, s) in by_slug if lang == a.lang])
            hint = f"; did you mean '{guess}'?" if guess else ""
        self.reporter.error(a.source, item.line,
                            f"related: no article '{ref}' (give a slug or a path under "
                            f"content/){hint}")
        return None


def _left_out(path: str) -> str:
    """What a message about a missing file adds when its name is one a build never reads
    (the file may well be there, where the editor sees it)."""
    if any(is_ignored(part) for part in path.split("/")):
        return (" is published: names that start with '_' or '.', and editors' backups (~, "
                ".bak, .swp), are left out of content/")
    return ""
