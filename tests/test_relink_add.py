"""The dev server's patch for a new article (newsgen.incremental.relink): a published
article added is put in its lists and the read-also fills it can
enter, instead of linking the archive again; whatever the sequence of saves, new files
and deleted files, the output and the diagnostics equal a clean build's."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from conftest import article, tree_digest, write_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_relink import random_save, run, site_files, snapshot, started

from newsgen.incremental.cache import BuildCache
from newsgen.incremental.linked import Linked

TAGS = ["energy", "port", "football", "Energy", "a new tag", "Port"]


def new_article(site: Path, rng: random.Random, n: int) -> str:
    """A new file: the newest article of its language or an older one (both patched), a
    draft, a translation, a new section, a slug taken, a related item,
    a misspelt tag, a body link (each linked whole, or an error, as a clean build says)."""
    day, hour = rng.choice([(19, 11), (19, 10), (19, 11), (12, 9), (3, 10)])
    fields: dict[str, str] = {}
    tags = rng.sample(TAGS, rng.randint(0, 3))
    if tags:
        fields["tags"] = "[" + ", ".join(tags) + "]"
    if rng.random() < 0.3:
        fields["author"] = rng.choice(["Writer 0", "Writer 9", "writer 0"])
    roll = rng.random()
    if roll < 0.1:
        fields["draft"] = "true"
    elif roll < 0.2:
        fields["lang"] = "en"
    elif roll < 0.3:
        fields["translation_key"] = "pair-2"
    elif roll < 0.4:
        fields["related"] = rng.choice(["[story-3]", "[nothing-here]", "[story-4]"])
    elif roll < 0.45:
        fields["slug"] = "story-1"
    section = rng.choice(["General", "Economy", "General", "economy", "Culture"])
    name = f"content/{rng.choice(['general', 'economy'])}/new-{n}.md"
    body = rng.choice(["Fresh words.", "See [story 3](../economy/story-3.md).",
                       "A link to [nowhere](nope.md).", "Fresh words again."])
    (site / name).write_text(article(f"New {n}", f"2024-12-{day:02d} {hour:02d}:{n % 60:02d}",
                                     section, body=body, **fields), encoding="utf-8")
    return "new"


def moved_article(site: Path, rng: random.Random) -> str:
    """A save that moves an article in its lists: new tags (maybe written another way),
    authors, related items, a date, an expiry, a section, a lead image."""
    path = rng.choice(sorted((site / "content").rglob("*.md")))
    lines = path.read_text(encoding="utf-8").split("\n")
    end = lines.index("---", 1)
    head = [line for line in lines[1:end] if not line.startswith(
        ("tags:", "author:", "related:", "expirydate:", "image:"))]
    choice = rng.randrange(6)
    if choice == 0:
        head = [f"date: 2024-12-{rng.randint(1, 19):02d} 0{rng.randint(1, 9)}:00"
                if line.startswith("date:") else line for line in head]
    elif choice == 1:
        head = [f"section: {rng.choice(['General', 'Economy', 'economy'])}"
                if line.startswith("section:") else line for line in head]
    if rng.random() < 0.7:
        head.append("tags: [" + ", ".join(rng.sample(TAGS, rng.randint(1, 3))) + "]")
    if rng.random() < 0.3:
        head.append(f"author: {rng.choice(['Writer 0', 'Writer 7'])}")
    if choice == 2:
        head.append(f"related: [story-{rng.randrange(10)}]")
    elif choice == 3:
        head.append("expirydate: 2024-12-30 10:00")
    elif choice == 4:
        head.append("image: {src: ../general/pic.txt, alt: A picture}")
    path.write_text("\n".join(["---", *head, *lines[end:]]), encoding="utf-8")
    return "moved"


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1))
def test_new_moved_and_deleted_articles_equal_a_clean_build(
        tmp_path_factory: pytest.TempPathFactory, seed: int) -> None:
    tmp = tmp_path_factory.mktemp("grow")
    site = write_site(tmp / "site", site_files())
    rng = random.Random(seed)
    cache = BuildCache(None)
    run(site, tmp / "served" / "out", cache)
    for step in range(7):
        files = snapshot(site)
        roll = rng.random()
        if roll < 0.35:
            what = new_article(site, rng, step)
        elif roll < 0.6:
            what = moved_article(site, rng)
        elif roll < 0.7:
            rng.choice(sorted((site / "content").rglob("*.md"))).unlink()
            what = "deleted"
        else:
            what = random_save(site, rng)
        if rng.random() < 0.8:  # as the watcher tells the server (else: not known)
            now = snapshot(site)
            cache.changed = frozenset(rel for rel in files.keys() | now.keys()
                                      if files.get(rel) != now.get(rel))
        served, served_says = run(site, tmp / "served" / "out", cache)
        clean, clean_says = run(site, tmp / f"clean{step}" / "out", BuildCache(None))
        assert served_says == clean_says, what
        assert (served is None) == (clean is None), what
        if served is not None:
            assert tree_digest(tmp / "served" / "out") == tree_digest(tmp / f"clean{step}" / "out")


def test_a_new_article_is_patched_into_its_lists(tmp_path: Path) -> None:
    site, out, cache = started(tmp_path)
    first: Linked = cache.linked
    read = cache.read
    write_site(site, {"content/economy/harbour.md": article(
        "The harbour opens", "2024-12-19 11:00", "Economy", tags="[port, a new tag]",
        author="Writer 1", body="See [story 3](../economy/story-3.md).")})
    cache.changed = frozenset({"content/economy/harbour.md"})  # as the watcher says
    result, says = run(site, out, cache)
    assert result is not None and not says
    assert cache.linked is first  # patched, not linked again
    assert cache.read is read  # only the new file was read
    page = (out / "economy/harbour/index.html").read_text(encoding="utf-8")
    assert "The harbour opens" in page and 'href="/economy/story-3/"' in page
    assert "The harbour opens" in (out / "economy/index.html").read_text(encoding="utf-8")
    assert "The harbour opens" in (out / "tags/a-new-tag/index.html").read_text(encoding="utf-8")
    assert "economy/harbour/" in (out / "sitemap.xml").read_text(encoding="utf-8")
    # the English pages show no Turkmen article: not rendered again
    assert 0 < result.rendered < result.pages and "en/index.html" not in result.changed
    run(site, tmp_path / "clean" / "out", BuildCache(None))
    assert tree_digest(out) == tree_digest(tmp_path / "clean" / "out")

    # one older than others goes in the middle of its lists
    write_site(site, {"content/general/older.md": article("Older", "2024-12-02 09:00",
                                                          tags="[football]")})
    result, says = run(site, out, cache)
    assert result is not None and not says and cache.linked is first
    run(site, tmp_path / "clean2" / "out", BuildCache(None))
    assert tree_digest(out) == tree_digest(tmp_path / "clean2" / "out")

    # one in a section new to its language: linked whole, the same site
    write_site(site, {"content/culture/play.md": article("A play", "2024-12-19 11:30",
                                                         "Culture")})
    result, says = run(site, out, cache)
    assert result is not None and cache.linked is not first
    run(site, tmp_path / "clean3" / "out", BuildCache(None))
    assert tree_digest(out) == tree_digest(tmp_path / "clean3" / "out")


def archive_files(rng: random.Random) -> dict[str, str | bytes]:
    """80 articles in three sections, two languages, five tags: read-also fills of
    three, so that a new article can enter only the fills near it in time."""
    files: dict[str, str | bytes] = {
        "newsgen.yaml": "title: T\ndescription: D\nbase_url: https://x.example/\nper_page: 4\n"
                        "read_also: {limit: 3}\nlanguages:\n  ru: {title: R, description: D}\n"}
    for i in range(80):
        section = rng.choice(["General", "Economy", "Sport"])
        fields = new_fields(rng)
        if i % 7 == 0:
            fields["lang"] = "ru"
        files[f"content/{section.lower()}/story-{i}.md"] = article(
            f"Story {i}", f"2024-{1 + i // 8:02d}-{1 + i % 8 * 3:02d} 10:00", section, **fields)
    return files


def new_fields(rng: random.Random) -> dict[str, str]:
    tags = rng.sample(["energy", "port", "football", "trade", "rail"], rng.randint(0, 3))
    fields = {"tags": "[" + ", ".join(tags) + "]"} if tags else {}
    if rng.random() < 0.2:
        fields["related"] = f"[story-{rng.randrange(80)}]"
    return fields


@settings(max_examples=3, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1))
def test_new_articles_enter_the_fills_near_them_as_a_clean_build_finds_them(
        tmp_path_factory: pytest.TempPathFactory, seed: int) -> None:
    """Each new article is patched, but for one in a section new to its language (every
    page of that language gains the section in its menu: linked whole); the fills it
    cannot reach keep their blocks, and the site still equals a clean build's."""
    tmp = tmp_path_factory.mktemp("fills")
    rng = random.Random(seed)
    files = archive_files(rng)
    site = write_site(tmp / "site", files)
    # (the archive's few Russian articles may leave a section without one)
    sections = {(("ru" if "lang: ru" in str(text) else "en"), rel.split("/")[1])
                for rel, text in files.items() if rel.startswith("content/")}
    cache = BuildCache(None)
    assert run(site, tmp / "served" / "out", cache)[0] is not None
    for step in range(5):
        first: Linked = cache.linked
        section = rng.choice(["General", "Economy", "Sport"])
        fields = new_fields(rng)
        if rng.random() < 0.2:
            fields["lang"] = "ru"
        name = f"content/{section.lower()}/new-{step}.md"
        write_site(site, {name: article(f"New {step}", f"2024-12-1{step} 0{rng.randint(1, 9)}:00",
                                        section, **fields)})
        opens = (fields.get("lang", "en"), section.lower()) not in sections
        sections.add((fields.get("lang", "en"), section.lower()))
        cache.changed = frozenset({name})
        served, served_says = run(site, tmp / "served" / "out", cache)
        clean, clean_says = run(site, tmp / f"clean{step}" / "out", BuildCache(None))
        assert served is not None and served_says == clean_says
        assert (cache.linked is first) != opens  # patched, unless it opens a section
        assert tree_digest(tmp / "served" / "out") == tree_digest(tmp / f"clean{step}" / "out")


def test_serve_drafts_patches_a_new_draft_and_its_publishing(tmp_path: Path) -> None:
    """`serve --watch --drafts`, as the README writes new articles: the draft that
    `newsgen new` writes is added, its words are patched, and so is `draft: false`;
    each build equals a clean one."""
    from conftest import build_here

    def serve(out: Path, cache: BuildCache) -> tuple[object, list[str]]:
        result, reporter = build_here(site, cache=cache, output=out, now="2024-12-19 12:00",
                                      preview=True, drafts=True, work_dir=out.parent / "w",
                                      base_url="http://127.0.0.1:8000/")
        return result, sorted(d.format() for d in reporter.diagnostics)

    site = write_site(tmp_path / "site", site_files())
    out = tmp_path / "served" / "out"
    cache = BuildCache(None)
    serve(out, cache)
    first: Linked = cache.linked
    draft = site / "content/general/budget.md"
    for step, text in enumerate([
            article("Budget", "2024-12-19 11:00", draft="true", body="To be written."),
            article("Budget passed", "2024-12-19 11:00", draft="true", body="Written."),
            article("Budget passed", "2024-12-19 11:00", draft="false", body="Written.")]):
        draft.write_text(text, encoding="utf-8")
        cache.changed = frozenset({"content/general/budget.md"})
        served = serve(out, cache)
        assert served[0] is not None and cache.linked is first, step  # patched
        clean = serve(tmp_path / f"clean{step}" / "out", BuildCache(None))
        assert served[1] == clean[1]
        assert tree_digest(out) == tree_digest(tmp_path / f"clean{step}" / "out")
    page = (out / "general/budget/index.html").read_text(encoding="utf-8")
    assert "Budget passed" in page and "Draft" not in page


def _stories(n: int, **config: str) -> dict[str, str | bytes]:
    extra = "".join(f"{k}: {v}\n" for k, v in config.items())
    files: dict[str, str | bytes] = {
        "newsgen.yaml": f"title: T\ndescription: D\nbase_url: https://x.example/\n{extra}"}
    for i in range(n):
        files[f"content/general/s{i}.md"] = article(f"S {i}", f"2024-12-{i + 5:02d} 10:00")
    return files


CASES = {  # what an old article names, that a new file answers (found by a review)
    "a slug only another language had": (
        {**_stories(9, read_also="{limit: 3}", languages="{ru: {title: R, description: D}}"),
         "content/general/old.md": article("Old", "2024-11-01 10:00", related="[target]"),
         "content/general/target-ru.md": article("Target RU", "2024-12-05 10:00", lang="ru",
                                                 slug="target")},
        {"content/general/target.md": article("Target", "2024-12-18 10:00")}),
    "a body link to its Markdown file by site path": (
        {**_stories(3), "content/general/old.md": article(
            "Old", "2024-11-01 10:00", body="See [it](/general/target.md).")},
        {"content/general/target.md": article("Target", "2024-12-18 10:00")}),
    "a reference read as a path before a slug": (
        {**_stories(9, read_also="{limit: 3}"),
         "content/general/target.md": article("Target by slug", "2024-10-01 10:00"),
         "content/general/old.md": article("Old", "2024-11-01 10:00", related="[target]")},
        {"content/target.md": article("Target by path", "2024-12-18 10:00", slug="other")}),
    "its full URL among items past the limit": (
        {**_stories(3, read_also="{limit: 1}"), "content/general/old.md": article(
            "Old", "2024-11-01 10:00", related="[s0, 'https://x.example/general/target/', "
                                              "'https://x.example/general/target']")},
        {"content/general/target.md": article("Target", "2024-12-18 10:00")}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_new_file_that_an_article_names_equals_a_clean_build(tmp_path: Path,
                                                                case: str) -> None:
    files, new = CASES[case]
    site = write_site(tmp_path / "site", files)
    cache = BuildCache(None)
    run(site, tmp_path / "served" / "out", cache)
    write_site(site, new)
    cache.changed = frozenset(new)
    served = run(site, tmp_path / "served" / "out", cache)
    clean = run(site, tmp_path / "clean" / "out", BuildCache(None))
    assert served[1] == clean[1]
    assert tree_digest(tmp_path / "served" / "out") == tree_digest(tmp_path / "clean" / "out")


def _says(site: Path, out: Path, cache: BuildCache, now: str) -> list[str]:
    """What a build as the dev server makes it at `now` says, sorted."""
    from conftest import build_here

    _, reporter = build_here(site, cache=cache, output=out, now=now, preview=True,
                             work_dir=out.parent / "w")
    return sorted(d.format() for d in reporter.diagnostics)


def test_a_clock_set_back_says_how_far_ahead_as_a_clean_build(tmp_path: Path) -> None:
    """A far-future warning counts days from the build's moment: a build two days earlier
    than the one before says two days more, patched or not."""
    site = write_site(tmp_path / "site", {
        **_stories(3, checks="{far_future_days: 30}"),
        "content/general/far.md": article("Far", "2025-03-01 10:00")})

    cache = BuildCache(None)
    _says(site, tmp_path / "served" / "out", cache, "2024-12-19 12:00")
    write_site(site, {"content/general/new.md": article("New", "2024-12-10 10:00")})
    cache.changed = frozenset({"content/general/new.md"})
    served = _says(site, tmp_path / "served" / "out", cache, "2024-12-17 12:00")
    assert served == _says(site, tmp_path / "clean" / "out", BuildCache(None), "2024-12-17 12:00")
    assert any("73 days ahead" in line for line in served)


@pytest.mark.slow
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1))
def test_many_adds_moves_and_deletions_in_an_archive_equal_a_clean_build(
        tmp_path_factory: pytest.TempPathFactory, seed: int) -> None:
    """`-m slow`: longer random sequences on the 80-article archive, new articles at any
    date, articles moved (new dates, tags, related items) and deleted, each build
    compared with a clean one."""
    tmp = tmp_path_factory.mktemp("archive")
    rng = random.Random(seed)
    site = write_site(tmp / "site", archive_files(rng))
    cache = BuildCache(None)
    assert run(site, tmp / "served" / "out", cache)[0] is not None
    for step in range(10):
        roll = rng.random()
        if roll < 0.15:
            path = rng.choice(sorted((site / "content").rglob("*.md")))
            path.unlink()
        elif roll < 0.55:
            section = rng.choice(["General", "Economy", "Sport"])
            path = site / f"content/{section.lower()}/new-{step}.md"
            path.write_text(article(
                f"New {step}", f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 09:00",
                section, **new_fields(rng)), encoding="utf-8")
        else:
            path = rng.choice(sorted((site / "content").rglob("*.md")))
            lines = path.read_text(encoding="utf-8").split("\n")
            end = lines.index("---", 1)
            head = [line for line in lines[1:end] if not line.startswith(("tags:", "related:"))]
            if rng.random() < 0.4:
                head = [f"date: 2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 11:00"
                        if line.startswith("date:") else line for line in head]
            head += [f"{k}: {v}" for k, v in new_fields(rng).items()]
            path.write_text("\n".join(["---", *head, *lines[end:]]), encoding="utf-8")
        cache.changed = frozenset({path.relative_to(site).as_posix()})
        served, served_says = run(site, tmp / "served" / "out", cache)
        clean, clean_says = run(site, tmp / f"clean{step}" / "out", BuildCache(None))
        assert served_says == clean_says
        assert (served is None) == (clean is None)
        if served is not None:
            assert tree_digest(tmp / "served" / "out") == tree_digest(tmp / f"clean{step}" / "out")


def _fill_site(tmp: Path) -> Path:
    files: dict[str, str | bytes] = {
        "newsgen.yaml": "title: T\ndescription: D\nbase_url: https://x.example/\n"
                        "read_also: {limit: 1}\ntimezone: UTC\n"}
    for i in range(8):
        files[f"content/general/s{i}.md"] = article(
            f"Story {i}", f"2024-12-{1 + i:02d} 10:00",
            tags="[x]" if i in (0, 7) else "[y]" if i == 3 else "[z]")
    return write_site(tmp / "site", files)


def _front(path: Path, **fields: str | None) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    end = lines.index("---", 1)
    head = [line for line in lines[1:end] if line.split(":")[0] not in fields]
    head += [f"{k}: {v}" for k, v in fields.items() if v is not None]
    path.write_text("\n".join(["---", *head, *lines[end:]]), encoding="utf-8")


@pytest.mark.parametrize("serve", [True, False])
def test_a_fill_not_made_while_the_block_was_full_is_made_again(tmp_path: Path,
                                                                 serve: bool) -> None:
    """An article whose listed items fill its block makes no fill; when it changes then
    (new tags) and its items go later, its fill is made for what it is now, not taken
    from before (found by a review; in `newsgen build` too, whose state keeps fills)."""
    from conftest import build_here

    site = _fill_site(tmp_path)
    served = tmp_path / "served" / "out"

    def build(out: Path, cache: BuildCache | None, **options: object) -> None:
        result, reporter = build_here(site, cache=cache, output=out, now="2024-12-19 12:00",
                                      preview=serve, work_dir=out.parent / "w", **options)
        assert result is not None, reporter.diagnostics

    cache = BuildCache(None) if serve else None
    build(served, cache)  # s0's fill: s7, its tag's
    _front(site / "content/general/s0.md", tags="[y]", related="[s1]")  # a full block
    build(served, cache)
    _front(site / "content/general/s0.md", related=None)
    (site / "content/general/s5.md").unlink()  # (and the whole site linked again)
    build(served, cache)
    build(tmp_path / "clean" / "out", BuildCache(None) if serve else None, use_cache=serve)
    page = (served / "general/s0/index.html").read_text(encoding="utf-8")
    assert "Story 3" in page and "Story 7" not in page  # its tag's now: y
    assert tree_digest(served) == tree_digest(tmp_path / "clean" / "out")


@pytest.mark.parametrize("save", ["tags", "title"])
def test_a_clock_set_back_before_an_update_warns_of_it_again(tmp_path: Path,
                                                             save: str) -> None:
    """An `updated` time the last build had passed: with the clock set back before it,
    a patched build says it is still ahead, as a clean build does (found by a review)."""
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "title: T\ndescription: D\nbase_url: https://x.example/\n"
                        "timezone: UTC\n",
        "content/general/a.md": article("A", "2024-12-01 10:00", updated="2024-12-19 13:00"),
        "content/general/b.md": article("B", "2024-12-02 10:00", tags="[x]"),
        "content/general/c.md": article("C", "2024-12-03 10:00")})

    cache = BuildCache(None)
    assert not _says(site, tmp_path / "served" / "out", cache, "2024-12-19 14:00")
    _front(site / "content/general/b.md", **({"tags": "[y]"} if save == "tags"
                                              else {"title": "B again"}))
    cache.changed = frozenset({"content/general/b.md"})
    served = _says(site, tmp_path / "served" / "out", cache, "2024-12-19 12:00")
    assert served == _says(site, tmp_path / "clean" / "out", BuildCache(None), "2024-12-19 12:00")
    assert any("is still ahead" in line for line in served)
