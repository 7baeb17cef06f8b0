"""A cached (incremental) build is byte-for-byte a clean build of the same sources,
for every kind of change, and for random sequences of changes."""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import article, build_here, newsgen, tree_digest, write_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsgen.build import BuildOptions, BuildResult
from newsgen.errors import Reporter

NOW = "2024-12-19 12:00"


def base_files() -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "newsgen.yaml": "title: Inc\nbase_url: https://inc.example/\nper_page: 3\n"
                        "read_also: {limit: 3}\ntimezone: Asia/Ashgabat\n",
        "static/style-extra.css": "body{}",
        "content/general/pic.txt": "asset",
        "templates/read_also.html": '<aside class="read-also"><h2>{{ t("read_also") }}</h2>'
                                    "{% for i in article.read_also %}"
                                    '<a href="{{ i.url }}">{{ i.title }}</a>'
                                    "{% endfor %}</aside>\n",
    }
    sections = ["General", "Economy", "Sport"]
    tags = ["energy", "port", "football", "culture"]
    for i in range(14):
        files[f"content/{sections[i % 3].lower()}/story-{i}.md"] = article(
            f"Story {i}", f"2024-12-{1 + i:02d} 10:00", sections[i % 3],
            body="Body of story 0.\n\nSee [story 3](story-3.md)." if i == 0
            else f"Body of story {i}.",
            tags=f"[{tags[i % 4]}, {tags[(i + 1) % 4]}]",
        )
    return files


def run(site: Path, out: Path, *, cache: bool = True, now: str = NOW, jobs: int = 1,
        drafts: bool = False) -> BuildResult:
    result, reporter = build_here(site, output=out, now=now, jobs=jobs, drafts=drafts,
                                  use_cache=cache, cache_dir=site / ".cache")
    assert result is not None, [d.format() for d in reporter.diagnostics]
    return result


def assert_same_as_clean(site: Path, tmp: Path, *, now: str = NOW, drafts: bool = False) -> None:
    incremental = run(site, tmp / "inc", now=now, drafts=drafts)
    clean_out = tmp / "clean"
    if clean_out.exists():
        shutil.rmtree(clean_out)
    run(site, clean_out, cache=False, now=now, drafts=drafts)
    assert tree_digest(tmp / "inc") == tree_digest(clean_out)
    assert incremental is not None


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new))


CHANGES: dict[str, Callable[[Path], None]] = {
    "body": lambda s: edit(s / "content/general/story-0.md", "Body of story 0.", "New body."),
    "title": lambda s: edit(s / "content/general/story-3.md", "title: Story 3",
                            "title: Story three"),
    "date reorders": lambda s: edit(s / "content/economy/story-1.md", "2024-12-02",
                                    "2024-12-18"),
    "tags": lambda s: edit(s / "content/sport/story-2.md", "[football, culture]", "[energy]"),
    "new article": lambda s: write_site(s, {"content/general/new.md": article(
        "Brand new", "2024-12-17 08:00", "General", tags="[energy]")}),
    "delete": lambda s: (s / "content/economy/story-4.md").unlink(),
    "rename": lambda s: (s / "content/general/story-6.md").rename(
        s / "content/general/renamed.md"),
    "template": lambda s: write_site(s, {"templates/article.html":
                                         '{% extends "builtin/article.html" %}'
                                         "{% block meta %}<meta name=x content=y>"
                                         "{% endblock %}"}),
    "partial": lambda s: edit(s / "templates/read_also.html", "<h2>", "<h2 class=x>"),
    "config": lambda s: edit(s / "newsgen.yaml", "per_page: 3", "per_page: 2"),
    "config title": lambda s: edit(s / "newsgen.yaml", "title: Inc", "title: Inc Daily"),
    "static": lambda s: write_site(s, {"static/style-extra.css": "body{color:red}"}),
    "asset": lambda s: write_site(s, {"content/general/pic.txt": "changed asset"}),
    "draft": lambda s: edit(s / "content/sport/story-5.md", "section: Sport",
                            "section: Sport\ndraft: true"),
    "broken then fixed": lambda s: None,
}


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_each_kind_of_change(tmp_path: Path, name: str) -> None:
    site = write_site(tmp_path / "site", base_files())
    first = run(site, tmp_path / "inc")
    assert first.rendered == first.pages
    CHANGES[name](site)
    assert_same_as_clean(site, tmp_path)


def test_nothing_changed_is_nearly_free(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", base_files())
    first = run(site, tmp_path / "inc")
    again = run(site, tmp_path / "inc")
    assert again.nothing_changed and again.written == 0
    # The summary line counts what the output holds, as the first build did.
    assert (again.pages, again.files) == (first.pages, first.files)
    # A build one hour later still changes nothing: no article became due.
    assert run(site, tmp_path / "inc", now="2024-12-19 13:00").nothing_changed


@pytest.mark.parametrize("failing", ["save", "record_output"])
def test_a_state_that_cannot_record_the_build_is_emptied_not_trusted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str) -> None:
    """Once the new output is in place the build has succeeded: a failure to record it (a
    bug; a non-UTF-8 file name was one) is a warning, never "failed" over a replaced
    output, and the next build renders everything rather than trust an old record. The
    same for a build of a word edit from rows (`record_output` with only the body edit),
    which saves no articles."""
    from newsgen.incremental.cache import BuildCache

    site = write_site(tmp_path / "site", base_files())
    first = run(site, tmp_path / "inc")
    CHANGES["body"](site)
    if failing == "save":  # and a new article: the whole site is linked, and saved
        CHANGES["new article"](site)

    def broken(self: BuildCache, *args: object, **kwargs: object) -> None:
        raise ValueError("surrogates not allowed")

    with monkeypatch.context() as patch:
        patch.setattr(BuildCache, failing, broken)
        result, reporter = build_here(site, output=tmp_path / "inc", use_cache=True,
                                      cache_dir=site / ".cache")
    assert result is not None
    assert any("could not record this build (ValueError: surrogates not allowed)"
               in d.message for d in reporter.warnings)
    assert "general/story-0/index.html" in result.changed  # published
    after = run(site, tmp_path / "inc")
    assert not after.nothing_changed and after.rendered == after.pages >= first.rendered
    assert_same_as_clean(site, tmp_path)


def test_one_article_edit_renders_only_what_depends_on_it(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", base_files())
    first = run(site, tmp_path / "inc")
    CHANGES["body"](site)
    second = run(site, tmp_path / "inc")
    assert 0 < second.rendered < first.rendered / 3
    assert "general/story-0/index.html" in second.changed


def test_embargo_and_news_window_are_not_skipped(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {**base_files(), "content/general/later.md": article(
        "Later", "2024-12-20 09:00", "General")})
    run(site, tmp_path / "inc")
    assert not (tmp_path / "inc/general/later").exists()
    result = run(site, tmp_path / "inc", now="2024-12-20 09:00")
    assert not result.nothing_changed
    assert (tmp_path / "inc/general/later/index.html").is_file()
    assert_same_as_clean(site, tmp_path, now="2024-12-20 09:00")
    # Four days later every article has left the news sitemap.
    assert_same_as_clean(site, tmp_path, now="2024-12-24 09:00")
    # Back in time: the embargoed article disappears again.
    assert_same_as_clean(site, tmp_path, now="2024-12-19 12:00")


def test_failed_build_then_fix(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", base_files())
    run(site, tmp_path / "inc")
    good = (site / "content/general/story-0.md").read_text()
    (site / "content/general/story-0.md").write_text(good.replace("2024-12-01", "2024-13-45"))
    failed, _ = build_here(site, output=tmp_path / "inc", cache_dir=site / ".cache")
    assert failed is None
    (site / "content/general/story-0.md").write_text(good.replace("Body", "Fixed body"))
    assert_same_as_clean(site, tmp_path)


def _garbage_file(db: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    db.write_bytes(b"garbage" * 1000)


def _garbage_rows(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE articles SET data = x'00ff00'")
        conn.execute("UPDATE outputs SET record = x'00ff00'")
    conn.close()


def _truncated(db: Path) -> None:
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])


def _foreign(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE meta SET value = 'newsgen 0.0.1 state 1 python (3, 9)' "
                     "WHERE key = 'stamp'")
    conn.close()


@pytest.mark.parametrize("damage", [_garbage_file, _garbage_rows, _truncated, _foreign],
                         ids=["garbage-file", "garbage-rows", "truncated", "other-version"])
def test_damaged_or_foreign_state_is_rebuilt_with_a_warning(
        tmp_path: Path, damage: Callable[[Path], None]) -> None:
    site = write_site(tmp_path / "site", base_files())
    run(site, tmp_path / "inc")
    db = site / ".cache" / "state.sqlite"
    assert db.is_file()
    damage(db)
    CHANGES["title"](site)
    _, reporter = build_here(site, output=tmp_path / "inc", cache_dir=site / ".cache")
    assert any("damaged" in d.message or "starting a new one" in d.message
               for d in reporter.warnings), [d.message for d in reporter.warnings]
    run(site, tmp_path / "clean", cache=False)
    assert tree_digest(tmp_path / "inc") == tree_digest(tmp_path / "clean")
    # The state was rebuilt: the next build trusts it again and has nothing to do.
    again, reporter = build_here(site, output=tmp_path / "inc", cache_dir=site / ".cache")
    assert again is not None and again.nothing_changed
    assert not any("damaged" in d.message for d in reporter.warnings)


@pytest.mark.parametrize("damage", [_garbage_file, _garbage_rows, _truncated, _foreign],
                         ids=["garbage-file", "garbage-rows", "truncated", "other-version"])
def test_check_with_a_damaged_or_foreign_state_checks_without_it(
        tmp_path: Path, damage: Callable[[Path], None]) -> None:
    """`newsgen check` reads the state and never writes it: a damaged one is left as it
    is (the next build sets it aside) and the check goes on without it."""
    site = write_site(tmp_path / "site", base_files())
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    damage(site / ".newsgen-cache/state.sqlite")
    before = tree_digest(site)
    checked = newsgen("check", "-s", site, "--now", NOW)
    assert checked.code == 0, checked.err
    assert "internal error" not in checked.err and "Traceback" not in checked.err
    assert "starting a new one" not in checked.err
    assert tree_digest(site) == before


def _damage_page(db: Path, table: str) -> None:
    """One page of the file overwritten, as a torn write or a bad sector leaves it: the
    root page of `table`'s rows. SQLite opens the file; reading that table fails."""
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                            (table,)).fetchone()[0]
    conn.close()
    with db.open("r+b") as f:
        f.seek((root - 1) * size)
        f.write((bytes([0x0D, 0xFF, 0xFF, 0xFF]) + bytes(range(256)) * size)[:size])


@pytest.mark.parametrize("table", ["articles", "html", "fills", "pages", "outputs",
                                   "sources"])
def test_a_state_with_one_damaged_page_is_set_aside_not_failing_every_build(
        tmp_path: Path, table: str) -> None:
    """A file SQLite still opens, one of whose tables cannot be read: each build that
    needed that table failed (an internal error, or a template blamed for it) until the
    state folder was deleted by hand. Now the build sets it aside with a warning and
    builds what a clean build would; `check` goes on without it and leaves it alone."""
    site = write_site(tmp_path / "site", base_files())
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    db = site / ".newsgen-cache/state.sqlite"
    _damage_page(db, table)
    CHANGES["title"](site)
    before = db.read_bytes()
    checked = newsgen("check", "-s", site, "--now", NOW)
    assert checked.code == 0 and "internal error" not in checked.err, checked.err
    assert db.read_bytes() == before
    built = newsgen("build", "-s", site, "--now", NOW)
    assert built.code == 0 and "internal error" not in built.err, built.err
    assert "damaged" in built.err or "could not record" in built.err, built.err
    clean = tmp_path / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("dist", ".newsgen-cache"))
    assert newsgen("build", "-s", clean, "--now", NOW).code == 0
    assert tree_digest(site / "dist") == tree_digest(clean / "dist")
    again = newsgen("build", "-s", site, "--now", NOW)  # a sound state again
    assert again.code == 0 and "warning: the" not in again.err, again.err


def test_parallel_equals_serial(tmp_path: Path) -> None:
    files = base_files()
    for i in range(120):
        files[f"content/general/more-{i}.md"] = article(f"More {i}", f"2024-11-{1 + i % 28:02d}",
                                                        "General", tags="[energy]")
    site = write_site(tmp_path / "site", files)
    run(site, tmp_path / "serial", cache=False, jobs=1)
    run(site, tmp_path / "parallel", cache=False, jobs=2)
    assert tree_digest(tmp_path / "serial") == tree_digest(tmp_path / "parallel")


def _random_edit(site: Path, rng: random.Random, counter: list[int]) -> None:
    stories = sorted((site / "content").rglob("*.md"))
    choice = rng.randrange(6)
    if choice == 0 or not stories:
        counter[0] += 1
        write_site(site, {f"content/general/r{counter[0]}.md": article(
            f"Random {counter[0]}", f"2024-12-{rng.randint(1, 19):02d} 0{rng.randint(0, 9)}:00",
            rng.choice(["General", "Economy", "Sport"]),
            tags=f"[{rng.choice(['energy', 'port', 'new'])}]")})
    elif choice == 1 and len(stories) > 3:
        victim = rng.choice(stories)
        if victim.name != "story-3.md":  # story-0 links to it
            victim.unlink()
    elif choice == 2:
        path = rng.choice(stories)
        text = path.read_text()
        path.write_text(text.replace("title: ", f"title: T{rng.randint(0, 99)} ", 1))
    elif choice == 3:
        path = rng.choice(stories)
        text = path.read_text()
        day = rng.randint(1, 19)
        lines = [f"date: 2024-12-{day:02d} 11:00" if line.startswith("date:") else line
                 for line in text.split("\n")]
        path.write_text("\n".join(lines))
    elif choice == 4:
        edit(site / "newsgen.yaml", "per_page:", f"per_page: {rng.randint(1, 5)}\n#")
    else:
        path = rng.choice(stories)
        path.write_text(path.read_text() + f"\nMore text {rng.random()}.\n")


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1))
def test_random_edit_sequences(tmp_path_factory: pytest.TempPathFactory, seed: int) -> None:
    tmp = tmp_path_factory.mktemp("seq")
    site = write_site(tmp / "site", base_files())
    rng = random.Random(seed)
    counter = [0]
    run(site, tmp / "inc")
    for _ in range(5):
        _random_edit(site, rng, counter)
        run(site, tmp / "inc")
    run(site, tmp / "clean", cache=False)
    assert tree_digest(tmp / "inc") == tree_digest(tmp / "clean")


@pytest.mark.slow
@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1))
def test_random_edit_sequences_long(tmp_path_factory: pytest.TempPathFactory, seed: int) -> None:
    test_random_edit_sequences.hypothesis.inner_test(tmp_path_factory, seed)  # type: ignore[attr-defined]


def test_concurrent_builds_share_the_cache_safely(tmp_path: Path) -> None:
    """Two builds at once into the same output: both succeed, the result is a clean build."""
    import subprocess
    import sys

    site = write_site(tmp_path / "site", base_files())
    cmd = [sys.executable, "-m", "newsgen", "build", "-s", str(site), "--now", NOW, "-q"]
    first = subprocess.Popen(cmd)
    second = subprocess.Popen(cmd)
    assert first.wait(timeout=120) == 0 and second.wait(timeout=120) == 0
    CHANGES["title"](site)
    procs = [subprocess.Popen(cmd) for _ in range(3)]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    run(site, tmp_path / "clean", cache=False)
    assert tree_digest(site / "dist") == tree_digest(tmp_path / "clean")


def test_a_build_overtaken_by_another_finds_changes_against_its_output(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two builds with different options at once (one with --future, one with --drafts):
    the one that commits second finds what to render against the output the first one
    left, not the one it started from. It used to carry the first one's pages over as
    its own, and the mix outlived every later build. A first one with a state of its own
    (another --cache-dir) leaves an output this state knows nothing of: all is rendered.
    Neither takes the other's output for one changed by hand."""
    import subprocess
    import sys

    from newsgen.incremental.state import IncrementalBuild

    files = base_files()
    files["content/general/draft.md"] = article("Draft", "2024-12-10 09:00", draft="true",
                                                tags="[energy]")
    files["content/general/later.md"] = article("Later", "2025-06-01 09:00", tags="[port]")
    site = write_site(tmp_path / "site", files)
    out = tmp_path / "out"
    run(site, out)
    locked = IncrementalBuild.locked

    for state in (site / ".cache", tmp_path / "other-state"):  # shared, or not
        def overtaken(self: IncrementalBuild, state: Path = state) -> object:
            monkeypatch.setattr(IncrementalBuild, "locked", locked)  # another commits first
            subprocess.run([sys.executable, "-m", "newsgen", "build", "-s", str(site), "-o",
                            str(out), "--cache-dir", str(state), "--now", NOW,
                            "--future", "-q"], check=True)
            return locked(self)

        monkeypatch.setattr(IncrementalBuild, "locked", overtaken)
        result, reporter = build_here(site, output=out, now=NOW, jobs=1, drafts=True,
                                      cache_dir=site / ".cache")
        assert result is not None and IncrementalBuild.locked is locked  # it did run
        said = [d.format() for d in reporter.warnings]
        assert not [w for w in said if "changed, added or removed" in w], said
        shutil.rmtree(tmp_path / "clean", ignore_errors=True)
        run(site, tmp_path / "clean", cache=False, drafts=True)
        assert tree_digest(out) == tree_digest(tmp_path / "clean"), state
        run(site, out)  # and a later plain build is a plain build
        shutil.rmtree(tmp_path / "clean")
        run(site, tmp_path / "clean", cache=False)
        assert tree_digest(out) == tree_digest(tmp_path / "clean"), state


@pytest.mark.parametrize("edited", ["newsgen.yaml", "static/style-extra.css"])
def test_a_file_edited_during_a_build_is_built_by_the_next(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edited: str) -> None:
    """A source edited while a build runs (after it was read) is not taken for the bytes
    that build used: the next build builds it. (The configuration's bytes were read
    again when the build recorded its output, so the next build found "nothing
    changed" and the edit never reached the site.)"""
    from newsgen.incremental.state import IncrementalBuild

    site = write_site(tmp_path / "site", base_files())
    out = tmp_path / "out"
    run(site, out)
    locked = IncrementalBuild.locked
    edit_to = {"newsgen.yaml": ("title: Inc", "title: Renamed Daily"),
               "static/style-extra.css": ("body{}", "body{color:red}")}[edited]

    def meanwhile(self: IncrementalBuild) -> object:
        monkeypatch.setattr(IncrementalBuild, "locked", locked)
        edit(site / edited, *edit_to)
        return locked(self)

    CHANGES["title"](site)  # something for the build to do
    monkeypatch.setattr(IncrementalBuild, "locked", meanwhile)
    run(site, out)
    assert IncrementalBuild.locked is locked
    again = run(site, out)
    assert not again.nothing_changed
    run(site, tmp_path / "clean", cache=False)
    assert tree_digest(out) == tree_digest(tmp_path / "clean")


@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_a_template_saved_during_a_build_is_not_half_used(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start: str) -> None:
    """Every page of a build uses the templates as they were when the build began: a
    template saved while the pages render (each worker loading it when it first needs
    it) used to give an output of two theme versions. The next build uses the new one.
    Workers started afresh (spawn) get the parent's templates, not the disk's."""
    from newsgen.incremental.state import IncrementalBuild

    monkeypatch.setenv("NEWSGEN_START_METHOD", start)
    monkeypatch.setattr("newsgen.stages.parallel.PARALLEL_MIN", 1)  # workers, however few

    site = write_site(tmp_path / "site", base_files())
    out = tmp_path / "out"
    run(site, out)
    template = site / "templates/read_also.html"
    locked = IncrementalBuild.locked

    def meanwhile(self: IncrementalBuild) -> object:  # saved before the pages render
        monkeypatch.setattr(IncrementalBuild, "locked", locked)
        edit(template, '<aside class="read-also">', '<aside class="read-also v2">')
        return locked(self)

    CHANGES["title"](site)
    monkeypatch.setattr(IncrementalBuild, "locked", meanwhile)
    run(site, out, jobs=2)
    assert IncrementalBuild.locked is locked
    pages = [p.read_text() for p in out.rglob("*.html")]
    assert not any('class="read-also v2"' in text for text in pages)
    run(site, out, jobs=2)
    shutil.rmtree(tmp_path / "clean", ignore_errors=True)
    run(site, tmp_path / "clean", cache=False)
    assert tree_digest(out) == tree_digest(tmp_path / "clean")


def test_builds_that_create_the_state_at_once_all_succeed(tmp_path: Path) -> None:
    """Three first builds of a site at the same moment: one creates the database, the
    others wait for it. (One of them used to take the creator's busy database for a
    damaged one and delete it under it.)"""
    import subprocess
    import sys

    for attempt in range(5):
        site = write_site(tmp_path / f"site{attempt}", base_files())
        cmd = [sys.executable, "-m", "newsgen", "build", "-s", str(site), "--now", NOW]
        procs = [subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True) for _ in range(3)]
        said = [p.communicate(timeout=120)[1] for p in procs]
        assert [p.returncode for p in procs] == [0, 0, 0], said
        assert not any("damaged" in text for text in said), said


def _png() -> bytes:
    import io

    from PIL import Image

    data = io.BytesIO()
    Image.new("RGB", (8, 8)).save(data, "PNG")
    return data.getvalue()


def test_a_build_with_nothing_to_do_reports_every_warning(tmp_path: Path) -> None:
    """A CI log shows the sources' warnings whether or not the cache had work to do."""
    site = write_site(tmp_path / "site", {
        "content/general/a.md": article("A", "2024-12-18 10:00", tgas="[x]",
                                        image="pic.png"),
        "content/general/pic.png": _png(),
        "content/general/b.md": article("B", "2024-12-17 10:00", related="[a, a]"),
    })
    first = newsgen("build", "-s", site, "--now", NOW)
    assert first.code == 0, first.err
    assert len(first.warnings()) >= 3
    second = newsgen("build", "-s", site, "--now", NOW)
    assert second.code == 0
    assert "nothing changed" in second.err
    assert second.warnings() == first.warnings()
    count = len(first.warnings())
    assert f"{count} warnings)" in second.err
    # After one article changes, the cached articles' warnings are still all there.
    (site / "content/general/b.md").write_text(
        article("B2", "2024-12-17 10:00", related="[a, a]"), encoding="utf-8")
    third = newsgen("build", "-s", site, "--now", NOW)
    assert third.code == 0
    assert third.warnings() == first.warnings()


def test_each_page_kind_declares_what_its_template_gets(tmp_path: Path) -> None:
    """The renderer's context and the fingerprint both come from `Kind.shows`: a template
    gets nothing page-specific that the fingerprint did not hash."""
    from newsgen.build import load_site_config
    from newsgen.parse.markup import Converter
    from newsgen.stages.kinds import KINDS
    from newsgen.stages.loader import load_article
    from newsgen.stages.plan import plan
    from newsgen.stages.render import Renderer, make_environment
    from newsgen.stages.scan import scan
    from newsgen.stages.site import link

    site_dir = write_site(tmp_path / "site", {**base_files(),
                                              "newsgen.yaml": "title: K\nsearch: true\n"
                                                              "base_url: https://k.example/\n"})
    reporter = Reporter()
    config = load_site_config(BuildOptions(site=site_dir), reporter)
    tree = scan(config, reporter)
    articles = [a for rel in tree.articles
                if (a := load_article(config, rel, (site_dir / rel).read_bytes(), reporter))]
    bodies = {a.source: Converter().convert(a.body) for a in articles}
    from datetime import datetime
    site = link(config, articles, bodies, tree.assets, datetime(2024, 12, 19, 12, 0,
                                                                tzinfo=config.tz), reporter)
    pages = plan(site)
    renderer = Renderer(site, make_environment(config.root), pages)
    common = {"site", "labels", "lang", "page", "home_url"}
    seen = set()
    for page in pages:
        kind = KINDS[page.kind]
        if kind.template is None:
            continue
        ls = renderer.lang_sites[page.lang]
        declared = set(kind.shows(page, ls, site))
        assert set(renderer.context(page)) - common == declared, page.kind
        seen.add(page.kind)
    assert seen >= {"home", "section", "article", "tag", "tags", "archive", "month", "404",
                    "search"}


def test_a_new_markdown_converter_is_not_nothing_changed(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Upgrading newsgen's Markdown steps (or Python-Markdown, or pymdown-extensions) with
    the same sources must convert the bodies again, not answer "nothing changed": an
    upgrade is a new version in the library's files (the quick key's stamps) and in its
    version number (the content key's and the converted bodies' key)."""
    import newsgen.incremental.keys as keys
    import newsgen.incremental.reading as reading
    import newsgen.parse.markdown_setup as setup

    site = write_site(tmp_path / "site", {"content/general/a.md": article("A")})
    first, _ = build_here(site)
    assert first is not None and not first.nothing_changed
    again, _ = build_here(site)
    assert again is not None and again.nothing_changed
    for module in (setup, reading):
        monkeypatch.setattr(module, "CONVERTER", module.CONVERTER + "|upgraded")
    stamps = keys.library_stamps()
    monkeypatch.setattr(keys, "library_stamps", lambda: [(*s[:-1], s[-1] + "|new") for s in stamps])
    upgraded, _ = build_here(site)
    assert upgraded is not None and not upgraded.nothing_changed


def test_the_markdown_libraries_are_stamped_by_their_version_files_without_importing_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The quick key knows the Markdown libraries by the files that hold their version,
    read, not imported: a new version changes the stamp even with the old file's time
    (an install may give every file the same time); Python's caches or another file
    beside them do not; looking imports nothing."""
    import os
    import sys

    from newsgen.incremental.keys import library_stamps

    package = tmp_path / "libs" / "fakemark"
    write_site(package, {"__init__.py": "from .__meta__ import __version__\n",
                         "__meta__.py": "__version__ = '1.0'\n"})
    monkeypatch.syspath_prepend(str(tmp_path / "libs"))
    first = library_stamps(("fakemark", "not_installed_anywhere"))
    assert first[0][1] == str(package / "__init__.py") and first[0][2]
    assert first[1] == ("not_installed_anywhere", "", "")
    assert "fakemark" not in sys.modules
    write_site(package, {"__pycache__/__init__.cpython-311.pyc": b"\0", "other.py": ""})
    assert library_stamps(("fakemark",)) == first[:1]
    times = os.stat(package / "__meta__.py")
    (package / "__meta__.py").write_text("__version__ = '1.1'\n")
    os.utime(package / "__meta__.py", ns=(times.st_atime_ns, times.st_mtime_ns))
    assert library_stamps(("fakemark",)) != first[:1]


def test_a_template_included_by_a_computed_name_is_followed(tmp_path: Path) -> None:
    """`{% include "partials/" ~ article.section.slug ~ ".html" %}` may name any template:
    a page that includes one is made again when any template changes (an edited partial
    stayed old in the output until a clean build)."""
    site = write_site(tmp_path / "site", {
        "content/general/hello.md": article("Hello"),
        "templates/article.html": '{% extends "builtin/article.html" %}{% block content %}'
                                  '{{ super() }}{% include "partials/" ~ article.section.slug'
                                  ' ~ ".html" %}{% endblock %}',
        "templates/partials/general.html": "<p>Promo v1</p>",
    })
    run(site, tmp_path / "inc")
    write_site(site, {"templates/partials/general.html": "<p>Promo v2</p>"})
    assert_same_as_clean(site, tmp_path)
    assert "Promo v2" in (tmp_path / "inc/general/hello/index.html").read_text("utf-8")


def test_a_translations_own_links_are_part_of_the_pages_showing_it(tmp_path: Path) -> None:
    """A template shows an article's translations as whole articles, their read-also and
    body links too: a page is made again when what its translations show changes (a
    retitled article stayed old in its translation's read-also block on the other page)."""
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "languages:\n  ru: {title: Новости}\n",
        "content/general/visit.md": article("Visit", translation_key="v"),
        "content/general/vizit.md": article("Визит", lang="ru", translation_key="v",
                                            related="[general/novosti.md]",
                                            body="[См.](novosti.md)"),
        "content/general/novosti.md": article("Новости", lang="ru", slug="novosti"),
        "templates/article.html": '{% extends "builtin/article.html" %}{% block content %}'
                                  "{{ super() }}{% for t in article.translations %}"
                                  "{% for i in t.read_also %}<i>{{ i.title }}</i>{% endfor %}"
                                  "{{ t.body }}{% endfor %}{% endblock %}",
    })
    run(site, tmp_path / "inc")
    edit(site / "content/general/novosti.md", "title: Новости", "title: Новости дня")
    assert_same_as_clean(site, tmp_path)
    assert "<i>Новости дня</i>" in (tmp_path / "inc/general/visit/index.html").read_text("utf-8")
    edit(site / "content/general/novosti.md", "slug: novosti", "slug: vse-novosti")
    assert_same_as_clean(site, tmp_path)
    assert "/ru/general/vse-novosti/" in (tmp_path / "inc/general/visit/index.html").read_text(
        "utf-8")


def test_warnings_that_the_configuration_shapes_follow_it(tmp_path: Path) -> None:
    """An article's parse-time warnings depend on newsgen.yaml too: `markdown.raw_html`
    (an element never closed swallows the rest of the body only when raw HTML is kept)
    and `sections` (a folder named like a language code is a section's). They were kept
    from the build before, or lost, while a clean build said otherwise (a review)."""
    from conftest import NOW, article, newsgen, write_site

    body = 'Intro.\n\n<div class="box">\n\nMore text.'
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "title: T\nmarkdown: {raw_html: false}\n",
        "content/general/a.md": article("A", "2024-12-18 10:00", body=body),
    })

    def warned(*args: str) -> list[str]:
        run = newsgen("build", "-s", site, "--now", NOW, *args)
        assert run.code == 0, run.err
        clean = newsgen("build", "-s", site, "--now", NOW, "-o", tmp_path / "clean",
                        "--cache-dir", tmp_path / "clean-cache", *args)
        assert clean.warnings() == run.warnings(), (clean.err, run.err)
        return [w for w in run.warnings() if "never closed" in w]

    assert warned() == []
    write_site(site, {"newsgen.yaml": "title: T\nmarkdown: {raw_html: true}\n"})
    assert len(warned()) == 1
    write_site(site, {"newsgen.yaml": "title: T\nmarkdown: {raw_html: false}\n"})
    assert warned() == []
    write_site(site, {"newsgen.yaml": "title: T\nlanguages:\n  en: {title: T}\n  ru: {title: T}\n",
                      "content/uk/brexit.md": article("Brexit", "2024-12-18 10:00",
                                                      section="Britain")})
    warned()
    write_site(site, {"newsgen.yaml": "title: T\nlanguages:\n  en: {title: T}\n  ru: {title: T}\n"
                                      "sections:\n  - {slug: general, title: General}\n"
                                      "  - {slug: uk, title: Britain}\n"})
    warned()
    warned("--base-url", "https://x.example/preview/")
