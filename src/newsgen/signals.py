"""Ctrl-C held back for a moment: blocked in the main thread, not ignored, so that one
pressed meanwhile comes once it is let through (ignored, it would be lost)."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator


def can_hold() -> bool:
    """Whether this thread can hold Ctrl-C back: the main thread, where it is raised."""
    return hasattr(signal, "pthread_sigmask") and (
        threading.current_thread() is threading.main_thread())


def block(held: bool) -> None:
    if held:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def unblock(held: bool) -> None:
    if held:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    held = can_hold()
    block(held)
    try:
        yield
    finally:
        unblock(held)


__all__ = ["block", "can_hold", "interrupts_held", "unblock"]
