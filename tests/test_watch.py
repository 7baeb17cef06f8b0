"""The watcher on its own: what counts as a change, debouncing, and the polling fallback."""

from __future__ import annotations

import errno
import shutil
import time
from pathlib import Path

import pytest

from newsgen.dev import watch
from newsgen.dev.watch import Watcher
from newsgen.stages.scan import is_editor_noise


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
    assert not w.relevant(str(tmp_path / "static/.site.css.swp"))  # never published
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


def test_linked_folders_are_watched_once_and_known_as_linked(tmp_path: Path) -> None:
    """A folder linked from inside the site is watched at its real path when no other
    watch sees it; a change in any linked folder (or to a link) is one whose paths only
    a full scan knows (the build reads the folder through the first link its walk meets,
    or at its own path too). A link to a folder outside the site is not watched (the
    build refuses it), nor one to the site itself."""
    for folder in ("content/general", "content/economy", "static", "shared/deeper", "more"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "static/a").symlink_to(tmp_path / "shared", target_is_directory=True)
    (tmp_path / "content/general/b").symlink_to(tmp_path / "shared", target_is_directory=True)
    (tmp_path / "shared/deeper/m").symlink_to(tmp_path / "more", target_is_directory=True)
    (tmp_path / "content/general/mirror").symlink_to(tmp_path / "content/economy",
                                                     target_is_directory=True)
    (tmp_path / "content/general/up").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "content/usr").symlink_to("/usr", target_is_directory=True)
    w = Watcher(tmp_path, lambda: None)
    w.start()
    try:
        root = w.root
        assert sorted(w.site_paths(str(root / "shared/x.txt"))) == [
            str(root / "content/general/b/x.txt"), str(root / "shared/x.txt"),
            str(root / "static/a/x.txt")]
        assert sorted(w._links) == [str(root / p) for p in ("content/economy", "more",
                                                            "shared")]
        assert w.linked(str(root / "content/economy/x.md"))  # seen through mirror/ too
        assert w.linked(str(root / "more/y.md"))  # a link inside a linked folder
        assert w.linked(str(root / "content/general/b"))  # the link itself (removed)
        assert not w.linked(str(root / "content/general/a.md"))
    finally:
        w.stop()


def test_a_folder_deleted_and_made_again_is_watched_again(tmp_path: Path) -> None:
    """A git checkout deletes templates/ and makes it again: later edits in the new
    folder start a rebuild, which scans everything (what changed in it is not known)."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/base.html").write_text("A")
    rebuilt: list[int] = []
    w = Watcher(tmp_path, lambda: rebuilt.append(1))
    w.start()
    try:
        shutil.rmtree(tmp_path / "templates")
        (tmp_path / "templates").mkdir()
        (tmp_path / "templates/base.html").write_text("B")

        def settle() -> None:
            deadline, seen = time.monotonic() + 10, -1
            while time.monotonic() < deadline and seen != len(rebuilt):
                seen = len(rebuilt)
                time.sleep(0.5)

        settle()
        assert rebuilt, "the new folder's changes started no rebuild"
        w.take_changes()
        before = len(rebuilt)
        (tmp_path / "templates/base.html").write_text("C")  # an edit in the new folder
        settle()
        assert len(rebuilt) > before, "an edit in the folder made again was not seen"
        assert w.take_changes() == frozenset({"templates/base.html"})
    finally:
        w.stop()


def test_a_ctrl_c_while_the_watcher_starts_still_lets_it_stop(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Watching a large site's folders takes a moment, in the server's own thread: a
    Ctrl-C then came before the observer ran, and stopping it raised, so the server
    printed a traceback and left its folder."""
    w = Watcher(tmp_path, lambda: None)

    def interrupted() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(w, "_schedule_all", interrupted)
    with pytest.raises(KeyboardInterrupt):
        w.start()
    assert w.stop(wait=1)
