"""The dev server while the clock moves: whatever a build takes from the last one (a
patched site, a kept plan, kept fingerprints, kept warnings), it equals a clean build
made at the same moment. Each case here was found by a review of the server's fast
path; most were also wrong in `newsgen build` with nothing changed."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import article, build_here, newsgen, tree_digest, write_site

from newsgen.build import BuildResult
from newsgen.incremental.cache import BuildCache

BASE = "http://127.0.0.1:8000/"
CONFIG = "title: T\ndescription: d\nbase_url: https://x.example/\n"


def served(site: Path, cache: BuildCache, now: str, *changed: str,
           **options: object) -> tuple[BuildResult | None, list[str]]:
    """A build as `newsgen serve` makes it, told which files changed (as the watcher)."""
    if changed:
        cache.changed = frozenset(changed)
    result, reporter = build_here(site, cache=cache, output=site.parent / "served" / "out",
                                  now=now, preview=True, base_url=BASE,
                                  work_dir=site.parent / "served" / "work", **options)
    return result, sorted(d.format() for d in reporter.diagnostics)


def same_as_clean(site: Path, now: str, says: list[str], **options: object) -> None:
    clean, reporter = build_here(site, cache=BuildCache(None),
                                 output=site.parent / "clean" / "out", now=now, preview=True,
                                 base_url=BASE, work_dir=site.parent / "clean" / "work",
                                 **options)
    assert says == sorted(d.format() for d in reporter.diagnostics)
    assert clean is not None
    assert tree_digest(site.parent / "served" / "out") == tree_digest(
        site.parent / "clean" / "out")


def retitle(site: Path, rel: str, title: str) -> str:
    path = site / rel
    path.write_text(re.sub(r"(?m)^title: .*$", f"title: {title}", path.read_text()))
    return rel


def test_a_scheduled_article_loses_its_mark_when_its_time_comes(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": CONFIG,
        "content/general/a.md": article("A", "2024-12-18 10:00"),
        "content/general/soon.md": article("Soon", "2024-12-19 13:00"),
        "static/style.css": "body{}",
    })
    cache = BuildCache(None)
    first, _ = served(site, cache, "2024-12-19 12:00", future=True)
    page = site.parent / "served" / "out" / "general/soon/index.html"
    assert first is not None and "Scheduled" in page.read_text()
    (site / "static/style.css").write_text("body{color:red}")
    later, says = served(site, cache, "2024-12-19 14:00", "static/style.css", future=True)
    assert later is not None and "Scheduled" not in page.read_text()
    same_as_clean(site, "2024-12-19 14:00", says, future=True)


def test_a_far_future_warning_counts_the_days_left_and_ends(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": CONFIG + "checks: {far_future_days: 30}\n",
        "content/general/a.md": article("A", "2024-11-10 10:00"),
        "content/general/later.md": article("Later", "2025-02-01 10:00"),
    })
    cache = BuildCache(None)
    _, says = served(site, cache, "2024-12-19 12:00")
    assert any("43 days ahead" in s for s in says)
    _, says = served(site, cache, "2024-12-22 12:00",
                     retitle(site, "content/general/a.md", "A retitled"))
    assert any("40 days ahead" in s for s in says)
    same_as_clean(site, "2024-12-22 12:00", says)
    _, says = served(site, cache, "2025-01-10 12:00",
                     retitle(site, "content/general/a.md", "A again"))
    assert not any("ahead" in s for s in says)
    same_as_clean(site, "2025-01-10 12:00", says)


def test_an_article_leaves_the_news_sitemap_at_the_end_of_its_window(tmp_path: Path) -> None:
    """At exactly `date + news_sitemap.days` the article is out: the build made at that
    moment and every later one agree (the server's patch, and a build with nothing
    changed, both start from it)."""
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": CONFIG + "news_sitemap: {days: 2}\n",
        "content/general/a.md": article("A", "2024-12-21 09:00"),
        "content/general/b.md": article("B", "2024-12-20 10:00"),
    })
    cache = BuildCache(None)
    served(site, cache, "2024-12-22 10:00")
    news = site.parent / "served" / "out" / "news-sitemap.xml"
    assert "/general/a/" in news.read_text() and "/general/b/" not in news.read_text()
    _, says = served(site, cache, "2024-12-22 18:00",
                     retitle(site, "content/general/a.md", "A retitled"))
    same_as_clean(site, "2024-12-22 18:00", says)
    dist = tmp_path / "dist"
    for now in ("2024-12-22 09:59", "2024-12-22 10:00", "2024-12-22 18:00"):
        assert newsgen("build", "-s", str(site), "-o", str(dist), "--now", now).code == 0
        listed = "/general/b/" in (dist / "news-sitemap.xml").read_text()
        assert listed == (now == "2024-12-22 09:59"), now


def test_the_search_page_follows_the_index_parts_over_new_year(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": CONFIG + "search: true\n",
        "content/general/a.md": article("A", "2024-11-10 10:00", body="Alpha words."),
        "content/general/b.md": article("B", "2024-12-10 10:00", body="Beta words."),
        "static/style.css": "body{}",
    })
    cache = BuildCache(None)
    served(site, cache, "2024-12-31 23:50")
    (site / "static/style.css").write_text("body{color:red}")
    result, says = served(site, cache, "2025-01-01 00:10", "static/style.css")
    assert result is not None
    out = site.parent / "served" / "out"
    named = set(re.findall(r"pagefind/[0-9-]+/", (out / "search/index.html").read_text()))
    assert named == {"pagefind/2024/"}
    assert all((out / part).is_dir() for part in named)
    same_as_clean(site, "2025-01-01 00:10", says)


def test_a_rescan_after_a_new_file_keeps_keying_by_what_changed(tmp_path: Path) -> None:
    """After an article is added, later saves still key the build by the last key and
    what changed (no digest of every file's size and time)."""
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": CONFIG,
        **{f"content/general/a{i}.md": article(f"A{i}") for i in range(3)},
    })
    cache = BuildCache(None)
    served(site, cache, "2024-12-19 12:00")
    keys = [cache.tree.key]
    (site / "content/general/new.md").write_text(article("New"))
    served(site, cache, "2024-12-19 12:00", "content/general/new.md")
    keys.append(cache.tree.key)
    _, says = served(site, cache, "2024-12-19 12:00",
                     retitle(site, "content/general/a1.md", "A1 again"))
    keys.append(cache.tree.key)
    assert all(keys) and len(set(keys)) == 3
    same_as_clean(site, "2024-12-19 12:00", says)
