"""The end of a build that writes: the changed pages rendered into the output's next
tree, the files added, the tree swapped in, what it holds recorded, and the output's
digest reported (`newsgen build --changes`)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from newsgen.build.options import BuildOptions, BuildResult, Clock
from newsgen.incremental.records import OutputRecord
from newsgen.incremental.state import IncrementalBuild
from newsgen.model.site import Site
from newsgen.output.guard import tree_digest
from newsgen.output.interrupt import HeldInterrupt

if TYPE_CHECKING:
    from newsgen.incremental.fingerprint import Fingerprints
    from newsgen.stages import images
    from newsgen.stages.kinds import Page
    from newsgen.stages.render import Renderer


def digested(state: IncrementalBuild, out_dir: Path, options: BuildOptions,
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


def write(state: IncrementalBuild, out_dir: Path, options: BuildOptions, site: Site,
           pages: list[Page], todo: list[Page], renderer: Renderer,
           imageset: images.ImageSet, prints: dict[str, str], old: dict[str, str],
           previous: OutputRecord | None, key: str, fps: Fingerprints,
           result: BuildResult, clock: Clock, held: HeldInterrupt) -> None:
    """Render the changed pages into the output's next tree, add the files, swap it in,
    and record what the output holds (newsgen.output.writer says why it is never a mix)."""
    from newsgen.output.writer import Writer
    from newsgen.stages.parallel import render_pages

    reporter, config, search_keys = state.reporter, site.config, dict[str, str]()
    work = options.staging_home
    with state.locked():
        # another build sharing the state may have replaced the output meanwhile
        again = state.meanwhile(out_dir, pages, prints)
        if again is not None:
            previous, old, todo = again
        standby = state.standby(out_dir, previous)
        writer = Writer(out_dir, work=work, standby=standby, folders=state.seal_folders(site))
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
            from newsgen.stages.loader import theme_files

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
        state.record(out_dir, writer, prints, old, standby, key, site, pages, result.files,
                     search_keys, save=options.use_cache, clock=clock.stage)
        digested(state, out_dir, options, result)  # with the record: one commit
    clock.stage("save state")
