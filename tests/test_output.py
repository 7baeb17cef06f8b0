"""Safety of the output (contract section 6): refused folders, atomic replacement,
modification times, stale files, determinism."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import NOW, article, newsgen, tree_digest, write_site

from newsgen.build import BuildOptions, build
from newsgen.errors import Reporter
from newsgen.output.guard import MARKER, check_output_dir, safe_relpath
from newsgen.output.writer import Writer
from newsgen.stages.kinds import Page

SITE = {
    "content/general/one.md": article("One", "2024-12-10"),
    "content/general/two.md": article("Two", "2024-12-11"),
    "content/general/pic.txt": "an asset",
    "static/favicon.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
}


def make(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", SITE)


@pytest.mark.parametrize("target", [".", "..", "site", "site/content", "site/content/x",
                                    "site/templates", "site/static/out"])
def test_refused_output_folders(tmp_path: Path, target: str) -> None:
    site = make(tmp_path)
    (site / "templates").mkdir()
    before = tree_digest(tmp_path)
    run = newsgen("build", "-s", site, "-o", target, cwd=site if target == "." else tmp_path)
    assert run.code == 1
    assert "refusing to write" in run.err
    assert tree_digest(tmp_path) == before


@pytest.mark.parametrize("target", ["content/cache", "static/c", "templates/c", ".", ".."])
def test_a_cache_folder_among_the_sources_is_refused(tmp_path: Path, target: str) -> None:
    """A state folder under content/ or static/ would be published (its database in the
    output) or break the next build, and one holding the site would make "delete it at
    any time" delete the sources: refused before anything is written."""
    site = make(tmp_path)
    (site / "templates").mkdir()
    before = tree_digest(tmp_path)
    run = newsgen("build", "-s", site, "--cache-dir", site / target, "--now", NOW)
    assert run.code == 1
    assert "refusing to keep the build state in" in run.err
    assert tree_digest(tmp_path) == before


@pytest.mark.parametrize(("option", "target", "why"), [
    ("-o", "notes.txt/site", "would be inside notes.txt, which is a file, not a folder"),
    ("--cache-dir", "notes.txt", "is a file, or inside one: name a folder"),
    ("--cache-dir", "notes.txt/state", "is a file, or inside one: name a folder"),
    ("--cache-dir", "newsgen.yaml", "is the site's configuration file")])
def test_a_file_where_a_folder_goes_is_refused_in_words(tmp_path: Path, option: str,
                                                         target: str, why: str) -> None:
    site = make(tmp_path)
    write_site(site, {"notes.txt": "mine", "newsgen.yaml": "title: T\n"})
    before = tree_digest(tmp_path)
    run = newsgen("build", "-s", site, option, target, "--now", NOW, cwd=site)
    assert run.code == 1
    what = "write to" if option == "-o" else "keep the build state in"
    assert run.err.rstrip().splitlines()[-1] == (
        f"newsgen: error: refusing to {what} {target}: it {why}"), run.err
    assert tree_digest(tmp_path) == before


def test_a_refused_folder_still_shows_every_error_of_the_sources(tmp_path: Path) -> None:
    """All errors in one run: an output folder that newsgen may not replace is said (by
    its path in the site) after the articles' own errors, which are checked all the same
    (templates on one page of each kind); nothing is written anywhere. A state folder
    among the sources is the command line's mistake: said at once, by its path."""
    site = make(tmp_path)
    write_site(site, {"content/general/bad.md": article("Bad", "2024-13-45"),
                      "dist/keep.txt": "mine"})
    before = tree_digest(tmp_path)
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 1
    assert "content/general/bad.md:3: error: date: '2024-13-45' is not a date" in run.err
    assert run.err.rstrip().splitlines()[-1].startswith(
        "newsgen: error: refusing to write to dist: it is not empty"), run.err
    run = newsgen("build", "-s", site, "-o", tmp_path / "elsewhere", "--cache-dir",
                  site / "static/state", "--now", NOW)
    assert run.code == 1 and "bad.md" not in run.err, run.err
    assert "refusing to keep the build state in static/state: it" in run.err
    assert tree_digest(tmp_path) == before
    assert not (site / ".newsgen-cache").exists() and not (tmp_path / "elsewhere").exists()


def test_refuses_home_root_empty_and_foreign_folders(tmp_path: Path) -> None:
    site = make(tmp_path)
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "precious.txt").write_text("keep me")
    with_git = tmp_path / "withgit"
    (with_git / ".git").mkdir(parents=True)
    (with_git / MARKER).write_text("x")
    before = tree_digest(tmp_path)
    for target in [str(foreign), str(with_git), "/", str(Path.home()), ""]:
        run = newsgen("build", "-s", site, "-o", target)
        assert run.code == (2 if target == "" else 1), target  # (empty: a usage error)
        assert "error" in run.err
    assert tree_digest(tmp_path) == before


def test_empty_and_new_folders_are_accepted(tmp_path: Path) -> None:
    site = make(tmp_path)
    (tmp_path / "empty").mkdir()
    assert newsgen("build", "-s", site, "-o", tmp_path / "empty").code == 0
    assert newsgen("build", "-s", site, "-o", tmp_path / "new" / "deeper").code == 0
    assert (tmp_path / "new/deeper/index.html").is_file()


def test_relative_output_is_from_the_working_directory(tmp_path: Path) -> None:
    site = make(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    assert newsgen("build", "-s", site, "-o", "out", cwd=work).code == 0
    assert (work / "out/index.html").is_file()
    assert not (site / "out").exists()


def test_unchanged_files_keep_mtime_and_stale_files_go(tmp_path: Path) -> None:
    site = make(tmp_path)
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    dist = site / "dist"
    mtimes = {p.relative_to(dist): p.stat().st_mtime_ns for p in dist.rglob("*") if p.is_file()}
    time.sleep(0.05)
    (site / "content/general/two.md").unlink()
    write_site(site, {"content/general/one.md": article("One", "2024-12-10", body="Changed.")})
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    assert not (dist / "general/two").exists()
    after = {p.relative_to(dist): p.stat().st_mtime_ns for p in dist.rglob("*") if p.is_file()}
    assert after[Path("general/one/index.html")] != mtimes[Path("general/one/index.html")]
    for unchanged in ["favicon.svg", "general/pic.txt", "assets/newsgen.css", "404.html"]:
        assert after[Path(unchanged)] == mtimes[Path(unchanged)], unchanged


def test_building_twice_gives_identical_files(tmp_path: Path) -> None:
    site = make(tmp_path)
    assert newsgen("build", "-s", site, "-o", tmp_path / "a", "--now", NOW).code == 0
    assert newsgen("build", "-s", site, "-o", tmp_path / "b", "--now", NOW).code == 0
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b")


def test_files_changed_in_the_output_by_hand_are_made_again(tmp_path: Path) -> None:
    """The output depends only on the sources: a page deleted, a page edited in place
    (sharing its bytes with the standby tree by a hard link), a file added by hand, are
    undone by the next build, even one that finds no source changed, and stay undone
    over the builds after it (a deleted page used to come back every other build)."""
    site = make(tmp_path)
    dist = site / "dist"
    clean = tmp_path / "clean"
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    assert newsgen("build", "-s", site, "--now", NOW, "-o", clean).code == 0
    page = dist / "general/one/index.html"
    kept = (dist / "assets/newsgen.css").stat().st_mtime_ns
    for spoil in (page.unlink, lambda: page.open("a").write("<!-- by hand -->"),
                  lambda: (dist / "CNAME").write_text("example.org"),
                  lambda: (dist / "general/extra.js").write_text("x"),
                  # the same bytes, but a link to a file outside: never kept as it is
                  lambda: (shutil.copy(page, tmp_path / "outside.html"), page.unlink(),
                           page.symlink_to(tmp_path / "outside.html")),
                  lambda: shutil.rmtree(dist / "general")):
        spoil()
        said = newsgen("check", "-s", site, "--now", NOW)  # writes nothing, says nothing
        assert "made again" not in said.err, said.err
        run = newsgen("build", "-s", site, "--now", NOW)
        assert run.code == 0, run.err
        assert (".newsgen-cache: warning: dist: files in it were changed, added or removed "
                "since the last build; it is made again from the sources (files to publish "
                "go in static/)") in run.warnings(), run.err
        assert tree_digest(dist) == tree_digest(clean)
        assert not page.is_symlink()
        for _ in range(2):  # and it stays so, over a publish and another build
            write_site(site, {"content/general/three.md": article("Three", "2024-12-11")})
            assert newsgen("build", "-s", site, "--now", NOW).code == 0
            (site / "content/general/three.md").unlink()
            run = newsgen("build", "-s", site, "--now", NOW)
            assert not [w for w in run.warnings() if "written again" in w], run.err
            assert tree_digest(dist) == tree_digest(clean)
    # A file whose bytes never changed kept its time through all of it.
    assert (dist / "assets/newsgen.css").stat().st_mtime_ns == kept


@pytest.mark.parametrize("folder", ["tags/solo", "authors/ann"])
def test_a_file_added_to_a_one_page_list_folder_is_seen(tmp_path: Path, folder: str) -> None:
    # A tag's or an author's folder with one page holds no folder, and the seal took only
    # folders that hold folders: the file stayed unseen, lived on in the standby tree, and
    # came back on every other build, so an incremental build differed from a clean one.
    site = write_site(tmp_path / "site", {
        **SITE, "content/general/three.md": article("Three", "2024-12-12", tags="[solo]",
                                                    author="Ann")})
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    (site / "dist" / folder / "x.html").write_text("by hand")
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0 and "files in it were changed, added or removed" in run.err, run.err
    for round in range(4):  # and it never comes back
        (site / "content/general/two.md").write_text(article("Two", "2024-12-11",
                                                             body=f"Edit {round}."))
        assert newsgen("build", "-s", site, "--now", NOW).code == 0
        clean = tmp_path / f"clean{round}"
        assert newsgen("build", "-s", site, "--now", NOW, "-o", clean, "--cache-dir",
                       tmp_path / f"state{round}").code == 0
        assert tree_digest(site / "dist") == tree_digest(clean)


@pytest.mark.parametrize("when", ["link", "fingerprint", "commit"])
def test_deleting_the_state_folder_during_a_build_is_safe(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, when: str) -> None:
    """Deleting .newsgen-cache/ at any time is safe: also while a build reads its
    database, or has its next output half-made in the staging tree there. The build
    runs again afresh and succeeds, and reports only what that run found."""
    from newsgen.incremental.state import IncrementalBuild
    from newsgen.outcome import attempt

    site = make(tmp_path)
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    write_site(site, {"content/general/one.md": article("One", "2024-12-10", body="New.")})
    assert newsgen("build", "-s", site, "--now", NOW, "-o", tmp_path / "clean").code == 0
    cls, name = (Writer, "commit") if when == "commit" else (IncrementalBuild, when)
    original = getattr(cls, name)
    deleted: list[bool] = []

    def delete_first(self: object, *args: object, **kwargs: object) -> object:
        if not deleted:
            shutil.rmtree(site / ".newsgen-cache")
            deleted.append(True)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(cls, name, delete_first)
    reporter = Reporter()
    outcome = attempt(BuildOptions(site=site, now=NOW, jobs=1), reporter)
    assert deleted and outcome.result is not None, (outcome.failure, reporter.diagnostics)
    assert not reporter.errors
    assert tree_digest(site / "dist") == tree_digest(tmp_path / "clean")


def test_a_deletion_inside_the_output_it_swapped_in_is_made_good(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`rm -rf .newsgen-cache` that is inside the staging tree when the build swaps it in
    goes on deleting in the new output (it holds the folder open). The build finds the
    state folder deleted and its output short of files, and makes it again: it ends
    with the whole output, not an empty one and exit status 0."""
    from newsgen.outcome import attempt

    site = make(tmp_path)
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    write_site(site, {"content/general/one.md": article("One", "2024-12-10", body="New.")})
    assert newsgen("build", "-s", site, "--now", NOW, "-o", tmp_path / "clean").code == 0
    commit = Writer.commit
    runs: list[bool] = []

    def swapped_in_while_deleted(self: Writer) -> None:
        commit(self)
        if not runs:  # as rm -rf would: the output's files, then the state folder
            for page in (site / "dist").rglob("*.html"):
                page.unlink()
            (site / "dist" / MARKER).unlink()
            shutil.rmtree(site / ".newsgen-cache")
        elif self.standby_path is not None and self.standby_path.is_dir():
            # ... and it goes on in the tree it was in, now the standby
            for file in [f for f in self.standby_path.rglob("*") if f.is_file()]:
                file.unlink()
        runs.append(True)

    monkeypatch.setattr(Writer, "commit", swapped_in_while_deleted)
    reporter = Reporter()
    outcome = attempt(BuildOptions(site=site, now=NOW, jobs=1), reporter)
    assert outcome.result is not None and len(runs) == 2, (outcome.failure, runs)
    assert tree_digest(site / "dist") == tree_digest(tmp_path / "clean")
    # The short tree, swapped out as the standby, is not built on by a later publish.
    monkeypatch.undo()
    write_site(site, {"content/general/three.md": article("Three", "2024-12-11")})
    for out in (site / "dist", tmp_path / "clean"):
        assert newsgen("build", "-s", site, "--now", NOW, "-o", out).code == 0
    assert tree_digest(site / "dist") == tree_digest(tmp_path / "clean")


def test_only_output_and_cache_are_written(tmp_path: Path) -> None:
    site = make(tmp_path)
    before = tree_digest(site)
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    after = tree_digest(site)
    new = {k for k in after if k not in before}
    assert all(k.startswith(("dist/", ".newsgen-cache/")) for k in new), new
    assert {k: v for k, v in after.items() if k in before} == before


def test_exception_while_rendering_keeps_old_output(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    site = make(tmp_path)
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    before = tree_digest(site / "dist")
    from newsgen.stages import render

    calls = {"n": 0}
    original = render.Renderer.render

    def flaky(self: render.Renderer, page: Page) -> bytes:
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("injected")
        return original(self, page)

    monkeypatch.setattr(render.Renderer, "render", flaky)
    write_site(site, {"content/general/three.md": article("Three", "2024-12-12")})
    with pytest.raises(RuntimeError, match="injected"):
        build(BuildOptions(site=site, now=NOW), Reporter())
    assert tree_digest(site / "dist") == before
    assert not [p for p in site.iterdir() if "staging" in p.name]


def test_full_disk_keeps_old_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make(tmp_path)
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    before = tree_digest(site / "dist")
    write_site(site, {"content/general/three.md": article("Three", "2024-12-12")})
    real_open = open
    count = {"n": 0}

    def full_open(file, mode="r", *args, **kwargs):  # type: ignore[no-untyped-def]
        if "w" in str(mode) and "staging" in str(file):
            count["n"] += 1
            if count["n"] > 3:
                raise OSError(errno.ENOSPC, "No space left on device", str(file))
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", full_open)
    with pytest.raises(OSError, match="No space left"):
        build(BuildOptions(site=site, now=NOW), Reporter())
    monkeypatch.undo()
    assert tree_digest(site / "dist") == before
    assert not [p for p in site.iterdir() if "staging" in p.name]
    # The half-made tree is gone at once, not left in the trash: a full disk is not
    # kept full for the next build.
    cache = site / ".newsgen-cache"
    assert not [p for p in cache.rglob("*") if p.is_file()
                and p.relative_to(cache).parts[0] in ("trash", "staging")]


def test_a_full_disk_under_the_state_is_said_as_such(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # SQLite's "database or disk is full" used to be called "internal error (a bug in
    # newsgen)", with a traceback hint, in a CI log whose disk had filled up.
    import sqlite3

    from newsgen.incremental.cache import BuildCache
    from newsgen.outcome import attempt

    site = make(tmp_path)
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    before = tree_digest(site / "dist")
    write_site(site, {"content/general/three.md": article("Three", "2024-12-12")})

    def full(self: object, *args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(BuildCache, "add_bodies", full)
    outcome = attempt(BuildOptions(site=site, now=NOW), Reporter())
    assert outcome.result is None
    assert outcome.failure == ("error: the build state in .newsgen-cache cannot be written: "
                               "database or disk is full; the output folder was left as it "
                               "was")
    assert outcome.detail is None  # no traceback to show
    assert tree_digest(site / "dist") == before


def _kill_rounds(tmp_path: Path, articles: int, rounds: int, seed: int) -> dict[str, int]:
    """SIGKILL builds at random moments; the output must always be one complete build."""
    import random

    rng = random.Random(seed)
    files = {f"content/s{i % 5}/a{i}.md": article(f"Article {i}", f"2024-{1 + i % 12:02d}-10",
                                                  f"S{i % 5}", body="Text. " * 80,
                                                  tags=f"[t{i % 7}]")
             for i in range(articles)}
    versions = {
        "A": {"content/s0/a0.md": files["content/s0/a0.md"]},
        "B": {"content/s0/a0.md": article("Retitled", "2024-01-10", "S0", tags="[t0]")},
    }
    site = write_site(tmp_path / "site", files)
    refs = {}
    for name, change in versions.items():
        write_site(site, change)
        assert newsgen("build", "-s", site, "-o", tmp_path / f"ref-{name}", "--now", NOW,
                       "--cache-dir", tmp_path / f"refcache-{name}").code == 0
        refs[name] = tree_digest(tmp_path / f"ref-{name}")
    assert refs["A"] != refs["B"]
    write_site(site, versions["A"])
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    state = "A"
    outcomes = {"old": 0, "new": 0}
    for _ in range(rounds):
        target = "B" if state == "A" else "A"
        write_site(site, versions[target])
        if rng.random() < 0.3:  # sometimes a cold build: no cache
            import shutil

            shutil.rmtree(site / ".newsgen-cache", ignore_errors=True)
        proc = subprocess.Popen([sys.executable, "-m", "newsgen", "build", "-s", str(site),
                                 "--now", NOW, "-q"])
        time.sleep(rng.uniform(0.05, 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = tree_digest(site / "dist")
        assert now in (refs["A"], refs["B"]), "half-written output after a kill"
        if now == refs[target]:
            outcomes["new"] += 1
            state = target
        else:
            outcomes["old"] += 1
    # The next build cleans up whatever a kill left behind beside the output.
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    assert not [p for p in site.iterdir() if p.name.startswith(".newsgen-staging")]
    assert not list((site / ".newsgen-cache" / "staging").glob(".newsgen-staging*"))
    return outcomes


def test_killed_builds_leave_old_or_new_output(tmp_path: Path) -> None:
    """20 kills of a 1,500-article build at random moments: nothing is half-written."""
    outcomes = _kill_rounds(tmp_path, 1500, 20, seed=7)
    assert outcomes["old"] + outcomes["new"] == 20
    assert outcomes["old"] > 0  # some kills did land mid-build


@pytest.mark.slow
def test_killed_builds_many(tmp_path: Path) -> None:
    _kill_rounds(tmp_path, 4000, 60, seed=11)


def test_safe_relpath_rejects_escapes() -> None:
    for bad in ["../x", "/etc/passwd", "a/../../b", "a\\b", "a\x00b", "", "./a", "a//b"]:
        with pytest.raises(ValueError):
            safe_relpath(bad)
    assert safe_relpath("a/b/index.html") == "a/b/index.html"


def test_writer_refuses_a_path_twice(tmp_path: Path) -> None:
    writer = Writer(tmp_path / "out")
    writer.begin()
    writer.write("a/index.html", b"x")
    with pytest.raises(ValueError, match="twice"):
        writer.write("a/index.html", b"y")
    writer.abort()
    assert not (tmp_path / "out").exists()


def test_check_writes_nothing_not_even_in_the_state_folder(tmp_path: Path) -> None:
    """`newsgen check` validates everything and writes nothing: with a state folder from a
    build, it reads the state (its answers are as quick as a build's) without SQLite's
    log and shared-memory files, and leaves every file and folder time as it was; an
    edited article is checked from its new bytes."""
    site = make(tmp_path)
    assert newsgen("build", "-s", site, "--now", NOW).code == 0

    def times() -> dict[str, int]:
        return {str(p): p.stat().st_mtime_ns for p in [site, *site.rglob("*")]}

    before, digest = times(), tree_digest(site)
    time.sleep(0.05)
    run = newsgen("check", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    assert times() == before and tree_digest(site) == digest
    write_site(site, {"content/general/one.md": article("One", "2024-12-18 10:30",
                                                        body="See [gone](gone.md).")})
    before, digest = times(), tree_digest(site)
    time.sleep(0.05)
    run = newsgen("check", "-s", site, "--now", NOW)
    assert run.code == 1 and "gone.md" in run.err, run.err
    assert times() == before and tree_digest(site) == digest


def test_check_output_dir_accepts_own_output(tmp_path: Path) -> None:
    site = make(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / MARKER).write_text("x")
    (out / "index.html").write_text("old")
    assert check_output_dir(out, site) is None
    os.remove(out / MARKER)
    assert check_output_dir(out, site) is not None


def test_a_publish_swaps_in_the_standby_changed_only_where_needed(tmp_path: Path) -> None:
    """The previous output stays as the standby; the next build changes only the files
    that differ and swaps it in. Unchanged files are the very same files (same inode)."""
    site = make(tmp_path)
    dist = site / "dist"

    def inodes() -> dict[str, int]:
        return {p.relative_to(dist).as_posix(): p.stat().st_ino
                for p in dist.rglob("*") if p.is_file()}

    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    first_tree, first_files = dist.stat().st_ino, inodes()
    standby = list((site / ".newsgen-cache" / "staging").glob(".newsgen-standby-*"))
    assert len(standby) == 1  # a first output gets its standby at once
    write_site(site, {"content/general/three.md": article("Three", "2024-12-12")})
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    second_tree, second_files = dist.stat().st_ino, inodes()
    assert second_tree != first_tree
    assert second_files["general/three/index.html"]
    same = [p for p in first_files if second_files.get(p) == first_files[p]]
    assert {"404.html", "favicon.svg", "robots.txt", "assets/newsgen.css"} <= set(same)
    # The home page lists the new article: a new file, the old one is in the standby.
    assert second_files["index.html"] != first_files["index.html"]
    before = tree_digest(dist)
    (site / "content/general/three.md").unlink()
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    assert dist.stat().st_ino == first_tree  # the first tree, brought up to date
    assert tree_digest(dist) != before
    assert not (dist / "general/three").exists()
    clean = newsgen("build", "-s", site, "--now", NOW, "-o", tmp_path / "clean",
                    "--cache-dir", tmp_path / "clean-cache")
    assert clean.code == 0
    assert tree_digest(dist) == tree_digest(tmp_path / "clean")


def test_a_killed_build_leaves_no_worker_behind(tmp_path: Path) -> None:
    """Worker processes end with their build, silently, even under SIGKILL."""
    files = {f"content/general/w{i}.md": article(f"W {i}", "2024-12-10", body="Text. " * 200)
             for i in range(400)}
    site = write_site(tmp_path / "site", files)
    proc = subprocess.Popen([sys.executable, "-m", "newsgen", "build", "-s", str(site),
                             "--now", NOW, "-j", "2"], stderr=subprocess.PIPE)
    children: list[int] = []
    deadline = time.monotonic() + 60
    while not children and proc.poll() is None and time.monotonic() < deadline:
        try:
            text = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text()
            children = [int(c) for c in text.split()]
        except OSError:
            pass
        time.sleep(0.01)
    assert children, "the build never started its workers"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    for _ in range(200):
        if not any(Path(f"/proc/{c}").exists() for c in children):
            break
        time.sleep(0.05)
    alive = [c for c in children if Path(f"/proc/{c}").exists()
             and "Z" not in Path(f"/proc/{c}/stat").read_text().split(")")[-1][:3]]
    assert not alive, "workers outlived their build"
    assert proc.stderr is not None
    assert b"Traceback" not in proc.stderr.read()


def test_changes_says_whether_the_output_differs_from_the_last_builds(tmp_path: Path) -> None:
    """`newsgen build --changes FILE`, as a scheduled CI job uses it: a new checkout
    (no dist/, the state restored) that builds the same site reports no change."""
    from conftest import article, newsgen, write_site

    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "title: Changes\nbase_url: https://changes.example/\n",
        "content/general/a.md": article("First", "2024-12-18 10:00"),
        "content/general/later.md": article("Embargoed", "2024-12-19 18:00"),
    })
    report = tmp_path / "report"

    def build(now: str) -> dict[str, str]:
        report.write_text("")
        run = newsgen("build", "-s", site, "--now", now, "--changes", report)
        assert run.code == 0, run.err
        lines = dict(line.split("=", 1) for line in report.read_text().split())
        assert set(lines) == {"changed", "digest"}
        if lines["changed"] == "false":
            assert "nothing to publish" in run.err
        return lines

    first = build("2024-12-19 12:00")
    assert first["changed"] == "true"
    assert build("2024-12-19 12:00") == {**first, "changed": "false"}  # nothing to do
    shutil.rmtree(site / "dist")  # a new CI checkout, the state restored
    (site / "content/general/a.md").touch()  # and every file's time is new
    assert build("2024-12-19 12:00") == {**first, "changed": "false"}
    embargo = build("2024-12-19 19:00")  # the embargoed article is due
    assert embargo["changed"] == "true" and embargo["digest"] != first["digest"]


def test_a_changes_file_that_cannot_be_written_stops_before_anything_is_written(
        tmp_path: Path) -> None:
    from conftest import article, newsgen, write_site

    site = write_site(tmp_path / "site", {"newsgen.yaml": "title: C\ndescription: C\n",
                                          "content/general/a.md": article("A")})
    run = newsgen("build", "-s", site, "--changes", tmp_path / "no/such/folder/report")
    assert run.code == 1
    assert run.err.strip() == (f"newsgen: error: --changes {tmp_path / 'no/such/folder/report'}: "
                               "No such file or directory; nothing was written")
    assert not (site / "dist").exists()


def test_a_system_error_names_the_file_as_the_site_names_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An error from the system (a file made immutable, a folder no longer writable) says
    the file first and relative to the site, as every other message does."""
    from newsgen import outcome as outcomes

    site = make(tmp_path)

    def refused(*_: object, **__: object) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted", str(site / "dist"))

    monkeypatch.setattr(outcomes, "build", refused)
    outcome = outcomes.attempt(BuildOptions(site=site, now=NOW), Reporter())
    assert outcome.failure == ("error: dist: Operation not permitted; the output folder "
                               "was left as it was")


@pytest.mark.parametrize("put", ["file", "folder"])
def test_an_output_replaced_while_a_build_runs_is_left_as_it_is(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, put: str) -> None:
    """The output is checked when a build starts; one replaced by a file or a folder of
    someone else's while it ran was swapped into the build state's trash and deleted."""
    from newsgen.outcome import attempt

    site = make(tmp_path)
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    write_site(site, {"content/general/three.md": article("Three", "2024-12-11")})
    real = Writer.commit

    def commit(self: Writer) -> None:
        shutil.rmtree(site / "dist")
        if put == "file":
            (site / "dist").write_text("a user's notes")
        else:
            write_site(site / "dist", {"notes.txt": "a user's notes"})
        real(self)

    monkeypatch.setattr(Writer, "commit", commit)
    outcome = attempt(BuildOptions(site=site, now=NOW), Reporter())
    what = "a file" if put == "file" else "a folder newsgen did not make"
    assert outcome.failure == (f"error: refusing to write to dist: it was replaced by {what} "
                               "while this build ran")
    kept = site / "dist" if put == "file" else site / "dist/notes.txt"
    assert kept.read_text() == "a user's notes"
    monkeypatch.undo()  # the notes moved away, the next build makes the output whole
    kept.rename(tmp_path / "notes.txt")
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    assert newsgen("build", "-s", site, "--now", NOW, "-o", tmp_path / "clean").code == 0
    assert tree_digest(site / "dist") == tree_digest(tmp_path / "clean")


def _same_as_clean(site: Path, tmp_path: Path, name: str) -> None:
    """The site's output is a clean build's (another output and state folder), byte for
    byte, and a build after it starts from it ("nothing changed", not a refusal)."""
    clean = newsgen("build", "-s", site, "--now", NOW, "-o", tmp_path / name,
                    "--cache-dir", tmp_path / f"{name}-cache")
    assert clean.code == 0, clean.err
    assert tree_digest(site / "dist") == tree_digest(tmp_path / name)
    again = newsgen("build", "-s", site, "--now", NOW)
    assert again.code == 0 and "nothing changed" in again.err, again.err


def test_a_standby_that_lost_files_gives_a_whole_output(tmp_path: Path) -> None:
    """A cache cleaned by age (`find .newsgen-cache -type f -mtime +30 -delete`) took
    files from the standby tree, which a publish took for settled: the output lacked
    them (exit 0), its marker too, and every later build refused it (a review)."""
    site = make(tmp_path)
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    write_site(site, {"content/general/one.md": article("One", "2024-12-10", body="A.")})
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    standby = next((site / ".newsgen-cache" / "staging").glob(".newsgen-standby-*"))
    for file in [f for f in standby.rglob("*") if f.is_file()]:
        if file.name != "index.html" or file.parent.name == "two":
            file.unlink()  # the older files: all but some article pages
    write_site(site, {"content/general/one.md": article("One", "2024-12-10", body="B.")})
    built = newsgen("build", "-s", site, "--now", NOW)
    assert built.code == 0, built.err
    assert (site / "dist" / MARKER).is_file()
    _same_as_clean(site, tmp_path, "clean")


def test_a_file_that_becomes_a_folder_and_back_builds_as_a_clean_build(tmp_path: Path) -> None:
    """`static/thing` a file, then a folder `static/thing/inner.txt`, then a file again:
    the standby still had the old shape, and a publish failed with "Not a directory"
    ("Is a directory" the other way), in CI on every run (a review)."""
    site = make(tmp_path)
    write_site(site, {"static/thing": "a file\n"})
    for body in ("A.", "B."):  # the standby is the output one build behind: both shapes
        write_site(site, {"content/general/one.md": article("One", "2024-12-10", body=body)})
        assert newsgen("build", "-s", site, "--now", NOW).code == 0
    (site / "static/thing").unlink()
    write_site(site, {"static/thing/inner.txt": "now a folder\n"})
    built = newsgen("build", "-s", site, "--now", NOW)
    assert built.code == 0, built.err
    assert (site / "dist/thing/inner.txt").read_text() == "now a folder\n"
    _same_as_clean(site, tmp_path, "clean-folder")
    shutil.rmtree(site / "static/thing")
    write_site(site, {"static/thing": "a file again\n"})
    for body in ("C.", "D."):
        write_site(site, {"content/general/one.md": article("One", "2024-12-10", body=body)})
        built = newsgen("build", "-s", site, "--now", NOW)
        assert built.code == 0, built.err
    assert (site / "dist/thing").read_text() == "a file again\n"
    _same_as_clean(site, tmp_path, "clean-file")


def test_a_staging_tree_short_of_a_file_is_never_swapped_in(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file gone from the staging tree before the swap (the standby lost it, `rm` under
    the build) is seen by the seal made before the swap: nothing is swapped in, and the
    build runs again, staging a whole tree; never a short output with exit status 0."""
    from newsgen.outcome import attempt

    site = make(tmp_path)
    for body in ("A.", "B."):
        write_site(site, {"content/general/one.md": article("One", "2024-12-10", body=body)})
        assert newsgen("build", "-s", site, "--now", NOW).code == 0
    write_site(site, {"content/general/one.md": article("One", "2024-12-10", body="C.")})
    prune = Writer._prune
    runs: list[str | None] = []

    def losing_a_file(self: Writer) -> frozenset[str]:
        gone = prune(self)
        if not runs and self.staging is not None:
            (self.staging / "404.html").unlink()
        runs.append(str((site / "dist").stat().st_ino))  # (the output, as each try began)
        return gone

    monkeypatch.setattr(Writer, "_prune", losing_a_file)
    outcome = attempt(BuildOptions(site=site, now=NOW, jobs=1), Reporter())
    assert outcome.result is not None and len(runs) == 2, (outcome.failure, runs)
    assert runs[0] == runs[1]  # the output before the second try: the first swapped nothing
    monkeypatch.undo()
    _same_as_clean(site, tmp_path, "clean")
