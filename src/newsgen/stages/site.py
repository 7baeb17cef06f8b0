"""Linking: from validated articles to a site where every reference is resolved.

Input: the config, the articles and their converted bodies, the assets, the
build time. Output: a frozen `Site` with sections, URLs, "read also" blocks,
translations and taxonomies, or errors in the reporter. Nothing here reads or
writes files.
"""

from __future__ import annotations

import html
import posixpath
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from urllib.parse import quote, unquote, urlsplit

from newsgen.errors import Reporter, closest
from newsgen.model.config import Config, LanguageConfig
from newsgen.model.content import Article, Asset, RelatedItem, article_stem, with_stems
from newsgen.parse.config import section_hint, section_names
from newsgen.parse.markup import Body
from newsgen.parse.slugs import slug_or_fallback, slugify
from newsgen.stages.related import Fills, RelatedIndex


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    titles: Mapping[str, str] = field(default_factory=dict)

    def title_in(self, lang: str) -> str:
        return self.titles.get(lang, self.title)


@dataclass(frozen=True)
class Term:
    """A tag or an author: its name as first written and its slug."""

    kind: str  # "tag" or "author"
    name: str
    slug: str


@dataclass(frozen=True)
class Link:
    """One item of a "read also" block: a site path ("economy/forum/") or an external URL."""

    title: str
    url: str
    external: bool


@dataclass(frozen=True)
class LeadImage:
    url: str  # site path ("general/photo.jpg") or external http(s) URL
    external: bool
    alt: str | None
    caption: str | None
    credit: str | None
    source: str | None  # the file under the site folder, for local images


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Held:
    """An article left out of this build: a draft, or scheduled for later (an embargo)."""

    source: str
    title: str
    reason: str  # "draft" or "scheduled"
    date: datetime


@dataclass(frozen=True)
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

    @property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(e for ls in self.languages for e in ls.entries)


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


def newest_first(entry: Entry) -> tuple[float, str]:
    return (-entry.timestamp, entry.url)


# --------------------------------------------------------------------------- linking


@dataclass
class _Spelling:
    """How one spelling of a tag or author is used: where first, and how often."""

    source: str
    line: int | None
    count: int = 1


@dataclass
class _Placed:
    article: Article
    section: Section
    url: str
    path: str
    published: bool  # False: a draft or a future article left out of this build


def link(
    config: Config,
    articles: Iterable[Article],
    bodies: Mapping[str, Body],
    assets: Iterable[Asset],
    now: datetime,
    reporter: Reporter,
    *,
    drafts: bool = False,
    future: bool = False,
    broken: Iterable[str] = (),
    fills: Fills | None = None,
) -> Site:
    """Resolve everything. `bodies` maps an article's source to its converted body.

    `broken` lists content paths of articles that failed to load: references to
    them are not reported again. `fills`: the previous build's read-also fills,
    reused where nothing they depend on changed, and updated for the next build.
    """
    return linked(config, articles, bodies, assets, now, reporter, drafts=drafts,
                  future=future, broken=broken, fills=fills)[0]


def linked(
    config: Config,
    articles: Iterable[Article],
    bodies: Mapping[str, Body],
    assets: Iterable[Asset],
    now: datetime,
    reporter: Reporter,
    *,
    drafts: bool = False,
    future: bool = False,
    broken: Iterable[str] = (),
    fills: Fills | None = None,
) -> tuple[Site, Linker]:
    """`link`, and the linker with its lookups, for patching the site later
    (newsgen.incremental.relink)."""
    linker = Linker(config, list(articles), list(assets), now, reporter, drafts, future,
                    set(broken))
    linker.fills = fills if fills is not None else Fills()
    return linker.run(bodies), linker


class Linker:
    def __init__(
        self,
        config: Config,
        articles: list[Article],
        assets: list[Asset],
        now: datetime,
        reporter: Reporter,
        drafts: bool,
        future: bool,
        broken: set[str],
    ) -> None:
        self.config = config
        # Articles with front matter errors are not published, but their links,
        # image and references are still checked so that one run reports everything.
        self.invalid = sorted((a for a in articles if not a.valid), key=lambda a: a.source)
        self.articles = sorted((a for a in articles if a.valid), key=lambda a: a.source)
        self.assets = assets
        self.now = now
        self.reporter = reporter
        self.drafts = drafts
        self.future = future
        self.asset_by_content_path = {
            a.source[len("content/"):]: a for a in assets if a.source.startswith("content/")
        }
        self.asset_by_output = {a.output: a for a in assets}
        self.fills = Fills()
        self.affected: set[str] = set()
        # The run's lookups, kept for newsgen.incremental.relink: articles by content path (with and
        # without the suffix), by (language, slug), and the read-also index.
        self.by_content: dict[str, _Placed] = {}
        self.by_slug: dict[tuple[str, str], list[_Placed]] = {}
        self.index: RelatedIndex[Entry] = RelatedIndex((), window=1)
        self._terms: dict[tuple[str, str, str], Term] = {}  # (kind, lang, slug)
        self.section_names = section_names(config.sections or ())
        self.broken: set[str] = set(with_stems(dict.fromkeys(broken)))
        self.broken_slugs = {slugify((article_stem(p) or p).rsplit("/", 1)[-1]) for p in broken}

    # -- sections ------------------------------------------------------------------------

    def sections(self) -> tuple[list[Section], dict[str, Section]]:
        """The ordered sections, and a lookup from slugified names to sections."""
        lookup: dict[str, Section] = {}
        if self.config.sections is not None:
            ordered = [Section(s.slug, s.title, s.titles) for s in self.config.sections]
            by_slug = {sec.slug: sec for sec in ordered}
            for key, (_, sec_config) in self.section_names.items():
                lookup[key] = by_slug[sec_config.slug]
            return ordered, lookup
        spellings: dict[str, Counter[str]] = defaultdict(Counter)
        for a in self.articles:
            slug = slugify(a.section)
            if slug:
                spellings[slug][a.section] += 1
        ordered = []
        for slug, counter in spellings.items():
            # The most used spelling names the section; among equals, one that is neither
            # all capitals nor all lowercase ("General" over "GENERAL" and "general").
            title = sorted(counter.items(), key=lambda kv: (
                -kv[1], kv[0].isupper(), kv[0].islower(), kv[0]))[0][0]
            ordered.append(Section(slug, title))
        ordered.sort(key=lambda s: (s.title.casefold(), s.slug))
        return ordered, {s.slug: s for s in ordered}

    def section_of(self, a: Article, lookup: dict[str, Section]) -> Section | None:
        """The article's section, or None with an error that suggests the nearest one."""
        sec_slug = slugify(a.section)
        section = lookup.get(sec_slug)
        if section is None:
            known = sorted({s.slug for s in lookup.values()})
            # By any of its names (slug, title, a language's title), as written.
            hint = section_hint(a.section, self.section_names)
            if not sec_slug:
                self.reporter.error(a.source, a.line_of("section"),
                                    f"section: '{a.section}' gives an empty slug")
            else:
                self.reporter.error(
                    a.source, a.line_of("section"),
                    f"section: '{a.section}' is not a section of this site "
                    f"(sections: {', '.join(known)}){hint}")
        return section

    def place(self, lookup: dict[str, Section]) -> list[_Placed]:
        placed: list[_Placed] = []
        # An article with other errors is checked against the sections too, so that one
        # run reports every problem of a file (when the config lists the sections).
        if self.config.sections is not None:
            for a in self.invalid:
                if a.section:
                    self.section_of(a, lookup)
        for a in self.articles:
            section = self.section_of(a, lookup)
            if section is None:
                continue
            url = self.url_for(a, section)
            path = url if url.endswith(".html") else url + "index.html"
            published = ((self.drafts or not a.draft) and (self.future or a.date <= self.now)
                         and not self.expired(a))
            placed.append(_Placed(a, section, url, path, published))
        return placed

    def expired(self, a: Article) -> bool:
        """Past its `expirydate`: the article has left the site."""
        return a.expiry is not None and a.expiry <= self.now

    def why_held(self, a: Article) -> str:
        """Why an article is not published: "draft", "expired" or "scheduled"."""
        if a.draft and not self.drafts:
            return "draft"
        return "expired" if self.expired(a) else "scheduled"

    def url_for(self, a: Article, section: Section) -> str:
        local = a.date.astimezone(self.config.tz)
        url = self.config.permalink.format(
            section=section.slug,
            slug=a.slug,
            year=f"{local.year:04d}",
            month=f"{local.month:02d}",
            day=f"{local.day:02d}",
        )
        return self.config.language_config(a.lang).prefix + url

    # -- the run -------------------------------------------------------------------------

    def run(self, bodies: Mapping[str, Body]) -> Site:
        ordered, lookup = self.sections()
        placed = self.place(lookup)

        # Every article is checked, published or not: an embargoed article must not
        # break the build that publishes it, and `check` validates everything.
        seen_paths: dict[str, str] = {}
        unique: list[_Placed] = []
        for p in placed:
            other = seen_paths.get(p.path)
            if other is not None:
                self.reporter.error(
                    p.article.source, p.article.line_of("slug"),
                    f"same URL /{p.url} as {other}; give one of them another 'slug'")
            else:
                seen_paths[p.path] = p.article.source
                unique.append(p)
        live = [p for p in unique if p.published]

        # By content path, with or without the .md (.markdown, …) suffix.
        by_content: dict[str, _Placed] = with_stems({p.article.content_path: p for p in placed})
        by_slug: dict[tuple[str, str], list[_Placed]] = defaultdict(list)
        for p in placed:
            by_slug[(p.article.lang, p.article.slug)].append(p)

        self.name_terms(live)
        entries: dict[str, Entry] = {}
        for p in live:
            a = p.article
            body = bodies[a.source]
            entries[a.source] = Entry(
                article=a,
                section=p.section,
                url=p.url,
                path=p.path,
                body_key=body.key,
                body_urls=self.body_urls(a, body, by_content),
                summary=a.summary or body.summary,
                toc=body.toc,
                image=self.image(a),
                tags=self.terms("tag", a.tags, a.lang),
                authors=self.terms("author", a.authors, a.lang),
            )
        unpublished = [p.article for p in placed if not p.published] + self.invalid
        for a in unpublished:
            self.body_urls(a, bodies[a.source], by_content)
            self.image(a)
            for item in a.related:
                if item.ref is not None:
                    self.resolve_ref(a, item, by_content, by_slug)

        window = 2 * max(self.config.read_also_limit, 1)
        index: RelatedIndex[Entry] = RelatedIndex(entries.values(), window=window)
        self.by_content, self.by_slug, self.index = by_content, by_slug, index
        self.affected = index.affected(self.fills) if self.config.read_also_fill else set()
        translations = self.translations(list(entries.values()))
        final: dict[str, Entry] = {}
        for source, entry in entries.items():
            final[source] = replace(
                entry, read_also=self.read_also(entry, by_content, by_slug, index))
        final = {
            source: replace(e, translations=tuple(
                final[t.article.source] for t in translations[source]))
            if source in translations else e
            for source, e in final.items()
        }

        upcoming = [p.article.date for p in placed if not p.published
                    and self.why_held(p.article) == "scheduled" and p.article.date > self.now]
        # An article leaving the site is a change that is due too.
        upcoming += [p.article.expiry for p in placed if p.published
                     and p.article.expiry is not None and p.article.expiry > self.now]
        held = sorted((Held(p.article.source, p.article.title, self.why_held(p.article),
                            p.article.date) for p in placed if not p.published),
                      key=lambda h: (h.date, h.source))
        self.far_future(placed)
        news_window = timedelta(days=self.config.news_sitemap_days)
        events = [p.article.date for p in placed if self.drafts or not p.article.draft]
        events += [p.article.expiry for p in placed if p.article.expiry is not None]
        events += [e.article.date + news_window for e in final.values()]
        before = [e for e in events if e <= self.now]
        after = [e for e in events if e > self.now]
        return Site(
            config=self.config,
            now=self.now,
            languages=tuple(self.language_site(lang, ordered, list(final.values()))
                            for lang in self.config.languages),
            assets=tuple(self.assets),
            next_embargo=min(upcoming) if upcoming else None,
            held=tuple(held),
            valid_from=max(before) if before else None,
            valid_until=min(after) if after else None,
        )

    # -- pieces --------------------------------------------------------------------------

    def far_future(self, placed: list[_Placed]) -> None:
        """A date far ahead is most likely a typo (2062 for 2026): say so on its line."""
        days = self.config.far_future_days
        if days <= 0:
            return
        limit = self.now + timedelta(days=days)
        for p in placed:
            a = p.article
            if a.date > limit:
                ahead = (a.date - self.now).days
                span = f"{ahead // 365} years" if ahead >= 730 else (
                    "1 year" if ahead >= 365 else f"{ahead} days")
                local = a.date.astimezone(self.config.tz)
                self.reporter.warning(
                    a.source, a.line_of("date"),
                    f"date: {local:%Y-%m-%d} is {span} ahead: a typo? (the article waits "
                    f"until then; checks.far_future_days is {days})")

    def name_terms(self, live: list[_Placed]) -> None:
        """Decide each tag's and author's name, per language, from the articles that use it.

        A name is shown as written in its own language's articles: `Аман Оразов` on Russian
        pages and `Aman Orazov` on English ones, though both have one slug. Within one
        language, two spellings of one slug are one term: the most used spelling names it
        (then the one of the oldest article), and each other spelling gets a warning.
        """
        # (kind, lang, slug) -> spelling -> its uses, the oldest article's first
        seen: dict[tuple[str, str, str], dict[str, _Spelling]] = defaultdict(dict)
        for p in sorted(live, key=lambda p: (p.article.date, p.article.source)):
            a = p.article
            for kind, names in (("tag", a.tags), ("author", a.authors)):
                for name in names:
                    slug = slug_or_fallback(name, seed=f"{kind}:{name}")
                    spellings = seen[(kind, a.lang, slug)]
                    if name in spellings:
                        spellings[name].count += 1
                    else:
                        spellings[name] = _Spelling(a.source, self.term_line(a, kind))
        for (kind, lang, slug), spellings in seen.items():
            # dicts keep insertion order, the oldest use first: max() keeps the first of equals.
            chosen = max(spellings, key=lambda n: spellings[n].count)
            self._terms[(kind, lang, slug)] = Term(kind, chosen, slug)
            first = spellings[chosen]
            where = f"{first.source}:{first.line}" if first.line else first.source
            for name, use in spellings.items():
                if name != chosen:
                    self.reporter.warning(
                        use.source, use.line,
                        f"{kind} '{name}' is also written '{chosen}' ({where}): one {kind} "
                        f"(slug '{slug}'), shown as '{chosen}' on the {lang} pages; write it "
                        "the same way everywhere")

    @staticmethod
    def term_line(a: Article, kind: str) -> int | None:
        if kind == "tag":
            return a.line_of("tags")
        return a.line_of("authors") or a.line_of("author")

    def terms(self, kind: str, names: Iterable[str], lang: str) -> tuple[Term, ...]:
        """Tags or authors as terms, once per slug ("Energy" and "energy!" are one tag)."""
        out: dict[str, Term] = {}
        for name in names:
            slug = slug_or_fallback(name, seed=f"{kind}:{name}")
            found = self._terms.get((kind, lang, slug))
            if found is None:  # not a published article's term: its own spelling
                found = Term(kind, name, slug)
            out.setdefault(slug, found)
        return tuple(out.values())

    def resolve_path(self, folder: str, target: str) -> str | None:
        """A path relative to `folder` (under content/), normalized; None if it leaves content/."""
        joined = posixpath.normpath(posixpath.join(folder, target)) if target else folder
        if joined.startswith("../") or joined == ".." or joined.startswith("/"):
            return None
        return "" if joined == "." else joined

    def body_urls(self, a: Article, body: Body,
                  by_content: dict[str, _Placed]) -> tuple[str, ...]:
        """The body's links, resolved and escaped, in the order of its placeholders."""
        if not body.links:
            return ()
        urls: list[str] = []
        for i, target in enumerate(body.links):
            parts = urlsplit(target)
            suffix = (f"?{parts.query}" if parts.query else "") + (
                f"#{parts.fragment}" if parts.fragment else "")
            path = self.resolve_path(a.folder, unquote(parts.path))
            line = a.body_line + (body.link_lines[i] if i < len(body.link_lines) else 0)
            url: str | None = None
            if path is None:
                self.reporter.error(a.source, line,
                                    f"link '{target}' points outside the content folder")
            elif (linked := by_content.get(path)) is not None:
                if linked.published:
                    url = self.config.base_path + quote(linked.url) + suffix
                else:
                    what = {"draft": "a draft", "expired": "expired"}.get(
                        self.why_held(linked.article), "not published yet")
                    self.reporter.warning(
                        a.source, line,
                        f"link '{target}': {linked.article.source} is {what}; the link is "
                        "left out of this build")
            elif path in self.asset_by_content_path:
                url = (self.config.base_path + quote(self.asset_by_content_path[path].output)
                       + suffix)
            elif path not in self.broken:
                hint = ""
                if article_stem(path) is not None:  # a link to an article: the nearest one
                    guess = nearest_file(path, [p for p in by_content if article_stem(p)])
                    if guess:
                        hint = f"; did you mean '{posixpath.relpath(guess, a.folder or '.')}'?"
                self.reporter.error(a.source, line,
                                    f"link '{target}': no file content/{path}{hint}")
            urls.append(html.escape(url if url is not None else "#", quote=True))
        return tuple(urls)

    def image(self, a: Article) -> LeadImage | None:
        img = a.image
        if img is None:
            return None
        line = img.line
        if img.external:
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
                self.reporter.error(a.source, line, f"image: no file content/{path}")
                return None
        if img.alt is None:
            self.reporter.warning(a.source, line,
                                  "image: no 'alt' text; screen readers will skip the image")
        return LeadImage(asset.output, False, img.alt, img.caption, img.credit, asset.source)

    def read_also(
        self,
        entry: Entry,
        by_content: dict[str, _Placed],
        by_slug: dict[tuple[str, str], list[_Placed]],
        index: RelatedIndex[Entry],
    ) -> tuple[Link, ...]:
        a = entry.article
        limit = self.config.read_also_limit
        links: list[Link] = []
        used: set[str] = {entry.url}
        for item in a.related:
            if item.url is not None:
                if item.url in used:
                    self.reporter.warning(a.source, item.line,
                                          f"related: {item.url} is listed twice")
                    continue
                used.add(item.url)
                links.append(Link(item.title or item.url, item.url, True))
                continue
            if item.ref is None:
                continue
            target = self.resolve_ref(a, item, by_content, by_slug)
            if target is None:
                continue
            if target.url in used:
                if target.url == entry.url:
                    self.reporter.warning(a.source, item.line,
                                          "related: an article cannot be related to itself")
                else:
                    self.reporter.warning(a.source, item.line,
                                          f"related: '{item.ref}' is listed twice")
                continue
            if target.article.lang != a.lang:
                self.reporter.warning(
                    a.source, item.line,
                    f"related: '{item.ref}' ({target.article.source}) is in another language "
                    f"({target.article.lang}); a read-also block lists articles of its own "
                    "language only (link translations with translation_key, or write "
                    "{title, url})")
                continue
            if not target.published:
                what = {"draft": "a draft", "expired": "expired"}.get(
                    self.why_held(target.article), "scheduled for later")
                self.reporter.warning(
                    a.source, item.line,
                    f"related: '{item.ref}' ({target.article.source}) is {what}; "
                    "left out of the read-also block")
                continue
            used.add(target.url)
            links.append(Link(item.title or target.article.title, target.url, False))
        if len(links) > limit:
            self.reporter.warning(
                a.source, a.line_of("related"),
                f"related: {len(links)} items listed but read_also.limit is {limit}; "
                f"{len(links) - limit} left out")
            links = links[:limit]
        if self.config.read_also_fill and len(links) < limit:
            for c in index.remembered(self.fills, self.affected, entry, used,
                                      limit - len(links)):
                links.append(Link(c.article.title, c.url, False))
        return tuple(links)

    def resolve_ref(
        self,
        a: Article,
        item: RelatedItem,
        by_content: dict[str, _Placed],
        by_slug: dict[tuple[str, str], list[_Placed]],
    ) -> _Placed | None:
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
            if others:
                langs = ", ".join(sorted({p.article.lang for p in others}))
                self.reporter.warning(
                    a.source, item.line,
                    f"related: '{ref}' exists only in another language ({langs}): "
                    f"{others[0].article.source}; a read-also block lists articles of its "
                    "own language only (link translations with translation_key, or write "
                    "{title, url})")
                return None
        if path in self.broken or slugify(ref) in self.broken_slugs:
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

    def translations(self, entries: list[Entry]) -> dict[str, list[Entry]]:
        groups: dict[str, list[Entry]] = defaultdict(list)
        for e in entries:
            if e.article.translation_key:
                groups[e.article.translation_key].append(e)
        order = {lang.code: i for i, lang in enumerate(self.config.languages)}
        out: dict[str, list[Entry]] = {}
        for key, group in groups.items():
            by_lang: dict[str, Entry] = {}
            for e in sorted(group, key=lambda e: e.article.source):
                first = by_lang.get(e.lang)
                if first is not None:
                    self.reporter.error(
                        e.article.source, e.article.line_of("translation_key"),
                        f"translation_key '{key}' is also used by {first.article.source} "
                        f"in the same language ({e.lang})")
                    continue
                by_lang[e.lang] = e
            members = sorted(by_lang.values(), key=lambda e: order.get(e.lang, 99))
            for e in members:
                out[e.article.source] = [m for m in members if m is not e]
        return out

    def language_site(
        self, lang: LanguageConfig, ordered: list[Section], entries: list[Entry]
    ) -> LanguageSite:
        own = sorted((e for e in entries if e.lang == lang.code), key=newest_first)
        by_section: dict[str, list[Entry]] = defaultdict(list)
        tags: dict[str, list[Entry]] = defaultdict(list)
        authors: dict[str, list[Entry]] = defaultdict(list)
        term_of: dict[tuple[str, str], Term] = {}
        months: dict[tuple[int, int], list[Entry]] = defaultdict(list)
        tz = self.config.tz
        for e in own:
            local = e.article.date.astimezone(tz)
            months[(local.year, local.month)].append(e)
            by_section[e.section.slug].append(e)
            for t in e.tags:
                tags[t.slug].append(e)
                term_of.setdefault(("tag", t.slug), t)
            for t in e.authors:
                authors[t.slug].append(e)
                term_of.setdefault(("author", t.slug), t)
        return LanguageSite(
            lang=lang,
            entries=tuple(own),
            sections=tuple(s for s in ordered if s.slug in by_section),
            by_section=dict({k: tuple(v) for k, v in by_section.items()}),
            tags=tuple((term_of[("tag", k)], tuple(v)) for k, v in sorted(tags.items())),
            authors=tuple((term_of[("author", k)], tuple(v)) for k, v in sorted(authors.items())),
            months=tuple((k, tuple(v)) for k, v in sorted(months.items(), reverse=True)),
        )
