"""The one place that writes the site: a staging folder, then an atomic swap.

A build writes every file into a staging folder beside the output; when all of it is there,
that folder takes the output's place in one atomic `renameat2(RENAME_EXCHANGE)` (where
the system has it). A failed or killed build leaves the previous output as it was.

A file whose bytes did not change is hard-linked from the previous output, not written:
it keeps its time, and a deploy that syncs by time uploads only changes.
"""

from __future__ import annotations

import contextlib
import errno
import filecmp
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from stat import S_ISREG

from newsgen.output import guard, seal
from newsgen.output.guard import MARKER, MARKER_TEXT, exchange, identity, safe_relpath, walk
from newsgen.output.proof import proven
from newsgen.output.standby import Standby, WriteStats, standby_of, twin_of


class StagingShort(Exception):
    """A file missing in the staging tree when it was to be swapped in (see `Writer`)."""


_STAGING = ".newsgen-staging-"
_BACKUP = ".newsgen-previous-"


class Writer:
    """Writes one build. Use `begin()`, `write()`/`copy()`/`keep()`, then `commit()` or
    `abort()`. After the commit, `files` and `differs` describe the new output and its
    standby, for the build state.

    **The standby tree, and why the output is never a mix.** The output folder is only
    ever replaced whole, by one atomic exchange (`renameat2(RENAME_EXCHANGE)`) with a
    complete tree. After the exchange the previous output is not deleted: it is kept
    as the *standby*, in the cache folder, one generation behind, and the state records
    where it differs from the output (the files the build changed). The next build
    renames the standby to a staging name, brings it up to date by touching only the
    files that differ (those of the last two builds), and exchanges it with the output.
    So a publish costs what it changes, and still:

    - the live output is never written to: every change happens in the staging tree,
      a file in it is always replaced by a new file (unlink, then write), never
      rewritten in place, so a file shared with the output by a hard link keeps its
      bytes;
    - a build killed before the exchange leaves the output as it was, and a staging
      tree behind, which the next build deletes (`recover`): with no standby left, that
      build stages a complete tree, as a cold build does;
    - a build killed after the exchange leaves the new output complete. The state
      still describes the previous output, whose identity (device, inode) is no longer
      the output folder's, so the next build trusts neither the recorded fingerprints
      nor the standby, and builds in full;
    - the staging tree is sealed (every file stat'ed, newsgen.output.seal) before the
      exchange: a file the standby lost (a cache cleaned by age) stops it, and the build
      runs again at once staging a whole tree (newsgen.outcome). A path that changed
      from file to folder (or back) replaces the standby's;
    - the standby is trusted only when the recorded output and standby identities are
      both those on disk (true only between a completed record and the next build's
      first change to it), or, for a copy restored elsewhere, its bytes give the digest
      the state recorded for it (`Standby.digest`, made only with `--changes`).
    """

    def __init__(self, out: Path, work: Path | None = None, standby: Standby | None = None,
                 folders: Callable[[frozenset[str]], tuple[str, ...]] | None = None) -> None:
        """`folders`: the seal's (seal.folders_of), made before the swap (`commit`)."""
        # A symlinked output folder is written where it points: the swap happens there.
        self.out = Path(os.path.realpath(out))
        self.parent = self.out.parent
        # `work` is the cache folder: staging and standby go there on the output's file
        # system (a killed build leaves nothing beside the output); else beside it, no standby.
        self.work = work
        self.trash = work / "trash" if work is not None else None
        self.before = standby
        self.staging: Path | None = None
        self.stats = WriteStats()
        self._dirs: set[str] = set()
        self._written: set[str] = set()
        self._differs: frozenset[str] = frozenset()  # of the staging tree, from the output
        self._in_place = False  # the staging tree is the former standby
        self.files: frozenset[str] = frozenset()
        self.differs: frozenset[str] | None = None
        self.folders: tuple[str, ...] = ()  # the seal's (made with `seal_folders`)
        self.seal_folders = folders
        self._parts: tuple[bytes, bytes] | None = None

    # -- staging -------------------------------------------------------------------------

    def _staging_home(self) -> Path:
        if self.work is not None:
            home = self.work / "staging"
            try:
                home.mkdir(parents=True, exist_ok=True)
                if os.stat(home).st_dev == os.stat(self.parent).st_dev:
                    return home
            except OSError:
                pass
        return self.parent

    @property
    def standby_path(self) -> Path | None:
        return None if self.work is None else standby_of(self.out, self.work)

    def begin(self) -> None:
        self.parent.mkdir(parents=True, exist_ok=True)
        self.recover()
        guard.empty_trash(self.trash)
        name = f"{_STAGING}{self.out.name}-{os.getpid()}-{os.urandom(4).hex()}"
        home = self._staging_home()
        self.staging = home / f".{name}"
        standby = self.standby_path
        before = self.before
        if (standby is not None and home == standby.parent and before is not None
                and before.differs is not None and before.identity is not None
                and identity(self.out) == before.output
                and (identity(standby) == before.identity or proven(standby, before.digest))):
            # From here on the standby is a staging tree: a kill leaves it to `recover`.
            os.rename(standby, self.staging)
            self._differs = before.differs
            self._in_place = True
            return
        if standby is not None and standby.exists():
            self._discard(standby)  # not trusted: a complete staging tree is made instead
        self.staging.mkdir()

    def recover(self) -> None:
        """Clean what an interrupted build left behind; restore a lost output."""
        prefix_staging = f".{_STAGING}{self.out.name}-"
        prefix_backup = f".{_BACKUP}{self.out.name}-"
        places = [self.parent]
        if self.work is not None and (self.work / "staging").is_dir():
            places.append(self.work / "staging")
        for place in places:
            try:
                names = os.listdir(place)
            except OSError:
                continue
            for name in names:
                if not name.startswith((prefix_staging, prefix_backup)):
                    continue
                pid_text = name.rsplit("-", 2)[-2]
                if pid_text.isdigit() and int(pid_text) != os.getpid() and guard.process_alive(
                        int(pid_text)):
                    continue  # another build is running right now
                leftover = place / name
                if name.startswith(prefix_backup) and not self.out.exists():
                    # Killed between the two renames of a non-atomic swap: put it back.
                    os.rename(leftover, self.out)
                    continue
                self._discard(leftover)

    def _discard(self, old: Path) -> None:
        if self.trash is not None:
            try:
                self.trash.mkdir(parents=True, exist_ok=True)
                os.rename(old, self.trash / f"{self.out.name}-{os.getpid()}-"
                                             f"{os.urandom(4).hex()}")
                return
            except OSError:
                pass  # another file system: delete it now
        shutil.rmtree(old, ignore_errors=True)

    def _target(self, path: str) -> Path:
        if self.staging is None:
            raise RuntimeError("Writer.begin() first")
        rel = safe_relpath(path)
        if rel in self._written:
            raise ValueError(f"/{rel} written twice")
        self._written.add(rel)
        target = self.staging / rel
        parent = rel.rpartition("/")[0]
        if self._in_place:
            # Never write through a file of the former standby: it may be a hard link
            # to the live output's file. Where the standby has a folder (or, above it, a
            # file) of a path that is now a file (a folder), it goes (`_prune` would have).
            try:
                os.unlink(target)
            except FileNotFoundError:
                pass
            except (IsADirectoryError, PermissionError):  # (macOS says EPERM for a folder)
                shutil.rmtree(target)
            except NotADirectoryError:
                self._unfile(parent)
        if parent and parent not in self._dirs:
            try:
                (self.staging / parent).mkdir(parents=True, exist_ok=True)
            except (FileExistsError, NotADirectoryError):
                self._unfile(parent)
                (self.staging / parent).mkdir(parents=True, exist_ok=True)
            self._dirs.add(parent)
        return target

    def _unfile(self, folder: str) -> None:  # the standby's files where `folder` goes
        if self.staging is None or not self._in_place:
            raise FileExistsError(errno.EEXIST, "a file where a folder goes", folder)
        at = self.staging
        for part in folder.split("/"):
            at = at / part
            if at.is_symlink() or (at.exists() and not at.is_dir()):
                os.unlink(at)

    def _reuse(self, old: Path, target: Path) -> bool:
        with contextlib.suppress(OSError):
            os.link(old, target)
            return True
        return False

    def _settled(self, rel: str) -> bool:
        """The staging tree already holds the output's file at `rel` (the former standby
        did not differ there): an unchanged file needs no work at all."""
        return (self._in_place and rel not in self._differs and self.before is not None
                and rel in self.before.files and rel not in self._written)

    def write(self, path: str, data: bytes) -> None:
        old = self.out / path
        try:  # (a symbolic link put there by hand is never the file: written anew)
            same = S_ISREG((st := old.lstat()).st_mode) and st.st_size == len(data) and (
                old.read_bytes() == data)
        except OSError:
            same = False
        target = self._unless_kept(path, old, same)
        if target is None:
            return
        with open(target, "wb") as fh:
            fh.write(data)
        if same:
            shutil.copystat(old, target)
            self.stats.unchanged += 1
        else:
            self.stats.written += 1
            self.stats.changed.append(path)

    def _unless_kept(self, path: str, old: Path, same: bool) -> Path | None:
        """None when the bytes are `same` as the previous output's file `old` and that
        file is kept (counted unchanged); otherwise the staging path to write."""
        if same and self._settled(safe_relpath(path)):
            self._written.add(safe_relpath(path))
            self.stats.unchanged += 1
            return None
        target = self._target(path)
        if same and self._reuse(old, target):
            self.stats.unchanged += 1
            return None
        return target

    def keep(self, path: str) -> bool:
        """Carry a file over from the previous output unchanged; False if it is not there."""
        rel = safe_relpath(path)
        if self._settled(rel):
            self._written.add(rel)
            self.stats.unchanged += 1
            return True
        old = self.out / path
        if not old.is_file() or old.is_symlink():
            return False
        if self._reuse(old, self._target(path)):
            self.stats.unchanged += 1
            return True
        self._written.discard(rel)
        return False

    def keep_all(self, paths: Iterable[str]) -> list[str]:
        """`keep` each of `paths` not written yet (those `_settled`: one set operation)."""
        todo = set(paths) - self._written
        if self._in_place and self.before is not None:
            settled = (self.before.files & todo) - self._differs
            self._written |= settled
            self.stats.unchanged += len(settled)
            todo -= settled
        return sorted(p for p in todo if not self.keep(p))  # those not there to keep

    def copy(self, path: str, source: Path, *, link: bool = False) -> None:
        """Copy a file, or reuse the previous copy when its bytes are the same (so it keeps
        its modification time). `link`: the source never changes in place (an index file
        in the cache), so a new file is a hard link to it rather than a copy."""
        old = self.out / path
        try:
            src, prev = source.stat(), old.lstat()
            same = S_ISREG(prev.st_mode) and (os.path.samestat(src, prev) or (
                src.st_size == prev.st_size and filecmp.cmp(source, old, shallow=False)))
        except OSError:
            same = False
        target = self._unless_kept(path, old, same)
        if target is None:
            return
        if not (link and self._reuse(source, target)):
            shutil.copyfile(source, target)
        self.stats.written += 1
        self.stats.changed.append(path)

    def staged(self, path: str) -> Path:
        """A file already written to this build, where it is until the commit (to read
        it, never to change it)."""
        if self.staging is None:
            raise RuntimeError("Writer.begin() first")
        return self.staging / safe_relpath(path)

    def written(self) -> set[str]:
        return self._written

    # -- the swap ------------------------------------------------------------------------

    def _prune(self) -> frozenset[str]:
        """Remove from the staging tree what this build did not write; the removed paths."""
        if self.staging is None:
            raise RuntimeError("Writer.begin() first")
        if self._in_place and self.before is not None:
            candidates: set[str] = set(self.before.files) | self._differs
        else:
            candidates = set(walk(self.out)) if self.out.is_dir() else set()
        gone = frozenset(candidates - self._written)
        if not self._in_place:
            return gone  # a fresh staging tree holds only what was written
        folders: set[str] = set()
        for rel in gone:  # (a file that is a folder now, or under one that is a file: kept)
            with contextlib.suppress(FileNotFoundError, IsADirectoryError, NotADirectoryError):
                os.unlink(self.staging / rel)
            folders.add(rel.rpartition("/")[0])
        for folder in sorted(folders, key=len, reverse=True):  # deepest first
            while folder:
                try:
                    os.rmdir(self.staging / folder)
                except OSError:
                    break  # not empty (or gone): its parents are not empty either
                folder = folder.rpartition("/")[0]
        return gone

    def commit(self) -> None:
        if self.staging is None:
            raise RuntimeError("Writer.begin() first")
        if (reason := guard.replaced(self.out)) is not None:  # its check was at the start
            self.abort()
            raise guard.OutputRefused(f"refusing to write to {self.out.name}: it {reason}")
        counts = (self.stats.written, self.stats.unchanged)
        self.write(MARKER, MARKER_TEXT)
        self.stats.written, self.stats.unchanged = counts
        gone = self._prune()
        staging = self.staging
        self.files = frozenset(self._written)
        if self.seal_folders is not None:  # every file there, or none of it is swapped in
            self.folders = self.seal_folders(self.files)
            self._parts = seal.staged(staging, self.files, self.folders)
            if self._parts is None:
                self.abort()  # (a standby that lost files: the next try stages all)
                raise StagingShort(f"{staging}: a file of the next output went missing "
                                   "before it was swapped in (a cache cleaned meanwhile?)")
        self.staging = None
        if not self.out.exists():
            twin = twin_of(staging, self.standby_path, f".{_STAGING}{self.out.name}-"
                           f"{os.getpid()}-{os.urandom(4).hex()}", self._written)
            os.rename(staging, self.out)
            standby = self.standby_path
            if twin is not None and standby is not None:
                os.rename(twin, standby)
                self.differs = frozenset()
            return
        if exchange(staging, self.out):
            standby = self.standby_path
            if standby is not None and staging.parent == standby.parent:
                # The previous output, one generation behind: the next build's staging tree.
                os.rename(staging, standby)
                self.differs = frozenset(self.stats.changed) | gone
            else:
                self._discard(staging)
            return
        backup = self.parent / f".{_BACKUP}{self.out.name}-{os.getpid()}-{os.urandom(4).hex()}"
        os.rename(self.out, backup)
        os.rename(staging, self.out)
        shutil.rmtree(backup, ignore_errors=True)

    def sealed(self) -> str | None:  # the output's seal, from the parts made before the swap
        return seal.after(self.out, self._parts, self.folders) if self._parts else None

    @property
    def in_place(self) -> bool:  # this build changed the standby rather than stage all
        return self._in_place

    def standby_identity(self) -> tuple[int, int] | None:
        standby = self.standby_path
        return identity(standby) if standby is not None and self.differs is not None else None

    def abort(self) -> None:
        """Delete the staging tree now, not in the trash (a disk full stays full)."""
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None
