"""Path safety (hardening suite 3) and the output guard (suite 4).

Slugs, sections, tags, authors, permalinks, asset names and image paths built from
`../`, `..\\`, absolute paths, `%2e%2e`, NUL, reserved Windows names, 300-character
names and names differing only in case or Unicode normalization: no file is ever
created outside the output folder, checked both with an audit hook on every file
operation of an in-process build and with a snapshot of the whole temporary tree.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from conftest import NOW, article, newsgen, tree_digest, write_site

from newsgen.build import BuildOptions, build
from newsgen.errors import BuildFailed, Reporter

# Each gives a distinct, safe slug; the build succeeds.
HOSTILE_NAMES = ["../../escape", "..\\..\\flee", "/etc/passwd", "%2e%2e/%2e%2e/run",
                 "a\tb", "CON", "nul", "LPT1", "x" * 300, "C:\\Windows",
                 "\\\\server\\share", "..%2f..%2fq", "Ünïcödé"]
# Each slugifies to nothing: an error, never a path.
EMPTY_NAMES = ["..", ".", "~", "/", "\\", "%", "🎉"]

_WATCH: dict[str, object] = {"allowed": None, "violations": []}
_WRITE_EVENTS = {"os.mkdir", "os.rename", "os.link", "os.symlink", "os.remove", "os.rmdir",
                 "os.truncate", "os.chmod", "os.utime", "shutil.rmtree", "os.replace"}


def _hook(event: str, args: tuple[object, ...]) -> None:
    allowed = _WATCH["allowed"]
    if allowed is None:
        return
    paths: list[object] = []
    if event == "open":
        path, mode = args[0], args[1]
        flags = args[2] if len(args) > 2 else 0
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
        if writing:
            paths.append(path)
    elif event in _WRITE_EVENTS:
        paths.extend(a for a in args[:2] if isinstance(a, str | bytes | os.PathLike))
    for path in paths:
        if isinstance(path, int):
            continue
        real = os.path.realpath(os.fsdecode(path))  # type: ignore[arg-type]
        if not any(real == root or real.startswith(root + os.sep)
                   for root in allowed):  # type: ignore[attr-defined]
            _WATCH["violations"].append((event, real))  # type: ignore[attr-defined]


sys.addaudithook(_hook)


@contextmanager
def audited(*roots: Path) -> Iterator[list[tuple[str, str]]]:
    violations: list[tuple[str, str]] = []
    _WATCH["allowed"] = [os.path.realpath(r) for r in roots]
    _WATCH["violations"] = violations
    try:
        yield violations
    finally:
        _WATCH["allowed"] = None


def hostile_site(root: Path) -> Path:
    files: dict[str, str | bytes] = {
        "newsgen.yaml": "base_url: https://paths.example/\n",
        "content/general/good.md": article("Good"),
        "content/general/..dots.txt": "dots",
        "content/general/a b & c.txt": "spaces",
        "content/general/caf\u00e9.txt": "nfc",
        "content/general/cafe\u0301.txt": "nfd",
        "content/general/Photo.JPG": b"upper",
        "content/general/photo.jpg": b"lower",
        "static/CON": "reserved",
    }
    for i, name in enumerate(HOSTILE_NAMES):
        quoted = '"' + name.replace("\\", "\\\\").replace('"', '\\"').replace("\x00", "\\0") + '"'
        files[f"content/general/s{i}.md"] = (
            f"---\ntitle: {quoted}\ndate: 2024-12-{1 + i % 28:02d}\nsection: General\n"
            f"slug: {quoted}\ntags: [{quoted}]\nauthor: {quoted}\n---\nBody {i}.\n")
    return write_site(root, files)


def test_hostile_names_never_leave_the_output(tmp_path: Path) -> None:
    site = hostile_site(tmp_path / "site")
    outside = {k: v for k, v in tree_digest(tmp_path).items()}
    with audited(site / "dist", site / ".newsgen-cache", site) as violations:
        reporter = Reporter()
        with suppress(BuildFailed):
            build(BuildOptions(site=site, now="2024-12-30 12:00", jobs=1), reporter)
    # Writes happen only in the output, its staging folder beside it, and the cache.
    bad = [(e, p) for e, p in violations
           if not (p.startswith(str(site / "dist")) or p.startswith(str(site / ".newsgen"))
                   or os.path.basename(p).startswith(".newsgen-staging-"))]
    assert bad == []
    after = tree_digest(tmp_path)
    created = {k for k in after if k not in outside}
    assert all(k.startswith(("site/dist/", "site/.newsgen-cache/")) for k in created), created
    assert {k: v for k, v in after.items() if k in outside} == outside
    # Every page is inside dist, with a plain slug for a name.
    for path in (site / "dist").rglob("*"):
        assert os.path.realpath(path).startswith(os.path.realpath(site / "dist"))
    names = {p.name for p in (site / "dist/general").iterdir() if p.is_dir()}
    assert {"escape", "flee", "etc-passwd", "2e-2e-2e-2e-run", "a-b", "con-1", "nul-1",
            "lpt1-1", "c-windows", "server-share", "2f-2fq", "unicode"} <= names
    assert all(len(n) <= 100 for n in names)


@pytest.mark.parametrize("name", EMPTY_NAMES)
def test_names_without_letters_are_slug_errors(tmp_path: Path, name: str) -> None:
    quoted = '"' + name.replace("\\", "\\\\") + '"'
    site = write_site(tmp_path / "s", {"content/general/a.md": article("A", slug=quoted)})
    before = tree_digest(tmp_path)
    run = newsgen("build", "-s", site)
    assert run.code == 1
    assert run.errors()[0].startswith("content/general/a.md:5: error: slug:")
    assert tree_digest(tmp_path) == before


def test_names_differing_in_case_collide_with_both_sources_named(tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", {
        "content/general/Visit.md": article("One"),
        "content/general/visit.md": article("Two"),
        "content/general/caf\u00e9.md": article("NFC"),
        "content/general/cafe\u0301.md": article("NFD"),
    })
    run = newsgen("build", "-s", site)
    assert run.code == 1
    errors = "\n".join(run.errors())
    assert "same URL /general/visit/" in errors
    assert "content/general/Visit.md" in errors and "content/general/visit.md" in errors
    assert "same URL /general/cafe/" in errors


@pytest.mark.parametrize("pattern", ["/../{slug}/", "/{section}/../../{slug}/", "/./{slug}",
                                     "{slug}/..", "/{section}\\..\\{slug}/", "/{slug}/\x00/",
                                     "https://evil.example/{slug}/", "/{name}/{slug}/", "/x/"])
def test_hostile_permalinks_are_config_errors(tmp_path: Path, pattern: str) -> None:
    quoted = '"' + pattern.replace("\\", "\\\\").replace("\x00", "\\0") + '"'
    site = write_site(tmp_path / "s", {"newsgen.yaml": f"permalink: {quoted}\n",
                                       "content/general/a.md": article()})
    before = tree_digest(tmp_path)
    run = newsgen("build", "-s", site)
    assert run.code == 1
    assert run.errors()[0].startswith("newsgen.yaml:1: error: " + (
        "the character U+0000" if "\x00" in pattern else "permalink:"))
    assert tree_digest(tmp_path) == before


@pytest.mark.parametrize("src", ["../../../etc/passwd", "/etc/passwd", "%2e%2e/%2e%2e/x.jpg",
                                 "..\\..\\x.jpg", "file:///etc/passwd", "//evil.example/x.jpg",
                                 "C:\\x.jpg"])
def test_hostile_image_paths_are_errors(tmp_path: Path, src: str) -> None:
    quoted = '"' + src.replace("\\", "\\\\") + '"'
    site = write_site(tmp_path / "s", {"content/general/a.md": article("A", image=quoted)})
    (tmp_path / "x.jpg").write_bytes(b"outside")
    run = newsgen("build", "-s", site)
    assert run.code == 1
    assert run.errors()[0].startswith("content/general/a.md:5: error: image"), run.err


def test_output_guard_keeps_every_tree_unchanged(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "notes.txt").write_text("precious")
    site = write_site(home / "site", {"content/general/a.md": article()})
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "README").write_text("x")
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "index.html").write_text("not ours")
    before = tree_digest(tmp_path)
    env_home = {"HOME": str(home)}
    for target in [".", "..", str(site), str(site / "content"), str(home), str(tmp_path), "/",
                   "", str(repo), str(foreign), str(site / "static"), "~"]:
        run = run_with_env(["build", "-s", str(site), "-o", target], site, env_home)
        assert run.returncode == (2 if target == "" else 1), (target, run.stderr)
        assert "Traceback" not in run.stderr
    assert tree_digest(tmp_path) == before


def run_with_env(args: list[str], cwd: Path, env: dict[str, str]):  # type: ignore[no-untyped-def]
    import subprocess

    return subprocess.run([sys.executable, "-m", "newsgen", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=60, env={**os.environ, **env})


def test_a_base_url_path_is_percent_encoded_everywhere(tmp_path: Path) -> None:
    """A sub-path with a space or Cyrillic is written escaped, as every other path is:
    raw, it made invalid sitemap <loc>s and hrefs."""
    site = write_site(tmp_path / "s", {"content/general/a.md": article("A")})
    run = newsgen("build", "-s", site, "--now", NOW, "--base-url", "https://e.org/my новости/")
    assert run.code == 0, run.err
    base = "https://e.org/my%20%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/"
    page = (site / "dist/general/a/index.html").read_text("utf-8")
    assert f'<link rel="canonical" href="{base}general/a/">' in page
    assert 'href="/my%20%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/assets/' in page
    assert f"<loc>{base}general/a/</loc>" in (site / "dist/sitemap.xml").read_text("utf-8")


def test_each_alias_problem_is_said_on_its_own_line(tmp_path: Path) -> None:
    """An alias that is no path, or whose path another page or file needs, is an error on
    the line of that alias, not on the first item's or on `aliases:`."""
    site = write_site(tmp_path / "s", {
        "content/general/a.md": "---\ntitle: A\ndate: 2024-12-18\nsection: General\n"
                                "aliases:\n  - /old/one/\n  - /old/two/\n  - 'javascript:x'\n"
                                "  - /feed.xml\n  - /general/b/\n---\nx\n",
        "content/general/b.md": article("B"),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 1
    lines = sorted(e.split(": error: ")[0] for e in run.errors())
    assert lines == ["content/general/a.md:10", "content/general/a.md:8",
                     "content/general/a.md:9"], run.err
