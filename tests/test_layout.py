"""The theme's layout in Chromium, at a laptop's width (1366 px) and a phone's (390 px):
the home page, a section, an article and a Turkmen article. Each page is screenshotted
(kept under the test's temporary folder, to look at) and checked for gross faults: a
page wider than the window, cards that overlap, navigation that does not start where
the content does, a photo credit run into its caption."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CHROMIUM
from serverutil import built_and_served

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason=f"{CHROMIUM} is not installed"),
]

WIDTHS = {"laptop": (1366, 900), "phone": (390, 844)}
PAGES = {
    "basic": ["/", "/general/", "/general/visit/"],
    "multilang": ["/umumy/sapar/"],
    "example": ["/economy/bazaar-prices/"],  # the bundled site (a wide table)
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    with built_and_served(tmp_path_factory, PAGES) as urls:
        yield urls


GEOMETRY = """() => {
  const box = e => e.getBoundingClientRect();
  const main = document.querySelector("main");
  const style = getComputedStyle(main);
  const cards = [...document.querySelectorAll("main .card")].map(box);
  let overlaps = 0;
  for (let i = 0; i < cards.length; i++)
    for (let j = i + 1; j < cards.length; j++) {
      const a = cards[i], b = cards[j];
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 1 && h > 1) overlaps++;
    }
  const first = document.querySelector(".sections li");
  const caption = document.querySelector("figcaption .caption, figcaption > span:not(.credit)");
  const credit = document.querySelector("figcaption .credit");
  return {
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    overlaps: overlaps,
    cards: cards.length,
    contentLeft: box(main).left + parseFloat(style.paddingLeft),
    navLeft: first ? box(first).left : null,
    creditBelow: credit && caption ? box(credit).top >= box(caption).bottom - 1 : null,
  };
}"""


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_pages_lay_out_at_laptop_and_phone_widths(browser, served: dict[str, str],  # type: ignore[no-untyped-def]
                                                  width: str, tmp_path: Path) -> None:
    w, h = WIDTHS[width]
    page = browser.new_page(viewport={"width": w, "height": h})
    try:
        for site, paths in PAGES.items():
            for path in paths:
                page.goto(served[site] + path)
                shot = tmp_path / f"{site}{path.replace('/', '_')}{width}.png"
                page.screenshot(path=str(shot), full_page=True)
                assert shot.stat().st_size > 1000
                g = page.evaluate(GEOMETRY)
                where = f"{site}{path} at {w}px"
                assert g["overflow"] <= 0, f"{where}: {g['overflow']}px wider than the window"
                assert g["overlaps"] == 0, f"{where}: cards overlap"
                if g["navLeft"] is not None and width == "laptop":
                    assert abs(g["navLeft"] - g["contentLeft"]) <= 1, (
                        f"{where}: the navigation starts at {g['navLeft']}px, "
                        f"the content at {g['contentLeft']}px")
                if g["creditBelow"] is not None:
                    assert g["creditBelow"], f"{where}: the photo credit runs into the caption"
    finally:
        page.close()


def test_a_section_with_one_story_fills_its_row(browser, served: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """A home-page block with a single story: its card spans the content's width, not
    one column of three."""
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    try:
        page.goto(served["basic"] + "/")
        widths = page.evaluate("""() => [...document.querySelectorAll('.section-block')]
            .map(b => [b.querySelectorAll('.card').length,
                       b.querySelector('.cards').getBoundingClientRect().width,
                       b.querySelector('.card').getBoundingClientRect().width])""")
    finally:
        page.close()
    assert widths, "the fixture's home page has section blocks"
    for count, row, card in widths:
        if count == 1:
            assert card > row * 0.9, (count, row, card)
        elif count == 2:
            assert card > row * 0.4, (count, row, card)
