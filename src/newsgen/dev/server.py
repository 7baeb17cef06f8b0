"""`newsgen serve`: builds the site into a folder of its own (never the site's
`dist/`) and previews it with the generic live-reload server (newsgen.dev.livereload),
rebuilding on every change the watcher (newsgen.dev.watch) reports."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import webbrowser
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

from newsgen.build import BuildOptions, BuildResult
from newsgen.dev.cycles import Cycles
from newsgen.dev.livereload import LOCAL_HOSTS, LiveServer, Rebuilt, State
from newsgen.errors import Reporter, count, site_relative
from newsgen.incremental.cache import BuildCache
from newsgen.outcome import Outcome, attempt, left_out
from newsgen.signals import interrupts_held
from newsgen.stages import search

SPECIAL = "/__newsgen__/"


class DevServer:
    """The site's builds, served by a LiveServer."""

    def __init__(self, options: BuildOptions, host: str, port: int, *, watch: bool,
                 say: Any = None) -> None:
        self.say = say or (lambda text: print(text, file=sys.stderr, flush=True))
        _sweep()
        self.workdir = Path(tempfile.mkdtemp(prefix=_PREFIX))
        (self.workdir / "pid").write_text(str(os.getpid()))  # (see `_sweep`)
        self.out = self.workdir / "site"
        self.cache = BuildCache(None)
        self.options = options
        self.watch = watch
        # the file watcher, when there is one: it tells each rebuild which files changed,
        # and whether more changed while it ran
        self.changes: Callable[[], frozenset[str] | None] = lambda: None
        self.pending: Callable[[], bool] = lambda: False
        self.stages: dict[str, float] = {}  # the last rebuild's seconds per stage
        # rebuilds of the search index: two saves in a row can each start one
        self.searches: list[threading.Thread] = []
        self.stopping = False  # what a rebuild under way says then is not said
        self.live = LiveServer(self.out, self._rebuild, host, port, watch=watch,
                               name="newsgen", special=SPECIAL)
        self.cycles = Cycles(self.live.lock, lambda: self.pending())

    @property
    def state(self) -> State:
        return self.live.state

    @property
    def url(self) -> str:
        return self.live.url

    @property
    def port(self) -> int:
        return self.live.port

    def build(self, *, search_now: bool = False) -> bool:
        """Build into the server's folder and tell open pages; True on success.

        With search on, a rebuild leaves the changed parts of the search index that the
        site already has for a second build, started at once in the background: the page
        reloads without waiting for Pagefind, and search catches up a moment later.
        """
        outcome = self.live.rebuild_now(lambda: self._rebuild(search_now=search_now))
        return outcome is not None and outcome.ok

    def _rebuild(self, *, search_now: bool = False) -> Rebuilt:
        started = time.perf_counter()
        reporter = Reporter()
        built = self.state.built
        options = replace(self.options, output=self.out, base_url=self.url, write=True,
                          jobs=1, use_cache=True, preview=True, work_dir=self.workdir / "work",
                          search_later=built and not search_now)
        # No cycle collection while a rebuild runs: the server keeps the whole site in
        # memory, and a full collection walks all of it (newsgen.dev.cycles).
        self.cache.changed = self.changes()
        with self.cycles.around(first=not built):
            outcome = attempt(options, reporter, cache=self.cache)
            for pause in (0.2, 0.5):  # the state folder (search parts, images) deleted
                if outcome.result is not None or not _state_gone(outcome, reporter, options):
                    break  # under the build, as deleting it is safe at any time: again
                time.sleep(pause)
                reporter.reset()
                self.cache.changed = None  # (every file read again)
                outcome = attempt(options, reporter, cache=self.cache)
        if self.stopping:
            return Rebuilt(False, undecided=True)
        result = outcome.result
        if result is None and self.pending():
            # Files changed again while it ran (a save read half-written, a copy under way):
            # the next rebuild, already due, decides; nothing half-done is shown.
            self.say("newsgen: sources changed during the rebuild; building again")
            return Rebuilt(False, undecided=True)
        for d in reporter.sorted():
            self.say(d.format())
        if result is None:
            if outcome.detail:
                self.say(f"newsgen: {outcome.failure}\n{outcome.detail.rstrip()}")
            elif outcome.failure and not reporter.errors:  # (said nowhere else)
                self.say(f"newsgen: {outcome.failure}")
            failed = count(len(reporter.errors), "error")
            self.say(f"newsgen: rebuild failed ({failed}); still serving the last good site"
                     if built else f"newsgen: the site does not build ({failed})"
                     + ("; fix it and save: the page in the browser shows the errors until "
                        "then" if self.watch else ""))
            return Rebuilt(False, problems=[d.format() for d in reporter.errors]
                           or [f"newsgen: {outcome.failure}"])
        self.stages = result.stages
        changed = result.changed
        search_only = bool(changed) and all(f"/{search.BUNDLE}" in f"/{p}" for p in changed)
        # A new search index needs no reload, nor does a build that changed no byte.
        reload = not (result.nothing_changed or (built and not changed) or search_only)
        took = time.perf_counter() - started
        self.say(f"newsgen: built in {took:.2f}s ({count(result.rendered, 'page')} "
                 f"rendered, {count(result.written, 'file')} written){_left_out(result)}")
        if result.search_stale:
            searching = threading.Thread(target=self.build, kwargs={"search_now": True},
                                         name="newsgen-search", daemon=True)
            self.searches = [*(t for t in self.searches if t.is_alive()), searching]
            searching.start()
        return Rebuilt(True, reload=reload, css_only=bool(changed) and all(
            p.endswith(".css") for p in changed))

    def start(self) -> Any:
        return self.live.start()

    def serve_in_background(self) -> threading.Thread:
        # Ctrl-C held back while the thread starts and the server notes it: between the
        # two, close() closed the socket under serve_forever() without stopping it, and
        # the thread printed a traceback (1 CI run)
        with interrupts_held():
            return self.live.serve_in_background()

    def close(self, *, ending: bool = False) -> None:
        """Stop telling pages, and remove the server's folder. `ending`: this process ends
        in a moment (the `serve` command's stop), and a rebuild may still write into the
        folder until then; removed in place, the folder got new files from it while it was
        removed, and stayed (under load, 1 stop in 80), and a large site's (130,000 files)
        took the stop a minute. So it is moved away at once, and removed by a child while
        this one ends; the child removes what the rebuild made again too, once this
        process has ended."""
        self.stopping = True
        self.live.close()
        self.cycles.close()
        if not ending:
            shutil.rmtree(self.workdir, ignore_errors=True)
            return
        # Ctrl-C and SIGTERM held from the move to the fork: a second one between them
        # left the moved folder to the next server, or ran this process's stop in the child.
        with interrupts_held():
            gone = self.workdir
            with contextlib.suppress(OSError):
                os.replace(self.workdir, _aside(self.workdir))
                gone = _aside(self.workdir)
            server, child = os.getpid(), -1
            if hasattr(os, "fork"):
                with contextlib.suppress(OSError):  # (no memory or process left for one)
                    child = os.fork()
                if child == 0:
                    _remove_once_ended(gone, self.workdir, server)
        if child == -1:
            shutil.rmtree(gone, ignore_errors=True)


def _remove_once_ended(gone: Path, workdir: Path, server: int) -> NoReturn:
    """In a child of a server that stops: its moved folder removed, then, once the
    server has ended, what a rebuild under way made again in its place before that (its
    writer makes the output's parent and its staging folder: under load, 1 stop in 5 left
    a folder holding `work/`). Signals are ignored: a second Ctrl-C, or one sent to the
    whole process group, does not cut the removal short."""
    try:
        for name in ("SIGINT", "SIGTERM", "SIGHUP"):
            if hasattr(signal, name):
                with contextlib.suppress(ValueError):
                    signal.signal(getattr(signal, name), signal.SIG_IGN)
        shutil.rmtree(gone, ignore_errors=True)
        deadline = time.monotonic() + 60
        while os.getppid() == server and time.monotonic() < deadline:
            time.sleep(0.01)
        if not (workdir / "pid").exists():  # (not the server's own: that one was moved)
            shutil.rmtree(workdir, ignore_errors=True)
    finally:
        os._exit(0)


def serve(options: BuildOptions, host: str, port: int, *, watch: bool, open_browser: bool,
          polling: bool = False) -> int:
    """Run the dev server until Ctrl-C. Returns the exit status."""
    _stop_on_signals()

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    if host not in LOCAL_HOSTS:
        say(f"newsgen: warning: serving on {host}: other machines on the network can see "
            "the preview")
    dev = DevServer(options, host, port, watch=watch, say=say)
    try:
        dev.start()
    except OSError as exc:
        shutil.rmtree(dev.workdir, ignore_errors=True)
        if isinstance(exc, socket.gaierror):  # (the host, not the port)
            say(f"newsgen: error: host {host} cannot be used ({exc.strerror}); choose "
                "another with --host")
            return 1
        reason = "is already in use" if exc.errno in (98, 48, 10048) else (
            f"cannot be used ({exc.strerror})")
        say(f"newsgen: error: port {port} on {host} {reason}; choose another with --port")
        return 1
    watcher = None
    # From here on, Ctrl-C (or SIGTERM) at any moment, even during the first build, stops
    # the server cleanly.
    try:
        if not dev.build() and not watch:  # nothing to serve, and nothing will change it
            return 1
        if watch:
            from newsgen.dev.watch import Watcher

            watcher = Watcher(options.site, dev.build, say, polling=polling)
            dev.changes, dev.pending = watcher.take_changes, watcher.pending
            watcher.start()
        say(f"newsgen: serving {options.site} at {dev.url}"
            + (" (watching for changes; Ctrl-C to stop)" if watch else " (Ctrl-C to stop)"))
        if open_browser:
            with contextlib.suppress(Exception):
                webbrowser.open(dev.url)
        thread = dev.serve_in_background()
        while thread.is_alive():
            thread.join(0.5)
    except KeyboardInterrupt:
        say("newsgen: stopping")
    finally:
        # A rebuild under way is not waited for (a large site's takes seconds): the
        # server's folder goes, and the process ends at once, before the rebuild writes
        # into it again.
        busy = _still_writing(watcher is not None and not watcher.stop(wait=1), dev.searches)
        dev.close(ending=True)
        if busy:
            sys.stderr.flush()
            os._exit(0)
    return 0


_PREFIX = "newsgen-serve-"
_SWEPT = ".newsgen-serve-swept-"  # (not one of `_PREFIX`: taken whole by the next sweep)


def _aside(folder: Path) -> Path:
    """Where a server's folder is moved to be removed: a stopped server's, or a dead
    one's; if its removal is cut short, the next server's sweep takes what is left."""
    return folder.parent / f"{_SWEPT}{folder.name}"


def _still_writing(rebuilding: bool, searches: list[threading.Thread]) -> bool:
    """Whether a rebuild still writes into the server's folder as it stops: `rebuilding`
    (the watcher's, not waited for), or a rebuild of the search index, any of them (one
    waits for another to end, and either can be the one under way), waited for half a
    second unless the process ends at once anyway."""
    waited = time.monotonic() + (0 if rebuilding else 0.5)
    for searching in searches:
        searching.join(max(0.0, waited - time.monotonic()))
    return rebuilding or any(t.is_alive() for t in searches)


def _left_out(result: BuildResult) -> str:
    """What `newsgen build` says of the articles it left out, and how to preview them:
    a draft's page is no 404 without a word."""
    said = left_out(result)
    hints = [flag for flag, reason in (("--drafts", "draft"), ("--future", "scheduled"))
             if any(h.reason == reason for h in result.held)]
    return said + (f" (serve {' '.join(hints)} shows them)" if hints else "")


def _state_gone(outcome: Outcome, reporter: Reporter, options: BuildOptions) -> bool:
    """A rebuild that failed on a file of the state folder (its search index parts, its
    images), deleted under it."""
    label = site_relative(options.cache_path, options.site)
    said = [outcome.failure or "", *(d.message for d in reporter.errors),
            *(d.path for d in reporter.errors)]
    return any(label in text or str(options.cache_path) in text for text in said)


def _sweep() -> None:
    """Remove the folders of servers that ended without removing theirs (`kill -9`): each
    moved aside at once, and removed in the background (a large site's, 130,000 files,
    took a minute, and the server did not start meanwhile). What a server that ended
    before its sweep was done left aside is removed by the next one."""
    temp = Path(tempfile.gettempdir())
    doomed = list(temp.glob(_SWEPT + "*"))  # (cut short before)
    for folder in temp.glob(_PREFIX + "*"):
        try:
            os.kill(int((folder / "pid").read_text()), 0)
            continue
        except ProcessLookupError:
            pass
        except FileNotFoundError:  # a removal cut short, which took the pid file first
            try:  # (a server writes it as it makes the folder)
                if time.time() - folder.stat().st_mtime <= 60:
                    continue
            except OSError:
                continue
        except (OSError, ValueError):  # another user's, or not one of ours
            continue
        with contextlib.suppress(OSError):
            os.replace(folder, _aside(folder))
            doomed.append(_aside(folder))
    if doomed:
        threading.Thread(target=_remove, args=(doomed,), name="newsgen-sweep",
                         daemon=True).start()


def _remove(folders: list[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def _stop_on_signals() -> None:
    """Ctrl-C and SIGTERM stop the server. Installed explicitly: a process started in the
    background by a script inherits SIGINT ignored, and Python then installs no handler
    (so a test's, or a supervisor's, SIGINT would never stop it)."""
    def interrupted(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)


__all__ = ["DevServer", "serve"]
