"""The dev server's patch for a deleted article (newsgen.incremental.growing.shrink): the
article leaves its lists and the read-also fills it was in or near, instead of the
archive being linked again; the output and the diagnostics equal a clean build's,
also when the deletion must link the whole site (an article names it, its section or
a term goes with it or is written two ways), and for a translation, which leaves the
others of its story (more in test_relink_translate.py)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from conftest import article, write_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_relink import run, same_as_clean, site_files, started
from test_relink_add import archive_files

from newsgen.incremental.cache import BuildCache
from newsgen.incremental.linked import Linked


def _delete(site: Path, cache: BuildCache, rel: str) -> None:
    (site / rel).unlink()
    cache.changed = frozenset({rel})  # as the watcher tells the server


def test_a_deleted_article_is_patched_out_of_its_lists(tmp_path: Path) -> None:
    site, out, cache = started(tmp_path)
    first: Linked = cache.linked
    read = cache.read
    assert "Story 7" in (out / "economy/index.html").read_text(encoding="utf-8")

    _delete(site, cache, "content/economy/story-7.md")
    result, says = run(site, out, cache)
    assert result is not None and not says
    assert cache.linked is first and cache.read is read  # patched; nothing read again
    assert not (out / "economy/story-7").exists()
    assert "Story 7" not in (out / "economy/index.html").read_text(encoding="utf-8")
    assert "economy/story-7/" not in (out / "sitemap.xml").read_text(encoding="utf-8")
    assert 0 < result.rendered < result.pages and "en/index.html" not in result.changed
    same_as_clean(site, tmp_path, (result, says), "clean")

    # the only article of a tag and of a month: their pages go too
    write_site(site, {"content/general/lone.md": article(
        "Lone", "2024-11-05 10:00", tags="[a lone tag]")})
    cache.changed = frozenset({"content/general/lone.md"})
    run(site, out, cache)
    assert (out / "tags/a-lone-tag/index.html").exists()
    assert (out / "archive/2024/11/index.html").exists()
    _delete(site, cache, "content/general/lone.md")
    result, says = run(site, out, cache)
    assert cache.linked is first
    assert not (out / "tags/a-lone-tag").exists()
    assert not (out / "archive/2024/11").exists()
    same_as_clean(site, tmp_path, (result, says), "clean2")

    # one that another article names (story-0's related items): linked whole, and the
    # error a clean build gives
    _delete(site, cache, "content/economy/story-3.md")
    served = run(site, out, cache)
    assert served[0] is None and cache.linked is not first
    assert any("related: no article 'story-3'" in said for said in served[1])
    same_as_clean(site, tmp_path, served, "clean3")


def _pair(name: str, **fields: str) -> dict[str, str | bytes]:
    return {f"content/general/{name}.md": article(name.title(), "2024-12-14 10:00", **fields)}


DELETIONS = {  # a site, and the file deleted: each must equal a clean build
    "a translation": ({**_pair("pair", translation_key="p"),
                       **_pair("pair-en", translation_key="p", lang="en")},
                      "content/general/pair-en.md"),
    "the last of its section in its language": (
        {"content/culture/play.md": article("Play", "2024-12-14 10:00", "Culture")},
        "content/culture/play.md"),
    "a term written two ways": (
        {**_pair("a", tags="[Energy]"), **_pair("b", tags="[energy]")},
        "content/general/a.md"),
    "a section written two ways": (
        {"content/general/odd.md": article("Odd", "2024-12-14 10:00", "general")},
        "content/general/odd.md"),
    "a key another article has in other capitals": (
        {**_pair("story", lang="en"),
         "content/general/x.md": article("X", "2024-12-14 10:00", translation_key="Story")},
        "content/general/story.md"),
    "a body link to its file": (
        {**_pair("target"), **_pair("old", body="See [it](target.md).")},
        "content/general/target.md"),
    "a body link to it written as a folder": (  # (found as `target`: review 3)
        {**_pair("target"), **_pair("old", body="See [it](target/) and [again](./target.md/.).")},
        "content/general/target.md"),
    "its full URL among related items": (
        {**_pair("target"), **_pair("old", related="['https://relink.example/general/target/']")},
        "content/general/target.md"),
    "an article with an expiry": (
        _pair("brief", expirydate="2024-12-30 10:00"), "content/general/brief.md"),
    "the newest in a list page's boundary": (
        {**_pair("n1"), **_pair("n2"), **_pair("n3")}, "content/general/n2.md"),
}


@pytest.mark.parametrize("case", list(DELETIONS))
def test_a_deletion_equals_a_clean_build(tmp_path: Path, case: str) -> None:
    files, gone = DELETIONS[case]
    site = write_site(tmp_path / "site", {**site_files(), **files})
    cache = BuildCache(None)
    run(site, tmp_path / "served" / "out", cache)
    _delete(site, cache, gone)
    same_as_clean(site, tmp_path, run(site, tmp_path / "served" / "out", cache), "clean")


@settings(max_examples=3, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1))
def test_deletions_leave_the_fills_near_them_as_a_clean_build_finds_them(
        tmp_path_factory: pytest.TempPathFactory, seed: int) -> None:
    """Articles deleted one by one from the 80-article archive (fills of three), each
    patched out (none that another article names: that one is linked whole), each
    build equal to a clean one."""
    tmp = tmp_path_factory.mktemp("deleted")
    rng = random.Random(seed)
    site = write_site(tmp / "site", archive_files(rng))
    cache = BuildCache(None)
    assert run(site, tmp / "served" / "out", cache)[0] is not None
    for step in range(6):
        linked = cache.linked
        paths = sorted((site / "content").rglob("*.md"))
        named = {m for p in paths for m in re.findall(r"related: \[(story-\d+)\]",
                                                      p.read_text(encoding="utf-8"))}
        path = rng.choice([p for p in paths if p.stem not in named
                           and "lang: ru" not in p.read_text(encoding="utf-8")])
        _delete(site, cache, path.relative_to(site).as_posix())
        served = run(site, tmp / "served" / "out", cache)
        assert cache.linked is linked, path.name
        same_as_clean(site, tmp, served, f"clean{step}")


def test_a_file_beside_one_of_the_same_name_keeps_its_name_for_links(tmp_path: Path) -> None:
    """`x.md` beside `x.markdown`: a link to `x` names the first of them; with that one
    deleted, it names the other, in later patches too (review 3)."""
    site = write_site(tmp_path / "site", {**site_files(), **_pair(
        "x", translation_key="xshort"), "content/general/x.markdown": article(
            "X long", "2024-12-15 10:00", slug="x-long")})
    cache = BuildCache(None)
    run(site, tmp_path / "served" / "out", cache)
    _delete(site, cache, "content/general/x.markdown")
    same_as_clean(site, tmp_path, run(site, tmp_path / "served" / "out", cache), "clean")
    write_site(site, {"content/general/a.md": article("A", "2024-12-16 10:00",
                                                      body="See [it](x).")})
    cache.changed = frozenset({"content/general/a.md"})
    same_as_clean(site, tmp_path, run(site, tmp_path / "served" / "out", cache), "clean2")
