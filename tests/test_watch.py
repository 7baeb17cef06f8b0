"""The watcher on its own: what counts as a change, debouncing, and the polling fallback."""

from __future__ import annotations

import errno
import time
from pathlib import Path

import pytest

from newsgen.dev import watch
from newsgen.dev.watch import Watcher
from newsgen.stages.loader import is_editor_noise


@pytest.mark.parametrize("name", [".one.md.swp", "one.md~", ".#one.md", "#one.md#", "4913",
                                  "one.md.tmp", ".DS_Store", "x___jb_tmp___"])
def test_editor_noise(name: str) -> None:
    assert is_editor_noise(name)


@pytest.mark.parametrize("name", ["one.md", "photo.jpg", "style.css", "index.html"])
def test_real_files_are_not_noise(name: str) -> None:
    assert not is_editor_noise(name)


def test_relevant_paths(tmp_path: Path) -> None:
    for folder in ("content", "templates", "static", "dist", ".newsgen-cache"):
        (tmp_path / folder).mkdir()
    w = Watcher(tmp_path, lambda: None)
    assert w.relevant(str(tmp_path / "content/a.md"))
    assert w.relevant(str(tmp_path / "templates/base.html"))
    assert w.relevant(str(tmp_path / "static/x.css"))
    assert w.relevant(str(tmp_path / "newsgen.yaml"))
    assert not w.relevant(str(tmp_path / "dist/index.html"))
    assert not w.relevant(str(tmp_path / ".newsgen-cache/articles.pickle"))
    assert not w.relevant(str(tmp_path / "content/.a.md.swp"))
    assert w.relevant(str(tmp_path / "static/report.bak"))  # published verbatim
    assert not w.relevant(str(tmp_path / "README.md"))
    assert not w.relevant("/elsewhere/content/a.md")


def test_a_burst_is_one_rebuild(tmp_path: Path) -> None:
    calls: list[float] = []
    w = Watcher(tmp_path, lambda: calls.append(time.monotonic()))
    w._thread.start()
    try:
        for _ in range(50):
            w.poke()
            time.sleep(0.005)
        deadline = time.monotonic() + 5
        while not calls and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(watch.QUIET * 3)
        assert len(calls) == 1
    finally:
        w.stop()


def test_inotify_limit_falls_back_to_polling(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "content").mkdir()
    messages: list[str] = []

    class Exhausted(watch.Observer):  # type: ignore[misc,valid-type]
        def schedule(self, *args: object, **kwargs: object) -> None:
            raise OSError(errno.ENOSPC, "inotify watch limit reached")

    monkeypatch.setattr(watch, "Observer", Exhausted)
    rebuilt: list[int] = []
    w = Watcher(tmp_path, lambda: rebuilt.append(1), messages.append)
    w.start()
    try:
        assert w.polling
        assert any("polling" in m and "inotify" in m for m in messages)
        (tmp_path / "content/new.md").write_text("x")
        deadline = time.monotonic() + 10
        while not rebuilt and time.monotonic() < deadline:
            time.sleep(0.05)
        assert rebuilt, "the polling observer saw no change"
    finally:
        w.stop()
