"""A build with nothing to do, or a check of the command line, starts light: it does not
import what only a build with work to do needs (Markdown, Jinja, Pillow, the article
reader, the linker, the renderer, the importer, `newsgen new`'s scaffolding). At
100,000 articles such a build is about half a second, of which Python's imports were a
third."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from conftest import newsgen

# What only a build with work to do, or another command, imports.
HEAVY = ("jinja2", "markdown", "PIL", "pymdownx", "newsgen.stages.loader",
         "newsgen.parse.validate", "newsgen.parse.fields", "newsgen.parse.body_lines",
         "newsgen.stages.site", "newsgen.stages.render", "newsgen.parse.oldurls",
         "newsgen.scaffold", "newsgen.migrate")


def _imported(*args: str) -> set[str]:
    """The modules a `newsgen` command imported (Python's own -X importtime list)."""
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "newsgen", *args],
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr
    return {line.rsplit("|", 1)[1].strip() for line in run.stderr.splitlines()
            if line.startswith("import time:") and "|" in line} - {"package"}


def _heavy(modules: set[str]) -> set[str]:
    return {m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)}


def test_a_build_with_nothing_to_do_imports_nothing_heavy(
        fixture_site: Callable[[str], Path]) -> None:
    site = fixture_site("basic")
    assert newsgen("build", "-s", site).code == 0
    modules = _imported("build", "-q", "-s", str(site))
    assert "newsgen.build.steps" in modules  # (the list is real)
    assert not _heavy(modules)


def test_the_command_lines_help_imports_nothing_heavy() -> None:
    modules = _imported("build", "--help")
    assert "newsgen.cli" in modules
    assert not _heavy(modules)
