"""What a CI job is told: `--changes` never says `false` for an output it never reported,
a state folder it cannot write is said as such, and a cancel ends quietly."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from conftest import NOW, article, newsgen, tree_digest, write_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsgen.build import BuildOptions, OutputRefused, build
from newsgen.errors import Reporter
from newsgen.incremental.outputs import OutputRecords
from newsgen.output.guard import check_cache_dir


def make(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", {
        "newsgen.yaml": "title: Reports\ndescription: D\nbase_url: https://r.example/\n",
        "content/general/a.md": article("First", "2024-12-18 10:00"),
    })


def report(path: Path) -> dict[str, str]:
    lines = dict(line.split("=", 1) for line in path.read_text().split())
    path.write_text("")
    return lines


def test_a_report_that_cannot_be_written_once_published_is_made_again(tmp_path: Path) -> None:
    site, changes = make(tmp_path), tmp_path / "changes"
    assert newsgen("build", "-s", site, "--now", NOW, "--changes", changes).code == 0
    assert report(changes)["changed"] == "true"
    write_site(site, {"content/general/a.md": article("Retitled", "2024-12-18 10:00")})
    run = newsgen("build", "-s", site, "--now", NOW, "--changes", "/dev/full")
    assert run.code == 1
    assert ("newsgen: error: --changes /dev/full: No space left on device; the output was "
            "published, and the next build reports it as changed") in run.err
    assert "Retitled" in (site / "dist/general/a/index.html").read_text()
    run = newsgen("build", "-s", site, "--now", NOW, "--changes", changes)
    assert run.code == 0, run.err
    said = report(changes)
    assert said["changed"] == "true"  # not "false": nobody was told of this output
    run = newsgen("build", "-s", site, "--now", NOW, "--changes", changes)
    assert report(changes) == {**said, "changed": "false"}


def test_a_build_without_changes_in_between_is_not_taken_for_the_reported_one(
        tmp_path: Path) -> None:
    """A CI job reports A; someone builds B into the same folder without --changes; the
    job builds A again: the folder changed since the last build (B's), so `true`."""
    site, changes = make(tmp_path), tmp_path / "changes"
    assert newsgen("build", "-s", site, "--now", NOW, "--changes", changes).code == 0
    assert report(changes)["changed"] == "true"
    first = (site / "content/general/a.md").read_text()
    write_site(site, {"content/general/a.md": article("Retitled", "2024-12-18 10:00")})
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    (site / "content/general/a.md").write_text(first)
    assert newsgen("build", "-s", site, "--now", NOW, "--changes", changes).code == 0
    assert report(changes)["changed"] == "true"
    # ... and a build without --changes that changes nothing forgets nothing
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    assert newsgen("build", "-s", site, "--now", NOW, "--changes", changes).code == 0
    assert report(changes)["changed"] == "false"
    # one that only removed a file did change the output
    write_site(site, {"static/x.txt": "hello"})
    assert newsgen("build", "-s", site, "--now", NOW, "--changes", changes).code == 0
    assert report(changes)["changed"] == "true"
    (site / "static/x.txt").unlink()
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    assert newsgen("build", "-s", site, "--now", NOW, "--changes", changes).code == 0
    assert report(changes)["changed"] == "true"


def test_a_digest_the_state_cannot_keep_is_reported_again(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The state's record of the output and its digest are one commit: a disk that fills
    while the digest is kept leaves neither, the build succeeds with a warning, and the
    next one reports the output as changed again (rather than never)."""
    site, changes = make(tmp_path), tmp_path / "changes"
    options = BuildOptions(site=site, now=NOW, digest=True, changes=changes, one_shot=False)
    build(options, Reporter())
    assert report(changes)["changed"] == "true"
    write_site(site, {"content/general/a.md": article("Retitled", "2024-12-18 10:00")})

    def full(self: OutputRecords, out_dir: Path, digest: str | None) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('digest:x', 'y')")  # (begun)
        raise sqlite3.OperationalError("database or disk is full")

    with monkeypatch.context() as m:
        m.setattr(OutputRecords, "keep_output_digest", full)
        reporter = Reporter()
        result = build(options, reporter)
    assert result.output_changed is True
    assert [d.format() for d in reporter.warnings] == [
        f"{site / '.newsgen-cache'}: warning: the build state could not record this build "
        "(OperationalError: database or disk is full); it is emptied, and the next build "
        "renders every page"]
    assert report(changes)["changed"] == "true"
    assert "Retitled" in (site / "dist/general/a/index.html").read_text()
    again = build(options, Reporter())
    assert again.output_changed is True and report(changes)["changed"] == "true"
    assert build(options, Reporter()).output_changed is False


def test_a_state_folder_on_a_read_only_disk_is_refused_in_those_words(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = make(tmp_path)
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    before = tree_digest(site / "dist")
    state = site / ".newsgen-cache"
    real = os.statvfs

    class ReadOnly:
        def __init__(self, path: str) -> None:
            self.f_flag = real(path).f_flag | os.ST_RDONLY

    monkeypatch.setattr(os, "statvfs", lambda p: ReadOnly(p) if str(p).startswith(
        str(state)) else real(p))
    assert check_cache_dir(state, site, site / "dist") == (
        "cannot be written (a read-only file system, or files this user may not write): "
        "make it writable, or pass --cache-dir with another folder")
    # a state not made yet, where it cannot be made: a slower build, not a refusal
    assert check_cache_dir(state / "new", site, site / "dist") is None
    with pytest.raises(OutputRefused, match=r"refusing to keep the build state in "
                                            r"\.newsgen-cache: it cannot be written"):
        build(BuildOptions(site=site, now=NOW), Reporter())
    assert tree_digest(site / "dist") == before


# How a build says it stopped: Ctrl-C (a terminal's, to the whole group), SIGTERM to the
# whole group (a CI job cancelled) or to newsgen alone (`kill`, `docker stop`)
STOPPED = {"ctrl-c": (signal.SIGINT, True, 130, "interrupted"),
           "sigterm": (signal.SIGTERM, True, 143, "stopped by SIGTERM"),
           "sigterm alone": (signal.SIGTERM, False, 143, "stopped by SIGTERM")}


@pytest.mark.parametrize("stop", list(STOPPED))
def test_ctrl_c_ends_the_build_and_its_workers_without_a_traceback(
        tmp_path: Path, stop: str) -> None:
    # SIGTERM used to end the build at once, with no word, its exit status a signal's
    signum, group, code, said = STOPPED[stop]
    files = {f"content/general/w{i}.md": article(f"W {i}", "2024-12-10", body="Text. " * 200)
             for i in range(400)}
    site = write_site(tmp_path / "site", files)
    for _ in range(3):  # (each time the signal finds the workers at another moment)
        proc = subprocess.Popen([sys.executable, "-m", "newsgen", "build", "-s", str(site),
                                 "--now", NOW, "-j", "2", "--cache-dir", str(tmp_path / "c")],
                                stderr=subprocess.PIPE, start_new_session=True,
                                preexec_fn=lambda: signal.signal(signal.SIGINT,
                                                                 signal.SIG_DFL))
        deadline = time.monotonic() + 60
        children: list[str] = []
        while not children and proc.poll() is None and time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
            time.sleep(0.01)
        assert children, "the build never started its workers"
        if group:
            os.killpg(proc.pid, signum)
        else:
            proc.send_signal(signum)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == code, err.decode()
        assert err.decode().strip().splitlines()[-1] == (
            f"newsgen: {said}; the output folder was left as it was")
        assert b"Traceback" not in err and b"KeyboardInterrupt" not in err
        assert not (site / "dist").exists()
        for pid in children:  # the workers ended with it (gone, or waiting to be reaped)
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
                assert state == "Z", f"worker {pid} still {state} after the build ended"



_CTRL_C_AT = """
import errno, os, signal, sys
from newsgen.cli import main
from newsgen.errors import Reporter
from newsgen.incremental.state import IncrementalBuild
from newsgen.output.writer import Writer

owner, name = {"commit": (Writer, "commit"), "record": (IncrementalBuild, "save"),
               "report": (Reporter, "print"), "failed commit": (Writer, "commit")}[sys.argv[1]]
original = getattr(owner, name)

def pressed(self, *args, **kwargs):  # Ctrl-C just after the swap, while recording it, or
    if sys.argv[1] == "failed commit":  # once the build is over; or a swap that fails
        os.kill(os.getpid(), getattr(signal, sys.argv[2]))
        raise OSError(errno.EIO, "Input/output error")
    result = original(self, *args, **kwargs)
    os.kill(os.getpid(), getattr(signal, sys.argv[2]))
    return result

setattr(owner, name, pressed)
sys.exit(main(sys.argv[3:]))
"""


@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("moment", ["commit", "record", "report", "failed commit"])
def test_ctrl_c_once_the_output_is_swapped_in_interrupts_nothing(
        tmp_path: Path, moment: str, signame: str) -> None:
    # An exit of 130 (143: SIGTERM) always means "left as it was"; a Ctrl-C or a SIGTERM
    # after the swap finds the build done, and says so (before, a Ctrl-C said "left as it
    # was" of a folder that had changed, and a SIGTERM ended the build with nothing said
    # and nothing recorded).
    site = make(tmp_path)
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    before = tree_digest(site / "dist")
    (site / "content/general/b.md").write_text(article("Second story", "2024-12-18 11:00"))
    proc = subprocess.run([sys.executable, "-c", _CTRL_C_AT, moment, signame, "build", "-s",
                           str(site), "--now", NOW], capture_output=True, text=True,
                          timeout=120,
                          preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert "Traceback" not in proc.stderr
    _, _, code, said = STOPPED["ctrl-c" if signame == "SIGINT" else "sigterm"]
    if moment == "failed commit":  # the Ctrl-C is not lost, and the output is the old one
        assert proc.returncode == code, proc.stderr
        assert proc.stderr.strip().splitlines()[-1] == (
            f"newsgen: {said}; the output folder was left as it was")
        assert tree_digest(site / "dist") == before
        return
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == (
        f"newsgen: {'Ctrl-C' if signame == 'SIGINT' else 'SIGTERM'} came once the new output "
        "was in place: the build is done")
    assert "left as it was" not in proc.stderr
    assert "Second story" in (site / "dist/general/index.html").read_text()
    # recorded: the next build has nothing to do, and renders nothing again
    again = newsgen("build", "-s", site, "--now", NOW)
    assert again.code == 0 and "nothing changed" in again.err, again.err


_STOP_WHILE_STARTING = """
import argparse, importlib.abc, os, signal, sys
STOP, MOMENT = getattr(signal, sys.argv[1]), sys.argv[2]
class Stop(importlib.abc.MetaPathFinder):  # the signal comes while newsgen is imported
    def find_spec(self, name, path, target=None):
        if (name, MOMENT) in (("newsgen.cli", "import"), ("newsgen.signals", "first import")):
            os.kill(os.getpid(), STOP)
        return None
sys.meta_path.insert(0, Stop())
read = argparse.ArgumentParser.parse_args
def parse_args(self, *args, **kwargs):  # ... or while the command line is read
    if MOMENT == "arguments":
        os.kill(os.getpid(), STOP)
    return read(self, *args, **kwargs)
argparse.ArgumentParser.parse_args = parse_args
sys.argv = ["newsgen", *sys.argv[3:]]
from newsgen.__main__ import run
run()
"""


@pytest.mark.parametrize("moment", ["first import", "import", "arguments"])
@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM"])
def test_a_stop_while_newsgen_starts_is_said_as_during_a_build(tmp_path: Path,
                                                               signame: str,
                                                               moment: str) -> None:
    # a SIGTERM then said only "newsgen: stopped by SIGTERM", and a Ctrl-C "interrupted";
    # while the command line was read, either gave a traceback and exit 1; while the
    # first of newsgen's modules was imported, a traceback
    site = make(tmp_path)
    proc = subprocess.run([sys.executable, "-c", _STOP_WHILE_STARTING, signame, moment,
                           "build", "-s", str(site), "--now", NOW], capture_output=True,
                          text=True,
                          timeout=120,
                          preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    _, _, code, said = STOPPED["ctrl-c" if signame == "SIGINT" else "sigterm"]
    assert proc.returncode == code, proc.stderr
    assert proc.stderr == f"newsgen: {said}; the output folder was left as it was\n"
    assert not (site / "dist").exists()


def test_a_second_stop_while_the_workers_are_killed_is_dropped(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # it was raised as the kill let stops through again: inside a generator being closed,
    # where Python prints "Exception ignored in …" and a traceback (2 runs in 50)
    from newsgen.stages import parallel

    class Second(Exception):
        pass

    def second(signum: int, frame: object) -> None:
        raise Second

    real = parallel._stop
    monkeypatch.setattr(parallel, "_stop",
                        lambda pool: (os.kill(os.getpid(), signal.SIGTERM), real(pool)))
    previous = signal.signal(signal.SIGTERM, second)
    try:
        pool = parallel._pool(2)
        parallel._kill(pool)  # the SIGTERM came while it killed them: not raised
        time.sleep(0.05)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert all(not p.is_alive() for p in pool._pool)


def _reference_digest(root: Path) -> str:
    """The output's digest as `--changes` documents it, made the plain way: every file
    os.walk finds (links to folders not followed), sorted by path, the marker aside."""
    import hashlib

    from newsgen.output.guard import MARKER

    total = hashlib.blake2b(digest_size=16)
    names = sorted(os.path.relpath(os.path.join(top, name), root)
                   for top, _dirs, files in os.walk(root) for name in files)
    for rel in names:
        if rel != MARKER:
            total.update(rel.encode("utf-8", "surrogateescape") + b"\0")
            with open(root / rel, "rb") as fh:
                total.update(hashlib.file_digest(fh, "blake2b").digest())
    return total.hexdigest()


@given(st.dictionaries(
    st.lists(st.sampled_from(["a", "b", "index.html", "é", "x y"]), min_size=1, max_size=4)
    .map("/".join),
    st.tuples(st.binary(max_size=40), st.integers(1, 20_000)).map(lambda b: b[0] * b[1]),
    max_size=12))
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_output_s_digest_is_every_file_s_path_and_bytes_in_order(
        tmp_path: Path, files: dict[str, bytes]) -> None:
    """The digest a CI job's restored `dist/` is proved by: the same as made the plain
    way, for files larger than the read buffer too, a link to a folder not followed; a
    file replaced since is read again, one seen before is not mistaken for it."""
    from newsgen.output import guard

    root = Path(tempfile.mkdtemp(dir=tmp_path))
    for rel, data in files.items():
        target = root / rel
        if any(p.is_file() for p in target.parents) or target.is_dir():
            continue  # (a name that is a file's and a folder's: one of them)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (root / guard.MARKER).write_text("marker")
    (root / "elsewhere").mkdir(exist_ok=True)
    (root / "elsewhere" / "large.jpg").write_bytes(bytes(range(256)) * 3000)  # > the buffer
    (root / "elsewhere" / "page").write_bytes(b"outside")
    (root / "linked").symlink_to(root / "elsewhere")
    assert guard.tree_digest(root) == _reference_digest(root)
    first = guard.tree_digest(root)
    page = root / "elsewhere" / "page"
    page.unlink()
    page.write_bytes(b"another page")
    assert guard.tree_digest(root) == _reference_digest(root) != first


def test_the_output_s_digest_is_the_same_where_files_are_opened_by_their_whole_name(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the system opens no name from a folder's descriptor, or reads into no buffer
    (Windows), the digest is made from whole names, and is the same."""
    from newsgen.output import guard

    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "index.html").write_bytes(b"<p>page</p>")
    (tmp_path / "large.jpg").write_bytes(bytes(range(256)) * 3000)
    expected = _reference_digest(tmp_path)
    guard.DIGESTS.clear()
    assert guard.tree_digest(tmp_path) == expected
    monkeypatch.setattr(guard, "_opened", lambda root: None)
    monkeypatch.delattr(os, "readv", raising=False)
    guard.DIGESTS.clear()
    assert guard.tree_digest(tmp_path) == expected
