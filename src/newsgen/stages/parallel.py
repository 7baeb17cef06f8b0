"""Work spread over worker processes: converting Markdown and rendering pages.

Workers are forked after the site is linked, so they inherit it (and the
renderer): a task is a list of indices or texts, and only results travel back.
Where a process cannot fork (or NEWSGEN_START_METHOD=spawn), workers start afresh
and make the renderer from its recipe, sent once to each. Fewer tasks than
`PARALLEL_MIN` are done in the calling process.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import multiprocessing.pool
import os
import signal
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from newsgen.errors import Reporter
from newsgen.parse.markup import Body, Converter
from newsgen.signals import (
    STOPS,
    already_held,
    block,
    can_hold,
    drop_pending,
    interrupts_held,
    unblock,
)
from newsgen.stages.kinds import Page
from newsgen.stages.render import Recipe, Renderer, TemplateFailure

T = TypeVar("T")

PARALLEL_MIN = 64  # fewer tasks than this are not worth starting workers for

_converter: Converter | None = None
_job: tuple[Renderer, list[Page]] | None = None
_task: Callable[[list[int]], list[Any]] | None = None  # fork_map's, in its workers


def _convert_chunk(task: tuple[bool, list[str]]) -> list[Body]:
    global _converter
    raw_html, texts = task
    if _converter is None:
        _converter = Converter(raw_html=raw_html)
    return [_converter.convert(text) for text in texts]


def _render_chunk(indices: list[int]) -> list[tuple[int, bytes | TemplateFailure]]:
    """Each page's index and bytes: the build has the path (a copy of every path sent
    back stayed in the build's memory, with the writer's record of the files)."""
    if _job is None:  # pragma: no cover - set before the pool starts
        raise RuntimeError("no render job")
    renderer, pages = _job
    out: list[tuple[int, bytes | TemplateFailure]] = []
    for i in indices:
        try:
            out.append((i, renderer.render(pages[i])))
        except TemplateFailure as exc:
            out.append((i, exc))
    return out


def _map_chunk(indices: list[int]) -> list[Any]:
    if _task is None:  # pragma: no cover - set before the pool starts
        raise RuntimeError("no task")
    return _task(indices)


def fork_map(task: Callable[[list[int]], list[T]], count: int, workers: int) -> list[T] | None:
    """`task` over the indices 0..count-1, in `workers` forked processes that inherit
    whatever `task` reads: the results in order. None where the system cannot fork
    (or NEWSGEN_START_METHOD asks for another start method): then the caller does the
    work itself. `task` must not change anything the caller will read, since a worker's
    changes stay in the worker."""
    global _task
    if start_method() != "fork" or workers < 2:
        return None
    _task = task
    try:
        with _running(workers) as pool:
            size = max(1, -(-count // (workers * 4)))
            parts = [list(range(i, min(count, i + size))) for i in range(0, count, size)]
            out: list[T] = []
            for done in pool.imap(_map_chunk, parts):
                out.extend(done)
            return out
    finally:
        _task = None


# Pages per rendering task: enough that handing them over costs little, few enough that
# the pages in flight (rendered, not yet written) stay a few megabytes however large the
# site. A site of 100,000 articles in eight tasks held 16,000 pages each: 700 MB waiting.
RENDER_CHUNK = 128


def chunks(items: list[Any], n: int, most: int) -> list[list[Any]]:
    """`items` in tasks for `n` workers: four each, of at most `most` items."""
    size = max(1, min(most, -(-len(items) // (n * 4))))
    return [items[i:i + size] for i in range(0, len(items), size)]


_PR_SET_PDEATHSIG = 1


def start_method() -> str:
    """How worker processes start: forked from the build where the system can fork
    (they inherit the linked site), otherwise started afresh (`spawn`: Windows), or
    as NEWSGEN_START_METHOD says (`spawn`, `forkserver`)."""
    methods = multiprocessing.get_all_start_methods()
    chosen = os.environ.get("NEWSGEN_START_METHOD", "")
    if chosen in methods:
        return chosen
    return "fork" if "fork" in methods else "spawn"


def _worker_start(parent: int, recipe: Recipe | None,
                  pages: list[Page] | None) -> None:
    """A worker ends with its build, without a word: when the build is killed, the
    system kills the worker too (Linux's PR_SET_PDEATHSIG), and writing a result to a
    vanished build ends it (SIGPIPE) rather than printing a traceback. Ctrl-C (or a CI
    job's cancel) reaches the whole process group: a worker leaves it to the build, which
    stops its workers and says it was interrupted. A worker that did not fork makes its
    renderer from the `recipe`, to render `pages`. SIGTERM ends a worker (the pool's own
    way to stop it); one sent to the whole group stops the build, which kills the rest."""
    global _job
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGTERM"):  # (Pool.terminate's; not the build's Terminated)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):  # held back by `_pool` while it forked
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPS)
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    # A worker collects its own cycles, whatever its build paused, but not what it
    # inherited: frozen first (moved out of the collector's lists as a whole, touching
    # none of it), or a full collection here walked the whole linked archive of the dev
    # server, and so copied it page by page (a new article's 1,011 pages took 4.5 s to
    # render at 100,000 articles instead of 1.6 s).
    gc.freeze()
    gc.enable()
    with contextlib.suppress(OSError, AttributeError, TypeError):  # only Linux has prctl
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the build was gone before the line above
        os._exit(0)
    if recipe is not None and pages is not None:
        _job = (Renderer.from_recipe(recipe), pages)


def _pool(workers: int, job: tuple[Renderer, list[Page]] | None = None) -> Any:
    method = start_method()
    recipe, pages = (job[0].recipe(), job[1]) if job is not None and method != "fork" else (
        None, None)
    # Forked while Ctrl-C is held back, which `_worker_start` then ignores: none is caught
    # between the fork and a worker's first line. Held back, not ignored: one pressed
    # meanwhile reaches this process once it is let through (ignored, it was lost, and
    # the build went on to the end). One that comes while the pool is made is raised as it
    # is let through, and the pool is then killed, not left to its own cleanup: a SIGTERM
    # to the whole group may have ended a worker that held its task queue's lock, which
    # that cleanup waits for (the build hung, 1 SIGTERM in 200).
    held = can_hold()
    kept = already_held(held)
    try:
        block(held)
        pool = multiprocessing.get_context(method).Pool(
            workers, initializer=_worker_start, initargs=(os.getpid(), recipe, pages))
    except BaseException:
        unblock(held, kept)
        raise
    try:
        unblock(held, kept)  # (a stop that came meanwhile is raised here)
    except BaseException:
        _kill(pool)
        raise
    return pool


@contextlib.contextmanager
def _running(workers: int, job: tuple[Renderer, list[Page]] | None = None) -> Iterator[Any]:
    """A pool of workers, stopped when done (killed on Ctrl-C: `_kill`)."""
    pool = _pool(workers, job)
    try:
        yield pool
    except (KeyboardInterrupt, GeneratorExit):  # (the render stream left unread: Ctrl-C
        _kill(pool)  # came while its pages were being written, or the writing failed)
        raise
    except BaseException:
        pool.terminate()
        raise
    pool.terminate()


def _kill(pool: Any) -> None:
    """Ctrl-C: the workers are killed, not asked to stop. Pool.terminate() puts an end
    mark on the results' queue under the lock a worker holds while it writes a result
    that nobody reads any more: the build hung there (3 Ctrl-Cs in 165 while rendering).
    A killed worker may keep that lock, so the pool's own cleanup, which would wait for
    it when the process ends, is cancelled: the process ends at once (newsgen.__main__).
    A second Ctrl-C waits until the workers are reaped (it cut this short: zombies), and is
    then dropped: it only repeats the stop under way, and raised here, it was raised in
    a generator being closed, a traceback printed ("Exception ignored in …")."""
    with interrupts_held():
        _stop(pool)
        drop_pending()


def _stop(pool: Any) -> None:
    pool._state = multiprocessing.pool.TERMINATE  # (no warning when it is collected)
    if (handler := getattr(pool, "_worker_handler", None)) is not None:
        handler._state = multiprocessing.pool.TERMINATE  # none started in their place,
        with contextlib.suppress(Exception):  # once it has seen that (it may be starting
            pool._change_notifier.put(None)  # one now): woken, and waited for
            handler.join(1)
    workers = list(getattr(pool, "_pool", ()))
    for process in workers:
        with contextlib.suppress(OSError):
            process.kill()
    for process in workers:  # reaped: no zombie is left for a container's first process
        with contextlib.suppress(OSError, AssertionError):
            process.join(1)
    if (cleanup := getattr(pool, "_terminate", None)) is not None:
        cleanup.cancel()


class Conversions:
    """Markdown converted while articles are still being read: texts go in by `add`,
    and every finished chunk of (key, body) pairs goes to `store` as soon as it is
    ready. Once a full chunk is waiting, worker processes start; they are forked then,
    while this process is still small, and take texts, not a copy of the archive.
    At most a few chunks are in flight, so memory stays flat however many articles
    are converted. Fewer texts than a chunk are converted here at `finish`."""

    CHUNK = 96

    def __init__(self, raw_html: bool, workers: int,
                 store: Callable[[list[tuple[str, Body]]], None]) -> None:
        self.raw_html = raw_html
        self.workers = workers
        self.store = store
        self.waiting: list[tuple[str, str]] = []
        self.pool: Any = None
        self.flight: deque[tuple[list[str], Any]] = deque()

    def add(self, key: str, text: str) -> None:
        self.waiting.append((key, text))
        if self.workers > 1 and len(self.waiting) >= self.CHUNK:
            self._send()

    def _send(self) -> None:
        if self.pool is None:
            self.pool = _pool(self.workers)
        keys = [k for k, _ in self.waiting]
        texts = [t for _, t in self.waiting]
        self.waiting = []
        self.flight.append((keys, self.pool.apply_async(_convert_chunk,
                                                          ((self.raw_html, texts),))))
        while len(self.flight) > 2 * self.workers:
            self._receive()

    def _receive(self) -> None:
        keys, pending = self.flight.popleft()
        self.store(list(zip(keys, pending.get(), strict=True)))

    def finish(self) -> None:
        try:
            if self.waiting and self.pool is not None:
                self._send()
            while self.flight:
                self._receive()
            if self.waiting:
                converter = Converter(raw_html=self.raw_html)
                done = [(k, converter.convert(t)) for k, t in self.waiting]
                self.waiting = []
                self.store(done)
        except KeyboardInterrupt:
            self.close(interrupted=True)
            raise
        finally:
            self.close()

    def close(self, *, interrupted: bool = False) -> None:
        if self.pool is not None and interrupted:
            _kill(self.pool)
        elif self.pool is not None:
            self.pool.terminate()
        self.pool = None


def render_pages(pages: list[Page], renderer: Renderer, reporter: Reporter, workers: int,
                 *, sample: bool = False) -> Iterator[tuple[str, bytes]]:
    """Render pages as a stream of (path, bytes), in worker processes when there are many.

    Pages are handed on as soon as they are ready, so they can be written while the
    rest render and never all sit in memory. Template failures go to the reporter.
    With `sample`, only the first page of each kind is rendered: enough to find
    template errors when the build is failing anyway.
    """
    global _job
    if sample:
        firsts: dict[str, Page] = {}
        for page in pages:
            firsts.setdefault(page.kind, page)
        pages = list(firsts.values())
    failed_kinds: set[str] = set()  # one failure of a template is said once, as in one process
    said: set[tuple[str, int | None, str]] = set()  # ... and once for all kinds of page

    def report(failure: TemplateFailure) -> None:
        for path, line, message in ((failure.path, failure.line, failure.message),
                                    *failure.others):
            what = (path, line, message.partition(": ")[2]
                    if message.startswith("while rendering ") else message)
            if what not in said:
                said.add(what)
                reporter.error(path, line, message)

    if workers > 1 and len(pages) >= PARALLEL_MIN:
        _job = (renderer, pages)
        try:
            with _running(workers, _job) as pool:
                # At most two tasks per worker are out at a time: a worker never renders
                # far ahead of the writing, so rendered pages do not pile up in memory.
                tasks = deque(chunks(list(range(len(pages))), workers, RENDER_CHUNK))
                flight: deque[Any] = deque()
                while tasks or flight:
                    while tasks and len(flight) < 2 * workers:
                        flight.append(pool.apply_async(_render_chunk, (tasks.popleft(),)))
                    for i, result in flight.popleft().get():
                        if isinstance(result, TemplateFailure):
                            if pages[i].kind not in failed_kinds:
                                failed_kinds.add(pages[i].kind)
                                report(result)
                        else:
                            yield pages[i].path, result
        finally:
            _job = None
        return
    for page in pages:
        if page.kind in failed_kinds:
            continue
        try:
            data = renderer.render(page)
        except TemplateFailure as exc:
            report(exc)
            failed_kinds.add(page.kind)
            continue
        yield page.path, data
