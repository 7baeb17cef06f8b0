"""Linking: from validated articles (and their bodies, the assets, the build time) to
a frozen `Site` where every reference is resolved: sections, URLs, "read also" blocks,
translations and taxonomies, or errors in the reporter. Nothing here reads or writes."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from newsgen.errors import Reporter
from newsgen.model.config import Config, LanguageConfig
from newsgen.model.content import Article, Asset, article_stem, with_stems
from newsgen.model.site import Entry, Held, LanguageSite, Section, Site, Term, newest_first
from newsgen.parse.collation import sort_key
from newsgen.parse.config import section_hint, section_names
from newsgen.parse.markup import Body
from newsgen.parse.slugs import section_slug, slugify
from newsgen.stages.naming import Naming
from newsgen.stages.references import Placed, References
from newsgen.stages.related import Fills, RelatedIndex
from newsgen.stages.translations import translation_groups

# --------------------------------------------------------------------------- linking


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
    return Linker(config, list(articles), list(assets), now, reporter, drafts, future,
                  set(broken), fills).run(bodies)


class Linker(References, Naming):
    """One link of one set of articles (`run`); the lookups stay for newsgen.incremental.relink."""

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
        fills: Fills | None = None,
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
        self.fills = fills if fills is not None else Fills()
        self.affected: set[str] = set()
        self.scheduled: list[Placed] = []  # valid articles due later, placed (by run())
        # The run's lookups, kept for newsgen.incremental.relink: articles by content path (with and
        # without the suffix), by (language, slug), and the read-also index.
        self.by_content: dict[str, Placed] = {}
        self.by_slug: dict[tuple[str, str], list[Placed]] = {}
        self.index: RelatedIndex[Entry] = RelatedIndex((), window=1)
        self._terms: dict[tuple[str, str, str], Term] = {}  # (kind, lang, slug)
        self.respelt: set[tuple[str, str, str]] = set()
        self.section_names = section_names(config.sections or ())
        self.broken: set[str] = set(with_stems(dict.fromkeys(broken)))
        self.broken_slugs = {slugify((article_stem(p) or p).rsplit("/", 1)[-1]) for p in broken}

    def drop_index(self) -> None:
        """Forget the read-also index once the site is linked, in a build that ends with
        its process (only a patch reads it again): the pages are then planned, fingerprinted
        and rendered in its memory (100 MB at 100,000 articles; workers fork from here)."""
        self.index = RelatedIndex((), window=1)

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
            slug = section_slug(a.section)
            if slug:
                spellings[slug][a.section] += 1
        ordered = []
        for slug, counter in spellings.items():
            # The most used spelling names the section; among equals, one that is neither
            # all capitals nor all lowercase ("General" over "GENERAL" and "general").
            title = sorted(counter.items(), key=lambda kv: (
                -kv[1], kv[0].isupper(), kv[0].islower(), kv[0]))[0][0]
            ordered.append(Section(slug, title))
        ordered.sort(key=lambda s: (sort_key(self.config.language, s.title), s.slug))
        return ordered, {s.slug: s for s in ordered}

    def section_of(self, a: Article, lookup: dict[str, Section]) -> Section | None:
        """The article's section, or None with an error that suggests the nearest one."""
        sec_slug = section_slug(a.section)
        section = lookup.get(sec_slug)
        if section is None:
            known = list(dict.fromkeys(s.slug for s in lookup.values()))  # as configured
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

    def place(self, lookup: dict[str, Section]) -> list[Placed]:
        placed: list[Placed] = []
        # An article with other errors is checked against the sections too, so that one
        # run reports every problem of a file (when the config lists the sections).
        if self.config.sections is not None:
            for a in self.invalid:
                if a.section:
                    self.section_of(a, lookup)
        self.unplaced: list[Article] = []  # no section: its links are checked all the same
        for a in self.articles:
            section = self.section_of(a, lookup)
            if section is None:
                self.unplaced.append(a)
                continue
            placed.append(self.placed_at(a, section))
        return placed

    def placed_at(self, a: Article, section: Section) -> Placed:
        """`a` in `section`: its URL, its page's path, whether this build publishes it."""
        url = self.url_for(a, section)
        path = url if url.endswith(".html") else url + "index.html"
        published = ((self.drafts or not a.draft) and (self.future or a.date <= self.now)
                     and not self.expired(a))
        return Placed(a, section, url, path, published)

    def entry(self, p: Placed, body: Body, by_content: dict[str, Placed]) -> Entry:
        """A published article's entry, before its read-also block and translations."""
        a = p.article
        return Entry(article=a, section=p.section, url=p.url, path=p.path,
                     body_key=body.key, body_urls=self.body_urls(a, body, by_content),
                     summary=a.summary or body.summary, toc=body.toc, image=self.image(a),
                     tags=self.terms("tag", a.tags, a.lang),
                     authors=self.terms("author", a.authors, a.lang))

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
        seen_paths: dict[str, Placed] = {}
        unique: list[Placed] = []
        for p in placed:
            other = seen_paths.get(p.path)
            if other is not None:
                # At the slug that makes the clash, if one does; else at the front matter,
                # where a slug would go.
                here, there = p.article, other.article
                if here.line_of("slug") is None and there.line_of("slug") is not None:
                    here, there = there, here
                self.reporter.error(
                    here.source, here.line_of("slug") or 1,
                    f"same URL /{p.url} as {there.source}; give one of them another 'slug'")
            else:
                seen_paths[p.path] = p
                unique.append(p)
        live = [p for p in unique if p.published]

        # By content path, with or without the .md (.markdown, …) suffix.
        by_content: dict[str, Placed] = with_stems({p.article.content_path: p for p in placed})
        self._by_url = self._expired = None  # (made from by_content when first needed)
        by_slug: dict[tuple[str, str], list[Placed]] = defaultdict(list)
        for p in placed:
            by_slug[(p.article.lang, p.article.slug)].append(p)

        self.name_terms(live)
        entries: dict[str, Entry] = {}
        for p in live:
            entries[p.article.source] = self.entry(p, bodies[p.article.source], by_content)
        unpublished = ([p.article for p in placed if not p.published] + self.invalid
                       + self.unplaced)
        for a in unpublished:
            self.body_urls(a, bodies[a.source], by_content)
            self.image(a)
            for item in a.related:
                if item.ref is not None:
                    self.resolve_ref(a, item, by_content, by_slug)

        window = 2 * max(self.config.read_also.limit, 1)
        index: RelatedIndex[Entry] = RelatedIndex(entries.values(), window=window)
        self.by_content, self.by_slug, self.index = by_content, by_slug, index
        self.affected = index.affected(self.fills) if self.config.read_also.fill else set()
        self.scheduled = [p for p in unique if not p.published and p.article.valid
                          and self.why_held(p.article) == "scheduled"]
        translations = translation_groups(self.config, self.reporter, list(entries.values()),
                                          [p.article for p in self.scheduled])
        final: dict[str, Entry] = {}
        for source, entry in entries.items():
            final[source] = entry.linked(
                read_also=self.read_also(entry, by_content, by_slug, index))
        final = {
            source: e.linked(translations=tuple(
                final[t.article.source] for t in translations[source]))
            if source in translations else e
            for source, e in final.items()
        }

        upcoming = [p.article.date for p in placed if not p.published
                    and self.why_held(p.article) == "scheduled" and p.article.date > self.now]
        # An article leaving the site is a change that is due too.
        upcoming += [p.article.expiry for p in placed if p.published
                     and p.article.expiry is not None and p.article.expiry > self.now]
        held = sorted((Held(p.article.source, p.article.title, why, p.article.expiry
                            if why == "expired" and p.article.expiry else p.article.date)
                       for p in placed if not p.published
                       for why in (self.why_held(p.article),)),
                      key=lambda h: (h.date, h.source))
        news_window = timedelta(days=self.config.news_sitemap.days)
        events = self.far_future(placed)
        events += [p.article.date for p in placed if self.drafts or not p.article.draft]
        events += [p.article.expiry for p in placed if p.article.expiry is not None]
        events += [e.article.date + news_window for e in final.values()]
        if self.config.search:  # search parts are cut by the current year (search.part_of):
            # valid from this year's first moment (a clock set back before it) to the next's
            year = self.now.astimezone(self.config.tz).year
            events += [datetime(year, 1, 1, tzinfo=self.config.tz),
                       datetime(year + 1, 1, 1, tzinfo=self.config.tz)]
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

    def far_future(self, placed: list[Placed]) -> list[datetime]:
        """A date far ahead is most likely a typo (2062 for 2026), and so is a published
        article's `updated` still ahead: say so on its line. The moments the warnings
        change: a day less ahead, no longer far, or no longer ahead."""
        # (an article with errors too: its date, when not one of them, may be the typo)
        return self.ahead([*((p.article, p.published) for p in placed),
                           *((a, False) for a in self.invalid)])

    def ahead(self, articles: list[tuple[Article, bool]]) -> list[datetime]:
        """`far_future` for these articles (each with whether it is published)."""
        days = self.config.checks.far_future_days
        limit = self.now + timedelta(days=days) if days > 0 else None
        changes: list[datetime] = []
        for a, published in articles:
            if published and a.updated is not None and a.updated > a.date:
                changes.append(a.updated)  # (also once past: the clock may be set back)
            if published and a.updated is not None and a.updated > max(self.now, a.date):
                self.reporter.warning(a.source, a.line_of("updated"), f"updated: "
                                      f"{a.updated.astimezone(self.config.tz):%Y-%m-%d %H:%M} "
                                      "is still ahead: the page, sitemap and feed say it "
                                      "changed then; a typo?")
            if limit is not None and a.date > limit:
                ahead = (a.date - self.now).days
                if a.valid:  # (a build with errors keeps no record of when it changes)
                    # one day more ahead when the clock is set back past its day
                    changes += [a.date - timedelta(days=ahead), a.date - timedelta(days=days),
                                a.date - timedelta(days=ahead + 1, microseconds=-1)]
                span = f"{ahead // 365} years" if ahead >= 730 else (
                    "1 year" if ahead >= 365 else f"{ahead} days")
                local = a.date.astimezone(self.config.tz)
                self.reporter.warning(
                    a.source, a.line_of("date"),
                    f"date: {local:%Y-%m-%d} is {span} ahead: a typo? ("
                    f"{'a draft' if a.draft else 'the article waits until then'}; "
                    f"checks.far_future_days is {days})")
        return changes

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

        def indexed(kind: str, lists: dict[str, list[Entry]]) -> tuple[tuple[Term, tuple[
                Entry, ...]], ...]:  # in the language's alphabetical order of their names
            return tuple((term_of[(kind, k)], tuple(lists[k])) for k in sorted(
                lists, key=lambda k: (sort_key(lang.code, term_of[(kind, k)].name), k)))

        return LanguageSite(
            lang=lang,
            entries=tuple(own),
            sections=tuple(s for s in ordered if s.slug in by_section),
            by_section=dict({k: tuple(v) for k, v in by_section.items()}),
            tags=indexed("tag", tags),
            authors=indexed("author", authors),
            months=tuple((k, tuple(v)) for k, v in sorted(months.items(), reverse=True)),
        )
