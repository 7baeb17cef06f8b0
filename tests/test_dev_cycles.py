"""The dev server's cycle collection (newsgen.dev.cycles): none in a save's rebuild, and
what the rebuilds dropped in cycles freed once the server is idle, or in a rebuild when
saves never pause."""

from __future__ import annotations

import gc
import threading
import time
import weakref
from collections.abc import Callable, Iterator

import pytest

from newsgen.dev.cycles import DUE, OVERDUE, Cycles


class Node:
    """An object in a cycle: only the cycle collector frees it."""

    def __init__(self) -> None:
        self.me = self


def others_ended() -> None:
    """The collections of servers closed before (this module's and others') ended: one
    under way as its server closed turns Python's back on as it ends."""
    for thread in threading.enumerate():
        if thread.name == "newsgen-cycles":
            thread.join(60)
            assert not thread.is_alive()


@pytest.fixture
def lock() -> Iterator[threading.Lock]:
    others_ended()
    yield threading.Lock()
    others_ended()
    gc.unfreeze()
    gc.enable()


def rebuild(cycles: Cycles, lock: threading.Lock, *, first: bool = False,
            growth: float = 0.0) -> list[list[int]]:
    """One rebuild under the lock, keeping `growth` times the frozen objects in new ones."""
    with lock, cycles.around(first=first):
        assert gc.isenabled() == first  # (the site built: no collection by Python)
        for _ in range(1_000):  # (what a rebuild leaves in cycles)
            Node()
        made: list[list[int]] = [[] for _ in range(int(gc.get_freeze_count() * growth))]
    assert not gc.isenabled()
    return made


def waited(condition: Callable[[], bool], limit: float = 20.0) -> bool:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_what_rebuilds_drop_in_cycles_is_collected_once_idle(lock: threading.Lock) -> None:
    cycles = Cycles(lock, lambda: False, idle=0.2)
    try:
        rebuild(cycles, lock, first=True)
        assert cycles.full == 1 and gc.get_freeze_count() > 0
        node = Node()
        gone = weakref.ref(node)
        kept = rebuild(cycles, lock)
        assert waited(lambda: cycles.young >= 1), "never collected once idle"
        del node  # (frozen by then, with the rest)
        gc.collect()  # what Python's own collections do: frozen objects are not walked
        assert gone() is not None and cycles.full == 1
        kept += rebuild(cycles, lock, growth=DUE - 1 + 0.05)  # a quarter more: due
        assert gone() is not None  # not in the rebuild itself
        assert waited(lambda: cycles.full == 2), "never collected once idle"
        assert gone() is None and cycles.young >= 2
    finally:
        cycles.close()
    assert gc.isenabled() and gc.get_freeze_count() == 0  # (as usual again)


def test_no_collection_while_files_wait_or_a_rebuild_runs(lock: threading.Lock) -> None:
    busy = [True]
    cycles = Cycles(lock, lambda: busy[0], idle=0.05)
    try:
        rebuild(cycles, lock, first=True)
        node = Node()
        gone = weakref.ref(node)
        del node  # (young: what a rebuild made)
        kept = rebuild(cycles, lock)
        time.sleep(0.5)
        assert gone() is not None, "collected while changed files waited for a rebuild"
        with lock:  # (a rebuild under way)
            busy[0] = False
            time.sleep(0.5)
            assert gone() is not None, "collected during a rebuild"
        assert waited(lambda: cycles.young >= 1), "never collected once idle"
        assert gone() is None and cycles.full == 1 and not kept
    finally:
        cycles.close()


def test_a_first_build_that_failed_leaves_the_next_one_collecting_as_usual(
        lock: threading.Lock) -> None:
    cycles = Cycles(lock, lambda: False, idle=3600)
    try:
        for _ in range(2):  # (the site does not build yet: each rebuild is a first one)
            rebuild(cycles, lock, first=True)
        assert cycles.full == 2
    finally:
        cycles.close()


def test_saves_that_never_pause_are_collected_in_a_rebuild(lock: threading.Lock) -> None:
    cycles = Cycles(lock, lambda: False, idle=3600)  # (never idle)
    try:
        rebuild(cycles, lock, first=True)
        node = Node()
        gone = weakref.ref(node)
        del node
        kept = rebuild(cycles, lock, growth=(OVERDUE - 1) * 0.6)
        assert gone() is not None and cycles.young == 0
        # the young objects pass half the frozen ones: collected as the rebuild ends, and
        # fully, as the frozen ones then grew by more than half
        kept += rebuild(cycles, lock, growth=(OVERDUE - 1) * 0.6)
        assert gone() is None and cycles.young == 1 and cycles.full == 2
    finally:
        cycles.close()


def test_what_the_server_makes_between_rebuilds_is_collected_too(
        lock: threading.Lock) -> None:
    cycles = Cycles(lock, lambda: False, idle=0.1)
    try:
        rebuild(cycles, lock, first=True)
        young = cycles.young
        node = Node()
        gone = weakref.ref(node)
        del node
        for _ in range(1_000):  # (what serving a page left open makes, with no rebuild)
            Node()
        assert waited(lambda: cycles.young > young), "never collected"
        assert gone() is None
    finally:
        cycles.close()
