"""Ctrl-C (and SIGTERM, newsgen.signals) held back from the moment the new output is
swapped in until the build has recorded it.

Before the swap, Ctrl-C stops a build and the output folder is the old one. After it,
the new output is published whatever happens next; a Ctrl-C that ended the build there
would leave a state that records neither output, so the next build rendered every page
again. So from the swap on, a Ctrl-C waits (at most for the state's save), and whenever
it comes after the swap, also once the build is over, it is said as what it is: too late
to interrupt anything (`published()`). The build has succeeded and exits 0, so that "an
interrupted build leaves the previous output as it was" holds for every exit of 130.
"""

from __future__ import annotations

import signal

from newsgen.signals import Terminated, block, can_hold, drop_pending, unblock

_published = False  # this process swapped a new output in (see published())
_came: int | None = None  # the signal that HeldInterrupt.release took, if any

# What a one-shot build says of a Ctrl-C after the swap, which interrupts nothing: the build
# has succeeded (exit 0). An interrupted build is one that left the output as it was.
PUBLISHED = "newsgen: {} came once the new output was in place: the build is done"


def published() -> bool:
    """Whether the last build of this process swapped its new output in."""
    return _published


def too_late(stop: KeyboardInterrupt | None = None) -> str:
    """What a one-shot build says of a stop that came after its swap: `stop` raised, or
    else one taken by `HeldInterrupt.release` (its `came`)."""
    terminated = isinstance(stop, Terminated) if stop is not None else _came == signal.SIGTERM
    return PUBLISHED.format("SIGTERM" if terminated else "Ctrl-C")


def stopped(stop: KeyboardInterrupt) -> tuple[str, int]:
    """What a one-shot command says of a Ctrl-C or a SIGTERM that stopped it, and its exit
    status: 130 and 143 (128 + the signal's number) say the output was left as it was."""
    if _published:  # (whenever it came after the swap)
        return too_late(stop), 0
    if isinstance(stop, Terminated):
        return "newsgen: stopped by SIGTERM; the output folder was left as it was", 143
    return "newsgen: interrupted; the output folder was left as it was", 130


class HeldInterrupt:
    """`hold()` blocks Ctrl-C and SIGTERM in this thread (the main thread of a one-shot build only:
    the dev server stops its builds its own way); `release()` lets it through again."""

    def __init__(self, active: bool) -> None:
        global _published, _came
        _published, _came = False, None
        self.active = active and can_hold()
        self.held = False

    def hold(self) -> None:
        if self.active and not self.held:
            block(True)
            self.held = True

    def swapped(self) -> None:
        """The new output is in place (said by a one-shot build's Ctrl-C from now on)."""
        global _published
        _published = self.active

    def release(self, *, take: bool) -> bool:
        """Let them through again. With `take` (the build succeeded), one that came
        meanwhile is taken, not raised, and said by the result: True. Otherwise it is
        raised now, and a build failing for another reason stops as interrupted."""
        global _came
        if not self.held:
            return False
        self.held = False
        pending = drop_pending() if take else frozenset()
        _came = max(pending, default=None)  # SIGTERM's said when both came
        unblock(True)
        return bool(pending)


__all__ = ["PUBLISHED", "HeldInterrupt", "published", "stopped", "too_late"]
