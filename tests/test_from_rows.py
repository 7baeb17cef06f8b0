"""A fresh build after edits of articles' words makes only the pages they change, from the
rows of the last build (newsgen.build.edits), and leaves exactly what a clean build of
the same sources leaves: the output's bytes, the page fingerprints and the rows. Anything
else builds the whole site, and says why (`BuildResult.whole`)."""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import NOW, article, build_here, tree_digest, write_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_incremental import edit
from test_rows import TABLES, files, rows

from newsgen.build import BuildResult
from newsgen.incremental import edits

WARNED: dict[Path, list[str]] = {}  # the warnings of the last build into each output


def build(site: Path, out: Path, *, now: str = NOW, **options: object) -> BuildResult:
    result, reporter = build_here(site, output=out, cache_dir=site / ".cache", now=now,
                                  **options)
    assert result is not None, [d.format() for d in reporter.diagnostics]
    WARNED[out] = sorted(d.format() for d in reporter.warnings if d.path != ".cache")
    return result


def prints(cache: Path) -> dict[str, str]:
    db = sqlite3.connect(cache / "state.sqlite")
    try:
        return dict(db.execute("SELECT path, print FROM pages"))
    finally:
        db.close()


def assert_as_clean(site: Path, out: Path, tmp: Path, *, now: str = NOW) -> None:
    """The output, the warnings, the fingerprints and the rows are a clean build's of the
    same sources."""
    clean, state = tmp / "clean", tmp / "clean-state"
    shutil.rmtree(clean, ignore_errors=True)
    shutil.rmtree(state, ignore_errors=True)
    result, reporter = build_here(site, output=clean, cache_dir=state, now=now)
    assert result is not None, [d.format() for d in reporter.diagnostics]
    assert tree_digest(out) == tree_digest(clean)
    assert WARNED[out] == sorted(d.format() for d in reporter.warnings)
    assert prints(site / ".cache") == prints(state)
    made, fresh = rows(site / ".cache"), rows(state)
    for table in TABLES:
        assert made[table] == fresh[table], table


WORDS: dict[str, Callable[[Path], None]] = {
    # read by story-1 (an untitled item by its URL) and by fills
    "title read by others": lambda s: edit(s / "content/economy/story-4.md",
                                           "title: Story 4", "title: Story Four"),
    # another language's, read by story-4 by its full URL; story-0 shows its translation
    "title of a translation": lambda s: edit(s / "content/general/story-0-ru.md",
                                             "title: История 0", "title: История ноль"),
    "title with an alias": lambda s: edit(s / "content/general/story-0.md",
                                          "title: Story 0", "title: Story Zero"),
    "summary": lambda s: edit(s / "content/general/story-3.md", "section: General",
                              "section: General\nsummary: A summary of its own."),
    "params": lambda s: edit(s / "content/sport/story-5.md", "section: Sport",
                             "section: Sport\nkicker: Exclusive"),
    "body": lambda s: edit(s / "content/sport/story-8.md", "Body of story 8.",
                           "Body of story 8, *rewritten*.\n\nA second paragraph."),
    "two at once": lambda s: (edit(s / "content/sport/story-2.md", "title: Story 2",
                                   "title: Story Two"),
                              edit(s / "content/general/story-9.md", "Body of story 9.",
                                   "Nine.")),
}


@pytest.mark.parametrize("stable", [False, True], ids=["newest", "stable"])
@pytest.mark.parametrize("name", sorted(WORDS))
def test_a_word_edit_is_made_from_rows_as_a_clean_build(tmp_path: Path, name: str,
                                                         stable: bool) -> None:
    site, out = write_site(tmp_path / "site", files(stable)), tmp_path / "out"
    pages = build(site, out).pages
    WORDS[name](site)
    result = build(site, out)
    assert result.whole == "" and result.from_rows > 0, result.whole
    assert 0 < result.rendered <= result.from_rows < result.pages == pages  # (as said)
    assert_as_clean(site, out, tmp_path)
    again = build(site, out)  # (its count is the record's)
    assert again.nothing_changed and again.pages == pages
    edit(site / "content/sport/story-11.md",  # and again, from the rows it wrote
         "title: Story 11", "title: Story Eleven")
    assert build(site, out).from_rows > 0
    assert_as_clean(site, out, tmp_path)


def test_a_title_edit_changes_its_readers_pages(tmp_path: Path) -> None:
    site, out = write_site(tmp_path / "site", files()), tmp_path / "out"
    build(site, out)
    WORDS["title read by others"](site)
    result = build(site, out)
    assert result.from_rows
    assert "Story Four" in (out / "economy/story-1/index.html").read_text()  # its block
    assert "Story Four" in (out / "economy/page/2/index.html").read_text()  # its list
    assert "economy/story-1/index.html" in result.changed
    assert "sitemap.xml" not in result.changed and "tags/index.html" not in result.changed


def test_a_reader_whose_link_text_was_its_url_is_a_reader_once_the_target_exists(
        tmp_path: Path) -> None:
    """A read-also item names another language's article by its URL before that article
    exists (its text: the URL), then the article is written with that URL as its title
    (the same text, now the target's own), then retitled: the reader shows the new title.
    (Whether a link shows its target's title was not in the fingerprint, so the rows of
    the reader's page were not written again, and the retitle missed it.)"""
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "title: T\nbase_url: https://inc.example/\ndescription: d\n"
                        "languages:\n  ru: {title: R, description: r}\n",
        "content/general/a.md": article(
            "A", "2024-12-10 10:00", related="['https://inc.example/ru/general/rx/']")})
    out = tmp_path / "out"
    build(site, out)
    write_site(site, {"content/general/rx.md": article(
        '"https://inc.example/ru/general/rx/"', "2024-12-09 10:00", lang="ru")})
    build(site, out)
    edit(site / "content/general/rx.md", 'title: "https://inc.example/ru/general/rx/"',
         "title: Real title")
    assert build(site, out).from_rows > 0
    assert "Real title" in (out / "general/a/index.html").read_text()
    assert_as_clean(site, out, tmp_path)


FALLBACKS: dict[str, tuple[Callable[[Path], None], str]] = {
    "date": (lambda s: edit(s / "content/general/story-3.md", "2024-12-04", "2024-12-18"),
             "more than its words"),
    "slug": (lambda s: edit(s / "content/general/story-3.md", "section: General",
                            "section: General\nslug: three"), "more than its words"),
    "draft": (lambda s: edit(s / "content/general/story-3.md", "section: General",
                             "section: General\ndraft: true"), "more than its words"),
    "tags": (lambda s: edit(s / "content/sport/story-2.md", "tags: [", "tags: [new, "),
             "more than its words"),
    "a link in the body": (lambda s: edit(s / "content/sport/story-8.md", "Body of story 8.",
                                          "See [story 5](story-5.md)."),
                           "links to other pages"),
    "new article": (lambda s: write_site(s, {"content/general/new.md": article(
        "New", "2024-12-18 09:00")}), "files were added or removed"),
    "deleted article": (lambda s: (s / "content/sport/story-5.md").unlink(),
                        "files were added or removed"),
    "template": (lambda s: edit(s / "templates/read_also.html", "<h2>", "<h2 class=x>"),
                 "templates/read_also.html is not an article"),
    "configuration": (lambda s: (edit(s / "newsgen.yaml", "per_page: 3", "per_page: 2"),
                                 WORDS["body"](s)), "the configuration, the options"),
    "static file": (lambda s: (write_site(s, {"static/style-extra.css": "p{}"}),
                               WORDS["body"](s)), "static/style-extra.css is not an article"),
    "an article's warning": (lambda s: edit(s / "content/general/story-3.md",
                                            "section: General",
                                            "section: General\nsumary: A typo"),
                             "has warnings or errors"),
    "search": (lambda s: (edit(s / "newsgen.yaml", "per_page: 3", "per_page: 3\nsearch: true"),
                          ), "search is on"),
}


def falls_back(tmp_path: Path, change: Callable[[Path], None], reason: str, *,
               before: Callable[[Path], object] | None = None, now: str = NOW) -> None:
    """A build after `change` (and, before the first build, `before`) links the whole
    site, says `reason`, and leaves what a clean build leaves."""
    site, out = write_site(tmp_path / "site", files()), tmp_path / "out"
    if before is not None:
        before(site)
    build(site, out)
    change(site)
    result = build(site, out, now=now)
    assert result.from_rows == 0 and reason in result.whole, result.whole
    assert_as_clean(site, out, tmp_path, now=now)


@pytest.mark.parametrize("name", sorted(FALLBACKS))
def test_anything_but_words_builds_the_whole_site(tmp_path: Path, name: str) -> None:
    change, reason = FALLBACKS[name]
    if name == "search":  # on from the start: then a title edit
        falls_back(tmp_path, WORDS["title read by others"], reason, before=change)
    else:
        falls_back(tmp_path, change, reason)


def test_more_articles_than_a_few_build_the_whole_site(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(edits, "MOST", 1)
    falls_back(tmp_path, WORDS["two at once"], "2 articles changed")


def test_an_edited_output_is_not_trusted(tmp_path: Path) -> None:
    def by_hand(site: Path) -> None:
        (site.parent / "out/economy/index.html").write_text("edited by hand")
        WORDS["title read by others"](site)

    falls_back(tmp_path, by_hand, "no trusted record")


def test_an_embargo_ending_builds_the_whole_site(tmp_path: Path) -> None:
    falls_back(tmp_path, WORDS["body"], "became due", now="2024-12-20 10:00",
               before=lambda site: write_site(site, {"content/general/later.md": article(
                   "Later", "2024-12-20 09:00")}))


def test_a_checkout_with_new_file_times_is_made_from_rows(tmp_path: Path) -> None:
    """A CI job restores the state and the output, and checks the site out again: every
    file has a new time, one has new words."""
    site, out = write_site(tmp_path / "site", files()), tmp_path / "out"
    build(site, out)
    for path in (site / "content").rglob("*"):
        if path.is_file():
            path.write_bytes(path.read_bytes())
    WORDS["title with an alias"](site)
    result = build(site, out)
    assert result.from_rows > 0, result.whole
    assert_as_clean(site, out, tmp_path)
    assert build(site, out).nothing_changed


def test_a_build_stopped_after_it_kept_the_new_row_leaves_the_readers_to_the_next(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build killed once it kept the edited article's row (`edits.keep`), before the
    swap: the next build must still make again the pages that show the old title (the
    kill test found an output with the new title on the article's page and the old one
    in its readers' read-also blocks)."""
    from newsgen.incremental import partial

    site, out = write_site(tmp_path / "site", files()), tmp_path / "out"
    build(site, out)
    before = tree_digest(out)
    WORDS["title read by others"](site)

    def killed(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(partial, "load_pages", killed)
        with pytest.raises(KeyboardInterrupt):
            build_here(site, output=out, cache_dir=site / ".cache", now=NOW)
    assert tree_digest(out) == before
    result = build(site, out)
    assert "not the one the output was built from" in result.whole, result.whole
    assert_as_clean(site, out, tmp_path)


_EDITS = ("title", "summary", "body", "param")


def _word_edit(site: Path, rng: random.Random, step: int) -> None:
    """A title, summary, body or new field of a random article (`step`: this build's)."""
    path = rng.choice(sorted((site / "content").rglob("*.md")))
    text, what = path.read_text(), rng.choice(_EDITS)
    head, _, body = text.partition("\n---\n")
    if what == "title":
        head = head.replace("title: ", f"title: T{step} ", 1)
    elif what == "summary":
        head = "\n".join(line for line in head.split("\n") if not line.startswith("summary:"))
        head += f"\nsummary: Summary {step}"
    elif what == "param":
        head += f"\nkicker{step}x{rng.randrange(10**6)}: K{step}"
    else:
        body += f"\nMore text {step}.\n"
    path.write_text(f"{head}\n---\n{body}")


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), stable=st.booleans())
def test_random_word_edits_are_made_from_rows_as_clean_builds(
        tmp_path_factory: pytest.TempPathFactory, seed: int, stable: bool) -> None:
    tmp = tmp_path_factory.mktemp("words")
    site, out = write_site(tmp / "site", files(stable)), tmp / "out"
    rng = random.Random(seed)
    build(site, out)
    for step in range(6):
        for _ in range(rng.randint(1, 3)):
            _word_edit(site, rng, step)
        result = build(site, out)
        assert result.from_rows > 0, result.whole
        assert_as_clean(site, out, tmp)
