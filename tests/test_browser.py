"""Live reload and the error overlay, in a real browser: Playwright driving Debian's Chromium.

Never downloads a browser: it uses /usr/bin/chromium (installed by .ci/run with apt).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import CHROMIUM, article, write_site
from serverutil import free_port, serving

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


HEADLINE = "document.querySelector('h1') && document.querySelector('h1').innerText === '{}'"


def _shown(tab, shown: bool) -> None:  # type: ignore[no-untyped-def]
    """A tab hidden behind another, or shown again (as the browser tells a page)."""
    tab.evaluate(f"Object.defineProperty(document, 'hidden', {{value: {str(not shown).lower()}, "
                 "configurable: true}); document.dispatchEvent(new Event('visibilitychange'))")


def test_a_page_reloads_when_a_new_server_serves_its_port(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """After a restart the server counted versions from one again, and an open page, at
    a higher one, never reloaded: the page compares the server's run too."""
    root = site(tmp_path)
    port = free_port()
    page = browser.new_page()
    with serving(root, port=port) as srv:
        srv.wait_builds(1)
        page.goto(srv.base + "/general/story/")
        write_site(root, {"content/general/story.md": article("Second", "2024-12-18 10:00")})
        page.wait_for_function(HEADLINE.format("Second"), timeout=20000)
    write_site(root, {"content/general/story.md": article("After restart", "2024-12-18 10:00")})
    with serving(root, port=port) as srv:
        srv.wait_builds(1)
        page.wait_for_function(HEADLINE.format("After restart"), timeout=30000)
    page.close()


def test_hidden_tabs_leave_their_connections_to_the_shown_ones(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Each open tab held an event stream: six tabs took every connection a browser
    opens to one server, and a seventh page never loaded, nor did a reload. A hidden tab
    closes its stream, and shown again, reloads if the site changed meanwhile."""
    root = site(tmp_path)
    with serving(root) as srv:
        srv.wait_builds(1)
        context = browser.new_context()  # (one browser profile: one pool of connections)
        tabs = []
        for _ in range(6):
            tab = context.new_page()
            tab.goto(srv.base + "/general/story/")
            _shown(tab, False)
            tabs.append(tab)
        seventh = context.new_page()
        seventh.goto(srv.base + "/general/story/", timeout=15000)
        write_site(root, {"content/general/story.md": article("Edited", "2024-12-18 10:00")})
        seventh.wait_for_function(HEADLINE.format("Edited"), timeout=20000)
        assert tabs[0].locator("h1").inner_text() == "Original headline"
        _shown(tabs[0], True)
        tabs[0].wait_for_function(HEADLINE.format("Edited"), timeout=20000)
        context.close()

