"""A 10,000-article archive (the benchmark corpus): random edit sequences give exactly a
clean build's output, and builds killed at random moments leave the old or the new
output whole. Slow: run with -m slow."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import build_here, tree_digest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import corpus  # noqa: E402

NOW = "2025-01-02 12:00"
SIZE = 10_000


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("archive") / "newsgen"
    corpus.write_newsgen(site, corpus.articles(SIZE))
    return site


def _build(site: Path, out: Path, *, cache: bool = True) -> None:
    result, reporter = build_here(site, output=out, now=NOW, jobs=None, use_cache=cache,
                                  cache_dir=site.parent / "state")
    assert result is not None, [d.format() for d in reporter.errors]


def _edit(site: Path, rng: random.Random, n: int) -> str:
    stories = sorted((site / "content").rglob("*.md"))
    story = rng.choice(stories)
    text = story.read_text(encoding="utf-8")
    kind = rng.choice(["publish", "retitle", "retag", "remove", "redate", "relate", "config"])
    if kind == "publish":
        section = rng.choice(corpus.SECTIONS)
        (site / "content" / section.lower() / f"new-{n}.md").write_text(
            f"---\ntitle: New {n}\ndate: 2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} "
            f"10:00\nsection: {section}\ntags: [{rng.choice(corpus.TAGS)}, energy]\n---\n\n"
            f"Body {n}.\n", encoding="utf-8")
    elif kind == "retitle":
        story.write_text(text.replace("title: ", f"title: Retitled {n} ", 1), encoding="utf-8")
    elif kind == "retag":
        lines = [f"tags: [{rng.choice(corpus.TAGS)}]" if line.startswith("tags:") else line
                 for line in text.split("\n")]
        story.write_text("\n".join(lines), encoding="utf-8")
    elif kind == "remove":
        # Only an article nobody refers to: a dangling reference is an error.
        if not any(f"- {story.stem}\n" in s.read_text(encoding="utf-8") for s in stories):
            story.unlink()
    elif kind == "redate":
        lines = [f"date: 2023-0{rng.randint(1, 9)}-1{rng.randint(0, 9)} 08:00"
                 if line.startswith("date:") else line for line in text.split("\n")]
        story.write_text("\n".join(lines), encoding="utf-8")
    elif kind == "relate":
        other = rng.choice(stories)
        if other != story and "related:" not in text:
            story.write_text(text.replace("\n---\n", f"\nrelated:\n  - {other.stem}\n---\n", 1),
                             encoding="utf-8")
    else:
        config = site / "newsgen.yaml"
        config.write_text(config.read_text(encoding="utf-8").replace(
            "per_page: 20", "per_page: 25") if "per_page: 20" in config.read_text(
            encoding="utf-8") else config.read_text(encoding="utf-8").replace(
            "per_page: 25", "per_page: 20"), encoding="utf-8")
    return kind


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_random_edits_on_a_10k_archive_equal_clean_builds(archive: Path, tmp_path: Path) -> None:
    rng = random.Random(12)
    site = tmp_path / "site"
    shutil.copytree(archive, site)
    _build(site, tmp_path / "inc")
    for n in range(8):
        kinds = [_edit(site, rng, n * 10 + i) for i in range(rng.randint(1, 3))]
        _build(site, tmp_path / "inc")
        shutil.rmtree(tmp_path / "clean", ignore_errors=True)
        _build(site, tmp_path / "clean", cache=False)
        assert tree_digest(tmp_path / "inc") == tree_digest(tmp_path / "clean"), kinds


def _kill_rounds(site: Path, versions: dict[str, dict[Path, str]], rounds: int,
                 seed: int) -> dict[str, int]:
    """Build version A, then switch between A and B, killing each build at a random
    moment: the output must always be one of the two complete builds."""
    rng = random.Random(seed)
    refs = {}
    for name, files in versions.items():
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        ref = site.parent / f"ref-{name}"
        shutil.rmtree(ref, ignore_errors=True)
        _build(site, ref, cache=False)
        refs[name] = tree_digest(ref)
        shutil.rmtree(ref)
    assert refs["A"] != refs["B"]
    cmd = [sys.executable, "-m", "newsgen", "build", "-s", str(site), "--now", NOW, "-q"]
    for path, text in versions["A"].items():
        path.write_text(text, encoding="utf-8")
    assert subprocess.run(cmd, check=False).returncode == 0
    # How long a build takes (B, then back to A): kills land anywhere inside one.
    for name in ("B", "A"):
        for path, text in versions[name].items():
            path.write_text(text, encoding="utf-8")
        started = time.perf_counter()
        assert subprocess.run(cmd, check=False).returncode == 0
        took = time.perf_counter() - started
    state = "A"
    outcomes = {"old": 0, "new": 0}
    target = state
    for n in range(rounds):
        target = "B" if state == "A" else "A"
        for path, text in versions[target].items():
            path.write_text(text, encoding="utf-8")
        proc = subprocess.Popen(cmd, stderr=subprocess.DEVNULL)  # noqa: S603 - our own
        if n % 5 == 4:  # every fifth build runs to its end: both outcomes happen
            proc.wait()
        else:  # the first kills land early (before any swap), the others anywhere
            time.sleep(rng.uniform(0.05, 0.5) if n < 2 else rng.uniform(0.05, took * 1.5))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        now = tree_digest(site / "dist")
        assert now in (refs["A"], refs["B"]), "half-written output after a kill"
        if now == refs[target]:
            outcomes["new"] += 1
            state = target
        else:
            outcomes["old"] += 1
    # After all those kills, a build of the sources as they are gives exactly their output.
    assert subprocess.run(cmd, check=False).returncode == 0
    assert tree_digest(site / "dist") == refs[target]
    return outcomes


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_killed_publishes_into_a_10k_archive(archive: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(archive, site)
    new = site / "content" / "general" / "zz-published.md"
    versions = {
        "A": {new: "---\ntitle: Embargoed\ndate: 2099-01-01 09:00\nsection: General\n---\n\n"
                   "Not yet.\n"},
        "B": {new: "---\ntitle: Published\ndate: 2025-01-01 09:00\nsection: General\n"
                   "tags: [energy, trade]\n---\n\nA new article.\n"},
    }
    outcomes = _kill_rounds(site, versions, 20, seed=3)
    assert outcomes["old"] > 0 and outcomes["new"] > 0


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_killed_template_changes_in_a_10k_archive(archive: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(archive, site)
    template = site / "templates" / "article.html"
    versions = {
        "A": {template: '{% extends "builtin/article.html" %}'},
        "B": {template: '{% extends "builtin/article.html" %}{% block meta %}{{ super() }}'
                        '<meta name="edition" content="2">{% endblock %}'},
    }
    outcomes = _kill_rounds(site, versions, 20, seed=4)
    assert outcomes["old"] > 0 and outcomes["new"] > 0
