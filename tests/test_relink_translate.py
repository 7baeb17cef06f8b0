"""The dev server's patches for translations (newsgen.incremental.growing.siblings): a
published article that shares its `translation_key` (written, or from its path) with
articles of other languages joins them, each showing the others, instead of the
archive being linked again; a deleted one leaves them, and one moved in its lists (a
new date, new tags) stays with them. The output and the diagnostics equal a clean
build's, also when the change must link the whole site (a second translation in one
language, a key in other capitals, a key of a scheduled article, a typo warning that
comes or goes)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from conftest import article, write_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_relink import random_save, run, same_as_clean, site_files, snapshot
from test_relink_add import moved_article

from newsgen.incremental.cache import BuildCache
from newsgen.incremental.linked import Linked

RU = "  ru:\n    title: Relink Russian\n    description: Saves\n"


def trilingual() -> dict[str, str | bytes]:
    """`site_files` with a third language, Russian: story-2 and story-4 have a Turkmen and
    an English version (`pair-2`, `pair-4`), story-6 only its Turkmen one, written with a
    key of its own (`visit-6`); a Turkmen article is scheduled for later (`later`), and
    a Russian one has no translation."""
    files = site_files()
    files["newsgen.yaml"] = str(files["newsgen.yaml"]) + RU
    files["content/general/story-6.md"] = article(
        "Story 6", "2024-12-07 10:00", "General", tags="[port]", translation_key="visit-6")
    files["content/general/later.md"] = article("Later", "2024-12-30 10:00",
                                                translation_key="later")
    files["content/general/novosti.ru.md"] = article("Новости", "2024-12-10 10:00")
    return files


def _started(tmp: Path) -> tuple[Path, Path, BuildCache]:
    site = write_site(tmp / "site", trilingual())
    out = tmp / "served" / "out"
    cache = BuildCache(None)
    assert run(site, out, cache)[0] is not None
    return site, out, cache


def _add(site: Path, cache: BuildCache, rel: str, text: str) -> tuple[object, list[str]]:
    write_site(site, {rel: text})
    cache.changed = frozenset({rel})  # as the watcher tells the server
    return run(site, site.parent / "served" / "out", cache)


def test_a_new_translation_joins_its_siblings_without_linking_the_archive(
        tmp_path: Path) -> None:
    site, out, cache = _started(tmp_path)
    first: Linked = cache.linked

    # the Russian version of pair-2: the Turkmen and the English one list it, it them
    served = _add(site, cache, "content/general/story-2-ru.md", article(
        "История 2", "2024-12-03 12:00", "General", lang="ru", translation_key="pair-2"))
    assert served[0] is not None and cache.linked is first  # patched, not linked again
    ru = (out / "ru/general/story-2-ru/index.html").read_text(encoding="utf-8")
    assert 'hreflang="tk"' in ru and 'hreflang="en"' in ru
    for page in ("general/story-2/index.html", "en/general/story-2-en/index.html"):
        assert 'hreflang="ru" href="http://127.0.0.1:8000/ru/general/story-2-ru/"' in (
            out / page).read_text(encoding="utf-8")
    same_as_clean(site, tmp_path, served, "clean")

    # an English version of story-6 by its written key; then one by its path (story-0's)
    served = _add(site, cache, "content/general/visit.md", article(
        "The visit", "2024-12-07 11:00", "General", lang="en", translation_key="visit-6"))
    assert cache.linked is first
    assert 'hreflang="en"' in (out / "general/story-6/index.html").read_text(encoding="utf-8")
    same_as_clean(site, tmp_path, served, "clean2")
    served = _add(site, cache, "content/general/story-0.ru.md", article(
        "История 0", "2024-12-01 12:00", "General"))
    assert cache.linked is first
    assert 'hreflang="ru"' in (out / "general/story-0/index.html").read_text(encoding="utf-8")
    same_as_clean(site, tmp_path, served, "clean3")

    # a save of a translation after the patch keeps the group
    served = _add(site, cache, "content/general/story-2-ru.md", article(
        "История 2, исправлено", "2024-12-03 12:00", "General", lang="ru",
        translation_key="pair-2"))
    assert cache.linked is first
    assert "История 2, исправлено" in (out / "en/general/story-2-en/index.html").read_text(
        encoding="utf-8")
    same_as_clean(site, tmp_path, served, "clean4")


def test_a_deleted_translation_leaves_its_siblings_without_linking_the_archive(
        tmp_path: Path) -> None:
    site, out, cache = _started(tmp_path)
    _add(site, cache, "content/general/story-2-ru.md", article(
        "История 2", "2024-12-03 12:00", "General", lang="ru", translation_key="pair-2"))
    first: Linked = cache.linked

    (site / "content/general/story-2-en.md").unlink()
    cache.changed = frozenset({"content/general/story-2-en.md"})
    served = run(site, out, cache)
    assert cache.linked is first  # patched: the Turkmen and Russian versions remain
    tk = (out / "general/story-2/index.html").read_text(encoding="utf-8")
    assert "/ru/general/story-2-ru/" in tk and "/en/general/story-2-en/" not in tk
    same_as_clean(site, tmp_path, served, "clean")

    (site / "content/general/story-2-ru.md").unlink()  # the last: story-2 has none
    cache.changed = frozenset({"content/general/story-2-ru.md"})
    served = run(site, out, cache)
    assert cache.linked is first
    assert "/ru/general/story-2-ru/" not in (out / "general/story-2/index.html").read_text(
        encoding="utf-8")
    same_as_clean(site, tmp_path, served, "clean2")


def test_a_deleted_translation_that_leaves_a_key_mistyped_links_the_whole_site(
        tmp_path: Path) -> None:
    """`pairs-4`, one letter off `pair-4`, has a Russian and an English version: once the
    English one is deleted, the Russian one's key is shared by no other, and a warning
    asks whether it meant `pair-4`."""
    site = write_site(tmp_path / "site", {**trilingual(), **{
        "content/general/x.md": article("X", "2024-12-11 10:00", lang="ru",
                                        translation_key="pairs-4"),
        "content/general/y.md": article("Y", "2024-12-11 10:00", lang="en",
                                        translation_key="pairs-4")}})
    out = tmp_path / "served" / "out"
    cache = BuildCache(None)
    run(site, out, cache)
    first = cache.linked
    (site / "content/general/y.md").unlink()
    cache.changed = frozenset({"content/general/y.md"})
    served = run(site, out, cache)
    assert cache.linked is not first
    assert any("did you mean 'pair-4'?" in d for d in served[1])
    same_as_clean(site, tmp_path, served, "clean")


def test_a_translation_moved_in_its_lists_keeps_its_siblings(tmp_path: Path) -> None:
    """A new date or new tags for an article with translations: patched, each of them
    showing its new entry; unless the move makes a typo warning come or go (the digit
    rule: a key one digit off a key of articles published within two days)."""
    site, out, cache = _started(tmp_path)
    write_site(site, {
        "content/general/trip.md": article("Trip", "2024-12-06 10:00",
                                           translation_key="trip-2024-12-06"),
        "content/general/trip-en.md": article("Trip", "2024-12-06 11:00", lang="en",
                                              translation_key="trip-2024-12-06"),
        "content/general/trip-ru.md": article("Поездка", "2024-12-05 10:00", lang="ru",
                                              translation_key="trip-2024-12-05")})
    cache.changed = frozenset({"content/general/trip.md", "content/general/trip-en.md",
                               "content/general/trip-ru.md"})
    says = run(site, out, cache)[1]
    assert any("did you mean 'trip-2024-12-06'?" in d for d in says)
    first: Linked = cache.linked

    served = _add(site, cache, "content/general/story-4-en.md", article(  # pair-4's
        "Story 4 in English", "2024-12-09 11:00", "General", lang="en",
        translation_key="pair-4", tags="[port]", body="English words."))
    assert cache.linked is first
    assert "/en/general/story-4-en/" in (out / "general/story-4/index.html").read_text(
        encoding="utf-8")
    same_as_clean(site, tmp_path, served, "clean")

    served = _add(site, cache, "content/general/trip.md", article(  # trip-en stays near
        "Trip", "2024-12-15 10:00", translation_key="trip-2024-12-06"))
    assert cache.linked is first
    same_as_clean(site, tmp_path, served, "clean2")

    served = _add(site, cache, "content/general/trip-en.md", article(  # no longer
        "Trip", "2024-12-15 11:00", lang="en", translation_key="trip-2024-12-06"))
    assert cache.linked is not first
    assert not any("did you mean 'trip-2024-12-06'?" in d for d in served[1])
    same_as_clean(site, tmp_path, served, "clean3")


def test_a_moved_article_keeps_the_warning_on_its_mistyped_key(tmp_path: Path) -> None:
    """Its key, one letter off pair-2, is shared by no other article: the warning asking
    for pair-2 is said again by the patch that moves it (review 2)."""
    files = trilingual()
    files["content/general/typo.md"] = article("Typo", "2024-12-03 12:00", lang="ru",
                                               translation_key="pairs-2")
    site = write_site(tmp_path / "site", files)
    out = tmp_path / "served" / "out"
    cache = BuildCache(None)
    assert any("did you mean 'pair-2'?" in d for d in run(site, out, cache)[1])
    first = cache.linked
    served = _add(site, cache, "content/general/typo.md", article(
        "Typo", "2024-12-04 12:00", lang="ru", translation_key="pairs-2", tags="[port]"))
    assert cache.linked is first
    assert any("did you mean 'pair-2'?" in d for d in served[1])
    same_as_clean(site, tmp_path, served, "clean")


def test_a_translation_moved_and_retitled_that_a_sibling_links_by_url(
        tmp_path: Path) -> None:
    """The Russian version links the Turkmen one by its full URL in its read-also block;
    a save gives the Turkmen one a new date and title: the Russian block is made again,
    and the Turkmen article is listed once, under its new title."""
    files = trilingual()
    files["content/general/story-2-ru.md"] = article(
        "История 2", "2024-12-03 12:00", "General", lang="ru", translation_key="pair-2",
        related="['http://127.0.0.1:8000/general/story-2/']")
    site = write_site(tmp_path / "site", files)
    out = tmp_path / "served" / "out"
    cache = BuildCache(None)
    run(site, out, cache)
    first = cache.linked
    served = _add(site, cache, "content/general/story-2.md", article(
        "Story 2 renamed", "2024-12-02 10:00", "General", tags="[football, energy]",
        translation_key="pair-2"))
    assert cache.linked is first and served[0] is not None
    assert "Story 2 renamed" in (out / "ru/general/story-2-ru/index.html").read_text(
        encoding="utf-8")
    same_as_clean(site, tmp_path, served, "clean")


def test_a_slug_named_in_another_language_is_looked_up_in_that_one_first(
        tmp_path: Path) -> None:
    """A translation shares its sibling's slug (`x.md`, `x.ru.md`): an article naming
    that slug finds the one of its own language, so the new one is patched; unless its
    language has none, and its item's warning names the languages that have it."""
    site, out, cache = _started(tmp_path)
    write_site(site, {
        "content/general/namer.md": article("Namer", "2024-12-11 10:00",
                                            related="[story-0]"),
        "content/general/namer-en.md": article("Namer", "2024-12-11 10:00", lang="en",
                                               related="[story-6]")})
    cache.changed = frozenset({"content/general/namer.md", "content/general/namer-en.md"})
    says = run(site, out, cache)[1]
    assert any("'story-6' exists only in another language (tk)" in d for d in says)
    first: Linked = cache.linked

    served = _add(site, cache, "content/general/story-0.ru.md", article(
        "История 0", "2024-12-01 12:00", "General"))
    assert cache.linked is first  # the Turkmen item still finds the Turkmen story-0
    assert 'href="/general/story-0/"' in (out / "general/namer/index.html").read_text(
        encoding="utf-8")
    same_as_clean(site, tmp_path, served, "clean")

    served = _add(site, cache, "content/general/story-6.ru.md", article(
        "История 6", "2024-12-07 12:00", "General"))
    assert cache.linked is not first  # the English item's warning now names ru too
    assert any("'story-6' exists only in another language (ru, tk)" in d for d in served[1])
    same_as_clean(site, tmp_path, served, "clean2")


def test_an_item_found_only_in_other_languages_names_the_same_article_when_patched(
        tmp_path: Path) -> None:
    """Its warning names the first of those articles by path, not the first the server's
    lookups hold (a patch adds a new article's slug at their end)."""
    site, out, cache = _started(tmp_path)
    first: Linked = cache.linked
    _add(site, cache, "content/general/story-0.en.md", article(
        "Story 0 in English", "2024-12-01 12:00", "General"))
    served = _add(site, cache, "content/general/asks.md", article(
        "Asks", "2024-12-12 10:00", lang="ru", related="[story-0]"))
    assert cache.linked is first
    assert any("'story-0' exists only in another language (en, tk): "
               "content/general/story-0.en.md;" in d for d in served[1])
    same_as_clean(site, tmp_path, served, "clean")


@pytest.mark.parametrize(("rel", "text"), [
    # a second English version of pair-4: an error, as a clean build says
    ("content/general/again.md", article("Again", "2024-12-05 12:00", lang="en",
                                         translation_key="pair-4")),
    # pair-4 in other capitals: no translation, and a warning names the other
    ("content/general/cased.md", article("Cased", "2024-12-05 12:00", lang="ru",
                                         translation_key="Pair-4")),
    # a key one letter off pair-4 that no other shares: a warning asks for pair-4
    ("content/general/typo.md", article("Typo", "2024-12-05 12:00", lang="ru",
                                        translation_key="pairs-4")),
    # the Russian version of pair-2 ends the warning that story-8's pairs-2 meant pair-2
    ("content/general/ends-typo.md", article("Ends", "2024-12-03 12:00", lang="ru",
                                             translation_key="pair-2")),
    # a translation of an article scheduled for later
    ("content/general/of-later.md", article("Of later", "2024-12-05 12:00", lang="en",
                                            translation_key="later")),
])
def test_a_new_translation_that_changes_more_links_the_whole_site(
        tmp_path: Path, rel: str, text: str) -> None:
    files = trilingual()
    if "ends-typo" in rel:  # a Russian article whose key no other shares, one letter off
        files["content/general/story-8.ru.md"] = article(  # pair-2: a warning
            "История 8", "2024-12-09 10:00", "General", translation_key="pairs-2")
    site = write_site(tmp_path / "site", files)
    out = tmp_path / "served" / "out"
    cache = BuildCache(None)
    says = run(site, out, cache)[1]
    assert any("did you mean 'pair-2'" in d for d in says) == ("ends-typo" in rel)
    first = cache.linked
    served = _add(site, cache, rel, text)
    assert cache.linked is not first  # linked whole
    same_as_clean(site, tmp_path, served, "clean")


def _new_translation(site: Path, rng: random.Random, n: int) -> str:
    """A new file in one of three languages, often sharing a key: written (a group's, one
    in other capitals, one a letter off, a new one) or from its path (`x.ru.md`, which
    shares its slug too); some name an article by its slug."""
    lang = rng.choice(["tk", "en", "ru"])
    fields = {"lang": lang} if lang != "tk" else {}
    if rng.random() < 0.3:
        base = rng.choice(sorted((site / "content").rglob("story-?.md"))).name[:-3]
        name, fields = f"{base}.{rng.choice(['en', 'ru'])}.md", {}
    else:
        name = f"new-{n}.md"
        fields["translation_key"] = rng.choice(
            ["pair-2", "pair-4", "Pair-4", "pairs-4", "visit-6", "fresh-1", "later"])
    if rng.random() < 0.3:  # an item by slug (its language's article, else another's), or
        n = rng.choice([0, 2, 6])  # by full URL (another language's article is linked so)
        fields["related"] = rng.choice([f"[story-{n}]",
                                         f"['http://127.0.0.1:8000/general/story-{n}/']"])
    day = rng.choice([3, 5, 12, 19])
    (site / "content/general" / name).write_text(article(
        f"New {n}", f"2024-12-{day:02d} 1{n % 10}:00", "General",
        tags=rng.choice(["[port]", "[energy, port]", "[]"]), **fields), encoding="utf-8")
    return "translation"


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1))
def test_new_translations_equal_a_clean_build(
        tmp_path_factory: pytest.TempPathFactory, seed: int) -> None:
    tmp = tmp_path_factory.mktemp("translate")
    site = write_site(tmp / "site", trilingual())
    rng = random.Random(seed)
    cache = BuildCache(None)
    run(site, tmp / "served" / "out", cache)
    patched = 0
    for step in range(6):
        files_before = snapshot(site)
        linked = cache.linked
        roll = rng.random()
        if roll < 0.6:
            what = _new_translation(site, rng, step)
        elif roll < 0.75:
            rng.choice(sorted((site / "content").rglob("*.md"))).unlink()
            what = "deleted"
        elif roll < 0.85:
            what = moved_article(site, rng)
        else:
            what = random_save(site, rng)
        now = snapshot(site)
        cache.changed = frozenset(rel for rel in files_before.keys() | now.keys()
                                  if files_before.get(rel) != now.get(rel))
        served = run(site, tmp / "served" / "out", cache)
        patched += what == "translation" and cache.linked is linked
        same_as_clean(site, tmp, served, f"clean{step}")
