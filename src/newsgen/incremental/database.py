"""The state database itself: its schema, opening it (creating it once when builds
start together), setting aside a damaged or foreign one, and reading bodies' HTML
from it one at a time (newsgen.incremental.cache says what the rows mean)."""

from __future__ import annotations

import contextlib
import os
import pickle  # noqa: S403 - only our own rows, in the site's own cache folder
import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from newsgen import __version__
from newsgen.errors import Reporter

FORMAT = 11  # 11: rows of the pages an output holds (newsgen.incremental.rows)
STAMP = f"newsgen {__version__} state {FORMAT} python {sys.version_info[:2]}"
DATABASE = "state.sqlite"
BUSY_MS = 600_000  # a second build waits this long for the first one's commit

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (path TEXT PRIMARY KEY, stat TEXT NOT NULL,
                                     content TEXT NOT NULL, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS bodies (key TEXT PRIMARY KEY, meta BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS html (key TEXT PRIMARY KEY, html TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outputs (dir TEXT PRIMARY KEY, record BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS pages (dir TEXT NOT NULL, path TEXT NOT NULL,
                                  print TEXT NOT NULL, PRIMARY KEY (dir, path))
                                  WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS fills (key TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS sources (path TEXT PRIMARY KEY, stat TEXT NOT NULL,
                                    digest TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (dir TEXT NOT NULL, path TEXT NOT NULL,
                                  PRIMARY KEY (dir, path)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS page_rows (dir TEXT NOT NULL, path TEXT NOT NULL,
                                      data BLOB NOT NULL, PRIMARY KEY (dir, path));
CREATE TABLE IF NOT EXISTS deps (dir TEXT NOT NULL, url TEXT NOT NULL, path TEXT NOT NULL,
                                 PRIMARY KEY (dir, url, path)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS deps_by_path ON deps (dir, path);
CREATE TABLE IF NOT EXISTS entries (dir TEXT NOT NULL, path TEXT NOT NULL,
                                    url TEXT NOT NULL, source TEXT NOT NULL,
                                    data BLOB NOT NULL, PRIMARY KEY (dir, path));
CREATE INDEX IF NOT EXISTS entries_by_source ON entries (dir, source);
CREATE INDEX IF NOT EXISTS entries_by_url ON entries (dir, url);
CREATE TABLE IF NOT EXISTS readers (dir TEXT NOT NULL, target TEXT NOT NULL,
                                    reader TEXT NOT NULL,
                                    PRIMARY KEY (dir, target, reader)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS readers_by_reader ON readers (dir, reader);
CREATE TABLE IF NOT EXISTS langs (dir TEXT NOT NULL, code TEXT NOT NULL,
                                  data BLOB NOT NULL, PRIMARY KEY (dir, code));
"""

# The tables of newsgen.incremental.rows with rows by page path, and the column that holds it.
# (Those with a blob of a kilobyte have a rowid: without one, SQLite packs such rows
# into its index pages four times as loosely.)
BY_PATH = (("page_rows", "path"), ("deps", "path"), ("entries", "path"),
           ("readers", "reader"))


def reset(db: sqlite3.Connection) -> None:
    """Empty a database of another version, or with damaged rows, in place (another
    build may have it open: the file itself is never deleted)."""
    db.execute("BEGIN IMMEDIATE")
    tables = [name for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    for name in tables:
        db.execute(f'DROP TABLE "{name}"')  # noqa: S608 - names read from the schema
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)
    db.execute("INSERT INTO meta VALUES ('stamp', ?)", (STAMP,))
    db.execute("COMMIT")


def each(db: sqlite3.Connection, query: str, prefix: Sequence[object],
         values: Iterable[object]) -> Iterator[tuple[Any, ...]]:
    """The rows of `query`, whose last parameter is a key's last column, for each of
    `values`, one lookup each. (Without statistics SQLite's planner reads `column IN
    (…)` beside a `dir = ?` that several indexes start with by scanning all of an
    output's rows: 0.3 s a query at 100,000 articles; a lookup by a whole key takes
    microseconds.)"""
    for value in sorted(set(values), key=str):
        yield from db.execute(query, (*prefix, value))


def dump(value: object) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def load(data: bytes) -> Any:
    return pickle.loads(data)  # noqa: S301 - our own rows, stamped with our version



# What SQLite says of a state it cannot use that is not damaged
_NOT_DAMAGE = ("locked", "readonly", "read-only", "disk is full", "unable to open", "disk I/O")


def is_damage(exc: BaseException) -> bool:
    """A database error that says the file is damaged (a torn write, a bad sector, not a
    database at all), not that it is busy, full or read-only."""
    return isinstance(exc, sqlite3.DatabaseError) and not any(
        w in str(exc) for w in _NOT_DAMAGE)


def discard(path: Path) -> None:
    """Delete a damaged database (a build that has it open goes on with its own copy)."""
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            os.unlink(f"{path}{suffix}")


def damaged(reporter: Reporter, label: str, exc: BaseException,
            then: str = "starting a new one (this build will be slower)") -> None:
    reporter.warning(label, None, f"the cache is damaged ({type(exc).__name__}); {then}")


def open_state(path: Path, reporter: Reporter, label: str) -> sqlite3.Connection:
    """The database at `path`, made or emptied for this version of newsgen."""
    try:
        db = _connect(path)
        db.execute("INSERT OR IGNORE INTO meta VALUES ('stamp', ?)", (STAMP,))
        row = db.execute("SELECT value FROM meta WHERE key = 'stamp'").fetchone()
        if row[0] != STAMP:
            reporter.warning(label, None, f"cache made by {row[0]!r}; starting a "
                                          "new one (this build will be slower)")
            reset(db)
        return db
    except sqlite3.DatabaseError as exc:  # not a database at all: a new file
        if not is_damage(exc):  # another build is using it, or the disk is full or
            raise  # read-only: not damage, and never deleted for it
        damaged(reporter, label, exc)
        discard(path)
        db = _connect(path)
        db.execute("INSERT OR IGNORE INTO meta VALUES ('stamp', ?)", (STAMP,))
        return db


def open_read_only(path: Path) -> sqlite3.Connection | None:
    """The database at `path` to read only, with nothing written beside it (`newsgen
    check`): None when there is none of this version, or a build is writing it (its
    log is beside it; SQLite would otherwise make one to read it)."""
    if not path.is_file() or os.path.exists(f"{path}-wal"):
        return None
    try:
        db = sqlite3.connect(_read_only(path), uri=True, isolation_level=None)
        row = db.execute("SELECT value FROM meta WHERE key = 'stamp'").fetchone()
    except sqlite3.Error:
        return None
    if row is None or row[0] != STAMP:
        db.close()
        return None
    return db


def _read_only(path: Path) -> str:
    return f"{Path(os.path.abspath(path)).as_uri()}?mode=ro&immutable=1"


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=BUSY_MS / 1000, isolation_level=None)
    # Switching a new database to WAL needs it to itself for a moment, and SQLite does
    # not wait for that: a second build starting at the same time tries again.
    deadline = time.monotonic() + BUSY_MS / 1000
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("BEGIN IMMEDIATE")  # two builds starting at once create the tables once
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)
    db.execute("COMMIT")
    return db


class BodyStore:
    """The HTML of converted bodies, read one at a time (also from forked workers)."""

    def __init__(self, path: Path | None, memory: dict[str, str],
                 read_only: bool = False) -> None:
        self.path, self.read_only = path, read_only
        self.memory = memory
        self._db: sqlite3.Connection | None = None
        self._pid = 0

    def __getstate__(self) -> dict[str, object]:  # for a worker started afresh
        return {"path": self.path, "memory": self.memory, "read_only": self.read_only,
                "_db": None, "_pid": 0}

    def html(self, key: str) -> str:
        found = self.memory.get(key)
        if found is not None or self.path is None:
            return found or ""
        if self._db is None or self._pid != os.getpid():  # a forked worker opens its own
            self._db = sqlite3.connect(_read_only(self.path), uri=True) if self.read_only \
                else sqlite3.connect(self.path, timeout=BUSY_MS / 1000)
            self._pid = os.getpid()
            _OPEN.append(self._db)
        row = self._db.execute("SELECT html FROM html WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row is not None else ""


_OPEN: list[sqlite3.Connection] = []  # the body stores' connections in this process


def close_bodies() -> None:
    """Close the body stores' connections: a connection left open when the process ends
    leaves the state's write-ahead log beside the database."""
    while _OPEN:
        with contextlib.suppress(sqlite3.Error):
            _OPEN.pop().close()


class HeldState:
    """The state folder, held open while a build runs (`with`): `gone()` says whether it
    was deleted or replaced since (a folder deleted has no links left). Its database is
    not watched: a build sets a damaged one aside itself."""

    def __init__(self, folder: Path | None) -> None:
        self.held: list[tuple[Path, int]] = []
        if folder is not None:
            with contextlib.suppress(OSError):
                self.held.append((folder, os.open(folder, os.O_RDONLY | getattr(
                    os, "O_DIRECTORY", 0))))  # (Windows has none, and opens no folder)

    def __enter__(self) -> HeldState:
        return self

    def __exit__(self, *exc: object) -> None:
        for _, fd in self.held:
            os.close(fd)

    def gone(self) -> bool:
        for path, fd in self.held:
            st = os.fstat(fd)
            try:
                now = os.stat(path)
            except OSError:
                return True
            if st.st_nlink == 0 or (now.st_dev, now.st_ino) != (st.st_dev, st.st_ino):
                return True
        return False
