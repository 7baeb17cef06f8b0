"""What the build state holds for one article file and for one output folder."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from newsgen.errors import Diagnostic
from newsgen.model.content import Article
from newsgen.model.site import Held


@dataclass
class CachedArticle:
    stat: tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode when it was read
    content: str  # digest of the file's bytes and the settings that shaped it
    article: Article | None
    diagnostics: list[Diagnostic]


@dataclass
class OutputRecord:
    """What one output folder holds, and that folder's identity."""

    identity: tuple[int, int] | None  # (st_dev, st_ino) of the folder after the build
    pages: dict[str, str] = field(default_factory=dict)  # output path -> fingerprint
    state: str = ""  # fingerprint of the whole build: equal means nothing to do
    content: str = ""  # ... the same by the files' bytes (newsgen.incremental.sources)
    valid_from: datetime | None = None  # ... for a build time in [valid_from, valid_until)
    valid_until: datetime | None = None
    next_embargo: datetime | None = None
    files: int = 0  # files other than pages in the output
    # The build's warnings: a later build that finds nothing changed reports them again,
    # so the log of every build is complete.
    diagnostics: list[Diagnostic] = field(default_factory=list)
    held: tuple[Held, ...] = ()  # drafts and scheduled articles left out of it
    search: dict[str, str] = field(default_factory=dict)  # index part folder -> its key
    # The standby tree (see newsgen.output.writer): the paths where it differs from the output,
    # or None when it is unknown (no standby, or a build was cut short while changing it).
    standby: frozenset[str] | None = None
    standby_identity: tuple[int, int] | None = None
    standby_digest: str | None = None  # its bytes' digest, when known (see `digest`)
    page_count: int = 0
    files_set: frozenset[str] | None = None  # every file in it (read when needed)
    # The digest of every file in it (newsgen.output.guard.tree_digest), when the build
    # that wrote it made one (`--changes`): a copy of the folder restored elsewhere (a CI
    # cache) is recognised by it (`BuildCache.adopt`).
    digest: str | None = None
    # The stats of its files and folders after the build (newsgen.output.seal.seal): a
    # file edited, added or removed by hand since makes the next build write it whole.
    # None: not known (the dev server's output, which nobody else writes).
    sealed: str | None = None
    intact: bool = False  # ... as this process found (not saved)
    # The folders whose times the seal takes (newsgen.output.seal.folders_of), so that a
    # file added to one is seen: made with the record, not by each later build.
    folders: tuple[str, ...] = ()
