"""The output's seal: a digest of the stats of its files and folders, made after a build
and checked by the next one, so that a file edited, added or removed by hand in the
output since is seen without reading a byte (newsgen.incremental.outputs)."""

from __future__ import annotations

import hashlib
import os
import signal
from array import array
from collections.abc import Callable, Collection, Iterable
from pathlib import Path

from newsgen.signals import STOPS, block, can_hold, unblock


def seal(root: Path, files: Iterable[str], leaves: Iterable[str] = ()) -> str | None:
    """A digest of the stats (size, time, inode) of `files` under `root`, and of the times
    of the top folders, of those that hold other folders and of the `leaves` (the
    folders of a list's one page, of a redirect): a file edited in place, replaced or
    removed since changes it, and so does one added to the output's folder, a
    language's, a section's or a list's. An article's own folder (a page alone, 100,000
    of them) is left out: a stat each would double the cost. None when a file is gone.
    A stat per file, no read: at 100,000 articles (130,000 files) half a second."""
    stats = array("q")
    folders = {"", *leaves}  # the folders that hold a folder, and the leaves
    try:  # each stat from the output's own folder: fewer names for the system to look up
        fd = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)) if (
            os.stat in os.supports_dir_fd) else None
    except OSError:
        return None
    base = f"{root}/" if fd is None else ""
    try:
        for rel in sorted(files):
            st = os.stat(base + rel, dir_fd=fd, follow_symlinks=False)
            stats.extend((st.st_size, st.st_mtime_ns, st.st_ino))
            folder = rel.rpartition("/")[0]
            if folder:  # every top folder, and every folder above the file's own
                folders.add(folder.partition("/")[0])
                head = folder.rpartition("/")[0]
                while head and head not in folders:
                    folders.add(head)
                    head = head.rpartition("/")[0]
        for rel in sorted(folders):
            st = os.stat(base + rel, dir_fd=fd, follow_symlinks=False) if rel else os.lstat(
                root)  # (the output's own entry, a link to it included, as before)
            stats.extend((st.st_mtime_ns, st.st_ino))
    except OSError:
        return None
    finally:
        if fd is not None:
            os.close(fd)
    names = "\0".join(sorted(folders)).encode("utf-8", "surrogateescape")
    return hashlib.blake2b(stats.tobytes() + names, digest_size=16).hexdigest()


def leaves(files: Iterable[str], articles: Collection[str]) -> tuple[str, ...]:
    """The folders that `seal` takes besides those that hold folders: the own folder of
    every file but an article page's (`articles`: their paths)."""
    own = {path.rpartition("/")[0] for path in articles}
    return tuple(sorted({folder for path in files
                         if (folder := path.rpartition("/")[0]) and folder not in own}))


def seal_meanwhile(root: Path, files: Iterable[str],
                   leaves: Iterable[str] = ()) -> Callable[[], str | None]:
    """`seal(root, files, leaves)` made by a child process while this one goes on (its stats
    are a third of a build with nothing to do at 100,000 articles, and the source scan
    beside it is the rest): call the result for the seal. In this process where fork
    is missing or fails."""
    if not hasattr(os, "fork"):
        found = seal(root, files, leaves)
        return lambda: found
    read, write = os.pipe()
    held = can_hold()  # forked with Ctrl-C and SIGTERM held back: one that comes meanwhile
    block(held)  # ends the child without a word, not in Python's code after a fork
    try:
        pid = os.fork()
    except OSError:
        unblock(held)
        os.close(read)
        os.close(write)
        found = seal(root, files, leaves)
        return lambda: found
    if pid == 0:  # the child: stats only, then gone without running any cleanup
        try:
            for signum in STOPS:
                signal.signal(signum, signal.SIG_DFL)
            unblock(held)
            os.close(read)
            os.write(write, (seal(root, files, leaves) or "").encode())
        finally:
            os._exit(0)
    unblock(held)
    os.close(write)

    def collect() -> str | None:
        with os.fdopen(read, "rb") as pipe:
            said = pipe.read().decode()
        os.waitpid(pid, 0)
        return said or None

    return collect
