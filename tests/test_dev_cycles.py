"""The dev server's cycle collection (newsgen.dev.cycles): no full collection in a save's
rebuild, and what the rebuilds dropped in cycles freed once the server is idle."""

from __future__ import annotations

import gc
import threading
import time
import weakref
from collections.abc import Callable, Iterator

import pytest

from newsgen.dev.cycles import DUE, OVERDUE, Cycles


class Node:
    """An object in a cycle: only a full collection frees it."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def lock() -> Iterator[threading.Lock]:
    yield threading.Lock()
    gc.unfreeze()
    gc.enable()


def rebuild(cycles: Cycles, lock: threading.Lock, *, first: bool = False,
            growth: float = 0.0) -> list[list[int]]:
    """One rebuild under the lock, keeping `growth` times the frozen objects in new ones."""
    with lock, cycles.around(first=first):
        assert gc.isenabled() == first  # (no collection while a later rebuild runs)
        return [[] for _ in range(int(gc.get_freeze_count() * growth))]


def waited(condition: Callable[[], bool], limit: float = 20.0) -> bool:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_a_cycle_a_rebuild_dropped_waits_for_the_idle_server(lock: threading.Lock) -> None:
    cycles = Cycles(lock, lambda: False, idle=0.2)
    try:
        rebuild(cycles, lock, first=True)
        assert cycles.full == 1 and gc.get_freeze_count() > 0
        node = Node()
        gone = weakref.ref(node)
        kept = rebuild(cycles, lock)  # (freezes the node with the rest)
        del node
        gc.collect()  # what Python's own collections do: frozen objects are not walked
        assert gone() is not None and cycles.full == 1
        kept += rebuild(cycles, lock, growth=DUE - 1 + 0.05)  # a quarter more: due
        assert gone() is not None  # not in the rebuild itself
        assert waited(lambda: cycles.full == 2), "never collected once idle"
        assert gone() is None and gc.isenabled()
    finally:
        cycles.close()
    assert gc.get_freeze_count() == 0  # (the process collects as usual again)


def test_no_collection_while_files_wait_or_a_rebuild_runs(lock: threading.Lock) -> None:
    busy = [True]
    cycles = Cycles(lock, lambda: busy[0], idle=0.05)
    try:
        rebuild(cycles, lock, first=True)
        node = Node()
        gone = weakref.ref(node)
        kept = rebuild(cycles, lock, growth=DUE - 1 + 0.05)
        del node
        time.sleep(0.5)
        assert gone() is not None, "collected while changed files waited for a rebuild"
        with lock:  # (a rebuild under way)
            busy[0] = False
            time.sleep(0.5)
            assert gone() is not None, "collected during a rebuild"
        assert waited(lambda: cycles.full == 2), "never collected once idle"
        assert gone() is None and kept
    finally:
        cycles.close()


def test_saves_that_never_pause_collect_in_a_rebuild_past_half(lock: threading.Lock) -> None:
    cycles = Cycles(lock, lambda: False, idle=3600)  # (never idle)
    try:
        rebuild(cycles, lock, first=True)
        node = Node()
        gone = weakref.ref(node)
        kept = rebuild(cycles, lock)
        del node
        kept += rebuild(cycles, lock, growth=OVERDUE - 1 + 0.05)
        assert gone() is not None and cycles.full == 1
        rebuild(cycles, lock)  # the next one pays
        assert gone() is None and cycles.full == 2
    finally:
        cycles.close()
