"""The output's seal: a digest of the stats of its files and folders, made as a build
swaps its output in (on the staging tree: `staged`, then `after`) and checked by the
next one, so that a file edited, added or removed by hand in the output since is seen
without reading a byte (newsgen.incremental.outputs)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
from array import array
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path

from newsgen.signals import STOPS, already_held, block, can_hold, interrupts_held, unblock


def seal(root: Path, files: Iterable[str], folders: Sequence[str]) -> str | None:
    """A digest of the stats (size, time, inode) of `files` under `root` and of the times
    of `folders` (`folders_of`): a file edited in place, replaced or removed since
    changes it, and so does one added to the output's folder, a language's, a
    section's or a list's. None when a file is gone. A stat per file, no read: at
    100,000 articles (130,000 files, 30,000 folders) half a second."""
    return _joined(_files_part(root, files), _stats(root, folders), folders)


# From this many files a staging tree's seal is made by two processes (`staged`): below
# it the fork costs more than the stats it shares.
SPLIT_FROM = 20_000


def staged(staging: Path, files: Iterable[str], folders: Sequence[str], *,
           split_from: int = SPLIT_FROM) -> tuple[bytes, bytes] | None:
    """The seal's parts made on a staging tree before it is swapped in (its files and
    folders keep their stats in the swap), all but the output folder's own stats (the
    first of `folders`, ""): `after` adds them. None when a file is missing.

    Every file is stat'ed, whatever the build changed: that is how a file the standby
    lost (a cache cleaned by age) stops the swap. From `split_from` files a forked
    child stats the first files while this process stats the others and the folders,
    half the stats each (at 100,000 articles the stats were a quarter of a word edit's
    build); the parts are the same bytes as one process's."""
    ordered = sorted(files)
    half = min(len(ordered), (len(ordered) + len(folders)) // 2)  # (this one stats folders)
    pid = None if len(ordered) < split_from else forked(
        lambda pipe: _answer_stats(pipe, staging, ordered[:half]))
    first: bytes | None = b""
    if pid is None:
        second, rest = _stats(staging, ordered, files=True), _stats(staging, folders[1:])
    else:
        try:
            second, rest = (_stats(staging, ordered[half:], files=True),
                            _stats(staging, folders[1:]))
        except BaseException:  # a stop meanwhile: the child's work is no use any more
            abandon(pid)
            raise
        answered, first = _whole(pid, _FILE_STAT * half)
        if not answered:  # (the child was killed, say): its half is stat'ed here
            first = _stats(staging, ordered[:half], files=True)
    if first is None or second is None or rest is None:
        return None
    return hashlib.blake2b(first + second, digest_size=16).digest(), rest


_FILE_STAT, _FOLDER_STAT = 3 * 8, 2 * 8  # the bytes of a file's, a folder's stats


def _answer_stats(pipe: int, root: Path, files: Sequence[str]) -> None:
    """A forked child's part of `staged`: the stats of `files`."""
    _answer(pipe, _stats(root, files, files=True))


def _answer(pipe: int, found: bytes | None) -> None:
    """A seal's child answers "+" and its part, or "-" when a file is gone (`_whole`)."""
    with os.fdopen(pipe, "wb") as out:
        out.write(b"-" if found is None else b"+" + found)


def _whole(pid: int, size: int) -> tuple[bool, bytes | None]:
    """Whether the child `pid` answered whole, and its part of `size` bytes (None: a
    file is gone). Not answered (killed before it was done, say): its caller does its
    part itself, rather than take a cut answer for a seal or for a file gone."""
    said = answer(pid) or b""
    if said == b"-":
        return True, None
    if said[:1] == b"+" and len(said) == 1 + size:
        return True, said[1:]
    return False, None


def after(out: Path, parts: tuple[bytes, bytes], folders: Sequence[str]) -> str | None:
    """The seal of the output swapped in, from its `staged` parts."""
    return _joined(parts[0], (_stats(out, folders[:1]) or b"?") + parts[1], folders)


def folders_of(files: Iterable[str], articles: Collection[str]) -> tuple[str, ...]:
    """The folders that `seal` takes, sorted: the output's own (""), every top folder,
    every folder that holds a folder, and the own folder of every file but an article
    page's (`articles`: their paths), such as a tag's one page or a redirect's. An
    article's own folder (a page alone, 100,000 of them) is left out: a stat each would
    double the cost. Made once, with the output's record, so that a seal is stats only."""
    own = {path.rpartition("/")[0] for path in articles}
    found = {""}
    for path in files:
        folder = path.rpartition("/")[0]
        if not folder:
            continue
        if folder not in own:
            found.add(folder)
        found.add(folder.partition("/")[0])
        head = folder.rpartition("/")[0]  # every folder above it (each one added has its
        while head and head not in found:  # own above it already)
            found.add(head)
            head = head.rpartition("/")[0]
    return tuple(sorted(found))


def _opened(root: Path) -> tuple[int | None, str]:
    """A descriptor of `root` to stat each name from (fewer names for the system to look
    up), or None and the prefix that names the files instead. OSError if it is gone."""
    if os.stat not in os.supports_dir_fd:
        return None, f"{root}/"
    return os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)), ""


def _stats(root: Path, paths: Iterable[str], *, files: bool = False) -> bytes | None:
    """The stats of `paths` under `root` in their order, as bytes: a file's size, time and
    inode, a folder's time and inode ("" is `root` itself, a link to it included)."""
    stats = array("q")
    try:
        fd, base = _opened(root)
    except OSError:
        return None
    try:
        for rel in paths:
            if files:
                st = os.stat(base + rel, dir_fd=fd, follow_symlinks=False)
                stats.extend((st.st_size, st.st_mtime_ns, st.st_ino))
            else:
                st = os.stat(base + rel, dir_fd=fd, follow_symlinks=False) if rel else (
                    os.lstat(root))
                stats.extend((st.st_mtime_ns, st.st_ino))
    except OSError:
        return None
    finally:
        if fd is not None:
            os.close(fd)
    return stats.tobytes()


def _files_part(root: Path, files: Iterable[str]) -> bytes | None:
    found = _stats(root, sorted(files), files=True)
    return None if found is None else hashlib.blake2b(found, digest_size=16).digest()


def _joined(files: bytes | None, folders: bytes | None, names: Sequence[str]) -> str | None:
    if files is None or folders is None:
        return None
    listed = "\0".join(names).encode("utf-8", "surrogateescape")
    return hashlib.blake2b(files + folders + listed, digest_size=16).hexdigest()


# The children making a seal (their pid: the pipe they answer on), from the fork (with
# stops held back) until reaped: a build that stops anywhere reaps them (`abandon_all`).
_LIVE: dict[int, int] = {}


class Sealing:
    """A seal being made by a forked child (`seal_meanwhile`): called, the seal, made once.
    However a Ctrl-C or a SIGTERM comes, the child is killed and reaped, here or by
    `abandon_all`, never left behind holding the build's output streams."""

    def __init__(self, found: str | None = None, pid: int = 0, root: Path | None = None,
                 files: Sequence[str] = (), folders: Sequence[str] = (),
                 half: int = 0) -> None:
        self.found, self.pid = found, pid
        self.root, self.files = root, files
        self.folders, self.half = folders, half  # this process's half

    def __call__(self) -> str | None:
        if self.pid not in _LIVE or self.root is None:
            return self.found
        try:
            second = _stats(self.root, self.folders[self.half:])
        except BaseException:  # a stop meanwhile: the child's work is no use any more
            abandon(self.pid)
            raise
        answered, part = _whole(self.pid, 16 + _FOLDER_STAT * self.half)
        if not answered:
            self.found = seal(self.root, self.files, self.folders)
        elif part is not None and second is not None:
            self.found = _joined(part[:16], part[16:] + second, self.folders)
        return self.found


def _reap(pid: int, *, kill: bool) -> None:
    """The child `pid` (killed first with `kill`) waited for; its caller holds stops back."""
    read = _LIVE.pop(pid, None)
    if read is None:
        return
    if kill:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    os.close(read)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def abandon_all() -> None:
    """Every seal's child not collected yet, killed and reaped (a build ends: it stopped,
    or it replaced its output)."""
    with interrupts_held():
        for pid in list(_LIVE):
            _reap(pid, kill=True)


def seal_meanwhile(root: Path, files: Sequence[str], folders: Sequence[str]) -> Sealing:
    """`seal(root, files, folders)` made beside the source scan, which is a third of a build
    with nothing to do at 100,000 articles (the seal's stats are the rest): a child
    process stats the files and half the folders while this one scans, and this one
    stats the other half when the result is called for. All in this process where
    fork is missing or fails."""
    half = len(folders) // 2

    def child(pipe: int) -> None:
        part, first = _files_part(root, files), _stats(root, folders[:half])
        _answer(pipe, None if part is None or first is None else part + first)

    pid = forked(child)
    if pid is None:
        return Sealing(seal(root, files, folders))
    return Sealing(None, pid, root, files, folders, half)


def forked(work: Callable[[int], None]) -> int | None:
    """`work(pipe)` run in a forked child, which writes its answer to `pipe` and is gone
    without running any cleanup; the child's pid, whose answer `answer` reads, or None
    where fork is missing or fails. The child is reaped by whoever reads it, or by
    `abandon_all` when the build stops first. Ctrl-C and SIGTERM are as they were before
    the call, in this process and in the child: held back during a swap, they stay held
    (a Ctrl-C to the whole group then ends neither the swap nor the child's work)."""
    if not hasattr(os, "fork"):
        return None
    held = can_hold()  # forked with Ctrl-C and SIGTERM held back: one that comes meanwhile
    kept = already_held(held)  # ends the child without a word, not in Python's code
    read, write = os.pipe()  # after a fork
    parent = os.getpid()
    try:
        block(held)
        pid = os.fork()
    except BaseException as exc:
        if os.getpid() != parent:  # the child, stopped by a Ctrl-C Python acted on just
            os._exit(0)  # after the fork: never on into the build's code
        unblock(held, kept)
        os.close(read)
        os.close(write)
        if isinstance(exc, OSError):
            return None
        raise
    if pid == 0:  # the child
        try:
            for signum in STOPS:
                signal.signal(signum, signal.SIG_DFL)
            unblock(held, kept)
            os.close(read)
            work(write)
        finally:
            os._exit(0)
    _LIVE[pid] = read  # (before stops are let through: a stop from here on finds it)
    os.close(write)
    try:
        unblock(held, kept)  # (a stop that came meanwhile is raised here)
    except BaseException:
        abandon(pid)
        raise
    return pid


def abandon(pid: int) -> None:
    """The child `pid` (`forked`), whose answer is not wanted, killed and reaped."""
    with interrupts_held():
        _reap(pid, kill=True)


def answer(pid: int) -> bytes | None:
    """What the child `pid` (`forked`) wrote, once it is gone; None when it was reaped
    already. A stop meanwhile kills and reaps it."""
    read = _LIVE.get(pid)
    if read is None:
        return None
    try:
        chunks = []
        while chunk := os.read(read, 1 << 20):
            chunks.append(chunk)
    except BaseException:  # a stop meanwhile: the child's work is no use any more
        abandon(pid)
        raise
    with interrupts_held():
        _reap(pid, kill=False)
    return b"".join(chunks)
