"""A page made from the rows its last build recorded (newsgen.incremental.partial) renders
the same bytes and has the same fingerprint as the page the build wrote from the whole
site; or it says it cannot be made (`Partial`), never a different page."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import NOW, build_here, write_site
from test_rows import files

from newsgen.errors import Reporter
from newsgen.incremental.cache import BuildCache
from newsgen.incremental.fingerprint import Fingerprints
from newsgen.incremental.partial import Rows, load_pages
from newsgen.model.lists import Partial
from newsgen.parse.dates import parse_date
from newsgen.stages import images
from newsgen.stages.kinds import KINDS
from newsgen.stages.render import Renderer, make_environment

SITES = Path(__file__).parent / "sites"
# Pages that read past what rows hold: every page of the site, every entry's search part.
REFUSED = {"sitemap", "sitemap-index", "search"}


def _built(root: Path) -> tuple[Path, Path, object]:
    out, cache = root / "dist", root / ".state"
    result, reporter = build_here(root, output=out, cache_dir=cache)
    assert result is not None, [d.format() for d in reporter.diagnostics]
    return out, cache, result.site


def _check_every_page(root: Path) -> int:
    """Each page of the built site made from rows alone, one at a time, compared with what
    the build wrote and recorded; the number of pages compared."""
    out, cache, full = _built(root)
    key = "from-state:" + os.path.relpath(out, os.path.realpath(cache))
    db = sqlite3.connect(cache / "state.sqlite")
    state = BuildCache.load(cache, Reporter(), root)
    try:
        recorded = dict(db.execute("SELECT path, print FROM pages WHERE dir = ?",
                                   (key,)))
        kinds = {path: kind for path, kind in _kinds(db, key)}
        imageset = images.process(full, None, Reporter(), ())  # type: ignore[arg-type]
        env = make_environment(root)
        config, assets = full.config, full.assets  # type: ignore[attr-defined]
        now = parse_date(NOW, config.tz)
        assert now is not None
        compared = 0
        for path in sorted(recorded):
            try:
                made = load_pages(Rows(db, key), config, now, assets, [path])
                site, (page,) = made.site, made.pages
                renderer = Renderer(site, env, made.pages, imageset.info,
                                    bodies=state.body_store())
                body = renderer.render(page)
                ls = {x.lang.code: x for x in site.languages}[page.lang]
                print_ = Fingerprints(site, renderer, env, imageset.info,
                                      made.contents).page(page, ls)
            except Partial:
                assert kinds[path] in REFUSED, f"{path} ({kinds[path]}) refused"
                continue
            assert body == (out / path).read_bytes(), f"{path} renders otherwise from rows"
            assert print_ == recorded[path], f"{path}: another fingerprint from rows"
            compared += 1
        return compared
    finally:
        state.close()
        db.close()


def _kinds(db: sqlite3.Connection, key: str) -> list[tuple[str, str]]:
    from newsgen.incremental.database import load

    return [(path, load(data)[0]) for path, data in
            db.execute("SELECT path, data FROM page_rows WHERE dir = ?", (key,))]


@pytest.mark.parametrize("stable", [False, True])
def test_every_page_of_the_incremental_site_from_rows(tmp_path: Path, stable: bool) -> None:
    """A translation, an alias, read-also items by URL (one another language's), fills;
    with `stable`, stable pages and a news sitemap."""
    root = write_site(tmp_path / "site", files(stable))
    assert _check_every_page(root) > 40


@pytest.mark.parametrize("name", ["multilang", "basic", "stable-pages", "archive-layout"])
def test_every_page_of_a_fixture_site_from_rows(tmp_path: Path, name: str) -> None:
    root = tmp_path / name
    shutil.copytree(SITES / name, root)
    shutil.rmtree(root / "dist", ignore_errors=True)
    assert _check_every_page(root) > 5


def test_a_sitemap_is_refused(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", files())
    out, cache, full = _built(root)
    key = "from-state:" + os.path.relpath(out, os.path.realpath(cache))
    db = sqlite3.connect(cache / "state.sqlite")
    try:
        with pytest.raises(Partial):
            load_pages(Rows(db, key), full.config, full.now, full.assets,  # type: ignore[attr-defined]
                       ["sitemap.xml"])
        with pytest.raises(Partial, match="no rows"):
            load_pages(Rows(db, key), full.config, full.now, full.assets,  # type: ignore[attr-defined]
                       ["no/such/page/index.html"])
    finally:
        db.close()


def test_kinds_refused_are_the_whole_site_ones() -> None:
    """Every kind but those REFUSED is made from rows (the tests above render them)."""
    assert {k for k, kind in KINDS.items() if kind.whole_site} <= REFUSED
