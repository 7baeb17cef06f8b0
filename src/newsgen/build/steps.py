"""The steps of a build, in the order `newsgen.build.build` runs them. Each reads what
the ones before it made, says its problems to the reporter and stops the build
(`BuildFailed`) before anything is written.

The steps after the "nothing changed" check import what they run when they run: a build
with nothing to do starts without Jinja, Pillow, the linker and the renderer.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from newsgen.build.options import BuildOptions, BuildResult, Clock, build_time
from newsgen.build.output import digested, write
from newsgen.errors import BuildFailed, Reporter, site_relative
from newsgen.incremental.state import IncrementalBuild
from newsgen.model.config import CONFIG_NAME, Config
from newsgen.output.guard import OutputRefused, check_cache_dir, check_output_dir, folds_case
from newsgen.output.interrupt import HeldInterrupt
from newsgen.output.standby import standby_of
from newsgen.parse.config_files import check_stylesheets
from newsgen.parse.config_labels import missing_labels
from newsgen.stages.scan import SourceTree

if TYPE_CHECKING:
    from jinja2 import Environment

    from newsgen.incremental.linked import Linked
    from newsgen.model.content import Article
    from newsgen.parse.markup import Body
    from newsgen.stages import images
    from newsgen.stages.kinds import Page
    from newsgen.stages.render import Renderer


@dataclass
class Run:
    """One build under way: what every step reads."""

    options: BuildOptions
    reporter: Reporter
    state: IncrementalBuild
    clock: Clock
    out_dir: Path
    held: HeldInterrupt  # Ctrl-C, from the swap on (newsgen.output.interrupt)
    root: Path | None = None  # the site's, once the configuration is read
    templates: list[str] = field(default_factory=list)  # the site's own: every syntax error
    kept: list[object] = field(default_factory=list)  # a one-shot build's: never freed
    whole: str = ""  # why the build links the whole site (newsgen.build.edits)


@dataclass
class Plan:
    """Every page to render, and what renders them."""

    pages: list[Page]
    imageset: images.ImageSet
    env: Environment
    renderer: Renderer


def refuse(options: BuildOptions, out_dir: Path, *, own_state: bool) -> None:
    """OutputRefused for an output folder (or a state folder) that is not newsgen's to
    write: the site itself, a folder of the user's, a file."""
    reason = check_output_dir(out_dir, options.site)
    if reason:
        raise OutputRefused(f"refusing to write to "
                            f"{site_relative(out_dir, options.site)}: it {reason}")
    reason = check_cache_dir(options.cache_path, options.site, out_dir) if (
        own_state and options.use_cache) else None
    if reason:
        raise OutputRefused(f"refusing to keep the build state in "
                            f"{site_relative(options.cache_path, options.site)}: it "
                            f"{reason}", state=True)


def scan(run: Run, config: Config) -> tuple[SourceTree, str, datetime]:
    """The site's files (the dev server's: only those that changed), the build's quick
    key (newsgen.incremental.keys) and the moment it builds at."""
    options, state, reporter = run.options, run.state, run.reporter
    run.root = config.root
    if options.write:
        state.check_meanwhile(run.out_dir)
    tree = state.scan(config, (run.out_dir,) if options.write else ())
    run.templates = sorted(r for r in tree.stats if r.startswith("templates/"))
    check_stylesheets(config, {a.output for a in tree.assets}, reporter)
    now = build_time(options, config, reporter)
    key = state.key((options.drafts, options.future, options.base_url, options.preview,
                     options.search_later), config, tree)
    return tree, key, now


def nothing_to_do(run: Run, key: str, now: datetime) -> BuildResult | None:
    """The result of a build whose output was made from the same sources and is still
    right at `now`: nothing is read, linked or written. None: there is work to do."""
    options, state, reporter = run.options, run.state, run.reporter
    done = (state.unchanged(run.out_dir, key, now)
            if options.write and not reporter.failed else None)
    if done is None:
        if options.write and options.staging_home is not None:  # (while it loads and links)
            state.cache.prove_standby_meanwhile(run.out_dir, standby_of(
                run.out_dir, options.staging_home))
        run.clock.stage("scan")
        return None
    reporter.extend(done.diagnostics)  # the same sources have the same warnings
    return digested(state, run.out_dir, options, BuildResult(
        pages=done.page_count, files=done.files, unchanged=done.page_count + done.files + 1,
        nothing_changed=True, seconds=run.clock.total, next_embargo=done.next_embargo,
        held=done.held))


def load(run: Run, config: Config, tree: SourceTree) -> tuple[list[Article], dict[str, Body]]:
    """Every article that could be read, and its converted body by source."""
    from newsgen.parse import readings
    from newsgen.stages.loader import stray_templates

    options, state, reporter = run.options, run.state, run.reporter
    articles, bodies = state.read(config, tree, max(1, options.workers),
                                  durable=lambda: options.write and not reporter.failed)
    run.clock.stage("load")
    missing_labels(config, reporter)  # (a build with nothing to do replays it)
    if config.misread:  # read with the defaults: what the articles say of themselves
        raise BuildFailed(f"the articles' sections, languages and links are checked "
                          f"once {CONFIG_NAME} is fixed")
    readings.report_readings(config, state.noteworthy(articles), reporter)  # Hugo's, Jekyll's
    stray_templates(config.root, tree, reporter)
    return articles, bodies


def link(run: Run, config: Config, tree: SourceTree, articles: list[Article],
         bodies: Mapping[str, Body], now: datetime) -> Linked:
    """The linked site (newsgen.incremental.relink)."""
    options = run.options
    linked = run.state.link(config, tree, articles, bodies, now, drafts=options.drafts,
                            future=options.future)
    if options.one_shot:  # only the dev server's patches read the read-also index again
        linked.linker.drop_index()
    run.clock.stage("link")
    return linked


def plan(run: Run, config: Config, tree: SourceTree, linked: Linked,
         articles: list[Article], bodies: Mapping[str, Body]) -> Plan:
    """Every page, checked for collisions; the images; the links checked against what the
    site publishes; the templates. A build with errors stops here, once the templates
    have said theirs too."""
    from newsgen.stages import images
    from newsgen.stages.loader import robots_sitemaps
    from newsgen.stages.parallel import render_pages
    from newsgen.stages.render import Renderer
    from newsgen.stages.template_check import missing_hooks, site_templates

    options, state, reporter, site = run.options, run.state, run.reporter, linked.site
    pages = state.plan(linked, reporter, folds_case=folds_case(run.out_dir))
    imageset = images.process(site, options.cache_path if options.write else None, reporter,
                              (*state.page_paths(pages), *(a.output for a in site.assets)))
    published = state.published(site, pages, imageset.paths)  # what links may name
    if any(a.source == "static/robots.txt" for a in site.assets):  # the site's own
        robots_sitemaps(config, published, reporter)
    state.check_links(linked, pages, articles, bodies, published, reporter)
    env = state.environment(config, tree, write=options.write, failed=reporter.failed,
                            use_cache=options.use_cache)
    site_templates(env, tree.stats, reporter)
    renderer = Renderer(site, env, pages, imageset.info, preview=options.preview,
                        bodies=state.bodies())
    if not reporter.failed:  # the site's own templates keep an article page's hooks
        missing_hooks(renderer, pages, tree.stats, reporter)
    run.clock.stage("plan")
    if reporter.failed:  # find template errors too, then stop before writing
        for _ in render_pages(pages, renderer, reporter, 1, sample=True):
            pass
        raise BuildFailed()
    return Plan(pages, imageset, env, renderer)


def render(run: Run, linked: Linked, plan: Plan, key: str) -> BuildResult:
    """The pages whose fingerprint changed rendered, and (unless `newsgen check`) written
    with the site's files into the output, which is then recorded."""
    from newsgen.incremental.fingerprint import Fingerprints
    from newsgen.stages.parallel import render_pages
    from newsgen.stages.plan import outputs
    from newsgen.stages.template_check import check_templates

    options, state, reporter, clock = run.options, run.state, run.reporter, run.clock
    site, pages, imageset, renderer = linked.site, plan.pages, plan.imageset, plan.renderer
    result = BuildResult(site=site, pages=len(pages), whole=run.whole,
                         files=len(site.assets) + len(imageset.files),
                         articles=len(site.entries), next_embargo=site.next_embargo,
                         held=site.held, stages=clock.stages)
    if not options.write:  # for `newsgen check --old-sitemap`; no build needs it
        result.outputs = outputs(site, pages, imageset.files)
    fps = Fingerprints(site, renderer, plan.env, imageset.info, state.contents(),
                       memo=state.prints(), shape=linked.shape)
    previous, old = state.previous(run.out_dir, verify=options.write) if (
        options.use_cache) else (None, {})
    if options.one_shot:  # forked workers collect their own cycles, not the build's
        gc.freeze()
    prints, todo = state.fingerprint(fps, pages, old, max(1, options.workers))
    if options.one_shot:
        run.kept += [fps, prints, todo, old]
    clock.stage("fingerprint")
    if not options.write:  # `newsgen check`: render what changed, write nothing
        result.rendered = sum(1 for _ in render_pages(todo, renderer, reporter,
                                                      max(1, options.workers),
                                                      sample=options.sample))
        check_templates(site.config.root, run.templates, reporter)  # (also those no page uses)
        reporter.check()
        clock.stage("render")
    else:
        try:
            write(state, run.out_dir, options, site, pages, todo, renderer, imageset,
                  prints, old, previous, key, fps, result, clock, run.held)
        finally:  # Ctrl-C held back since the swap: the result's to say, when it succeeds
            result.interrupted = run.held.release(take=sys.exc_info()[0] is None)
    result.seconds = clock.total
    return result


def templates_failed(run: Run) -> None:
    """A failing build's other template errors: a template the failing pages did not
    reach may have errors too."""
    if run.templates and run.root is not None:
        from newsgen.stages.template_check import check_templates

        check_templates(run.root, run.templates, run.reporter)
