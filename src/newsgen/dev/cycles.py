"""The dev server's cycle collection, kept off the path of a save.

The server keeps the whole site in memory: 3 million objects at 100,000 articles. Python
walks every one of them in a full collection, which a save's allocations set off once
the objects that outlived the young generations have grown by a quarter: at 100,000
articles it took 1.4 s, in one save in eight, before the browser was told.

So after each rebuild, what it made is collected young (the cycles it left), and what
survives is frozen (`gc.freeze`): Python's own collections no longer walk it. What is
frozen and then dropped by a later rebuild, if it was in a cycle, waits for a full
collection made here, on Python's own rule (the frozen objects grew by a quarter since
the last one): once the server has been idle a moment (no rebuild, no file changed
waiting for one), under the lock that rebuilds take; or in a rebuild, when they grew by
half (saves that never pause). Memory stays as flat as Python's own collections keep it.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import time
from collections.abc import Callable, Iterator

IDLE = 2.0  # seconds with no rebuild, and no change waiting, before a full collection
DUE, OVERDUE = 1.25, 1.5  # the frozen objects' growth since the last full collection


class Cycles:
    """The collections of one dev server. `lock`: the one each rebuild holds; `busy`:
    whether files changed that a rebuild has yet to read."""

    def __init__(self, lock: threading.Lock, busy: Callable[[], bool], *,
                 idle: float = IDLE) -> None:
        self.lock = lock
        self.busy = busy
        self.idle = idle
        self.base = 0  # objects frozen after the last full collection
        self.last = time.monotonic()  # when the last rebuild ended
        self.full = 0  # full collections made
        self.closed = False
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None  # (set and cleared under `lock`)

    @contextlib.contextmanager
    def around(self, *, first: bool) -> Iterator[None]:
        """Around a rebuild, under the lock: no collection while it runs. Not so around
        the first (the site not built yet): what converting every body leaves in cycles
        would raise its peak memory by half; it ends with a full collection."""
        if not first:
            gc.disable()
        try:
            yield
        finally:
            if first or gc.get_freeze_count() > self.base * OVERDUE:
                self._collect()
            else:
                gc.collect(1)  # (the young generations: what this rebuild made)
                gc.freeze()
            gc.enable()
            self.last = time.monotonic()
            if gc.get_freeze_count() > self.base * DUE and self._thread is None \
                    and not self.closed:
                self._thread = threading.Thread(target=self._when_idle, daemon=True,
                                                name="newsgen-cycles")
                self._thread.start()

    def close(self) -> None:
        """No collection any more; the process's objects are collected as usual again."""
        self.closed = True
        self._wake.set()
        gc.unfreeze()

    def _collect(self) -> None:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.base = gc.get_freeze_count()
        self.full += 1

    def _when_idle(self) -> None:
        while not self.closed:
            wait = self.last + self.idle - time.monotonic()
            if wait > 0 or self.busy() or not self.lock.acquire(blocking=False):
                self._wake.wait(max(wait, self.idle / 4))
                continue
            try:  # (a rebuild may have ended meanwhile: it set `last`, and may have
                if time.monotonic() - self.last < self.idle:  # collected already)
                    continue
                if not self.closed and gc.get_freeze_count() > self.base * DUE:
                    self._collect()
                self._thread = None
                return
            finally:
                self.lock.release()
