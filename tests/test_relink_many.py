"""Several articles added, moved or deleted at once under the dev server (a `git pull`,
a folder copied in): patched one after the other (newsgen.incremental.relink._steps)
when each step can be, and the output and the diagnostics equal a clean build's."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from conftest import article, write_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_relink import run, same_as_clean, snapshot, started
from test_relink_add import archive_files, new_fields

from newsgen.incremental.cache import BuildCache
from newsgen.incremental.linked import Linked
from newsgen.incremental.relink import MOST_AT_ONCE


def _told(site: Path, cache: BuildCache, before: dict[str, bytes]) -> None:
    """The files that differ from `before`, as the watcher tells the server."""
    now = snapshot(site)
    cache.changed = frozenset(rel for rel in before.keys() | now.keys()
                              if before.get(rel) != now.get(rel))


def test_a_pull_of_new_moved_and_deleted_articles_is_patched(tmp_path: Path) -> None:
    site, out, cache = started(tmp_path)
    first: Linked = cache.linked
    before = snapshot(site)
    write_site(site, {
        "content/economy/harbour.md": article("The harbour opens", "2024-12-19 11:00",
                                              "Economy", tags="[port, a new tag]"),
        "content/general/later.md": article("Later", "2024-12-19 11:30", tags="[a new tag]"),
        "content/general/story-6.md": article("Story 6", "2024-12-07 10:00",
                                              tags="[energy, rail]", author="Writer 0")})
    (site / "content/economy/story-7.md").unlink()
    _told(site, cache, before)
    served = run(site, out, cache)
    assert served[0] is not None and not served[1]
    assert cache.linked is first  # four changes, each patched
    tag = (out / "tags/a-new-tag/index.html").read_text(encoding="utf-8")
    assert "The harbour opens" in tag and "Later" in tag
    assert not (out / "economy/story-7").exists()
    same_as_clean(site, tmp_path, served, "clean")

    # a file renamed, its slug kept: the old one goes first, then the new one comes
    before = snapshot(site)
    text = (site / "content/economy/harbour.md").read_text(encoding="utf-8")
    (site / "content/economy/harbour.md").unlink()
    write_site(site, {"content/economy/the-harbour.md": text.replace(
        "title: The harbour opens", "title: The harbour opens\nslug: harbour")})
    _told(site, cache, before)
    served = run(site, out, cache)
    assert served[0] is not None and cache.linked is first
    same_as_clean(site, tmp_path, served, "clean2")

    # more than MOST_AT_ONCE: linked whole, the same site
    before = snapshot(site)
    write_site(site, {f"content/general/many-{i}.md": article(f"Many {i}", "2024-12-19 09:00")
                      for i in range(MOST_AT_ONCE + 1)})
    _told(site, cache, before)
    served = run(site, out, cache)
    assert served[0] is not None and cache.linked is not first
    same_as_clean(site, tmp_path, served, "clean3")


def test_a_step_that_cannot_be_patched_links_the_whole_site(tmp_path: Path) -> None:
    """A new article and the deletion of one that another names: the second step
    cannot be patched, and the site the first step changed is linked whole."""
    site, out, cache = started(tmp_path)
    first: Linked = cache.linked
    before = snapshot(site)
    write_site(site, {"content/general/new.md": article("New", "2024-12-19 11:00",
                                                        tags="[energy]")})
    (site / "content/economy/story-5.md").unlink()  # story-0's related item
    _told(site, cache, before)
    served = run(site, out, cache)
    assert cache.linked is not first
    same_as_clean(site, tmp_path, served, "clean")


@settings(max_examples=4, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1))
def test_changes_at_once_equal_a_clean_build(tmp_path_factory: pytest.TempPathFactory,
                                             seed: int) -> None:
    """The 80-article archive, two to four files added, moved or deleted at each build."""
    tmp = tmp_path_factory.mktemp("many")
    rng = random.Random(seed)
    site = write_site(tmp / "site", archive_files(rng))
    cache = BuildCache(None)
    assert run(site, tmp / "served" / "out", cache)[0] is not None
    for step in range(4):
        before = snapshot(site)
        for n in range(rng.randint(2, 4)):
            roll = rng.random()
            paths = sorted((site / "content").rglob("*.md"))
            if roll < 0.3:
                rng.choice(paths).unlink()
            elif roll < 0.7:
                section = rng.choice(["General", "Economy", "Sport"])
                (site / f"content/{section.lower()}/new-{step}-{n}.md").write_text(article(
                    f"New {step} {n}",
                    f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 09:{n:02d}",
                    section, **new_fields(rng)), encoding="utf-8")
            else:
                path = rng.choice(paths)
                lines = path.read_text(encoding="utf-8").split("\n")
                end = lines.index("---", 1)
                head = [line for line in lines[1:end]
                        if not line.startswith(("tags:", "related:"))]
                head += [f"{k}: {v}" for k, v in new_fields(rng).items()]
                path.write_text("\n".join(["---", *head, *lines[end:]]), encoding="utf-8")
        _told(site, cache, before)
        same_as_clean(site, tmp, run(site, tmp / "served" / "out", cache), f"clean{step}")
