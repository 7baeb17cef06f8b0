"""The rows a build records of the pages it wrote, for a later build that reads only
the rows a change needs (docs/publish-from-rows.md): each page's skeleton, the entries
whose digests its fingerprint takes (`deps`), each published entry's linked data, the
read-also links that show their target's own title (`readers`), and each language's
facts.

A build writes them only for the pages whose fingerprint changed, and deletes those of
the pages gone: a page whose fingerprint did not change shows the same entries (the
fingerprint hashes each one's URL, and each of its translations'), so its rows are the
same. `tests/test_rows.py` holds the rows after random edits to a clean build's.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from newsgen.model.site import Entry, LanguageSite, Site
from newsgen.stages.kinds import KINDS, Page

# Kinds whose items are their language's every entry: their skeleton keeps the count.
_WHOLE_LANGUAGE = frozenset({"home", "search"})

@dataclass(frozen=True)
class PageRows:
    """What the state keeps of one page."""

    skeleton: tuple[object, ...]
    deps: frozenset[str]  # URLs of the entries whose digests its fingerprint takes
    entry: tuple[str, str, tuple[object, ...]] | None  # an article page's: url, source, data
    readers: frozenset[str]  # an article page's: the URLs whose titles its block shows


class Rows:
    """The rows of the pages of one build, made when asked, by path."""

    def __init__(self, site: Site, pages: Iterable[Page]) -> None:
        self.site = site
        self.by_path = {p.path: p for p in pages}
        self.langs = {ls.lang.code: ls for ls in site.languages}

    def of(self, path: str) -> PageRows:
        page = self.by_path[path]
        ls = self.langs[page.lang]
        entry = None
        readers: frozenset[str] = frozenset()
        if page.kind == "article" and page.entry is not None:
            e = page.entry
            entry = (e.url, e.article.source, entry_data(e))
            readers = frozenset(link.url for link in e.read_also
                                if link.by_target and not link.external)
        return PageRows(skeleton(page), deps(page, ls, self.site), entry, readers)

    def languages(self) -> Iterator[tuple[str, tuple[object, ...]]]:
        per_section = self.site.config.home.per_section
        for code, ls in self.langs.items():
            yield code, (
                tuple(ls.sections), len(ls.entries),
                tuple(e.url for e in ls.entries[:10]),
                tuple((s, len(ls.by_section[s]),
                       tuple(e.url for e in ls.by_section[s][:per_section]))
                      for s in sorted(ls.by_section)),
                tuple((t, len(items)) for t, items in ls.tags),
                tuple((t, len(items)) for t, items in ls.authors),
                tuple((m, len(items)) for m, items in ls.months))


def skeleton(page: Page) -> tuple[object, ...]:
    """A page without its entries: their URLs instead (their count, on a page whose
    items are its language's every entry)."""
    items: object = (len(page.items) if page.kind in _WHOLE_LANGUAGE
                     else tuple(e.url for e in page.items))
    return (page.kind, page.url, page.lang, page.origin,
            page.entry.url if page.entry is not None else None, page.section, page.term,
            items, page.number, page.total, page.list_url, page.month, page.stable)


def deps(page: Page, ls: LanguageSite, site: Site) -> frozenset[str]:
    """The URLs of the entries whose digests the page's fingerprint takes: those its
    kind shows (newsgen.stages.kinds), and each one's translations (hashed whole with
    it: newsgen.incremental.fingerprint.Fingerprints.entry)."""
    kind = KINDS[page.kind]
    if kind.whole_site:
        return frozenset()
    found: set[str] = set()
    for e in _entries(kind.shows(page, ls, site)):
        found.add(e.url)
        found.update(t.url for t in e.translations)
    return frozenset(found)


def _entries(value: Any) -> Iterator[Entry]:
    if isinstance(value, Entry):
        yield value
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from _entries(v)
    elif isinstance(value, tuple | list):
        for v in value:
            yield from _entries(v)


def entry_data(e: Entry) -> tuple[object, ...]:
    """What linking added to an entry's article, its translations by URL."""
    return (e.section, e.path, e.body_key, e.body_urls, e.summary, e.toc, e.image, e.tags,
            e.authors, e.read_also, tuple(t.url for t in e.translations))
