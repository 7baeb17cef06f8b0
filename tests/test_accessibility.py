"""axe-core (Deque's accessibility engine, bundled by axe-playwright-python) run in
Debian's Chromium on the pages of the bundled example site and of a Turkmen one, in the
light and the dark color scheme: no violation of WCAG A or AA rules."""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import CHROMIUM, NOW, SITES, newsgen

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason=f"{CHROMIUM} is not installed"),
]

EXAMPLE = Path(__file__).resolve().parent.parent
PAGES = {
    # home, a section, an article with a table and a lead image, tags, search, a 404
    "example": ["/", "/economy/", "/economy/bazaar-prices/", "/tags/", "/search/",
                "/404.html"],
    "multilang": ["/umumy/sapar/", "/en/"],
}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib's name
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    urls: dict[str, str] = {}
    servers = []
    for name in PAGES:
        site = tmp_path_factory.mktemp(name) / "site"
        if name == "example":
            for part in ("content", "static", "templates", "newsgen.yaml"):
                copy = shutil.copytree if (EXAMPLE / part).is_dir() else shutil.copy
                copy(EXAMPLE / part, site / part)
        else:
            shutil.copytree(SITES / name, site)
        now = "2025-01-26 12:00" if name == "example" else NOW
        run = newsgen("build", "-s", site, "--now", now, "--base-url", "/")
        assert run.code == 0, run.err
        handler = functools.partial(_Quiet, directory=str(site / "dist"))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        urls[name] = f"http://127.0.0.1:{server.server_address[1]}"
    yield urls
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_have_no_accessibility_violations(browser, served: dict[str, str],  # type: ignore[no-untyped-def]
                                                scheme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    page = browser.new_page(color_scheme=scheme)
    found: list[str] = []
    try:
        for site, paths in PAGES.items():
            for path in paths:
                page.goto(served[site] + path)
                if path == "/search/":  # Pagefind's interface, made by the page's script
                    page.wait_for_selector("input.pagefind-ui__search-input")
                results = axe.run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
                for v in results.response["violations"]:
                    targets = [" ".join(map(str, n["target"])) for n in v["nodes"][:3]]
                    found.append(f"{site}{path} ({scheme}): {v['id']} [{v['impact']}] "
                                 f"{v['help']}: {targets}")
    finally:
        page.close()
    assert not found, "\n".join(found)
