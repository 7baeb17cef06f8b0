"""Markup injection (hardening suite 2): 36 XSS payloads in every front matter field that
reaches a page, a feed, a sitemap or JSON-LD. Parsing the output finds no script element,
event-handler attribute or URL with a scheme outside http/https/mailto/relative that the
theme did not put there."""

from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import newsgen
from lxml import etree
from PIL import Image

PAYLOADS = [
    "<script>alert(1)</script>",
    "</script><script>alert(2)</script>",
    '"><img src=x onerror=alert(3)>',
    "'><svg onload=alert(4)>",
    "<img src=x onerror=alert(5)//",
    "javascript:alert(6)",
    "JaVaScRiPt:alert(7)",
    "java\tscript:alert(8)",
    "&#106;avascript:alert(9)",
    "&#x6A;&#x61;vascript:alert(10)",
    "vbscript:msgbox(11)",
    "data:text/html,<script>alert(12)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxMyk8L3NjcmlwdD4=",
    "<iframe src=javascript:alert(14)>",
    "<a href=\"javascript:alert(15)\">x</a>",
    "<body onload=alert(16)>",
    "<svg><script>alert(17)</script></svg>",
    "<math><mtext><script>alert(18)</script>",
    "{{ 7*7 }}{% raw %}",
    "${alert(19)}",
    "<!--<script>alert(20)//-->",
    "]]><script>alert(21)</script>",
    "<![CDATA[<script>alert(22)</script>]]>",
    "\u2028\u2029</script>",
    "<style>@import 'javascript:alert(23)';</style>",
    "<link rel=import href=data:text/html,x>",
    "<meta http-equiv=refresh content=0;url=javascript:alert(24)>",
    "<base href=javascript:alert(25)//>",
    "<object data=javascript:alert(26)>",
    "<embed src=javascript:alert(27)>",
    "<form action=javascript:alert(28)><button>x</button></form>",
    "<input onfocus=alert(29) autofocus>",
    "<details open ontoggle=alert(30)>",
    "' onmouseover='alert(31)",
    "\" onmouseover=\"alert(32)",
    "<x:script xmlns:x=\"http://www.w3.org/1999/xhtml\">alert(33)</x:script>",
]
SAFE_SCHEMES = {"http", "https", "mailto"}
URL_ATTRS = {"href", "src", "action", "formaction", "data", "poster", "xlink:href"}


def yaml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("xss") / "site"
    (site / "content/general").mkdir(parents=True)
    Image.new("RGB", (640, 360), (10, 10, 10)).save(site / "content/general/pic.jpg")
    config = ("title: " + yaml_str(PAYLOADS[0] + " site") + "\n"
              "description: " + yaml_str(PAYLOADS[1]) + "\n"
              "base_url: https://xss.example/\n"
              "publisher: {logo: " + yaml_str("https://xss.example/logo.png?\"x=1") + "}\n"
              "markdown: {raw_html: false}\n"
              "read_also: {limit: 3}\n")
    (site / "newsgen.yaml").write_text(config, encoding="utf-8")
    for i, payload in enumerate(PAYLOADS):
        other = PAYLOADS[(i + 7) % len(PAYLOADS)]
        text = (
            "---\n"
            f"title: {yaml_str(payload)}\n"
            "date: 2024-12-18 10:30\n"
            f"section: {yaml_str('Sec ' + payload)}\n"
            f"tags: [{yaml_str(payload)}, {yaml_str(other)}]\n"
            f"authors: [{yaml_str(payload)}]\n"
            f"summary: {yaml_str(other)}\n"
            f"slug: {yaml_str(payload + str(i))}\n"
            f"translation_key: {yaml_str(payload)}\n"
            f"kicker: {yaml_str(payload)}\n"
            "image: {src: pic.jpg, alt: " + yaml_str(payload) + ", caption: "
            + yaml_str(other) + ", credit: " + yaml_str(payload) + "}\n"
            "related:\n"
            f"  - {{ref: general/a{(i + 1) % len(PAYLOADS)}.md, title: {yaml_str(payload)}}}\n"
            f"  - {{title: {yaml_str(other)}, url: \"https://example.org/?q=javascript:x\"}}\n"
            "---\n\n"
            f"{payload}\n\n[click](javascript:alert(99)) [ok](https://example.org/) "
            f"![img](JaVaScRiPt:alert(98))\n\n<script>alert(97)</script>\n\n"
            # attribute lists: the untrusted writer sets no handler, style or link
            '## Head {: onclick="alert(95)" style="x" .ok }\n\n'
            '![p](pic.jpg){: onerror="alert(94)" src="javascript:alert(93)" }\n\n'
            '[a](https://example.org/){: href="javascript:alert(92)" onmouseover="x" }\n\n'
            'P\n{: data-pagefind-meta="url:javascript:alert(91)" data-ok="1" }\n'
        )
        (site / f"content/general/a{i}.md").write_text(text, encoding="utf-8")
    # No summary: the feed's description comes from the body's first paragraph (as text).
    (site / "content/general/plain.md").write_text(
        "---\ntitle: Plain\ndate: 2024-12-18 09:00\nsection: Sec x\n---\n\n"
        "<script>alert(96)</script> and <b>bold</b> words\n", encoding="utf-8")
    run = newsgen("build", "-s", site, "--now", "2024-12-19 12:00")
    assert run.code == 0, run.err
    return site / "dist"


def _scheme(url: str) -> str | None:
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", url)
    match = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", cleaned)
    return match.group(1).lower() if match else None


def test_payload_count() -> None:
    assert len(PAYLOADS) >= 30


def test_no_injected_markup_in_any_page(hostile_site: Path) -> None:
    pages = list(hostile_site.rglob("*.html"))
    assert len(pages) > len(PAYLOADS)
    for page in pages:
        doc = BeautifulSoup(page.read_text("utf-8"), "html.parser")
        for script in doc.find_all("script"):
            assert script.get("type") == "application/ld+json", page
            json.loads(script.string)  # valid JSON: the payload did not end the element
        for tag in doc.find_all(True):
            assert tag.name not in ("iframe", "object", "embed", "base", "form", "svg",
                                    "math", "style", "input", "details"), (page, tag.name)
            if tag.name == "meta":
                assert tag.get("http-equiv") is None, page
            for attr, value in tag.attrs.items():
                assert not attr.lower().startswith("on"), (page, tag.name, attr)
                values = value if isinstance(value, list) else [value]
                if attr.lower() in URL_ATTRS:
                    for v in values:
                        scheme = _scheme(v)
                        assert scheme is None or scheme in SAFE_SCHEMES, (page, attr, v)
                if attr == "srcset":
                    for part in str(value).split(","):
                        assert _scheme(part.strip()) in (None, "http", "https"), (page, part)


def test_json_ld_round_trips_every_payload(hostile_site: Path) -> None:
    seen = set()
    for page in hostile_site.glob("*/*/index.html"):
        doc = BeautifulSoup(page.read_text("utf-8"), "html.parser")
        for script in doc.find_all("script", type="application/ld+json"):
            data = json.loads(script.string)
            if data["@type"] == "NewsArticle":
                seen.add(data["headline"])
            else:  # the breadcrumbs end with the article's own name
                seen.add(data["itemListElement"][-1]["name"])
            assert "</" not in script.string
    assert seen >= {p.strip() for p in PAYLOADS}


def test_titles_appear_as_text(hostile_site: Path) -> None:
    found = set()
    for page in hostile_site.glob("*/*/index.html"):
        doc = BeautifulSoup(page.read_text("utf-8"), "html.parser")
        if doc.h1 is not None and doc.find("article"):
            found.add(doc.h1.get_text())
    assert found >= {p.strip() for p in PAYLOADS}


def test_feeds_and_sitemaps_are_well_formed(hostile_site: Path) -> None:
    xml_files = list(hostile_site.rglob("*.xml"))
    assert len(xml_files) >= 3
    titles = set()
    for path in xml_files:
        root = etree.parse(str(path)).getroot()
        for item in root.iter("item"):
            titles.add(item.findtext("title"))
            link = item.findtext("link")
            assert _scheme(link) == "https"
        for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc"):
            assert _scheme(loc.text) == "https"
    assert titles & set(PAYLOADS)


def test_feed_readers_get_no_markup_from_text(hostile_site: Path) -> None:
    """RSS descriptions are HTML to every reader: text in them must stay text.

    feedparser reads each feed as a reader does; the description, parsed as HTML, holds
    no element at all (summaries and bodies here are all text, raw HTML is off)."""
    feeds = list(hostile_site.rglob("feed.xml"))
    assert feeds
    seen = set()
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes(), sanitize_html=False)
        assert not parsed.bozo, (path, parsed.bozo_exception)
        for entry in parsed.entries:
            raw = entry.summary_detail.value
            doc = BeautifulSoup(raw, "html.parser")
            assert doc.find() is None, (path, raw)
            seen.add(doc.get_text())
        channel = BeautifulSoup(parsed.feed.subtitle, "html.parser")
        assert channel.find() is None
    # The payloads reach readers as the words they are.
    assert any("<script>alert(1)</script>" in text for text in seen)


def test_body_without_raw_html_is_text_and_unsafe_links_are_dropped(hostile_site: Path) -> None:
    bodies = [BeautifulSoup(p.read_text("utf-8"), "html.parser").find("div",
                                                                      class_="article-body")
              for p in hostile_site.glob("*/*/index.html")]
    body = next(b for b in bodies if b is not None)
    assert "<script>alert(97)</script>" in body.get_text()
    hrefs = [a.get("href") for a in body.find_all("a")]
    assert "https://example.org/" in hrefs
    assert all(h is None or _scheme(h) in (None, "http", "https") for h in hrefs)
    srcs = [img.get("src") for img in body.find_all("img")]
    assert all(s is None or _scheme(s) in (None, "http", "https") for s in srcs), srcs
    for tag in body.find_all(True):  # attribute lists set none of these
        assert not [a for a in tag.attrs if a.startswith(("on", "data-pagefind"))
                    or a == "style"], tag
    heading = body.find("h2", class_="ok")
    assert heading is not None and heading.get_text() == "Head"
