"""Fingerprints: digests of everything a page, or a whole build, depends on.

A page is rendered again only when its fingerprint changes. The fingerprint
covers the entries it shows (their articles, read-also links, translations and
image sizes), the templates it uses (with every template they include, import or
extend), the configuration, the labels and newsgen's version. (A whole build's
quick key is newsgen.incremental.keys.state_key.)
"""

from __future__ import annotations

import io
import operator
import pickle  # noqa: S403 - fingerprints of our own objects
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from jinja2 import Environment, TemplateError, meta

from newsgen.hashing import code_identity, digest
from newsgen.model.site import Entry, LanguageSite, Site, Term
from newsgen.stages import images
from newsgen.stages.kinds import KINDS, Page
from newsgen.stages.parallel import fork_map
from newsgen.stages.render import Renderer

# Pages from which fingerprinting them in forked workers pays for starting the workers:
# at 13,000 pages (10,000 articles) it costs what it saves; at 130,000, a second of four.
FORKED = 30_000


def _dump(value: object) -> bytes:
    """`value` pickled without the pickler's memo (its deprecated but kept `fast` mode):
    equal values give equal bytes, whether or not they share objects. (With the memo, a
    string or section met twice is written once when it is the same object, twice when
    it is an equal copy: a page made from rows, newsgen.incremental.partial, holds its
    own copies of what the whole site shares, and had another fingerprint.)"""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(value)
    return buffer.getvalue()


# By source: every environment is made by newsgen.stages.render.make_environment, with the
# same syntax and extensions.
_REFERENCES: dict[str, tuple[frozenset[str], bool] | None] = {}


def _references(env: Environment, source: str) -> tuple[frozenset[str], bool] | None:
    """The templates a template's source names, and whether it also names one by an
    expression; None when it cannot be parsed (reported when a page is rendered).
    Parsed once per source."""
    if source in _REFERENCES:
        return _REFERENCES[source]
    if len(_REFERENCES) > 1024:
        _REFERENCES.clear()
    try:
        found = list(meta.find_referenced_templates(env.parse(source)))
        out: tuple[frozenset[str], bool] | None = (
            frozenset(r for r in found if r is not None), None in found)
    except TemplateError:
        out = None
    _REFERENCES[source] = out
    return out


def template_digests(env: Environment, names: Iterable[str]) -> dict[str, str]:
    """For each template, a digest of its source and of every template it uses."""
    loader = env.loader
    sources: dict[str, str] = {}
    uses: dict[str, set[str] | None] = {}

    def visit(name: str) -> None:
        if name in sources or loader is None:
            return
        try:
            source, _, _ = loader.get_source(env, name)
        except TemplateError:  # reported when the page is rendered
            sources[name], uses[name] = "", None
            return
        sources[name] = source
        found = _references(env, source)
        if found is None:
            uses[name] = None
            return
        refs, dynamic = found
        uses[name] = None if dynamic else set(refs)
        for ref in refs:
            visit(ref)

    for name in names:
        visit(name)
    if loader is not None and any(u is None for u in uses.values()):
        for name in loader.list_templates():  # a name made when rendering: any template
            visit(name)

    def closure(name: str, seen: set[str]) -> set[str] | None:
        if name in seen:
            return seen
        seen.add(name)
        refs = uses.get(name, set())
        if refs is None:
            return None
        for ref in refs:
            if closure(ref, seen) is None:
                return None
        return seen

    everything = "".join(sources[n] for n in sorted(sources))
    out: dict[str, str] = {}
    for name in names:
        deps = closure(name, set())
        text = everything if deps is None else "".join(sources[n] for n in sorted(deps))
        out[name] = digest(text.encode("utf-8"))
    return out


def _same(before: Any, now: Any) -> bool:
    """Equal values, where an entry is only ever the same object."""
    if before is now:
        return True
    if isinstance(now, Entry) or type(before) is not type(now):
        return False
    if isinstance(now, tuple | list):
        return len(before) == len(now) and (all(map(operator.is_, before, now))
                                            or all(map(_same, before, now)))
    if isinstance(now, Mapping):
        return before.keys() == now.keys() and all(_same(before[k], now[k]) for k in now)
    return bool(before == now)


@dataclass
class PagePrints:
    """The dev server's memory of each page's fingerprint and what it was made from.

    An entry stands for everything about it (newsgen.incremental.relink keeps the unchanged ones as
    the same objects), so a page that shows the same entries and values as before has
    the same fingerprint without hashing them again."""

    images: Mapping[str, images.ImageInfo] | None = None  # entry digests include sizes
    pages: dict[str, tuple[tuple[object, ...], object, str]] = field(default_factory=dict)


class Fingerprints:
    """A digest per page of everything its bytes depend on.

    With `memo`, a page is hashed only when what it shows differs from the last build
    in this process; `shape` (newsgen.incremental.linked.Linked.shape) tells whether every page's
    URL and dates are as then, so that a sitemap is the same."""

    def __init__(self, site: Site, renderer: Renderer, env: Environment,
                 image_info: dict[str, images.ImageInfo],
                 contents: Mapping[str, str] | None = None, *,
                 memo: PagePrints | None = None, shape: object = None) -> None:
        self.renderer = renderer
        self.memo = memo
        if memo is not None and memo.images != image_info:
            memo.images, memo.pages = image_info, {}
        self.shape = shape
        # An article's content key (the digest of its file and of the settings that
        # shaped it, newsgen.incremental.cache) stands for the parsed article: no need to hash it.
        self.contents = contents or {}
        self.image_info = image_info
        self.preview, self.now = renderer.ctx.preview, site.now
        names = sorted({k.template for k in KINDS.values() if k.template is not None})
        self.templates = template_digests(env, names)
        self.entries: dict[str, str] = {}
        self.owns: dict[str, str] = {}  # each entry's own digest (without translations)
        self.langs: dict[str, str] = {}
        self.sitemap: str | None = None
        # What the configuration says, but not where the site is: no page shows its folder,
        # and a CI runner that checks the site out at another path each time (GitLab's
        # concurrent builds, Jenkins' `workspace@2`) rendered every page again.
        config_bytes = _dump(replace(site.config, read_as="", root=Path()))
        outputs = sorted(a.output for a in site.assets)
        for ls in site.languages:
            self.langs[ls.lang.code] = digest(_dump((
                code_identity(), config_bytes, ls.lang, ls.sections,
                [(o.lang.code, o.lang.title, o.prefix) for o in site.languages],
                bool(ls.tags), bool(ls.authors), bool(ls.months),
                renderer.labels[ls.lang.code], outputs, renderer.ctx.preview,
            )))

    @property
    def basis(self) -> tuple[object, ...]:
        """What every page's fingerprint shares besides what the page shows."""
        return (self.templates, self.langs, dict(self.image_info), self.shape)

    def entry(self, e: Entry) -> str:
        found = self.entries.get(e.url)
        if found is None:
            # A template reaches an entry's translations, and theirs, as whole articles
            # (`article.translations[0].read_also`, `.body`): each is all of its own.
            found = self._own(e) if not e.translations else digest(_dump((
                self._own(e), [(self._own(t), [self._own(u) for u in t.translations])
                               for t in e.translations])))
            self.entries[e.url] = found
        return found

    def _own(self, e: Entry) -> str:
        """An entry's digest without its translations."""
        found = self.owns.get(e.url)
        if found is None:
            image = self.image_info.get(e.image.url) if e.image else None
            # Everything else of the entry is made from the article and the body, except
            # what linking added: its place, links, terms and read also.
            # Plain tuples: pickling them is twice as fast as pickling the dataclasses.
            found = self.owns[e.url] = digest(_dump((
                self._article(e), _section(e), e.url, e.path, e.body_key, e.body_urls,
                e.summary, _image(e), image, _terms(e.tags), _terms(e.authors),
                # (`by_target` shows nothing, but the rows keep it: a link to a page whose
                # title is its URL is the same text either way)
                [(link.title, link.url, link.external, link.by_target)
                 for link in e.read_also],
                # `newsgen serve --future` marks an article still ahead of the clock
                self.preview and e.article.date > self.now)))
        return found

    def _article(self, e: Entry) -> object:
        content = self.contents.get(e.article.source)
        return (content, e.article.source) if content is not None else e.article

    def page(self, page: Page, ls: LanguageSite) -> str:
        kind = KINDS[page.kind]
        lang = self.langs[page.lang]
        before = self.memo.pages.get(page.path) if self.memo is not None else None
        if kind.whole_site:  # a sitemap: made of every page's record
            basis: tuple[object, ...] = (lang, page.place, self.shape)
            if before is not None and self.shape is not None and before[0] == basis:
                return before[2]
            if self.sitemap is None:
                # As text: pickling 130,000 aware datetimes costs twice as much.
                self.sitemap = digest("\n".join(
                    repr((loc, lastmod.isoformat() if lastmod else None, alternates))
                    for loc, lastmod, alternates in self.renderer.sitemap_records().records
                ).encode())
            found = digest(_dump((lang, page.place, self.sitemap)))
            if self.memo is not None:
                self.memo.pages[page.path] = (basis, None, found)
            return found
        template = self.templates[kind.template] if kind.template is not None else None
        shown = kind.shows(page, ls, self.renderer.site)
        place = page.place
        basis = (lang, place, template)
        if before is not None and before[0] == basis and _same(before[1], shown):
            return before[2]
        found = digest(_dump((lang, place, template, self._hashable(shown))))
        if self.memo is not None:
            self.memo.pages[page.path] = (basis, shown, found)
        return found

    def every(self, pages: list[Page], langs: Mapping[str, LanguageSite],
              workers: int) -> dict[str, str]:
        """Every page's fingerprint, by path. A large plan (from `FORKED` pages) is
        fingerprinted in forked workers: first the entries' digests, each entry by one
        worker, then the pages, by workers that inherit those digests. A sitemap's
        fingerprint, which reads every page, is made here."""
        spread = [p for p in pages if not KINDS[p.kind].whole_site]
        found: list[str] | None = None
        if self.memo is None and len(spread) >= FORKED:
            entries = list({id(e): e for ls in langs.values() for e in ls.entries}.values())
            digests = fork_map(lambda part: [self.entry(entries[i]) for i in part],
                               len(entries), workers)
            if digests is not None:
                self.entries.update(zip((e.url for e in entries), digests, strict=True))
                found = fork_map(lambda part: [self.page(spread[i], langs[spread[i].lang])
                                               for i in part], len(spread), workers)
        if found is None:
            return {p.path: self.page(p, langs[p.lang]) for p in pages}
        prints = dict(zip((p.path for p in spread), found, strict=True))
        return {p.path: prints.get(p.path) or self.page(p, langs[p.lang]) for p in pages}

    def _hashable(self, value: Any) -> Any:
        """What a page shows, with each entry standing for its digest. (Called for every
        page: the common shapes are tested by their exact type first, and an entry's
        known digest is looked up here rather than in a call to `entry()`.)"""
        kind = type(value)
        if kind is Entry:
            return self.entries.get(value.url) or self.entry(value)
        if kind is tuple or kind is list or isinstance(value, tuple | list):
            if value and all(type(v) is Entry for v in value):  # a list of articles
                known, entry = self.entries.get, self.entry
                return tuple([known(v.url) or entry(v) for v in value])
            return tuple([self._hashable(v) for v in value])
        if isinstance(value, Entry):
            return self.entry(value)
        if isinstance(value, Mapping):
            return tuple((k, self._hashable(v)) for k, v in sorted(value.items()))
        return value


def _section(e: Entry) -> tuple[object, ...]:
    s = e.section
    return (s.slug, s.title, sorted(s.titles.items()))


def _image(e: Entry) -> tuple[object, ...] | None:
    i = e.image
    return None if i is None else (i.url, i.external, i.alt, i.caption, i.credit, i.source)


def _terms(terms: tuple[Term, ...]) -> tuple[tuple[str, str, str], ...]:
    return tuple((t.kind, t.name, t.slug) for t in terms)
