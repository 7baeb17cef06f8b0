"""End to end: tests/sites/basic built through the CLI, the HTML parsed and checked."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from urllib.parse import urlsplit

from conftest import NOW, article, newsgen, soup, write_site
from PIL import Image


def test_expected_paths_exist(basic_build: Path) -> None:
    for rel in [
        "index.html",
        "general/index.html",
        "general/page/2/index.html",
        "general/visit/index.html",
        "general/photo.png",
        "economy/investment-forum/index.html",
        "sport/football-final/index.html",
        "tags/energy/index.html",
        "tags/index.html",
        "authors/staff-correspondent/index.html",
        "authors/ayna-berdiyewa/index.html",
        "feed.xml",
        "general/feed.xml",
        "sitemap.xml",
        "news-sitemap.xml",
        "robots.txt",
        "404.html",
        "assets/newsgen.css",
    ]:
        assert (basic_build / rel).is_file(), rel


def test_drafts_future_and_ignored_files_are_left_out(basic_build: Path) -> None:
    assert not (basic_build / "sport/secret-transfer").exists()
    assert not (basic_build / "sport/embargoed").exists()
    assert not (basic_build / "sport/ignored").exists()
    assert not (basic_build / "hidden").exists()
    everything = " ".join(p.read_text("utf-8") for p in basic_build.rglob("*.html"))
    assert "Secret transfer" not in everything
    assert "Embargoed match report" not in everything


def test_article_page_hooks(basic_build: Path) -> None:
    page = soup(basic_build / "general/visit/index.html")
    assert page.html["lang"] == "en"
    h1s = page.find_all("h1")
    assert [h.get_text(strip=True) for h in h1s] == ["Ambassador visits the western region"]
    time = page.find("article").find("time")
    # 10:30 in Asia/Ashgabat, written without a zone, keeps its offset.
    assert time["datetime"] == "2024-12-18T10:30:00+05:00"
    body = page.find("article")
    assert "The ambassador arrived on Wednesday" in body.get_text()
    canonical = page.find("link", rel="canonical")
    assert canonical["href"] == "https://fixture.example/general/visit/"
    og = {m["property"]: m["content"] for m in page.find_all("meta", property=True)}
    assert og["og:type"] == "article"
    assert og["og:title"] == "Ambassador visits the western region"
    assert og["og:image"] == "https://fixture.example/general/photo.png"
    assert og["article:published_time"] == "2024-12-18T10:30:00+05:00"


def test_json_ld_is_a_complete_news_article(basic_build: Path) -> None:
    page = soup(basic_build / "general/visit/index.html")
    data = json.loads(page.find("script", type="application/ld+json").string)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Ambassador visits the western region"
    assert data["datePublished"] == "2024-12-18T10:30:00+05:00"
    assert data["dateModified"] == "2024-12-18T10:30:00+05:00"
    assert data["author"] == [{"@type": "Person", "name": "Staff correspondent",
                               "url": "https://fixture.example/authors/staff-correspondent/"}]
    assert data["articleSection"] == "General"
    assert data["url"] == "https://fixture.example/general/visit/"
    # A 4 × 3 px picture: its size, and no crops (too small: the build warns instead).
    assert data["image"] == [{"@type": "ImageObject",
                              "url": "https://fixture.example/general/photo.png",
                              "width": 4, "height": 3}]
    # No publisher.logo configured: the theme's, with its size, as Google asks.
    assert data["publisher"]["url"] == "https://fixture.example/"
    assert data["publisher"]["logo"] == {
        "@type": "ImageObject", "url": "https://fixture.example/assets/newsgen-logo.png",
        "width": 512, "height": 512}
    with Image.open(basic_build / "assets/newsgen-logo.png") as logo:
        assert logo.size == (512, 512)
    crumbs = [json.loads(s.string) for s in page.find_all("script", type="application/ld+json")
              if json.loads(s.string)["@type"] == "BreadcrumbList"]
    assert [(i["position"], i["name"], i["item"]) for i in crumbs[0]["itemListElement"]] == [
        (1, "Fixture Times", "https://fixture.example/"),
        (2, "General", "https://fixture.example/general/"),
        (3, "Ambassador visits the western region", "https://fixture.example/general/visit/")]
    assert page.find("meta", property="og:locale")["content"] == "en_US"


def test_section_pages_list_their_articles_as_a_collection(basic_build: Path) -> None:
    page = soup(basic_build / "general/index.html")
    data = json.loads(page.find("script", type="application/ld+json").string)
    assert data["@type"] == "CollectionPage" and data["name"] == "General"
    assert data["url"] == "https://fixture.example/general/"
    items = data["mainEntity"]["itemListElement"]
    links = [a["href"] for a in page.select("main .card-title a")]
    assert [i["url"] for i in items] == ["https://fixture.example" + href for href in links]
    assert [i["position"] for i in items] == list(range(1, len(items) + 1))


def test_read_also_lists_items_in_order_then_fills(basic_build: Path) -> None:
    page = soup(basic_build / "general/visit/index.html")
    aside = page.find("aside", class_="read-also")
    assert aside.find(["h2", "h3"]).get_text(strip=True) == "Read also"
    links = [(a.get_text(strip=True), a["href"]) for a in aside.find_all("a")]
    assert links == [
        ("National leader holds phone talks", "/general/phone-talks/"),
        ("Investment forum opens in the capital", "/economy/investment-forum/"),
        ("The leader visited Monaco", "/general/monaco-visit/"),
        ("Bouygues confirms its interest", "https://example.org/bouygues"),
    ]


def test_read_also_fill_rule(basic_build: Path) -> None:
    # gas-prices lists nothing: it is filled by shared tags (energy), then section, then date.
    page = soup(basic_build / "economy/gas-prices/index.html")
    hrefs = [a["href"] for a in page.find("aside", class_="read-also").find_all("a")]
    assert len(hrefs) == 4
    assert "/economy/gas-prices/" not in hrefs
    assert len(set(hrefs)) == len(hrefs)
    # Sharing "energy": the forum (same section, 1 day away) ranks first, then the
    # general articles sharing "energy" by nearness in time.
    assert hrefs[:3] == ["/economy/investment-forum/", "/general/phone-talks/",
                         "/general/visit/"]
    # The last one shares no tag: same section wins over other sections.
    assert hrefs[3] == "/economy/wheat-harvest/"


def test_body_links_are_resolved(basic_build: Path) -> None:
    page = soup(basic_build / "general/visit/index.html")
    body = page.find("div", class_="article-body")
    hrefs = [a["href"] for a in body.find_all("a")]
    assert hrefs == ["/economy/investment-forum/#day-two", "/general/photo.png"]


def test_lead_image_with_caption_and_credit(basic_build: Path) -> None:
    page = soup(basic_build / "general/visit/index.html")
    figure = page.find("figure")
    assert figure.img["src"] == "/general/photo.png"
    assert figure.img["alt"] == "The ambassador at the station"
    assert "At the new station" in figure.figcaption.get_text()
    assert figure.find(class_="credit").get_text() == "Photo: Fixture Photo"
    # as text (search excerpts, screen readers, a copy) the two are two phrases
    words = " ".join(figure.figcaption.get_text().split())
    assert words.endswith(" Photo: Fixture Photo") and "stationPhoto" not in words


def test_a_credit_that_says_photo_itself_gets_no_second_label(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content/general").mkdir(parents=True)
    Image.new("RGB", (40, 30)).save(site / "content/general/p.png")
    write_site(site, {"content/general/a.md": article(
        "A", image="{src: p.png, alt: A, credit: 'photo: Jane Doe'}")})
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    credit = soup(site / "dist/general/a/index.html").find(class_="credit")
    assert credit.get_text() == "photo: Jane Doe"
    # A name that merely starts with the label's letters keeps the label.
    write_site(site, {"content/general/a.md": article(
        "A", image="{src: p.png, alt: A, credit: 'Photon Studio'}")})
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    credit = soup(site / "dist/general/a/index.html").find(class_="credit")
    assert credit.get_text() == "Photo: Photon Studio"


def test_section_pages_newest_first_and_paginated(basic_build: Path) -> None:
    first = soup(basic_build / "general/index.html")
    second = soup(basic_build / "general/page/2/index.html")
    titles1 = [a.get_text(strip=True) for a in first.select(".card-title a")]
    titles2 = [a.get_text(strip=True) for a in second.select(".card-title a")]
    assert titles1 == ["Ambassador visits the western region", "National leader holds phone talks"]
    assert titles2 == ["Official visit to Monaco"]
    assert first.find("link", rel="next")["href"] == "/general/page/2/"
    assert second.find("link", rel="prev")["href"] == "/general/"
    assert first.find("a", rel="next")["href"] == "/general/page/2/"


def test_home_page_groups_latest_by_section(basic_build: Path) -> None:
    home = soup(basic_build / "index.html")
    nav = [a.get_text(strip=True) for a in home.select("nav.sections a")]
    assert nav == ["Economy", "General", "Sport"]
    blocks = {s.h2.get_text(strip=True): [a["href"] for a in s.select(".card-title a")]
              for s in home.select("section.section-block")}
    assert blocks["Sport"] == ["/sport/football-final/"]
    assert blocks["Economy"][0] == "/economy/investment-forum/"


def test_section_matching_is_case_insensitive(basic_build: Path) -> None:
    # monaco-visit says "GENERAL", phone-talks says "general": one section.
    assert (basic_build / "general/monaco-visit/index.html").is_file()
    assert not (basic_build / "GENERAL").exists()


def _internal_targets(out: Path, page: Path) -> list[str]:
    doc = soup(page)
    found = []
    for tag, attr in (("a", "href"), ("link", "href"), ("img", "src"), ("script", "src")):
        for el in doc.find_all(tag):
            value = el.get(attr)
            if not value:
                continue
            parts = urlsplit(value)
            if parts.scheme or parts.netloc:
                if parts.netloc == "fixture.example":
                    found.append(parts.path)
                continue
            if parts.path:
                found.append(parts.path)
    return found


def test_every_internal_link_points_to_a_built_file(basic_build: Path) -> None:
    checked = 0
    for page in basic_build.rglob("*.html"):
        for path in _internal_targets(basic_build, page):
            assert path.startswith("/"), (page, path)
            target = basic_build / path.lstrip("/")
            if path.endswith("/"):
                target = target / "index.html"
            assert target.is_file(), f"{page.relative_to(basic_build)} links to missing {path}"
            checked += 1
    assert checked > 100


def test_hostile_text_is_escaped(basic_build: Path) -> None:
    # No page has a script element other than JSON-LD.
    for page in basic_build.rglob("*.html"):
        for script in soup(page).find_all("script"):
            assert script.get("type") == "application/ld+json"


def test_output_has_no_build_time(basic_build: Path) -> None:
    """The build's clock is fixed (--now): today's date, whatever it is, is nowhere."""
    today = datetime.date.today()
    text = (basic_build / "index.html").read_text("utf-8")
    for day in (today - datetime.timedelta(days=1), today, today + datetime.timedelta(days=1)):
        assert day.isoformat() not in text


def test_the_base_url_warning_says_where_to_set_it(tmp_path: Path) -> None:
    """A site without newsgen.yaml is told to create one, not to edit a file it lacks."""
    site = write_site(tmp_path / "s", {"content/general/a.md": article("A")})
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0
    assert any("(create newsgen.yaml with base_url: https://…, or pass --base-url)" in w
               for w in run.warnings()), run.err
    write_site(site, {"newsgen.yaml": "title: T\n"})
    run = newsgen("build", "-s", site, "--now", NOW)
    assert any("(set base_url: https://… in newsgen.yaml, or pass --base-url)" in w
               for w in run.warnings()), run.err


def test_a_day_without_a_time_is_shown_as_a_day(tmp_path: Path) -> None:
    """`date: 2024-12-18` and `updated: 2024-12-19` were written as days: the page shows
    the days, not a midnight the editor never wrote; a time written is shown."""
    site = write_site(tmp_path / "site", {
        "content/general/day.md": article("Day only", date="2024-12-18",
                                          updated="2024-12-19"),
        "content/general/timed.md": article("Timed", date="2024-12-18 10:30",
                                            updated="2024-12-19 08:15"),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    day = soup(site / "dist/general/day/index.html").find("article")
    texts = [t.get_text(strip=True) for t in day.find_all("time")]
    assert texts[:2] == ["December 18, 2024", "December 19, 2024"], texts
    timed = soup(site / "dist/general/timed/index.html").find("article")
    texts = [t.get_text(strip=True) for t in timed.find_all("time")]
    assert "8:15" in texts[1] and "10:30" in texts[0], texts


def test_the_automatic_summary_reads_entities_and_inline_html_as_the_reader_does(
        tmp_path: Path) -> None:
    """The summary made from the first paragraph (meta description, feeds, JSON-LD) is the
    paragraph's text as a reader sees it: entities become their characters and inline
    HTML leaves its words (both used to vanish: "10percent to 5, says RD")."""
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "title: S\nbase_url: https://s.example/\n",
        "content/general/a.md": article(
            "A", body="Price rose 10&nbsp;percent &mdash; to 5&euro;, says "
                      "<abbr title=\"International Monetary Fund\">IMF</abbr> R&amp;D.\n\n"
                      "Second paragraph."),
    })
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    page = soup(site / "dist/general/a/index.html")
    said = "Price rose 10 percent — to 5€, says IMF R&D."
    assert page.find("meta", attrs={"name": "description"})["content"] == said
    import feedparser

    entry = feedparser.parse((site / "dist/feed.xml").read_bytes()).entries[0]
    assert entry.summary == "Price rose 10 percent — to 5€, says IMF R&amp;D."  # as HTML


def test_a_fraction_of_a_second_is_kept_in_machine_readable_times(tmp_path: Path) -> None:
    """The same instant with its offset: 10:30:00.5 is not 10:30:00 (to the millisecond
    that HTML's datetime attribute takes; the sitemap's W3C times take it too)."""
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "title: T\nbase_url: https://t.example/\ntimezone: Asia/Ashgabat\n",
        "content/general/a.md": article("A", "2024-12-18T10:30:00.5+01:00"),
    })
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    page = (site / "dist/general/a/index.html").read_text()
    assert 'datetime="2024-12-18T14:30:00.500+05:00"' in page
    assert '"datePublished": "2024-12-18T14:30:00.500+05:00"' in page


def test_names_with_braces_are_shown_as_written_in_every_label(tmp_path: Path) -> None:
    """A label's placeholders are filled in one pass: a tag, author or section whose name
    holds "{site}" is shown as written, not filled in itself."""
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "title: Site\nbase_url: https://s.example/\n"
                        "sections:\n  - {slug: gen, title: 'Gen {site}'}\n",
        "content/gen/a.md": article("A", section="gen", tags='["X {site} y"]',
                                    author='"{site} man"'),
    })
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    dist = site / "dist"
    described = {
        path: soup(dist / path).find("meta", attrs={"name": "description"})["content"]
        for path in ("tags/x-site-y/index.html", "authors/site-man/index.html",
                     "gen/index.html")}
    assert "X {site} y" in described["tags/x-site-y/index.html"]
    assert "{site} man" in described["authors/site-man/index.html"]
    assert "Gen {site}" in described["gen/index.html"]
    assert not any("Site y" in d or "Site man" in d for d in described.values()), described


def test_the_automatic_summary_skips_html_blocks_code_and_comments(tmp_path: Path) -> None:
    """An embed, a style block, a code fence or an editor's comment before the first
    paragraph is not its summary, nor does a comment leak into one."""
    bodies = {
        "embed": '<div class="embed"><script>window.x = {"a": 1};</script></div>\n\nThe port.',
        "code": '```python\nprint("hi")\n```\n\nThe port.',
        "comment": "<!-- don't publish > 5pm -->\n\nThe port.",
        "inline": "The <!-- editor: check -> source? -->port.",
    }
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "title: S\nbase_url: https://s.example/\n",
        **{f"content/general/{name}.md": article(name, body=body)
           for name, body in bodies.items()},
    })
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    for name in bodies:
        page = soup(site / f"dist/general/{name}/index.html")
        assert page.find("meta", attrs={"name": "description"})["content"] == "The port.", name
