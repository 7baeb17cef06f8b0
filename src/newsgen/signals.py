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


def already_held(held: bool) -> frozenset[int]:
    """The stops held back now, which `unblock` then keeps held: a hold inside another
    one (such as the swap's) ends with it, not before. Asked before `block`, inside
    whose `try` the block goes: a stop raised just after the block (Python acts on a
    signal between any two steps) still finds the mask to give back."""
    if held:
        return frozenset(STOPS & signal.pthread_sigmask(signal.SIG_BLOCK, ()))
    return frozenset()


def block(held: bool) -> None:
    if held:
        signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)


def unblock(held: bool, kept: frozenset[int] = frozenset()) -> None:
    if held and STOPS - kept:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPS - kept)


def drop_pending() -> frozenset[int]:
    """Take (and forget) a Ctrl-C or SIGTERM that came while they were held back, in the
    main thread, which holds them back: the signals taken."""
    pending = frozenset(STOPS & signal.sigpending()) if can_hold() else frozenset()
    for signum in pending:
        signal.sigtimedwait({signum}, 0)
    return pending


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM held back in the block, and then as they were before it."""
    held = can_hold()
    kept = already_held(held)
    try:
        block(held)
        yield
    finally:
        unblock(held, kept)


@contextlib.contextmanager
def made_whole(folder: Path) -> Iterator[Path]:
    """A new folder (or one found empty) made whole or not at all: the block makes it in a
    hidden folder beside it (yielded), which then takes its place in one rename. When the
    block fails or is stopped (Ctrl-C, SIGTERM), that folder and the parents made for it
    are removed: `folder`, and whatever anyone put there meanwhile, is not touched, and
    the command can run again. OSError when `folder` was filled meanwhile."""
    if folder.is_symlink():  # made where it points, the link kept
        folder = Path(os.path.realpath(folder))
    made: list[Path] = []  # the parents made for it, from the top
    for parent in reversed((folder.parent, *folder.parent.parents)):
        if not parent.exists():
            parent.mkdir(exist_ok=True)
            made.append(parent)
    staging = folder.parent / f".{folder.name}.newsgen-{os.getpid()}-{os.urandom(4).hex()}"
    try:
        try:
            staging.mkdir()
        except OSError as exc:  # (said of the folder asked for: under a file, read-only)
            raise OSError(exc.errno, exc.strerror, str(folder)) from None
        yield staging
        try:
            os.rename(staging, folder)  # (onto nothing, or an empty folder: in one step)
        except OSError as exc:
            raise OSError(exc.errno, "it was filled while this command ran, so nothing was "
                          "put there", str(folder)) from None
    except BaseException:
        with interrupts_held():  # (a second stop waits until it is done)
            shutil.rmtree(staging, ignore_errors=True)
            for parent in reversed(made):
                try:
                    parent.rmdir()  # (only while empty: what someone else put there stays)
                except OSError:
                    break
        raise


__all__ = ["STOPS", "Terminated", "already_held", "block", "can_hold", "drop_pending",
           "interrupts_held", "made_whole", "stop_on_sigterm", "unblock"]
