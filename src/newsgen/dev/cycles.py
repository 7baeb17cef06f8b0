"""The dev server's cycle collection, kept off the path of a save.

The server keeps the whole site in memory: 3 million objects at 100,000 articles. Python
walks every one of them in a full collection, which a save's allocations set off once
the objects that outlived the young generations have grown by a quarter: at 100,000
articles it took 1.4 s, in one save in eight, before the browser was told. And after
each save, Python collected what the rebuild had made (0.03-0.05 s for a title at
100,000 articles), before the browser was told too.

So the server's collections are its own (Python's stay off once the site is built),
made once the server has been idle a moment (no rebuild, no changed file waiting for
one), under the lock that rebuilds take: what the rebuilds made is collected young (the
cycles they left), and what survives is frozen (`gc.freeze`), so that no young
collection walks the site; and when the frozen objects have grown by a quarter since
the last full collection (Python's own rule), a full one frees what later rebuilds
dropped in cycles. Saves that never pause are collected at the end of a rebuild once
the young objects reach half the frozen ones, or the frozen ones grew by half. Memory
stays as flat as Python's own collections keep it.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import time
from collections.abc import Callable, Iterator

IDLE = 2.0  # seconds with no rebuild, and no change waiting, before collecting
DUE, OVERDUE = 1.25, 1.5  # the frozen objects' growth since the last full collection


class Cycles:
    """The collections of one dev server. `lock`: the one each rebuild holds; `busy`:
    whether files changed that a rebuild has yet to read."""

    def __init__(self, lock: threading.Lock, busy: Callable[[], bool], *,
                 idle: float = IDLE) -> None:
        self.lock = lock
        self.busy = busy
        self.idle = idle
        # objects frozen after the last full collection, and since, as counted when
        # frozen (gc.get_freeze_count() walks every one: a tenth of a save at 100,000)
        self.base = self.frozen = 0
        self.last = time.monotonic()  # when the last rebuild ended
        self.young = self.full = 0  # collections made
        self.closed = False
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    @contextlib.contextmanager
    def around(self, *, first: bool) -> Iterator[None]:
        """Around a rebuild, under the lock. The first (the site not built yet) collects
        as usual, and fully at its end: what converting every body leaves in cycles
        would otherwise raise its peak memory by half."""
        (gc.enable if first else gc.disable)()  # (a first that failed disabled it)
        try:
            yield
        finally:
            gc.disable()
            if first:
                self._collect()
            elif (gc.get_count()[0] > self.base * (OVERDUE - 1)
                  or self.frozen > self.base * OVERDUE):  # saves that never pause
                self._tidy(OVERDUE)
            self.last = time.monotonic()
            if self.closed:  # (the server stopped during the rebuild)
                self.close()
            elif self._thread is None:
                self._thread = threading.Thread(target=self._when_idle, daemon=True,
                                                name="newsgen-cycles")
                self._thread.start()

    def close(self) -> None:
        """No collection any more; the process's objects are collected as usual again."""
        self.closed = True
        self._wake.set()
        gc.unfreeze()
        gc.enable()

    def _tidy(self, growth: float) -> None:
        gc.collect(1)  # (the young generations: what the rebuilds made)
        self.frozen += len(gc.get_objects(2))  # (what survived: the rest is frozen)
        gc.freeze()
        self.young += 1
        if self.frozen > self.base * growth:
            self._collect()

    def _collect(self) -> None:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.base = self.frozen = gc.get_freeze_count()
        self.full += 1

    def _when_idle(self) -> None:
        """For the server's life: collect once it is idle, when there is something to
        collect (as many new objects as set off Python's own young collection; the
        requests of a page left open make some)."""
        while not self.closed:
            wait = self.last + self.idle - time.monotonic()
            if (wait > 0 or self.busy() or (gc.get_count()[0] < gc.get_threshold()[0]
                                            and self.frozen <= self.base * DUE)
                    or not self.lock.acquire(blocking=False)):
                self._wake.wait(max(wait, self.idle / 4))
                continue
            try:  # (a rebuild may have ended meanwhile)
                if time.monotonic() - self.last >= self.idle and not self.closed:
                    self._tidy(DUE)
                    if self.closed:  # (the server stopped meanwhile)
                        self.close()
            finally:
                self.lock.release()
