"""What a build is asked to do (`BuildOptions`), what it did (`BuildResult`), and the
first things it reads: the configuration and the moment it builds at."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from newsgen.errors import Reporter
from newsgen.model.config import CONFIG_NAME, Config
from newsgen.model.site import Held, Site
from newsgen.parse.config import line_of_key, load_config
from newsgen.parse.config_values import check_base_url
from newsgen.parse.dates import parse_date


@dataclass
class BuildOptions:
    site: Path
    output: Path | None = None  # default: <site>/dist
    drafts: bool = False
    future: bool = False
    now: str | None = None  # --now, as written
    base_url: str | None = None
    jobs: int | None = None  # None: the number of cores
    cache_dir: Path | None = None  # default: <site>/.newsgen-cache
    write: bool = True  # False for `newsgen check`
    use_cache: bool = True
    preview: bool = False  # `newsgen serve`: drafts and scheduled articles are marked
    # `newsgen serve` after its first build: a changed search part that the output already
    # has is indexed by a later build, so the page reloads first (see BuildResult)
    search_later: bool = False
    # Where the writer keeps its staging and standby trees (default: the cache folder);
    # `newsgen serve` keeps them beside its output, on the same file system.
    work_dir: Path | None = None
    one_shot: bool = False  # `newsgen build`, `check`: the process ends with the build
    # `newsgen build --changes`: digest the output and say whether it differs from what
    # the last build wrote there (BuildResult.output_changed), in the file `changes`
    digest: bool = False
    changes: Path | None = None
    # Without `write`: render only the first page of each kind (enough for the templates'
    # errors), as the check of the sources that a refused output folder gets does
    sample: bool = False

    @property
    def cache_path(self) -> Path:
        return self.cache_dir if self.cache_dir is not None else self.site / ".newsgen-cache"

    @property
    def staging_home(self) -> Path | None:
        """Where the writer keeps its staging and standby trees: `work_dir`, else the
        state folder; without either, beside the output, with no standby."""
        return self.work_dir or (self.cache_path if self.use_cache else None)

    @property
    def output_dir(self) -> Path:
        chosen = self.output if self.output is not None else self.site / "dist"
        return Path(os.path.realpath(os.path.abspath(chosen)))

    @property
    def workers(self) -> int:
        return self.jobs if self.jobs is not None else (os.cpu_count() or 1)


@dataclass
class BuildResult:
    site: Site | None = None
    pages: int = 0
    files: int = 0
    written: int = 0
    unchanged: int = 0
    rendered: int = 0
    articles: int = 0
    seconds: float = 0.0
    nothing_changed: bool = False
    next_embargo: datetime | None = None
    held: tuple[Held, ...] = ()  # drafts and scheduled articles left out, by date
    search_stale: bool = False  # some search parts wait for a build without search_later
    changed: list[str] = field(default_factory=list)  # output paths whose bytes changed
    outputs: dict[str, str] = field(default_factory=dict)  # path -> page kind, or "file"
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage, for -v
    digest: str | None = None  # with BuildOptions.digest: the output's (output/guard.py)
    output_changed: bool | None = None  # ... and whether it differs from the last build's
    unreported: str | None = None  # why BuildOptions.changes could not be written
    interrupted: bool = False  # Ctrl-C once the output was swapped in: published all the same
    # A fresh build after edits of articles' words: the pages it made from the rows of the
    # last build (newsgen.build.edits); else why it linked the whole site ("" if not asked)
    from_rows: int = 0
    whole: str = ""


class Clock:
    """Seconds per stage, for `newsgen build -v`."""

    def __init__(self) -> None:
        self.started = self.mark = time.perf_counter()
        self.stages: dict[str, float] = {}

    def stage(self, name: str) -> None:
        before, self.mark = self.mark, time.perf_counter()
        self.stages[name] = self.mark - before

    @property
    def total(self) -> float:
        return time.perf_counter() - self.started


def site_config(options: BuildOptions, reporter: Reporter) -> Config:
    """The site's configuration, with a warning when feeds and sitemaps lack a base URL."""
    config = load_site_config(options, reporter)
    if not config.base_is_absolute and options.base_url is None and not config.misread and not any(
            d.message.startswith("base_url:") for d in reporter.errors):  # said already
        where = (f"set base_url: https://… in {CONFIG_NAME}" if (config.root / CONFIG_NAME)
                 .is_file() else f"create {CONFIG_NAME} with base_url: https://…")
        reporter.warning(CONFIG_NAME, line_of_key(config.root / CONFIG_NAME, "base_url"),
                         f"base_url '{config.base_url}' is not an absolute URL: feeds, sitemaps "
                         f"and canonical links need one ({where}, or pass --base-url)")
    return config


def load_site_config(options: BuildOptions, reporter: Reporter) -> Config:
    config = load_config(options.site, reporter)
    if options.base_url is not None:
        problem = check_base_url(options.base_url)
        if problem:
            reporter.error("--base-url", None, problem)
        else:
            config = config.with_base_url(options.base_url)
    return config


def build_time(options: BuildOptions, config: Config, reporter: Reporter) -> datetime:
    if options.now is None:
        return datetime.now(config.tz)
    moment = parse_date(options.now.strip(), config.tz)
    if moment is None:
        reporter.error("--now", None, f"'{options.now}' is not a time like 2024-12-18 10:30")
        return datetime.now(config.tz)
    return moment
