"""Worker processes that start afresh (the `spawn` start method, the only one on
Windows) build exactly what forked workers and a single process build."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import article, tree_digest, write_site

from newsgen.stages.parallel import PARALLEL_MIN, Conversions


def build(site: Path, name: str, jobs: int, method: str | None) -> Path:
    env = {k: v for k, v in os.environ.items() if k != "NEWSGEN_START_METHOD"}
    if method is not None:
        env["NEWSGEN_START_METHOD"] = method
    out = site.parent / name
    proc = subprocess.run(
        [sys.executable, "-m", "newsgen", "build", "-s", str(site), "-o", str(out),
         "-j", str(jobs), "--now", "2024-12-19 12:00", "--cache-dir",
         str(site.parent / f"cache-{name}")],
        capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return out


def test_spawned_workers_build_what_forked_workers_and_one_process_build(
        tmp_path: Path) -> None:
    count = 2 * Conversions.CHUNK  # enough to convert in workers, and to render in them
    files: dict[str, str | bytes] = {
        "newsgen.yaml": "title: Spawn\nbase_url: https://spawn.example/\nper_page: 5\n"}
    for i in range(count):
        files[f"content/general/s{i}.md"] = article(
            f"Story {i}", f"2024-{1 + i % 12:02d}-{1 + i % 18:02d} 10:00", "General",
            body=f"Body {i} with **bold** and a [link](s{(i + 1) % count}.md).",
            tags=f"[t{i % 7}]")
    site = write_site(tmp_path / "site", files)
    one = build(site, "one", 1, None)
    assert len(list(one.rglob("*.html"))) > PARALLEL_MIN
    spawned = build(site, "spawned", 2, "spawn")
    forked = build(site, "forked", 2, "fork")
    assert tree_digest(spawned) == tree_digest(one) == tree_digest(forked)
