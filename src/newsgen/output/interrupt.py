"""Ctrl-C held back from the moment the new output is swapped in until the build has
recorded it.

Before the swap, Ctrl-C stops a build and the output folder is the old one. After it,
the new output is published whatever happens next; a Ctrl-C that ended the build there
would say "left as it was" of a folder that changed, and leave a state that records
neither output, so the next build rendered every page again. So from the swap on, a
Ctrl-C waits (at most for the state's save) and is then said as what it is: the build
was interrupted after it published.
"""

from __future__ import annotations

import signal
import threading


class HeldInterrupt:
    """`hold()` blocks SIGINT in this thread (the main thread of a one-shot build only:
    the dev server stops its builds its own way); `release()` lets it through again and
    says whether one came meanwhile (taken, not raised)."""

    def __init__(self, active: bool) -> None:
        self.active = active and hasattr(signal, "pthread_sigmask") and (
            threading.current_thread() is threading.main_thread())
        self.held = False

    def hold(self) -> None:
        if self.active and not self.held:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
            self.held = True

    def release(self) -> bool:
        if not self.held:
            return False
        self.held = False
        came = signal.SIGINT in signal.sigpending()
        if came:  # taken here: raised, it would say the output was left as it was
            signal.sigtimedwait({signal.SIGINT}, 0)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        return came


__all__ = ["HeldInterrupt"]
