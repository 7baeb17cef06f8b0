"""The rows a build records of the pages it wrote (newsgen.incremental.rows): written
only for the pages whose fingerprint changed, they equal the rows a clean build of the
same sources records, after any sequence of edits."""

from __future__ import annotations

import pickle  # noqa: S403 - the test's own state
import random
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import article, build_here, write_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_incremental import _random_edit, base_files

TABLES = {"page_rows": "path, data", "deps": "url, path", "entries": "path, url, source, data",
          "readers": "target, reader", "langs": "code, data"}


def rows(cache: Path) -> dict[str, set[tuple[Any, ...]]]:
    """Every row of the row tables, without the output folder's key, blobs read (as
    their repr: a section holds a dict)."""
    db = sqlite3.connect(cache / "state.sqlite")
    try:
        return {table: {tuple(repr(pickle.loads(v)) if isinstance(v, bytes) else v  # noqa: S301
                              for v in row)
                        for row in db.execute(f"SELECT {columns} FROM {table}")}  # noqa: S608
                for table, columns in TABLES.items()}
    finally:
        db.close()


def build(site: Path, out: Path, cache: Path) -> None:
    result, reporter = build_here(site, output=out, cache_dir=cache)
    assert result is not None, [d.format() for d in reporter.diagnostics]


def files(stable: bool = False) -> dict[str, str | bytes]:
    """The incremental tests' site with a translation, an alias, read-also items by URL
    (one another language's), and `stable`: stable pages and a news sitemap."""
    found = base_files()
    found["newsgen.yaml"] = str(found["newsgen.yaml"]) + "languages:\n  ru: {title: Новости}\n" + (
        "pagination: stable\nnews_sitemap: {days: 30}\n" if stable else "")
    found["content/general/story-0-ru.md"] = article(
        "История 0", "2024-12-01 11:00", "General", lang="ru",
        translation_key="story-0", tags="[energy]")
    found["content/general/story-0.md"] = str(found["content/general/story-0.md"]).replace(
        "tags:", "translation_key: story-0\naliases: [/old/story-0/]\ntags:")
    found["content/economy/story-1.md"] = str(found["content/economy/story-1.md"]).replace(
        # (by their URLs: an edit may delete either, which a URL survives with a warning)
        "tags:", "related: ['https://inc.example/economy/story-4/', "
                 "{title: Given, url: 'https://inc.example/economy/story-7/'}]\ntags:")
    found["content/economy/story-4.md"] = str(found["content/economy/story-4.md"]).replace(
        "tags:", "related: ['https://inc.example/ru/general/story-0-ru/']\ntags:")
    return found


def assert_rows_as_clean(site: Path, tmp: Path, name: str) -> None:
    build(site, tmp / "clean", tmp / f"clean-{name}")
    made, clean = rows(site / ".cache"), rows(tmp / f"clean-{name}")
    for table in TABLES:
        assert made[table] == clean[table], table


def test_rows_are_recorded_for_every_page(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", files())
    build(site, tmp_path / "out", site / ".cache")
    found = rows(site / ".cache")
    paths = {path for path, _ in found["page_rows"]}
    assert "general/story-0/index.html" in paths and "index.html" in paths
    # an article's read-also: an untitled item and the fill show their targets' titles,
    # a titled item not
    shown = {t for t, r in found["readers"] if r == "economy/story-1/index.html"}
    assert "economy/story-4/" in shown and "economy/story-7/" not in shown
    assert len(shown) == 2  # (read_also.limit 3: the two items and one fill)
    # another language's article by its URL, untitled: its title is shown
    assert ("ru/general/story-0-ru/", "economy/story-4/index.html") in found["readers"]
    # a page's deps hold what it shows and those entries' translations
    deps = {url for url, path in found["deps"] if path == "general/story-0/index.html"}
    assert deps == {"general/story-0/", "ru/general/story-0-ru/"}
    assert_rows_as_clean(site, tmp_path, "first")


def test_rows_written_a_few_pages_at_a_time_are_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build writes its pages' rows a batch at a time (a cold build at 100,000 articles
    held them all at once): three pages a batch gives the rows of one batch."""
    from newsgen.incremental import outputs

    site = write_site(tmp_path / "site", files())
    build(site, tmp_path / "out", site / ".cache")
    monkeypatch.setattr(outputs, "ROWS_AT_ONCE", 3)
    build(site, tmp_path / "out-3", tmp_path / "cache-3")
    at_once, by_three = rows(site / ".cache"), rows(tmp_path / "cache-3")
    assert len(at_once["page_rows"]) > 3 * 4
    for table in TABLES:
        assert by_three[table] == at_once[table], table


@pytest.mark.parametrize("stable", [False, True], ids=["newest", "stable"])
@pytest.mark.parametrize("change", ["title", "body", "new", "old", "delete", "date",
                                    "per_page"])
def test_rows_after_a_change_are_a_clean_build_s(tmp_path: Path, change: str,
                                                 stable: bool) -> None:
    site = write_site(tmp_path / "site", files(stable))
    build(site, tmp_path / "out", site / ".cache")
    story = site / "content/general/story-3.md"
    if change == "title":
        story.write_text(story.read_text().replace("title: Story 3", "title: Story three"))
    elif change == "body":
        story.write_text(story.read_text() + "\nMore.\n")
    elif change == "new":
        write_site(site, {"content/general/new.md": article("New", "2024-12-18 09:00",
                                                            tags="[energy]")})
    elif change == "old":  # far down every list: the home page shows it nowhere
        write_site(site, {"content/general/old.md": article("Old", "2024-10-01 09:00",
                                                            tags="[port]")})
    elif change == "delete":
        (site / "content/sport/story-5.md").unlink()
    elif change == "date":
        story.write_text(story.read_text().replace("2024-12-04", "2024-12-18"))
    else:
        yaml = site / "newsgen.yaml"
        yaml.write_text(yaml.read_text().replace("per_page: 3", "per_page: 2"))
    build(site, tmp_path / "out", site / ".cache")
    assert_rows_as_clean(site, tmp_path, change)


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), stable=st.booleans())
def test_rows_after_random_edits_are_a_clean_build_s(
        tmp_path_factory: pytest.TempPathFactory, seed: int, stable: bool) -> None:
    tmp = tmp_path_factory.mktemp("rows")
    site = write_site(tmp / "site", files(stable))
    rng, counter = random.Random(seed), [0]
    build(site, tmp / "out", site / ".cache")
    for step in range(5):
        _random_edit(site, rng, counter)
        build(site, tmp / "out", site / ".cache")
        assert_rows_as_clean(site, tmp, f"{step}")
