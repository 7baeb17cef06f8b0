"""Feeds, sitemaps, structured data, archives, images and scaffolding (the news issue)."""

from __future__ import annotations

import json
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import NOW, article, newsgen, soup, write_site
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from PIL import Image

RSS_NS = {"atom": "http://www.w3.org/2005/Atom", "dc": "http://purl.org/dc/elements/1.1/",
          "media": "http://search.yahoo.com/mrss/"}
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"

HOSTILE = "Tom & Jerry <script>alert(1)</script> ]]> \"quotes\" 'single' — Ýene-de 🎉 مرحبا"


def _exists(out: Path, url: str, base: str = "https://hostile.example") -> bool:
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == base, url
    target = out / parts.path.lstrip("/")
    return (target / "index.html").is_file() if parts.path.endswith("/") else target.is_file()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("hostile") / "site"
    img = Image.new("RGB", (1200, 800), (200, 40, 40))
    (site / "content/general").mkdir(parents=True)
    img.save(site / "content/general/lead.jpg", quality=80)
    write_site(site, {
        "newsgen.yaml": 'title: "Hostile & <Times>"\nbase_url: https://hostile.example/\n'
                        "timezone: Asia/Ashgabat\nimages: {widths: [300, 600]}\n"
                        "publisher: {logo: /logo.png}\n",
        "static/logo.png": b"\x89PNG",
        "content/general/bad.md": "---\n"
        f"title: {json.dumps(HOSTILE, ensure_ascii=False)}\n"
        "date: 2024-12-18 10:30\n"
        f"section: {json.dumps('Gen & <eral>')}\n"
        f"tags: [{json.dumps('</script><b>')}, energy]\n"
        f"author: {json.dumps('A <b>Writer</b>')}\n"
        f"summary: {json.dumps(HOSTILE, ensure_ascii=False)}\n"
        "image: {src: lead.jpg, alt: 'Alt \"x\" <y>', caption: '<i>c</i>', credit: '&amp;'}\n"
        "---\n\nBody.\n",
        "content/general/old.md": article("Old story", "2024-12-01", "Gen & <eral>",
                                          tags="[energy]"),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    return site / "dist"


def test_rss_feeds_are_valid_and_complete(hostile: Path) -> None:
    for feed in (hostile / "feed.xml", hostile / "gen-eral/feed.xml"):
        tree = etree.parse(str(feed))
        channel = tree.getroot().find("channel")
        assert tree.getroot().get("version") == "2.0"
        assert channel.findtext("title").startswith("Hostile & <Times>")
        assert channel.find("atom:link", RSS_NS).get("rel") == "self"
        assert channel.findtext("language") == "en"
        items = channel.findall("item")
        assert [i.findtext("title") for i in items] == [HOSTILE, "Old story"]
        first = items[0]
        assert first.findtext("link") == "https://hostile.example/gen-eral/bad/"
        assert first.find("guid").get("isPermaLink") == "true"
        when = parsedate_to_datetime(first.findtext("pubDate"))
        assert when.isoformat() == "2024-12-18T10:30:00+05:00"
        assert first.findtext("dc:creator", namespaces=RSS_NS) == "A <b>Writer</b>"
        assert "</script><b>" in [c.text for c in first.findall("category")]
        # description is HTML to feed readers: the plain-text summary is escaped for it.
        assert BeautifulSoup(first.findtext("description"), "html.parser").get_text() == HOSTILE
        media = first.find("media:content", RSS_NS)
        assert media.get("url") == "https://hostile.example/general/lead.jpg"
        for item in items:
            assert _exists(hostile, item.findtext("link"))


def test_pages_link_their_feeds(hostile: Path) -> None:
    page = soup(hostile / "gen-eral/index.html")
    feeds = [link["href"] for link in page.find_all("link", type="application/rss+xml")]
    assert feeds == ["/feed.xml", "/gen-eral/feed.xml"]


def test_sitemap_lists_every_page_with_lastmod(hostile: Path) -> None:
    root = etree.parse(str(hostile / "sitemap.xml")).getroot()
    assert root.tag == f"{SM}urlset"
    locs = [u.findtext(f"{SM}loc") for u in root.findall(f"{SM}url")]
    assert "https://hostile.example/" in locs
    assert "https://hostile.example/gen-eral/bad/" in locs
    assert "https://hostile.example/archive/2024/12/" in locs
    html_pages = [p for p in hostile.rglob("index.html")]
    assert len(locs) == len(html_pages)
    for url in root.findall(f"{SM}url"):
        assert _exists(hostile, url.findtext(f"{SM}loc"))
        assert url.findtext(f"{SM}lastmod").endswith("+05:00")


def test_news_sitemap_has_the_last_two_days(hostile: Path) -> None:
    root = etree.parse(str(hostile / "news-sitemap.xml")).getroot()
    urls = root.findall(f"{SM}url")
    assert [u.findtext(f"{SM}loc") for u in urls] == ["https://hostile.example/gen-eral/bad/"]
    news = urls[0].find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Hostile & <Times>"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "en"
    assert news.findtext(f"{NEWS}title") == HOSTILE
    assert news.findtext(f"{NEWS}publication_date") == "2024-12-18T10:30:00+05:00"


def test_robots_names_the_sitemaps(hostile: Path) -> None:
    text = (hostile / "robots.txt").read_text()
    assert "Sitemap: https://hostile.example/sitemap.xml" in text
    assert "Sitemap: https://hostile.example/news-sitemap.xml" in text


def test_json_ld_survives_hostile_titles(hostile: Path) -> None:
    page = soup(hostile / "gen-eral/bad/index.html")
    scripts = page.find_all("script")
    assert [s["type"] for s in scripts] == ["application/ld+json"] * 2
    data = json.loads(scripts[0].string)
    assert data["headline"] == HOSTILE
    assert data["keywords"] == ["</script><b>", "energy"]
    assert data["publisher"] == {"@type": "Organization", "name": "Hostile & <Times>",
                                 "url": "https://hostile.example/",
                                 "logo": {"@type": "ImageObject",
                                          "url": "https://hostile.example/logo.png"}}
    crumbs = json.loads(scripts[1].string)
    assert crumbs["@type"] == "BreadcrumbList"
    assert crumbs["itemListElement"][-1] == {"@type": "ListItem", "position": 3,
                                             "name": HOSTILE,
                                             "item": "https://hostile.example/gen-eral/bad/"}
    assert data["mainEntityOfPage"]["@id"] == "https://hostile.example/gen-eral/bad/"
    # The 1200 × 800 lead image, and the 16:9, 4:3 and 1:1 crops made from it.
    assert data["image"] == [
        {"@type": "ImageObject", "url": f"https://hostile.example/general/lead{suffix}.jpg",
         "width": w, "height": h}
        for suffix, w, h in (("", 1200, 800), ("-16x9", 1200, 675), ("-4x3", 1067, 800),
                             ("-1x1", 800, 800))]
    for suffix, w, h in (("-16x9", 1200, 675), ("-4x3", 1067, 800), ("-1x1", 800, 800)):
        with Image.open(hostile / f"general/lead{suffix}.jpg") as crop:
            assert crop.size == (w, h)


def test_hostile_text_is_text_in_html(hostile: Path) -> None:
    page = soup(hostile / "gen-eral/bad/index.html")
    assert page.h1.get_text() == HOSTILE
    assert not page.find("b")  # neither tag nor author became markup
    assert page.find("meta", property="og:title")["content"] == HOSTILE
    assert page.find("meta", attrs={"name": "description"})["content"] == HOSTILE
    assert page.find("figcaption").get_text(" ", strip=True).startswith("<i>c</i>")


def test_article_metadata(hostile: Path) -> None:
    page = soup(hostile / "gen-eral/bad/index.html")
    meta = {m.get("property") or m.get("name"): m["content"] for m in page.find_all("meta")
            if m.get("content") is not None}
    assert meta["og:type"] == "article"
    assert meta["og:url"] == "https://hostile.example/gen-eral/bad/"
    assert meta["og:image"] == "https://hostile.example/general/lead.jpg"
    assert meta["article:published_time"] == "2024-12-18T10:30:00+05:00"
    assert meta["article:modified_time"] == "2024-12-18T10:30:00+05:00"
    assert meta["article:section"] == "Gen & <eral>"
    assert meta["twitter:card"] == "summary_large_image"
    assert page.find("link", rel="canonical")["href"] == "https://hostile.example/gen-eral/bad/"
    tags = [m["content"] for m in page.find_all("meta", property="article:tag")]
    assert tags == ["</script><b>", "energy"]


def test_taxonomy_and_archive_pages(hostile: Path) -> None:
    assert (hostile / "tags/script-b/index.html").is_file()
    assert (hostile / "tags/energy/index.html").is_file()
    assert (hostile / "authors/a-b-writer-b/index.html").is_file()
    tags = soup(hostile / "tags/index.html")
    # alphabetical by name, punctuation before letters (as ICU's collation has it)
    assert [a.get_text() for a in tags.select("ul.terms a")] == ["</script><b>", "energy"]
    archive = soup(hostile / "archive/index.html")
    assert [a["href"] for a in archive.select("ul.terms a")] == ["/archive/2024/12/"]
    month = soup(hostile / "archive/2024/12/index.html")
    assert month.h1.get_text() == "December 2024"
    page = soup(hostile / "gen-eral/bad/index.html")
    assert page.select_one("a.date")["href"] == "/archive/2024/12/"
    assert [a["href"] for a in page.select(".article-tags a")] == ["/tags/script-b/",
                                                                  "/tags/energy/"]


def test_lead_image_variants_and_markup(hostile: Path) -> None:
    for name in ["lead-300w.jpg", "lead-600w.jpg", "lead-300w.webp", "lead-600w.webp",
                 "lead-1200w.webp"]:
        path = hostile / "general" / name
        assert path.is_file(), name
        with Image.open(path) as img:
            assert img.width == int(name.split("-")[1].split("w")[0])
    page = soup(hostile / "gen-eral/bad/index.html")
    img = page.find("figure").find("img")
    assert img["width"] == "1200" and img["height"] == "800"
    assert img["srcset"] == ("/general/lead-300w.jpg 300w, /general/lead-600w.jpg 600w, "
                             "/general/lead.jpg 1200w")
    assert "loading" not in img.attrs  # the lead image is above the fold
    source = page.find("figure").find("source")
    assert source["type"] == "image/webp"
    assert source["srcset"].endswith("/general/lead-1200w.webp 1200w")
    section = soup(hostile / "gen-eral/index.html")
    first = section.find("main").find("img")  # the list's first picture loads at once
    assert first["fetchpriority"] == "high" and "loading" not in first.attrs


def test_a_webp_lead_image_offers_every_width_including_its_own(tmp_path: Path) -> None:
    """A WebP original has no other format to fall back from: its narrower copies and
    the original itself are the <img>'s srcset, so a wide screen gets the full width."""
    site = tmp_path / "site"
    (site / "content/general").mkdir(parents=True)
    Image.new("RGB", (1000, 500), (0, 90, 200)).save(site / "content/general/p.webp")
    write_site(site, {"content/general/a.md": article("A", image="{src: p.webp, alt: A}")})
    assert newsgen("build", "-s", site).code == 0
    figure = soup(site / "dist/general/a/index.html").find("figure")
    assert figure.find("source") is None
    assert figure.find("img")["srcset"] == ("/general/p-480w.webp 480w, "
                                            "/general/p-960w.webp 960w, /general/p.webp 1000w")


def test_gif_and_svg_lead_images_are_used_as_they_are(tmp_path: Path) -> None:
    """No copies of a GIF (resizing would drop its animation) or an SVG; the GIF is
    measured, so its <img> has its size and a small one is warned about."""
    site = tmp_path / "site"
    (site / "content/general").mkdir(parents=True)
    Image.new("P", (300, 200)).save(site / "content/general/p.gif")
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    write_site(site, {"content/general/a.md": article("A", image="{src: p.gif, alt: A}"),
                      "content/general/b.md": article("B", image="{src: s.svg, alt: B}"),
                      "content/general/s.svg": svg})
    run = newsgen("build", "-s", site)
    assert run.code == 0, run.err
    assert [w for w in run.warnings() if "p.gif is 300 × 200 px" in w], run.err
    assert sorted(p.name for p in (site / "dist/general").iterdir()
                  if p.is_file()) == ["feed.xml", "index.html", "p.gif", "s.svg"]
    gif = soup(site / "dist/general/a/index.html").find("figure").find("img")
    assert (gif["src"], gif["width"], gif["height"]) == ("/general/p.gif", "300", "200")
    assert "srcset" not in gif.attrs
    svg_img = soup(site / "dist/general/b/index.html").find("figure").find("img")
    assert svg_img["src"] == "/general/s.svg" and "width" not in svg_img.attrs


def test_a_lead_image_that_is_no_image_is_an_error(tmp_path: Path) -> None:
    """A stylesheet or a PDF named as the lead image would go into og:image, JSON-LD and
    an <img>: an error at the image's line, like a .jpg that is no JPEG."""
    site = write_site(tmp_path / "site", {
        "content/general/a.md": article("A", image="{src: /css/site.css, alt: A}"),
        "content/general/b.md": article("B", image="{src: broken.jpg, alt: B}"),
        "content/general/broken.jpg": "not a jpeg",
        "static/css/site.css": "body{}",
    })
    run = newsgen("build", "-s", site)
    assert run.code == 1
    assert ("content/general/a.md:5: error: image: static/css/site.css is not an image "
            "newsgen can read (a lead image is a JPEG, PNG, WebP or GIF file)") in run.err
    assert ("content/general/b.md:5: error: image: content/general/broken.jpg is not an "
            "image newsgen can read") in run.err
    assert not (site / "dist").exists()


def test_image_variants_are_reused_from_the_cache(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content/general").mkdir(parents=True)
    Image.new("RGB", (1000, 500), (0, 90, 200)).save(site / "content/general/p.jpg")
    write_site(site, {"content/general/a.md": article("A", image="{src: p.jpg, alt: A}")})
    assert newsgen("build", "-s", site).code == 0
    cached = sorted((site / ".newsgen-cache/images").iterdir())
    assert len(cached) == 5  # 480 and 960 in JPEG, 480, 960 and 1000 in WebP
    stamps = [p.stat().st_mtime_ns for p in cached]
    out = site / "dist/general/p-480w.webp"
    before = out.stat().st_mtime_ns
    assert newsgen("build", "-s", site).code == 0
    assert [p.stat().st_mtime_ns for p in sorted((site / ".newsgen-cache/images").iterdir())] \
        == stamps
    assert out.stat().st_mtime_ns == before
    # Deleting the cache is safe: the next build makes the same files again.
    import shutil

    shutil.rmtree(site / ".newsgen-cache")
    assert newsgen("build", "-s", site).code == 0
    assert out.stat().st_mtime_ns == before


def test_missing_alt_is_a_warning_and_unreadable_image_an_error(tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", {
        "content/general/a.md": article("A", image="p.jpg"),
        "content/general/p.jpg": b"not a jpeg",
    })
    run = newsgen("build", "-s", site)
    assert run.code == 1
    assert any(w.startswith("content/general/a.md:5: warning: image: no 'alt'")
               for w in run.warnings())
    assert any(e.startswith("content/general/a.md:5: error: image: content/general/p.jpg is "
                            "not an image") for e in run.errors())


def test_init_then_build_then_new(tmp_path: Path) -> None:
    run = newsgen("init", tmp_path / "paper")
    assert run.code == 0, run.err
    site = tmp_path / "paper"
    for rel in ["newsgen.yaml", "content/general/welcome.md", "templates", "static"]:
        assert (site / rel).exists(), rel
    assert newsgen("build", "-s", site).code == 0
    assert (site / "dist/general/welcome/index.html").is_file()
    made = newsgen("new", "Türkmenistanyň täze habary: \"ýene-de\"", "--section", "General",
                   "-s", site)
    assert made.code == 0, made.err
    rel = made.out.strip()
    assert rel == "content/general/turkmenistanyn-taze-habary-yene-de.md"
    text = (site / rel).read_text()
    assert "draft: true" in text
    # The draft is valid: it builds with --drafts, and refuses to be overwritten.
    assert newsgen("build", "-s", site, "--drafts").code == 0
    assert (site / "dist/general/turkmenistanyn-taze-habary-yene-de/index.html").is_file()
    again = newsgen("new", "Türkmenistanyň täze habary: \"ýene-de\"", "--section", "General",
                    "-s", site)
    assert again.code == 1 and "already exists" in again.err
    assert newsgen("new", "X", "--section", "Nope", "-s", site).code == 1
    assert newsgen("init", site).code == 1  # not empty
    # A place no folder can be made: one line, no traceback, for init and for new alike
    under_a_file = newsgen("init", site / "newsgen.yaml" / "paper")
    assert (under_a_file.code, under_a_file.err) == (1, (
        f"newsgen: error: cannot create the site in {site / 'newsgen.yaml' / 'paper'}: Not a "
        f"directory ({site / 'newsgen.yaml' / 'paper'})\n"))
    bare = write_site(tmp_path / "bare", {"newsgen.yaml": "title: X\n",
                                          "content/sport": "a file where a folder goes\n"})
    blocked = newsgen("new", "X", "--section", "Sport", "-s", bare)
    assert (blocked.code, blocked.err) == (1, "newsgen: error: cannot make the folder "
                                              "content/sport: a file of that name is in the way\n")


def test_new_with_language(tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", {"newsgen.yaml": "languages:\n  ru: {title: Новости}\n"})
    run = newsgen("new", "Новости дня", "--section", "general", "--lang", "ru", "-s", site)
    assert run.code == 0, run.err
    assert run.out.strip() == "content/ru/general/novosti-dnia.md"
    assert "lang: ru" in (site / run.out.strip()).read_text()
    assert newsgen("new", "X", "--section", "g", "--lang", "de", "-s", site).code == 1


def test_embargo_is_announced_in_the_summary(tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", {
        "newsgen.yaml": "timezone: Asia/Ashgabat\n",
        "content/general/a.md": article("A"),
        "content/general/b.md": article("B", "2024-12-20 09:00"),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0
    assert "the next scheduled article is due at 2024-12-20T09:00+05:00" in run.err


def test_sitemap_becomes_an_index_over_the_limit(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Over 50,000 URLs the sitemap is an index of parts (the limit is lowered here)."""
    from newsgen.build import BuildOptions, build
    from newsgen.errors import Reporter
    from newsgen.stages import feeds

    monkeypatch.setattr(feeds, "SITEMAP_LIMIT", 5)
    site = write_site(tmp_path / "s", {
        "newsgen.yaml": "base_url: https://big.example/\n",
        **{f"content/general/a{i}.md": article(f"A{i}", f"2024-12-{1 + i:02d}")
           for i in range(8)},
    })
    build(BuildOptions(site=site, now=NOW, jobs=1), Reporter())
    out = site / "dist"
    index = etree.parse(str(out / "sitemap.xml")).getroot()
    assert index.tag == f"{SM}sitemapindex"
    parts = [s.findtext(f"{SM}loc") for s in index.findall(f"{SM}sitemap")]
    assert parts[0] == "https://big.example/sitemap-1.xml"
    locs = []
    for n in range(1, len(parts) + 1):
        urls = etree.parse(str(out / f"sitemap-{n}.xml")).getroot().findall(f"{SM}url")
        assert 0 < len(urls) <= 5
        locs += [u.findtext(f"{SM}loc") for u in urls]
    assert len(locs) == len(set(locs)) == len(list(out.rglob("index.html")))


def test_hostile_feeds_and_sitemaps_validate_against_their_schemas(hostile: Path) -> None:
    schemas = Path(__file__).resolve().parent / "schemas"
    rss = etree.XMLSchema(etree.parse(str(schemas / "rss.xsd")))
    sitemap = etree.XMLSchema(etree.parse(str(schemas / "sitemap.xsd")))
    news = etree.XMLSchema(etree.parse(str(schemas / "news.xsd")))
    for feed in hostile.rglob("feed.xml"):
        rss.assertValid(etree.parse(str(feed)))
    sitemap.assertValid(etree.parse(str(hostile / "sitemap.xml")))
    doc = etree.parse(str(hostile / "news-sitemap.xml"))
    sitemap.assertValid(doc)
    for entry in doc.getroot().iter(f"{NEWS}news"):
        news.assertValid(etree.ElementTree(entry))


def test_no_recent_article_means_no_news_sitemap(tmp_path: Path) -> None:
    """The protocol requires at least one <url>: an empty news sitemap is left out, and out
    of robots.txt, until an article of the last two days exists again."""
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "base_url: https://quiet.example/\n",
        "content/general/old.md": article("Old story", "2024-11-01 10:00"),
    })
    schemas = Path(__file__).resolve().parent / "schemas"
    sitemap_schema = etree.XMLSchema(etree.parse(str(schemas / "sitemap.xsd")))
    # The strict schema refuses the empty file newsgen used to write.
    empty = etree.fromstring(b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>')
    assert not sitemap_schema.validate(etree.ElementTree(empty))

    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    out = site / "dist"
    assert not (out / "news-sitemap.xml").exists()
    robots = (out / "robots.txt").read_text("utf-8")
    assert "news-sitemap" not in robots
    assert "Sitemap: https://quiet.example/sitemap.xml" in robots
    sitemap_schema.assertValid(etree.parse(str(out / "sitemap.xml")))

    # A fresh article brings it back (incrementally), and it validates.
    (site / "content/general/new.md").write_text(article("New story", "2024-12-19 09:00"),
                                                 encoding="utf-8")
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    sitemap_schema.assertValid(etree.parse(str(out / "news-sitemap.xml")))
    assert "Sitemap: https://quiet.example/news-sitemap.xml" in (out / "robots.txt").read_text()
    # Two days later it is gone again, with nothing else changed.
    run = newsgen("build", "-s", site, "--now", "2024-12-22 12:00")
    assert run.code == 0, run.err
    assert not (out / "news-sitemap.xml").exists()
    assert "news-sitemap" not in (out / "robots.txt").read_text("utf-8")


def test_a_small_lead_image_is_warned_about_and_gets_no_crops(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "content/general").mkdir(parents=True)
    Image.new("RGB", (800, 450), (0, 90, 200)).save(site / "content/general/small.jpg")
    (site / "content/general/a.md").write_text(
        "---\ntitle: Small picture\ndate: 2024-12-18 10:00\nsection: General\n"
        "image: {src: small.jpg, alt: A small picture}\n---\n\nText.\n", encoding="utf-8")
    run = newsgen("build", "-s", site, "--now", "2024-12-19 12:00", "--base-url",
                  "https://small.example/")
    assert run.code == 0, run.err
    assert run.warnings() == [
        "content/general/a.md:5: warning: image: content/general/small.jpg is 800 × 450 px; "
        "search engines show a lead image large when it is at least 1,200 px wide and "
        "50,000 px in all"]
    assert not list((site / "dist/general").glob("small-*x*.jpg"))


_xml_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=30)


@settings(max_examples=200, deadline=None)
@given(records=st.lists(st.tuples(
    _xml_text, st.none() | _xml_text,
    st.lists(st.tuples(_xml_text, _xml_text), max_size=3)), max_size=5))
def test_the_sitemap_writer_gives_elementtrees_bytes(
        records: list[tuple[str, str | None, list[tuple[str, str]]]]) -> None:
    """The sitemap is written as text, for speed (a publish writes every page's URL
    again); for any values, also ones XML must escape or cannot hold, it is the same
    document, byte for byte, as ElementTree builds and indents."""
    from newsgen.stages import feeds

    root = feeds._urlset({"xmlns:xhtml": feeds.XHTML})
    for loc, lastmod, alternates in records:
        url = feeds._sub(root, "url")
        feeds._sub(url, "loc", loc)
        if lastmod is not None:
            feeds._sub(url, "lastmod", lastmod)
        for hreflang, href in alternates:
            feeds._sub(url, "xhtml:link", rel="alternate", hreflang=hreflang, href=href)
    assert feeds.urlset(records) == feeds._bytes(root)


@pytest.mark.parametrize(("code", "expected"), [
    ("en", "en"), ("pt-BR", "pt"), ("pt_br", "pt"), ("zh-CN", "zh-cn"), ("zh_tw", "zh-tw"),
    ("zh-HK", "zh-tw"), ("zh-Hant", "zh-tw"), ("zh-Hans", "zh-cn"), ("zh", "zh-cn"),
    ("tk", "tk"),
])
def test_the_news_sitemap_names_languages_as_google_asks(code: str, expected: str) -> None:
    from newsgen.stages.feeds import news_language

    assert news_language(code) == expected


def test_an_invalid_base_url_is_one_error_not_also_a_warning(tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", {"newsgen.yaml": "title: T\nbase_url: 42\n",
                                       "content/general/a.md": article("A")})
    run = newsgen("check", "-s", site, "--now", NOW)
    assert run.code == 1
    assert [line for line in run.err.splitlines() if "base_url" in line] == [
        "newsgen.yaml:2: error: base_url: '42' must be an http(s) URL or a path starting "
        "with '/'"]


def test_an_article_without_text_or_picture_still_describes_itself(tmp_path: Path) -> None:
    """page.description is never empty, and social cards use it too: an article with no
    body and no summary gets the labels' sentence in og:description and
    twitter:description, and its JSON-LD leaves out an empty description; an article
    without a picture names the publisher's logo as its JSON-LD image."""
    import json

    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "title: S\nbase_url: https://s.example/\ndescription: News\n",
        "content/general/empty.md": "---\ntitle: Empty body\ndate: 2024-12-18 10:30\n"
                                    "section: General\n---\n",
    })
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    page = soup(site / "dist/general/empty/index.html")
    described = page.find("meta", attrs={"name": "description"})["content"]
    assert described
    assert page.find("meta", property="og:description")["content"] == described
    assert page.find("meta", attrs={"name": "twitter:description"})["content"] == described
    data = json.loads(page.find("script", type="application/ld+json").string)
    assert "description" not in data
    assert data["image"] == [data["publisher"]["logo"]]
    assert data["image"][0]["url"].startswith("https://s.example/")


def test_the_news_sitemap_never_lists_an_article_still_ahead(tmp_path: Path) -> None:
    """`--future` publishes articles dated ahead; the news sitemap keeps to those already
    out (Google News takes no publication date to come), and lists one once its time
    comes, as a later build with nothing else changed finds."""
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "base_url: https://f.example/\n",
        "content/general/now.md": article("Now", "2024-12-18 10:00"),
        "content/general/soon.md": article("Soon", "2024-12-18 15:00"),
    })
    run = newsgen("build", "-s", site, "--future", "--now", "2024-12-18 12:00")
    assert run.code == 0, run.err
    assert (site / "dist/general/soon/index.html").is_file()
    news = (site / "dist/news-sitemap.xml").read_text("utf-8")
    assert "/general/now/" in news and "/general/soon/" not in news
    run = newsgen("build", "-s", site, "--future", "--now", "2024-12-18 15:00")
    assert run.code == 0, run.err
    assert "/general/soon/" in (site / "dist/news-sitemap.xml").read_text("utf-8")


def test_a_date_in_local_mean_time_is_a_valid_instant_everywhere(tmp_path: Path) -> None:
    """Asia/Ashgabat was +03:53:32 until 1924: an archive's 1920 story is shown at its
    local time, and given to machines (sitemap, feed, <time>, JSON-LD) as the same instant
    in UTC, since their formats take whole minutes only."""
    site = write_site(tmp_path / "s", {
        "newsgen.yaml": "base_url: https://x.org/\ntimezone: Asia/Ashgabat\n",
        "content/general/a.md": article("Old", date="1920-05-01 12:00"),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    schemas = Path(__file__).resolve().parent / "schemas"
    sitemap = etree.XMLSchema(etree.parse(str(schemas / "sitemap.xsd")))
    sitemap.assertValid(etree.parse(str(site / "dist/sitemap.xml")))
    etree.XMLSchema(etree.parse(str(schemas / "rss.xsd"))).assertValid(
        etree.parse(str(site / "dist/feed.xml")))
    pub = etree.parse(str(site / "dist/feed.xml")).getroot().findtext("channel/item/pubDate")
    assert parsedate_to_datetime(pub).isoformat() == "1920-05-01T08:06:28+00:00"
    page = soup(site / "dist/general/a/index.html")
    time = page.select_one("article time[datetime]")
    assert time["datetime"] == "1920-05-01T08:06:28+00:00" and "12:00" in time.get_text()
    data = json.loads(page.select_one('script[type="application/ld+json"]').string)
    assert data["datePublished"] == "1920-05-01T08:06:28+00:00"


@pytest.mark.parametrize("found", ["new", "empty"])
def test_a_stopped_init_leaves_no_half_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           found: str) -> None:
    # it left newsgen.yaml and the welcome article without templates/ or static/, and
    # `newsgen init` again was refused (not empty)
    from datetime import UTC, datetime

    from newsgen import scaffold

    target = tmp_path / "paper"
    if found == "empty":
        target.mkdir()
    real = Path.mkdir

    def stopped(self: Path, *args: object, **kwargs: object) -> None:
        if self.name == "static":
            raise KeyboardInterrupt
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "mkdir", stopped)
    with pytest.raises(KeyboardInterrupt):
        scaffold.init_site(target, datetime.now(UTC))
    monkeypatch.undo()
    assert (target.is_dir() and not any(target.iterdir())) if found == "empty" else (
        not target.exists())
    assert newsgen("init", target).code == 0 and (target / "static").is_dir()


def test_init_through_a_link_to_an_empty_folder_keeps_the_link(tmp_path: Path) -> None:
    (tmp_path / "target").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "target")
    assert newsgen("init", tmp_path / "link").code == 0
    assert (tmp_path / "link").is_symlink() and (tmp_path / "target/newsgen.yaml").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "target"]  # nothing else
