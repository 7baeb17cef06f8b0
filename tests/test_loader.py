"""Validation of article fields into typed models."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import article, newsgen, write_site
from hypothesis import given, settings
from hypothesis import strategies as st

from newsgen.errors import Reporter
from newsgen.model.content import Article
from newsgen.parse.config import default_config, load_config
from newsgen.parse.dates import parse_date
from newsgen.stages.loader import load_article

TZ = ZoneInfo("Asia/Ashgabat")


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-12-18", datetime(2024, 12, 18, tzinfo=TZ)),
    ("2024-12-18 10:30", datetime(2024, 12, 18, 10, 30, tzinfo=TZ)),
    ("2024-12-18T10:30:15", datetime(2024, 12, 18, 10, 30, 15, tzinfo=TZ)),
    ("2024-12-18t10:30:00Z", datetime(2024, 12, 18, 10, 30, tzinfo=UTC)),
    ("2024-12-18 10:30:00 +03:00",
     datetime(2024, 12, 18, 10, 30, tzinfo=timezone(timedelta(hours=3)))),
    ("2024-12-18T10:30:00.5-0130",
     datetime(2024, 12, 18, 10, 30, 0, 500000, tzinfo=timezone(-timedelta(hours=1, minutes=30)))),
    ("2024-1-5", datetime(2024, 1, 5, tzinfo=TZ)),
    # ISO 8601's other forms
    ("20241218T103000Z", datetime(2024, 12, 18, 10, 30, tzinfo=UTC)),
    ("20241218", datetime(2024, 12, 18, tzinfo=TZ)),
    ("2024-W51-3", datetime(2024, 12, 18, tzinfo=TZ)),
    ("2024-12-18T10", datetime(2024, 12, 18, 10, tzinfo=TZ)),
])
def test_dates(text: str, expected: datetime) -> None:
    assert parse_date(text, TZ) == expected


@pytest.mark.parametrize("text", ["2024-13-45", "2024-02-30", "yesterday", "10:00",
                                  "2024-12-18 25:00", "2024-12-18 10:30 +99:00", "",
                                  "2024", "2024-12", "20241318", "0999-01-01", "12/18/2024",
                                  # an offset with seconds: Python reads it, ISO 8601 has none
                                  "2024-12-18T10:30:00+05:30:15", "2024-12-18T10:30+05:30:15.5"])
def test_bad_dates(text: str) -> None:
    assert parse_date(text, TZ) is None


def load(text: str, tmp_path: Path | None = None) -> tuple[Article | None, Reporter]:
    reporter = Reporter()
    config = default_config(tmp_path or Path("/nonexistent"))
    art = load_article(config, "content/general/story.md", text.encode("utf-8"), reporter)
    return art, reporter


def test_every_field_is_typed() -> None:
    art, rep = load("""---
title: no
date: 2024-12-18 10:30
section: General
slug: My Story
tags: [energy, 2024, no]
authors: [A. Writer, B. Writer]
summary: A summary.
translation_key: story-1
draft: false
updated: 2024-12-19
image: {src: pic.jpg, alt: Alt, caption: Cap, credit: Cred}
related:
  - other
  - economy/forum.md
  - {ref: third, title: Third}
  - {title: Ext, url: "https://example.org/x"}
  - https://example.org/y
kicker: Exclusive
score: 5
---
Body
""")
    assert not rep.diagnostics, rep.diagnostics
    assert art is not None
    assert art.title == "no"
    assert art.slug == "my-story"
    assert art.tags == ("energy", "2024", "no")
    assert art.authors == ("A. Writer", "B. Writer")
    assert art.summary == "A summary."
    assert art.translation_key == "story-1"
    assert art.draft is False
    assert art.updated is not None and art.updated.day == 19
    assert art.image is not None and art.image.alt == "Alt" and art.image.credit == "Cred"
    assert [(r.ref, r.url, r.title) for r in art.related] == [
        ("other", None, None), ("economy/forum.md", None, None), ("third", None, "Third"),
        (None, "https://example.org/x", "Ext"), (None, "https://example.org/y", None)]
    assert dict(art.params) == {"kicker": "Exclusive", "score": 5}
    assert art.body == "Body\n"
    assert art.lines["related"] == 13


def test_default_slug_is_the_file_name() -> None:
    art, _ = load("---\ntitle: T\ndate: 2024-12-18\nsection: G\n---\n")
    assert art is not None and art.slug == "story"


def test_field_typo_warns_with_suggestion() -> None:
    art, rep = load("---\ntitle: T\ndate: 2024-12-18\nsection: G\ntgas: [a]\n---\n")
    assert art is not None
    assert [d.format() for d in rep.warnings] == [
        "content/general/story.md:5: warning: unknown field 'tgas' is kept for templates "
        "(article.params); did you mean 'tags'?"]


def test_author_and_authors_together_is_an_error() -> None:
    art, rep = load("---\ntitle: T\ndate: 2024-12-18\nsection: G\nauthor: A\nauthors: [B]\n---\n")
    assert art is not None and not art.valid  # kept for further checks, never published
    assert rep.errors[0].line == 6


def test_lang_must_be_configured(tmp_path: Path) -> None:
    (tmp_path / "newsgen.yaml").write_text("languages:\n  ru: {title: Новости}\n")
    config = load_config(tmp_path, Reporter())
    rep = Reporter()
    art = load_article(config, "content/a.md",
                       b"---\ntitle: T\ndate: 2024-12-18\nsection: G\nlang: ru\n---\n", rep)
    assert art is not None and art.lang == "ru"


_names = st.sampled_from(["a.md", "b.markdown", "c.png", "d.css", ".hidden.md", "_draft.md",
                          "x.md~", "4913"])
_folders = st.sampled_from(["content", "content/general", "content/_skip", "content/ru/news",
                            "static", "static/img", "templates"])


@settings(max_examples=60, deadline=None)
@given(start=st.lists(st.tuples(_folders, _names), max_size=8),
       steps=st.lists(st.tuples(st.sampled_from(["write", "delete", "grow"]), _folders,
                                _names), min_size=1, max_size=8))
def test_a_rescan_of_the_changed_files_is_the_scan(
        tmp_path_factory: pytest.TempPathFactory, start: list[tuple[str, str]],
        steps: list[tuple[str, str, str]]) -> None:
    """What the dev server does after a save: the last scan brought up to date for the
    files the watcher saw change is exactly what a full scan finds."""
    from newsgen.errors import Reporter
    from newsgen.parse.config import load_config
    from newsgen.stages.scan import rescan, scan

    site = tmp_path_factory.mktemp("rescan")
    for folder, name in start:
        (site / folder).mkdir(parents=True, exist_ok=True)
        (site / folder / name).write_text("x", encoding="utf-8")
    config = load_config(site, Reporter())
    previous = scan(config, Reporter())
    changed = set()
    for action, folder, name in steps:
        (site / folder).mkdir(parents=True, exist_ok=True)
        path = site / folder / name
        if action == "delete":
            path.unlink(missing_ok=True)
        else:
            path.write_text("y" * (2 if action == "grow" else 1), encoding="utf-8")
        changed.add(f"{folder}/{name}")
    updated = rescan(config, previous, changed)
    assert updated == scan(config, Reporter())


def test_a_rescan_keys_the_tree_by_the_last_key_and_what_changed(tmp_path: Path) -> None:
    """The dev server's state key after a save: the same while no file's size or time
    changed, another one (never an earlier one) when one did."""
    from dataclasses import replace

    from newsgen.errors import Reporter
    from newsgen.incremental.keys import tree_key
    from newsgen.parse.config import load_config
    from newsgen.stages.scan import rescan, scan

    site = write_site(tmp_path / "site", {"content/general/a.md": article("A"),
                                          "content/general/b.md": article("B")})
    config = load_config(site, Reporter())
    first = scan(config, Reporter())
    keyed = replace(first, key=tree_key(first))
    touched_nothing = rescan(config, keyed, {"content/general/a.md"})
    assert touched_nothing is not None and touched_nothing.key == keyed.key
    (site / "content/general/a.md").write_text(article("A again"), encoding="utf-8")
    saved = rescan(config, keyed, {"content/general/a.md"})
    assert saved is not None and saved.key not in ("", keyed.key)
    assert saved.stats == scan(config, Reporter()).stats
    (site / "content/general/b.md").write_text(article("B again"), encoding="utf-8")
    again = rescan(config, saved, {"content/general/b.md"})
    assert again is not None and again.key not in ("", keyed.key, saved.key)
    assert rescan(config, first, {"content/general/b.md"}).key == ""  # type: ignore[union-attr]


def test_a_rescan_gives_up_on_folders_and_links(tmp_path: Path) -> None:
    from newsgen.errors import Reporter
    from newsgen.parse.config import load_config
    from newsgen.stages.scan import rescan, scan

    (tmp_path / "content/general").mkdir(parents=True)
    (tmp_path / "content/general/a.md").write_text("x", encoding="utf-8")
    config = load_config(tmp_path, Reporter())
    previous = scan(config, Reporter())
    (tmp_path / "content/new").mkdir()
    assert rescan(config, previous, {"content/new"}) is None
    (tmp_path / "content/link.md").symlink_to(tmp_path / "content/general/a.md")
    assert rescan(config, previous, {"content/link.md"}) is None
    assert rescan(config, previous, {"README.md"}) is None
    assert rescan(config, previous, {"newsgen.yaml"}) == previous


def test_editor_backups_beside_articles_are_never_published(tmp_path: Path) -> None:
    """`visit.md~` and `#visit.md#` are not assets: published, they would show a draft's
    words at a guessable URL. A scan, and the dev server's rescan, leave them out."""
    from newsgen.parse.config import load_config
    from newsgen.stages.scan import rescan, scan

    draft = article("Embargoed", draft="true", body="Secret words.")
    site = write_site(tmp_path / "site", {
        "content/general/visit.md": draft,
        "content/general/visit.md~": draft,
        "content/general/#visit.md#": draft,
        "content/general/photo.jpg": b"\xff\xd8\xff",
    })
    config = load_config(site, Reporter())
    tree = scan(config, Reporter())
    assert [a.source for a in tree.assets] == ["content/general/photo.jpg"]
    (site / "content/general/visit.md.tmp").write_text(draft)
    again = rescan(config, tree, {"content/general/visit.md.tmp"})
    assert again is not None and again.assets == tree.assets
    run = newsgen("build", "-s", site, "--now", "2024-12-19 12:00")
    assert run.code == 0, run.err
    published = [p.name for p in (site / "dist").rglob("*") if p.is_file()]
    assert "photo.jpg" in published
    assert not [n for n in published if "visit" in n]
