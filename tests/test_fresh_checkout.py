"""A CI job builds a fresh checkout (every file has a new time and inode) with the
state folder and the previous output restored from its cache: with nothing new it
renders and writes nothing; with one change it renders what that change touches;
and a restored output is trusted only when its bytes are the ones recorded."""

from __future__ import annotations

import contextlib
import marshal
import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import article, build_here, tree_digest

from newsgen.build import BuildResult
from newsgen.output import guard
from newsgen.output.writer import Writer


def build(site: Path, changes: bool = True) -> BuildResult:
    result, reporter = build_here(site, digest=changes)
    assert result is not None, [d.format() for d in reporter.diagnostics]
    return result


def fresh_checkout(site: Path) -> None:
    """The site as a CI job has it: everything copied anew in the same place (new
    times and inodes), the state folder and dist/ as its cache restores them."""
    old = site.with_name(site.name + "-old")
    site.rename(old)
    shutil.copytree(old, site, copy_function=shutil.copyfile)  # new times, new inodes
    shutil.rmtree(old)


def test_a_fresh_checkout_with_nothing_new_renders_and_writes_nothing(
        fixture_site: Callable[[str], Path]) -> None:
    site = fixture_site("basic")
    first = build(site)
    before = tree_digest(site / "dist")
    fresh_checkout(site)
    again = build(site)
    assert again.nothing_changed and again.rendered == 0
    assert again.output_changed is False and again.digest == first.digest
    assert tree_digest(site / "dist") == before
    # ... and the state now knows the new times: the next build looks at them only
    assert build(site).nothing_changed


def test_a_checkout_at_another_path_each_time_is_known_all_the_same(
        fixture_site: Callable[[str], Path]) -> None:
    """A CI runner whose workspace path changes between jobs (a concurrent runner's build
    folder, a renamed repository): the restored state still knows its output, which is
    neither rendered again nor reported as changed, and no second standby tree is made."""
    site = fixture_site("basic")
    first = build(site)
    before = tree_digest(site / "dist")
    for n in range(2):
        moved = site.with_name(f"{site.name}-job{n}")
        shutil.copytree(site, moved, copy_function=shutil.copyfile)  # new times, inodes
        shutil.rmtree(site)
        site = moved
        again = build(site)
        assert again.nothing_changed and again.rendered == 0
        assert again.output_changed is False and again.digest == first.digest
        assert tree_digest(site / "dist") == before
    standbys = [p.name for p in (site / ".newsgen-cache/staging").iterdir()
                if p.name.startswith(".newsgen-standby-")]
    assert len(standbys) <= 1, standbys


def test_a_fresh_checkout_with_one_edit_renders_only_what_it_touches(
        fixture_site: Callable[[str], Path], tmp_path: Path) -> None:
    site = fixture_site("basic")
    first = build(site)
    fresh_checkout(site)
    story = site / "content" / "economy" / "gas-prices.md"
    story.write_text(story.read_text(encoding="utf-8").replace("title: ", "title: New ", 1),
                     encoding="utf-8")
    again = build(site)
    assert not again.nothing_changed and again.output_changed
    assert 0 < again.rendered < first.rendered
    clean, reporter = build_here(site, output=tmp_path / "clean", use_cache=False)
    assert clean is not None, reporter.diagnostics
    assert tree_digest(site / "dist") == tree_digest(tmp_path / "clean")


def test_a_checkout_at_another_path_with_one_edit_renders_only_what_it_touches(
        fixture_site: Callable[[str], Path], tmp_path: Path) -> None:
    """No page shows the site's folder: a CI runner that checks the site out at another
    path each time renders what the change touches, as a checkout at the same path does,
    not every page again."""
    rendered = []
    for moves in (False, True):
        site = fixture_site("basic")
        first = build(site)
        if moves:
            moved = site.with_name(f"{site.name}-job1")
            shutil.copytree(site, moved, copy_function=shutil.copyfile)  # new times, inodes
            shutil.rmtree(site)
            site = moved
        else:
            fresh_checkout(site)
        story = site / "content" / "economy" / "gas-prices.md"
        story.write_text(story.read_text(encoding="utf-8").replace("title: ", "title: New ", 1),
                         encoding="utf-8")
        again = build(site)
        assert again.output_changed
        rendered.append(again.rendered)
        clean, reporter = build_here(site, output=tmp_path / f"clean-{moves}", use_cache=False)
        assert clean is not None, reporter.diagnostics
        assert tree_digest(site / "dist") == tree_digest(tmp_path / f"clean-{moves}")
        shutil.rmtree(site)
    assert rendered[1] == rendered[0] < first.rendered, (rendered, first.rendered)


def test_the_same_size_and_other_bytes_is_a_change(fixture_site: Callable[[str], Path]) -> None:
    site = fixture_site("basic")
    build(site)
    fresh_checkout(site)
    story = site / "content" / "economy" / "gas-prices.md"
    text = story.read_text(encoding="utf-8")
    at = text.index("Gas prices")
    story.write_text(text[:at] + text[at].swapcase() + text[at + 1:], encoding="utf-8")
    assert story.stat().st_size == len(text.encode("utf-8"))
    again = build(site)
    assert not again.nothing_changed and again.output_changed


def test_a_fresh_checkout_without_an_article_is_a_change(
        fixture_site: Callable[[str], Path], tmp_path: Path) -> None:
    site = fixture_site("basic")
    build(site)
    fresh_checkout(site)
    (site / "content" / "economy" / "gas-prices.md").unlink()
    again = build(site)
    assert not again.nothing_changed and again.output_changed
    assert not list((site / "dist").rglob("gas-prices"))
    clean, _ = build_here(site, output=tmp_path / "clean", use_cache=False)
    assert clean is not None
    assert tree_digest(site / "dist") == tree_digest(tmp_path / "clean")


def test_a_restored_output_with_other_bytes_is_not_trusted(
        fixture_site: Callable[[str], Path], tmp_path: Path) -> None:
    """A cache can restore an older output than the state describes: its bytes differ
    from the recorded digest, so every page is rendered and the output is right."""
    site = fixture_site("basic")
    build(site)
    fresh_checkout(site)
    page = next((site / "dist").rglob("gas-prices/index.html"))
    page.write_text("stale", encoding="utf-8")
    again = build(site)
    assert again.rendered == again.pages
    assert again.output_changed is False  # mended: what the last build wrote
    clean, _ = build_here(site, output=tmp_path / "clean", use_cache=False)
    assert clean is not None
    assert tree_digest(site / "dist") == tree_digest(tmp_path / "clean")


def test_without_a_recorded_digest_a_restored_output_is_rendered_again(
        fixture_site: Callable[[str], Path]) -> None:
    """Only a build with `--changes` records the digest that proves a copy."""
    site = fixture_site("basic")
    build(site, changes=False)
    fresh_checkout(site)
    again = build(site)
    assert again.rendered == again.pages


def test_build_time_still_counts_in_a_fresh_checkout(
        fixture_site: Callable[[str], Path]) -> None:
    """Equal bytes are not enough when an embargo has fallen due since."""
    site = fixture_site("basic")
    build(site)
    fresh_checkout(site)
    result, reporter = build_here(site, digest=True, now="2030-01-01 00:00")
    assert result is not None, reporter.diagnostics
    assert not result.nothing_changed


def publish(site: Path, n: int) -> None:
    (site / "content" / "general" / f"new-{n}.md").write_text(
        article(f"New story {n}", f"2024-12-18 1{n}:00", "General", tags="[energy]"),
        encoding="utf-8")


def in_place_of_next_build(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each build's writer worked in the standby tree (a publish that costs what
    it changes) rather than staging a complete tree."""
    seen: list[bool] = []
    begin = Writer.begin

    def spied(self: Writer) -> None:
        begin(self)
        seen.append(self.in_place)

    monkeypatch.setattr(Writer, "begin", spied)
    return seen


def test_a_restored_standby_tree_is_trusted_by_its_bytes(
        fixture_site: Callable[[str], Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The state folder restored by a CI cache holds the standby tree (the output one
    build behind, newsgen.output.writer): a publish after a fresh checkout brings it up to
    date in place, as it would on the machine that built it, and the output is right."""
    site = fixture_site("basic")
    build(site)
    publish(site, 1)
    build(site)  # the standby is now the first output, and its digest is recorded
    fresh_checkout(site)
    publish(site, 2)
    seen = in_place_of_next_build(monkeypatch)
    again = build(site)
    assert seen == [True] and 0 < again.rendered < again.pages
    clean, _ = build_here(site, output=tmp_path / "clean", use_cache=False)
    assert clean is not None
    assert tree_digest(site / "dist") == tree_digest(tmp_path / "clean")


def test_a_restored_standby_with_other_bytes_is_not_trusted(
        fixture_site: Callable[[str], Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    site = fixture_site("basic")
    build(site)
    publish(site, 1)
    build(site)
    fresh_checkout(site)
    standby = next((site / ".newsgen-cache" / "staging").glob(".newsgen-standby-*"))
    next(standby.rglob("visit/index.html")).write_text("stale", encoding="utf-8")
    publish(site, 2)
    seen = in_place_of_next_build(monkeypatch)
    build(site)
    assert seen == [False]
    clean, _ = build_here(site, output=tmp_path / "clean", use_cache=False)
    assert clean is not None
    assert tree_digest(site / "dist") == tree_digest(tmp_path / "clean")


def test_a_tree_digest_reads_a_file_again_once_it_is_another_file(tmp_path: Path) -> None:
    """A build proves the restored output and standby by their bytes and then digests the
    new output, reading each file (each inode) once: a file replaced (a new inode, as
    newsgen writes), or rewritten in place with other stats, is read again; a tree with
    a file in common with another (a hard link) has its own digest all the same."""
    tree = tmp_path / "out"
    (tree / "general" / "story").mkdir(parents=True)
    page = tree / "general" / "story" / "index.html"
    page.write_text("<p>one</p>", encoding="utf-8")
    (tree / "feed.xml").write_text("<rss/>", encoding="utf-8")
    first = guard.tree_digest(tree)
    assert guard.tree_digest(tree) == first
    twin = tmp_path / "standby"
    shutil.copytree(tree, twin, copy_function=os.link)  # hard links: the same inodes
    assert guard.tree_digest(twin) == first
    replacement = page.with_name("new.tmp")
    replacement.write_text("<p>two</p>", encoding="utf-8")
    replacement.replace(page)  # a new file in its place
    second = guard.tree_digest(tree)
    assert second != first and guard.tree_digest(twin) == first
    with open(page, "r+", encoding="utf-8") as fh:  # in place, one byte longer
        fh.write("<p>three</p>")
    assert guard.tree_digest(tree) not in (first, second)
    fresh = tmp_path / "fresh"
    shutil.copytree(tree, fresh)
    guard.DIGESTS.clear()  # what another process finds
    assert guard.tree_digest(fresh) == guard.tree_digest(tree)



def test_a_fresh_checkout_s_publish_keeps_the_new_times_without_saving_articles_again(
        fixture_site: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """After a CI job's publish the state knows every file's new time, so the next
    publish on that checkout reads only the file it changes; an article whose bytes
    did not change keeps its saved row (only its time is new): pickling 100,000
    articles again took seconds."""
    import sqlite3

    def rows(site: Path) -> dict[str, tuple[str, str, bytes, int]]:
        db = sqlite3.connect(site / ".newsgen-cache" / "state.sqlite")
        try:  # (a row written again, not updated, has a new rowid)
            return {p: (s, c, d, n) for p, s, c, d, n in db.execute(
                "SELECT path, stat, content, data, rowid FROM articles")}
        finally:
            db.close()

    site = fixture_site("basic")
    build(site)
    before = rows(site)
    fresh_checkout(site)
    story = site / "content" / "economy" / "gas-prices.md"
    story.write_text(story.read_text(encoding="utf-8").replace("title: ", "title: New ", 1),
                     encoding="utf-8")
    assert not build(site).nothing_changed
    after = rows(site)
    assert after.keys() == before.keys()
    edited = "content/economy/gas-prices.md"
    assert after[edited][1] != before[edited][1]
    for path in before.keys() - {edited}:
        assert after[path][1:] == before[path][1:], path  # the same row ...
        assert after[path][0] != before[path][0], path  # ... with the file's new time
    read: list[str] = []
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        read.append(self.name)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    other = site / "content" / "general" / "visit.md"
    other.write_text(other.read_text(encoding="utf-8").replace("title: ", "title: New ", 1),
                     encoding="utf-8")
    assert not build(site).nothing_changed
    assert [name for name in read if name.endswith(".md")] == ["visit.md"]


def test_a_restored_standby_is_proved_beside_the_build_and_read_once(
        fixture_site: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The standby's proof runs in a child process while this one proves the output and
    builds (newsgen.output.proof): this process never digests the standby, and the new
    output's digest reads again only the files this build wrote, not every file."""
    site = fixture_site("basic")
    build(site)
    publish(site, 1)
    build(site)
    fresh_checkout(site)
    publish(site, 2)
    digested: list[str] = []
    reads: list[str] = []
    tree_digest_, read_digest = guard.tree_digest, guard._read_digest

    def spied_tree(root: Path) -> str:
        digested.append(root.name)
        return tree_digest_(root)

    def spied_read(rel: str, *args: object) -> bytes:
        reads.append(rel)
        return read_digest(rel, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(guard, "tree_digest", spied_tree)
    monkeypatch.setattr(guard, "_read_digest", spied_read)
    seen = in_place_of_next_build(monkeypatch)
    guard.DIGESTS.clear()  # (what a new process knows)
    again = build(site)
    assert seen == [True] and 0 < again.rendered < again.pages
    assert digested == ["dist"]  # the restored output's proof; never the standby's
    files = sum(1 for p in (site / "dist").rglob("*") if p.is_file()) - 1  # (the marker)
    assert files <= len(reads) < files + again.pages // 2, (files, len(reads))


def test_a_standby_proof_is_not_taken_for_another_folder_or_digest(tmp_path: Path) -> None:
    """A proof started for a folder answers only for that folder as it was, not for one
    put in its place since (read again, here); a wrong digest is never proven."""
    from newsgen.output import proof

    tree = tmp_path / "standby"
    (tree / "a").mkdir(parents=True)
    (tree / "a" / "index.html").write_text("<p>one</p>", encoding="utf-8")
    right = guard.tree_digest(tree)
    proof.prove_meanwhile(tree)
    assert proof.proven(tree, right)
    proof.prove_meanwhile(tree)
    assert not proof.proven(tree, "0" * 32)
    proof.prove_meanwhile(tree)
    other = tmp_path / "other"
    shutil.copytree(tree, other)
    (other / "a" / "index.html").write_text("<p>two</p>", encoding="utf-8")
    time.sleep(0.2)  # (the child has proved the first folder by now)
    shutil.rmtree(tree)
    other.rename(tree)
    assert not proof.proven(tree, right)  # read again: the folder in its place now


def checked_out_anew(fixture_site: Callable[[str], Path]) -> tuple[Path, Path]:
    """A site built once, then checked out anew; its state database."""
    site = fixture_site("basic")
    build(site)
    fresh_checkout(site)
    return site, site / ".newsgen-cache" / "state.sqlite"


def another_build_saves(state: Path, path: str) -> None:
    """Another build sharing the state saves other bytes of `path` (as its own time)."""
    import sqlite3

    db = sqlite3.connect(state)
    try:
        db.execute("UPDATE articles SET stat = '1 2 3 4', content = 'other|bytes' "
                   "WHERE path = ?", (path,))
        db.commit()
    finally:
        db.close()


def article_row(state: Path, path: str) -> tuple[str, str]:
    import sqlite3

    db = sqlite3.connect(state)
    try:
        row: tuple[str, str] = db.execute(
            "SELECT stat, content FROM articles WHERE path = ?", (path,)).fetchone()
        return row
    finally:
        db.close()


def test_a_new_time_is_not_written_onto_the_row_another_build_saved_meanwhile(
        fixture_site: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Two checkouts sharing one state folder: while this build ran, the other saved other
    bytes of an article. This build, which read the file's old bytes with a new time,
    keeps its hands off that row: its time stays the other build's, so the row's
    article is never taken for this checkout's file."""
    from newsgen.errors import Reporter
    from newsgen.incremental.cache import BuildCache

    site, state = checked_out_anew(fixture_site)
    path = "content/general/visit.md"
    load = BuildCache.load_content

    def meanwhile(self: BuildCache, reporter: Reporter) -> None:
        load(self, reporter)  # this build has read the rows; the other one saves now
        another_build_saves(state, path)

    monkeypatch.setattr(BuildCache, "load_content", meanwhile)
    story = site / "content" / "economy" / "gas-prices.md"
    story.write_text(story.read_text(encoding="utf-8").replace("title: ", "title: New ", 1),
                     encoding="utf-8")
    assert not build(site).nothing_changed
    assert article_row(state, path) == ("1 2 3 4", "other|bytes")


def test_nor_by_a_fresh_checkout_with_nothing_new(
        fixture_site: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The same for a build with nothing new, which compares the files by their bytes and
    keeps their new times: not on a row another build saved with other bytes since."""
    from newsgen.incremental.cache import BuildCache

    site, state = checked_out_anew(fixture_site)
    path = "content/general/visit.md"
    digests = BuildCache.file_digests

    def meanwhile(self: BuildCache) -> dict[str, tuple[tuple[int, ...], str]]:
        first = self.files is None
        found = digests(self)
        if not first:  # (asked again under this build's lock)
            return found
        another_build_saves(state, path)
        return found

    monkeypatch.setattr(BuildCache, "file_digests", meanwhile)
    assert build(site).nothing_changed
    assert article_row(state, path) == ("1 2 3 4", "other|bytes")


def test_a_fresh_checkout_with_nothing_new_never_reads_the_standby(
        fixture_site: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Only a build with work to do proves the restored standby: a CI job with nothing
    new reads `dist/` once and stops."""
    from newsgen.incremental import outputs

    site = fixture_site("basic")
    build(site)
    publish(site, 1)
    build(site)
    proofs: list[Path] = []
    monkeypatch.setattr(outputs, "prove_meanwhile", proofs.append)
    fresh_checkout(site)
    assert build(site).nothing_changed and proofs == []
    fresh_checkout(site)
    publish(site, 2)
    assert not build(site).nothing_changed
    assert [p.name.startswith(".newsgen-standby-") for p in proofs] == [True]


def _kept_digests(site: Path) -> Any:
    with contextlib.closing(sqlite3.connect(site / ".newsgen-cache" / "state.sqlite")) as db:
        row = db.execute("SELECT value FROM meta WHERE key = 'file_digests'").fetchone()
        tables = {path: (tuple(map(int, stat.split())), found.partition("|")[0])
                  for path, stat, found in [
                      *db.execute("SELECT path, stat, digest FROM sources"),
                      *db.execute("SELECT path, stat, content FROM articles")]}
    return (None if row is None else marshal.loads(row[0])), tables  # noqa: S302


def _keep_digests(site: Path, value: bytes) -> None:
    with contextlib.closing(sqlite3.connect(site / ".newsgen-cache" / "state.sqlite")) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'file_digests'", (value,))
        db.commit()


def test_the_file_digests_kept_as_one_value_are_the_tables_and_an_old_one_misleads_nothing(
        fixture_site: Callable[[str], Path], tmp_path: Path) -> None:
    """A build keeps every source file's digest and stat as one value, which the next one
    reads instead of a row per file: the same as the tables say. A value that cannot be
    read is replaced by the tables' rows; one older than the files (a build that failed
    after parsing) only costs reading them again, never a stale output."""
    site = fixture_site("basic")
    build(site)
    fresh_checkout(site)  # (every file's digest made again and kept)
    assert build(site).nothing_changed
    kept, tables = _kept_digests(site)
    assert kept == tables and len(kept) == 10
    older, rel = marshal.dumps(kept), "content/economy/gas-prices.md"
    before = kept[rel]
    story = site / "content" / "economy" / "gas-prices.md"
    story.write_text(story.read_text(encoding="utf-8").replace("title: ", "title: New ", 1),
                     encoding="utf-8")
    assert not build(site).nothing_changed
    kept, tables = _kept_digests(site)
    assert kept == tables and kept[rel] != before
    for value in (b"not marshal", older):  # unreadable; the value before the edit
        _keep_digests(site, value)
        story.write_text(story.read_text(encoding="utf-8").replace("New ", "Newer ", 1),
                         encoding="utf-8")
        build(site)
        clean, reporter = build_here(site, output=tmp_path / "clean", use_cache=False)
        assert clean is not None, reporter.diagnostics
        assert tree_digest(site / "dist") == tree_digest(tmp_path / "clean")
        kept, tables = _kept_digests(site)
        assert kept == tables
