"""Watching the site's sources with watchdog, and turning bursts of events into one rebuild.

Only `content/`, `templates/`, `static/` and `newsgen.yaml` are watched, never
the output or the cache; editors' swap, backup and temporary files are ignored, but in
`static/`, which the build copies verbatim. A folder linked into a watched one is
watched at its real path too.
An editor's atomic save (write a temporary file, rename it into place) and a
`git checkout` of hundreds of files each become a single rebuild: the watcher
waits until the events stop for a moment (the debounce).
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

from newsgen.stages.scan import is_editor_noise, is_scratch

WATCHED_DIRS = ("content", "templates", "static")
CONFIG = "newsgen.yaml"
QUIET = 0.05  # seconds without events before a rebuild starts (an editor's save is one burst)
LONGEST_WAIT = 2.0  # ... but never wait longer than this after the first event


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if event.is_directory and event.event_type == "modified":
            return  # a folder's time changes with every file event inside it
        raw = [os.fsdecode(p) for p in (event.src_path, getattr(event, "dest_path", "")) if p]
        paths = [site for p in raw for site in self.watcher.site_paths(p)]
        if any(os.path.islink(p) for p in paths if self.watcher.inside(p)):
            self.watcher.watch_links()  # a link to a folder made while serving
        # Every file of the site that changed is noted, an editor's backup too (a scan
        # would find it); only the files that matter start a rebuild. A folder created,
        # moved or deleted, or a file that a linked folder holds (the build reads it
        # through the first link its walk meets, or at its own path too): which paths
        # changed is not known, the full scan says.
        inside = [p for p in paths if self.watcher.inside(p)]
        if inside:
            self.watcher.note(None if event.is_directory or any(
                self.watcher.linked(p) for p in raw) else inside)
        if any(self.watcher.relevant(p) for p in paths):
            self.watcher.poke()


class Watcher:
    """Calls `rebuild()` once per burst of relevant changes, from its own thread."""

    def __init__(self, root: Path, rebuild: Callable[[], object],
                 say: Callable[[str], None] = print, *, polling: bool = False) -> None:
        self.root = Path(os.path.realpath(root))
        self.rebuild = rebuild
        self.say = say
        self.polling = polling
        self.observer: BaseObserver | None = None
        self._lock = threading.Condition()
        self._first: float | None = None
        self._last = 0.0
        self._stop = False
        # each watched folder's watch (a folder deleted and made again, as a git checkout
        # does, is watched anew: the old watch ended with the old folder)
        self._watched: dict[str, ObservedWatch] = {}
        # folders linked into the watched ones (`static/shared -> ../shared`), which a
        # build reads through the link: each watched too, at its real path -> the link's
        self._links: dict[str, list[str]] = {}
        self._thread = threading.Thread(target=self._loop, name="newsgen-rebuild", daemon=True)
        self.rebuilds = 0
        # The files changed since the last take_changes(), relative to root; None: not
        # known (at first: files may have changed before the watch began).
        self._changed: set[str] | None = None

    # -- which paths count ---------------------------------------------------------------

    def inside(self, path: str) -> bool:
        """A path among the site's sources: newsgen.yaml, or under a watched folder."""
        try:
            parts = Path(path).relative_to(self.root).parts
        except ValueError:
            return False
        return bool(parts) and (parts[0] in WATCHED_DIRS or parts == (CONFIG,))

    def relevant(self, path: str) -> bool:
        try:
            rel = Path(path).relative_to(self.root)
        except ValueError:
            return False
        parts = rel.parts
        if not parts:
            return False
        if len(parts) == 1:
            if parts[0] in WATCHED_DIRS:
                self._ensure_watch(parts[0], again=True)  # made, moved or deleted
                return True
            return parts[0] == CONFIG
        # static/ publishes a backup's name too (`report.bak`), not a swap file: as the build
        return parts[0] in WATCHED_DIRS and not (is_scratch(parts[-1]) if parts[0] == "static"
                                                 else is_editor_noise(parts[-1]))

    # -- the observer --------------------------------------------------------------------

    def start(self) -> None:
        self.observer = PollingObserver(timeout=0.5) if self.polling else Observer()
        try:
            self._schedule_all()
            self.observer.start()
        except OSError as exc:
            if self.polling or exc.errno not in (errno.ENOSPC, errno.EMFILE):
                raise
            self.say("newsgen: the system's limit on watched folders (inotify) is reached; "
                     "watching by polling instead, which is slower. Raise it with: "
                     "sudo sysctl fs.inotify.max_user_watches=524288")
            self.polling = True
            self._watched.clear()
            self.observer = PollingObserver(timeout=0.5)
            self._schedule_all()
            self.observer.start()
        self._thread.start()

    def _schedule_all(self) -> None:
        if self.observer is None:  # pragma: no cover
            return
        self.observer.schedule(_Handler(self), str(self.root), recursive=False)
        for name in WATCHED_DIRS:
            self._ensure_watch(name)

    def _ensure_watch(self, name: str, *, again: bool = False) -> None:
        """Watch `name` (content/, static/, templates/); `again`: it was created, moved or
        deleted, so watch whatever folder has that name now."""
        if self.observer is None or (name in self._watched and not again):
            return
        if (old := self._watched.pop(name, None)) is not None:
            with contextlib.suppress(KeyError, OSError):  # (gone with its folder)
                self.observer.unschedule(old)
            self.note(None)  # what changed in the folder is not known
        folder = self.root / name
        if folder.is_dir():
            self._watched[name] = self.observer.schedule(_Handler(self), str(folder),
                                                         recursive=True)
            self.watch_links(name)

    def watch_links(self, *names: str) -> None:
        """Note each folder linked into the watched ones (of `names`; all by default),
        which the build reads through the link, and watch it at its real path when no
        watch sees it there (one inside the site and outside the watched folders; the
        build refuses one outside the site); the links inside it too."""
        inside = [str(self.root / n) for n in WATCHED_DIRS]
        tops = [self.root / n for n in (names or tuple(self._watched))]
        while tops:
            for top, dirs, _ in os.walk(tops.pop()):
                for d in dirs:
                    link = os.path.join(top, d)
                    if not os.path.islink(link):
                        continue
                    real = os.path.realpath(link)
                    if not real.startswith(str(self.root) + os.sep) or not os.path.isdir(real):
                        continue
                    links = self._links.setdefault(real, [])
                    if link in links:
                        continue
                    links.append(link)
                    seen = any(real == w or real.startswith(w + os.sep)
                               or w.startswith(real + os.sep) for w in inside)
                    if len(links) > 1 or seen or self.observer is None:
                        continue
                    try:
                        self.observer.schedule(_Handler(self), real, recursive=True)
                        tops.append(Path(real))  # (the links it holds)
                    except OSError:  # gone meanwhile, or the system's limit: the
                        pass  # scan a change inside a watched folder starts still finds it

    def linked(self, path: str) -> bool:
        """`path` is a link to a folder, or inside a linked folder (at its real path)."""
        return any(path == real or path.startswith(real + os.sep) or any(
            path == link or path.startswith(link + os.sep) for link in links)
            for real, links in list(self._links.items()))

    def site_paths(self, path: str) -> list[str]:
        """A path as the site may name it: one in a linked folder, through each link."""
        for real, links in list(self._links.items()):
            if path == real or path.startswith(real + os.sep):
                return [path, *(link + path[len(real):] for link in links)]
        return [path]

    def stop(self, wait: float = 30) -> bool:
        """Stop watching; whether the rebuild under way (if any) ended within `wait`."""
        with self._lock:
            self._stop = True
            self._lock.notify_all()
        if self.observer is not None:
            self.observer.stop()
            if self.observer.is_alive():  # (not when a Ctrl-C came while it was starting)
                self.observer.join(timeout=5)
        if self._thread.is_alive():
            self._thread.join(timeout=wait)
        return not self._thread.is_alive()

    # -- what changed ----------------------------------------------------------------------

    def note(self, paths: list[str] | None) -> None:
        with self._lock:
            if paths is None:
                self._changed = None
            elif self._changed is not None:
                self._changed.update(Path(p).relative_to(self.root).as_posix() for p in paths)

    def pending(self) -> bool:
        """Whether files changed since the current rebuild began (another is due)."""
        with self._lock:
            return self._first is not None

    def take_changes(self) -> frozenset[str] | None:
        """The files changed since the last call (None: not known, so scan them all)."""
        with self._lock:
            changed, self._changed = self._changed, set()
        return frozenset(changed) if changed is not None else None

    # -- debouncing ----------------------------------------------------------------------

    def poke(self) -> None:
        with self._lock:
            now = time.monotonic()
            if self._first is None:
                self._first = now
            self._last = now
            self._lock.notify_all()

    def _loop(self) -> None:
        while True:
            with self._lock:
                while self._first is None and not self._stop:
                    self._lock.wait()
                if self._stop:
                    return
                while True:
                    now = time.monotonic()
                    first = self._first if self._first is not None else now
                    wait = min(self._last + QUIET, first + LONGEST_WAIT) - now
                    if wait <= 0 or self._stop:
                        break
                    self._lock.wait(wait)
                if self._stop:
                    return
                self._first = None
            try:
                self.rebuild()
            finally:
                self.rebuilds += 1
