"""Finding the site's files: the walk of `content/`, `static/` and `templates/` that says
what a build reads (names, sizes, times), and which names are never the site's (hidden
files, editors' swap files). Light on purpose: a build with nothing to do imports it, not
the parsers of `newsgen.stages.loader`.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from stat import S_ISDIR, S_ISLNK, S_ISREG

from newsgen.errors import Reporter
from newsgen.hashing import digest
from newsgen.model.config import CONFIG_NAME, OUTPUT_MARK, Config
from newsgen.model.content import Asset, article_stem


@dataclass(frozen=True)
class SourceTree:
    """What is on disk: article files and assets, with paths relative to the site."""

    articles: tuple[str, ...]  # "content/general/visit.md" (or .markdown, .mdown, .mkd)
    assets: tuple[Asset, ...]
    # every file read: size, mtime_ns, ctime_ns (a write changes it, utime cannot), inode
    stats: dict[str, tuple[int, int, int, int]]
    # A digest of `stats` when a rescan knows it cheaply (the last one's and what
    # changed), else "": newsgen.incremental.keys.state_key makes it.
    key: str = ""


def is_ignored(name: str) -> bool:
    """Left out of content/: hidden and `_` names, and editors' backups and swap files
    (`visit.md~`, `#visit.md#`), which would otherwise be published as files, a draft's
    words with them."""
    return name.startswith((".", "_")) or is_editor_noise(name)


# copies kept by hand, by `patch` and by merge tools: published from static/, which is
# copied verbatim (`report.bak` may be meant for readers), and left out of content/
_KEPT_COPIES = (".bak", ".orig", ".rej", ".old")
_NOISE_ENDINGS = ("~", ".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload",
                  "___jb_tmp___", "___jb_old___", ".kate-swp", *_KEPT_COPIES)
_NOISE_NAMES = frozenset({"4913", ".DS_Store", "Thumbs.db"})
# A name is_ignored may refuse starts with one of these, or ends as _NOISE_ENDINGS, or is
# one of _NOISE_NAMES: the scan asks is_ignored only then.
_IGNORED_STARTS = (".", "_", "#")


def is_editor_noise(name: str) -> bool:
    """Swap, backup and temporary files that editors and tools write beside a file."""
    return (
        name.startswith(".#")
        or (name.startswith("#") and name.endswith("#"))
        or name.endswith(_NOISE_ENDINGS)
        or name in _NOISE_NAMES
        or name.startswith(".goutputstream-")
    )


def is_scratch(name: str) -> bool:
    """An editor's swap, lock or half-saved file, or a folder's `.DS_Store`: never a file
    of the site, in static/ and templates/ too (a swap file holds a draft's words)."""
    return is_editor_noise(name) and not name.endswith(_KEPT_COPIES)


def scan(config: Config, reporter: Reporter, written: tuple[Path, ...] = ()) -> SourceTree:
    """Find articles and assets under content/ and files under static/. `written`: the
    folders this build writes (its output, its state), which no link may lead into."""
    stats: dict[str, tuple[int, int, int, int]] = {}
    kept_out = tuple(Path(os.path.realpath(w)) for w in written)
    _walk(config.root, "content", reporter, kept_out, stats, skip_hidden=True)
    # static/ is copied verbatim: .htaccess, .well-known/ and _redirects included.
    _walk(config.root, "static", reporter, kept_out, stats, skip_hidden=False)
    _walk(config.root, "templates", reporter, kept_out, stats, skip_hidden=False)
    return _tree(stats)


def _tree(stats: dict[str, tuple[int, int, int, int]]) -> SourceTree:
    """The articles and assets among the files `stats` holds, in the order a walk of the
    site finds them (its assets keep that order)."""
    articles: list[str] = []
    assets: list[Asset] = []
    for rel in stats:
        if rel.startswith("content/") and (rel.endswith(".md") or article_stem(rel) is not None):
            articles.append(rel)
        elif rel.startswith(("content/", "static/")):
            assets.append(Asset(source=rel, output=rel.partition("/")[2]))
    return SourceTree(tuple(sorted(articles)), tuple(assets), stats)


def rescan(config: Config, previous: SourceTree, changed: Iterable[str]) -> SourceTree | None:
    """`previous` brought up to date for the files `changed` (site-relative paths, as the
    dev server's watcher reports them), without walking the site; None when a change is
    not a plain file under content/, static/ or templates/ (a folder, a link, a file
    that cannot be read): then only a full scan, with its checks, will do."""
    stats = dict(previous.stats)
    changed = sorted(changed)
    for rel in changed:
        top, _, rest = rel.partition("/")
        if rel == CONFIG_NAME:
            continue  # read by every build anyway
        if top not in ("content", "static", "templates") or not rest or not _utf8(rel):
            return None
        if top == "content" and any(is_ignored(part) for part in rest.split("/")):
            continue
        if is_scratch(rest.rpartition("/")[2]):  # (in static/ and templates/ too)
            continue
        try:
            st = os.lstat(config.root / rel)
        except FileNotFoundError:
            stats.pop(rel, None)
            continue
        except OSError:
            return None
        if not S_ISREG(st.st_mode):
            return None
        stats[rel] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    diff = [(rel, stats.get(rel)) for rel in changed
            if stats.get(rel) != previous.stats.get(rel)]
    key = "" if not previous.key else previous.key if not diff else digest(
        repr((previous.key, diff)).encode())
    if stats.keys() == previous.stats.keys():
        return SourceTree(previous.articles, previous.assets, stats, key)

    def walked(rel: str) -> tuple[tuple[int, str], ...]:
        """Where a walk finds a file: a folder's files by name, then its folders by name."""
        *folders, name = rel.split("/")
        return (*((1, f) for f in folders), (0, name))

    return replace(_tree({rel: stats[rel] for rel in sorted(stats, key=walked)}), key=key)


def _walk(root: Path, top: str, reporter: Reporter, written: tuple[Path, ...],
          into: dict[str, tuple[int, int, int, int]], *, skip_hidden: bool) -> None:
    """The stats of the files under root/top `into` the dict, by sorted relative POSIX
    paths; refuses symlinks leaving the site. The loop runs once per file of the archive
    (a third of a build with nothing to do), so the common case takes few calls: a name
    that cannot be ignored, a plain file."""
    base = root / top
    if not base.is_dir():
        if base.exists() or base.is_symlink():  # a file where the site's folder goes
            reporter.error(top, None, f"is not a folder: newsgen reads the site's "
                                      f"{top} from a folder of that name")
        return
    real_root = root.resolve()
    seen_dirs: set[str] = set()
    stack = [top]
    while stack:
        rel_dir = stack.pop()
        real_dir = os.path.realpath(root / rel_dir)
        if real_dir in seen_dirs:
            continue
        seen_dirs.add(real_dir)
        prefix = rel_dir + "/"
        folder = f"{root}/{prefix}"
        try:
            fd = os.open(folder, _OPEN_FOLDER) if _BY_FD else None
        except OSError as exc:
            reporter.error(rel_dir, None, f"cannot read folder: {exc.strerror}")
            continue
        try:
            _walk_folder(fd, folder, prefix, real_root, reporter, written, into, stack,
                         skip_hidden=skip_hidden)
        finally:
            if fd is not None:
                os.close(fd)


# Each name stat'ed from its folder's descriptor: the system looks up one name, not the
# whole path again.
_BY_FD = os.stat in os.supports_dir_fd and os.listdir in os.supports_fd
_OPEN_FOLDER = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)


def _walk_folder(fd: int | None, folder: str, prefix: str, real_root: Path,
                 reporter: Reporter, written: tuple[Path, ...],
                 into: dict[str, tuple[int, int, int, int]], stack: list[str], *,
                 skip_hidden: bool) -> None:
    """One folder of `_walk` (`fd` when it is open): its files `into` the dict, its
    folders onto the `stack`."""
    lstat: Callable[[str], os.stat_result] = (
        partial(os.stat, dir_fd=fd, follow_symlinks=False) if fd is not None
        else lambda name: os.lstat(folder + name))
    try:
        names = sorted(os.listdir(fd if fd is not None else folder))
    except OSError as exc:
        reporter.error(prefix[:-1], None, f"cannot read folder: {exc.strerror}")
        return
    subdirs: list[str] = []
    for name in names:
        if skip_hidden and (name.startswith(_IGNORED_STARTS) or name.endswith(_NOISE_ENDINGS)
                            or name in _NOISE_NAMES) and is_ignored(name):
            continue
        rel = prefix + name
        if not name.isascii() and not _utf8(name):
            reporter.error(shown_path(rel), None,
                           "the name is not UTF-8 text (it has no URL and cannot be "
                           "kept in the build state): rename it")
            continue
        if _CONTROL.search(name):  # a line break would split every message about it
            reporter.error(shown_path(rel), None, "the name holds a line break or "
                           "another control character: rename it")
            continue
        try:
            # One lstat per name says link, folder or file: in Python this costs
            # less than os.scandir's entries (three tests and a stat per file).
            st = lstat(name)
            if S_ISREG(st.st_mode):
                if skip_hidden or not is_scratch(name):  # `.site.css.swp`: never published
                    into[rel] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
                continue
            if S_ISLNK(st.st_mode):
                target = Path(os.path.realpath(folder + name))
                if not target.is_relative_to(real_root):
                    reporter.error(rel, None, "symbolic link points outside the site "
                                              "folder; refused (copy the file into the "
                                              "site instead)")
                    continue
                if not target.exists():
                    if is_editor_noise(name):  # Emacs's lock: `.#x.html` -> user@host
                        continue
                    reporter.error(rel, None, "symbolic link leads back to itself (a "
                                   "loop)" if _loops(folder + name)
                                   else "symbolic link is broken")
                    continue
                if _made_by_newsgen(target, real_root) or any(
                        w.is_relative_to(target) for w in written):  # (or holding one)
                    reporter.error(rel, None, "symbolic link points into an output or "
                                              "the build state, which builds write; "
                                              "refused (it would publish them)")
                    continue
                st = os.stat(target)
            if S_ISDIR(st.st_mode):
                subdirs.append(rel)
            elif S_ISREG(st.st_mode) and (skip_hidden or not is_scratch(name)):  # a link's
                into[rel] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)  # target
        except FileNotFoundError:  # pragma: no cover - deleted while walking
            continue
        except OSError as exc:  # pragma: no cover - racing deletions
            reporter.error(rel, None, f"cannot read: {exc.strerror}")
    stack.extend(reversed(subdirs))


# The files that mark a folder newsgen writes: an output's marker and the build state's
# database (newsgen.incremental.database.DATABASE).
WRITTEN_MARKS = (OUTPUT_MARK, "state.sqlite")


def _made_by_newsgen(target: Path, real_root: Path) -> bool:
    """Whether a link's target (inside the site) is in a folder newsgen writes."""
    for folder in (target, *target.parents):
        if folder == real_root or not folder.is_relative_to(real_root):
            return False
        if any((folder / mark).exists() for mark in WRITTEN_MARKS):
            return True
    return False


def _loops(path: str) -> bool:
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def _utf8(name: str) -> bool:
    """A name the file system gave as text: not when its bytes are no UTF-8 (Python keeps
    them as lone surrogates, which nothing can encode)."""
    try:
        name.encode()
    except UnicodeEncodeError:
        return False
    return True


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def shown_path(rel: str) -> str:
    """A path as a message can print it on one line: a byte that is no UTF-8 as `\\xe9`,
    a line break as `\\n`."""
    shown = os.fsencode(rel).decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda m: repr(m[0])[1:-1], shown)
