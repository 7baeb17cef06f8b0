"""axe-core (Deque's accessibility engine, bundled by axe-playwright-python) run in
Debian's Chromium on the pages of the bundled example site and of a Turkmen one, in the
light and the dark color scheme: no violation of WCAG A or AA rules, or of axe's best
practices."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from conftest import CHROMIUM
from serverutil import built_and_served

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason=f"{CHROMIUM} is not installed"),
]

PAGES = {
    # home, a section, an article with a table and a lead image, tags, search, a 404
    "example": ["/", "/economy/", "/economy/bazaar-prices/", "/tags/", "/search/",
                "/404.html"],
    "multilang": ["/umumy/sapar/", "/en/"],
}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    with built_and_served(tmp_path_factory, PAGES) as urls:
        yield urls


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
