"""A fresh build after edits of articles' words, made from rows: the pages the edits
change (newsgen.incremental.edits decides which, or why not) are made from the rows of
the output's last build (newsgen.incremental.partial), fingerprinted, rendered into the
output's standby tree, swapped in and recorded, as a whole build does
(newsgen.build.output), without reading, linking or fingerprinting the other articles.

It writes into the standby only when that is trusted (the writer brings it up to date
in place); every other file of the output is carried over (`keep_all`), so the new
output is complete, and the exchange makes it whole-or-nothing as ever. Anything it
cannot do as a whole build would (a page that needs more than rows, a template error, a
standby not trusted, another build meanwhile) ends it before the swap, and the build
links the whole site instead.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from newsgen.build.options import BuildResult
from newsgen.build.output import digested
from newsgen.build.steps import Run
from newsgen.errors import Reporter
from newsgen.model.config import Config
from newsgen.model.site import Site
from newsgen.stages.scan import SourceTree

if TYPE_CHECKING:  # (imported when run: a build with nothing to do does not need them)
    from newsgen.incremental.edits import Decision
    from newsgen.stages.kinds import Page
    from newsgen.stages.render import Renderer


def from_rows(run: Run, config: Config, tree: SourceTree, key: str,
              now: datetime) -> BuildResult | None:
    """The build's result when a word edit was built from rows; None (with the reason in
    `run.whole`) when the whole site must be linked."""
    options, state = run.options, run.state
    if not (options.write and options.use_cache and state.seals and state.inputs):
        return None
    from newsgen.incremental import edits

    decision = edits.decide(state.cache, run.out_dir, state.inputs[0], config, tree, now)
    if isinstance(decision, str):
        run.whole = decision
        return None
    from newsgen.incremental.fingerprint import Fingerprints
    from newsgen.incremental.partial import Rows, load_pages
    from newsgen.model.lists import Partial
    from newsgen.stages.images import process_entries
    from newsgen.stages.render import Renderer

    cache, record = state.cache, decision.record
    edits.keep(cache, decision.edited)
    assert cache.db is not None  # noqa: S101 - (decide says so)
    try:
        made = load_pages(Rows(cache.db, cache.key(run.out_dir)), config, now,
                          tuple(tree.assets), decision.touched, edit=decision.edit(config))
    except Partial as exc:
        run.whole = f"a page needs more than rows ({exc})"
        return None
    site, quiet = replace(made.site, next_embargo=record.next_embargo,  # (the record's)
                          valid_from=record.valid_from, valid_until=record.valid_until,
                          held=record.held), Reporter()
    imageset = process_entries(config, (site.loaded or {}).values(),
                               options.cache_path, quiet, ())
    if quiet.diagnostics:
        run.whole = "a lead image has warnings"
        return None
    env = state.environment(config, tree, write=True, failed=False, use_cache=True)
    renderer = Renderer(site, env, made.pages, imageset.info, bodies=state.bodies())
    fps = Fingerprints(site, renderer, env, imageset.info,
                       edits.contents(made.contents, decision.edited))
    old = cache.page_prints(run.out_dir, only=[p.path for p in made.pages])
    langs = {ls.lang.code: ls for ls in site.languages}
    prints = {page.path: fps.page(page, langs[page.lang]) for page in made.pages}
    todo = [p for p in made.pages if old.get(p.path) != prints[p.path]]
    run.clock.stage("fingerprint")
    run.reporter.extend(record.diagnostics)  # the same sources: the same warnings
    try:
        result = _write(run, decision, site, made.pages, todo, renderer, prints, old, key)
    finally:  # Ctrl-C held back since the swap: the result's to say, when it succeeds
        interrupted = run.held.release(take=sys.exc_info()[0] is None)
    if result is not None:
        result.interrupted = interrupted
        run.clock.stage("save state")
        result.seconds = run.clock.total
    return result


def _write(run: Run, decision: Decision, site: Site, pages: list[Page],
           todo: list[Page], renderer: Renderer, prints: dict[str, str],
           old: dict[str, str], key: str) -> BuildResult | None:
    """`todo` rendered into the standby, the rest of the output kept, swapped in and
    recorded; None (before the swap) when that cannot be done as a whole build would."""
    from newsgen.output.guard import MARKER
    from newsgen.output.writer import Writer

    options, state, out_dir, record = run.options, run.state, run.out_dir, decision.record
    with state.locked():
        if state.cache.moved(out_dir):
            run.whole = "another build replaced the output meanwhile"
            return None
        standby = state.standby(out_dir, record)
        folders = record.folders
        writer = Writer(out_dir, work=options.staging_home, standby=standby,
                        folders=lambda files: folders)
        writer.begin()
        try:
            if not writer.in_place or standby is None:
                run.whole = "the output's standby tree is not trusted"
                writer.abort()
                return None
            try:
                for page in todo:
                    writer.write(page.path, renderer.render(page))
            except Exception as exc:  # noqa: BLE001 - the whole build says it properly
                run.whole = f"a page could not be made from rows ({type(exc).__name__})"
                writer.abort()
                return None
            run.clock.stage("render")
            if writer.keep_all(standby.files - {MARKER}):
                run.whole = "a file of the output is missing"
                writer.abort()
                return None
            run.held.hold()
            writer.commit()
            run.held.swapped()
        except BaseException:
            writer.abort()
            raise
        result = BuildResult(
            site=site, pages=record.page_count, files=record.files, rendered=len(todo),
            articles=sum(len(ls.entries) for ls in site.languages),
            next_embargo=record.next_embargo, held=record.held, stages=run.clock.stages,
            written=writer.stats.written, unchanged=writer.stats.unchanged,
            changed=writer.stats.changed, from_rows=len(pages))
        state.content = (decision.content, decision.found)  # made already
        state.record(out_dir, writer, prints, old, standby, key, site, pages, record.files,
                     dict(record.search), save=False, clock=run.clock.stage,
                     page_count=record.page_count)
        digested(state, out_dir, options, result)
    return result
