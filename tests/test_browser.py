"""Live reload and the error overlay, in a real browser: Playwright driving Debian's Chromium.

Never downloads a browser: it uses /usr/bin/chromium (installed by .ci/run with apt).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import CHROMIUM, article, write_site
from serverutil import serving

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason=f"{CHROMIUM} is not installed"),
]


def site(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", {
        "newsgen.yaml": "title: Live\n",
        "content/general/story.md": article("Original headline", "2024-12-18 10:00",
                                            body="First version."),
        "static/assets/newsgen.css": "body { background: rgb(255, 255, 255); }",
    })


def test_page_reloads_by_itself_after_an_edit(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = site(tmp_path)
    with serving(root) as srv:
        srv.wait_builds(1)
        page = browser.new_page()
        page.goto(srv.base + "/general/story/")
        assert page.locator("h1").inner_text() == "Original headline"
        page.evaluate("window.__marker = 'still the same document'")
        write_site(root, {"content/general/story.md": article("Edited headline",
                                                              "2024-12-18 10:00")})
        page.wait_for_function(
            "document.querySelector('h1') && "
            "document.querySelector('h1').innerText === 'Edited headline'", timeout=20000)
        # A full reload: the old document's state is gone.
        assert page.evaluate("window.__marker === undefined")
        # A template edit shows up the same way.
        write_site(root, {"templates/read_also.html":
                          '<aside class="read-also"><h2 id="custom">Also</h2></aside>'})
        page.wait_for_selector("#custom", timeout=20000)
        page.close()


def test_css_change_refreshes_styles_without_reload(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = site(tmp_path)
    with serving(root) as srv:
        srv.wait_builds(1)
        page = browser.new_page()
        page.goto(srv.base + "/general/story/")
        page.evaluate("window.__marker = 'kept'")
        write_site(root, {"static/assets/newsgen.css": "body { background: rgb(1, 2, 3); }"})
        page.wait_for_function(
            "getComputedStyle(document.body).backgroundColor === 'rgb(1, 2, 3)'",
            timeout=20000)
        assert page.evaluate("window.__marker") == "kept"
        page.close()


def test_error_overlay_appears_and_clears(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = site(tmp_path)
    with serving(root) as srv:
        srv.wait_builds(1)
        page = browser.new_page()
        other = browser.new_page()
        page.goto(srv.base + "/general/story/")
        other.goto(srv.base + "/")
        (root / "content/general/story.md").write_text(
            "---\ntitle: <b>Broken</b>\ndate: 2024-13-45\nsection: General\n---\nx\n")
        for tab in (page, other):
            tab.wait_for_selector("#newsgen-error-overlay", timeout=20000)
            text = tab.locator("#newsgen-error-overlay").inner_text()
            assert "content/general/story.md:3: error: date: '2024-13-45' is not a date" in text
        # The last good page is still there under the overlay.
        assert page.locator("h1").first.inner_text() == "Original headline"
        # A new tab opened while the site is broken shows the overlay at once.
        late = browser.new_page()
        late.goto(srv.base + "/general/story/")
        late.wait_for_selector("#newsgen-error-overlay", timeout=20000)
        # Error text is text: no element was created from it.
        assert page.locator("#newsgen-error-overlay b").count() == 0
        write_site(root, {"content/general/story.md": article("Fixed headline",
                                                              "2024-12-18 10:00")})
        for tab in (page, other, late):
            tab.wait_for_selector("#newsgen-error-overlay", state="detached", timeout=20000)
        page.wait_for_function("document.querySelector('h1').innerText === 'Fixed headline'",
                               timeout=20000)
        for tab in (page, other, late):
            tab.close()
