"""One build's use of the build state: what earlier builds left, what this one adds.

`IncrementalBuild` is the only part of the pipeline that reads or writes the
state (newsgen.incremental.cache): it loads articles (parsing only the files whose bytes
changed), converts bodies (only new ones, stored at once), hands the linker the
previous read-also fills, tells which pages changed since the output was
written, and records the new output. The stages in newsgen.build never touch
the state themselves.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from jinja2 import Environment

from newsgen import __version__
from newsgen.errors import Reporter
from newsgen.hashing import digest
from newsgen.incremental import relink
from newsgen.incremental.cache import BuildCache, CachedArticle, OutputRecord
from newsgen.incremental.database import BodyStore
from newsgen.incremental.fingerprint import Fingerprints, PagePrints
from newsgen.incremental.relink import Linked
from newsgen.incremental.replan import Planned, replan
from newsgen.model.config import Config
from newsgen.model.content import Article
from newsgen.model.site import Site
from newsgen.output.writer import Standby, Writer
from newsgen.parse.markup import CONVERTER, Body
from newsgen.stages.kinds import Page
from newsgen.stages.loader import SourceTree, load_article, rescan, scan
from newsgen.stages.parallel import Conversions
from newsgen.stages.plan import check_collisions, plan
from newsgen.stages.render import make_environment


def _settings_key(config: Config) -> str:
    """What shapes a parsed article besides its bytes and path: languages (and their
    folders), time zone, where sections and dates may come from."""
    langs = ",".join(f"{lang.code}:{lang.folder}" for lang in config.languages)
    large = config.checks.large_article_kb
    return (f"{__version__}|{config.timezone}|{config.language}|{langs}|{large}|"
            f"{config.sections_from}|{config.filename_dates}|{config.permalink}")


def _with_body(config: Config, a: Article) -> Article:
    """A cached article keeps no Markdown (to save memory): read it again when needed."""
    try:
        data = (config.root / a.source).read_bytes()
    except OSError:
        return a
    again = load_article(config, a.source, data, Reporter())
    return replace(a, body=again.body) if again is not None else a


@dataclass
class Read:
    """What a read of the articles found; the dev server keeps the last one, and the next
    read starts from it when it is told which files changed (`IncrementalBuild._reread`)."""

    basis: tuple[str, str]  # the settings that shape an article, and the converter
    paths: tuple[str, ...]  # the article files it read (SourceTree.articles)
    articles: list[Article] = field(default_factory=list)  # in the order of `paths`
    at: dict[str, int] = field(default_factory=dict)  # source -> its place in `articles`
    keys: dict[str, str] = field(default_factory=dict)  # source -> its body's key
    uses: Counter[str] = field(default_factory=Counter)  # body key -> articles with it
    bodies: dict[str, Body] = field(default_factory=dict)  # source -> body
    queued: set[str] = field(default_factory=set)  # keys being converted
    clean: bool = True  # every file could be read
    # Kept for the next link: the article files without a valid article (None: to be
    # found), and the articles read again since the last link (None: not known)
    broken: frozenset[str] | None = None
    since_link: set[str] | None = None


class _Contents(Mapping[str, str]):
    """Each article's content key (its bytes and settings), by source: a view of the
    state's articles, looked up for the entries being fingerprinted only."""

    def __init__(self, articles: Mapping[str, CachedArticle]) -> None:
        self.articles = articles

    def __getitem__(self, source: str) -> str:
        return self.articles[source].content

    def __iter__(self) -> Iterator[str]:
        return iter(self.articles)

    def __len__(self) -> int:
        return len(self.articles)


class IncrementalBuild:
    def __init__(self, cache_path: Path, use_cache: bool, reporter: Reporter,
                 cache: BuildCache | None = None) -> None:
        """`cache`: the dev server's in-memory state; otherwise the one in `cache_path`
        (with `use_cache`), opened here and closed by `close()`."""
        self.cache_path = cache_path
        self.reporter = reporter
        self.own = cache is None
        self.cache = cache if cache is not None else (
            BuildCache.load(cache_path, reporter) if use_cache else BuildCache(None))
        self.changed: frozenset[str] | None = None  # the files the watcher saw change

    def scan(self, config: Config) -> SourceTree:
        """The site's files: the last scan brought up to date for the files the dev
        server's watcher saw change (`cache.changed`), when it can be; else a full scan,
        kept for the next build only when it found no problem (a rescan would not
        report a refused link or an unreadable folder again)."""
        changed, self.cache.changed = self.cache.changed, None
        previous, self.cache.tree = self.cache.tree, None
        tree = rescan(config, previous, changed) if previous and changed is not None else None
        self.changed = changed if tree is not None else None  # for `read`
        if tree is None:
            errors = len(self.reporter.errors)
            tree = scan(config, self.reporter)
            if len(self.reporter.errors) > errors:
                return tree
        self.cache.tree = tree
        return tree

    def close(self) -> None:
        if self.own:
            self.cache.close()

    # -- nothing to do -------------------------------------------------------------------

    def unchanged(self, out_dir: Path, state: str, now: datetime) -> OutputRecord | None:
        """The record of `out_dir` when it was built from the same sources (`state`) and
        is still right at `now` (no embargo or news window ended since)."""
        record = self.cache.output(out_dir)
        if (record is not None and record.state == state
                and (record.valid_from is None or record.valid_from <= now)
                and (record.valid_until is None or now < record.valid_until)):
            return record
        return None

    # -- articles and bodies -------------------------------------------------------------

    def read(self, config: Config, tree: SourceTree, workers: int,
             durable: Callable[[], bool]) -> tuple[list[Article], dict[str, Body]]:
        """Every article that could be read (cached ones replay their diagnostics),
        without its Markdown, and its converted body by source.

        A file is read again only when its size or time changed, and parsed again only
        when its bytes did. A body is converted only when it is new: while the other
        files are still being read (newsgen.stages.parallel.Conversions), and stored in the
        state at once, so no build holds every body. The HTML stays in the state; the
        renderer reads it from `bodies()`. A failing build (not `durable()`) keeps what
        it converts in memory. The dev server, told which files changed, looks at those
        only (`_reread`)."""
        cache = self.cache
        cache.load_content(self.reporter)
        basis = (_settings_key(config), f"|{config.markdown.raw_html}|{__version__}|{CONVERTER}")
        conversions = Conversions(config.markdown.raw_html, workers,
                                  lambda done: cache.add_bodies(done, durable=durable()))
        try:
            last, cache.read = cache.read, None
            read = self._reread(config, tree, basis, last, conversions)
            if read is None:
                read = self._read_all(config, tree, basis, conversions)
        finally:
            conversions.close()
        if self.own or not read.clean:
            return read.articles, read.bodies
        cache.read = read  # changed in place by the next read: the build gets copies
        return list(read.articles), dict(read.bodies)

    def _read_all(self, config: Config, tree: SourceTree, basis: tuple[str, str],
                  conversions: Conversions) -> Read:
        cache, reporter = self.cache, self.reporter
        read = Read(basis, tree.articles)
        fresh: dict[str, CachedArticle] = {}
        for rel in tree.articles:
            cached = self._cached(config, rel, tree.stats[rel], basis[0], reporter)
            if cached is None:
                read.clean = False
                continue
            fresh[rel] = cached
            reporter.extend(cached.diagnostics)
            if cached.article is not None:
                read.at[rel] = len(read.articles)
                read.articles.append(self._article(config, cached, basis, conversions, read))
        conversions.finish()
        cache.articles = fresh
        cache.keep_bodies(set(read.keys.values()))
        read.bodies = {a.source: cache.bodies[read.keys[a.source]] for a in read.articles}
        return read

    def _reread(self, config: Config, tree: SourceTree, basis: tuple[str, str],
                last: Read | None, conversions: Conversions) -> Read | None:
        """The dev server's last read, with the files its watcher saw change read again;
        None when a full read is needed: no such read, other settings, a file added or
        removed, or a changed file that cannot be read or now holds no article (or did
        not)."""
        changed = self.changed
        if (self.own or last is None or changed is None or last.basis != basis
                or last.paths is not tree.articles):
            return None
        cache = self.cache
        check = Reporter()
        again: dict[str, CachedArticle] = {}
        for rel in sorted(changed):
            if rel not in last.at:
                if rel in cache.articles:
                    return None  # an article file that held no article
                continue  # not an article file (every one was read last time)
            cached = self._cached(config, rel, tree.stats[rel], basis[0], check)
            if cached is None or cached.article is None:
                return None
            again[rel] = cached
        last.queued = set()
        gone = [last.keys[rel] for rel in again]
        for rel, cached in again.items():
            if cached.article is not None and (
                    cached.article.valid != last.articles[last.at[rel]].valid):
                last.broken = None
            if last.since_link is not None:
                last.since_link.add(rel)
            cache.articles[rel] = cached
            last.articles[last.at[rel]] = self._article(config, cached, basis, conversions,
                                                        last)
        for rel in tree.articles:  # every article's diagnostics, in order, as a full read
            c = cache.articles.get(rel)
            if c is not None and c.diagnostics:
                self.reporter.extend(c.diagnostics)
        conversions.finish()
        for rel in again:
            last.bodies[rel] = cache.bodies[last.keys[rel]]
        for key in gone:
            last.uses[key] -= 1
            if not last.uses[key]:
                del last.uses[key]
                cache.bodies.pop(key, None)
                cache.html.pop(key, None)
        return last

    def _article(self, config: Config, cached: CachedArticle, basis: tuple[str, str],
                 conversions: Conversions, read: Read) -> Article:
        """The article of `cached` (which has one), without its Markdown, its body
        converted when new."""
        a = cached.article
        if a is None:
            raise ValueError(f"{cached} holds no article")
        key = read.keys[a.source] = digest((cached.content + basis[1]).encode())
        read.uses[key] += 1
        if key not in self.cache.bodies and key not in read.queued:
            read.queued.add(key)
            conversions.add(key, a.body if a.body else _with_body(config, a).body)
        if a.body:  # only the HTML is needed from here on
            a = cached.article = replace(a, body="")
        return a

    def _cached(self, config: Config, rel: str, stat: tuple[int, int, int, int],
                settings: str, reporter: Reporter) -> CachedArticle | None:
        """The parsed article of one file: the state's, or parsed now (None: unreadable)."""
        cached = self.cache.articles.get(rel)
        if cached is not None and cached.stat == stat and cached.content.endswith(settings):
            return cached
        try:
            data = (config.root / rel).read_bytes()
        except OSError as exc:
            reporter.error(rel, None, f"cannot read: {exc.strerror}")
            return None
        content = digest(data) + "|" + settings
        if cached is not None and cached.content == content:
            return CachedArticle(stat, content, cached.article, cached.diagnostics)
        local = Reporter()
        article = load_article(config, rel, data, local)
        return CachedArticle(stat, content, article, list(local.diagnostics))

    def link(self, config: Config, tree: SourceTree, articles: list[Article],
             bodies: Mapping[str, Body], now: datetime, *, drafts: bool,
             future: bool) -> Linked:
        """The linked site: the last one patched when this process built it and the
        changes keep its shape (newsgen.incremental.relink), otherwise linked whole."""
        read: Read | None = self.cache.read
        # Articles that failed to load are not "missing": references to them stay quiet.
        broken = read.broken if read is not None else None
        if broken is None:
            broken = frozenset({rel[len("content/"):] for rel in tree.articles} - {
                a.content_path for a in articles if a.valid})
        changed = None
        if read is not None:  # the articles read again since the last link
            if read.since_link is not None:
                changed = [read.articles[read.at[rel]] for rel in sorted(read.since_link)]
            read.broken, read.since_link = broken, set()
        linked = relink.link(self.cache.linked, config, articles, bodies, tree.assets, now,
                             self.reporter, drafts=drafts, future=future, broken=broken,
                             fills=self.cache.fills, changed=changed)
        self.cache.linked = linked
        return linked

    def plan(self, linked: Linked, reporter: Reporter, *, folds_case: bool) -> list[Page]:
        """Every page of the linked site, checked for collisions. A patched site keeps
        the pages planned in this process for the site it patched, with its new entries
        (newsgen.incremental.replan)."""
        planned: Planned | None = self.cache.planned
        if (planned is not None and linked.swap is not None and planned.shape is linked.shape
                and planned.generation == linked.generation - 1):
            planned.generation = linked.generation
            reporter.extend(planned.diagnostics)
            replan(planned, linked.swap)
            return planned.pages
        self.cache.planned = None
        check = Reporter()
        pages = check_collisions(linked.site, plan(linked.site), check, folds_case=folds_case)
        reporter.extend(check.diagnostics)
        if not self.own and not check.failed:
            self.cache.planned = Planned(linked.shape, linked.generation, pages,
                                         list(check.diagnostics))
        return pages

    def fingerprint(self, fps: Fingerprints, pages: list[Page]) -> dict[str, str]:
        """Every page's fingerprint. For the pages planned in this process, only those
        made again since their fingerprints were, when nothing that all pages share
        changed (`Fingerprints.basis`)."""
        lang_sites = {ls.lang.code: ls for ls in fps.renderer.site.languages}
        planned: Planned | None = self.cache.planned
        if planned is not None and planned.pages is not pages:
            planned = None
        basis = fps.basis
        if planned is not None and planned.fresh(basis):
            prints = dict(planned.prints)  # the output's record keeps the old dict
            for i in sorted(planned.stale):
                page = pages[i]
                prints[page.path] = fps.page(page, lang_sites[page.lang])
        else:
            prints = {p.path: fps.page(p, lang_sites[p.lang]) for p in pages}
        if planned is not None:
            planned.basis, planned.prints, planned.stale = basis, prints, set()
        return prints

    def prints(self) -> PagePrints | None:
        """The fingerprints of the last build in this process, with what they show (None
        when no later build in this process will use them)."""
        if self.own:
            return None
        if self.cache.prints is None:
            self.cache.prints = PagePrints()
        prints: PagePrints = self.cache.prints
        return prints

    def bodies(self) -> BodyStore:
        return self.cache.body_store()

    def contents(self) -> Mapping[str, str]:
        """Each article's content key (its bytes and settings), by source."""
        return _Contents(self.cache.articles)

    def environment(self, config: Config, tree: SourceTree, *, write: bool,
                    failed: bool, use_cache: bool) -> Environment:
        """The template environment, reused (with its compiled templates) while no template
        changed; compiled templates are also kept in the cache folder between builds."""
        cache = self.cache
        key = (str(config.root), sorted((k, v) for k, v in tree.stats.items()
                                        if k.startswith("templates/")))
        if cache.environment is not None and cache.environment[0] == key and not failed:
            env: Environment = cache.environment[1]
            return env
        # A build that already failed only checks templates: it leaves the cache alone.
        bytecode = self.cache_path / "templates" if use_cache and write and not failed else None
        if bytecode is not None:
            try:
                bytecode.mkdir(parents=True, exist_ok=True)
            except OSError:
                bytecode = None
        env = make_environment(config.root, bytecode)
        if not failed:
            cache.environment = (key, env)
        return env

    # -- the output ----------------------------------------------------------------------

    def previous(self, out_dir: Path) -> tuple[OutputRecord | None, dict[str, str]]:
        """The record of the output as it is, and its pages' fingerprints."""
        record = self.cache.output(out_dir)
        return record, self.cache.page_prints(out_dir) if record is not None else {}

    def standby(self, out_dir: Path, record: OutputRecord | None) -> Standby | None:
        if record is None:
            return None
        return Standby(self.cache.output_files(out_dir), record.standby,
                       record.standby_identity, record.identity)

    def record(self, out_dir: Path, writer: Writer, prints: dict[str, str], old: dict[str, str],
               standby: Standby | None, state: str, site: Site, files: int,
               search_keys: dict[str, str]) -> None:
        """What the output holds now, after `writer` committed it."""
        cache = self.cache
        record = OutputRecord(
            None, prints, state, site.valid_from, site.valid_until, site.next_embargo, files,
            # the sources' warnings, replayed by a build with nothing to do; not the cache's
            [d for d in self.reporter.diagnostics if d.path != cache.label],
            site.held, search_keys, writer.differs, writer.standby_identity(),
            files_set=writer.files)
        # Rows are updated by difference only when the build started from the recorded
        # output (in place): otherwise another build may have changed it meanwhile.
        cache.record_output(out_dir, record, (old, standby.files)
                            if standby is not None and writer.in_place else None)

    def save(self) -> None:
        try:
            self.cache.save()
        except (OSError, sqlite3.Error) as exc:
            self.reporter.warning(str(self.cache_path), None,
                                  f"cannot write the build cache ({exc}); "
                                  "the next build will be slower")

    def locked(self) -> AbstractContextManager[None]:
        """Builds that share the state write their outputs one at a time."""
        return self.cache.locked()
