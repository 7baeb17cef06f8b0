"""The build cache: parsed articles, converted Markdown and page fingerprints.

Kept in memory by the dev server between rebuilds and on disk in
`.newsgen-cache/` between `newsgen build` runs. Every entry is keyed by what
it was made from (file bytes, settings, newsgen's version), so a stale entry is
never used; a corrupt or foreign cache is ignored with a warning. Deleting the
folder is always safe.

Page fingerprints describe the output folder they were written to. They are
marked invalid before the output is replaced and saved after, under a lock,
so a killed or concurrent build can only cost a slower next build.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import pickle  # noqa: S403 - only our own files, in the site's own cache folder
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from newsgen import __version__
from newsgen.content import Article
from newsgen.errors import Diagnostic, Reporter
from newsgen.markup import Body
from newsgen.site import Held

FORMAT = 4
STAMP = f"newsgen {__version__} cache {FORMAT} python {sys.version_info[:2]}"
_FILES = ("articles.pickle", "bodies.pickle", "pages.pickle")


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass
class CachedArticle:
    stat: tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode when it was read
    content: str  # digest of the file's bytes and the settings that shaped it
    article: Article | None
    diagnostics: list[Diagnostic]


@dataclass
class OutputRecord:
    """Fingerprints of the pages in one output folder, and that folder's identity."""

    identity: tuple[int, int] | None  # (st_dev, st_ino) of the folder after the build
    pages: dict[str, str] = field(default_factory=dict)  # output path -> fingerprint
    state: str = ""  # fingerprint of the whole build: equal means nothing to do
    valid_from: datetime | None = None  # ... for a build time in [valid_from, valid_until)
    valid_until: datetime | None = None
    next_embargo: datetime | None = None
    files: int = 0  # files other than pages in the output
    # The build's warnings: a later build that finds nothing changed reports them again,
    # so the log of every build is complete.
    diagnostics: list[Diagnostic] = field(default_factory=list)
    held: tuple[Held, ...] = ()  # drafts and scheduled articles left out of it
    search: dict[str, str] = field(default_factory=dict)  # index part folder -> its key


@dataclass
class BuildCache:
    folder: Path | None  # None: in memory only
    articles: dict[str, CachedArticle] = field(default_factory=dict)
    bodies: dict[str, Body] = field(default_factory=dict)
    outputs: dict[str, OutputRecord] = field(default_factory=dict)
    dirty: set[str] = field(default_factory=set)
    loaded: bool = True
    # Kept in memory only (the dev server): the template environment and what it was made
    # from. A build reuses it while no template changed.
    environment: tuple[object, Any] | None = None

    # -- loading and saving ----------------------------------------------------------

    @classmethod
    def load(cls, folder: Path | None, reporter: Reporter) -> BuildCache:
        cache = cls(folder)
        if folder is None or not folder.is_dir():
            return cache
        try:
            stamp = (folder / "STAMP").read_text(encoding="utf-8").strip()
        except OSError:
            return cache
        if stamp != STAMP:
            reporter.warning(cache.label, None, f"cache made by {stamp!r}; ignoring it "
                                                "(this build will be slower)")
            return cache
        try:
            cache.outputs = _read(folder / "pages.pickle", dict)
        except Exception as exc:  # noqa: BLE001 - any damage: start afresh, never trust it
            cache.damaged(reporter, exc)
            return cls(folder, loaded=True)
        cache.loaded = False  # articles and bodies are read when first needed
        return cache

    def damaged(self, reporter: Reporter, exc: BaseException) -> None:
        reporter.warning(self.label, None, f"the cache is damaged ({type(exc).__name__}); "
                                           "ignoring it (this build will be slower)")

    def load_content(self, reporter: Reporter) -> None:
        """Read the parsed articles and converted bodies (skipped when nothing changed)."""
        if self.loaded or self.folder is None:
            self.loaded = True
            return
        self.loaded = True
        try:
            self.articles = _read(self.folder / "articles.pickle", dict)
            self.bodies = _read(self.folder / "bodies.pickle", dict)
        except Exception as exc:  # noqa: BLE001 - any damage: start afresh, never trust it
            self.damaged(reporter, exc)
            self.articles, self.bodies, self.outputs = {}, {}, {}

    @property
    def label(self) -> str:
        return str(self.folder) if self.folder is not None else "(cache)"


    def save(self, *, only: tuple[str, ...] | None = None) -> None:
        """Write what changed (atomically, file by file)."""
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = self.folder / "STAMP"
        if not stamp.exists() or stamp.read_text(encoding="utf-8").strip() != STAMP:
            for name in _FILES:  # never mix files of another version with ours
                with contextlib.suppress(OSError):
                    (self.folder / name).unlink()
            stamp.write_text(STAMP + "\n", encoding="utf-8")
            self.dirty |= {"articles", "bodies", "pages"}
        parts = {"articles": ("articles.pickle", self.articles),
                 "bodies": ("bodies.pickle", self.bodies),
                 "pages": ("pages.pickle", self.outputs)}
        for key in only if only is not None else tuple(parts):
            if key in self.dirty:
                name, value = parts[key]
                _write(self.folder / name, value)
                self.dirty.discard(key)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Serialize the commit phase of builds that share this cache."""
        if self.folder is None:
            yield
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / "lock", "a+b") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    # -- entries -----------------------------------------------------------------------

    def output(self, out_dir: Path) -> OutputRecord | None:
        """The fingerprints of `out_dir`, if they still describe what is there."""
        record = self.outputs.get(str(out_dir))
        if record is None or record.identity is None:
            return None
        try:
            st = os.stat(out_dir)
        except OSError:
            return None
        if (st.st_dev, st.st_ino) != record.identity:
            return None
        return record

    def forget_output(self, out_dir: Path) -> None:
        """Before replacing the output: its recorded fingerprints stop being trusted."""
        if self.outputs.pop(str(out_dir), None) is not None:
            self.dirty.add("pages")
            self.save(only=("pages",))

    def record_output(self, out_dir: Path, pages: dict[str, str], state: str,
                      valid_from: datetime | None, valid_until: datetime | None,
                      next_embargo: datetime | None, files: int = 0,
                      diagnostics: list[Diagnostic] | None = None,
                      held: tuple[Held, ...] = (),
                      search: dict[str, str] | None = None) -> None:
        st = os.stat(out_dir)
        self.outputs[str(out_dir)] = OutputRecord((st.st_dev, st.st_ino), pages, state,
                                                  valid_from, valid_until, next_embargo, files,
                                                  list(diagnostics or ()), held,
                                                  dict(search or {}))
        self.dirty.add("pages")


def _read(path: Path, kind: type) -> dict[Any, Any]:
    if not path.exists():
        return {}
    with open(path, "rb") as fh:
        value: Any = pickle.load(fh)  # noqa: S301 - our own cache file, stamped with our version
    if not isinstance(value, dict):
        raise TypeError(path.name)
    return value


def _write(path: Path, value: object) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
