"""One build's use of the build state: what earlier builds left, what this one adds.

`IncrementalBuild` is the only part of the pipeline that reads or writes the state
(newsgen.incremental.cache): it loads articles (parsing only changed files), converts new
bodies (stored at once), hands the linker the last read-also fills, tells which pages
changed since the output was written, and records the new output (its base class,
newsgen.incremental.recording.Recording).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from newsgen.errors import Reporter
from newsgen.incremental import sources
from newsgen.incremental.cache import BuildCache
from newsgen.incremental.database import BodyStore
from newsgen.incremental.keys import state_key, tree_key
from newsgen.incremental.recording import Recording
from newsgen.incremental.records import OutputRecord
from newsgen.model.config import Config
from newsgen.output.guard import holds, identity
from newsgen.output.seal import abandon_all
from newsgen.stages.scan import SourceTree, rescan, scan

# The stages after the "nothing changed" check are imported by the methods that run them:
# a build with nothing to do starts without Jinja, Pillow, the linker and the renderer.
if TYPE_CHECKING:
    from jinja2 import Environment

    from newsgen.incremental.fingerprint import Fingerprints, PagePrints
    from newsgen.incremental.linkcheck import Kept
    from newsgen.incremental.linked import Linked
    from newsgen.incremental.reading import Read
    from newsgen.incremental.replan import Planned
    from newsgen.model.content import Article
    from newsgen.model.site import Site
    from newsgen.output.standby import Standby
    from newsgen.parse.markup import Body
    from newsgen.stages.kinds import Page


class IncrementalBuild(Recording):
    def __init__(self, cache_path: Path, use_cache: bool, reporter: Reporter,
                 cache: BuildCache | None = None, site: Path | None = None,
                 read_only: bool = False) -> None:
        """`cache`: the dev server's in-memory state; otherwise the one in `cache_path`
        (with `use_cache`; only read with `read_only`), opened here, closed by `close()`."""
        self.cache_path, self.reporter, self.own = cache_path, reporter, cache is None
        self.cache = cache if cache is not None else (
            BuildCache.load(cache_path, reporter, site, read_only=read_only)
            if use_cache else BuildCache(None))
        self.changed: frozenset[str] | None = None  # the files the watcher saw change
        self.inputs: tuple[tuple[object, ...], Config, SourceTree] | None = None  # see key()
        self.started_from: str | None = None  # the output's digest, see standby()
        self.relinked: list[Article] | None = None  # the articles read again for link()

    def check_meanwhile(self, out_dir: Path) -> None:
        """Start checking the output's seal beside the source scan (`cache.output` takes
        the result), when the state has one for it."""
        if self.own:
            self.cache.check_meanwhile(out_dir)

    def scan(self, config: Config, output: tuple[Path, ...] = ()) -> SourceTree:
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
            tree = scan(config, self.reporter, (*output, self.cache_path))
            if len(self.reporter.errors) > errors:
                return tree
            if not self.own:  # the next rescan's key is this one's and what changed
                tree = replace(tree, key=tree_key(tree))
        self.cache.tree = tree
        return tree

    def close(self) -> None:
        self.cache.sealing.clear()  # a check nobody waited for (a build that stopped): its
        abandon_all()  # child killed and reaped
        if self.own:
            self.cache.close()

    # -- nothing to do -------------------------------------------------------------------

    def key(self, options: tuple[object, ...], config: Config, tree: SourceTree) -> str:
        """The quick key (keys.state_key); its inputs are kept for the content key."""
        self.inputs = (options, config, tree)
        return state_key(options, config, tree)

    def unchanged(self, out_dir: Path, state: str, now: datetime) -> OutputRecord | None:
        """The record of `out_dir` when it was built from the same sources and is still
        right at `now` (no embargo or news window ended since): the same files by their
        stats (`state`), or else by their bytes (a fresh checkout: see
        newsgen.incremental.sources), which the record then takes for its own. A copy of
        the output restored in another folder is taken for it when its bytes prove it is."""
        self.adopt(out_dir)
        record = self.cache.output(out_dir)
        if record is None or not ((record.valid_from is None or record.valid_from <= now)
                                  and (record.valid_until is None or now < record.valid_until)):
            return None
        if record.state == state:
            return record
        if not (self.own and record.content and self.inputs is not None):
            return None
        options, config, tree = self.inputs
        found = self.cache.found = sources.digests(config.root, tree, self.cache.file_digests(),
                                                   same_sizes=True)
        if found is None or sources.content_key(options, config, found) != record.content:
            return None
        record.state = state
        with self.locked():
            self.cache.write_record(out_dir, record)
            self.cache.keep_file_digests(found, tree.articles, restat=True)
        return record

    def adopt(self, out_dir: Path) -> bool:
        """Take `out_dir` for the recorded output when it is another folder (a CI job's
        restored copy: a new inode) with the same bytes as the one recorded, as its digest
        proves; then a build renders only what changed, as it would in the folder it
        wrote. Without a recorded digest (a build without `--changes`) a new folder is
        never trusted. Reading every file costs far less than rendering every page."""
        record = self.cache.record_of(out_dir)
        if record is None or record.digest is None or record.identity is None:
            return False
        now = identity(out_dir)
        same = now is not None and now != record.identity and holds(out_dir, record.digest)
        if same:
            record.identity = now
            if record.sealed is not None:  # its files as they are now: proved by bytes
                record.sealed = self.cache.seal(out_dir, record)
            self.cache.write_record(out_dir, record)
        return same

    # -- articles and bodies -------------------------------------------------------------

    def read(self, config: Config, tree: SourceTree, workers: int,
             durable: Callable[[], bool]) -> tuple[list[Article], dict[str, Body]]:
        """Every article that could be read, its converted body by source (.reading)."""
        from newsgen.incremental.reading import Reader

        return Reader(self.cache, self.reporter, own=self.own, changed=self.changed).read(
            config, tree, workers, durable)

    def noteworthy(self, articles: list[Article]) -> list[Article]:
        """The articles newsgen.parse.readings may have something to say of."""
        return self.cache.read.noteworthy() if self.cache.read is not None else articles

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
        from newsgen.incremental import relink

        linked = relink.link(self.cache.linked, config, articles, bodies, tree.assets, now,
                             self.reporter, drafts=drafts, future=future, broken=broken,
                             fills=self.cache.fills, changed=changed,
                             sources=read.sources if read is not None else None)
        self.cache.linked, self.relinked = linked, changed
        return linked

    def plan(self, linked: Linked, reporter: Reporter, *, folds_case: bool) -> list[Page]:
        """Every page of the linked site, checked for collisions. A patched site keeps the
        pages planned in this process for it, with its new entries (incremental.replan)."""
        from newsgen.incremental.replan import regrown, replan
        from newsgen.stages import collisions, plan

        planned: Planned | None = self.cache.planned
        if (planned is not None and linked.swap is not None and planned.shape is linked.shape
                and planned.generation == linked.generation - 1):
            planned.generation = linked.generation
            reporter.extend(planned.diagnostics)
            replan(planned, linked.swap)
            return planned.pages
        self.cache.planned = None
        pages = collisions.check_collisions(linked.site, plan.plan(linked.site),
                                            check := Reporter(), folds_case=folds_case,
                                            waiting=linked.waiting())
        reporter.extend(check.diagnostics)
        if not self.own and not check.failed:  # (after a patch that added an article,
            # the pages that cannot differ keep their fingerprints)
            self.cache.planned = regrown(planned, linked, pages, list(check.diagnostics))
        return pages

    def published(self, site: Site, pages: list[Page], made: Collection[str]) -> dict[str, str]:
        """Every path the build publishes; the dev server keeps it while a patch keeps the
        plan (newsgen.incremental.linkcheck)."""
        from newsgen.incremental import linkcheck

        return linkcheck.published(self._kept(pages), site, pages, made)

    def check_links(self, linked: Linked, pages: list[Page], articles: list[Article],
                    bodies: Mapping[str, Body], published: Mapping[str, str],
                    reporter: Reporter) -> None:
        """The articles' links to this site's paths checked against `published`; after a
        patch, the dev server checks only the changed articles (newsgen.incremental.linkcheck)."""
        from newsgen.incremental import linkcheck

        linker = linked.linker
        linkcheck.check(self._kept(pages), linker, linked.generation, linked.site, articles,
                        bodies, published, reporter, linker.by_content.values(),
                        linker.broken, self.relinked)

    def _kept(self, pages: list[Page]) -> Kept | None:
        planned: Planned | None = self.cache.planned
        return planned.kept if planned is not None and planned.pages is pages else None

    def page_paths(self, pages: list[Page]) -> frozenset[str]:
        """The paths of `pages`, kept with the plan in this process (a patch keeps them)."""
        planned: Planned | None = self.cache.planned
        if planned is None or planned.pages is not pages:
            return frozenset(p.path for p in pages)
        if planned.paths is None:
            planned.paths = frozenset(p.path for p in pages)
        return planned.paths

    def fingerprint(self, fps: Fingerprints, pages: list[Page], old: Mapping[str, str],
                    workers: int) -> tuple[dict[str, str], list[Page]]:
        """Every page's fingerprint, and the pages whose fingerprint differs from `old`
        (the output's): those to render. For the pages planned in this process, only
        those made again since their fingerprints were are fingerprinted again, when
        nothing that all pages share changed (`Fingerprints.basis`); when `old` is what
        the last build here recorded, only they can differ from it."""
        lang_sites = {ls.lang.code: ls for ls in fps.renderer.site.languages}
        planned: Planned | None = self.cache.planned
        if planned is not None and planned.pages is not pages:
            planned = None
        basis = fps.basis
        if planned is not None and planned.fresh(basis):
            prints = dict(planned.prints)  # the output's record keeps the old dict
            again = [pages[i] for i in sorted(planned.stale)]
            for page in again:
                prints[page.path] = fps.page(page, lang_sites[page.lang])
            candidates = again if old is planned.prints else pages
        else:
            prints = fps.every(pages, lang_sites, workers)
            candidates = pages
        if planned is not None:
            planned.basis, planned.prints, planned.stale = basis, prints, set()
        return prints, _differing(candidates, prints, old)

    def prints(self) -> PagePrints | None:
        """The fingerprints of the last build in this process, with what they show (None
        when no later build in this process will use them)."""
        if self.own:
            return None
        if self.cache.prints is None:
            from newsgen.incremental.fingerprint import PagePrints

            self.cache.prints = PagePrints()
        prints: PagePrints = self.cache.prints
        return prints

    def bodies(self) -> BodyStore:
        return self.cache.body_store()

    def contents(self) -> Mapping[str, str]:
        """Each article's content key (its bytes and settings), by source."""
        from newsgen.incremental.reading import Contents

        return Contents(self.cache.articles)

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
        from newsgen.stages.render import make_environment

        env = make_environment(config.root, bytecode)
        if not failed:
            cache.environment = (key, env)
        return env

    # -- the output ----------------------------------------------------------------------

    def previous(self, out_dir: Path, *, verify: bool = True,
                 ) -> tuple[OutputRecord | None, dict[str, str]]:
        """The record of the output as it is, and its pages' fingerprints (`verify`: not
        for `newsgen check`, which writes nothing and has nothing to say of the output)."""
        record = self.cache.output(out_dir, verify)
        return record, self.cache.page_prints(out_dir) if record is not None else {}

    def meanwhile(self, out_dir: Path, pages: list[Page], prints: dict[str, str],
                  ) -> tuple[OutputRecord | None, dict[str, str], list[Page]] | None:
        """Under the lock, if another build has replaced the output since this one read its
        record (else None): the record and fingerprints read again, and what differs."""
        if not self.cache.moved(out_dir):
            return None
        record, old = self.previous(out_dir)
        return record, old, _differing(pages, prints, old)

    def standby(self, out_dir: Path, record: OutputRecord | None) -> Standby | None:
        if record is None:
            return None
        self.started_from = record.digest  # what the output held when this build began
        from newsgen.output.standby import Standby

        return Standby(self.cache.output_files(out_dir), record.standby,
                       record.standby_identity, record.identity, record.standby_digest)


def _differing(pages: list[Page], prints: dict[str, str], old: Mapping[str, str]) -> list[Page]:
    """The pages whose fingerprint is not the output's: those to render."""
    return [p for p in pages if old.get(p.path) != prints[p.path]]
