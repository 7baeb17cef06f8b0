"""Archives laid out as Hugo and Jekyll keep them (tests/sites/archive-layout): a folder
per language, the default one too (`default_language_prefix`), `zh_cn`-style codes, the
section from the folder, the date from the file name, translations by shared path; code
fences inside lists; Hugo's and Jekyll's fields read with another meaning, said once;
and `newsgen check --old-sitemap`."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import article, built_copy, newsgen, soup, write_site
from hypothesis import given, settings
from hypothesis import strategies as st

NOW = "2024-03-10 12:00"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    site, run = built_copy(tmp_path_factory, "archive-layout", now=NOW)
    return site, run.err


def test_every_language_has_its_folder_and_the_root_sends_to_the_default(
        built: tuple[Path, str]) -> None:
    site, _ = built
    out = site / "dist"
    root = soup(out / "index.html")
    refresh = root.find("meta", attrs={"http-equiv": "refresh"})
    assert refresh is not None and refresh["content"] == "0; url=/en/"
    assert root.find("link", rel="canonical")["href"] == "https://archive.example/en/"
    assert root.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    assert soup(out / "en/index.html").find("html")["lang"] == "en"
    assert (out / "404.html").exists() and (out / "en/404.html").exists()
    assert (out / "en/feed.xml").exists() and not (out / "feed.xml").exists()
    sitemap = (out / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://archive.example/</loc>" not in sitemap
    assert "<loc>https://archive.example/en/</loc>" in sitemap


def test_section_date_and_slug_come_from_the_path(built: tuple[Path, str]) -> None:
    site, _ = built
    page = site / "dist/en/news/2024/03/05/ferry-timetable/index.html"
    doc = soup(page)
    assert doc.find("h1").get_text(strip=True) == "The winter ferry timetable is out"
    assert doc.find("time")["datetime"].startswith("2024-03-05T00:00:00")
    assert (site / "dist/en/releases/2024/01/20/tide-tables/index.html").exists()
    # a date in the front matter wins over the file name's
    quay = soup(site / "dist/en/news/2024/02/11/quay-repairs/index.html")
    assert quay.find("time")["datetime"].startswith("2024-02-11T09:15:00")


def test_same_path_in_language_folders_is_a_translation(built: tuple[Path, str]) -> None:
    site, _ = built
    out = site / "dist"
    en = soup(out / "en/news/2024/03/05/ferry-timetable/index.html")
    zh = soup(out / "zh_cn/news/2024/03/05/ferry-timetable/index.html")
    assert zh.find("html")["lang"] == "zh-CN"
    alternates = {a["hreflang"]: a["href"] for a in en.find_all("link", rel="alternate")
                  if a.get("hreflang")}
    assert alternates["ru"] == "https://archive.example/ru/news/2024/03/05/ferry-timetable/"
    assert alternates["zh-CN"] == \
        "https://archive.example/zh_cn/news/2024/03/05/ferry-timetable/"
    assert alternates["en"] == "https://archive.example/en/news/2024/03/05/ferry-timetable/"
    assert zh.find("a", hreflang="ru", lang="ru") is not None  # the body lists its siblings


def test_code_fences_survive_lists_and_quotes(built: tuple[Path, str]) -> None:
    site, _ = built
    doc = soup(site / "dist/en/news/2024/02/11/quay-repairs/index.html")
    body = doc.find("article")
    assert body.select_one("li pre code") is not None
    assert "# the notices, newest first" in body.select_one("li pre code").get_text()
    assert not body.find("h1", string="the notices, newest first")
    assert not body.find("h1", string="not a heading")
    assert "# not a heading" in [c.get_text().strip() for c in body.select("pre code")]
    assert body.select_one("blockquote pre code").get_text().strip() == "quoted notice"
    assert "```" not in body.get_text()


def test_fields_read_with_another_meaning_are_said_once(built: tuple[Path, str]) -> None:
    _, err = built
    categories = [w for w in err.splitlines() if "'categories' is read as tags" in w]
    assert len(categories) == 1 and "(2 files)" in categories[0]
    assert categories[0].startswith("content/en/blog/2023-12-24-lights.md:3: warning:")
    commas = [w for w in err.splitlines() if "split at commas" in w]
    assert len(commas) == 1 and commas[0].startswith(
        "content/en/releases/2024-01-20-tide-tables.md:3: warning:")
    images = [w for w in err.splitlines() if "only the first is the lead image" in w]
    assert len(images) == 1


def test_old_sitemap_check(built: tuple[Path, str], tmp_path: Path) -> None:
    site, _ = built
    old = tmp_path / "old-sitemap.xml"
    old.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        "  <url><loc>https://old.example/en/news/2024/03/05/ferry-timetable/</loc></url>\n"
        "  <url><loc>https://old.example/news/2024/02/11/quay-repairs.html</loc></url>\n"
        "  <url><loc>https://old.example/ru/news/2024/03/05/ferry-timetable</loc></url>\n"
        "  <url><loc>https://old.example/en/news/2019/01/01/gone/</loc></url>\n"
        "  <url><loc>https://old.example/favicon.svg?v=1&amp;x=2</loc></url>\n"
        "  <url><loc>https://old.example/en/categories/ferries/</loc></url>\n"
        "</urlset>\n", encoding="utf-8")
    run = newsgen("check", "-s", site, "--now", NOW, "--old-sitemap", old)
    assert run.code == 1
    assert run.errors() == [
        f"{old}:6: error: https://old.example/en/news/2019/01/01/gone/ is neither a page nor "
        "a redirect in the new build (/en/news/2019/01/01/gone/index.html is missing); give "
        "the article that replaces it aliases: [/en/news/2019/01/01/gone/]",
        # Hugo's and Jekyll's category lists are tag pages here: no article alias fits
        f"{old}:8: error: https://old.example/en/categories/ferries/ was a list page of the "
        "old site; its articles are listed at /en/tags/ferries/ now: redirect it there on "
        "the web server (only an article can carry aliases)"]
    assert "6 old URLs: 2 pages, 1 redirect, 1 file, 2 missing" in run.err
    listed = tmp_path / "urls.txt"
    listed.write_text("# pages of the old site\n/en/\nhttps://old.example/zh_cn/news/\n",
                      encoding="utf-8")
    ok = newsgen("check", "-s", site, "--now", NOW, "--old-sitemap", listed)
    assert ok.code == 0, ok.err
    assert "2 old URLs: 2 pages, 0 redirects, 0 files, 0 missing" in ok.err
    listed.write_text("/en/\nhttps://[::1/x\n", encoding="utf-8")  # no URL: said on its line
    bad = newsgen("check", "-s", site, "--now", NOW, "--old-sitemap", listed)
    assert bad.errors() == [f"{listed}:2: error: https://[::1/x is not a URL: its host opens "
                            "'[' for an IPv6 address and never closes it"]
    # a sitemap cut short, an entry left open, or nothing at all proves nothing: an error
    whole = old.read_text(encoding="utf-8")
    for name, text, says in (
            ("cut.xml", whole[: whole.index("<url><loc>https://old.example/en/news/2019")],
             "ends before its </urlset>"),
            ("open.xml", whole.replace("gone/</loc></url>", "gone/</url>"), "each entry must "
                                                                            "be whole"),
            ("empty.xml", "", "lists no URL"),
            ("nothing.xml", '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                            "\n</urlset>\n", "lists no URL")):
        broken = tmp_path / name
        broken.write_text(text, encoding="utf-8")
        bad = newsgen("check", "-s", site, "--now", NOW, "--old-sitemap", broken)
        assert bad.code == 1 and says in bad.err and "nothing was checked" in bad.err, name
    index = tmp_path / "index.xml"
    index.write_text('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                     "<sitemap><loc>https://old.example/s1.xml</loc></sitemap>"
                     "</sitemapindex>", encoding="utf-8")
    refused = newsgen("check", "-s", site, "--now", NOW, "--old-sitemap", index)
    assert refused.code == 1 and "sitemap index" in refused.err


def test_hugo_language_suffix_and_categories_as_section(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "title: T\ndescription: d\nsections_from: categories\n"
                        "languages:\n  ru: {}\n",
        "content/posts/visit.md": "---\ntitle: Visit\ndate: 2024-03-01\n"
                                  "categories: [Politics, Diplomacy]\n---\nText.\n",
        "content/posts/visit.ru.md": "---\ntitle: Визит\ndate: 2024-03-01\n"
                                     "categories: [Politics]\n---\nТекст.\n",
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    assert "read as tags" not in run.err
    en = soup(site / "dist/politics/visit/index.html")
    ru = soup(site / "dist/ru/politics/visit/index.html")
    assert ru.find("html")["lang"] == "ru"
    assert [a.get_text(strip=True) for a in en.select("a[rel=tag]")] == ["Diplomacy"]
    hreflangs = {a["hreflang"] for a in en.find_all("link", rel="alternate")
                 if a.get("hreflang")}
    assert {"en", "ru"} <= hreflangs


def test_without_the_options_the_path_gives_no_section_or_date(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "content/news/2024-03-01-visit.md": "---\ntitle: Visit\n---\nText.\n",
        "content/news/2024-03-02-talks.md": article("Talks", "2024-03-02", "News"),
    })
    run = newsgen("check", "-s", site, "--now", NOW)
    assert run.code == 1
    assert "content/news/2024-03-01-visit.md:1: error: missing required field 'date' (or " \
           "set filename_dates: true in newsgen.yaml" in run.err
    assert "missing required field 'section' (or set sections_from: folder" in run.err
    built = newsgen("build", "-s", site, "--now", NOW)
    assert built.code == 1
    (site / "content/news/2024-03-01-visit.md").unlink()
    again = newsgen("build", "-s", site, "--now", NOW)
    assert again.code == 0, again.err
    assert (site / "dist/news/2024-03-02-talks/index.html").exists()  # slug keeps the date


def test_language_codes_as_sites_write_them(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "title: T\ndescription: d\nlanguages:\n  pt_br: {title: Notícias}\n",
        "content/a.md": article("Um", "2024-03-01", "Geral", lang="pt-BR"),
        "content/b.md": article("Dois", "2024-03-02", "Geral", lang="pt_br"),
        "content/c.md": article("Three", "2024-03-02", "General", lang="pt_pt"),
    })
    run = newsgen("check", "-s", site, "--now", NOW)
    assert run.errors() == [
        "content/c.md:5: error: lang: 'pt_pt' is not a language of this site (configured: "
        "en, pt-BR; add it under 'languages' in newsgen.yaml); did you mean 'pt-BR'?"]
    (site / "content/c.md").unlink()
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    page = soup(site / "dist/pt_br/geral/a/index.html")
    assert page.find("html")["lang"] == "pt-BR"
    assert (site / "dist/pt_br/geral/b/index.html").exists()
    bad = write_site(tmp_path / "bad", {"newsgen.yaml": "languages:\n  zz_qq: {}\n"})
    refused = newsgen("check", "-s", bad)
    assert refused.code == 1 and "zz_qq" in refused.err


_segment = st.sampled_from(["en", "ru", "zh_cn", "EN", "news", "2024-02-30-x", "2024-03-05-",
                            "a.ru", "b.zh_cn", "_posts", "x.y.z", "ё", "2024-03-05-visit"])


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(_segment, min_size=1, max_size=4),
       suffix=st.sampled_from([".md", ".markdown", ".MD"]),
       options=st.tuples(st.sampled_from(["front_matter", "folder", "categories"]),
                         st.booleans()))
def test_what_a_path_says_is_total_and_consistent(parts: list[str], suffix: str,
                                                  options: tuple[str, bool]) -> None:
    """Any path gives facts without failing; the language's folder or suffix never stays in
    the translation key, so the same story in two language folders shares one."""
    import tempfile
    from dataclasses import replace
    from pathlib import Path

    from newsgen.errors import Reporter
    from newsgen.parse.config import load_config
    from newsgen.parse.readings import path_facts

    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "newsgen.yaml").write_text("languages:\n  ru: {}\n  zh_cn: {}\n",
                                             encoding="utf-8")
        config = load_config(Path(tmp), Reporter())
    config = replace(config, sections_from=options[0], filename_dates=options[1])
    path = "/".join(parts) + suffix
    facts = path_facts(config, path)
    assert facts.lang in (None, "en", "ru", "zh-CN")
    assert facts.stem
    if facts.date is not None:
        assert not facts.stem.startswith(f"{facts.date:%Y-%m-%d}-")
    if len(parts) > 1 and parts[0] in ("ru", "zh_cn"):
        other = "zh_cn" if parts[0] == "ru" else "ru"
        twin = path_facts(config, "/".join([other, *parts[1:]]) + suffix)
        assert twin.translation_key == facts.translation_key
        assert {twin.lang, facts.lang} == {"ru", "zh-CN"} or "." in parts[-1]


@pytest.mark.parametrize(("text", "html"), [
    # braces that are not attributes stay text, in their place
    ("The set *S*{1, 2} and **bold**{x} and a_b_{c d} here.",
     "<p>The set <em>S</em>{1, 2} and <strong>bold</strong>{x} and a_b_{c d} here.</p>"),
    # braces that are: kramdown's and Python-Markdown's forms
    ('![a](x.png){: .wide} and *em*{: #id} *b*{.c data-x="1 2"}',
     '<img alt="a" class="wide" src="x.png"> and <em id="id">em</em> '
     '<em class="c" data-x="1 2">b</em>'),
    ("Para text\n{: .lead }", '<p class="lead">Para text</p>'),
    # a correction struck out, as Hugo and GitHub show it; no ~subscript~
    ("As of ~~January 11~~ now, H~2~O.", "<p>As of <del>January 11</del> now, H~2~O.</p>"),
    # headings start at <h2> below the title, whatever level the body starts at
    ("#### Facts\n\ntext\n\n##### Detail", '<h2 id="facts">Facts</h2>\n<p>text</p>\n'
                                               '<h3 id="detail">Detail</h3>'),
    ("# Top\n\n### Deep", '<h2 id="top">Top</h2>\n<h3 id="deep">Deep</h3>'),
    # a backslash escapes any ASCII punctuation, as in CommonMark
    ("Costs \\~90 ms, \\$5, \\@x; C:\\Users stays.", "<p>Costs ~90 ms, $5, @x; C:\\Users "
                                                     "stays.</p>"),
])
def test_markdown_as_hugo_and_jekyll_archives_write_it(text: str, html: str) -> None:
    from newsgen.parse.markup import PLACEHOLDER_RE, Converter

    body = Converter().convert(text)
    shown = PLACEHOLDER_RE.sub(lambda m: body.links[int(m.group(1))], body.html)
    assert html in shown


def test_section_titles_take_any_spelling_of_a_language(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "title: T\ndescription: d\nlanguages:\n  zh-cn: {}\n  pt_br: {}\n"
                        "sections:\n  - slug: news\n    title: News\n"
                        "    titles: {zh_cn: 新闻, pt-BR: Notícias}\n",
        "content/news/a.md": article("A", "2024-03-01", "News", lang="zh-cn"),
        "content/news/b.md": article("B", "2024-03-01", "News", lang="pt-br"),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    assert "新闻" in soup(site / "dist/zh-cn/news/index.html").find("h1").get_text()
    assert "Notícias" in soup(site / "dist/pt_br/news/index.html").find("h1").get_text()


def test_what_the_path_cannot_say_is_said_precisely(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "title: T\ndescription: d\nsections_from: folder\n"
                        "filename_dates: true\nlanguages:\n  ru: {}\n",
        "content/news/9999-12-31-far.md": "---\ntitle: Far\n---\nx\n",
        "content/news/2024-02-30-bad.md": "---\ntitle: Bad\n---\nx\n",
        "content/news/undated.md": "---\ntitle: Undated\n---\nx\n",
        "content/ru/top.md": "---\ntitle: Top\ndate: 2024-03-01\n---\nx\n",
        "content/news/2024-03-01-ok.md": "---\ntitle: Fine\n---\nx\n",
    })
    for extra in ((), ("--future",)):  # a year past 9000 is refused, never an overflow
        run = newsgen("check", "-s", site, "--now", NOW, *extra)
        assert run.code == 1
        assert sorted(run.errors()) == [
            "content/news/2024-02-30-bad.md:1: error: missing required field 'date' "
            "('2024-02-30' in the file name is not a date)",
            "content/news/9999-12-31-far.md:1: error: missing required field 'date' "
            "('9999-12-31' in the file name is not a date)",
            "content/news/undated.md:1: error: missing required field 'date' (the file "
            "name has no YYYY-MM-DD- prefix)",
            "content/ru/top.md:1: error: missing required field 'section' (the file is "
            "not in a section's folder under content/)"], run.err


def test_categories_as_section_say_what_is_missing_and_where(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "title: T\ndescription: d\nsections_from: categories\n",
        "content/a.md": "---\ntitle: A\ndate: 2024-03-01\ncategories: []\n---\nx\n",
        "content/b.md": "---\ntitle: B\ndate: 2024-03-01\ncategories: ['!!!']\n---\nx\n",
        "content/c.md": "---\ntitle: C\ndate: 2024-03-01\nsection: News\n"
                        "categories: [Sport, Local]\n---\nx\n",
    })
    run = newsgen("check", "-s", site, "--now", NOW)
    errors = run.errors()
    assert "content/a.md:1: error: missing required field 'section' (and it has no " \
           "category)" in errors
    # A category without letters is a section all the same, with an `n-<hash>` slug.
    assert not [e for e in errors if e.startswith("content/b.md")], errors
    (site / "content/a.md").unlink()
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    assert [p.name for p in (site / "dist").glob("n-*/b/index.html")] == ["index.html"]
    page = soup(site / "dist/news/c/index.html")  # its own section; both categories tags
    assert [a.get_text(strip=True) for a in page.select("a[rel=tag]")] == ["Sport", "Local"]


def test_old_urls_below_a_sub_folder_base(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "title: T\ndescription: d\nbase_url: https://e.org/news/\n",
        "content/general/ferry.md": article("Ferry", "2024-03-01", "General"),
    })
    listed = tmp_path / "old.txt"
    listed.write_text("/news/missing/\nhttps://old.example/news/x/../general/ferry/\n",
                      encoding="utf-8")
    run = newsgen("check", "-s", site, "--now", NOW, "--old-sitemap", listed)
    assert run.code == 1
    assert run.errors() == [
        f"{listed}:1: error: /news/missing/ is neither a page nor a redirect in the new "
        "build (/missing/index.html is missing); give the article that replaces it "
        "aliases: [/missing/]"]
    assert "2 old URLs: 1 page, 0 redirects, 0 files, 1 missing" in run.err
    assert "1 article: no problems in them; the old-URL check failed (above)" in run.err
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes(b"\xff\xfe/\x00n\x00")
    bad = newsgen("check", "-s", site, "--now", NOW, "--old-sitemap", utf16)
    assert bad.code == 1 and f"{utf16}:1: error: not UTF-8 text" in bad.err


def test_a_language_folder_and_suffix_that_differ_are_said(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "title: T\ndescription: d\nlanguages:\n  ru: {}\n",
        "content/ru/news/x.en.md": article("X", "2024-03-01", "News"),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    assert "content/ru/news/x.en.md: warning: language: its folder says 'ru' and its name " \
           "'en'; the name's (en) is used (set lang: to say which)" in run.warnings()
    assert (site / "dist/news/x/index.html").exists()


def test_old_sitemap_check_under_an_encoded_base_path(tmp_path: Path) -> None:
    """The base path is written percent-encoded (`/my%20news/`); an old sitemap's URLs
    are compared decoded, so its own sitemap is found whole."""
    site = write_site(tmp_path / "s", {
        "newsgen.yaml": "title: T\nbase_url: 'https://e.org/my news/'\n",
        "content/general/a.md": article("A")})
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    old = tmp_path / "old.xml"
    old.write_bytes((site / "dist/sitemap.xml").read_bytes())
    run = newsgen("check", "-s", site, "--now", NOW, "--old-sitemap", old)
    assert run.code == 0, run.err
    assert " 0 missing" in run.err
