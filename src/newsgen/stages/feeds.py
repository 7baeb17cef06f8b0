"""Machine-readable outputs: RSS 2.0 feeds, sitemaps, the Google News sitemap, robots.txt.

All XML is built with ElementTree, so any title (ampersands, `<`, `]]>`,
Cyrillic, emoji) gives well-formed XML. Characters XML 1.0 forbids (control
characters) are dropped.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from email.utils import format_datetime

from newsgen.model.site import Entry, LanguageSite, Site
from newsgen.parse.dates import iso, whole_minutes
from newsgen.stages.kinds import SITEMAP_KINDS, Page, versions
from newsgen.stages.views import Context

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/elements/1.1/"
MEDIA = "http://search.yahoo.com/mrss/"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
XHTML = "http://www.w3.org/1999/xhtml"
SITEMAP_LIMIT = 50_000
NEWS_LIMIT = 1_000

for prefix, uri in (("atom", ATOM), ("dc", DC), ("media", MEDIA)):
    ET.register_namespace(prefix, uri)

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    return _INVALID_XML.sub("", text)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    el = ET.SubElement(parent, tag, {k: clean(v) for k, v in attrib.items()})
    if text is not None:
        el.text = clean(text)
    return el


def _bytes(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def html_text(text: str) -> str:
    """Plain text for a feed field that readers render as HTML (RSS `description`).

    It is escaped for HTML here and for XML again when written, so a summary that reads
    `<script>` reaches a feed reader's page as the text `<script>`, never as markup.
    """
    return html.escape(text, quote=False)


def rfc822(moment: datetime) -> str:
    return format_datetime(whole_minutes(moment))


# --------------------------------------------------------------------------- RSS


def rss(ctx: Context, ls: LanguageSite, page: Page) -> bytes:
    urls = ctx.urls
    lang = ls.lang
    root = ET.Element("rss", {"version": "2.0"})
    channel = _sub(root, "channel")
    if page.section is not None:
        title = f"{lang.title}: {page.section.title_in(lang.code)}"
        link = urls.abs(f"{ls.prefix}{page.section.slug}/")
    else:
        title = lang.title
        link = urls.abs(ls.prefix)
    _sub(channel, "title", title)
    _sub(channel, "link", link)
    _sub(channel, "description", html_text(lang.description or title))
    _sub(channel, "language", lang.code)
    _sub(channel, "generator", "newsgen")
    _sub(channel, f"{{{ATOM}}}link", href=urls.abs(page.url), rel="self",
         type="application/rss+xml")
    if page.items:
        newest = max(e.modified for e in page.items)
        _sub(channel, "lastBuildDate", rfc822(ctx.local(newest)))
    for entry in page.items:
        _item(ctx, channel, entry)
    return _bytes(root)


def _item(ctx: Context, channel: ET.Element, entry: Entry) -> None:
    a = entry.article
    url = ctx.urls.abs(entry.url)
    item = _sub(channel, "item")
    _sub(item, "title", a.title)
    _sub(item, "link", url)
    _sub(item, "guid", url, isPermaLink="true")
    _sub(item, "pubDate", rfc822(ctx.local(a.date)))
    for author in entry.authors:
        _sub(item, f"{{{DC}}}creator", author.name)
    _sub(item, "category", entry.section.title_in(a.lang))
    for tag in entry.tags:
        _sub(item, "category", tag.name)
    _sub(item, "description", html_text(entry.summary))
    image = ctx.image(entry.image)
    if image is not None:
        media = _sub(item, f"{{{MEDIA}}}content", url=image.abs_src, medium="image")
        if image.alt:
            _sub(media, f"{{{MEDIA}}}description", image.alt)
        if image.credit:
            _sub(media, f"{{{MEDIA}}}credit", image.credit)


# --------------------------------------------------------------------------- sitemaps


def sitemap_pages(site: Site, pages: list[Page]) -> list[Page]:
    """The sitemap page(s): one file, or an index and parts when over 50,000 URLs."""
    count = sum(1 for p in pages if p.kind in SITEMAP_KINDS)
    code = site.config.default_language.code
    if count <= SITEMAP_LIMIT:
        return [Page("sitemap.xml", "sitemap.xml", "sitemap", code, "the sitemap", number=0)]
    parts = -(-count // SITEMAP_LIMIT)
    out = [Page("sitemap.xml", "sitemap.xml", "sitemap-index", code, "the sitemap index",
                total=parts)]
    for n in range(1, parts + 1):
        out.append(Page(f"sitemap-{n}.xml", f"sitemap-{n}.xml", "sitemap", code,
                        f"sitemap part {n}", number=n, total=parts))
    return out


class SitemapRecords:
    """The URL records of every HTML page, computed once per build."""

    def __init__(self, ctx: Context, pages: list[Page]) -> None:
        self.records: list[tuple[str, datetime | None, list[tuple[str, str]]]] = []
        urls = ctx.urls
        # Each entry's last change, and each language's newest, found once: list pages
        # show 700,000 entries at 100,000 articles.
        # The latest is found by timestamp: comparing aware datetimes asks their zones for
        # offsets, a second at 100,000 articles.
        changes = {id(e): e.modified for ls in ctx.site.languages for e in ls.entries}
        stamps = {key: moment.timestamp() for key, moment in changes.items()}
        newest = {ls.lang.code: changes[max(map(id, ls.entries), key=stamps.__getitem__)]
                  if ls.entries else None for ls in ctx.site.languages}
        for page in pages:
            if page.kind not in SITEMAP_KINDS:
                continue
            alternates = [(code, urls.abs(path)) for code, path in versions(page, ctx.site)]
            lastmod: datetime | None = None
            if page.kind == "article" and page.entry is not None:
                lastmod = page.entry.modified
            elif page.items:
                try:
                    lastmod = changes[max(map(id, page.items), key=stamps.__getitem__)]
                except KeyError:  # an entry not in its language's list: none today
                    lastmod = max(e.modified for e in page.items)
            elif page.kind in ("home", "tags", "authors", "archive"):
                lastmod = newest[page.lang]
            self.records.append((urls.abs(page.url), lastmod, alternates))


# Sitemaps use the sitemap namespace as the default one, as search engines document
# them. ElementTree cannot mix a default namespace with unqualified attributes, so
# the namespaces are declared on the root and the prefixed names written as is.
def _urlset(extra: dict[str, str]) -> ET.Element:
    return ET.Element("urlset", {"xmlns": SITEMAP, **extra})


def sitemap(ctx: Context, page: Page, records: SitemapRecords) -> bytes:
    if page.kind == "sitemap-index":
        root = ET.Element("sitemapindex", {"xmlns": SITEMAP})
        for n in range(1, page.total + 1):
            sm = _sub(root, "sitemap")
            _sub(sm, "loc", ctx.urls.abs(f"sitemap-{n}.xml"))
        return _bytes(root)
    chosen = records.records
    if page.number:
        chosen = chosen[(page.number - 1) * SITEMAP_LIMIT: page.number * SITEMAP_LIMIT]
    return urlset([(loc, iso(ctx.local(lastmod)) if lastmod is not None else None, alternates)
                   for loc, lastmod, alternates in chosen])


# Escapes as ElementTree's serializer makes them, for text and for attribute values.
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTRIBUTE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                            "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"})


def _element(tag: str, text: str) -> str:
    if not text or not clean(text):  # nothing to hold: an empty element
        return f"<{tag} />"
    return f"<{tag}>{text.translate(_TEXT)}</{tag}>"


def urlset(records: list[tuple[str, str | None, list[tuple[str, str]]]]) -> bytes:
    """A sitemap of `records` (location, last change as text, alternates), written as
    text: the same bytes as building it with ElementTree and indenting it (a test holds
    them equal), five times faster. A sitemap lists every page of the site, and a
    publish writes it again: 50,000 URLs took a second through ElementTree."""
    if not records:
        return _bytes(_urlset({"xmlns:xhtml": XHTML}))
    out = ["<?xml version='1.0' encoding='utf-8'?>\n",
           f'<urlset xmlns="{SITEMAP}" xmlns:xhtml="{XHTML}">']
    add = out.append
    for loc, lastmod, alternates in records:
        add("\n  <url>\n    ")
        add(_element("loc", loc))
        if lastmod is not None:
            add("\n    ")
            add(_element("lastmod", lastmod))
        for hreflang, href in alternates:
            add(f'\n    <xhtml:link rel="alternate" hreflang="{hreflang.translate(_ATTRIBUTE)}"'
                f' href="{href.translate(_ATTRIBUTE)}" />')
        add("\n  </url>")
    add("\n</urlset>\n")
    # Characters XML cannot hold are dropped from the whole, as from each value.
    return clean("".join(out)).encode()


def news_entries(site: Site) -> list[Entry]:
    """The Google News sitemap's articles: those of the last `news_sitemap.days` days,
    newest first; not those still ahead (`--future` publishes them: Google News takes
    no publication date to come). With none, the site has no news sitemap: the protocol
    requires at least one `<url>`, so the file (and its line in robots.txt) is left out."""
    now = site.now
    since = now - timedelta(days=site.config.news_sitemap.days)
    return sorted(
        (e for ls in site.languages for e in ls.entries if since < e.article.date <= now),
        key=lambda e: (-e.timestamp, e.url),
    )[:NEWS_LIMIT]


def news_language(code: str) -> str:
    """The language as Google News sitemaps name it: its ISO 639 code (`pt` for `pt-BR`),
    but Chinese, which it takes as `zh-cn` (simplified) or `zh-tw` (traditional) only."""
    lang, _, region = code.lower().replace("_", "-").partition("-")
    if lang == "zh":  # simplified (China, Singapore) or traditional script
        return "zh-tw" if region.split("-")[0] in ("tw", "hant", "hk", "mo") else "zh-cn"
    return lang


def news_sitemap(ctx: Context, page: Page) -> bytes:
    """Google News sitemap: the page's items (see `news_entries`)."""
    root = _urlset({"xmlns:news": NEWS})
    for entry in page.items:
        lang = ctx.config.language_config(entry.lang)
        url = _sub(root, "url")
        _sub(url, "loc", ctx.urls.abs(entry.url))
        news = _sub(url, "news:news")
        pub = _sub(news, "news:publication")
        _sub(pub, "news:name", lang.title)
        _sub(pub, "news:language", news_language(entry.lang))
        _sub(news, "news:publication_date", iso(ctx.local(entry.article.date)))
        _sub(news, "news:title", entry.article.title)
    return _bytes(root)


def robots(ctx: Context, news: bool) -> bytes:
    """robots.txt; `news`: the site has a news sitemap in this build."""
    lines = ["User-agent: *", "Allow: /"]
    if ctx.config.base_is_absolute:
        lines += ["", f"Sitemap: {ctx.urls.abs('sitemap.xml')}"]
        if news:
            lines.append(f"Sitemap: {ctx.urls.abs('news-sitemap.xml')}")
    return ("\n".join(lines) + "\n").encode("utf-8")
