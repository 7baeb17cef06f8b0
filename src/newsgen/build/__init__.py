"""The pipeline, in order: config -> load -> link -> render -> write.

`build()` runs it once and returns what happened. Every problem goes to the reporter, and
`BuildFailed` stops the run before anything is written.

With a cache (`.newsgen-cache/`, or the dev server's in-memory one) a build reuses parsed
articles and converted Markdown, renders only the pages whose fingerprint changed, and
carries the other files over from the previous output. When no source changed at all and
no article became due, it stops after looking at the files' sizes and times.
"""

from __future__ import annotations

import gc
import os
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from newsgen.errors import BuildFailed, Reporter, site_relative
from newsgen.incremental.cache import BuildCache
from newsgen.incremental.records import OutputRecord
from newsgen.incremental.state import IncrementalBuild
from newsgen.model.config import CONFIG_NAME, Config
from newsgen.model.site import Held, Site
from newsgen.output.guard import (
    OutputRefused,
    check_cache_dir,
    check_output_dir,
    folds_case,
    tree_digest,
)
from newsgen.output.interrupt import HeldInterrupt
from newsgen.parse.config import line_of_key, load_config
from newsgen.parse.config_files import check_stylesheets
from newsgen.parse.config_values import check_base_url
from newsgen.parse.dates import parse_date
from newsgen.stages.loader import robots_sitemaps, stray_templates, theme_files

# The stages after the "nothing changed" check are imported where they run: a build with
# nothing to do starts without Jinja, Pillow, the linker and the renderer.
if TYPE_CHECKING:
    from newsgen.incremental.fingerprint import Fingerprints
    from newsgen.stages import images
    from newsgen.stages.kinds import Page
    from newsgen.stages.render import Renderer

@dataclass
class BuildOptions:
    site: Path
    output: Path | None = None  # default: <site>/dist
    drafts: bool = False
    future: bool = False
    now: str | None = None  # --now, as written
    base_url: str | None = None
    jobs: int | None = None  # None: the number of cores
    cache_dir: Path | None = None  # default: <site>/.newsgen-cache
    write: bool = True  # False for `newsgen check`
    use_cache: bool = True
    preview: bool = False  # `newsgen serve`: drafts and scheduled articles are marked
    # `newsgen serve` after its first build: a changed search part that the output already
    # has is indexed by a later build, so the page reloads first (see BuildResult)
    search_later: bool = False
    # Where the writer keeps its staging and standby trees (default: the cache folder);
    # `newsgen serve` keeps them beside its output, on the same file system.
    work_dir: Path | None = None
    one_shot: bool = False  # `newsgen build`, `check`: the process ends with the build
    # `newsgen build --changes`: digest the output and say whether it differs from what
    # the last build wrote there (BuildResult.output_changed), in the file `changes`
    digest: bool = False
    changes: Path | None = None
    # Without `write`: render only the first page of each kind (enough for the templates'
    # errors), as the check of the sources that a refused output folder gets does
    sample: bool = False

    @property
    def cache_path(self) -> Path:
        return self.cache_dir if self.cache_dir is not None else self.site / ".newsgen-cache"

    @property
    def output_dir(self) -> Path:
        chosen = self.output if self.output is not None else self.site / "dist"
        return Path(os.path.realpath(os.path.abspath(chosen)))

    @property
    def workers(self) -> int:
        return self.jobs if self.jobs is not None else (os.cpu_count() or 1)


@dataclass
class BuildResult:
    site: Site | None = None
    pages: int = 0
    files: int = 0
    written: int = 0
    unchanged: int = 0
    rendered: int = 0
    articles: int = 0
    seconds: float = 0.0
    nothing_changed: bool = False
    next_embargo: datetime | None = None
    held: tuple[Held, ...] = ()  # drafts and scheduled articles left out, by date
    search_stale: bool = False  # some search parts wait for a build without search_later
    changed: list[str] = field(default_factory=list)  # output paths whose bytes changed
    outputs: dict[str, str] = field(default_factory=dict)  # path -> page kind, or "file"
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage, for -v
    digest: str | None = None  # with BuildOptions.digest: the output's (output/guard.py)
    output_changed: bool | None = None  # ... and whether it differs from the last build's
    unreported: str | None = None  # why BuildOptions.changes could not be written
    interrupted: bool = False  # Ctrl-C once the output was swapped in: published all the same


def _config(options: BuildOptions, reporter: Reporter) -> Config:
    config = load_site_config(options, reporter)
    if not config.base_is_absolute and options.base_url is None and not config.misread and not any(
            d.message.startswith("base_url:") for d in reporter.errors):  # said already
        where = (f"set base_url: https://… in {CONFIG_NAME}" if (config.root / CONFIG_NAME)
                 .is_file() else f"create {CONFIG_NAME} with base_url: https://…")
        reporter.warning(CONFIG_NAME, line_of_key(config.root / CONFIG_NAME, "base_url"),
                         f"base_url '{config.base_url}' is not an absolute URL: feeds, sitemaps "
                         f"and canonical links need one ({where}, or pass --base-url)")
    return config


def load_site_config(options: BuildOptions, reporter: Reporter) -> Config:
    config = load_config(options.site, reporter)
    if options.base_url is not None:
        problem = check_base_url(options.base_url)
        if problem:
            reporter.error("--base-url", None, problem)
        else:
            config = config.with_base_url(options.base_url)
    return config


def build_time(options: BuildOptions, config: Config, reporter: Reporter) -> datetime:
    if options.now is None:
        return datetime.now(config.tz)
    moment = parse_date(options.now.strip(), config.tz)
    if moment is None:
        reporter.error("--now", None, f"'{options.now}' is not a time like 2024-12-18 10:30")
        return datetime.now(config.tz)
    return moment


# --------------------------------------------------------------------------- the build


class _Clock:
    """Seconds per stage, for `newsgen build -v`."""

    def __init__(self) -> None:
        self.started = self.mark = time.perf_counter()
        self.stages: dict[str, float] = {}

    def stage(self, name: str) -> None:
        before, self.mark = self.mark, time.perf_counter()
        self.stages[name] = self.mark - before

    @property
    def total(self) -> float:
        return time.perf_counter() - self.started


_never_freed: list[object] = []  # what one-shot builds made (see build())

def build(options: BuildOptions, reporter: Reporter,
          cache: BuildCache | None = None) -> BuildResult:
    """config → scan → load → link → plan → render → write, one stage after the other.

    `cache`: the dev server's in-memory state; by default the one in the cache folder.
    """
    clock = _Clock()
    out_dir = options.output_dir
    if options.write:
        reason = check_output_dir(out_dir, options.site)
        if reason:
            raise OutputRefused(f"refusing to write to "
                                f"{site_relative(out_dir, options.site)}: it {reason}")
        reason = check_cache_dir(options.cache_path, options.site, out_dir) if (
            cache is None and options.use_cache) else None
        if reason:
            raise OutputRefused(f"refusing to keep the build state in "
                                f"{site_relative(options.cache_path, options.site)}: it "
                                f"{reason}", state=True)
    if options.one_shot:  # What it makes lives until the process ends (newsgen.__main__): the
        # cycle collector need not walk it again and again (a third of the time of a warm
        # build of 100,000 articles), nor is it freed object by object at the end (a second).
        gc.disable()
    state = IncrementalBuild(options.cache_path, options.use_cache, reporter, cache,
                             site=options.site, read_only=not options.write)
    templates: list[str] = []  # the site's own: every syntax error, when a build fails
    held = HeldInterrupt(options.one_shot)  # from the swap on (output.interrupt)
    try:
        config = _config(options, reporter)
        if options.write:
            state.check_meanwhile(out_dir)
        # (the dev server's: only the files that changed)
        tree = state.scan(config, (out_dir,) if options.write else ())
        templates = sorted(r for r in tree.stats if r.startswith("templates/"))
        check_stylesheets(config, {a.output for a in tree.assets}, reporter)
        now = build_time(options, config, reporter)
        key = state.key((options.drafts, options.future, options.base_url, options.preview,
                         options.search_later), config, tree)
        done = (state.unchanged(out_dir, key, now)
                if options.write and not reporter.failed else None)
        if done is not None:
            reporter.extend(done.diagnostics)  # the same sources have the same warnings
            return _digested(state, out_dir, options, BuildResult(
                pages=done.page_count, files=done.files,
                unchanged=done.page_count + done.files + 1, nothing_changed=True,
                seconds=clock.total, next_embargo=done.next_embargo, held=done.held))
        clock.stage("scan")
        from newsgen.incremental.fingerprint import Fingerprints
        from newsgen.parse import readings
        from newsgen.stages import images
        from newsgen.stages.parallel import render_pages
        from newsgen.stages.plan import dead_site_links, outputs
        from newsgen.stages.render import Renderer

        workers = max(1, options.workers)
        articles, bodies = state.read(config, tree, workers,
                                      durable=lambda: options.write and not reporter.failed)
        clock.stage("load")
        if config.misread:  # read with the defaults: what the articles say of themselves
            raise BuildFailed(f"the articles' sections, languages and links are checked "
                              f"once {CONFIG_NAME} is fixed")
        readings.report_readings(config, state.noteworthy(articles), reporter)  # Hugo's, Jekyll's
        stray_templates(config.root, tree, reporter)
        linked = state.link(config, tree, articles, bodies, now, drafts=options.drafts,
                            future=options.future)
        site = linked.site
        if options.one_shot:  # only the dev server's patches read the read-also index again
            linked.linker.drop_index()
        clock.stage("link")
        pages = state.plan(linked, reporter, folds_case=folds_case(out_dir))
        imageset = images.process(site, options.cache_path if options.write else None, reporter,
                                  (*state.page_paths(pages), *(a.output for a in site.assets)))
        published = outputs(site, pages, imageset.paths)  # what links may name
        if any(a.source == "static/robots.txt" for a in site.assets):  # the site's own
            robots_sitemaps(config, published, reporter)
        dead_site_links(site, articles, bodies, published, reporter,
                        linked.linker.by_content.values(), linked.linker.broken)
        env = state.environment(config, tree, write=options.write, failed=reporter.failed,
                                use_cache=options.use_cache)
        from newsgen.stages.template_check import check_templates, missing_hooks, site_templates

        site_templates(env, tree.stats, reporter)
        renderer = Renderer(site, env, pages, imageset.info, preview=options.preview,
                            bodies=state.bodies())
        if not reporter.failed:  # the site's own templates keep an article page's hooks
            missing_hooks(renderer, pages, tree.stats, reporter)
        clock.stage("plan")
        if reporter.failed:  # find template errors too, then stop before writing
            for _ in render_pages(pages, renderer, reporter, 1, sample=True):
                pass
            raise BuildFailed()
        result = BuildResult(site=site, pages=len(pages),
                             files=len(site.assets) + len(imageset.files),
                             articles=len(site.entries), next_embargo=site.next_embargo,
                             held=site.held, stages=clock.stages)
        if not options.write:  # for `newsgen check --old-sitemap`; no build needs it
            result.outputs = outputs(site, pages, imageset.files)
        fps = Fingerprints(site, renderer, env, imageset.info, state.contents(),
                           memo=state.prints(), shape=linked.shape)
        previous, old = state.previous(out_dir, verify=options.write) if options.use_cache \
            else (None, {})
        if options.one_shot:  # forked workers collect their own cycles, not the build's
            gc.freeze()
        prints, todo = state.fingerprint(fps, pages, old, workers)
        clock.stage("fingerprint")
        if not options.write:  # `newsgen check`: render what changed, write nothing
            result.rendered = sum(1 for _ in render_pages(todo, renderer, reporter, workers,
                                                          sample=options.sample))
            check_templates(config.root, templates, reporter)  # (also those no page uses)
            reporter.check()
            clock.stage("render")
        else:
            try:
                _write(state, out_dir, options, site, pages, todo, renderer, imageset,
                       prints, old, previous, key, fps, result, clock, held)
            finally:  # Ctrl-C held back since the swap: the result's to say, when it succeeds
                result.interrupted = held.release(take=sys.exc_info()[0] is None)
        result.seconds = clock.total
        return result
    except BuildFailed:
        if templates:  # a template the failing pages did not reach may have errors too
            from newsgen.stages.template_check import check_templates

            check_templates(config.root, templates, reporter)
        raise
    finally:
        state.close()
        if options.one_shot:  # never freed
            _never_freed.append(locals())


def _digested(state: IncrementalBuild, out_dir: Path, options: BuildOptions,
              result: BuildResult) -> BuildResult:
    """With `options.digest`: the output's digest and whether it differs from the last build's
    there (a build with nothing to do keeps the recorded one), written to `options.changes`,
    then kept for the next build. A report that cannot be written keeps none (the next one
    says changed again); a digest that cannot be kept empties the state (`forget`)."""
    if options.digest and options.write:
        try:
            before = state.cache.output_digest(out_dir)
        except sqlite3.Error as exc:
            before = None
            state.forget(exc)
        now = before if result.nothing_changed and before else tree_digest(out_dir)
        result.digest, result.output_changed = now, now != before
        if options.changes is not None:
            try:
                with open(options.changes, "a", encoding="utf-8") as fh:
                    fh.write(f"changed={'true' if result.output_changed else 'false'}\n"
                             f"digest={now}\n")
            except OSError as exc:
                result.unreported = exc.strerror or str(exc)
    if options.write and (options.digest or not result.nothing_changed):
        try:  # (without a digest, its bytes are not known now: the next report says changed)
            state.cache.keep_output_digest(out_dir, None if result.unreported or not
                                           options.digest else result.digest)
        except (OSError, sqlite3.Error) as exc:
            state.forget(exc)
    return result


def _write(state: IncrementalBuild, out_dir: Path, options: BuildOptions, site: Site,
           pages: list[Page], todo: list[Page], renderer: Renderer,
           imageset: images.ImageSet, prints: dict[str, str], old: dict[str, str],
           previous: OutputRecord | None, key: str, fps: Fingerprints,
           result: BuildResult, clock: _Clock, held: HeldInterrupt) -> None:
    """Render the changed pages into the output's next tree, add the files, swap it in,
    and record what the output holds (newsgen.output.writer says why it is never a mix)."""
    from newsgen.output.writer import Writer
    from newsgen.stages.parallel import render_pages

    reporter, config, search_keys = state.reporter, site.config, dict[str, str]()
    work = options.work_dir or (options.cache_path if options.use_cache else None)
    with state.locked():
        # another build sharing the state may have replaced the output meanwhile
        again = state.meanwhile(out_dir, pages, prints)
        if again is not None:
            previous, old, todo = again
        standby = state.standby(out_dir, previous)
        writer = Writer(out_dir, work=work, standby=standby)
        writer.begin()
        try:
            # Streaming: each page is written to the staging tree as soon as it is ready.
            for path, data in render_pages(todo, renderer, reporter, max(1, options.workers)):
                writer.write(path, data)
                result.rendered += 1
            reporter.check()
            clock.stage("render")
            gone = writer.keep_all(state.page_paths(pages))
            if gone:  # the old file is gone: render it again
                by_path = {p.path: p for p in pages}
                for path in gone:
                    writer.write(path, renderer.render(by_path[path]))
            if config.search:
                from newsgen.incremental.search_parts import index_search

                search_keys, result.search_stale = index_search(
                    site, pages, fps.templates[renderer.template_for_kind("article")], writer,
                    options.cache_path if options.use_cache else None, options.search_later,
                    reporter, previous.search if previous is not None else {},
                    renderer.labels, imageset.info)
                clock.stage("search")
            for asset in site.assets:
                try:
                    writer.copy(asset.output, config.root / asset.source)
                except OSError as exc:  # every file that cannot be read, on its path
                    if exc.filename != str(config.root / asset.source):
                        raise
                    reporter.error(asset.source, None, f"cannot read: {exc.strerror or exc}")
            reporter.check()
            for path, cached in imageset.files.items():
                writer.copy(path, cached)
            for path, data in theme_files(site.assets).items():
                writer.write(path, data)
            held.hold()
            writer.commit()
            held.swapped()
        except BaseException:
            writer.abort()
            raise
        result.files = len(writer.written()) - len(pages) - 1  # the marker is not a file
        result.written, result.unchanged = writer.stats.written, writer.stats.unchanged
        result.changed = writer.stats.changed
        state.record(out_dir, writer, prints, old, standby, key, site, result.files,
                     search_keys, save=options.use_cache, clock=clock.stage)
        _digested(state, out_dir, options, result)  # with the record: one commit
    clock.stage("save state")


__all__ = ["BuildFailed", "BuildOptions", "BuildResult", "OutputRefused", "build"]
