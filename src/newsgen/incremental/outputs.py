"""The build state's records of output folders: what each holds, its pages' fingerprints,
its files and its seal (a part of `newsgen.incremental.cache.BuildCache`)."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from newsgen.errors import Reporter, site_relative
from newsgen.incremental.database import BY_PATH, dump, each, load
from newsgen.incremental.records import OutputRecord
from newsgen.output.guard import identity
from newsgen.output.proof import forget_proofs, prove_meanwhile
from newsgen.output.seal import Sealing, abandon_all, seal, seal_meanwhile

if TYPE_CHECKING:  # (its stages are not imported by a build with nothing to do)
    from newsgen.incremental.rows import Rows

# The rows of this many pages are made, then written, at a time.
ROWS_AT_ONCE = 2_000


class OutputRecords:
    """The output records of the build state (mixed into BuildCache, which owns the fields)."""

    folder: Path | None
    outputs: dict[str, OutputRecord]
    digests: dict[str, str]
    db: sqlite3.Connection | None
    reporter: Reporter
    site: Path | None
    sealing: dict[str, Sealing]
    generations: dict[str, str | None]  # by output: the record's generation when read

    @property
    def label(self) -> str:
        raise NotImplementedError

    def _transaction(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    def key(self, out_dir: Path) -> str:
        """What the state knows an output folder by: its path from the state folder
        (`../dist`), so that a CI job whose checkout is at another path each time still
        finds its restored output's record, while two sites that share a `--cache-dir`
        keep theirs apart; an in-memory state (the dev server's), by its absolute path."""
        if self.folder is None:
            return str(out_dir)
        return "from-state:" + os.path.relpath(out_dir, os.path.realpath(self.folder))

    def record_of(self, out_dir: Path) -> OutputRecord | None:
        key = self.key(out_dir)
        if key in self.outputs or self.db is None:
            return self.outputs.get(key)
        self.generations[key] = self.generation(out_dir)  # first: see `moved`
        try:
            row = self.db.execute("SELECT record FROM outputs WHERE dir = ?",
                                  (key,)).fetchone()
            record: OutputRecord | None = load(row[0]) if row is not None else None
        except Exception:  # noqa: BLE001 - a damaged row: build as if there were none
            record = None
        if record is not None:
            self.outputs[key] = record
        return record

    def generation(self, out_dir: Path) -> str | None:
        """A token that every build recording `out_dir` changes."""
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (
            f"generation:{self.key(out_dir)}",)).fetchone() if self.db is not None else None
        return str(row[0]) if row is not None else None

    def moved(self, out_dir: Path) -> bool:
        """Whether another build has replaced `out_dir` since this one read its record
        (asked under the lock): one that recorded it here, or one with another state
        (the folder is not the recorded one). The record is then read again."""
        key = self.key(out_dir)
        if self.db is None or key not in self.generations:
            return False
        record = self.outputs.get(key)
        if self.generation(out_dir) == self.generations[key] and (
                record is None or record.identity in (None, identity(out_dir))):
            return False
        self.outputs.pop(key, None)
        del self.generations[key]
        self.sealing.pop(key, None)  # the stats of the output it replaced: not wanted
        abandon_all()
        return True

    def output(self, out_dir: Path, verify: bool = True) -> OutputRecord | None:
        """The record of `out_dir`, if it still describes what is there (`verify`: by its seal)."""
        record = self.record_of(out_dir)
        if record is None or record.identity is None or identity(out_dir) != record.identity:
            return None
        if verify and record.sealed is not None and not record.intact:  # OutputRecord.sealed
            sealing = self.sealing.pop(self.key(out_dir), None)  # IncrementalBuild.check_meanwhile
            found = sealing() if sealing else self.seal(out_dir, record)
            if found != record.sealed:
                record.identity = None  # not this output's: every later call says so
                if self.folder is not None:  # its search files are hard links: edited too?
                    shutil.rmtree(self.folder / "search", ignore_errors=True)
                self.reporter.warning(self.label, None, f"{site_relative(out_dir, self.site)}: "
                                      "files in it were changed, added or removed since the "
                                      "last build; it is made again from the sources (files "
                                      "to publish go in static/)")
                return None
            record.intact = True
        return record

    def page_prints(self, out_dir: Path, only: Iterable[str] | None = None) -> dict[str, str]:
        """The fingerprints of the pages in `out_dir` (read when a build needs them), or
        of those `only` (a lookup each: a word edit's few pages of 130,000)."""
        record = self.record_of(out_dir)  # (its caller has asked `output` whether it holds)
        if record is None:
            return {}
        if only is not None and not record.pages and self.db is not None:
            return dict(each(self.db, "SELECT path, print FROM pages WHERE dir = ? AND "
                             "path = ?", (self.key(out_dir),), only))
        if only is not None:
            return {path: record.pages[path] for path in only if path in record.pages}
        if record.pages or self.db is None:
            return record.pages
        record.pages = dict(self.db.execute("SELECT path, print FROM pages WHERE dir = ?",
                                            (self.key(out_dir),)))
        return record.pages

    def output_files(self, out_dir: Path) -> frozenset[str]:
        """Every file of `out_dir` as the last build left it (the output's manifest)."""
        record = self.output(out_dir)
        return frozenset() if record is None else self.files_of(out_dir, record)

    def files_of(self, out_dir: Path, record: OutputRecord) -> frozenset[str]:
        if record.files_set is None:
            record.files_set = frozenset(self.files_in_order(out_dir, record))
        return record.files_set

    def check_meanwhile(self, out_dir: Path) -> None:
        """Start checking `out_dir`'s seal beside the source scan (`output` takes the
        result), when the state has one for it."""
        record = self.record_of(out_dir)
        if record is not None and record.sealed is not None and not record.intact and (
                identity(out_dir) == record.identity):
            files = self.files_in_order(out_dir, record)
            record.files_set = frozenset(files)  # read once (a standby's manifest too)
            self.sealing[self.key(out_dir)] = seal_meanwhile(out_dir, files, record.folders)

    def prove_standby_meanwhile(self, out_dir: Path, standby: Path) -> None:
        """Start proving `out_dir`'s standby tree by its bytes beside the build
        (newsgen.output.proof), when it is a new folder with the same name (a CI job's
        restored copy) and the state has its digest."""
        forget_proofs()  # (an earlier build's, in this process: their children are gone)
        record = self.record_of(out_dir)
        if (record is not None and record.standby is not None
                and record.standby_digest is not None and record.standby_identity is not None
                and identity(standby) not in (None, record.standby_identity)):
            prove_meanwhile(standby)

    def seal(self, out_dir: Path, record: OutputRecord) -> str | None:
        """`out_dir`'s seal as it is now (newsgen.output.seal.seal), of what `record` holds."""
        return seal(out_dir, self.files_in_order(out_dir, record), record.folders)

    def files_in_order(self, out_dir: Path, record: OutputRecord) -> Sequence[str]:
        """The files of `out_dir`, sorted: as the table's key keeps them (SQLite compares
        UTF-8 bytes, which sort as Python sorts text), so a seal need not sort 130,000
        names again."""
        if record.files_set is not None or self.db is None:
            return sorted(record.files_set or ())
        return [path for (path,) in self.db.execute(
            "SELECT path FROM files WHERE dir = ? ORDER BY path", (self.key(out_dir),))]

    def write_record(self, out_dir: Path, record: OutputRecord) -> None:
        self.outputs[self.key(out_dir)] = record
        if self.db is not None:
            with self._transaction():
                self.db.execute("INSERT OR REPLACE INTO outputs VALUES (?, ?)",
                                (self.key(out_dir), dump(replace(record, pages={},
                                                             files_set=None, intact=False))))

    def output_digest(self, out_dir: Path) -> str | None:
        """The digest of what the last build wrote into `out_dir`, by its path: a CI run
        with a restored state but a new checkout still knows it."""
        key = f"digest:{self.key(out_dir)}"
        if self.db is None:
            return self.digests.get(key)
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row is not None else None

    def keep_output_digest(self, out_dir: Path, digest: str | None) -> None:
        """The digest of what a build left in `out_dir`, by its path and in its record
        (None: not known, as when it could not be reported)."""
        key = f"digest:{self.key(out_dir)}"
        if self.output_digest(out_dir) != digest:
            self.digests.pop(key, None)
            if digest is not None:
                self.digests[key] = digest
            if self.db is not None:
                with self._transaction():
                    self.db.execute("DELETE FROM meta WHERE key = ?", (key,))
                    if digest is not None:
                        self.db.execute("INSERT INTO meta VALUES (?, ?)", (key, digest))
        record = self.output(out_dir)
        if record is not None:  # a standby that differs nowhere has the same bytes
            standby = digest if record.standby == frozenset() else record.standby_digest
            if (record.digest, record.standby_digest) != (digest, standby):
                record.digest, record.standby_digest = digest, standby
                self.write_record(out_dir, record)

    def record_output(self, out_dir: Path, record: OutputRecord,
                      old: tuple[dict[str, str], frozenset[str]] | None,
                      rows: Rows | None = None, *, some: bool = False) -> None:
        """What `out_dir` holds now. `old`: the pages' fingerprints and the files that the
        state recorded for it before this build (None: not trusted, all rows are new);
        only the rows that changed are written, and `rows` of the pages whose
        fingerprint changed (newsgen.incremental.rows). With `some`, `record.pages` and
        `old`'s pages are only those of the same few pages (a word edit's: the others
        keep their rows), and `record.page_count` is already the output's."""
        old_pages, old_files = old if old is not None else ({}, frozenset())
        st = os.stat(out_dir)
        record.identity = (st.st_dev, st.st_ino)
        if not some:
            record.page_count = len(record.pages)
        files = record.files_set or frozenset()
        if self.db is not None:
            key = self.key(out_dir)
            with self._transaction():
                if old is None:
                    for table in ("files", "pages", "langs", *(t for t, _ in BY_PATH)):
                        self.db.execute(f"DELETE FROM {table} WHERE dir = ?",  # noqa: S608
                                        (key,))  # (names of our own)
                self.db.executemany("DELETE FROM files WHERE dir = ? AND path = ?",
                                    [(key, p) for p in old_files - files])
                self.db.executemany("INSERT OR IGNORE INTO files VALUES (?, ?)",
                                    ((key, p) for p in files - old_files))
                self.db.executemany("DELETE FROM pages WHERE dir = ? AND path = ?",
                                    [(key, p) for p in old_pages if p not in record.pages])
                self.db.executemany(
                    "INSERT OR REPLACE INTO pages VALUES (?, ?, ?)",
                    ((key, p, f) for p, f in record.pages.items() if old_pages.get(p) != f))
                if rows is not None:
                    self._write_rows(key, rows, [p for p, f in record.pages.items()
                                                 if old_pages.get(p) != f],
                                     [p for p in old_pages if p not in record.pages],
                                     cleared=old is None)
                self.generations[key] = os.urandom(8).hex()
                self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                (f"generation:{key}", self.generations[key]))
        if some:
            record.pages = {}  # (read again when asked for: `page_prints`)
        self.write_record(out_dir, record)

    def _write_rows(self, key: str, rows: Rows, changed: list[str], gone: list[str], *,
                    cleared: bool) -> None:
        """The rows of the pages `changed` written again, those of the pages `gone`
        deleted, and each language's (inside record_output's transaction; `cleared`:
        it has deleted every row of the output)."""
        assert self.db is not None  # noqa: S101 - (record_output's)
        again = [] if cleared else [(key, path) for path in (*changed, *gone)]
        for table, column in BY_PATH:
            self.db.executemany(f"DELETE FROM {table} WHERE dir = ? AND {column} = ?",  # noqa: S608
                                again)  # (names of our own)
        for start in range(0, len(changed), ROWS_AT_ONCE):  # (a cold build's 130,000
            # pages' rows at once were a fifth of its peak memory at 100,000 articles)
            skeletons: list[tuple[str, str, bytes]] = []
            deps: list[tuple[str, str, str]] = []
            entries: list[tuple[str, str, str, str, bytes]] = []
            readers: list[tuple[str, str, str]] = []
            for path in changed[start:start + ROWS_AT_ONCE]:
                made = rows.of(path)
                skeletons.append((key, path, dump(made.skeleton)))
                deps += [(key, url, path) for url in made.deps]
                if made.entry is not None:
                    url, source, data = made.entry
                    entries.append((key, path, url, source, dump(data)))
                    readers += [(key, target, path) for target in made.readers]
            self.db.executemany("INSERT INTO page_rows VALUES (?, ?, ?)", skeletons)
            self.db.executemany("INSERT INTO deps VALUES (?, ?, ?)", deps)
            self.db.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?)", entries)
            self.db.executemany("INSERT INTO readers VALUES (?, ?, ?)", readers)
        self.db.execute("DELETE FROM langs WHERE dir = ?", (key,))
        self.db.executemany("INSERT INTO langs VALUES (?, ?, ?)",
                            [(key, code, dump(data)) for code, data in rows.languages()])
