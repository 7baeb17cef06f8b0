"""The `newsgen` command (and `python -m newsgen`): newsgen.cli.main, then the process ends.

Imported only to run it: Ctrl-C and SIGTERM are held back (blocked, not ignored) from
the first line on, before anything else is imported (`run` lets them through)."""

from __future__ import annotations

TYPE_CHECKING = False  # (mypy reads it as True; `typing` is not imported yet)
if TYPE_CHECKING:
    import signal as _signal
    from typing import NoReturn
else:
    import _signal  # built in: `signal` would import enum first

_EARLY = hasattr(_signal, "pthread_sigmask")
if _EARLY:
    _signal.pthread_sigmask(_signal.SIG_BLOCK, {_signal.SIGINT, _signal.SIGTERM})

import os  # noqa: E402
import sys  # noqa: E402


def run() -> NoReturn:
    """After `build` or `check` the process ends without freeing what the build made
    object by object (a second at 100,000 articles): every file it wrote is closed by
    then, and what it printed is flushed here. Ctrl-C or SIGTERM while newsgen is still
    starting ends it as quietly as during a build: both are held back until
    newsgen is imported, and let through where `stopped` says so."""
    argv = sys.argv[1:]
    if _EARLY:  # (again: a caller that imported this module may have let them through)
        _signal.pthread_sigmask(_signal.SIG_BLOCK, {_signal.SIGINT, _signal.SIGTERM})
    from newsgen.signals import block, can_hold, stop_on_sigterm, unblock

    stop_on_sigterm()
    held = can_hold()  # held back while newsgen is imported: one raised inside an import's
    block(held)  # cleanup would be lost ("Exception ignored"); let through once it is done
    if _EARLY and not held:  # (not the main thread after all: nothing to hold them for)
        _signal.pthread_sigmask(_signal.SIG_UNBLOCK, {_signal.SIGINT, _signal.SIGTERM})
    try:
        from newsgen.cli import main

        unblock(held)
        code = main(argv)  # (the command line is read outside the build's own handling)
    except KeyboardInterrupt as stop:  # (nothing written yet: said as during a build)
        from newsgen.output.interrupt import stopped

        message, code = stopped(stop)
        print(message, file=sys.stderr)
        raise SystemExit(code) from None
    if argv[:1] in (["build"], ["check"]):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    raise SystemExit(code)


if __name__ == "__main__":
    run()
