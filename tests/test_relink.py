"""The dev server's fast path (newsgen.incremental.relink): a save that keeps the site's shape
patches the last linked site instead of linking the archive again. Whatever the
sequence of saves, the output and the diagnostics equal a clean build's."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from conftest import article, build_here, tree_digest, write_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsgen.build import BuildResult
from newsgen.incremental.cache import BuildCache
from newsgen.incremental.linked import Linked

NOW = "2024-12-19 12:00"
SECTIONS = ["General", "Economy"]
BODIES = [
    "Plain words.",
    "See [story 3](../economy/story-3.md) and [the pic](../general/pic.txt).",
    "A link to [nowhere](nope.md).",  # an error until the body changes again
    "Two paragraphs.\n\nSee [story 1](../economy/story-1.md).",
]


def site_files() -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        "newsgen.yaml": "title: Relink\ndescription: Saves\nbase_url: https://relink.example/\n"
                        "per_page: 3\n"
                        "read_also: {limit: 3}\ntimezone: Asia/Ashgabat\nlanguage: tk\n"
                        "languages:\n  en:\n    title: Relink English\n    description: Saves\n",
        "content/general/pic.txt": "asset",
    }
    tags = ["energy", "port", "football"]
    for i in range(10):
        section = SECTIONS[i % 2]
        fields = {"tags": f"[{tags[i % 3]}, {tags[(i + 1) % 3]}]", "author": f"Writer {i % 2}"}
        if i == 0:
            fields["related"] = "[story-3, {ref: story-5, title: Chosen words}]"
        if i in (2, 4):
            fields["translation_key"] = f"pair-{i}"
        files[f"content/{section.lower()}/story-{i}.md"] = article(
            f"Story {i}", f"2024-12-{1 + i:02d} 10:00", section, body=BODIES[i % 2], **fields)
    for i in (2, 4):  # their English versions
        files[f"content/general/story-{i}-en.md"] = article(
            f"Story {i} in English", f"2024-12-{1 + i:02d} 11:00", "General", lang="en",
            translation_key=f"pair-{i}", body="English words.")
    return files


def run(site: Path, out: Path, cache: BuildCache) -> tuple[BuildResult | None, list[str]]:
    """A build as `newsgen serve` makes it, with the state kept in `cache`."""
    result, reporter = build_here(site, cache=cache, output=out, now=NOW, preview=True,
                                  base_url="http://127.0.0.1:8000/",
                                  work_dir=out.parent / "work")
    return result, sorted(d.format() for d in reporter.diagnostics)


def set_title(path: Path, title: str) -> None:
    lines = path.read_text().split("\n")
    path.write_text("\n".join(f"title: {title}" if line.startswith("title:") else line
                              for line in lines))


def retitled(site: Path, out: Path, rel: str, title: str,
             ) -> tuple[BuildCache, Linked, BuildResult | None, list[str]]:
    """A first build as the dev server makes it, then the one after a save that gives the
    article `rel` a new title: the state, the first linked site, the second's outcome."""
    cache = BuildCache(None)
    run(site, out, cache)
    first: Linked = cache.linked
    set_title(site / rel, title)
    return (cache, first, *run(site, out, cache))


def set_body(path: Path, body: str) -> None:
    head, _, _ = path.read_text().rpartition("---\n")
    path.write_text(f"{head}---\n\n{body}\n")


def snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in (site / "content").rglob("*") if p.is_file()}


def started(tmp: Path) -> tuple[Path, Path, BuildCache]:
    """The site of `site_files` in tmp/site, built as the server builds it into
    tmp/served/out: the site, the output and the server's state."""
    site = write_site(tmp / "site", site_files())
    out = tmp / "served" / "out"
    cache = BuildCache(None)
    run(site, out, cache)
    return site, out, cache


def same_as_clean(site: Path, tmp: Path, served: tuple[object, list[str]], name: str) -> None:
    """`served` (a `run` into tmp/served/out) says and writes what a clean build of the
    site into tmp/`name`/out does."""
    clean = run(site, tmp / name / "out", BuildCache(None))
    assert served[1] == clean[1]
    assert (served[0] is None) == (clean[0] is None)
    if served[0] is not None:
        assert tree_digest(tmp / "served" / "out") == tree_digest(tmp / name / "out")


def random_save(site: Path, rng: random.Random) -> str:
    path = rng.choice(sorted((site / "content").rglob("*.md")))
    choice = rng.randrange(7)
    if choice == 6:  # categories are read as tags: a warning said once, at the first file
        text = path.read_text()
        if "categories:" not in text:
            path.write_text(text.replace("\ntitle:", "\ncategories: [port]\ntitle:", 1))
        return "categories"
    if choice == 0:
        set_title(path, f"Retitled {rng.randint(0, 999)}")
        return "title"
    if choice in (1, 2):
        set_body(path, rng.choice(BODIES) + f"\n\nWord {rng.random()}.")
        return "body"
    if choice == 3:  # a shape change: the date moves the article in its lists
        lines = path.read_text().split("\n")
        day = rng.randint(1, 18)
        path.write_text("\n".join(f"date: 2024-12-{day:02d} 09:00" if line.startswith("date:")
                                  else line for line in lines))
        return "date"
    if choice == 4:
        set_title(path, "Story 3")  # back to a title another article had
        return "title"
    set_body(path, "")
    return "body"


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1))
def test_saves_patch_the_site_and_equal_a_clean_build(
        tmp_path_factory: pytest.TempPathFactory, seed: int) -> None:
    tmp = tmp_path_factory.mktemp("relink")
    site = write_site(tmp / "site", site_files())
    rng = random.Random(seed)
    cache = BuildCache(None)
    run(site, tmp / "served" / "out", cache)
    for step in range(6):
        before = cache.linked
        files = snapshot(site)
        if step == 0:  # one save that is patched for sure
            set_body(site / "content/general/story-0.md", f"First save {rng.random()}.")
            what = "body"
        else:
            what = random_save(site, rng)
        if rng.random() < 0.8:  # as the watcher tells the server (else: not known)
            cache.changed = frozenset(rel for rel, data in snapshot(site).items()
                                      if files.get(rel) != data)
        served, served_says = run(site, tmp / "served" / "out", cache)
        assert step > 0 or cache.linked is before
        clean, clean_says = run(site, tmp / f"clean{step}" / "out", BuildCache(None))
        assert served_says == clean_says, what
        assert (served is None) == (clean is None), what
        if served is not None:
            assert tree_digest(tmp / "served" / "out") == tree_digest(tmp / f"clean{step}" / "out")


def test_a_title_save_is_patched_and_reaches_every_page_that_shows_it(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", site_files())
    out = tmp_path / "served" / "out"
    cache, first, result, says = retitled(site, out, "content/economy/story-3.md",
                                          "A brand new headline")
    assert result is not None and not says
    assert cache.linked is first  # patched, not linked again
    # story-0 names story-3 in its read-also block: it shows the new headline
    assert "A brand new headline" in (out / "general/story-0/index.html").read_text()
    assert "A brand new headline" in (out / "index.html").read_text()
    # and only the pages that show story 3 were rendered again, not the whole site
    assert 0 < result.rendered < result.pages
    assert "en/general/story-4-en/index.html" not in result.changed

    set_body(site / "content/economy/story-3.md", "A link to [nowhere](nope.md).")
    result, says = run(site, out, cache)
    assert result is None
    assert says == ["content/economy/story-3.md:9: error: link 'nope.md': no file "
                    "content/economy/nope.md"]
    set_body(site / "content/economy/story-3.md", "Fixed.")
    result, says = run(site, out, cache)
    assert result is not None and not says and cache.linked is first

    lines = (site / "content/economy/story-3.md").read_text().split("\n")
    (site / "content/economy/story-3.md").write_text("\n".join(
        "date: 2024-12-18 09:00" if line.startswith("date:") else line for line in lines))
    result, says = run(site, out, cache)
    assert result is not None and cache.linked is first  # a new date: moved in its lists
    run(site, tmp_path / "clean" / "out", BuildCache(None))
    assert tree_digest(out) == tree_digest(tmp_path / "clean" / "out")
    text = (site / "content/economy/story-3.md").read_text()
    (site / "content/economy/story-3.md").write_text(text.replace("Economy", "Culture"))
    result, says = run(site, out, cache)
    assert result is not None and cache.linked is not first  # a new section: linked whole


def test_a_translation_shows_the_new_title_of_its_partner(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", site_files())
    cache = BuildCache(None)
    out = tmp_path / "served" / "out"
    run(site, out, cache)
    before = (out / "en/general/story-2-en/index.html").read_text()
    set_title(site / "content/general/story-2.md", "Täze at")
    result, says = run(site, out, cache)
    assert result is not None and not says
    after = (out / "en/general/story-2-en/index.html").read_text()
    assert before != after
    clean, _ = run(site, tmp_path / "clean" / "out", BuildCache(None))
    assert tree_digest(out) == tree_digest(tmp_path / "clean" / "out")


def test_an_empty_body_has_no_links_of_the_text_converted_before_it() -> None:
    """Found by the random saves above: Python-Markdown returns early on an empty text,
    and the converter reported the previous article's links and summary for it."""
    from newsgen.parse.markup import Converter

    converter = Converter()
    first = converter.convert("See [the pic](pic.txt). A summary sentence.")
    assert first.links == ("pic.txt",)
    empty = converter.convert("\n\n")
    assert (empty.html, empty.links, empty.summary, empty.toc) == ("", (), "", "")


def test_the_watchers_changed_files_replace_the_scan(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """With a watcher, a rebuild brings the last scan up to date for the files that changed
    instead of walking the site, and the site is still what a clean build makes; a new
    folder (or the first rebuild, or no watcher) means a full scan."""
    from conftest import newsgen as run_cli

    import newsgen.incremental.state as state
    from newsgen.build import BuildOptions
    from newsgen.dev.server import DevServer

    scans: list[int] = []
    full_scan = state.scan
    monkeypatch.setattr(state, "scan", lambda *a: scans.append(1) or full_scan(*a))
    site = write_site(tmp_path / "site", {
        "content/general/one.md": article("One", "2024-12-18 10:00"),
        "content/general/two.md": article("Two", "2024-12-17 10:00"),
        "static/style.css": "body { color: black }",
    })
    dev = DevServer(BuildOptions(site=site, now=NOW), "127.0.0.1", 0, watch=True,
                    say=lambda text: None)
    changed: list[frozenset[str] | None] = [None]  # as a watcher: unknown at first
    dev.changes = lambda: changed.pop() if changed else frozenset()
    try:
        assert dev.build() and len(scans) == 1
        write_site(site, {"content/general/one.md": article("One, edited", "2024-12-18 10:00"),
                          "content/general/three.md": article("Three", "2024-12-16 10:00"),
                          "static/img.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>"})
        (site / "content/general/two.md").unlink()
        changed.append(frozenset({"content/general/one.md", "content/general/three.md",
                                  "content/general/two.md", "static/img.svg"}))
        assert dev.build() and len(scans) == 1  # no walk of the site
        (site / "content/economy").mkdir()
        write_site(site, {"content/economy/four.md": article("Four", "2024-12-15 10:00",
                                                             "Economy")})
        changed.append(None)  # a folder appeared: the watcher cannot say which files
        assert dev.build() and len(scans) == 2
        clean = tmp_path / "clean"
        assert run_cli("build", "-s", site, "-o", clean, "--now", NOW,
                       "--base-url", dev.url).code == 0
        served = {p.relative_to(dev.out).as_posix() for p in dev.out.rglob("*") if p.is_file()}
        built = {p.relative_to(clean).as_posix() for p in clean.rglob("*") if p.is_file()}
        assert served - {".newsgen-output"} == built - {".newsgen-output"}
        assert "general/two/index.html" not in served and "img.svg" in served
        assert "One, edited" in (dev.out / "general/one/index.html").read_text(encoding="utf-8")
    finally:
        dev.close()


def test_a_failure_that_newer_changes_supersede_is_not_shown(tmp_path: Path) -> None:
    """A rebuild that reads a save half-written fails; when the watcher already saw newer
    changes, it is not reported (no overlay, no error lines): the next rebuild decides."""
    from newsgen.build import BuildOptions
    from newsgen.dev.server import DevServer

    site = write_site(tmp_path / "site", {"content/general/one.md": article("One")})
    said: list[str] = []
    dev = DevServer(BuildOptions(site=site, now=NOW), "127.0.0.1", 0, watch=True,
                    say=said.append)
    try:
        assert dev.build()
        (site / "content/general/one.md").write_text("---\ntitle: Half", encoding="utf-8")
        dev.pending = lambda: True
        assert not dev.build()  # (undecided: what is shown stays, the next rebuild decides)
        assert dev.state.built
        assert said[-1] == "newsgen: sources changed during the rebuild; building again"
        assert not [line for line in said if "error" in line or "failed" in line]
        assert dev.state.problems == []
        assert "One" in (dev.out / "general/one/index.html").read_text(encoding="utf-8")
        dev.pending = lambda: False  # the save never finished: now it is an error
        assert not dev.build()
        assert any(line.startswith("newsgen: rebuild failed") for line in said)
        assert dev.state.problems
    finally:
        dev.close()


def test_a_full_url_to_another_languages_article_shows_its_new_title(tmp_path: Path) -> None:
    """A read-also item written as the full URL of another language's article is linked
    as written, with that article's title: a save that retitles it reaches the block,
    patched as a clean build makes it."""
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "base_url: https://x.example/\ndescription: D\n"
                        "languages:\n  ru: {title: Новости, description: Д}\n",
        "content/general/visit.md": article(
            "Visit", related="[\"https://x.example/ru/general/novosti/\"]"),
        "content/general/novosti.md": article("Новости", lang="ru", slug="novosti"),
    })
    out = tmp_path / "served" / "out"
    cache, first, result, says = retitled(site, out, "content/general/novosti.md",
                                          "Новости дня")
    assert result is not None and not says and cache.linked is first
    assert "Новости дня" in (out / "general/visit/index.html").read_text("utf-8")
    run(site, tmp_path / "clean" / "out", BuildCache(None))
    assert tree_digest(out) == tree_digest(tmp_path / "clean" / "out")
