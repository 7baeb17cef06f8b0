"""Page kinds, each declared once: its template, what it shows, where it is listed.

`Kind.shows` is the one statement of what a page of that kind depends on
besides its language and its own place (number, section, term, month): the
entries it lists and the facts it prints. Both the renderer (the template's
context, newsgen.stages.render) and the fingerprint that decides whether the page must
be rendered again (newsgen.incremental.fingerprint) are made from it, so they cannot
disagree: a value a template receives is a value the fingerprint hashed.

Everything else a page may use is the same for a whole language (config,
labels, sections, the languages, the site's files) and is in the language's
digest.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from newsgen.model.site import Entry, LanguageSite, Section, Site, Term
from newsgen.stages import search


@dataclass(frozen=True, slots=True)
class Page:
    """One output file to render."""

    path: str  # relative to the output folder: "general/page/2/index.html"
    url: str  # site path: "general/page/2/"
    kind: str
    lang: str
    origin: str  # who asked for this path, for collision messages
    entry: Entry | None = None
    section: Section | None = None
    term: Term | None = None
    items: tuple[Entry, ...] = ()
    number: int = 1
    total: int = 1
    list_url: str = ""  # the first page of a paginated list
    month: tuple[int, int] | None = None  # (year, month) of an archive page
    # `pagination: stable`: numbered pages are fixed blocks from the oldest article, and the
    # first page's number is one above the newest numbered page's (newsgen.stages.paging)
    stable: bool = False

    @property
    def numbered(self) -> bool:
        """A list page at …/page/<n>/, not the list's first page."""
        return bool(self.list_url) and self.url != self.list_url

    @property
    def reach(self) -> int:
        """The highest page number the page knows of: the list's page count, except on a
        numbered page of stable blocks, which knows only its newer neighbour."""
        return self.number + 1 if self.stable and self.numbered else self.total

    @property
    def newer_is_first(self) -> bool:
        """A numbered page of stable blocks whose newer neighbour is the list's first page."""
        return self.stable and self.numbered and self.number + 1 == self.total

    @property
    def place(self) -> tuple[object, ...]:
        """What a page knows of itself: the same for its fingerprint and its `page` view."""
        if self.stable:  # never the page count: a new block would change every page
            return (self.kind, self.path, self.number, self.reach, self.list_url,
                    self.section, self.term, self.month, "stable", self.newer_is_first)
        return (self.kind, self.path, self.number, self.total, self.list_url, self.section,
                self.term, self.month)


Shows = Callable[[Page, LanguageSite, Site], Mapping[str, Any]]


@dataclass(frozen=True)
class Kind:
    name: str
    template: str | None  # the HTML template; None: a feed, a sitemap, robots.txt, …
    shows: Shows  # what the page shows: entries, sections, terms, counts (see above)
    sitemap: bool = False  # listed in the sitemap
    whole_site: bool = False  # lists every page of the site: rendered on every build
    # `shows` reads the language's lists, not only the page's own entries (a count, the
    # latest of each section): the page changes with any article of its language
    language_wide: bool = False


def _term_items(ls: LanguageSite, term: Term) -> tuple[Entry, ...]:
    for t, items in ls.tags if term.kind == "tag" else ls.authors:
        if t.slug == term.slug:
            return items
    return ()


def _home(page: Page, ls: LanguageSite, site: Site) -> Mapping[str, Any]:
    per_section = site.config.home.per_section
    return {"latest": ls.entries[:10],
            "blocks": tuple((s, ls.by_section[s.slug][:per_section]) for s in ls.sections)}


def _list(page: Page, ls: LanguageSite, site: Site) -> Mapping[str, Any]:
    shown: dict[str, Any] = {"articles": page.items, "pagination": page.place}
    if page.section is not None:
        shown["section"] = page.section
        shown["versions"] = versions(page, site)  # its hreflang links and language switcher
    if page.term is not None:
        # A numbered page of stable blocks does not count the term's articles: the count
        # would change it on every publish (its `term.count` is 0).
        count = 0 if page.stable and page.numbered else len(_term_items(ls, page.term))
        shown["term"] = (page.term, count)
    return shown


def versions(page: Page, site: Site) -> tuple[tuple[str, str], ...]:
    """The page in each language that has it, as (code, site path), then ("x-default",
    path): an article's translations (its own first), the home pages, a section's first
    page in the languages with that section. () when no other language has it. The
    hreflang links, the sitemap's and the language switcher all come from here."""
    if page.kind == "article" and page.entry is not None:
        found = [(e.lang, e.url) for e in (page.entry, *page.entry.translations)]
    elif page.kind == "home":
        found = [(ls.lang.code, ls.prefix) for ls in site.languages]
    elif page.kind == "section" and page.section is not None and not page.numbered:
        slug = page.section.slug
        found = [(ls.lang.code, f"{ls.prefix}{slug}/") for ls in site.languages
                 if any(s.slug == slug for s in ls.sections)]
    else:
        return ()
    if len(found) < 2:
        return ()
    paths = dict(found)  # x-default: the root, or the default language's, else the first
    default = "" if page.kind == "home" else next(
        paths[ls.lang.code] for ls in site.languages if ls.lang.code in paths)
    return (*found, ("x-default", default))


def _search_parts(page: Page, ls: LanguageSite, site: Site) -> Mapping[str, Any]:
    tz = site.config.tz
    now = site.now.astimezone(tz)
    parts = {search.part_of(e.article.date.astimezone(tz), now) for e in page.items}
    return {"search": tuple(sorted(parts, key=search.part_order))}


def _nothing(page: Page, ls: LanguageSite, site: Site) -> Mapping[str, Any]:
    return {}


def _items(page: Page, ls: LanguageSite, site: Site) -> Mapping[str, Any]:
    return {"items": page.items}


def _news(page: Page, ls: LanguageSite, site: Site) -> Mapping[str, Any]:
    return {"news": bool(page.items)}  # robots.txt names the news sitemap when there is one


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("home", "home.html", _home, sitemap=True, language_wide=True),
    Kind("section", "section.html", _list, sitemap=True),
    Kind("article", "article.html", lambda page, ls, site: {"article": page.entry},
         sitemap=True),
    Kind("tag", "taxonomy.html", _list, sitemap=True),
    Kind("author", "taxonomy.html", _list, sitemap=True),
    Kind("month", "month.html", _list, sitemap=True),
    Kind("tags", "terms.html",
         lambda page, ls, site: {"terms": tuple((t, len(i)) for t, i in ls.tags)},
         sitemap=True, language_wide=True),
    Kind("authors", "terms.html",
         lambda page, ls, site: {"terms": tuple((t, len(i)) for t, i in ls.authors)},
         sitemap=True, language_wide=True),
    Kind("archive", "archive.html",
         lambda page, ls, site: {"years": tuple((m, len(i)) for m, i in ls.months)},
         sitemap=True, language_wide=True),
    Kind("404", "404.html", _nothing),
    Kind("search", "search.html", _search_parts),
    Kind("feed", None, _items),
    Kind("redirect", None, _items),
    Kind("root", None, _nothing),  # default_language_prefix: "/" sends to "/<code>/"
    Kind("robots", None, _news),
    Kind("news-sitemap", None, _items),
    Kind("sitemap", None, _nothing, whole_site=True),
    Kind("sitemap-index", None, _nothing, whole_site=True),
)}

HTML_KINDS = tuple(name for name, kind in KINDS.items() if kind.template is not None)
SITEMAP_KINDS = tuple(name for name, kind in KINDS.items() if kind.sitemap)

