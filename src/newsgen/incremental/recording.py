"""What a build keeps of the output it wrote (`Recording`, the part of
newsgen.incremental.state.IncrementalBuild that records it): the record of the output
folder, its seal, the content key of its sources; the state saved, or emptied when it
cannot record (`forget`); builds that share the state, one at a time (`locked`)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from newsgen.errors import Reporter
from newsgen.incremental import sources
from newsgen.incremental.cache import BuildCache
from newsgen.incremental.records import OutputRecord
from newsgen.model.config import Config
from newsgen.output.seal import folders_of
from newsgen.stages.scan import SourceTree

if TYPE_CHECKING:
    from newsgen.model.site import Site
    from newsgen.output.standby import Standby
    from newsgen.output.writer import Writer
    from newsgen.stages.kinds import Page


class Recording:
    """The recording half of a build's use of the state (see IncrementalBuild)."""

    cache: BuildCache
    cache_path: Path
    reporter: Reporter
    own: bool  # a build of its own process (not the dev server's)
    inputs: tuple[tuple[object, ...], Config, SourceTree] | None
    started_from: str | None  # the output's digest when this build began
    # the content key of its sources and their digests, when the build made them
    content: tuple[str, sources.Digests] | None = None

    def record(self, out_dir: Path, writer: Writer, prints: dict[str, str], old: dict[str, str],
               standby: Standby | None, state: str, site: Site, pages: list[Page],
               files: int, search_keys: dict[str, str], *, save: bool,
               clock: Callable[[str], None], page_count: int | None = None) -> None:
        """What the output holds now, after `writer` committed it; then the state is
        saved (with `save`). The new output is in place: from here on the build has
        succeeded, and a failure to record it empties the state (`forget`). With
        `page_count` (the output's), `prints` and `old` are only the pages this build
        made (newsgen.build.edits): the others' rows are kept as they are."""
        try:
            self._record(out_dir, writer, prints, old, standby, state, site, pages, files,
                         search_keys, page_count)
            clock("write")
            if save:
                self.save()
        except Exception as exc:  # noqa: BLE001 - said, and the state is not trusted again
            self.forget(exc)

    def _record(self, out_dir: Path, writer: Writer, prints: dict[str, str],
                old: dict[str, str], standby: Standby | None, state: str, site: Site,
                pages: list[Page], files: int, search_keys: dict[str, str],
                page_count: int | None) -> None:
        cache = self.cache
        record = OutputRecord(
            None, prints, state, self._content(), site.valid_from, site.valid_until,
            site.next_embargo, files,
            # the sources' warnings, replayed by a build with nothing to do; not the cache's
            [d for d in self.reporter.diagnostics if d.path != cache.label],
            site.held, search_keys, writer.differs, writer.standby_identity(),
            # after a swap the standby is the output this build started from: its digest
            standby_digest=self.started_from if standby is not None and writer.differs
            else None, files_set=writer.files, page_count=page_count or 0)
        if self.seals:  # see OutputRecord.sealed (made by the writer before the swap)
            record.folders, record.sealed = writer.folders, writer.sealed()
            record.intact = record.sealed is not None
        # Rows are updated by difference only when the build started from the recorded
        # output (in place): otherwise another build may have changed it meanwhile.
        rows = None
        if self.seals:  # what a later build may read instead of the whole site
            from newsgen.incremental.rows import Rows

            rows = Rows(site, pages)
        trusted = standby is not None and writer.in_place
        if page_count is not None and not (trusted and standby is not None):
            raise RuntimeError("only some pages' prints, and no standby to add them to")
        cache.record_output(out_dir, record, (old, standby.files) if trusted and standby
                            else None, rows, some=page_count is not None)

    @property
    def seals(self) -> bool:  # the output's seal is kept: not the dev server's, not stateless
        return self.own and self.cache.folder is not None

    def seal_folders(self, site: Site) -> Callable[[frozenset[str]], tuple[str, ...]] | None:
        articles = {e.path for e in site.entries}  # (the writer's seal: newsgen.output.seal)
        return (lambda files: folders_of(files, articles)) if self.seals else None

    def _content(self) -> str:
        """The content key of this build's sources (.sources); "" for the dev server's."""
        if not self.seals or self.inputs is None:
            return ""
        if self.content is not None:  # known already (newsgen.build.edits), and its files'
            key, found = self.content  # digests, which it keeps with their new times
            self.cache.keep_file_digests(found, self.inputs[2].articles, restat=True)
            return key
        return sources.kept_content_key(self.cache, *self.inputs)

    def save(self) -> None:
        try:
            self.cache.save()
        except (OSError, sqlite3.Error) as exc:
            self.reporter.warning(str(self.cache_path), None,
                                  f"cannot write the build cache ({exc}); "
                                  "the next build will be slower")

    def forget(self, exc: Exception) -> None:
        """The output is published, but the state could not record it (a bug): the build
        has succeeded all the same, and the state is emptied, so that no later build
        trusts a record of another output."""
        self.reporter.warning(str(self.cache_path), None,
                              f"the build state could not record this build "
                              f"({type(exc).__name__}: {exc}); it is emptied, and the next "
                              "build renders every page")
        try:
            self.cache.start_afresh()
        except (OSError, sqlite3.Error):
            self.cache.close()  # and the next build finds a record of another output

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Builds that share the state write their outputs one at a time. What the state
        records of an output is committed at the end; when that fails, the output is in
        place all the same, and the state is emptied (`forget`)."""
        with contextlib.ExitStack() as hold:
            hold.enter_context(self.cache.locked())
            yield
            done = hold.pop_all()  # (an exception above: rolled back, and raised)
        try:
            done.close()
        except (OSError, sqlite3.Error) as exc:
            self.forget(exc)

