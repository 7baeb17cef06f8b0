"""Shared helpers: run newsgen as a user would, build fixture sites, parse the output."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from newsgen.build import BuildOptions, BuildResult, build
from newsgen.errors import BuildFailed, Reporter
from newsgen.incremental.cache import BuildCache

SITES = Path(__file__).parent / "sites"
NOW = "2024-12-19 12:00"


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]

    def errors(self) -> list[str]:
        return [line for line in self.lines if ": error: " in line]

    def warnings(self) -> list[str]:
        return [line for line in self.lines if ": warning: " in line]


def newsgen(*args: str | os.PathLike[str], cwd: Path | None = None, timeout: float = 120) -> Run:
    """Run the real command line in a child process."""
    proc = subprocess.run(
        [sys.executable, "-m", "newsgen", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONWARNINGS": "error::DeprecationWarning:newsgen"},
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return Run(proc.returncode, proc.stdout, proc.stderr)


def build_here(site: Path, *, cache: BuildCache | None = None,
               **options: Any) -> tuple[BuildResult | None, Reporter]:
    """Build in this process: the result (None when the build failed) and everything it
    reported. `options` are BuildOptions fields; the clock is NOW and one process works
    unless they say otherwise. `cache`: an in-memory state kept between builds, as
    `newsgen serve` keeps it."""
    options.setdefault("now", NOW)
    options.setdefault("jobs", 1)
    reporter = Reporter()
    try:
        return build(BuildOptions(site=site, **options), reporter, cache=cache), reporter
    except BuildFailed:
        return None, reporter


def write_site(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return root


def article(title: str = "A title", date: str = "2024-12-18 10:30", section: str = "General",
            body: str = "Some text.", **fields: str) -> str:
    lines = ["---", f"title: {title}", f"date: {date}", f"section: {section}"]
    lines += [f"{k}: {v}" for k, v in fields.items()]
    lines += ["---", "", body, ""]
    return "\n".join(lines)


def tree_digest(root: Path) -> dict[str, str]:
    """Every file under root with the hash of its bytes (and symlink targets)."""
    out: dict[str, str] = {}
    if not root.exists():
        return out
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            out[rel] = "link:" + os.readlink(path)
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            out[rel + "/"] = "dir"
    return out


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def built_copy(factory: pytest.TempPathFactory, name: str, *args: str,
               now: str = NOW) -> tuple[Path, Run]:
    """A fixture site of tests/sites copied into a temporary folder and built there:
    the copy and the run (which succeeded)."""
    site = factory.mktemp(name) / "site"
    shutil.copytree(SITES / name, site)
    run = newsgen("build", "-s", site, "--now", now, *args)
    assert run.code == 0, run.err
    return site, run


@pytest.fixture
def fixture_site(tmp_path: Path) -> Callable[[str], Path]:
    """Copy a fixture site from tests/sites into a temporary folder."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(SITES / name, target)
        return target

    return copy


@pytest.fixture(scope="session")
def basic_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/sites/basic built once with a fixed build time; returns the output folder."""
    site = tmp_path_factory.mktemp("basic") / "site"
    shutil.copytree(SITES / "basic", site)
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    return site / "dist"


# --------------------------------------------------------------------------- the browser

CHROMIUM = os.environ.get("NEWSGEN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (never a downloaded browser); skipped when
    either is missing."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
