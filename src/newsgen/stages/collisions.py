"""Collisions: two things of the plan that would write one file (two pages, a page and a
file of the site, an alias and a page), or a file where another needs a folder. Each is
an error on the source that decides the path."""

from __future__ import annotations

from collections.abc import Iterable

from newsgen.errors import Reporter
from newsgen.model.config import OUTPUT_MARK
from newsgen.model.content import Article, on_site_together
from newsgen.model.site import Site
from newsgen.parse.config_values import NAME_MAX
from newsgen.stages.kinds import Page
from newsgen.stages.loader import theme_paths
from newsgen.stages.references import Placed


def _blame(site: Site, page: Page) -> tuple[str, int | None] | None:
    """The file (and line) a page comes from, when one file decides its path."""
    if page.kind == "redirect":
        a = page.items[0].article
        return a.source, a.alias_line(page.path) or 1
    if page.entry is not None:
        a = page.entry.article
        return a.source, a.line_of("slug") or 1  # else its file's name: the front matter
    if page.section is not None:
        for sec in site.config.sections or ():
            if sec.slug == page.section.slug:
                return "newsgen.yaml", sec.line
        ls = next(ls for ls in site.languages if ls.lang.code == page.lang)
        first = ls.by_section[page.section.slug][-1].article
        return first.source, first.line_of("section") or 1
    if page.term is not None:
        ls = next(ls for ls in site.languages if ls.lang.code == page.lang)
        field = "tags" if page.term.kind == "tag" else "authors"
        for e in reversed(ls.entries):
            if page.term in (e.tags if page.term.kind == "tag" else e.authors):
                return e.article.source, (e.article.line_of(field)
                                          or e.article.line_of("author") or 1)
    return None


def check_collisions(site: Site, pages: list[Page], reporter: Reporter, *,
                     folds_case: bool = False, waiting: Iterable[Placed] = ()) -> list[Page]:
    """Two things may never write one file: report both sources, at the one that has a file.
    The pages to write: all of them, except, when the output's disk does not tell
    capitals apart (`folds_case`: macOS's and Windows' usual disks), an old URL's redirect
    that differs from another page's path only in capitals: on such a disk the two are
    one file, and the redirect would replace the page with a page that sends to itself.
    The aliases of `waiting` (scheduled) articles are checked against the pages too: the
    build that publishes one must not be the one to fail."""
    _waiting_aliases(site, _exact_collisions(site, pages, reporter), list(waiting), reporter)
    if not folds_case:
        return pages
    real = {p.path.casefold(): p for p in pages if p.kind != "redirect"}
    kept = []
    for page in pages:
        other = real.get(page.path.casefold()) if page.kind == "redirect" else None
        if other is None or other.path == page.path:
            kept.append(page)
            continue
        a = page.items[0].article
        reporter.warning(a.source, a.alias_line(page.path),
                         f"aliases: /{page.path} differs from /{other.path} only in capitals, "
                         "and this disk does not tell capitals apart: its redirect is left "
                         "out of this build (a build on a disk that does, as on most web "
                         "hosts, writes it)")
    return kept


def _waiting_aliases(site: Site, owners: dict[str, Page], waiting: list[Placed],
                     reporter: Reporter) -> None:
    """A scheduled article's alias at a path that a page or file of the site, or another
    scheduled article, will still have when it is published: an error now."""
    takers: dict[str, tuple[str, Article | None]] = {
        a.output: (a.source, None) for a in site.assets}
    takers.update({p.path: (p.article.source, p.article) for p in waiting})
    for p in waiting:
        takers.update({path: (f"an alias of {p.article.source}", p.article)
                       for path in p.article.aliases if path not in takers})
    for path, page in owners.items():
        a = page.items[0].article if page.kind == "redirect" and page.items else (
            page.entry.article if page.entry is not None else None)
        takers[path] = (page.origin, a)
    later = {p.article.source for p in waiting}
    for p in waiting:
        a = p.article
        for path in a.aliases:
            origin, other = takers.get(path, (None, None))
            if origin is None or (other is a and path != p.path) or (
                    other is not None and not on_site_together(a, other, later)):
                continue  # (free, its own, or a page not on the site with it)
            when = f"{a.date.astimezone(site.config.tz):%Y-%m-%d %H:%M}"
            reporter.error(a.source, a.alias_line(path) or 1, (
                f"aliases: /{p.url} is the article's own URL: remove it" if other is a else
                f"aliases: /{path.removesuffix('index.html')} is the path of {origin}: this "
                f"article, scheduled for {when}, would write it too, and the build that "
                "publishes it would fail; remove the alias"))


def _exact_collisions(site: Site, pages: list[Page], reporter: Reporter) -> dict[str, Page]:
    """Each path's first page (an error for any other)."""
    owners: dict[str, Page] = {}
    for page in pages:
        if (len(page.path) if page.path.isascii() else len(page.path.encode("utf-8"))) > (
                NAME_MAX) and any(  # (a slug and a section in one folder name, in bytes)
                len(part.encode("utf-8")) > NAME_MAX for part in page.path.split("/")):
            where = _blame(site, page) or ("newsgen.yaml", None)
            reporter.error(where[0], where[1], f"/{page.path} has a part between slashes "
                                               f"longer than {NAME_MAX} bytes, more than a "
                                               "folder's name may be on disk")
        first = owners.get(page.path)
        if first is None:
            owners[page.path] = page
            continue
        where = _blame(site, page) or _blame(site, first) or ("newsgen.yaml", None)
        if page.kind == "redirect" and first.entry is not None and (
                first.entry.article.source == page.items[0].article.source):
            reporter.error(where[0], where[1], f"aliases: /{first.url} is the article's own "
                                               "URL: remove it")
            continue
        reporter.error(where[0], where[1], f"{page.origin} and {first.origin} would both write "
                                           f"/{page.path}; rename one of them")
    files: dict[str, str] = {}  # output path -> the site's file that writes it
    for asset in site.assets:
        taken = owners.get(asset.output)
        if asset.output == OUTPUT_MARK:
            reporter.error(asset.source, None, f"/{OUTPUT_MARK} is the mark newsgen writes in "
                                               "every output folder it makes: rename this file")
        elif taken is not None:
            reporter.error(asset.source, None, f"this file and {taken.origin} would both write "
                                               f"/{asset.output}; rename one of them")
        elif (other := files.setdefault(asset.output, asset.source)) != asset.source:
            reporter.error(asset.source, None, f"this file and {other} would both write "
                                               f"/{asset.output}; keep one of them")
    _file_in_the_way(site, owners, reporter)
    return owners


def _file_in_the_way(site: Site, owners: dict[str, Page], reporter: Reporter) -> None:
    """No path is a folder of another's: an alias `/g/feed.xml` is the page
    `g/feed.xml/index.html`, which needs a folder where the section's feed is a file."""
    files: dict[str, str] = {path: f"the theme's file /{path}"
                             for path in theme_paths(site.assets)}
    files.update({a.output: a.source for a in site.assets})
    files.update({path: page.origin for path, page in owners.items()})
    assets = {a.output: a.source for a in site.assets}
    folders: set[str] = set()  # folders known to be no file: each is climbed once
    for path in files:
        head = path.rpartition("/")[0]
        while head and head not in folders:
            if head in files:
                inner, outer = owners.get(path), owners.get(head)
                where = ((_blame(site, inner) if inner is not None else None)
                         or (_blame(site, outer) if outer is not None else None)
                         or ((assets[path], None) if path in assets else None)
                         or ((assets[head], None) if head in assets else None)
                         or ("newsgen.yaml", None))
                reporter.error(where[0], where[1],
                               f"{files[path]} needs /{head}/ as a folder, but {files[head]} "
                               f"writes a file there; rename one of them")
                break
            folders.add(head)
            head = head.rpartition("/")[0]
