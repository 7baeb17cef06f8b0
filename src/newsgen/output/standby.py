"""What a writer is told of the output before it (`Standby`: newsgen.output.writer says
how the standby tree keeps the output whole), and what it counts as it writes."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

STANDBY = ".newsgen-standby-"


def standby_of(out: Path, work: Path) -> Path:
    """Where the standby tree of the output folder `out` (its real path) is kept, in the
    state folder `work`: named by `out`'s path from it, the same in a moved checkout."""
    where = os.fsencode(os.path.relpath(out, work))
    tag = hashlib.blake2b(where, digest_size=6).hexdigest()
    return work / "staging" / f"{STANDBY}{out.name}-{tag}"


@dataclass
class WriteStats:
    written: int = 0
    unchanged: int = 0
    changed: list[str] = field(default_factory=list)  # paths whose bytes are new


@dataclass
class Standby:
    """What the build state knows of the output before this build (see `Writer`)."""

    files: frozenset[str]  # every file of the output (the marker included)
    # where the standby differs from the output (added, removed, other bytes); None: no standby
    differs: frozenset[str] | None
    identity: tuple[int, int] | None  # (st_dev, st_ino) of the standby folder
    output: tuple[int, int] | None = None  # ... and of the output it was recorded with
    digest: str | None = None  # of its bytes: a copy restored elsewhere proves itself by it


def twin_of(staging: Path, standby: Path | None, name: str,
            files: Iterable[str]) -> Path | None:
    """A first output gets its standby at once: a copy of `staging` made of hard links
    (named `name` beside it until the output is in place), so the next build starts in
    place. None where there is no standby, or it cannot be made."""
    if standby is None or staging.parent != standby.parent or standby.exists():
        return None
    twin = staging.parent / name
    made: set[str] = set()
    try:
        for rel in sorted(files):
            folder = rel.rpartition("/")[0]
            if folder not in made:
                (twin / folder).mkdir(parents=True, exist_ok=True)
                made.add(folder)
            os.link(staging / rel, twin / rel)
    except OSError:
        shutil.rmtree(twin, ignore_errors=True)
        return None
    return twin
