"""The build state: parsed articles, converted Markdown, page fingerprints, the output.

`newsgen build` keeps it in one SQLite database, `.newsgen-cache/state.sqlite`
(WAL mode); the dev server keeps the same things in memory. A build reads
only the rows it needs: a build with nothing to do reads one row; the
renderer reads the HTML of the bodies it renders, one by one, and never holds
them all; a build writes back only the rows that changed.

Every entry is keyed by what it was made from (file bytes, settings, newsgen's version),
so a stale entry is never used. A damaged database, or one written by another version
of newsgen, is set aside with a warning and rebuilt. Deleting the folder is always safe.

Builds that share a cache are serialized by the database itself: the commit
phase of a build (writing the output, recording what it wrote) holds SQLite's
write lock (`BEGIN IMMEDIATE`), which a second build waits for.
"""

from __future__ import annotations

import contextlib
import marshal
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsgen.errors import Reporter, site_relative
from newsgen.incremental.database import (
    DATABASE,
    BodyStore,
    close_bodies,
    damaged,
    discard,
    dump,
    is_damage,
    load,
    open_read_only,
    open_state,
    reset,
)
from newsgen.incremental.outputs import OutputRecords
from newsgen.incremental.records import CachedArticle, OutputRecord
from newsgen.stages.related import Fills

if TYPE_CHECKING:  # (Markdown is not imported by a build with nothing to do)
    from newsgen.output.seal import Sealing
    from newsgen.parse.markup import Body


@dataclass
class BuildCache(OutputRecords):
    folder: Path | None  # None: in memory only (the dev server, --no-cache)
    articles: dict[str, CachedArticle] = field(default_factory=dict)
    # Converted bodies without their HTML, by key; the HTML is in the database, or in
    # `html` when the cache lives in memory.
    bodies: dict[str, Body] = field(default_factory=dict)
    html: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, OutputRecord] = field(default_factory=dict)
    fills: Fills = field(default_factory=Fills)  # the read-also fills (newsgen.stages.related)
    loaded: bool = True
    read_only: bool = False  # `newsgen check`: the database is read, never written
    # Kept in memory only (the dev server): the template environment and what it was made
    # from. A build reuses it while no template changed.
    environment: tuple[object, Any] | None = None
    # ... and the last linked site and page fingerprints, which the next build patches
    # (newsgen.incremental.linked.Linked, newsgen.incremental.fingerprint.PagePrints).
    linked: Any = None
    prints: Any = None
    planned: Any = None  # ... and the pages planned for it (newsgen.incremental.replan)
    read: Any = None  # ... and the last read of the articles (newsgen.incremental.reading.Read)
    # ... and the last scan (stages.scan.SourceTree), the files the watcher saw change since
    tree: Any = None
    changed: frozenset[str] | None = None
    digests: dict[str, str] = field(default_factory=dict)  # without a database
    # each source file's stat and digest as the state knows them, and as this build found them
    files: dict[str, tuple[tuple[int, ...], str]] | None = None
    found: dict[str, tuple[tuple[int, ...], str]] | None = None
    db: sqlite3.Connection | None = None
    reporter: Reporter = field(default_factory=Reporter)
    site: Path | None = None  # messages name paths inside it relative to it
    sealing: dict[str, Sealing] = field(default_factory=dict)  # by output
    generations: dict[str, str | None] = field(default_factory=dict)  # (OutputRecords.moved)
    # What the database holds: path -> (content, stat); the keys of the bodies.
    _saved_articles: dict[str, tuple[str, tuple[int, ...]]] = field(default_factory=dict)
    _saved_bodies: set[str] = field(default_factory=set)

    # -- opening -----------------------------------------------------------------------

    @classmethod
    def load(cls, folder: Path | None, reporter: Reporter,
             site: Path | None = None, *, read_only: bool = False) -> BuildCache:
        cache = cls(folder, site=site, read_only=read_only)
        if folder is None:
            return cache
        cache.reporter = reporter
        if read_only:
            cache.db = open_read_only(folder / DATABASE)
            cache.folder = folder if cache.db is not None else None
        elif (folder / DATABASE).exists():
            cache.ensure()
        cache.loaded = cache.db is None  # articles and bodies are read when first needed
        return cache

    def ensure(self) -> None:
        """Open the database, creating it if needed. Until a build has something to keep
        (a body converted while it is not failing, or a finished output) the cache
        folder is not created: a failed build leaves no trace."""
        if self.db is not None or self.folder is None or self.read_only:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.db = self._open(self.reporter)
        except (OSError, sqlite3.Error) as exc:
            self.reporter.warning(self.label, None, f"cannot use the build cache ({exc}); "
                                                    "this build will be slower")
            self.folder = None

    @property
    def database(self) -> Path:
        if self.folder is None:
            raise RuntimeError("an in-memory cache has no database")
        return self.folder / DATABASE

    def _open(self, reporter: Reporter) -> sqlite3.Connection:
        return open_state(self.database, reporter, self.label)

    def damaged(self, reporter: Reporter, exc: BaseException) -> None:
        damaged(reporter, self.label, exc, *(["checking without it (the next build starts "
                                              "a new one)"] if self.read_only else []))

    @property
    def label(self) -> str:
        return "(cache)" if self.folder is None else site_relative(self.folder, self.site)

    def close(self) -> None:
        close_bodies()  # the renderer's connections: the last one to close ends the WAL
        if self.db is not None:
            self.db.close()
            self.db = None

    # -- articles and bodies -----------------------------------------------------------

    def load_content(self, reporter: Reporter) -> None:
        """Read the parsed articles and the bodies' link lists (not their HTML)."""
        if self.loaded or self.db is None:
            self.loaded = True
            return
        self.loaded = True
        try:
            for path, stat, content, data in self.db.execute(
                    "SELECT path, stat, content, data FROM articles"):
                article, diagnostics = load(data)
                numbers = tuple(map(int, stat.split()))
                self.articles[path] = CachedArticle(numbers, content,  # type: ignore[arg-type]
                                                    article, diagnostics)
                self._saved_articles[path] = (content, numbers)
            for key, meta in self.db.execute("SELECT key, meta FROM bodies"):
                self.bodies[key] = load(meta)
                self._saved_bodies.add(key)
            row = self.db.execute("SELECT value FROM meta WHERE key = 'fill_window'").fetchone()
            self.fills.window = int(row[0]) if row is not None else 0
            for key, data in self.db.execute("SELECT key, data FROM fills"):
                sig, result = load(data)
                self.fills.rows[key] = sig
                if result is not None:
                    self.fills.results[key] = result
        except Exception as exc:  # noqa: BLE001 - any damage: start afresh, never trust it
            self.damaged(reporter, exc)
            self.start_afresh()

    def start_afresh(self) -> None:
        """Forget everything, here and in the database."""
        self.articles, self.bodies, self.outputs = {}, {}, {}
        self.fills = Fills()
        self._saved_articles, self._saved_bodies = {}, set()
        if self.db is not None and self.read_only:  # `newsgen check`: goes on without it
            self.db.close()
            self.db = self.folder = None
        if self.db is not None:
            try:
                if self.db.in_transaction:
                    self.db.rollback()
                reset(self.db)
            except sqlite3.DatabaseError as exc:  # a damaged page: emptied, it cannot be
                if not is_damage(exc):
                    raise
                self.close()
                discard(self.database)  # (its rows' bodies were forgotten above)
                self.ensure()

    def add_bodies(self, bodies: Iterable[tuple[str, Body]], *, durable: bool = True) -> None:
        """Keep newly converted bodies; their HTML goes to the database at once (unless
        not `durable`: a failing build keeps them in memory)."""
        if durable:
            self.ensure()
        rows = []
        for key, body in bodies:
            meta = self.bodies[key] = replace(body, html="", key=key)
            if self.db is None or not durable:
                self.html[key] = body.html
            else:
                rows.append((key, body.html, dump(meta)))
        if rows and self.db is not None:
            with self._transaction():
                # The HTML in a table of its own: reading every body's links (each build)
                # then never walks through the HTML (a 500 MB scan at 100,000 articles).
                self.db.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?)",
                                    ((key, meta) for key, _, meta in rows))
                self.db.executemany("INSERT OR REPLACE INTO html VALUES (?, ?)",
                                    ((key, html) for key, html, _ in rows))
            self._saved_bodies.update(key for key, _, _ in rows)

    def keep_bodies(self, keys: set[str]) -> None:
        """Forget the bodies of articles that are gone or changed (saved with the rest)."""
        for key in [k for k in self.bodies if k not in keys]:
            del self.bodies[key]
            self.html.pop(key, None)

    def body_store(self) -> BodyStore:
        return BodyStore(self.database if self.db is not None else None, self.html,
                         self.read_only)

    def save(self) -> None:
        """Write the rows that changed, in one transaction."""
        self.ensure()
        if self.db is None:
            return
        gone_articles = [(p,) for p in self._saved_articles if p not in self.articles]
        restat: list[tuple[str, str, str]] = []  # the same bytes, a new time (a fresh checkout)

        def changed() -> Iterator[tuple[str, str, str, bytes]]:
            # Rows are made as the database takes them: a cold build of 100,000 articles
            # would otherwise hold 100 MB of them at once.
            for p, c in self.articles.items():
                saved = self._saved_articles.get(p)
                if saved == (c.content, c.stat):
                    continue
                stat = " ".join(map(str, c.stat))
                if saved is not None and saved[0] == c.content:  # the row's article is kept:
                    restat.append((stat, p, c.content))  # pickling it again took 3.5 s
                else:
                    yield p, stat, c.content, dump((c.article, c.diagnostics))

        gone_bodies = [(k,) for k in self._saved_bodies if k not in self.bodies]
        with self._transaction():
            self.db.executemany("DELETE FROM articles WHERE path = ?", gone_articles)
            self.db.executemany("INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?)",
                                changed())
            # (only the row this build read: another build sharing the state may have
            # saved other bytes of that path meanwhile, which keep their own time)
            self.db.executemany("UPDATE articles SET stat = ? WHERE path = ? AND content = ?",
                                restat)
            self.db.executemany("DELETE FROM bodies WHERE key = ?", gone_bodies)
            self.db.executemany("DELETE FROM html WHERE key = ?", gone_bodies)
            fills = self.fills
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('fill_window', ?)",
                            (str(fills.window),))
            self.db.executemany("DELETE FROM fills WHERE key = ?",
                                [(k,) for k in fills.changed if k not in fills.rows])
            self.db.executemany("INSERT OR REPLACE INTO fills VALUES (?, ?)",
                                ((k, dump((fills.rows[k], fills.results.get(k))))
                                 for k in fills.changed if k in fills.rows))
            fills.changed = set()
        self._saved_articles = {p: (c.content, c.stat) for p, c in self.articles.items()}
        self._saved_bodies = set(self.bodies)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        if self.db is None:
            yield
            return
        if self.db.in_transaction:  # inside locked(): its commit covers this too
            yield
            return
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if db is self.db:
                db.rollback()
            raise
        if db is self.db:  # (not when the state was emptied into a new file meanwhile)
            db.commit()

    def file_digests(self) -> dict[str, tuple[tuple[int, ...], str]]:
        """Each source file's digest with the stat it had (newsgen.incremental.sources):
        as the last build that knew them all kept them (`keep_file_digests`), else from
        the tables, articles' from their rows, without loading the articles. Each one
        says only what a file's bytes were at that stat, so one older than the rows
        costs a read, never a wrong digest."""
        if self.files is None:
            self.files = {}
            try:
                kept = None if self.db is None else self.db.execute(
                    "SELECT value FROM meta WHERE key = 'file_digests'").fetchone()
                if kept is not None and isinstance(kept[0], bytes):
                    found = marshal.loads(kept[0])  # noqa: S302 - our own value
                    if isinstance(found, dict):
                        self.files = found
                        return self.files
            except (sqlite3.Error, ValueError, EOFError, TypeError):
                self.files = {}
            try:
                for path, stat, found in [] if self.db is None else [
                        *self.db.execute("SELECT path, stat, digest FROM sources"),
                        *self.db.execute("SELECT path, stat, content FROM articles")]:
                    self.files[path] = (tuple(map(int, stat.split())), found.partition("|")[0])
            except (sqlite3.Error, ValueError):
                self.files = {}
        return self.files

    def keep_file_digests(self, files: dict[str, tuple[tuple[int, ...], str]],
                          articles: Iterable[str], *, restat: bool) -> None:
        """Keep the digests of the files that are not `articles` (theirs are in their
        rows); with `restat`, also the articles' new stats (their rows are not saved).
        All of them, the articles' too, are also kept as one value, which the next
        build reads in a fifth of the time of 100,000 rows (`file_digests`)."""
        before, self.files = self.file_digests(), files
        if self.db is None:
            return
        shown = set(articles)
        with self._transaction():
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('file_digests', ?)",
                            (marshal.dumps(files),))
            self.db.executemany("DELETE FROM sources WHERE path = ?", [
                (p,) for p in before if p not in files and p not in shown])
            self.db.executemany("INSERT OR REPLACE INTO sources VALUES (?, ?, ?)", (
                (p, " ".join(map(str, f[0])), f[1]) for p, f in files.items()
                if p not in shown and before.get(p) != f))
            if restat:  # (only rows of these bytes: see `save`)
                self.db.executemany(
                    "UPDATE articles SET stat = ? WHERE path = ? AND content LIKE ?", (
                        (" ".join(map(str, f[0])), p, f"{f[1]}|%") for p, f in files.items()
                        if p in shown and before.get(p) != f))

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Serialize the commit phase of builds that share this cache (SQLite's write
        lock: a second build waits here until the first one has recorded its output)."""
        self.ensure()
        with self._transaction():
            yield

