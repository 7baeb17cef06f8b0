"""Worker processes that start afresh (the `spawn` start method, the only one on
Windows) build exactly what forked workers and a single process build; and the limits
that keep a large build's memory flat change no byte."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import article, tree_digest, write_site

from newsgen.build import BuildOptions
from newsgen.build import build as build_site
from newsgen.errors import Reporter
from newsgen.incremental import fingerprint
from newsgen.incremental.cache import BuildCache
from newsgen.stages import parallel, views
from newsgen.stages.parallel import PARALLEL_MIN, Conversions, chunks


def build(site: Path, name: str, jobs: int, method: str | None) -> Path:
    env = {k: v for k, v in os.environ.items() if k != "NEWSGEN_START_METHOD"}
    if method is not None:
        env["NEWSGEN_START_METHOD"] = method
    out = site.parent / name
    proc = subprocess.run(
        [sys.executable, "-m", "newsgen", "build", "-s", str(site), "-o", str(out),
         "-j", str(jobs), "--now", "2024-12-19 12:00", "--cache-dir",
         str(site.parent / f"cache-{name}")],
        capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return out


def many_articles(tmp_path: Path) -> Path:
    count = 2 * Conversions.CHUNK  # enough to convert in workers, and to render in them
    files: dict[str, str | bytes] = {
        "newsgen.yaml": "title: Spawn\nbase_url: https://spawn.example/\nper_page: 5\n"}
    for i in range(count):
        files[f"content/general/s{i}.md"] = article(
            f"Story {i}", f"2024-{1 + i % 12:02d}-{1 + i % 18:02d} 10:00", "General",
            body=f"Body {i} with **bold** and a [link](s{(i + 1) % count}.md).",
            tags=f"[t{i % 7}]")
    return write_site(tmp_path / "site", files)


def test_spawned_workers_build_what_forked_workers_and_one_process_build(
        tmp_path: Path) -> None:
    site = many_articles(tmp_path)
    one = build(site, "one", 1, None)
    assert len(list(one.rglob("*.html"))) > PARALLEL_MIN
    spawned = build(site, "spawned", 2, "spawn")
    forked = build(site, "forked", 2, "fork")
    assert tree_digest(spawned) == tree_digest(one) == tree_digest(forked)


def test_render_tasks_are_small_and_cover_every_page_once_in_order() -> None:
    items = list(range(1000))
    tasks = chunks(items, 2, 16)
    assert [i for task in tasks for i in task] == items
    assert max(map(len, tasks)) == 16
    assert chunks(list(range(10)), 2, 16) == [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]


def test_small_tasks_and_few_kept_article_views_build_the_same_bytes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build of 100,000 articles renders in small tasks, a few at a time, and each
    process keeps a few thousand article views, so memory does not grow with the archive:
    with tasks of 3 pages and 2 views kept, every page is the same as with the defaults."""
    site = many_articles(tmp_path)
    outputs = []
    for name in ("defaults", "small"):
        if name == "small":
            monkeypatch.setattr(parallel, "RENDER_CHUNK", 3)
            monkeypatch.setattr(views.Context, "VIEWS", 2)
        out = tmp_path / name
        result = build_site(BuildOptions(site=site, output=out, jobs=2, use_cache=False,
                                         now="2024-12-19 12:00"), Reporter())
        assert result.rendered > PARALLEL_MIN
        outputs.append(tree_digest(out))
    assert outputs[0] == outputs[1]


def test_fingerprints_made_in_forked_workers_are_the_ones_made_in_one_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A large plan is fingerprinted in forked workers (entries first, then pages): every
    page's fingerprint is the one a single process makes, so the next build renders the
    same pages again."""
    site = many_articles(tmp_path)
    spread: list[int] = []
    fork_map = parallel.fork_map

    def counted(task: Any, count: int, workers: int) -> Any:
        spread.append(count)
        return fork_map(task, count, workers)

    monkeypatch.setattr(fingerprint, "fork_map", counted)
    prints = []
    for forked in (10**9, 1):
        monkeypatch.setattr(fingerprint, "FORKED", forked)
        out, cache = tmp_path / f"out-{forked}", tmp_path / f"cache-{forked}"
        build_site(BuildOptions(site=site, output=out, jobs=2, cache_dir=cache,
                                now="2024-12-19 12:00"), Reporter())
        state = BuildCache.load(cache, Reporter())
        prints.append(state.page_prints(out.resolve()))
        state.close()
    assert len(spread) == 2  # entries, then pages: only in the second build
    assert len(prints[0]) > 2 * Conversions.CHUNK
    assert prints[0] == prints[1]


def test_forked_workers_leave_what_they_inherit_to_the_parent_collector() -> None:
    """The dev server keeps the linked archive in memory and its collector on. A worker
    forked from it turns its own collector on: were the inherited objects not frozen, a
    full collection there walked (and so copied) the whole archive, and a new article's
    pages at 100,000 articles took three times as long to render. Each worker freezes
    what it inherited, and the server's own collector keeps all of it."""
    script = (
        "import gc\n"
        "from newsgen.stages.parallel import fork_map\n"
        "assert gc.isenabled() and not gc.get_freeze_count()\n"
        "archive = [[i] for i in range(50_000)]\n"
        "seen = fork_map(lambda part: [gc.get_freeze_count() for _ in part], 8, 2)\n"
        "print(min(seen), gc.get_freeze_count())\n")
    env = {k: v for k, v in os.environ.items() if k != "NEWSGEN_START_METHOD"}
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    in_workers, in_parent = map(int, proc.stdout.split())
    assert in_workers >= 50_000  # the archive is out of the workers' collector's reach
    assert in_parent == 0  # ... and the parent's collector still has it


def test_the_output_seal_is_the_same_from_a_forked_child_or_in_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the system cannot fork (Windows) the seal is made in the build's process:
    the same digest, which a file added anywhere changes."""
    from newsgen.output.seal import folders_of, seal, seal_meanwhile

    for rel in ("index.html", "general/index.html", "general/a/index.html"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(rel)
    files = ["index.html", "general/index.html", "general/a/index.html"]
    folders = folders_of(files, ["general/a/index.html"])
    assert folders == ("", "general")
    forked = seal_meanwhile(tmp_path, files, folders)()
    monkeypatch.delattr(os, "fork")
    assert forked == seal(tmp_path, files, folders) == seal_meanwhile(tmp_path, files, folders)()
    (tmp_path / "general/extra.js").write_text("x")
    assert seal(tmp_path, files, folders) != forked
    (tmp_path / "general/a/index.html").unlink()
    assert seal(tmp_path, files, folders) is None


def test_the_forked_seal_sees_a_file_added_to_any_folder(tmp_path: Path) -> None:
    """The child stats the files and the first half of the folders, the build the other
    half: a file added to any sealed folder changes the result, and every folder above
    a list's own folder is sealed, however deep."""
    from newsgen.output.seal import folders_of, seal, seal_meanwhile

    files = ["index.html", "en/index.html", "en/tags/index.html", "en/tags/solo/index.html",
             "en/news/a/index.html", "en/news/b/index.html", "en/deep/x/y/z/index.html",
             "ru/index.html"]
    articles = ["en/news/a/index.html", "en/news/b/index.html"]
    for rel in files:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(rel)
    folders = folders_of(files, articles)
    assert folders == ("", "en", "en/deep", "en/deep/x", "en/deep/x/y", "en/deep/x/y/z",
                       "en/news", "en/tags", "en/tags/solo", "ru")
    before = seal_meanwhile(tmp_path, files, folders)()
    assert before is not None and before == seal(tmp_path, files, folders)
    for folder in folders:  # (a file removed changes its folder's time too)
        now = seal(tmp_path, files, folders)
        (tmp_path / folder / "extra.txt").write_text("by hand")
        assert seal_meanwhile(tmp_path, files, folders)() != now, folder
    now = seal(tmp_path, files, folders)
    (tmp_path / "en/news/b/index.html").write_text("edited in place, one byte more")
    assert seal_meanwhile(tmp_path, files, folders)() != now
    (tmp_path / "en/news/b/index.html").unlink()
    assert seal_meanwhile(tmp_path, files, folders)() is None


@pytest.mark.parametrize("gone", [None, 1, -1], ids=["none", "child's", "build's"])
def test_a_staging_trees_seal_is_the_same_made_by_two_processes(
        tmp_path: Path, gone: int | None) -> None:
    """A large output's staging tree is stat'ed half by a forked child: the same parts as
    one process makes (so the next build trusts the output), and a file missing from
    either half stops the swap all the same; no child is left behind."""
    from newsgen.output.seal import _LIVE, after, folders_of, seal, staged

    files = sorted([f"s{i % 3}/a{i:02}/index.html" for i in range(30)] + ["index.html"])
    for rel in files:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(rel)
    folders = folders_of(files, files[1:])
    assert folders == ("", "s0", "s1", "s2")  # (the child's half: 17 files, the build's 14)
    if gone is not None:  # (the first file of the child's half, or the last of the build's)
        (tmp_path / files[gone]).unlink()
    split = staged(tmp_path, files, folders, split_from=0)
    alone = staged(tmp_path, files, folders, split_from=len(files) + 1)
    assert not _LIVE
    if gone is not None:
        assert split is None and alone is None
        return
    assert split is not None and split == alone
    assert after(tmp_path, split, folders) == seal(tmp_path, files, folders)


def _tree(root: Path) -> tuple[list[str], tuple[str, ...]]:
    from newsgen.output.seal import folders_of

    files = sorted([f"s{i % 3}/a{i:02}/index.html" for i in range(30)] + ["index.html"])
    for rel in files:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(rel)
    return files, folders_of(files, files[1:])


@pytest.mark.parametrize("said", [b"", b"+", b"+" + bytes(100)], ids=["nothing", "sign", "cut"])
def test_a_seal_s_child_that_dies_without_a_whole_answer_is_done_without(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, said: bytes) -> None:
    """A child killed before it answered, or halfway through its answer (an OOM kill; a
    Ctrl-C to the group): its half is stat'ed by the build, not taken for a file gone
    (which stopped a good swap) nor for a seal (which the next build found broken)."""
    from newsgen.output import seal

    files, folders = _tree(tmp_path)
    alone = seal.staged(tmp_path, files, folders, split_from=len(files) + 1)
    checked = seal.seal(tmp_path, files, folders)
    parent, real = os.getpid(), seal._files_part

    def dies(pipe: int, *_: object) -> None:
        os.write(pipe, said)
        os._exit(0)

    def dies_checking(root: Path, names: Any) -> bytes | None:
        if os.getpid() != parent:
            os._exit(0)  # (the check's child, before any answer)
        return real(root, names)

    monkeypatch.setattr(seal, "_answer_stats", dies)
    assert seal.staged(tmp_path, files, folders, split_from=0) == alone
    monkeypatch.setattr(seal, "_files_part", dies_checking)
    assert seal.seal_meanwhile(tmp_path, files, folders)() == checked
    assert not seal._LIVE


def test_a_seal_s_child_leaves_a_held_ctrl_c_held(tmp_path: Path) -> None:
    """During the swap Ctrl-C and SIGTERM are held back (newsgen.output.interrupt): making
    the staging tree's seal by two processes, or anything that holds them a moment
    itself (`interrupts_held`), lets them through only once the swap is done."""
    import signal

    from newsgen.output import seal
    from newsgen.signals import STOPS, interrupts_held

    files, folders = _tree(tmp_path)
    before = signal.pthread_sigmask(signal.SIG_BLOCK, STOPS)
    try:
        assert seal.staged(tmp_path, files, folders, split_from=0) is not None
        with interrupts_held():
            pass
        assert signal.pthread_sigmask(signal.SIG_BLOCK, set()) >= STOPS
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
    assert not STOPS & signal.pthread_sigmask(signal.SIG_BLOCK, set())


@pytest.mark.parametrize("moment", ["stats", "read", "never"])
def test_a_stop_while_the_seal_is_collected_leaves_no_child(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    """Ctrl-C or SIGTERM while the build stats its half, while it reads the child's, or
    before it asks for it (the build's state then abandons it as it closes): the child
    was left running, then a zombie, holding the build's output streams open (a CI log
    waited for it)."""
    from newsgen.output import seal

    files = [f"s{i}/index.html" for i in range(3)]
    for rel in files:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(rel)
    folders = seal.folders_of(files, [])

    def stopped(*_: object, **__: object) -> bytes:
        raise KeyboardInterrupt

    children = Path(f"/proc/{os.getpid()}/task/{threading.get_native_id()}/children")
    before = set(children.read_text().split())
    sealing = seal.seal_meanwhile(tmp_path, files, folders)
    (child,) = set(children.read_text().split()) - before
    if moment == "never":
        seal.abandon_all()
    else:
        # (the child has its own, forked before)
        monkeypatch.setattr(*(seal, "_stats") if moment == "stats" else (os, "read"), stopped)
        with pytest.raises(KeyboardInterrupt):
            sealing()
        monkeypatch.undo()
    assert child not in children.read_text().split()
    with pytest.raises(ChildProcessError):  # reaped: not even a zombie is left
        os.waitpid(int(child), os.WNOHANG)
    assert sealing() is None  # (asked again: nothing more to say)
