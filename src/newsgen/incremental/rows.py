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

from newsgen.model.config import Config
from newsgen.model.site import Entry, LanguageSite, Link, Site
from newsgen.stages.kinds import KINDS, Page
from newsgen.stages.site_urls import own_path


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
            readers = frozenset(t for link in e.read_also if link.by_target
                                and (t := title_target(self.site.config, link)) is not None)
        return PageRows(skeleton(page, ls, self.site), deps(page, ls, self.site), entry,
                        readers)

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


def title_target(config: Config, link: Link) -> str | None:
    """The site path of the article whose title a link shows (another language's, by
    its full URL: its path on the site); the key of the `readers` rows."""
    return own_path(config, link.url) if link.external else link.url


def skeleton(page: Page, ls: LanguageSite, site: Site) -> tuple[object, ...]:
    """A page as its fingerprint takes it, with each entry's URL for its digest: its
    kind, language, place and what its kind shows (newsgen.incremental.fingerprint
    `Fingerprints.page`); and its URL and origin, which follow from those. Nothing else:
    a row holding what the fingerprint does not take would go stale while the page's
    fingerprint stays (a home page's count of every entry, a stable page's total)."""
    kind = KINDS[page.kind]
    shown = {} if kind.whole_site else kind.shows(page, ls, site)
    return (page.kind, page.lang, page.url, page.origin, page.place, _urls(shown))


def _urls(value: Any) -> Any:
    """`value` with each entry as its URL, mappings as sorted pairs (as `_hashable`)."""
    if isinstance(value, Entry):
        return value.url
    if isinstance(value, Mapping):
        return tuple((k, _urls(v)) for k, v in sorted(value.items()))
    if isinstance(value, tuple | list):
        return tuple(_urls(v) for v in value)
    return value


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
