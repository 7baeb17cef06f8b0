"""The linked site as frozen types: sections, terms, entries (an article with its URL,
links, terms, read-also block and translations), each language's lists, the site."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from newsgen.model.config import Config, LanguageConfig
from newsgen.model.content import Article, Asset


@dataclass(frozen=True, slots=True)
class Section:
    slug: str
    title: str
    titles: Mapping[str, str] = field(default_factory=dict)

    def title_in(self, lang: str) -> str:
        return self.titles.get(lang, self.title)


@dataclass(frozen=True, slots=True)
class Term:
    """A tag or an author: its name as first written and its slug."""

    kind: str  # "tag" or "author"
    name: str
    slug: str


@dataclass(frozen=True, slots=True)
class Link:
    """One item of a "read also" block: a site path ("economy/forum/") or an external URL."""

    title: str
    url: str
    external: bool
    # The title is the linked article's own (no `title` given, or a fill's): it changes
    # when that article's does. (In a page's fingerprint too: the state's rows of title
    # readers are written for pages whose fingerprint changed.)
    by_target: bool = False


@dataclass(frozen=True, slots=True)
class LeadImage:
    url: str  # site path ("general/photo.jpg") or external http(s) URL
    external: bool
    alt: str | None
    caption: str | None
    credit: str | None
    source: str | None  # the file under the site folder, for local images


@dataclass(frozen=True, slots=True)
class Entry:
    """An article placed in the site."""

    article: Article
    section: Section
    url: str  # site path: "general/visit/" (language prefix included)
    path: str  # output file: "general/visit/index.html"
    # The body's HTML is not kept here: the renderer reads it by `body_key` from the build
    # state and puts `body_urls` (resolved, escaped) in place of its link placeholders.
    body_key: str
    body_urls: tuple[str, ...]
    summary: str
    toc: str
    image: LeadImage | None
    tags: tuple[Term, ...]
    authors: tuple[Term, ...]
    read_also: tuple[Link, ...] = ()
    translations: tuple[Entry, ...] = ()  # other languages, in configured language order

    def linked(self, read_also: tuple[Link, ...] | None = None,
               translations: tuple[Entry, ...] | None = None) -> Entry:
        """This entry with another read-also block or translations: what linking adds to
        every article (a third of the time of dataclasses.replace, which it equals)."""
        return Entry(self.article, self.section, self.url, self.path, self.body_key,
                     self.body_urls, self.summary, self.toc, self.image, self.tags,
                     self.authors, self.read_also if read_also is None else read_also,
                     self.translations if translations is None else translations)

    # The Candidate protocol of newsgen.stages.related:
    @property
    def key(self) -> str:
        return self.url

    @property
    def timestamp(self) -> float:
        return self.article.date.timestamp()

    @property
    def lang(self) -> str:
        return self.article.lang

    @property
    def section_slug(self) -> str:
        return self.section.slug

    @property
    def tag_slugs(self) -> frozenset[str]:
        return frozenset(t.slug for t in self.tags)

    @property
    def label(self) -> str:
        return self.article.title

    @property
    def modified(self) -> datetime:
        return self.article.updated or self.article.date


@dataclass(frozen=True, slots=True)
class LanguageSite:
    """Everything one language publishes; lists never mix languages."""

    lang: LanguageConfig
    entries: tuple[Entry, ...]  # newest first
    sections: tuple[Section, ...]  # those with articles in this language, in site order
    by_section: Mapping[str, tuple[Entry, ...]]
    tags: tuple[tuple[Term, tuple[Entry, ...]], ...]  # by slug
    authors: tuple[tuple[Term, tuple[Entry, ...]], ...]
    months: tuple[tuple[tuple[int, int], tuple[Entry, ...]], ...] = ()  # newest month first

    @property
    def prefix(self) -> str:
        return self.lang.prefix


@dataclass(frozen=True, slots=True)
class Held:
    """An article left out of this build: a draft, scheduled for later (an embargo), or
    past its expiry date."""

    source: str
    title: str
    reason: str  # "draft", "scheduled" or "expired"
    date: datetime  # the article's; for an expired one, when it expired


@dataclass(frozen=True, slots=True)
class Site:
    config: Config
    now: datetime
    languages: tuple[LanguageSite, ...]
    assets: tuple[Asset, ...]
    next_embargo: datetime | None  # when the next article becomes due (or expires)
    # The output is the same for any build time in [valid_from, valid_until): no article
    # becomes due and none leaves the news sitemap's window in between.
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    held: tuple[Held, ...] = ()  # left out of this build, by date
    # A partial site's (newsgen.incremental.partial): the only entries it knows, by URL;
    # its lists are heads (newsgen.model.lists) and `entries` raises `Partial`.
    loaded: Mapping[str, Entry] | None = None

    @property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(e for ls in self.languages for e in ls.entries)


def newest_first(entry: Entry) -> tuple[float, str]:
    return (-entry.timestamp, entry.url)
