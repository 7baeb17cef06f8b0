"""A site changes the theme in parts: blocks of base.html, and the theme's custom
properties from its own stylesheet (`extra_css`), without copying either.

tests/sites/overrides replaces the header (keeping the navigation block), adds a
meta tag to every head, and sets the accent colour in one line of static/css/brand.css.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import article, newsgen, soup, write_site

NOW = "2024-12-19 12:00"


@pytest.fixture
def overrides(fixture_site: Callable[[str], Path]) -> Path:
    site = fixture_site("overrides")
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    assert not run.warnings(), run.err
    return site


def test_header_block_is_replaced_and_head_additions_reach_every_page(overrides: Path) -> None:
    for page in ("index.html", "general/index.html", "general/ferry/index.html",
                 "tags/transport/index.html", "404.html"):
        html = soup(overrides / "dist" / page)
        assert html.select_one("header.gazette-header .gazette-motto") is not None, page
        assert html.select_one("header.site-header") is None, page  # the theme's header
        # the navigation block, reused inside the new header
        assert html.select_one("header.gazette-header nav.sections a") is not None, page
        assert html.select_one('head meta[name="gazette-edition"]') is not None, page
        assert html.select_one("footer.site-footer") is not None, page  # untouched block
    article = soup(overrides / "dist/general/ferry/index.html")
    # the article's own head (Open Graph, JSON-LD) is still there beside the site's
    assert article.select_one('meta[property="og:title"]')["content"] == (
        "Night ferry returns to the harbour")
    assert article.select_one('script[type="application/ld+json"]') is not None


def test_extra_css_comes_after_the_theme_stylesheet(overrides: Path) -> None:
    links = [link["href"] for link in soup(overrides / "dist/general/ferry/index.html")
             .select('head link[rel="stylesheet"]')]
    assert links == ["/assets/newsgen.css", "/css/brand.css"]
    assert (overrides / "dist/css/brand.css").read_text() == ":root { --accent: #0a7d32; }\n"
    # the theme's stylesheet is the built-in one, not a copy the site had to keep
    assert "--accent: #b3121b" in (overrides / "dist/assets/newsgen.css").read_text()


@pytest.mark.browser
def test_the_accent_colour_changes_with_one_line(browser, overrides: Path) -> None:  # type: ignore[no-untyped-def]
    dist = overrides / "dist"
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(dist))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    page = browser.new_page()
    try:
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/general/ferry/")
        colour = page.eval_on_selector(
            ".kicker", "e => getComputedStyle(e).color")
        accent = page.eval_on_selector(
            ".gazette-header", "e => getComputedStyle(document.documentElement)"
                               ".getPropertyValue('--accent').trim()")
    finally:
        page.close()
        server.shutdown()
        server.server_close()
    assert colour == "rgb(10, 125, 50)"  # #0a7d32 from static/css/brand.css
    assert accent == "#0a7d32"


def test_a_missing_stylesheet_is_an_error_with_the_nearest_file(
        fixture_site: Callable[[str], Path]) -> None:
    site = fixture_site("overrides")
    config = site / "newsgen.yaml"
    config.write_text(config.read_text().replace("css/brand.css", "css/brnd.css"))
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 1
    assert run.errors() == ["newsgen.yaml:5: error: extra_css: no file 'css/brnd.css' in "
                            "static/ or content/; did you mean 'css/brand.css'?"]
    assert not (site / "dist").exists()


@pytest.mark.parametrize(("value", "message"), [
    ("https://cdn.example/x.css", "extra_css: 'https://cdn.example/x.css' is not a file of "
                                  "the site: give the path of a file under static/, like "
                                  "css/site.css"),
    ("[css/brand.css, {a: 1}]", "extra_css: expected the path of a stylesheet of the site, "
                                "like css/site.css, got a mapping"),
])
def test_extra_css_values_are_checked(fixture_site: Callable[[str], Path], value: str,
                                      message: str) -> None:
    site = fixture_site("overrides")
    config = site / "newsgen.yaml"
    config.write_text(config.read_text().replace("css/brand.css", value, 1))
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 1
    assert [line.split(": error: ", 1)[1] for line in run.errors()] == [message]


def _png(width: int = 1200, height: int = 675) -> bytes:
    import io

    from PIL import Image

    data = io.BytesIO()
    Image.new("RGB", (width, height), (40, 90, 160)).save(data, "PNG")
    return data.getvalue()


@pytest.fixture
def pictured(tmp_path: Path) -> Path:
    """The newest story has no picture; the next two have one."""
    from conftest import article, write_site

    files: dict[str, str | bytes] = {
        "newsgen.yaml": "title: Pictures\nbase_url: https://pictures.example/\n",
        "content/general/photo.png": _png(),
    }
    for i, day in enumerate((18, 17, 16)):
        extra = {} if i == 0 else {"image": "{src: photo.png, alt: A blue square}"}
        files[f"content/general/s{i}.md"] = article(f"Story {i}", f"2024-12-{day} 10:00",
                                                     "General", tags="[port]", **extra)
    site = write_site(tmp_path / "site", files)
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    return site / "dist"


@pytest.mark.parametrize("page", ["index.html", "general/index.html", "tags/port/index.html"])
def test_the_first_picture_of_a_list_loads_first(pictured: Path, page: str) -> None:
    images = soup(pictured / page).select("main img")  # the home page also has blocks
    assert len(images) >= 2
    first, rest = images[0], images[1:]
    assert first.get("fetchpriority") == "high" and first.get("loading") is None
    assert all(img.get("loading") == "lazy" and img.get("fetchpriority") is None
               for img in rest)


def test_a_site_without_an_icon_gets_the_themes_and_no_icon_request_404s(
        pictured: Path, overrides: Path) -> None:
    from PIL import Image

    for dist in (pictured, overrides / "dist"):
        for page in ("index.html", "general/index.html", "404.html"):
            icon = soup(dist / page).select_one('head link[rel="icon"]')
            assert icon is not None and icon["href"] == "/favicon.svg", page
        assert (dist / "favicon.svg").read_text().startswith("<svg")
        assert Image.open(dist / "favicon.ico").format == "ICO"


def test_a_sites_own_icon_replaces_the_themes(tmp_path: Path) -> None:
    from conftest import article, write_site

    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "title: Own icon\nbase_url: https://icon.example/\n",
        "static/favicon.png": _png(64, 64),
        "content/general/a.md": article("A story"),
    })
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    icon = soup(site / "dist/index.html").select_one('head link[rel="icon"]')
    assert icon["href"] == "/favicon.png"
    assert (site / "dist/favicon.ico").is_file()  # browsers ask for it anyway


def test_every_page_has_a_meta_description(overrides: Path) -> None:
    dist = overrides / "dist"
    pages = sorted(dist.rglob("*.html"))
    assert len(pages) > 8
    for page in pages:
        meta = soup(page).select_one('head meta[name="description"]')
        assert meta is not None and meta["content"].strip(), page.relative_to(dist)

    def described(rel: str) -> str:
        return str(soup(dist / rel).select_one('meta[name="description"]')["content"])

    assert described("index.html") == "News of the harbour town, every morning since 1921."
    assert described("general/index.html") == "Latest news from General — Harbour Gazette"
    assert described("tags/transport/index.html") == (
        "Articles tagged transport — Harbour Gazette")
    assert described("archive/2024/12/index.html") == "December 2024: articles — Harbour Gazette"
    assert described("general/ferry/index.html") == "The night ferry sails again from Friday."


def test_a_site_without_a_description_is_told_once_and_described_in_its_language(
        tmp_path: Path) -> None:
    from conftest import article, write_site

    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "title: Aşgabat Agşamy\nlanguage: tk\nbase_url: https://a.example/\n",
        "content/umumy/a.md": article("Täze habar", section="Umumy", tags="[ykdysadyýet]"),
        "content/umumy/b.md": article("Ikinji habar", section="Umumy"),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    assert run.warnings() == ["newsgen.yaml:1: warning: no description: the home page's meta "
                              "description, which search engines show under the site's name, "
                              "is made from the labels; set description: with one line about "
                              "the site"]
    home = soup(site / "dist/index.html").select_one('meta[name="description"]')["content"]
    assert home == "Aşgabat Agşamy: iň soňky habarlar"
    section = soup(site / "dist/umumy/index.html").select_one('meta[name="description"]')
    assert section["content"] == "«Umumy» bölüminden iň soňky habarlar — Aşgabat Agşamy"


def test_a_replaced_macros_file_keeps_the_built_in_picture_as_the_readme_shows(
        tmp_path: Path) -> None:
    """The built-in article template imports `picture` and `held_mark` from macros.html:
    a site's own macros.html defines them, here by calling the built-in ones."""
    from conftest import NOW, newsgen, write_site
    from PIL import Image

    site = write_site(tmp_path / "s", {
        "templates/macros.html":
            '{% import "builtin/macros.html" as builtin with context %}\n'
            "{% macro picture(image, lazy=true, sizes=none) %}"
            "{{ builtin.picture(image, lazy, sizes) }}{% endmacro %}\n"
            "{% macro held_mark(held) %}{{ builtin.held_mark(held) }}{% endmacro %}\n"
            "{% macro article_card(article, level=2, lead=false, lazy=true) %}"
            '<article><a href="{{ article.url }}">{{ article.title }}</a></article>'
            "{% endmacro %}\n{% macro pager(pagination) %}{% endmacro %}\n",
        "content/general/a.md": "---\ntitle: A\ndate: 2024-12-01\nsection: General\n"
                                "image: {src: p.jpg, alt: x}\n---\nx\n"})
    Image.new("RGB", (1600, 900), (9, 9, 9)).save(site / "content/general/p.jpg")
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    assert "<picture" in (site / "dist/general/a/index.html").read_text("utf-8")
    # The dev server's Draft mark, through the built-in macro (its words are the labels)
    from conftest import build_here

    (site / "content/general/d.md").write_text(
        "---\ntitle: D\ndate: 2024-12-02\nsection: General\ndraft: true\n---\nx\n")
    result, reporter = build_here(site, preview=True, drafts=True, output=tmp_path / "preview")
    assert result is not None, [str(d) for d in reporter.diagnostics]
    assert "Draft" in (tmp_path / "preview/general/d/index.html").read_text("utf-8")


def test_an_optional_params_key_is_empty_where_an_article_or_the_site_lacks_it(
        tmp_path: Path) -> None:
    """`article.params.kicker`, as the README shows it, in a site where only some articles
    set it: the others get nothing, not a failed build (templates are strict otherwise)."""
    from conftest import NOW, article, write_site

    site = write_site(tmp_path / "s", {
        "newsgen.yaml": "params:\n  motto: Daily\n",
        "templates/article.html":
            '{% extends "builtin/article.html" %}{% block meta %}{{ super() }}'
            '{% if article.params.kicker %}<meta name="kicker" content="{{ '
            'article.params.kicker }}">{% endif %}'
            '<meta name="extra" content="[{{ article.params.subtitle }}|'
            '{{ article.params["byline"] }}|{{ article.params.box.label }}|'
            '{% for n in article.params.notes %}{{ n.text }}{{ n.missing }};{% endfor %}|'
            '{{ site.params.motto }}{{ site.params.missing }}]">{% endblock %}',
        "content/general/a.md": article("A", kicker="Exclusive", subtitle="Sub",
                                        box="{label: Boxed}",
                                        notes="[{text: one}, {text: two}]"),
        "content/general/b.md": article("B"),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    a = soup(site / "dist/general/a/index.html")
    assert a.select_one('meta[name="kicker"]')["content"] == "Exclusive"
    assert a.select_one('meta[name="extra"]')["content"] == "[Sub||Boxed|one;two;|Daily]"
    b = soup(site / "dist/general/b/index.html")
    assert b.select_one('meta[name="kicker"]') is None
    assert b.select_one('meta[name="extra"]')["content"] == "[||||Daily]"
    # a misspelt variable outside params is still an error
    (site / "templates/article.html").write_text(
        '{% extends "builtin/article.html" %}{% block meta %}{{ artcle.title }}{% endblock %}')
    assert newsgen("build", "-s", site, "--now", NOW).code == 1


def test_an_article_template_that_drops_the_contracts_hooks_gets_a_warning(
        tmp_path: Path) -> None:
    """Custom templates may change the look, not an article page's hooks: a site's
    article.html that leaves out the time, the read-also block, OpenGraph and JSON-LD is
    told so, once, naming what is missing; one that extends the built-in one is not."""
    from conftest import NOW, article, write_site

    site = write_site(tmp_path / "s", {
        "newsgen.yaml": "base_url: https://hooks.example/\ndescription: D.\n",
        "templates/article.html": '{% extends "base.html" %}{% block content %}'
                                  "<h1>{{ article.title }}</h1>{% endblock %}",
        "content/general/a.md": article("A", related="[b]"),
        "content/general/b.md": article("B", date="2024-12-17 09:00"),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    assert run.warnings() == [
        'templates/article.html: warning: article pages made with the site\'s templates lack '
        '<time datetime="…">, the body inside <article>, <aside class="read-also">, '
        "OpenGraph tags, JSON-LD of type NewsArticle (/general/a/index.html for one): the "
        "built-in theme's have them, for readers and search engines; keep them (extend "
        '"builtin/article.html" and call super() in the blocks you replace)']
    assert newsgen("build", "-s", site, "--now", NOW).warnings() == run.warnings()  # replayed
    (site / "templates/article.html").write_text(
        '{% extends "builtin/article.html" %}{% block meta %}{{ super() }}'
        '<meta name="x" content="y">{% endblock %}')
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0 and run.warnings() == [], run.err
    # a heading kept as text in a body's <pre> is not a second <h1> of the page
    (site / "content/general/a.md").write_text(article(
        "A", related="[b]", body="<pre><h1>kept as written</h1></pre>\n"))
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0 and run.warnings() == [], run.err
    # an <article> that the body is outside of is not "the body inside <article>"
    (site / "templates/article.html").write_text(
        '{% extends "builtin/article.html" %}{% block content %}<article><h1>'
        "{{ article.title }}</h1></article>{{ article.body }}{% endblock %}")
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0 and ", the body inside <article> (" in run.err, run.err
    # a read_also.html of the site's that drops the block is the one named, with advice
    # that fits a partial (article.html, which extends the built-in one, was blamed)
    (site / "templates/article.html").write_text(
        '{% extends "builtin/article.html" %}{% block meta %}{{ super() }}{% endblock %}')
    (site / "templates/read_also.html").write_text(
        "<ul>{% for item in article.read_also %}<li>{{ item.title }}</li>{% endfor %}</ul>")
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0 and run.warnings() == [
        'templates/read_also.html: warning: article pages made with the site\'s templates '
        'lack <aside class="read-also"> (/general/a/index.html for one): the built-in '
        "theme's have them, for readers and search engines; keep them (start from the "
        'built-in read_also.html, or include "builtin/read_also.html")'], run.err


def test_site_publisher_logo_is_an_href_yours_or_the_themes(tmp_path: Path) -> None:
    from conftest import NOW, article, write_site
    from PIL import Image

    site = write_site(tmp_path / "s", {
        "newsgen.yaml": "base_url: https://logo.example/news/\ndescription: D.\n",
        "templates/base.html": '{% extends "builtin/base.html" %}{% block head_extra %}'
                               '<link rel="x-logo" href="{{ site.publisher_logo }}">'
                               "{% endblock %}",
        "content/general/a.md": article("A")})
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    logo = soup(site / "dist/general/a/index.html").select_one('link[rel="x-logo"]')["href"]
    assert logo == "/news/assets/newsgen-logo.png" and (site / "dist" / logo[6:]).is_file()
    (site / "static/img").mkdir(parents=True)
    Image.new("RGB", (600, 60)).save(site / "static/img/logo.png")
    (site / "newsgen.yaml").write_text("base_url: https://logo.example/news/\ndescription: D."
                                       "\npublisher:\n  logo: img/logo.png\n")
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    logo = soup(site / "dist/general/a/index.html").select_one('link[rel="x-logo"]')["href"]
    assert logo == "/news/img/logo.png"


def test_body_heading_ids_never_repeat_the_themes(tmp_path: Path) -> None:
    """`## Main` or `## Read also title` in a body would give the page a second
    id="main" (invalid HTML, and a contents link that jumps to the page's <main>): such a
    heading's id is made another, and the contents links follow it."""
    site = write_site(tmp_path / "s", {
        "content/general/a.md": article("A", body="## Main\n\nx\n\n## Site search\n\ny\n\n"
                                        "## Read also title\n\nz\n\n## Main\n\nw\n\n"
                                        "## Intro {#main}\n\nv\n\nP\n{: ID=main }\n\n"
                                        "Q\n{: #main }\n\nR\n{: id=fn:1 }\n\nS[^1]\n\n"
                                        "[^1]: Note.\n",
                                        tags="[t]"),
        "content/general/b.md": article("B", tags="[t]"),
        "templates/article.html": '{% extends "builtin/article.html" %}{% block content %}'
                                  '{{ super() }}<nav class="toc">{{ article.toc }}</nav>'
                                  '{% endblock %}',
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    page = soup(site / "dist/general/a/index.html")
    ids = [tag["id"] for tag in page.find_all(id=True)]
    assert len(ids) == len(set(ids)), ids
    heads = [h["id"] for h in page.find("div", class_="article-body").find_all("h2")]
    # (ids written `{#main}`, `{: ID=main }` or `{: id=fn:1 }` get others too)
    body_ids = [t["id"] for t in page.find("div", class_="article-body").find_all(id=True)]
    assert not {"main", "site-search", "read-also-title", "fn:1"} & {
        i for i in body_ids if not i.startswith("fn")} and body_ids.count("fn:1") == 1
    assert [h.split("_")[0] for h in heads] == ["main", "site-search", "read-also-title",
                                                "main", "main"]
    toc = [a["href"] for a in page.find("nav", class_="toc").find_all("a")]
    assert toc == [f"#{h}" for h in heads]


def test_a_sites_macros_html_without_a_theme_macro_is_blamed_once(tmp_path: Path) -> None:
    """A site's macros.html that leaves out `pager`: an error on that file, once for each
    theme template that imports it, not one per page kind on the theme's templates."""
    site = write_site(tmp_path / "s", {
        "content/general/a.md": article("A", tags="[x]"),
        "templates/macros.html": "{% macro picture(i, lazy=true) %}{% endmacro %}"
                                 "{% macro held_mark(h) %}{% endmacro %}"
                                 "{% macro article_card(e, level=2, lazy=true, lead=false) %}"
                                 "{{ e.title }}{% endmacro %}\n",
    })
    run = newsgen("build", "-s", site, "--now", "2024-12-19 12:00")
    assert run.code == 1
    assert run.errors() == [
        f"templates/macros.html: error: defines no macro 'pager', which {user} imports: "
        "define it (copy it from the theme's macros.html)"
        for user in ("section.html", "taxonomy.html")], run.err


def test_a_macros_html_that_sets_the_themes_macros_is_whole(tmp_path: Path) -> None:
    """`{% set pager = builtin.pager %}` exports `pager` as well as a macro would; and a
    site without its own macros.html that imports a name the theme's lacks is told so on
    its own template's line, not on a macros.html it does not have."""
    site = write_site(tmp_path / "s", {
        "content/general/a.md": article("A", tags="[x]"),
        "templates/macros.html": '{% import "builtin/macros.html" as builtin with context %}'
                                 "{% set picture = builtin.picture %}"
                                 "{% set held_mark = builtin.held_mark %}"
                                 "{% if true %}{% set pager = builtin.pager %}{% endif %}"
                                 "{% macro article_card(article, level=2, lead=false, "
                                 "lazy=true) %}{{ article.title }}{% endmacro %}\n",
    })
    run = newsgen("build", "-s", site, "--now", "2024-12-19 12:00")
    assert run.code == 0, run.err
    write_site(site, {"templates/article.html": '{% extends "builtin/article.html" %}\n'
                                                '{% from "macros.html" import byline %}\n'
                                                "{% block meta %}{{ byline() }}{% endblock %}"})
    for own in (True, False):  # a name the theme's macros.html has not: the importer's typo,
        if not own:            # said on the line that imports it
            (site / "templates/macros.html").unlink()
        run = newsgen("build", "-s", site, "--now", "2024-12-19 12:00")
        assert run.code == 1
        assert [e.split(" (used at line 3): ")[0] for e in run.errors()] == [
            "templates/article.html:2: error: while rendering /general/a/index.html"], run.err


def test_a_taxonomy_template_for_tags_and_authors_is_not_used_for_months(
        tmp_path: Path) -> None:
    """The contract's taxonomy.html renders tag and author pages: an override that shows
    the `term` builds, and archive months keep their own template (month.html)."""
    site = tmp_path / "site"
    write_site(site, {
        "content/general/a.md": article(title="Port", tags="[energy]"),
        "templates/taxonomy.html": '{% extends "builtin/base.html" %}{% block content %}'
                                   '<h1 id="term">{{ term.name }} ({{ term.count }})</h1>'
                                   "{% endblock %}",
        "templates/month.html": '{% extends "builtin/month.html" %}{% block content %}'
                                '<p id="month">{{ page.title }}</p>{{ super() }}'
                                "{% endblock %}",
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    assert soup(site / "dist/tags/energy/index.html").select_one("#term").get_text() == (
        "energy (1)")
    month = soup(site / "dist/archive/2024/12/index.html")
    assert month.select_one("#month").get_text() == "December 2024"
    assert [a.get_text(strip=True) for a in month.select(".cards h2 a")] == ["Port"]
