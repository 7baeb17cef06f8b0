"""Ctrl-C and SIGTERM held back for a moment: blocked in the main thread, not ignored, so
that one that comes meanwhile is acted on once it is let through (ignored, it would be
lost). A one-shot build stops on SIGTERM (a CI job cancelled, `docker stop`, `timeout`) as
it stops on Ctrl-C: `Terminated`, raised in the main thread, is a KeyboardInterrupt. And
what a stop leaves of a folder that a command makes: all of it or nothing (`made_whole`)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

# The signals that stop a build: held back together (see newsgen.output.interrupt)
STOPS = frozenset({signal.SIGINT, signal.SIGTERM}) if hasattr(signal, "SIGTERM") else (
    frozenset({signal.SIGINT}))


class Terminated(KeyboardInterrupt):
    """SIGTERM, as a build sees it: an interruption (exit 143 rather than Ctrl-C's 130)."""


def _terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated


def stop_on_sigterm() -> None:
    """SIGTERM raises `Terminated` in the main thread from now on (a one-shot build:
    stopped as by Ctrl-C, its workers killed and its output left as it was, or, once the
    new output is in place, done). Elsewhere, and where there is no SIGTERM, nothing."""
    if hasattr(signal, "SIGTERM") and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminated)


def can_hold() -> bool:
    """Whether this thread can hold Ctrl-C back: the main thread, where it is raised."""
    return hasattr(signal, "pthread_sigmask") and (
        threading.current_thread() is threading.main_thread())


def block(held: bool) -> None:
    if held:
        signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)


def unblock(held: bool) -> None:
    if held:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPS)


def drop_pending() -> frozenset[int]:
    """Take (and forget) a Ctrl-C or SIGTERM that came while they were held back, in the
    main thread, which holds them back: the signals taken."""
    pending = frozenset(STOPS & signal.sigpending()) if can_hold() else frozenset()
    for signum in pending:
        signal.sigtimedwait({signum}, 0)
    return pending


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    held = can_hold()
    block(held)
    try:
        yield
    finally:
        unblock(held)


@contextlib.contextmanager
def made_whole(folder: Path) -> Iterator[None]:
    """What the block makes in `folder` (a new one, or one found empty): all of it, or
    none when the block fails or is stopped (Ctrl-C, SIGTERM): what it added is removed,
    and the folder is as it was (gone, or as it was found), ready for the command again."""
    existed = folder.is_dir()
    before = set(os.listdir(folder)) if existed else set()
    try:
        yield
    except BaseException:
        with interrupts_held():  # (a second stop waits until it is done)
            if not existed:
                shutil.rmtree(folder, ignore_errors=True)
            elif folder.is_dir():
                for name in set(os.listdir(folder)) - before:
                    path = folder / name
                    if path.is_dir() and not path.is_symlink():
                        shutil.rmtree(path, ignore_errors=True)
                    else:
                        path.unlink(missing_ok=True)
        raise


__all__ = ["STOPS", "Terminated", "block", "can_hold", "drop_pending", "interrupts_held",
           "made_whole", "stop_on_sigterm", "unblock"]
