"""The output folder on disk: which folder newsgen may replace, and the file-system
operations the writer (newsgen.output.writer) builds on: the atomic exchange of two
folders, a folder's identity, walking a tree, telling whether a build is alive.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import os
import shutil
import signal
import sys
import threading
from pathlib import Path

from newsgen.model.config import OUTPUT_MARK
from newsgen.signals import block, interrupts_held

MARKER = OUTPUT_MARK  # (declared with the model, which the scan and the plan read too)
MARKER_TEXT = b"This folder is written by newsgen and replaced whole on every build.\n"


class OutputRefused(Exception):
    """The output folder (or with `state`, the state folder) is not one newsgen may use."""

    def __init__(self, message: str, *, state: bool = False) -> None:
        super().__init__(message)
        self.state = state


def folds_case(path: Path) -> bool:
    """Whether the disk `path` (or its nearest existing folder) is on treats `News` and
    `news` as one name. Asked of the path itself with its letters' case swapped: nothing
    is written."""
    here = Path(os.path.realpath(path))
    while not here.exists() and here != here.parent:
        here = here.parent
    for folder in (here, *here.parents):
        swapped = folder.parent / folder.name.swapcase()
        if folder.name != swapped.name:
            try:
                return swapped.exists() and os.path.samefile(folder, swapped)
            except OSError:  # pragma: no cover - a folder that vanished meanwhile
                return False
    return False


def check_cache_dir(cache_dir: Path, site_root: Path, out: Path) -> str | None:
    """Why the build state must not live in `cache_dir` (deleting it at any time must
    be safe, and it must not be published), or None when it may."""
    real = Path(os.path.realpath(cache_dir))
    root = Path(os.path.realpath(site_root))
    if root.is_relative_to(real):
        return "holds the site's own sources (it is the site folder or one of its parents)"
    for name in ("content", "templates", "static"):
        if real.is_relative_to(root / name):
            return f"is inside the site's {name}/ folder, whose files are published"
    output = Path(os.path.realpath(out))
    if real.is_relative_to(output) or output.is_relative_to(real):
        return "overlaps the output folder"
    if real == root / "newsgen.yaml":
        return "is the site's configuration file"
    here = next((p for p in (real, *real.parents) if p.exists()), real)
    if here.is_file():
        return "is a file, or inside one: name a folder"
    # (a CI cache restored read-only: said as such, not as a damaged state; a state not
    # made yet where it cannot be is only a slower build, as without the cache)
    if real.exists() and (not _writable(real) or not _writable(real / "state.sqlite")):
        return ("cannot be written (a read-only file system, or files this user may not "
                "write): make it writable, or pass --cache-dir with another folder")
    return None


def _writable(path: Path) -> bool:
    """Whether this user may write `path` (true of a path that does not exist)."""
    try:
        read_only = bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # (missing, or no statvfs: Windows)
        return True
    return not read_only and os.access(path, os.W_OK)


def check_output_dir(out: Path, site_root: Path) -> str | None:
    """Why newsgen must not replace `out`, or None when it may."""
    real = Path(os.path.realpath(out))
    root = Path(os.path.realpath(site_root))
    if real == Path(real.anchor):
        return "is the file system root"
    if real == Path(os.path.realpath(Path.home())):
        return "is your home folder"
    if root.is_relative_to(real):
        return "holds the site's own sources (it is the site folder or one of its parents)"
    for name in ("content", "templates", "static"):
        if real.is_relative_to(root / name):
            return f"is inside the site's {name}/ folder"
    if real == root / "newsgen.yaml":
        return "is the site's configuration file"
    if not real.exists():
        above = next((p for p in real.parents if p.exists()), None)
        if above is not None and not above.is_dir():  # `-o notes.txt/site`
            return f"would be inside {above.name}, which is a file, not a folder"
        if above is not None and not os.access(above, os.W_OK):  # `-o /proc/x`
            return f"would be made in {above}, where this user cannot write"
        return None
    if not real.is_dir():
        return "exists and is not a folder"
    try:
        names = os.listdir(real)
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if not names:
        return None
    if ".git" in names:
        return "holds a .git folder; newsgen replaces its output whole and would lose it"
    if "newsgen.yaml" in names:
        return "holds a site's sources (newsgen.yaml)"
    if MARKER not in names:
        return (f"is not empty and was not made by newsgen (no {MARKER} file); "
                "choose an empty or new folder")
    return None


def replaced(out: Path) -> str | None:
    """Why `out`, which a build checked when it started, may no longer be replaced: put
    there by someone else meanwhile (a file, a folder newsgen did not make); None when
    it is gone or still an output (or empty)."""
    try:
        names = os.listdir(out)  # (an output's top folder: a few dozen names)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        return "was replaced by a file while this build ran"
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if names and MARKER not in names:
        return "was replaced by a folder newsgen did not make while this build ran"
    return None


def process_alive(pid: int) -> bool:
    """Whether a process of that number runs (another build, for its leftovers)."""
    if sys.platform == "win32":  # os.kill(pid, 0) would end the process there
        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return bool(ctypes.GetLastError() == 5)  # ERROR_ACCESS_DENIED: it exists
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def walk(root: Path) -> list[str]:
    """Every file under `root`, as a path relative to it (as os.walk finds them: a
    symbolic link to a folder is neither followed nor listed; an unreadable folder is
    passed over), in no particular order. Each folder's prefix is made once, from its
    parent's (asking os.path.relpath for each of 30,000 folders took half of this walk),
    and folders wait on a list rather than in nested generators, whose every name passed
    up through each level (a fifth of the walk of 130,000 files)."""
    found: list[str] = []
    folders = [(os.fspath(root), "")]
    while folders:
        folder, prefix = folders.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    try:
                        is_dir = entry.is_dir()
                    except OSError:
                        is_dir = False
                    if not is_dir:
                        found.append(prefix + entry.name)
                    elif not entry.is_symlink():
                        folders.append((entry.path, f"{prefix}{entry.name}/"))
        except OSError:
            continue
    return found


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with renameat2(2); False when the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EPERM, errno.EXDEV):
        return False
    raise OSError(code, os.strerror(code), str(b))


def safe_relpath(path: str) -> str:
    """Check that an output path stays inside the output folder; return it normalized."""
    if not path or "\x00" in path or "\\" in path:
        raise ValueError(f"unsafe output path {path!r}")
    if path.startswith("/") or any(part in ("..", ".", "") for part in path.split("/")):
        raise ValueError(f"unsafe output path {path!r}")
    return path  # no empty, "." or ".." part and no leading "/": already normal


def empty_trash(trash: Path | None) -> None:
    """Delete what earlier builds left in the trash, in a thread, while this build
    works (only after a failed or cold build: a standby is reused, not deleted)."""
    if trash is None or not trash.is_dir():
        return
    leftovers = [trash / name for name in os.listdir(trash)]
    if not leftovers:
        return

    def clean() -> None:
        block(hasattr(signal, "pthread_sigmask"))  # Ctrl-C and SIGTERM are the main
        for path in leftovers:  # thread's (interrupt.py); held from its first line on
            shutil.rmtree(path, ignore_errors=True)

    # Nobody waits for it: what a build's exit cuts short, the next build finishes
    # (the trash is part of the cache, safe to delete at any time).
    with interrupts_held():  # (a thread starts with its maker's mask)
        threading.Thread(target=clean, name="newsgen-trash", daemon=True).start()


# A file's digest by its device, inode, size and time, for this process: a CI build
# proves the restored output and its standby by their bytes, then reports the new
# output's digest (`--changes`), and the three trees share most files as hard links;
# each is read once. newsgen never writes into a file it has written (a changed file is
# a new file), so a file with the same inode and stats has the same bytes.
DIGESTS: dict[tuple[int, int, int, int], bytes] = {}


def tree_digest(root: Path) -> str:
    """A digest of every file under `root` (its path and bytes), the marker aside: equal
    digests mean the same site to publish. Each file is opened from `root`'s descriptor
    and read into one buffer: `hashlib.file_digest` made a new 256 KiB buffer per file,
    and this took twice as long (11 s against 6 s for the 130,000 files of 100,000
    articles). A file already read by this process (the same device, inode, size and
    time) costs a stat."""
    total = hashlib.blake2b(digest_size=16)
    buffer = bytearray(1 << 18)
    view = memoryview(buffer)
    top = _opened(root)
    try:
        for rel in sorted(walk(root)):
            if rel == MARKER:
                continue
            total.update(rel.encode("utf-8", "surrogateescape") + b"\0")
            name = rel if top is not None else os.path.join(root, rel)
            st = os.stat(name, dir_fd=top)
            found = DIGESTS.get((st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns))
            if found is None:
                found = _read_digest(name, top, buffer, view)
            total.update(found)
    finally:
        if top is not None:
            os.close(top)
    return total.hexdigest()


def _opened(root: Path) -> int | None:
    """A descriptor of `root` to open each name from (fewer names for the system to look
    up), or None where the system cannot (names are then opened whole)."""
    if os.open in os.supports_dir_fd and os.stat in os.supports_dir_fd:
        return os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    return None


def _read_digest(name: str, top: int | None, buffer: bytearray, view: memoryview) -> bytes:
    fd = os.open(name, os.O_RDONLY | getattr(os, "O_BINARY", 0), dir_fd=top)
    try:
        st = os.fstat(fd)  # (the file read: not one that replaced it meanwhile)
        file = hashlib.blake2b()
        if hasattr(os, "readv"):
            while count := os.readv(fd, (buffer,)):
                file.update(view[:count])
        else:
            while chunk := os.read(fd, len(buffer)):
                file.update(chunk)
        found = DIGESTS[st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns] = file.digest()
        return found
    finally:
        os.close(fd)


def holds(folder: Path, expected: str | None) -> bool:
    """`folder` holds the bytes whose `tree_digest` is `expected`: a copy of an output, or
    of its standby, restored elsewhere (a CI cache: a new inode) proves itself by it."""
    if expected is None or not folder.is_dir():
        return False
    try:
        return tree_digest(folder) == expected
    except OSError:
        return False
