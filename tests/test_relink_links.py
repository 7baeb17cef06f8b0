"""The dev server checks the site links of the articles a save changed, not every
article's (newsgen.incremental.linkcheck), and says what a clean build says: the
unchanged articles' dead links again, the saved one's as they now are, and the
"did you mean …?" hints that a clean build gives, also past their limit per build, where
only the articles whose share of the hints changed are checked again."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_relink import run, same_as_clean, set_body, snapshot, started

from newsgen.incremental.cache import BuildCache
from newsgen.stages import site_links
from newsgen.stages.site_links import SiteLinks


def as_warnings(site: Path) -> None:
    """Dead site links as warnings, so that every build succeeds and its output compares."""
    config = site / "newsgen.yaml"
    config.write_text(config.read_text() + "checks: {dead_links: warning}\n")


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sources of the articles whose links are checked, in order, build after build."""
    seen: list[str] = []
    check = SiteLinks.check

    def counting(self: SiteLinks, a: object, *args: object) -> None:
        seen.append(a.source)  # type: ignore[attr-defined]
        check(self, a, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(SiteLinks, "check", counting)
    return seen


def test_a_save_checks_the_saved_article_and_says_the_others_dead_links_again(
        tmp_path: Path, checked: list[str]) -> None:
    site, out, cache = started(tmp_path)
    as_warnings(site)
    set_body(site / "content/general/story-2.md", "See [the old map](/general/story-22/).")
    run(site, out, cache := BuildCache(None))  # (a new config: a whole first build)
    first = len(checked)
    assert first > 10  # every article, the English ones too

    set_body(site / "content/general/story-0.md", "See [the plan](/economy/story-11/).")
    served = run(site, out, cache)
    assert checked[first:] == ["content/general/story-0.md"]
    said = "\n".join(served[1])
    assert "story-0.md:" in said and "'/economy/story-11/'" in said
    assert "story-2.md:" in said and "'/general/story-22/'" in said  # said again
    same_as_clean(site, tmp_path, served, "clean1")

    set_body(site / "content/general/story-0.md", "The plan is [here](/economy/story-1/).")
    served = run(site, out, cache)
    assert "'/economy/story-11/'" not in "\n".join(served[1])
    assert "'/general/story-22/'" in "\n".join(served[1])
    same_as_clean(site, tmp_path, served, "clean2")


def test_past_the_hint_limit_the_articles_whose_hints_change_are_checked_again(
        tmp_path: Path, checked: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(site_links, "LIMIT", 3)
    monkeypatch.setattr(site_links._Near, "LIMIT", 3)
    site, out, _ = started(tmp_path)
    as_warnings(site)
    # story-4 (later in the articles' order) wants two hints; story-0 none yet
    set_body(site / "content/general/story-4.md",
             "See [one](/general/story-66/) and [two](/general/story-88/).")
    run(site, out, cache := BuildCache(None))
    first = len(checked)

    # story-0 wants two hints too: four in all, past the limit of three, so a clean
    # build gives story-4's second link none
    set_body(site / "content/general/story-0.md",
             "See [three](/general/story-22/) and [four](/general/story-44/).")
    served = run(site, out, cache)
    said = "\n".join(served[1])
    assert said.count("did you mean") == 3
    # the saved article, and story-4, whose second hint ran out; no other
    assert checked[first:] == ["content/general/story-0.md", "content/general/story-4.md"]
    same_as_clean(site, tmp_path, served, "clean1")
    first = len(checked)

    # back under the limit: story-4's two hints come back
    set_body(site / "content/general/story-0.md", "Plain words again.")
    served = run(site, out, cache)
    assert "\n".join(served[1]).count("did you mean") == 2
    assert checked[first:] == ["content/general/story-0.md", "content/general/story-4.md"]
    same_as_clean(site, tmp_path, served, "clean2")


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1))
def test_random_saves_of_dead_links_say_the_hints_of_a_clean_build(
        tmp_path_factory: pytest.TempPathFactory, seed: int) -> None:
    """Saves that add and remove dead links around a hint limit of three: each says what a
    clean build says, hints and all."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(site_links, "LIMIT", 3)
        patch.setattr(site_links._Near, "LIMIT", 3)
        tmp = tmp_path_factory.mktemp("hints")
        site, out, _ = started(tmp)
        as_warnings(site)
        rng = random.Random(seed)
        stories = sorted((site / "content").rglob("*.md"))
        run(site, out, cache := BuildCache(None))
        for step in range(6):
            files = snapshot(site)
            links = " ".join(f"[{n}](/general/story-{rng.randint(10, 99)}/)"
                             for n in range(rng.choice((0, 1, 2, 3))))
            set_body(rng.choice(stories), f"Words {rng.random()}. {links}")
            if rng.random() < 0.8:  # as the watcher tells the server (else: not known)
                cache.changed = frozenset(rel for rel, data in snapshot(site).items()
                                          if files.get(rel) != data)
            served = run(site, out, cache)
            same_as_clean(site, tmp, served, f"clean{step}")
