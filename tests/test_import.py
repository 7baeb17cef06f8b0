"""`newsgen import hugo|jekyll SRC DEST`: two archives shaped like real news sites
(tests/sites/hugo-archive, tests/sites/jekyll-archive) imported and built; their old URLs,
listed here by hand from Hugo's and Jekyll's rules, answered by a page or a redirect;
bodies converted outside code only; the old site never written; imports reproducible."""

from __future__ import annotations

import ast
import html
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW, SITES, Run, newsgen, soup, tree_digest, write_site
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsgen.errors import Reporter
from newsgen.migrate import place, urls
from newsgen.migrate.bodies import BodyConverter, Page
from newsgen.migrate.code import literal, split_code
from newsgen.migrate.common import Notes, read_moment
from newsgen.parse.body_lines import CONTROL

# Old URLs as each old site served them, worked out by hand from the fixtures.
HUGO_OLD_URLS = [
    "/2024/03/ferry-timetable-changes/",  # [permalinks] posts = "/:year/:month/:slug/"
    "/ru/2024/03/паром-меняет-расписание/",  # :slug falls back to the title; /ru/ prefix
    "/2024/04/market-day-returns/",  # a page bundle; slug "Market Day Returns!"
    "/special/lighthouse-report.html",  # front matter url
    "/2019/06/a-short-history-of-the-harbour/",  # nested folder, still section posts
    "/2024/11/storm-warning-for-the-weekend/",  # JSON front matter
    "/news/council-vote/",  # a section without a pattern: folder and file name
    "/old/ferry-news/",  # an alias of the ferry story
]
JEKYLL_OLD_URLS = [
    "/en/news/2024/02/10/bridge-reopens.html",  # /:categories/:year/:month/:day/:title.html
    "/ru/news/2024/02/10/bridge-reopens.html",
    "/en/news/2024/03/01/Spring-Festival.html",  # :title keeps the file name's case
    "/en/news/2024/02/01/late-edition.html",  # 23:30 -0500 is the 1st in Europe/Berlin
    "/en/news/2023/12/24/winter-market.html",
    "/2011/03/05/first-issue.html",  # _posts/ at the root: no categories
    "/bridge/",  # redirect_from
]
TEMPLATE = re.compile(r"\{\{<|\{%|\{\{\s*site\.")


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Each fixture copied, imported and built once: the paths and the runs."""
    out: dict[str, dict[str, Any]] = {}
    for kind, name in (("hugo", "hugo-archive"), ("jekyll", "jekyll-archive")):
        root = tmp_path_factory.mktemp(kind)
        src, dest = root / "old", root / "new"
        shutil.copytree(SITES / name, src)
        before = tree_digest(src)
        imported = newsgen("import", kind, src, dest)
        snapshot = tree_digest(dest)
        built = newsgen("build", "-s", dest, "--now", NOW)
        out[kind] = {"src": src, "dest": dest, "import": imported, "build": built,
                     "before": before, "snapshot": snapshot}
    return out


def imported(tmp_path: Path, files: dict[str, str | bytes], kind: str = "hugo") -> Run:
    """An old site of `files` written to tmp_path/old and imported into tmp_path/new."""
    src = write_site(tmp_path / "old", files)
    run = newsgen("import", kind, src, tmp_path / "new")
    assert run.code == 0, run.err
    return run


def _imports_and_builds(kind: str, files: dict[str, str | bytes]) -> None:
    """A generated old site imports without errors and the result builds."""
    import tempfile

    from conftest import build_here

    from newsgen.migrate import run_import

    with tempfile.TemporaryDirectory() as tmp:
        src = write_site(Path(tmp) / "old", files)
        reporter = Reporter()
        result = run_import(kind, src, Path(tmp) / "new", reporter)
        assert not reporter.errors
        built, messages = build_here(Path(tmp) / "new", drafts=True, future=True)
        assert built is not None, [d.format() for d in messages.errors]
        assert sum(result.posts.values()) <= result.found


def answered(dist: Path, url: str) -> str | None:
    """"page", "redirect" (to a page that exists) or None, for a site path."""
    path = dist / url.lstrip("/")
    if url.endswith("/"):
        path = path / "index.html"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    m = re.search(r'http-equiv="refresh" content="0; url=([^"]+)"', text)
    if m is None:
        return "page"
    target = re.sub(r"^https?://[^/]+", "", html.unescape(m.group(1)))
    target_path = dist / target.lstrip("/")
    if target.endswith("/"):
        target_path = target_path / "index.html"
    return "redirect" if target_path.is_file() else None


@pytest.mark.parametrize("kind", ["hugo", "jekyll"])
def test_import_and_build_succeed(archives: dict[str, dict[str, Any]], kind: str) -> None:
    a = archives[kind]
    assert a["import"].code == 0, a["import"].err
    assert a["build"].code == 0, a["build"].err
    assert not a["build"].errors()
    assert "newsgen: imported" in a["import"].err


def test_an_archives_dead_site_links_are_warnings_with_their_lines(
        archives: dict[str, dict[str, Any]]) -> None:
    """Old posts link pages the new site does not have: the imported config makes each a
    warning (an error by default), so the first build runs and lists them all."""
    config = (archives["jekyll"]["dest"] / "newsgen.yaml").read_text(encoding="utf-8")
    assert "checks:\n  dead_links: warning\n" in config
    dead = [w for w in archives["jekyll"]["build"].warnings() if "no page or file" in w]
    assert dead == [
        "content/en/news/2011-03-05-first-issue.md:11: warning: link '/about/': no page or "
        "file of this build has that path (link an article by its .md file, or a file by "
        "its path beside the article)",
        "content/en/news/2024-02-10-bridge-reopens.md:43: warning: link "
        "'/images/edition-412.pdf': no page or file of this build has that path; did you "
        "mean '/images/edition-413.pdf'?"]


@pytest.mark.parametrize("kind,old", [("hugo", u) for u in HUGO_OLD_URLS]
                         + [("jekyll", u) for u in JEKYLL_OLD_URLS])
def test_every_old_url_is_answered(archives: dict[str, dict[str, Any]], kind: str,
                                   old: str) -> None:
    assert answered(archives[kind]["dest"] / "dist", old) is not None, old


def test_most_old_urls_are_pages_not_redirects(archives: dict[str, dict[str, Any]]) -> None:
    """The permalink is chosen to keep old URLs: redirects only where newsgen cannot."""
    hugo = [answered(archives["hugo"]["dest"] / "dist", u) for u in HUGO_OLD_URLS]
    jekyll = [answered(archives["jekyll"]["dest"] / "dist", u) for u in JEKYLL_OLD_URLS]
    assert hugo.count("page") == 4 and jekyll.count("page") == 4
    config = (archives["jekyll"]["dest"] / "newsgen.yaml").read_text(encoding="utf-8")
    assert "permalink: /{section}/{year}/{month}/{day}/{slug}.html" in config
    assert "default_language_prefix: true" in config
    assert answered(archives["jekyll"]["dest"] / "dist", "/") == "redirect"


@pytest.mark.parametrize("kind,left", [("hugo", "{{< gallery"), ("jekyll", "{% include")])
def test_no_template_syntax_is_shown_but_what_was_warned(
        archives: dict[str, dict[str, Any]], kind: str, left: str) -> None:
    shown = []
    for path in sorted((archives[kind]["dest"] / "dist").rglob("*.html")):
        page = soup(path)
        for el in page.find_all(["pre", "code", "script"]):
            el.decompose()
        for m in TEMPLATE.finditer(page.get_text(" ")):
            shown.append((path.name, page.get_text(" ")[m.start():m.start() + 12]))
    assert shown, "the unconvertible construct should stay visible"
    assert all(snippet.startswith(left) for _, snippet in shown), shown
    warned = [w for w in archives[kind]["import"].warnings() if "not converted" in w]
    assert len(warned) == 1 and left.split()[1].strip("<%") in warned[0]


@pytest.mark.parametrize("kind,rel,needle", [
    ("hugo", "content/posts/ferry-timetable.md", "{{< gallery"),
    ("jekyll", "en/news/_posts/2024-02-10-bridge-reopens.md", "{% include"),
])
def test_warnings_name_the_old_file_and_line(archives: dict[str, dict[str, Any]], kind: str,
                                             rel: str, needle: str) -> None:
    lines = (archives[kind]["src"] / rel).read_text(encoding="utf-8").split("\n")
    line = next(i for i, text in enumerate(lines, 1) if needle in text)
    warnings = archives[kind]["import"].warnings()
    assert any(w.startswith(f"{rel}:{line}: warning: ") and "not converted" in w
               for w in warnings), warnings


def test_summary_counts_posts_redirects_and_warnings(
        archives: dict[str, dict[str, Any]]) -> None:
    err = archives["jekyll"]["import"].err
    assert "imported 7 of 7 posts" in err and "(en 6, ru 1)" in err
    assert "3 old URLs get a redirect page" in err and "2 files copied" in err
    assert "Liquid tag include 1" in err and "section 1" in err
    assert "2 theme files (layouts" in err  # _config.yml is read: no theme file
    hugo = archives["hugo"]["import"].err
    assert "imported 8 of 8 posts" in hugo and "Hugo shortcode gallery 1" in hugo
    assert "3 list pages (_index.md) not imported" in hugo


@pytest.mark.parametrize("kind", ["hugo", "jekyll"])
def test_the_old_site_is_never_written(archives: dict[str, dict[str, Any]], kind: str) -> None:
    a = archives[kind]
    assert tree_digest(a["src"]) == a["before"]


@pytest.mark.parametrize("kind", ["hugo", "jekyll"])
def test_two_imports_are_the_same_bytes(archives: dict[str, dict[str, Any]], kind: str,
                                        tmp_path: Path) -> None:
    again = newsgen("import", kind, archives[kind]["src"], tmp_path / "again")
    assert again.code == 0, again.err
    assert tree_digest(tmp_path / "again") == archives[kind]["snapshot"]
    assert again.err == archives[kind]["import"].err.replace(
        str(archives[kind]["dest"]), str(tmp_path / "again"))


def test_a_destination_that_is_not_empty_is_refused(tmp_path: Path) -> None:
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "keep.txt").write_text("mine", encoding="utf-8")
    run = newsgen("import", "jekyll", SITES / "jekyll-archive", dest)
    assert run.code == 1
    assert "exists and is not empty" in run.err
    assert [p.name for p in dest.iterdir()] == ["keep.txt"]


def test_a_destination_inside_the_old_site_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "old"
    shutil.copytree(SITES / "jekyll-archive", src)
    before = tree_digest(src)
    run = newsgen("import", "jekyll", src, src / "new")
    assert run.code == 1 and "inside the old site" in run.err
    assert tree_digest(src) == before


def test_a_missing_or_foreign_source_is_refused(tmp_path: Path) -> None:
    run = newsgen("import", "hugo", tmp_path / "nothing", tmp_path / "new")
    assert run.code == 1 and "newsgen: error:" in run.err
    (tmp_path / "empty").mkdir()
    run = newsgen("import", "jekyll", tmp_path / "empty", tmp_path / "new2")
    assert run.code == 1 and "no Jekyll site" in run.err
    assert newsgen("import", "wordpress", tmp_path, tmp_path / "x").code == 2


def test_front_matter_is_mapped(archives: dict[str, dict[str, Any]]) -> None:
    content = archives["hugo"]["dest"] / "content"
    ferry = (content / "posts/ferry-timetable.md").read_text(encoding="utf-8")
    head = ferry.split("\n---\n", 1)[0]
    assert head.splitlines()[1:5] == ["title: Ferry timetable changes",
                                      "date: 2024-03-14 09:30:00+05:00", "section: posts",
                                      "slug: ferry-timetable-changes"]
    for line in ("translation_key: posts/ferry-timetable", "- Local", "author: Lena Ortiz",
                 "summary: The winter timetable ends on Monday.", "image: /images/ferry.jpg",
                 "updated: 2024-03-15 10:00:00+05:00", "- /old/ferry-news/",
                 "kicker: Transport"):
        assert line in head
    assert "layout:" not in head
    market = (content / "posts/market-day/index.md").read_text(encoding="utf-8")
    assert "author: Tom Reyes" in market and "- food" in market  # {name, url} -> name
    assert (content / "posts/market-day/market.jpg").is_file()  # the bundle's image
    assert "draft: true" in (content / "posts/draft-piece.md").read_text(encoding="utf-8")
    jekyll = archives["jekyll"]["dest"] / "content"
    spring = (jekyll / "en/news/2024-03-01-Spring-Festival.md").read_text(encoding="utf-8")
    assert "date: 2024-03-01\n" in spring  # from the file name
    assert "draft: true" in (jekyll / "en/news/2024-03-20-secret-plans.md").read_text(
        encoding="utf-8")
    ru = (jekyll / "ru/news/2024-02-10-bridge-reopens.md").read_text(encoding="utf-8")
    assert "translation_key: news/2024-02-10-bridge-reopens" in ru
    assert "translator: Ольга Ветрова" in ru
    assert not list((archives["jekyll"]["dest"]).rglob("_posts"))
    assert (archives["jekyll"]["dest"] / "static/images/bridge.png").is_file()


def test_bodies_are_converted(archives: dict[str, dict[str, Any]]) -> None:
    ferry = (archives["hugo"]["dest"] / "content/posts/ferry-timetable.md").read_text(
        encoding="utf-8")
    for expected in ("[the market story](market-day/index.md)",
                     "[some history](2019/harbour-history.md)", "<figcaption>",
                     "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
                     'title="The new ferry on its first crossing"',
                     "(https://x.com/harbourtown/status/1453110110599868418)",
                     "```python\nprint(", "> **Note:** Tickets",
                     "Write {{< x >}} where", "`{{< y >}}`"):
        assert expected in ferry, expected
    bridge = (archives["jekyll"]["dest"] / "content/en/news/2024-02-10-bridge-reopens.md"
              ).read_text(encoding="utf-8")
    for expected in ("as the old bridge reopens says", "![The bridge at dawn](/images/bridge.png)",
                     "[last December](2023-12-24-winter-market.md)",
                     "(2024-03-01-Spring-Festival.md)", "https://example.org/riverside/site",
                     "```ruby\nbridge.open!", "edition 413 (28 pages)",
                     "* [Edition 412](/images/edition-412.pdf)", "`{{ site.title }}`",
                     "{% if page.title %}", "<h1>{{ page.title }}</h1>"):
        assert expected in bridge, expected
    assert "{% raw %}" not in bridge and "{% assign" not in bridge
    first = (archives["jekyll"]["dest"] / "content/en/news/2011-03-05-first-issue.md"
             ).read_text(encoding="utf-8")
    assert "[here](/about/)" in first  # relative to the old URL, as the old site read it


def test_translations_link_each_other(archives: dict[str, dict[str, Any]]) -> None:
    page = soup(archives["jekyll"]["dest"] / "dist/en/news/2024/02/10/bridge-reopens.html")
    langs = {link.get("hreflang") for link in page.find_all("link", rel="alternate")}
    assert {"en", "ru"} <= langs


# -- bodies, one construct at a time --------------------------------------------------------

class FakeLinks:
    def hugo_ref(self, page: Page, target: str, lang: str | None,
                 as_text: bool = False) -> str | None:
        if "missing" in target:
            return None
        return f"/old/{target.strip('/')}/" if as_text else f"../{target.strip('/')}.md"

    def post_url(self, page: Page, name: str, as_text: bool = False) -> str | None:
        return f"/old/{name}/" if as_text else f"{name}.md"

    def link(self, page: Page, path: str) -> tuple[str | None, str | None]:
        return f"/{path}", None


def convert(kind: str, body: str, site: dict[str, Any] | None = None) -> tuple[str, Reporter]:
    reporter = Reporter()
    converter = BodyConverter(kind, FakeLinks(), Notes(reporter), site or {
        "baseurl": "", "url": "", "title": "T",
        "data": {"releases": [{"version": "2.7", "size": 10}, {"version": "3.0", "size": 12}]}})
    page = Page(rel="old.md", body_line=5, title="A Title", folder="news",
                front={"title": "A Title", "kicker": "Breaking"}, old_url="/news/a/", lang="en")
    return converter.convert(page, body), reporter


@pytest.mark.parametrize("body,expected", [
    ('{{< figure src="a.jpg" alt="A cat" >}}', "![A cat](a.jpg)"),
    ('{{< figure src="a.jpg" alt="A cat" caption="Our cat" >}}',
     '<figure>\n<img src="a.jpg" alt="A cat">\n<figcaption>Our cat</figcaption>\n</figure>'),
    ('{{< figure src="a b.jpg" link="https://e.org" >}}', "[![](<a b.jpg>)](https://e.org)"),
    ("{{< youtube abc123 >}}", 'src="https://www.youtube-nocookie.com/embed/abc123" '
                               'title="YouTube video"'),
    ('{{< vimeo id="42" title="A talk" >}}', 'src="https://player.vimeo.com/video/42?dnt=1" '
                                             'title="A talk"'),
    ('{{< tweet user="ann" id="123" >}}', "[A post by @ann on X](https://x.com/ann/status/123)"),
    ("{{< tweet 123 >}}", "[A post on X](https://x.com/i/status/123)"),
    ('{{< x user="ann" id="9" >}}', "(https://x.com/ann/status/9)"),
    ("{{< gist ann 0a1b >}}", "[Gist ann/0a1b](https://gist.github.com/ann/0a1b)"),
    ("{{< instagram Bx1 >}}", "(https://www.instagram.com/p/Bx1/)"),
    ("{{< highlight go >}}\nfmt.Println(1)\n{{< /highlight >}}", "```go\nfmt.Println(1)\n```"),
    ("{{% note %}}\nBe careful.\n{{% /note %}}", "> **Note:** Be careful."),
    ('{{< admonition type="warning" title="Heads up" >}}\nHot.\n{{< /admonition >}}',
     "> **Warning: Heads up**\n>\n> Hot."),
    ('{{< admonition tip "Compatibility" >}}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n'
     '{{< /admonition >}}', "> **Tip: Compatibility**\n>\n> | a | b |\n> |---|---|\n"),
    ("{{< admonition >}}\nPlain.\n{{< /admonition >}}", "> **Note:** Plain."),
    ('{{< callout note "Heads up" >}}\n- one\n{{< /callout >}}',
     "> **Note: Heads up**\n>\n> - one"),
    ('[x]({{< ref "posts/b.md" >}})', "[x](../posts/b.md.md)"),
    ('[x]({{< relref "/posts/c" >}})', "[x](../posts/c.md)"),
    # as text, the URL Hugo wrote (the new site answers it)
    ('See {{< relref "posts/c" >}} too.', "See /old/posts/c/ too."),
    ('{{< param "kicker" >}}', "Breaking"),
    ("```\n{{< x >}}\n```", "```\n{{< x >}}\n```"),
    ("`{{< x >}}` stays", "`{{< x >}}` stays"),
    ("```go-html-template\n{{</* youtube w7F */>}}\n```", "```go-html-template\n"
                                                          "{{< youtube w7F >}}\n```"),
    ("Inline `{{%/* note */%}}`, and {{</* figure src=x */>}}.",
     "Inline `{{% note %}}`, and {{< figure src=x >}}."),
    ("{{< note >}}\nWrite {{</* ref x */>}}.\n{{< /note >}}", "> **Note:** Write {{< ref x >}}."),
])
def test_hugo_constructs(body: str, expected: str) -> None:
    out, reporter = convert("hugo", body)
    assert expected in out, out
    assert not reporter.warnings


@pytest.mark.parametrize("body,expected", [
    ("{% highlight ruby linenos %}\nputs 1\n{% endhighlight %}", "```ruby\nputs 1\n```"),
    ("{% raw %}{{ x }}{% endraw %}", "&#123;{ x }}"),
    ("{% raw %}\n```\n{{ x }}\n```\n{% endraw %}", "```\n{{ x }}\n```"),
    ("a{% comment %} hidden {% endcomment %}b", "ab"),
    ("[p]({% post_url 2010-07-21-name %})", "[p](2010-07-21-name.md)"),
    ("[p]({{ site.baseurl }}{% post_url 2010-07-21-name %})", "[p](2010-07-21-name.md)"),
    ('<a href="{% post_url 2010-07-21-name %}">p</a>', '<a href="2010-07-21-name.md">p</a>'),
    ("[p]: {% post_url 2010-07-21-name %}", "[p]: 2010-07-21-name.md"),
    # as text, the URL Jekyll wrote (the new site answers it)
    ("See {% post_url 2010-07-21-name %} too.", "See /old/2010-07-21-name/ too."),
    ("[p]({% link about/index.md %})", "[p](/about/index.md)"),
    ("![i]({{ site.baseurl }}/x.png)", "![i](/x.png)"),
    ("{{ site.url }}{{ site.baseurl }}/y", "/y"),
    ("# {{ page.title }}", "# A Title"),
    ("{{ page.title | upcase | append: '!' }}", "A TITLE!"),
    ("{{ '/docs/' | relative_url }}", "/docs/"),
    ('{% assign r = site.data.releases | where: "version", "3.0" | first %}size {{ r.size }}',
     "size 12"),
    ("{% for r in site.data.releases %}[{{ r.version }}]{% endfor %}", "[2.7][3.0]"),
    ("{% for n in site.nothing %}x{% endfor %}done", "done"),
    ("`{% include x.html %}` and ```{{ page.title }}```", "`{% include x.html %}` and "
                                                          "```{{ page.title }}```"),
])
def test_liquid_constructs(body: str, expected: str) -> None:
    out, reporter = convert("jekyll", body)
    assert out == expected or expected in out, out
    assert not reporter.warnings


@pytest.mark.parametrize("kind,body,kind_name", [
    ("hugo", 'text\n\n{{< gallery dir="x" >}}', "Hugo shortcode gallery"),
    ("hugo", '[x]({{< ref "missing" >}})', "Hugo shortcode ref"),
    ("hugo", "{{< highlight go >}}\nno end", "Hugo shortcode highlight"),
    ("jekyll", "text\n\n{% include note.html %}", "Liquid tag include"),
    ("jekyll", "{% if page.x %}a{% endif %}", "Liquid tag if"),
    ("jekyll", "{{ page.title | shout }}", "Liquid variable"),
])
def test_what_cannot_be_converted_stays_with_a_warning(kind: str, body: str,
                                                       kind_name: str) -> None:
    out, reporter = convert(kind, body)
    first = body.split("\n")[-1] if "\n\n" in body else body.split("\n")[0]
    assert first.split()[0] in out
    message = reporter.warnings[0].format()
    assert message.startswith(f"old.md:{5 + body.count(chr(10), 0, body.index('{'))}: "
                              f"warning: {kind_name} not converted: "), message


def test_a_variable_without_value_is_written_as_nothing_with_a_warning() -> None:
    out, reporter = convert("jekyll", "size: {{ release.size }}.")
    assert out == "size: ."
    assert "written as nothing" in reporter.warnings[0].message


def test_literal_text_shows_braces_without_being_liquid() -> None:
    assert literal("a {{ b }} `{{ c }}`") == "a &#123;{ b }} `{{ c }}`"


_prose = st.lists(st.sampled_from(list("ab {}<>%/`\n\"=") + [
    "{{< youtube x >}}", "{% raw %}", "{{ page.title }}", "{% highlight x %}",
    "{{< /note >}}", "{% endhighlight %}", "{{% note %}}"]), max_size=30).map("".join)
_code = st.lists(st.sampled_from(list("xy {}<>%/\n=`") + [
    "{{< x >}}", "{% raw %}", "{{ site.x }}", "{{% note %}}", "{% endraw %}"]),
    max_size=30).map("".join)


@settings(max_examples=150, deadline=None)
@given(kind=st.sampled_from(["hugo", "jekyll"]), before=_prose, code=_code, after=_prose)
def test_code_fences_are_never_changed(kind: str, before: str, code: str, after: str) -> None:
    code = "\n".join(line for line in code.split("\n") if "```" not in line)
    fenced = f"~~~~~~\n{code}\n~~~~~~\n"
    body = f"{before.replace('~', '')}\n\n{fenced}\n{after.replace('~', '')}"
    if any(block in before for block in ("{% raw %}", "{% highlight", "{{% note %}}")):
        return  # a block opened before the fence holds it (Jekyll's raw, a Hugo note)
    out, _ = convert(kind, body)
    assert fenced in out


@settings(max_examples=150, deadline=None)
@given(kind=st.sampled_from(["hugo", "jekyll"]),
       text=st.text(alphabet=st.characters(blacklist_characters="{"), max_size=200).map(
           lambda t: CONTROL.sub("", t)))  # (mended: test_control_characters_in_a_body_…)
def test_text_without_braces_is_unchanged(kind: str, text: str) -> None:
    assert convert(kind, text)[0] == text


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=200))
def test_split_code_keeps_every_character(text: str) -> None:
    """Every character, in order; a fence left open gets its closing line at the end."""
    joined = "".join(chunk for _, _, chunk in split_code(text))
    assert joined.startswith(text)
    assert joined == text or re.fullmatch(r"\n?(`{3,}|~{3,})\n", joined[len(text):])


def test_a_fence_left_open_is_code_to_the_end_as_hugo_reads_it(tmp_path: Path) -> None:
    """CommonMark (Hugo's goldmark, Jekyll's GFM) reads a fence that is never closed as
    code to the end: nothing in it is rewritten, and the post gets the closing line that
    newsgen needs to read it as code too (a link-like `[a](x"(i)` in it failed the build)."""
    imported(tmp_path, {
        "hugo.toml": 'baseURL = "https://e.org/"\ntitle = "T"\n',
        "content/posts/a.md": '---\ntitle: A\ndate: 2020-01-01\n---\nIntro.\n\n```sql\n'
                              '[b] [nvarchar](50) NULL,\nSELECT [a](x"(i)\n',
    })
    text = (tmp_path / "new/content/posts/a.md").read_text("utf-8")
    assert text.endswith('```sql\n[b] [nvarchar](50) NULL,\nSELECT [a](x"(i)\n```\n')
    run = newsgen("build", "-s", tmp_path / "new", "--now", NOW)
    assert run.code == 0, run.err
    code = soup(tmp_path / "new/dist/posts/a/index.html").select_one("pre code")
    assert code is not None and "[nvarchar](50)" in code.get_text()


def test_files_newsgen_writes_itself_are_not_copied(tmp_path: Path) -> None:
    """A Hugo site's own robots.txt, sitemap.xml or 404.html (in static/ or content/) would
    collide with newsgen's: they are left out with one warning, and the site builds."""
    run = imported(tmp_path, {
        "hugo.toml": 'baseURL = "https://e.org/"\ntitle = "T"\n',
        "content/robots.txt": "User-Agent: *\n", "static/robots.txt": "User-Agent: *\n",
        "static/404.html": "gone", "static/sitemap.xml": "<x/>", "static/ok.txt": "kept",
        "content/posts/a.md": "---\ntitle: A\ndate: 2020-01-01\n---\nHi.\n",
    })
    assert "warning: 4 files not copied (content/robots.txt, static/404.html, " in run.err
    new = tmp_path / "new"
    assert (new / "static/ok.txt").is_file() and not (new / "static/robots.txt").exists()
    assert newsgen("build", "-s", new, "--now", NOW).code == 0
    assert "Sitemap: https://e.org/sitemap.xml" in (new / "dist/robots.txt").read_text("utf-8")


def test_jekyll_extensionless_permalinks_keep_the_html_file_too(tmp_path: Path) -> None:
    """With `permalink: /:categories/:title` Jekyll links /news/a-post and writes
    news/a-post.html, which the old host served as well: both old URLs are answered."""
    imported(tmp_path, {
        "_config.yml": "title: L\nurl: https://l.example\npermalink: /:categories/:title\n",
        "news/_posts/2021-01-01-a-post.md": "---\ntitle: A post\n---\nText.\n",
    }, kind="jekyll")
    built = newsgen("build", "-s", tmp_path / "new", "--now", NOW)
    assert built.code == 0, built.err
    (tmp_path / "old.txt").write_text("/news/a-post\n/news/a-post.html\n")
    checked = newsgen("check", "-s", tmp_path / "new", "--now", NOW,
                      "--old-sitemap", tmp_path / "old.txt")
    assert checked.code == 0, checked.err
    assert (tmp_path / "new/dist/news/a-post.html").is_file()


def test_jekyll_posts_outside_a_language_folder_keep_the_default_language(
        tmp_path: Path) -> None:
    """Posts of the root's _posts/ are in the site's language, not in that of the one
    language folder beside them (`ru/_posts/`): it used to make the whole site Russian."""
    imported(tmp_path, {
        "_config.yml": "title: L\nurl: https://l.example\n",
        "_posts/2021-01-01-hello.md": "---\ntitle: Hello\n---\nEnglish.\n",
        "ru/_posts/2021-01-02-privet.md": "---\ntitle: Привет\nlang: ru\n---\nРусский.\n",
    }, kind="jekyll")
    config = (tmp_path / "new/newsgen.yaml").read_text(encoding="utf-8")
    assert "language: en\n" in config and "default_language_prefix" not in config
    built = newsgen("build", "-s", tmp_path / "new", "--now", NOW)
    assert built.code == 0, built.err
    dist = tmp_path / "new/dist"
    assert (dist / "2021/01/01/hello.html").is_file()
    assert (dist / "ru/2021/01/02/privet.html").is_file()
    assert 'lang="en"' in (dist / "2021/01/01/hello.html").read_text(encoding="utf-8")


def test_jekyll_reads_the_site_from_its_source_folder(tmp_path: Path) -> None:
    """`source: site`: the folders above _posts are counted from there (`news` is the
    category, not `site`), so the old URL is kept; a source that is no folder is said."""
    files: dict[str, str | bytes] = {
        "_config.yml": "title: T\nurl: https://e.org\nsource: site\n"
                       "permalink: /:categories/:title/\n",
        "site/_posts/2020-01-02-hello.md": "---\ntitle: Hello\ncategories: [news]\n---\nHi.\n",
    }
    run = imported(tmp_path / "a", files, kind="jekyll")
    assert "_config.yml: warning: source: site: the site is read there" in run.err
    assert "1 post keeps its old URL" in run.err
    assert newsgen("build", "-s", tmp_path / "a/new", "--now", NOW).code == 0
    assert answered(tmp_path / "a/new/dist", "/news/hello/") == "page"
    files["_config.yml"] = "title: T\nsource: .tmp/src\n"
    run = imported(tmp_path / "b", files, kind="jekyll")
    assert "source: '.tmp/src' is no folder of the old site" in run.err


# -- old URLs by the generators' rules -------------------------------------------------------

BERLIN = datetime(2024, 2, 10, 8, 15, tzinfo=UTC)


@pytest.mark.parametrize("text,mode,cased,expected", [
    ("The _config.yml file", "default", False, "the-config-yml-file"),
    ("The _config.yml file", "pretty", False, "the-_config.yml-file"),
    ("The _config.yml file", "pretty", True, "The-_config.yml-file"),
    ("The _config.yml file", "ascii", False, "the-config-yml-file"),
    ("The _config.yml file", "raw", False, "the-_config.yml-file"),
    ("Ünïcode Ünïcode", "latin", False, "unicode-unicode"),
    ("Новости дня", "default", False, "новости-дня"),
    ("-edge-", "default", False, "edge"),
])
def test_jekyll_slugify(text: str, mode: str, cased: bool, expected: str) -> None:
    assert urls.jekyll_slugify(text, mode, cased=cased) == expected


@pytest.mark.parametrize("permalink,categories,expected", [
    ("date", ("en", "News"), "/en/news/2024/02/10/Bridge-Reopens.html"),
    ("pretty", (), "/2024/02/10/Bridge-Reopens/"),
    ("none", ("a", "b"), "/a/b/Bridge-Reopens.html"),
    ("ordinal", (), "/2024/041/Bridge-Reopens.html"),
    ("/:categories/:i_month/:i_day/:short_year/:slug:output_ext", ("x",),
     "/x/2/10/24/bridge-reopens.html"),
    ("/blog/:year/:title/", (), "/blog/2024/Bridge-Reopens/"),
    ("/:year_:month/:title", (), "/2024_02/Bridge-Reopens"),
    ("/../:title/", (), "/Bridge-Reopens/"),
])
def test_jekyll_urls(permalink: str, categories: tuple[str, ...], expected: str) -> None:
    post = urls.JekyllPost("2024-02-10-Bridge-Reopens", "Bridge-Reopens", categories, BERLIN)
    assert urls.jekyll_url(urls.jekyll_template(permalink), post) == expected


def test_jekyll_unknown_placeholder() -> None:
    post = urls.JekyllPost("x", "x", (), BERLIN)
    assert urls.jekyll_url("/:nope/:title/", post) is None


def hugo_page(**given: Any) -> urls.HugoPage:
    values: dict[str, Any] = dict(path="posts/My Trip.md", name="My Trip", base="My Trip",
                                  container="posts", sections=("posts",),
                                  title="A Trip, Abroad!", slug=None, url=None,
                                  when=datetime(2024, 5, 6, 1, 0, tzinfo=UTC), lang_prefix="")
    values.update(given)
    return urls.HugoPage(**values)


@pytest.mark.parametrize("given,pattern,options,expected", [
    ({}, None, {}, "/posts/my-trip/"),
    ({}, None, {"lower": False}, "/posts/My-Trip/"),
    ({"slug": "Custom Slug"}, None, {}, "/posts/custom-slug/"),
    ({"lang_prefix": "ru"}, None, {}, "/ru/posts/my-trip/"),
    ({}, None, {"ugly": True}, "/posts/my-trip.html"),
    ({"name": "index", "base": "trip", "container": "posts"}, None, {}, "/posts/trip/"),
    ({}, "/:year/:month/:day/:title/", {}, "/2024/05/06/a-trip-abroad/"),
    ({}, "/:year/:slug/", {}, "/2024/a-trip-abroad/"),
    ({"slug": "s"}, "/:section/:slugorfilename/", {}, "/posts/s/"),
    ({}, "/:section/:filename/", {}, "/posts/my-trip/"),
    ({"name": "index", "base": "Trip"}, "/:contentbasename/", {}, "/trip/"),
    ({"sections": ("posts", "2024")}, "/:sections/:filename", {}, "/posts/2024/my-trip/"),
    ({"sections": ("a", "b", "c")}, "/:sections[1:]/:filename/", {}, "/b/c/my-trip/"),
    ({}, "/:06/:1/:slug/", {}, "/24/5/a-trip-abroad/"),
    ({"url": "/special/x.html"}, "/:year/:slug/", {}, "/special/x.html"),
    ({"url": "about", "lang_prefix": "de"}, None, {}, "/de/about/"),
    ({"url": "/About/"}, None, {}, "/About/"),
])
def test_hugo_urls(given: dict[str, Any], pattern: str | None, options: dict[str, bool],
                   expected: str) -> None:
    assert urls.hugo_url(hugo_page(**given), pattern, **options) == expected


@pytest.mark.parametrize("text,expected", [
    ("FOO bar", "FOO-bar"), ("a  -  b", "a-b"), ("Trip, Abroad!", "Trip-Abroad"),
    ("c#/x_y.z", "c#/x_y.z"), ("%20ok %zz", "%20ok-zz"), ("Новости дня", "Новости-дня"),
])
def test_hugo_sanitize(text: str, expected: str) -> None:
    assert urls.hugo_sanitize(text) == expected


def spot(key: str, old: str | None, when: datetime = BERLIN, **given: Any) -> place.Spot:
    return place.Spot(key=key, old_url=old, prefix=given.get("prefix", ""),
                      section=given.get("section", "news"), when=when,
                      name=given.get("name", key))


def test_the_permalink_that_keeps_most_urls_is_chosen() -> None:
    spots = [spot("a", "/news/2024/02/10/a/"), spot("b", "/news/2024/02/10/b/"),
             spot("c", "/c/")]
    assert place.choose([], spots, UTC) == "{section}/{year}/{month}/{day}/{slug}/"
    assert place.choose(["/{slug}/"], [spot("c", "/c/")], UTC) == "{slug}/"


def test_slugs_aliases_and_collisions() -> None:
    spots = [spot("a", "/news/2024/02/10/Upper/", name="Upper"),
             spot("b", "/news/2024/02/10/upper/"), spot("c", None, name="upper"),
             spot("d", "/tags/x/", name="d"), spot("e", "/news/2024/02/10/upper/", name="e")]
    place.settle("{section}/{year}/{month}/{day}/{slug}/", spots, UTC)
    by = {s.key: s for s in spots}
    assert by["b"].slug == "upper" and not by["b"].aliases
    assert by["a"].slug == "upper-2" and by["a"].aliases == ["/news/2024/02/10/Upper/"]
    assert by["c"].slug == "upper-3"
    assert by["d"].aliases == [] and "newsgen makes a page" in by["d"].dropped[0][1]
    assert "new URL of b" in by["e"].dropped[0][1]


@pytest.mark.parametrize("value,written,instant", [
    ("2024-02-10 08:15:00 +0100", "2024-02-10 08:15:00+01:00", "2024-02-10T07:15:00+00:00"),
    ("2024-02-10", "2024-02-10", "2024-02-10T00:00:00+00:00"),
    ("2024-02-10 08:15", "2024-02-10 08:15:00", "2024-02-10T08:15:00+00:00"),
    ("2013-05-06 12:00:00 PDT", "2013-05-06 12:00:00-07:00", "2013-05-06T19:00:00+00:00"),
    ("2023-01-29 18:30:22 2023 -0800", "2023-01-29 18:30:22-08:00",
     "2023-01-30T02:30:22+00:00"),
    ("Wed, 17 Feb 2010 10:00:00 +0000", "2010-02-17 10:00:00+00:00",
     "2010-02-17T10:00:00+00:00"),
])
def test_dates_keep_their_instant(value: str, written: str, instant: str) -> None:
    moment = read_moment(value, UTC)
    assert moment is not None
    assert str(moment.written) == written
    assert moment.instant.astimezone(UTC).isoformat() == instant


def test_the_importer_reads_only_parse_model_and_errors() -> None:
    allowed = ("newsgen.migrate", "newsgen.parse", "newsgen.model", "newsgen.errors",
               "newsgen.hashing", "newsgen.signals")  # (signals: what a stop leaves)
    for path in sorted((Path(__file__).parent.parent / "src/newsgen/migrate").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("newsgen"):
                assert (node.module or "").startswith(allowed), (path.name, node.module)


def test_hugo_languages_in_folders_of_their_own(tmp_path: Path) -> None:
    """config/_default/ in YAML, a content folder per language, the default language
    under /en/ too, the `permalinks.page` form, and a `{{% note %}}` around a fence."""
    src = write_site(tmp_path / "old", {
        "config/_default/hugo.yaml": "baseURL: https://e.org/\ntitle: Two Shores\n"
                                     "defaultContentLanguageInSubdir: true\n",
        "config/_default/languages.yaml": "en: {contentDir: content/en, weight: 1}\n"
                                          "de: {contentDir: content/de, title: Zwei Ufer}\n",
        "config/_default/permalinks.yaml": "page:\n  posts: /:section/:year/:slug/\n",
        "content/en/posts/Visit.md": "---\ntitle: The Visit\ndate: 2024-05-06T10:00:00Z\n"
                                     "translationKey: visit\n---\n{{% note %}}\n```sh\n"
                                     "make {{< x >}}\n```\n{{% /note %}}\n",
        "content/de/posts/besuch.md": "---\ntitle: Der Besuch\ndate: 2024-05-06T10:00:00Z\n"
                                      "translationKey: visit\n---\nText.\n",
    })
    run = newsgen("import", "hugo", src, tmp_path / "new")
    assert run.code == 0, run.err
    assert "imported 2 of 2 posts" in run.err
    config = (tmp_path / "new/newsgen.yaml").read_text(encoding="utf-8")
    assert "default_language_prefix: true" in config and "title: Zwei Ufer" in config
    assert "permalink: /{section}/{year}/{slug}/" in config
    visit = (tmp_path / "new/content/en/posts/Visit.md").read_text(encoding="utf-8")
    assert "translation_key: visit" in visit
    assert "> **Note:**\n>\n> ```sh\n> make {{< x >}}\n> ```" in visit
    built = newsgen("build", "-s", tmp_path / "new", "--now", NOW)
    assert built.code == 0, built.err
    dist = tmp_path / "new/dist"
    assert answered(dist, "/en/posts/2024/the-visit/") == "page"
    assert answered(dist, "/de/posts/2024/der-besuch/") == "page"


# -- any Jekyll archive: imported and built without errors -----------------------------------

_words = st.text(alphabet=st.sampled_from(list("abcXYZ019 -.,:'\"#!?&/_") + ["ж", "é", "日"]),
                 min_size=1, max_size=14)
_body_parts = st.sampled_from([
    "Plain text.", "{% highlight ruby %}\nx = 1\n{% endhighlight %}", "{{ site.baseurl }}/x",
    "{{ page.title }}", "{% raw %}{{ y }}{% endraw %}", "{% include z.html %}",
    "[rel](../other/)", "[abs](/images/a.png)", "![img](pic.jpg)", "<img src=\"img/b.png\">",
    "{% post_url 2020-01-02-one %}", "{% link about.md %}", "{{ missing.value }}",
    "```\n{% if x %}\n```", "`{{ code }}`", "{% for t in page.tags %}{{ t }} {% endfor %}",
    "[www](www.example.org)", "[dot](.)", "{{ 'a' | nofilter }}", "{% comment %}x{% endcomment %}",
])


@st.composite
def jekyll_posts(draw: st.DrawFn) -> dict[str, str]:
    import yaml

    files: dict[str, str] = {"_config.yml": draw(st.sampled_from([
        "title: T\n", "permalink: pretty\ntimezone: Asia/Tokyo\n",
        "permalink: /:year/:i_month/:title:output_ext\n", "permalink: none\nlanguages: [en, de]\n",
        "permalink: /:categories/:slug/\n"])), "about.md": "---\ntitle: About\n---\nx\n"}
    for _ in range(draw(st.integers(1, 5))):
        folder = draw(st.sampled_from(["_posts", "en/news/_posts", "de/news/_posts",
                                       "sport/_posts", "_drafts"]))
        day = draw(st.sampled_from(["2020-01-02", "2021-12-31", "2019-07-04"]))
        name = draw(st.sampled_from(["one", "Two-Words", "three.3", "ünïcode", "x_y", "one"]))
        front: dict[str, Any] = {"title": draw(_words)}
        for key, values in (
                ("date", [f"{day} 23:30:00 -0800", f"{day} 01:00:00 +0900", "not a date",
                          day]),
                ("tags", ["a, b", ["x", "y"], "single", 3]),
                ("categories", ["Local news", ["World"], []]),
                ("author", ["Ann", {"name": "Bo", "url": "https://e.org"}, ["A", "B"]]),
                ("permalink", ["/custom/:title/", "/fixed.html", "/same/"]),
                ("published", [False, True]), ("lang", ["de", "xx", "EN"]),
                ("redirect_from", ["/old/", ["/a/b/", "relative/x"], "/"]),
                ("image", ["/images/a.png", "missing.jpg", "https://e.org/i.jpg",
                           {"path": "/images/a.png", "alt": "A"}]),
                ("slug", ["Custom Slug", "ok"])):
            if draw(st.booleans()):
                front[key] = draw(st.sampled_from(values))
        body = "\n\n".join(draw(st.lists(_body_parts, max_size=5)))
        text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n\n" + body + "\n"
        files[f"{folder}/{day}-{name}.md" if folder != "_drafts" else f"_drafts/{name}.md"] = text
    return files


def test_a_date_alone_is_placed_in_the_guessed_zone() -> None:
    """Found by the property test below: the zone is guessed from one post's offset
    (-08:00), and a post dated by its file name alone is midnight in that zone when newsgen
    reads it. Placed at midnight UTC instead (the day before, at UTC-8), its URL was not
    checked against the other 'one' of that day, and the imported site did not build."""
    untitled = "---\ntitle: '0'\n---\n\n\n"
    _imports_and_builds("jekyll", {
        "_config.yml": "title: T\n",
        "_posts/2020-01-02-one.md": "---\ndate: 2020-01-02 23:30:00 -0800\ntitle: '0'\n---\n",
        "_posts/2020-01-02-Two-Words.md": untitled,
        "en/news/_posts/2020-01-02-one.md": untitled,
    })


def test_a_post_outside_a_translation_group_keeps_out_of_it() -> None:
    """Found by the property test below: an uncategorized post lands beside a translated
    one (content/en/news/…three.3.md, the translated one renamed …-2.md); its implicit
    translation_key (its path without the language) was the group's, and two en articles
    shared one key. It is given a key of its own."""
    untitled = "---\ntitle: '0'\n---\n\n\n"
    _imports_and_builds("jekyll", {
        "_config.yml": "permalink: none\nlanguages: [en, de]\n",
        "_posts/2021-12-31-three.3.md": untitled,
        "en/news/_posts/2021-12-31-three.3.md": untitled,
        "de/news/_posts/2021-12-31-three.3.md": untitled,
    })


@settings(max_examples=25, deadline=None)
@given(files=jekyll_posts())
def test_any_jekyll_archive_imports_and_builds(files: dict[str, str]) -> None:
    image = (SITES / "jekyll-archive/images/bridge.png").read_bytes()
    _imports_and_builds("jekyll", {**files, "images/a.png": image})


_hugo_parts = st.sampled_from([
    "Plain text.", '{{< figure src="pic.jpg" caption="C" >}}', "{{< youtube abc >}}",
    '{{< ref "other" >}}', '[x]({{< relref "/posts/one.md" >}})', "{{< unknown >}}",
    "{{% note %}}\nInside.\n{{% /note %}}", "{{< highlight go >}}\nx\n{{< /highlight >}}",
    "{{< /note >}}", "[rel](../sibling/)", "![i](pic.jpg)", "```\n{{< x >}}\n```",
    '{{< tweet user="a" id="1" >}}', '{{< param "missing" >}}',
])


@st.composite
def hugo_sites(draw: st.DrawFn) -> dict[str, str]:
    config = draw(st.sampled_from([
        'title = "T"\n',
        'title = "T"\n[permalinks]\nposts = "/:year/:month/:title/"\n',
        'defaultContentLanguage = "en"\n[languages.en]\nweight = 1\n[languages.ru]\n'
        'weight = 2\n[permalinks]\nposts = "/:section/:slug/"\n',
        'disablePathToLower = true\nuglyURLs = true\n',
        'defaultContentLanguageInSubdir = true\n[languages.en]\n[languages.de]\n'
        '[permalinks.page]\nposts = "/:year/:contentbasename/"\n',
    ]))
    files = {"config.toml": config, "content/posts/_index.md": "+++\ntitle = \"Posts\"\n+++\n"}
    for _ in range(draw(st.integers(1, 5))):
        folder = draw(st.sampled_from(["posts", "posts/sub", "news", "posts/bundle"]))
        name = draw(st.sampled_from(["one", "Two Words", "index", "other", "x.ru", "x.de"]))
        front = [f'title = "{draw(_words).replace(chr(34), "").replace(chr(92), "")}"']
        if draw(st.booleans()):
            front.append(draw(st.sampled_from(['date = 2024-01-31T23:30:00-05:00',
                                               'date = "2024-02-01"', 'lastmod = 2023-05-05',
                                               'date = "yesterday"'])))
        for extra in ('slug = "Custom Slug"', 'url = "/fixed/"', 'draft = true',
                      'aliases = ["/old/", "rel"]', 'images = ["pic.jpg"]', 'tags = "a, b"',
                      'translationKey = "k"'):
            if draw(st.booleans()):
                front.append(extra)
        body = "\n\n".join(draw(st.lists(_hugo_parts, max_size=4)))
        files[f"content/{folder}/{name}.md"] = "+++\n" + "\n".join(front) + "\n+++\n\n" + body
    return files


@settings(max_examples=25, deadline=None)
@given(files=hugo_sites())
@example(files={  # a title that URLizes to nothing: the old URL was the section's, /posts/
    "config.toml": '[permalinks]\nposts = "/:section/:slug/"\n',
    "content/posts/_index.md": '+++\ntitle = "Posts"\n+++\n',
    "content/posts/one.md": '+++\ntitle = ":"\ndate = 2024-01-31T23:30:00-05:00\n+++\n\n'})
def test_any_hugo_archive_imports_and_builds(files: dict[str, str]) -> None:
    _imports_and_builds("hugo", files)


def test_a_folder_link_in_the_old_site_is_not_followed(tmp_path: Path) -> None:
    src = tmp_path / "old"
    shutil.copytree(SITES / "jekyll-archive", src)
    (src / "images" / "loop").symlink_to(src, target_is_directory=True)
    run = newsgen("import", "jekyll", src, tmp_path / "new", timeout=60)
    assert run.code == 0, run.err
    assert "imported 7 of 7 posts" in run.err and "(en 6, ru 1)" in run.err
    assert not (tmp_path / "new/static/images/loop").exists()


# -- the reviewer's findings -----------------------------------------------------------------

_POST = "---\ntitle: Hello\ndate: 2024-01-02T10:00:00Z\n---\nText.\n"


@pytest.mark.parametrize(("kind", "files", "expected"), [
    ("hugo", {"hugo.yaml": "baseURL: https://e.org/\ntitle: Ex: the site\n"},
     "hugo.yaml:2: error: title: a colon followed by a space"),
    ("hugo", {"config/_default/hugo.yaml": "title: Ex\n",
              "config/_default/params.yaml": "author:\n\tname: x\n"},
     "config/_default/params.yaml:2: error: "),
    ("jekyll", {"_config.yml": "url: https://e.org\ntitle: J: the site\n",
                "_posts/2024-01-02-hello.md": _POST},
     "_config.yml:2: error: title: a colon followed by a space"),
    ("hugo", {"hugo.toml": 'baseURL = "https://e.org/\ntitle = "x"\n'},
     "hugo.toml:1: error: invalid TOML: a quoted value is never closed"),
    ("hugo", {"config.json": '{"baseURL": "https://e.org/",\n "title": }\n'},
     "config.json:2: error: invalid JSON"),
])
def test_a_broken_config_stops_the_import_with_its_line(tmp_path: Path, kind: str,
                                                        files: dict[str, str],
                                                        expected: str) -> None:
    src = write_site(tmp_path / "old", {"content/posts/hello.md": _POST, **files})
    run = newsgen("import", kind, src, tmp_path / "new")
    assert run.code == 1
    assert run.lines[0].startswith(expected), run.err
    assert "nothing was written" in run.lines[-1]
    assert not (tmp_path / "new").exists()


def test_hugo_split_config_per_language(tmp_path: Path) -> None:
    """`config/_default/languages.fr.toml` is `[languages.fr]`, as Hugo reads it: each
    language's contentDir is found, and the title comes from the default language's."""
    run = imported(tmp_path, {
        "config/_default/hugo.toml": 'baseURL = "https://e.org/"\n'
                                     'defaultContentLanguage = "en"\n'
                                     '[permalinks]\npost = "/:year/:month/:day/:slug/"\n',
        "config/_default/languages.en.toml": 'title = "Ex"\ncontentDir = "content/en"\n',
        "config/_default/languages.fr.toml": 'title = "Ex FR"\ncontentDir = "content/fr"\n',
        "config/_default/params.fr.toml": 'description = "Le site"\n',
        "content/en/post/hello.md": _POST,
        "content/fr/post/bonjour.md": _POST.replace("Hello", "Bonjour"),
    })
    assert "(en 1, fr 1)" in run.err and "2 posts keep their old URL" in run.err
    feeds = [w for w in run.warnings() if "feed" in w]  # Hugo's index.xml: said once
    assert len(feeds) == 1 and "/post/feed.xml" in feeds[0] and "301" in feeds[0]
    config = (tmp_path / "new/newsgen.yaml").read_text(encoding="utf-8")
    assert config.startswith("title: Ex\n") and "description: Le site" in config
    assert newsgen("build", "-s", tmp_path / "new", "--now", NOW).code == 0
    dist = tmp_path / "new/dist"
    assert answered(dist, "/2024/01/02/hello/") == "page"
    assert answered(dist, "/fr/2024/01/02/bonjour/") == "page"


def test_hugo_params_map_gives_fields(tmp_path: Path) -> None:
    """`params: {author: …}` is Hugo's `.Params.author`: read as the field, the top level
    winning; other keys stay parameters, and `params.date` places nothing."""
    imported(tmp_path, {
        "hugo.toml": 'baseURL = "https://e.org/"\n',
        "content/posts/x.md": "---\ntitle: X\ndate: 2023-06-21\ndescription: Top\n"
                              "params:\n  author: matei\n  description: Inner\n"
                              "  images: [/i.png]\n  mood: calm\n  date: 2001-01-01\n---\nx\n",
    })
    text = (tmp_path / "new/content/posts/x.md").read_text(encoding="utf-8")
    head = text.split("\n---\n", 1)[0]
    assert "author: matei" in head and "summary: Top" in head and "mood: calm" in head
    assert "params" not in head and "2001" not in head and "Inner" not in head


def test_hugo_publish_date_after_the_date_is_said(tmp_path: Path) -> None:
    """Hugo leaves a post out until its publishDate; newsgen's embargo is the date: the
    difference is a warning at the publishDate line, not silence."""
    run = imported(tmp_path, {
        "hugo.toml": 'baseURL = "https://e.org/"\n',
        "content/posts/a.md": "---\ntitle: Later\ndate: 2022-01-02T10:00:00Z\n"
                              "publishDate: 2030-01-01T00:00:00Z\n---\nText.\n",
        "content/posts/b.md": "---\ntitle: Same\ndate: 2022-01-02T10:00:00Z\n"
                              "publishDate: 2022-01-02T10:00:00Z\n---\nText.\n",
    })
    assert ("content/posts/a.md:4: warning: publishDate 2030-01-01 00:00 is after the date: "
            "Hugo left the post out until then, newsgen publishes it at its date") in run.err
    assert "posts/b.md" not in run.err


def test_a_hugo_post_with_empty_lines_above_its_front_matter_is_imported(
        tmp_path: Path) -> None:
    # Hugo skips them and publishes the post; the import left it out (Jekyll's rule), and
    # its old URL was lost
    run = imported(tmp_path, {
        "hugo.toml": 'baseURL = "https://e.org/"\n',
        "content/posts/a.md": "\n  \n---\ntitle: Champions\ndate: 2022-01-02T10:00:00Z\n"
                              "publishDate: 2030-01-01T00:00:00Z\n---\nText.\n"})
    assert "not imported" not in run.err, run.err
    assert "content/posts/a.md:6: warning: publishDate" in run.err  # the file's own line
    written = (tmp_path / "new/content/posts/a.md").read_text()
    assert "title: Champions" in written and written.rstrip().endswith("Text.")
    built = newsgen("build", "-s", tmp_path / "new", "--now", NOW)
    assert built.code == 0, built.err
    assert (tmp_path / "new/dist/posts/a/index.html").exists()


@pytest.mark.parametrize("kind", ["hugo", "jekyll"])
def test_control_characters_in_a_body_are_mended_and_said(tmp_path: Path, kind: str) -> None:
    # Hugo renders them; newsgen refuses them, so the imported site did not build
    old = {"hugo": ("hugo.toml", 'baseURL = "https://e.org/"\n', "content/posts/a.md"),
           "jekyll": ("_config.yml", "url: https://e.org\n", "_posts/2022-01-02-a.md")}[kind]
    run = imported(tmp_path, {
        old[0]: old[1],
        old[2]: "---\ntitle: A\ndate: 2022-01-02T10:00:00Z\n---\nText.\n\n"
                "    wait\u0085 done\u0093x\u0081\x07\n"}, kind)
    rel = old[2]
    assert (f"{rel}:7: warning: the character U+0085 (a control character) is not allowed in "
            "newsgen's text: written as '…', as Windows-1252 means it") in run.err
    assert f"{rel}:7: warning: the character U+0081 (a control character)" in run.err
    written = next((tmp_path / "new/content").rglob("*.md")).read_text()
    assert "    wait… done“x\n" in written
    built = newsgen("build", "-s", tmp_path / "new", "--now", NOW)
    assert built.code == 0, built.err


@pytest.mark.parametrize("subdir", [False, True])
def test_a_file_in_a_languages_content_folder_keeps_its_old_url(tmp_path: Path,
                                                                subdir: bool) -> None:
    # Hugo served content/en/documents/cp.pdf at /documents/cp.pdf (the default language
    # has no prefix); the import put it at /en/documents/cp.pdf, and its old URL was lost
    run = imported(tmp_path, {
        "hugo.toml": 'baseURL = "https://e.org/"\ndefaultContentLanguage = "en"\n'
                     f"defaultContentLanguageInSubdir = {'true' if subdir else 'false'}\n"
                     '[languages.en]\ncontentDir = "content/en"\n'
                     '[languages.de]\ncontentDir = "content/de"\n',
        "content/en/posts/a.md": "---\ntitle: A\ndate: 2022-01-02T10:00:00Z\n---\nText.\n",
        "content/en/documents/cp.pdf": "%PDF-1.4 en",
        "content/de/documents/cp.pdf": "%PDF-1.4 de"})
    assert "not imported" not in run.err
    built = newsgen("build", "-s", tmp_path / "new", "--now", NOW)
    assert built.code == 0, built.err
    dist = tmp_path / "new/dist"
    own = dist / ("en/documents/cp.pdf" if subdir else "documents/cp.pdf")
    assert own.read_text() == "%PDF-1.4 en"
    assert (dist / "de/documents/cp.pdf").read_text() == "%PDF-1.4 de"


def test_the_themes_static_files_keep_their_old_urls(tmp_path: Path) -> None:
    # Hugo serves themes/<theme>/static/ at the root, under the site's own static/: a
    # real site kept 742 of its posts' images there, all lost by the import
    png = (SITES / "jekyll-archive/images/bridge.png").read_bytes()
    run = imported(tmp_path, {
        "hugo.toml": 'baseURL = "https://e.org/"\ntheme = "paper"\n',
        "content/posts/a.md": "---\ntitle: A\ndate: 2022-01-02T10:00:00Z\n---\n"
                              "![plot](/img/blog/plot.png)\n",
        "themes/paper/static/img/blog/plot.png": png,
        "themes/paper/static/css/site.css": "theme's",
        "static/css/site.css": "site's",
        "themes/paper/layouts/_default/single.html": "{{ .Content }}"})
    assert "missing image" not in run.err and "is no file" not in run.err, run.err
    built = newsgen("build", "-s", tmp_path / "new", "--now", NOW)
    assert built.code == 0, built.err
    dist = tmp_path / "new/dist"
    assert (dist / "img/blog/plot.png").read_bytes() == png
    assert (dist / "css/site.css").read_text() == "site's"  # the site's own wins
    assert not (tmp_path / "new/static/_default").exists()


def test_the_themes_static_files_yield_to_the_sites_content_and_are_counted(
        tmp_path: Path) -> None:
    # a theme file at a content file's path made the imported site fail to build (two
    # files for one URL); with a themesDir of its own, the count of theme files not
    # imported went below zero and was not said
    run = imported(tmp_path, {
        "hugo.toml": 'baseURL = "https://e.org/"\ntheme = "paper"\nthemesDir = "look"\n',
        "content/posts/a.md": "---\ntitle: A\ndate: 2022-01-02T10:00:00Z\n---\nText.\n",
        "content/img/a.txt": "the site's",
        "look/paper/static/img/a.txt": "the theme's",
        "look/paper/static/img/b.txt": "the theme's",
        "look/paper/layouts/_default/single.html": "{{ .Content }}",
        "layouts/partials/x.html": "x"})
    assert "3 theme files" in run.err, run.err  # the layouts, and the shadowed a.txt
    built = newsgen("build", "-s", tmp_path / "new", "--now", NOW)
    assert built.code == 0, built.err
    assert (tmp_path / "new/dist/img/a.txt").read_text() == "the site's"
    assert (tmp_path / "new/dist/img/b.txt").read_text() == "the theme's"


def test_a_bundle_at_its_content_path_is_not_copied_twice(tmp_path: Path) -> None:
    """Under Hugo's default URLs a bundle's page is at its content path, so its files are
    already published where Hugo served them: no second copy in static/ (the two copies
    of one path used to stop the imported site's build)."""
    png = (SITES / "jekyll-archive/images/bridge.png").read_bytes()
    run = imported(tmp_path, {
        "hugo.toml": 'baseURL = "https://e.org/"\ntitle = "B"\n',
        "content/posts/bund/index.md": "---\ntitle: Bundle\ndate: 2022-01-02T10:00:00Z\n"
                                       "---\n![p](pic.png)\n",
        "content/posts/bund/pic.png": png,
    })
    assert "page bundle file" not in run.err
    assert not (tmp_path / "new/static").exists()
    built = newsgen("build", "-s", tmp_path / "new", "--now", NOW)
    assert built.code == 0, built.err
    assert (tmp_path / "new/dist/posts/bund/pic.png").read_bytes() == png


def test_bundle_files_keep_their_old_urls(tmp_path: Path) -> None:
    """Hugo serves a bundle's files beside its page: they are copied there as well, so the
    old URL of the file and an absolute link to it keep working."""
    png = (SITES / "jekyll-archive/images/bridge.png").read_bytes()
    run = imported(tmp_path, {
        "hugo.toml": 'baseURL = "https://e.org/"\n[permalinks.page]\n'
                     'blog = "/:year/:month/:day/:slug/"\n',
        "content/blog/2023/0621-x/index.md": "---\ntitle: X\nslug: x\ndate: 2023-06-21\n"
                                             "---\n![chart](chart.png)\n",
        "content/blog/2023/0621-x/chart.png": png,
        "content/blog/2023/0807-y/index.md": "---\ntitle: Y\nslug: y\ndate: 2023-08-07\n"
                                             "images: [/2023/06/21/x/chart.png]\n---\n"
                                             "See ![again](/2023/06/21/x/chart.png)\n",
    })
    assert "1 page bundle file copied to static/ at the old URL" in run.err
    built = newsgen("build", "-s", tmp_path / "new", "--now", NOW)
    assert built.code == 0, built.err
    dist = tmp_path / "new/dist"
    assert (dist / "2023/06/21/x/chart.png").read_bytes() == png
    assert (dist / "blog/2023/0621-x/chart.png").read_bytes() == png
    assert "image: /2023/06/21/x/chart.png" in (
        tmp_path / "new/content/blog/2023/0807-y/index.md").read_text(encoding="utf-8")


def test_callouts_stay_apart_and_render_their_tables() -> None:
    """Two callouts (or a quote and a callout) parted by a blank line are two quotes in
    newsgen's Markdown, which would join them; a table after the label is a table."""
    from bs4 import BeautifulSoup

    from newsgen.parse.markup import Converter

    body = ("> Said before.\n\n{{< tip >}}\nOne.\n{{< /tip >}}\n\n"
            '{{< admonition warning "Two" >}}\n| a | b |\n|---|---|\n| 1 | 2 |\n'
            "{{< /admonition >}}\n\n> Said after.\n")
    out, reporter = convert("hugo", body)
    assert not reporter.warnings
    page = BeautifulSoup(Converter().convert(out).html, "html.parser")
    quotes = page.find_all("blockquote")
    assert [q.get_text(" ", strip=True)[:10] for q in quotes] == [
        "Said befor", "Tip: One.", "Warning: T", "Said after"]
    assert quotes[2].find("table") is not None


def test_a_link_to_a_sibling_page_links_its_new_file(tmp_path: Path) -> None:
    """`[fast](0518-bench)` is a sibling bundle Hugo found by its folder name: it links to
    that post's new file, as does a slug; a page link to nothing imported is warned with
    its line."""
    run = imported(tmp_path, {
        "hugo.toml": 'baseURL = "https://e.org/"\n[permalinks.page]\n'
                     'blog = "/:year/:month/:day/:slug/"\n',
        "content/blog/2021/0518-bench/index.md": "---\ntitle: Bench\nslug: benchmarks\n"
                                                 "date: 2021-05-18\n---\nFast.\n",
        "content/blog/2021/0601-next/index.md": "---\ntitle: Next\nslug: next\n"
                                                "date: 2021-06-01\n---\nIt is [fast]"
                                                "(0518-bench), [see](../2021/0518-bench/#x)"
                                                ", [again](benchmarks).\n\nAnd [gone](faq).\n",
    })
    text = (tmp_path / "new/content/blog/2021/0601-next/index.md").read_text(encoding="utf-8")
    assert "[fast](../0518-bench/index.md)" in text
    assert "[see](../0518-bench/index.md#x)" in text
    assert "[again](../0518-bench/index.md)" in text
    assert "content/blog/2021/0601-next/index.md:8: warning: link 'faq' names no " \
           "imported post" in run.err
    assert newsgen("build", "-s", tmp_path / "new", "--now", NOW).code == 0


def test_assets_images_are_served_and_missing_ones_warned(tmp_path: Path) -> None:
    """`assets/images/x.png` named as `/images/x.png` (a Hugo resource) is copied to
    static/images/; an image that is a file nowhere is warned with its line."""
    png = (SITES / "jekyll-archive/images/bridge.png").read_bytes()
    run = imported(tmp_path, {
        "hugo.toml": 'baseURL = "https://e.org/"\n',
        "assets/images/x.png": png,
        "content/posts/a.md": "---\ntitle: A\ndate: 2024-01-02\n---\n"
                              '{{< figure src="/images/x.png" alt="X" >}}\n\n'
                              "![gone](/images/gone.png)\n",
    })
    assert (tmp_path / "new/static/images/x.png").read_bytes() == png
    warned = [w for w in run.warnings() if "image" in w]
    assert warned == ["content/posts/a.md:7: warning: image '/images/gone.png' is no file of "
                      "the old site's static/, assets/, content/ or theme's static/: copy "
                      "it into static/ at that path"], run.err


@pytest.mark.parametrize(("config", "zone"), [
    ("", "Etc/GMT-8"),
    ('timeZone = "Asia/Shanghai"\n', "Asia/Shanghai"),
])
def test_times_show_as_written(tmp_path: Path, config: str, zone: str) -> None:
    """Without a time zone in the config, posts that all carry +08:00 give the fixed zone
    of that offset (said once), so 06:00+08:00 shows as 06:00, as Hugo shows it."""
    run = imported(tmp_path, {
        "hugo.toml": f'baseURL = "https://e.org/"\n{config}',
        "content/news/morning.md": "---\ntitle: Morning\ndate: 2024-03-05T06:00:00+08:00\n"
                                   "---\nx\n",
        "content/news/noon.md": "---\ntitle: Noon\ndate: 2024-03-06T12:00:00+08:00\n---\nx\n",
    })
    assert f"timezone: {zone}\n" in (tmp_path / "new/newsgen.yaml").read_text(encoding="utf-8")
    assert ("time zone 1" in run.err) == (not config)
    assert newsgen("build", "-s", tmp_path / "new", "--now", NOW).code == 0
    page = (tmp_path / "new/dist/news/morning/index.html").read_text(encoding="utf-8")
    assert "March 5, 2024, 6:00" in page


@pytest.mark.parametrize(("zone", "said"), [
    ("PST", "'PST' is not an IANA time zone but an abbreviation, which names a time of "
            "several places, some of which change it twice a year: name the zone of the "
            "place whose time the site keeps ('America/Los_Angeles' for PST); times are "
            "read as UTC"),
    ("UTC+15", "'UTC+15' is not an IANA time zone but an offset that no place keeps "  # it
               "(+15:00; offsets run from -12:00 to +14:00); times are read as UTC"),  # recursed
])
def test_a_config_zone_that_is_none_says_what_to_write(tmp_path: Path, zone: str,
                                                         said: str) -> None:
    """An importer says why the old site's zone is none, as `newsgen check` would (it
    only said "not an IANA zone"), and goes on with UTC."""
    run = imported(tmp_path, {
        "hugo.toml": f'baseURL = "https://e.org/"\ntimeZone = "{zone}"\n',
        "content/news/a.md": "---\ntitle: A\ndate: 2024-03-05T06:00:00Z\n---\nx\n",
    })
    assert f"timeZone: {said}" in run.err, run.err
    assert "Traceback" not in run.err
    assert newsgen("build", "-s", tmp_path / "new", "--now", NOW).code == 0


def test_offsets_of_daylight_saving_give_the_zone_and_keep_each_posts_day(
        tmp_path: Path) -> None:
    """Pacific time is -08:00 in winter and -07:00 in summer: no fixed zone shows both
    as written, America/Los_Angeles does; each post keeps its day, and so its old
    date-based URL (it moved to the next day, with a redirect, under UTC)."""
    run = imported(tmp_path, {
        "hugo.toml": 'baseURL = "https://e.org/"\n[permalinks]\npost = '
                     '"/:year/:month/:day/:slug/"\n',
        "content/post/winter.md": "---\ntitle: Winter\ndate: 2020-01-10T20:00:00-08:00\n"
                                  "---\nx\n",
        "content/post/summer.md": "---\ntitle: Summer\ndate: 2020-07-10T20:00:00-07:00\n"
                                  "---\nx\n",
    })
    assert "timezone: America/Los_Angeles\n" in (tmp_path / "new/newsgen.yaml").read_text(
        encoding="utf-8")
    assert "the posts' times carry the offsets -07:00, -08:00, as America/Los_Angeles's " \
           "daylight saving does" in run.err, run.err
    assert newsgen("build", "-s", tmp_path / "new", "--now", NOW).code == 0
    for day, slug in (("2020/01/10", "winter"), ("2020/07/10", "summer")):
        page = (tmp_path / f"new/dist/{day}/{slug}/index.html").read_text(encoding="utf-8")
        assert "8:00" in page and 'http-equiv="refresh"' not in page


@pytest.mark.parametrize("kind", ["hugo", "jekyll"])
def test_the_summary_counts_posts_that_could_not_be_read(tmp_path: Path, kind: str) -> None:
    folder = "content/news/" if kind == "hugo" else "_posts/"
    src = write_site(tmp_path / "old", {
        "hugo.toml" if kind == "hugo" else "_config.yml": "",
        f"{folder}2024-01-02-good.md": _POST,
        f"{folder}2024-01-03-bad.md": "---\ntitle: Bad: yaml\ndate: 2024-01-03\n---\nx\n",
        f"{folder}2024-01-04-tabs.md": "---\ntitle: T\ntags:\n\t- a\n---\nx\n",
    })
    run = newsgen("import", kind, src, tmp_path / "new")
    assert run.code == 0, run.err
    assert "imported 1 of 3 posts" in run.err
    assert "1 post keeps its old URL" in run.err
    assert "2 posts not imported: 2 whose file or front matter cannot be read" in run.err


def test_wrong_places_and_kinds_are_explained(tmp_path: Path) -> None:
    hugo = write_site(tmp_path / "repo/site", {"hugo.toml": "", "content/posts/a.md": _POST})
    jekyll = write_site(tmp_path / "blog", {"_config.yml": "", "_posts/2024-01-02-a.md": _POST})
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    for args, expected in [
        (("hugo", tmp_path / "repo/sitr", tmp_path / "n1"), "no such folder: "),
        (("hugo", tmp_path / "repo/sitr", tmp_path / "n1"), "did you mean 'site'?"),
        (("hugo", hugo, tmp_path / "file.txt"), "file.txt' is a file"),
        (("hugo", tmp_path / "repo", tmp_path / "n2"), "seems to be in its folder 'site'"),
        (("jekyll", hugo, tmp_path / "n3"), "looks like a Hugo site: newsgen import hugo"),
        (("hugo", jekyll, tmp_path / "n4"), "looks like a Jekyll site: newsgen import jekyll"),
    ]:
        run = newsgen("import", *args)
        assert run.code == 1 and expected in run.err, (args, run.err)


def test_hugo_odd_values_are_warned_or_cleaned(tmp_path: Path) -> None:
    run = imported(tmp_path, {
        "hugo.toml": 'baseURL = "https://e.org/"\n',
        "content/posts/a.md": "---\ntitle: A\ndate: 2024-01-02\naliases: [/old/: x, /ok/]\n"
                              "description: A <em>bold</em> &amp; <a href='/x'>new</a> plan\n"
                              "---\nA {{< youtube abc\nB\n{{% note %}}\nN\n{{% /note %}}\n",
    })
    text = (tmp_path / "new/content/posts/a.md").read_text(encoding="utf-8")
    assert "aliases:\n- /ok/\n" in text and "{'" not in text
    assert "summary: A bold & new plan\n" in text
    assert "> **Note:** N" in text
    assert "content/posts/a.md:4: warning: alias {'/old/': 'x'} is not a path" in run.err
    assert "content/posts/a.md:7: warning: Hugo shortcode youtube not converted: " \
           "'{{< youtube abc' is never closed" in run.err


def test_a_slug_that_cannot_be_kept_comes_from_the_old_one(tmp_path: Path) -> None:
    """Hugo's `:slug` of a title with a dot keeps the dot; newsgen's cannot: the new slug
    is made from the old one, not from the bundle's folder name."""
    imported(tmp_path, {
        "hugo.toml": 'baseURL = "https://e.org/"\n[permalinks]\nblog = "/:year/:month/:slug/"\n',
        "content/blog/0415-x/index.md": "---\ntitle: Linkerd 2.10 and extensions\n"
                                        "date: 2021-04-15\n---\nx\n",
    })
    text = (tmp_path / "new/content/blog/0415-x/index.md").read_text(encoding="utf-8")
    assert "slug: linkerd-2-10-and-extensions\n" in text
    assert "- /2021/04/linkerd-2.10-and-extensions/\n" in text


def test_the_summary_counts_one_in_the_singular() -> None:
    from collections import Counter

    from newsgen.migrate import ImportResult, summary

    result = ImportResult(found=1, skipped=Counter({"pages (about, index, archives)": 1,
                                                    "theme files (layouts)": 2}))
    assert ("newsgen: not imported: 2 theme files (layouts), 1 page (about, index, archives)"
            in summary(result, "new"))


@pytest.mark.parametrize("body,expected", [
    ("![i]({{ site.baseurl }}/x.png)", "![i](/blog/x.png)"),  # the path Jekyll wrote
    ("{{ '/docs/' | relative_url }}", "/blog/docs/"),
    ("{{ '/blog/docs/' | relative_url }}", "/blog/blog/docs/"),  # (Jekyll does not look)
    ("[p]({{ site.baseurl }}{% post_url 2010-07-21-name %})", "[p](2010-07-21-name.md)"),
])
def test_liquid_under_a_baseurl(body: str, expected: str) -> None:
    out, reporter = convert("jekyll", body, {"baseurl": "/blog", "url": "", "title": "T",
                                             "data": {}})
    assert out == expected or expected in out, out
    assert not reporter.warnings


def _imported(tmp_path: Path, kind: str, files: dict[str, str | bytes]) -> Run:
    """`newsgen import kind` of a site of `files` (in tmp_path/old) into tmp_path/new."""
    run = newsgen("import", kind, write_site(tmp_path / "old", files), tmp_path / "new")
    assert run.code == 0, run.err
    return run


def test_a_hugo_alias_without_a_slash_is_beside_the_pages_own_url(tmp_path: Path) -> None:
    _imported(tmp_path, "hugo", {
        "config.toml": 'baseURL = "https://example.org/"\ntitle = "T"\n'
                       '[permalinks]\n  news = "/:year/:month/:slug/"\n',
        "content/news/alpha.md": '+++\ntitle = "Alpha"\ndate = 2021-05-30T10:00:00Z\n'
                                 'aliases = ["old-alpha", "/very/old/alpha.html"]\n+++\nText.\n',
    })
    post = tmp_path / "new/content/news/alpha.md"  # where it was: the alias moves no file
    # Hugo 0.111 serves the first at /2021/05/old-alpha/ (next to /2021/05/alpha/)
    assert "aliases:\n- /2021/05/old-alpha/\n- /very/old/alpha.html\n" in post.read_text()


@pytest.mark.parametrize(("ugly", "written"), [
    # Hugo 0.111 wrote old/alpha.html, old/beta.html, posts/old-gamma.html, old/delta.html
    ("uglyURLs = true", ["/old/alpha.html", "/old/beta.html", "/posts/old-gamma.html",
                         "/old/delta.html"]),
    # a per-section map makes the pages ugly, not the aliases: old/alpha/index.html, …
    ("[uglyURLs]\n  posts = true", ["/old/alpha/", "/old/beta/", "/posts/old-gamma/",
                                    "/old/delta.html"]),
])
def test_hugo_ugly_urls_serve_aliases_as_html_files(tmp_path: Path, ugly: str,
                                                    written: list[str]) -> None:
    _imported(tmp_path, "hugo", {
        "config.toml": f'baseURL = "https://example.org/"\ntitle = "T"\n{ugly}\n',
        "content/posts/alpha.md": "---\ntitle: Alpha\ndate: 2021-05-03\naliases: [/old/alpha/, "
                                  "/old/beta, old-gamma, /old/delta.html]\n---\nText.\n"})
    text = (tmp_path / "new/content/posts/alpha.md").read_text()
    assert "aliases:\n" + "".join(f"- {url}\n" for url in written) in text
    assert newsgen("build", "-s", tmp_path / "new", "--now", NOW).code == 0
    for url in written:
        assert answered(tmp_path / "new/dist", url) == "redirect", url


@pytest.mark.parametrize("subdir", [False, True])
def test_an_absolute_alias_of_a_language_keeps_the_root_url_hugo_served(
        tmp_path: Path, subdir: bool) -> None:
    # Hugo 0.111 wrote /absx/ (not /fr/absx/) for the French page's /absx/, and /enx/ for
    # the English page's with the default language in /en/ too; /fr/already/ as written
    _imported(tmp_path, "hugo", {
        "config.toml": 'baseURL = "https://example.org/"\ntitle = "T"\n'
                       f'defaultContentLanguageInSubdir = {str(subdir).lower()}\n'
                       '[languages.en]\n  weight = 1\n[languages.fr]\n  weight = 2\n',
        "content/posts/alpha.md": "---\ntitle: Alpha\ndate: 2021-05-03\naliases: [/enx/]\n"
                                  "---\nText.\n",
        "content/posts/alpha.fr.md": "---\ntitle: Alpha\ndate: 2021-05-03\naliases: [/absx/, "
                                     "relfr, /fr/already/]\n---\nTexte.\n"})
    french = (tmp_path / "new/content/posts/alpha.fr.md").read_text()
    # (/fr/absx/ too: Hugo 0.155 and later put it in the language's folder)
    assert "aliases:\n- /absx/\n- /fr/absx/\n- /fr/posts/relfr/\n- /fr/already/\n" in french
    english = (tmp_path / "new/content/posts/alpha.md").read_text()
    assert "aliases:\n- /enx/\n" + ("- /en/enx/\n" if subdir else "") in english
    assert newsgen("build", "-s", tmp_path / "new", "--now", NOW).code == 0
    dist = tmp_path / "new/dist"
    for url, page in (("/absx/", "/fr/posts/alpha/"), ("/fr/absx/", "/fr/posts/alpha/"),
                      ("/enx/", "/en/posts/alpha/" if subdir else "/posts/alpha/")):
        assert answered(dist, url) == "redirect", url
        assert f'url={page}"' in (dist / url.lstrip("/") / "index.html").read_text(), url


def test_a_lone_language_in_its_folder_keeps_the_root_urls_too(tmp_path: Path) -> None:
    _imported(tmp_path, "hugo", {
        "config.yaml": "baseURL: https://example.org/\ntitle: T\ndefaultContentLanguage: en\n"
                       "defaultContentLanguageInSubdir: true\n",
        "content/post/ferry.md": "---\ntitle: Ferry\ndate: 2024-01-02\naliases: [/abs/, rel]\n"
                                 "---\nText.\n",
    })
    # Hugo 0.115 and later served /en/post/ferry/ (the page itself now), earlier Hugo
    # /post/ferry/ (a redirect)
    # /abs/ is where Hugo 0.111 served the absolute alias; /en/abs/ is for Hugo 0.155 on
    assert "aliases:\n- /abs/\n- /en/abs/\n- /en/post/rel/\n- /post/ferry/\n- /post/rel/\n" in (
        tmp_path / "new/content/post/ferry.md").read_text()
    assert newsgen("build", "-s", tmp_path / "new", "--now", NOW).code == 0
    assert (tmp_path / "new/dist/en/post/ferry/index.html").is_file()
    assert (tmp_path / "new/dist/post/ferry/index.html").is_file()


@pytest.mark.parametrize(("base_name", "said"), [
    (None, "/index.xml"), ("rss", "/rss.xml"),
    ("feed", "/tags/<tag>/feed.xml and /tags/feed.xml")])  # the others are newsgen's
def test_the_feed_warning_names_the_old_sites_own_feeds(tmp_path: Path, base_name: str | None,
                                                         said: str | None) -> None:
    config = 'baseURL = "https://example.org/"\ntitle = "T"\n' + (
        f'[outputFormats.RSS]\n  baseName = "{base_name}"\n' if base_name else "")
    run = _imported(tmp_path, "hugo", {
        "config.toml": config,
        "content/posts/a.md": "---\ntitle: A\ndate: 2024-01-02\n---\nText.\n"})
    feeds = [w for w in run.warnings() if "Hugo's feeds" in w]
    assert (feeds[0].split("newsgen's feed: ")[1].split(" to ")[0] if feeds else None) == said


@pytest.mark.parametrize(("extra", "said"), [
    # only /feed.xml, which newsgen writes too: nothing to say
    ('disableKinds = ["taxonomy", "term"]\n[outputs]\n  section = ["HTML"]\n', None),
    ('[outputs]\n  section = ["HTML"]\n  home = ["HTML"]\n',
     ["/tags/<tag>/feed.xml and /tags/feed.xml to /feed.xml"]),
    ('disableKinds = ["term", "taxonomy"]\n', None),  # (the others are where newsgen's are)
])
def test_the_feed_warning_names_only_feeds_hugo_wrote(tmp_path: Path, extra: str,
                                                       said: list[str] | None) -> None:
    """A kind of page Hugo made without a feed (`disableKinds`, `[outputs]`) had none."""
    run = _imported(tmp_path, "hugo", {
        "config.toml": 'baseURL = "https://example.org/"\ntitle = "T"\n' + extra
                       + '[outputFormats.RSS]\n  baseName = "feed"\n',
        "content/posts/a.md": "---\ntitle: A\ndate: 2024-01-02\n---\nText.\n"})
    feeds = [w for w in run.warnings() if "Hugo's feeds" in w]
    assert (feeds[0].split("newsgen's feed: ")[1].split(", ") if feeds else None) == said, \
        run.err


@pytest.mark.parametrize(("base_name", "moves"), [
    # Hugo 0.111 wrote this one-language site's feeds at the root: index.xml,
    # posts/index.xml, tags/index.xml, tags/harbour/index.xml (0.115 on: under en/)
    ("index", ["/index.xml to /en/feed.xml", "/posts/index.xml to /en/posts/feed.xml",
               "/tags/<tag>/index.xml and /tags/index.xml to /en/feed.xml",
               "/en/index.xml to /en/feed.xml", "/en/<section>/index.xml to /en/<section>/"]),
    ("feed", ["/feed.xml to /en/feed.xml", "/posts/feed.xml to /en/posts/feed.xml",
              "/en/tags/<tag>/feed.xml and /en/tags/feed.xml to /en/feed.xml"]),
])
def test_a_lone_language_in_its_folder_is_told_its_root_feeds(tmp_path: Path, base_name: str,
                                                              moves: list[str]) -> None:
    run = _imported(tmp_path, "hugo", {
        "config.toml": 'baseURL = "https://example.org/"\ntitle = "T"\n'
                       'defaultContentLanguage = "en"\ndefaultContentLanguageInSubdir = true\n'
                       f'[outputFormats.RSS]\n  baseName = "{base_name}"\n',
        "content/posts/a.md": "---\ntitle: A\ndate: 2024-01-02\ntags: [harbour]\n---\nText.\n"})
    (said,) = [w for w in run.warnings() if "Hugo's feeds" in w]
    for move in moves:
        assert move in said, move
    assert " to /feed.xml" not in said and " to /posts/feed.xml" not in said
    assert "/en/feed.xml to" not in said  # newsgen's own, and Hugo 0.115's
    assert newsgen("build", "-s", tmp_path / "new", "--now", NOW).code == 0
    dist = tmp_path / "new/dist"  # each named feed is one newsgen writes; none at the root
    assert (dist / "en/feed.xml").is_file() and (dist / "en/posts/feed.xml").is_file()
    assert not (dist / "feed.xml").exists() and not (dist / "posts/feed.xml").exists()


def test_relative_url_of_nothing_is_nothing() -> None:
    out, reporter = convert("jekyll", "[{{ page.nothing | relative_url }}]", {
        "baseurl": "/blog", "url": "", "title": "T", "data": {}})
    assert out == "[]"  # as Jekyll: a nil stays nil, with the usual warning
    assert [w.message for w in reporter.warnings] == [
        "'{{ page.nothing | relative_url }}' has no value ('page' has no 'nothing'): written "
        "as nothing, as Jekyll does"]


@pytest.mark.parametrize(("url", "written"), [("https://example.org", "/blog/img/x.png"),
                                              (None, "/img/x.png")])
def test_site_baseurl_is_where_the_new_site_lives(tmp_path: Path, url: str | None,
                                                  written: str) -> None:
    # with a url, the new site's base_url is https://example.org/blog/ and /blog/ is kept;
    # without one, the new site has no base path to keep
    run = _imported(tmp_path, "jekyll", {
        "_config.yml": f"title: T\nbaseurl: /blog\n{f'url: {url}' if url else ''}\n",
        "img/x.png": b"\x89PNG\r\n\x1a\n",
        "_posts/2024-01-02-ferry.md": "---\ntitle: Ferry\n---\n"
                                      "![x]({{ site.baseurl }}/img/x.png)\n"})
    (post,) = (tmp_path / "new/content").rglob("*.md")
    assert f"![x]({written})" in post.read_text()
    assert "is no file of the old site" not in run.err


@pytest.mark.parametrize(("feed", "said"), [("atom.xml", True), ("/feed.xml", False),
                                            (None, False)])
def test_a_jekyll_feed_elsewhere_is_said_once(tmp_path: Path, feed: str | None,
                                               said: bool) -> None:
    run = _imported(tmp_path, "jekyll", {
        "_config.yml": "title: T\nplugins: [jekyll-feed]\n"
                       + (f"feed:\n  path: {feed}\n" if feed else ""),
        "_posts/2024-01-02-ferry.md": "---\ntitle: Ferry\ncategories: news\n---\nText.\n"})
    notes = [w for w in run.warnings() if "jekyll-feed" in w]
    assert notes == ([
        "_config.yml:3: warning: jekyll-feed's feed is at /atom.xml (feed: path:) and newsgen's "
        "at /feed.xml: a redirect page cannot move a feed reader, so add a permanent (301) "
        "redirect on the server from /atom.xml to /feed.xml"] if said else [])


@pytest.mark.parametrize(("config", "line", "old", "new"), [
    # with a url, Jekyll served the feed under the baseurl, and the new site lives there too
    ("url: https://example.org\nbaseurl: /blog\nfeed:\n  path: atom.xml\n", 3,
     "/blog/atom.xml", "/blog/feed.xml"),
    # without one, as relative_url: the new site has no base path to keep
    ("baseurl: /blog\nfeed:\n  path: atom.xml\n", 2, "/atom.xml", "/feed.xml"),
    # the key quoted, or in a flow mapping: still on its line
    ('"feed":\n  path: /atom.xml\n', 1, "/atom.xml", "/feed.xml"),
    ("url: https://example.org/\nbaseurl: /news/\n'feed': {path: atom.xml}\n", 3,
     "/news/atom.xml", "/news/feed.xml"),
    ("{title: T,\n feed: {path: atom.xml}}\n", 2, "/atom.xml", "/feed.xml"),
    ("\ufefffeed: {path: atom.xml}\n", 1, "/atom.xml", "/feed.xml"),  # after a BOM
])
def test_a_jekyll_feed_elsewhere_is_said_at_the_url_jekyll_served(
        tmp_path: Path, config: str, line: int, old: str, new: str) -> None:
    run = _imported(tmp_path, "jekyll", {
        "_config.yml": config,
        "_posts/2024-01-02-ferry.md": "---\ntitle: Ferry\ncategories: news\n---\nText.\n"})
    notes = [w for w in run.warnings() if "jekyll-feed" in w]
    assert notes == [
        f"_config.yml:{line}: warning: jekyll-feed's feed is at {old} (feed: path:) and "
        f"newsgen's at {new}: a redirect page cannot move a feed reader, so add a permanent "
        f"(301) redirect on the server from {old} to {new}"]


def test_jekyll_reads_a_toml_config(tmp_path: Path) -> None:
    """Jekyll reads `_config.toml` when there is no `_config.yml` or `.yaml`: its address,
    time zone and permalink shape the new site as a YAML one's do."""
    imported(tmp_path, {
        "_config.toml": 'title = "Tomlish"\nurl = "https://t.example"\nbaseurl = "/blog"\n'
                        'timezone = "Asia/Ashgabat"\npermalink = "/:categories/:title/"\n',
        "news/_posts/2021-01-01-a-post.md": "---\ntitle: A post\n---\nText.\n",
    }, kind="jekyll")
    config = (tmp_path / "new/newsgen.yaml").read_text(encoding="utf-8")
    assert "https://t.example/blog" in config and "Asia/Ashgabat" in config
    built = newsgen("build", "-s", tmp_path / "new", "--now", NOW)
    assert built.code == 0, built.err
    assert (tmp_path / "new/dist/news/a-post/index.html").is_file()


def test_a_jekyll_permalink_given_in_defaults_is_the_new_pattern(tmp_path: Path) -> None:
    """`permalink: none` for the site, and the posts' own in `defaults:` (as many Jekyll
    sites set it): the posts' pattern is tried too, and every post keeps its URL."""
    posts = {f"_posts/2024-05-0{i}-x{i}.md": f"---\ntitle: Post {i}\ncategory: Releases\n"
                                              f"---\nText {i}.\n" for i in (1, 2, 3)}
    run = imported(tmp_path, {
        "_config.yml": "title: R\nurl: https://example.org\npermalink: none\ndefaults:\n"
                       "  - scope: {path: '', type: posts}\n"
                       "    values: {permalink: '/blog/:year/:month/:day/:title/'}\n",
        **posts,
    }, kind="jekyll")
    assert "permalink: /blog/{year}/{month}/{day}/{slug}/\n" in (
        tmp_path / "new/newsgen.yaml").read_text(encoding="utf-8")
    assert "3 posts keep their old URL; 0 old URLs get a redirect page" in run.err, run.err


def test_a_site_path_in_a_body_with_footnotes_is_kept_without_a_warning(
        tmp_path: Path) -> None:
    """A body with a footnote (or any relative link) had each of its site paths called
    one that 'could not be rewritten', without a line: they need no rewriting."""
    run = imported(tmp_path, {
        "hugo.toml": 'baseURL = "https://e.org/"\n',
        "static/images/chart.png": (SITES / "jekyll-archive/images/bridge.png").read_bytes(),
        "content/posts/alpha.md": "---\ntitle: Alpha\ndate: 2024-01-02\n---\nText.[^1]\n\n"
                                  "![c](/images/chart.png) and [b](/posts/beta/)\n\n"
                                  "[^1]: note\n",
        "content/posts/beta.md": "---\ntitle: Beta\ndate: 2024-01-03\n---\nx\n",
    })
    assert not [w for w in run.warnings() if "link" in w], run.err
    body = (tmp_path / "new/content/posts/alpha.md").read_text(encoding="utf-8")
    assert "![c](/images/chart.png)" in body
    assert newsgen("build", "-s", tmp_path / "new", "--now", NOW).code == 0


def test_a_jekyll_post_file_without_its_date_is_not_imported(tmp_path: Path) -> None:
    """Jekyll leaves out a file of _posts whose name does not start with its date (a
    copy, `06-06-party.md`): the old site had no page of it, nor does the new one."""
    post = "---\ntitle: Party\ndate: 2024-06-06 10:00\n---\nText.\n"
    run = imported(tmp_path, {"_config.yml": "title: R\n",
                              "_posts/2021/2024-06-06-party.md": post,
                              "_posts/2021/06-06-party.md": post}, kind="jekyll")
    assert [w for w in run.warnings() if w.startswith("_posts/2021/06-06")] == [
        "_posts/2021/06-06-party.md: warning: not imported: Jekyll publishes a post only "
        "when its file name starts with its date (2024-05-01-title.md), so the old site had "
        "no page of it"], run.err
    assert "imported 1 of 2 posts" in run.err


def test_site_descriptions_are_imported_as_text_in_every_language(tmp_path: Path) -> None:
    """A description written with a link in it is text to newsgen (the meta description
    showed `&lt;a href=…&gt;`), and the default language's own is imported too."""
    run = imported(tmp_path, {
        "hugo.toml": 'baseURL = "https://e.org/"\ndefaultContentLanguage = "en"\n'
                     '[languages.en]\ncontentDir = "content/en"\n[languages.en.params]\n'
                     'description = "News from <a href=\\"/about/\\">the &amp; desk</a>"\n'
                     '[languages.ru]\ncontentDir = "content/ru"\n[languages.ru.params]\n'
                     'description = "Новости <b>дня</b>: x < 3 > 2"\n',
        "content/en/posts/a.md": "---\ntitle: A\ndate: 2024-01-02\n---\nx\n",
        "content/ru/posts/a.md": "---\ntitle: А\ndate: 2024-01-02\n---\nx\n",
    })
    assert run.code == 0, run.err
    config = (tmp_path / "new/newsgen.yaml").read_text(encoding="utf-8")
    assert "description: News from the & desk\n" in config, config
    assert "description: 'Новости дня: x < 3 > 2'\n" in config, config


def test_inline_tags_in_an_imported_description_leave_no_space() -> None:
    from newsgen.migrate.fields import plain

    assert plain("super<wbr>cali A<del>B</del>C <font color=red>x</font>y<br>z") == (
        "supercali ABC xy z")


def test_a_themes_dir_given_as_an_absolute_path_is_read(tmp_path: Path) -> None:
    shared = write_site(tmp_path / "shared", {"paper/static/css/theme.css": "x"})
    imported(tmp_path, {
        "hugo.toml": f'baseURL = "https://e.org/"\ntheme = "paper"\nthemesDir = "{shared}"\n',
        "content/posts/a.md": "---\ntitle: A\ndate: 2022-01-02T10:00:00Z\n---\nText.\n"})
    assert (tmp_path / "new/static/css/theme.css").read_text() == "x"


def test_jekyll_permalinks_that_start_with_the_posts_language_are_its_folder(
        tmp_path: Path) -> None:
    """Posts in `_posts/<lang>/` whose permalinks (given by `defaults:`) start with their
    language: the most common one, `/en/…`, became the site's pattern, and every other
    language's post was published under `/ja/en/…`. The language is the folder, and the
    default language's is kept (`default_language_prefix`), and so is the folder's
    spelling (`zh_CN`: as `zh_cn` it needed redirects, and clashed with them on a disk that
    ignores case)."""
    run = imported(tmp_path, {
        "_config.yml": "title: B\nurl: https://b.example\ndefaults:\n" + "".join(
            f"  - scope: {{path: '_posts/{code}', type: posts}}\n"
            f"    values: {{permalink: '/{code}/:year/:month/:day/:title/', lang: {code}}}\n"
            for code in ("en", "ja", "zh_CN")),
        **{f"_posts/en/posts/2016-03-0{i}-news-{i}.md": f"---\ntitle: News {i}\n---\nx\n"
           for i in (1, 2, 3)},
        "_posts/ja/posts/2017-01-05-nyusu.md": "---\ntitle: ニュース\n---\nx\n",
        "_posts/zh_CN/posts/2017-01-06-xinwen.md": "---\ntitle: 新闻\n---\nx\n",
    }, kind="jekyll")
    config = (tmp_path / "new/newsgen.yaml").read_text(encoding="utf-8")
    assert "permalink: /{year}/{month}/{day}/{slug}/\n" in config, config
    assert "default_language_prefix: true\n" in config, config
    assert "\n  zh_CN:\n" in config, config
    assert "5 posts keep their old URL; 0 old URLs get a redirect page" in run.err, run.err
    built = newsgen("build", "-s", tmp_path / "new", "--now", NOW)
    assert built.code == 0, built.err
    dist = tmp_path / "new/dist"
    assert (dist / "en/2016/03/01/news-1/index.html").is_file()
    assert (dist / "ja/2017/01/05/nyusu/index.html").is_file()
    assert (dist / "zh_CN/2017/01/06/xinwen/index.html").is_file()
    assert not (dist / "ja/en").exists() and not (dist / "zh_cn").exists()


def test_a_hugo_shortcode_the_theme_redefines_is_said_once(tmp_path: Path) -> None:
    """A theme's own `figure` (which reads `library="1"` as `/img/<src>`) was converted
    as Hugo's, in silence: every image pointed at the post's folder. It is said once, at
    its first use, with the parameters Hugo's figure does not read."""
    run = _imported(tmp_path, "hugo", {
        "config.toml": 'baseURL = "https://e.org/"\ntheme = "academic"\n',
        "themes/academic/layouts/shortcodes/figure.html": "<img src=\"/img/{{ .Get \"src\" }}\">",
        "static/img/ing-1.png": (SITES / "jekyll-archive/images/bridge.png").read_bytes(),
        **{f"content/post/p{i}.md": f"---\ntitle: P{i}\ndate: 2024-01-0{i}\n---\nText.\n\n"
                                    f'{{{{<figure library="1" src="ing-1.png">}}}}\n'
           for i in (1, 2)},
        "content/post/p3.md": "---\ntitle: P3\ndate: 2024-01-03\n---\n"
                              "{{< youtube abc >}}\n",
        # Hugo 0.146's folder, and a language's own file
        "layouts/_shortcodes/vimeo.en.html": "<p>{{ .Get 0 }}</p>",
        "content/post/p4.md": "---\ntitle: P4\ndate: 2024-01-04\n---\n{{< vimeo 42 >}}\n",
    })
    said = [w for w in run.warnings() if "own shortcode" in w]
    assert said == [
        "content/post/p1.md:7: warning: '{{<figure library=\"1\" src=\"ing-1.png\">}}': figure "
        "is the site's own shortcode (themes/academic/layouts/shortcodes/figure.html), "
        "converted as Hugo's figure is, here and in every post: check what it shows (Hugo's "
        "figure has no 'library')",
        "content/post/p4.md:5: warning: '{{< vimeo 42 >}}': vimeo is the site's own shortcode "
        "(layouts/_shortcodes/vimeo.en.html), converted as Hugo's vimeo is, here and in every "
        "post: check what it shows"], run.err


def test_hugo_paired_and_simple_shortcodes_a_theme_redefines_are_said_too(
        tmp_path: Path) -> None:
    """A theme's own `highlight` and `details` were converted as Hugo's in silence (a
    pair returned before the check); a theme imported as a module is looked at too;
    `vimeo.amp.html` is an AMP page's, and a web page used Hugo's own vimeo (a review)."""
    run = _imported(tmp_path, "hugo", {
        "config.toml": 'baseURL = "https://e.org/"\n[[module.imports]]\npath = "acad"\n',
        "themes/acad/layouts/shortcodes/highlight.html": "<pre>{{ .Inner }}</pre>",
        "themes/acad/layouts/shortcodes/details.html": "<div>{{ .Inner }}</div>",
        "layouts/shortcodes/vimeo.amp.html": "<amp-vimeo></amp-vimeo>",
        "content/post/p1.md": "---\ntitle: P1\ndate: 2024-01-01\n---\n"
                              "{{< highlight go >}}\nx := 1\n{{< /highlight >}}\n\n"
                              '{{< details summary="More" >}}\nText.\n{{< /details >}}\n\n'
                              "{{< vimeo 42 >}}\n",
    })
    said = [w.partition(": warning: ")[2].partition(":")[0]
            for w in run.warnings() if "own shortcode" in w]
    assert said == ["'{{< highlight go >}}'", "'{{< details summary=\"More\" >}}'"], run.err


def test_a_hugo_toml_number_with_leading_zeros_keeps_its_post(tmp_path: Path) -> None:
    """`dateday = 07`: Hugo's TOML reader took it (before 0.60), Python's refuses it, and
    the post was not imported, its URL lost, with a parser's words for a reason."""
    run = _imported(tmp_path, "hugo", {
        "config.toml": 'baseURL = "https://e.org/"\n',
        "content/blog/release.md": '+++\ntitle = "Release"\ndate = 2024-03-07\n'
                                   'dateday = 07\ndescription = """\nratio = 05\n"""\n'
                                   "+++\nText.\n",
        # (more than one digit, in an array over lines, in an inline table: a review)
        "content/blog/more.md": '+++\ntitle = "More"\ndate = 2024-03-08\nweight = 010\n'
                                "days = [\n  07,\n  08]\nbox = {day = 07}\n+++\nText.\n",
    })
    post = (tmp_path / "new/content/blog/release.md").read_text(encoding="utf-8")
    assert "ratio = 05" in post  # (a line inside a string is no number)
    assert (tmp_path / "new/content/blog/more.md").is_file(), run.err
    assert [w for w in run.warnings() if "leading zeros" in w] == [
        f"content/blog/{name}.md:{line}: warning: a number with leading zeros, which Hugo "
        "read and TOML does not: read without them" for name, line in (
            ("more", 4), ("more", 6), ("more", 7), ("more", 8), ("release", 4))], run.err


def test_jekyll_one_posts_own_language_permalink_does_not_move_the_rest(
        tmp_path: Path) -> None:
    """English at the root, the other languages under theirs: one English post with its
    own `/en/…` permalink moved every English post under /en/, each old URL a redirect.
    A language spelt two ways (`zh-CN`, `zh_CN`) is one folder, spelt as most posts do."""
    run = imported(tmp_path, {
        "_config.yml": "title: B\nurl: https://b.example\npermalink: /:year/:month/:day/:title/\n"
                       "defaults:\n"
                       "  - scope: {path: '_posts/en', type: posts}\n    values: {lang: en}\n"
                       "  - scope: {path: '_posts/zh_CN', type: posts}\n"
                       "    values: {permalink: '/zh_CN/:year/:month/:day/:title/', "
                       "lang: zh_CN}\n",
        **{f"_posts/en/posts/2024-01-1{i}-release-{i}.md": f"---\ntitle: Release {i}\n---\nx\n"
           for i in (1, 2, 3)},
        "_posts/en/posts/2024-01-15-special.md": "---\ntitle: Special\n"
                                                "permalink: /en/special/own-page/\n---\nx\n",
        **{f"_posts/zh_CN/posts/2024-02-0{i}-xinwen-{i}.md": f"---\ntitle: 新闻 {i}\n---\nx\n"
           for i in (1, 2)},
        "_posts/zh_CN/posts/2024-02-03-xinwen-3.md": "---\ntitle: 新闻 3\nlang: zh-CN\n---\nx\n",
    }, kind="jekyll")
    config = (tmp_path / "new/newsgen.yaml").read_text(encoding="utf-8")
    assert "default_language_prefix" not in config, config
    assert "\n  zh_CN:\n" in config and "zh-CN:" not in config, config
    assert "6 posts keep their old URL; 1 old URL gets a redirect page" in run.err, run.err
    assert sorted(p.name for p in (tmp_path / "new/content").iterdir()) == ["en", "zh_CN"]
    built = newsgen("build", "-s", tmp_path / "new", "--now", NOW)
    assert built.code == 0, built.err
    dist = tmp_path / "new/dist"
    assert (dist / "2024/01/11/release-1/index.html").is_file()
    assert (dist / "en/special/own-page/index.html").is_file()  # (a redirect)
    assert (dist / "zh_CN/2024/02/03/xinwen-3/index.html").is_file()


def test_jekyll_a_site_wide_permalink_with_the_language_first_is_its_folder(
        tmp_path: Path) -> None:
    """`permalink: /en/…` for the whole site and `/ja/…` for the Japanese posts: the
    Japanese pages were built under /ja/en/…, each old URL a redirect (a review)."""
    run = imported(tmp_path, {
        "_config.yml": "title: B\nurl: https://b.example\nlang: en\n"
                       "permalink: /en/:year/:month/:day/:title/\ndefaults:\n"
                       "  - scope: {path: '_posts/ja', type: posts}\n"
                       "    values: {permalink: '/ja/:year/:month/:day/:title/', lang: ja}\n",
        **{f"_posts/en/2020-01-0{i}-en-{i}.md": f"---\ntitle: E{i}\n---\nx\n" for i in (1, 2, 3)},
        **{f"_posts/ja/2020-02-0{i}-ja-{i}.md": f"---\ntitle: J{i}\n---\nx\n" for i in (1, 2)},
    }, kind="jekyll")
    config = (tmp_path / "new/newsgen.yaml").read_text(encoding="utf-8")
    assert "permalink: /{year}/{month}/{day}/{slug}/\n" in config, config
    assert "default_language_prefix: true\n" in config, config
    assert "5 posts keep their old URL; 0 old URLs get a redirect page" in run.err, run.err
    assert newsgen("build", "-s", tmp_path / "new", "--now", NOW).code == 0
    dist = tmp_path / "new/dist"
    assert (dist / "ja/2020/02/01/ja-1/index.html").is_file()
    assert (dist / "en/2020/01/01/en-1/index.html").is_file()
    assert not (dist / "ja/en").exists()


def test_jekyll_a_language_folder_is_spelt_as_the_old_urls_spell_it(tmp_path: Path) -> None:
    """`lang: pt-BR` with permalinks under `/pt-br/`: the folder was `pt-BR`, every old
    URL a redirect that a disk ignoring case cannot hold beside its page. A folder
    `zh_CN/_posts/` whose posts say `lang: zh-CN` is that language, not a section."""
    run = imported(tmp_path, {
        "_config.yml": "title: B\nurl: https://b.example\nlang: en\n"
                       "permalink: pretty\ndefaults:\n"
                       "  - scope: {path: '_posts/pt', type: posts}\n"
                       "    values: {permalink: '/pt-br/:year/:month/:day/:title/', "
                       "lang: pt-BR}\n",
        "_posts/2020-01-01-en.md": "---\ntitle: E\n---\nx\n",
        **{f"_posts/pt/2020-02-0{i}-pt-{i}.md": f"---\ntitle: P{i}\n---\nx\n" for i in (1, 2)},
        **{f"zh_CN/_posts/2020-03-0{i}-zh-{i}.md": f"---\ntitle: Z{i}\nlang: zh-CN\n---\nx\n"
           for i in (1, 2)},
    }, kind="jekyll")
    assert "5 posts keep their old URL; 0 old URLs get a redirect page" in run.err, run.err
    assert sorted(p.name for p in (tmp_path / "new/content").iterdir()) == [
        "en", "pt-br", "zh_cn"], run.err
    assert newsgen("build", "-s", tmp_path / "new", "--now", NOW).code == 0
    dist = tmp_path / "new/dist"
    assert (dist / "pt-br/2020/02/01/pt-1/index.html").is_file()
    assert (dist / "zh_cn/2020/03/01/zh-1/index.html").is_file()  # (Jekyll's: small)
    assert not (dist / "pt-BR").exists()


def test_jekyll_one_post_in_the_default_languages_folder_does_not_move_the_rest(
        tmp_path: Path) -> None:
    """Four English posts in `_posts/`, one in `en/_posts/`: every English post moved
    under /en/, each old URL a redirect. The default language's folder is kept only
    when most of its posts have it."""
    run = imported(tmp_path, {
        "_config.yml": "title: B\nurl: https://b.example\nlanguages: [en, ru]\n",
        **{f"_posts/2020-01-0{i}-a-{i}.md": f"---\ntitle: A{i}\n---\nx\n" for i in (1, 2, 3, 4)},
        "en/_posts/2020-01-05-b.md": "---\ntitle: B\n---\nx\n",
        **{f"ru/_posts/2020-02-0{i}-r-{i}.md": f"---\ntitle: R{i}\n---\nx\n" for i in (1, 2)},
    }, kind="jekyll")
    config = (tmp_path / "new/newsgen.yaml").read_text(encoding="utf-8")
    assert "default_language_prefix" not in config, config
    assert "6 posts keep their old URL; 1 old URL gets a redirect page" in run.err, run.err


@pytest.mark.parametrize("found", ["new", "empty", "deep"])
def test_a_stopped_import_leaves_no_half_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             found: str) -> None:
    """Ctrl-C or SIGTERM while posts were written left newsgen.yaml and some posts, said
    "the output folder was left as it was", and the import run again was refused (the
    folder was not empty). The folder is now as it was found, and the import runs again;
    what someone else put there meanwhile stays, and the parents made for it go."""
    from newsgen.errors import Reporter
    from newsgen.migrate import run_import
    from newsgen.migrate.write import Writer

    old = write_site(tmp_path / "old", {
        "config.toml": 'baseURL = "https://e.org/"\n',
        **{f"content/post/p{i}.md": f"---\ntitle: P{i}\ndate: 2024-01-0{i}\n---\nx\n"
           for i in (1, 2, 3)}})
    new = tmp_path / ("deep/a/new" if found == "deep" else "new")
    if found == "empty":
        new.mkdir()
    real = Writer.write_all

    def stopped(self: Writer) -> list[Any]:
        (self.dest / "content/post").mkdir(parents=True, exist_ok=True)
        (self.dest / "content/post/p1.md").write_text("half")
        if found == "empty":  # someone's notes, put there meanwhile
            (new / "notes.txt").write_text("mine")
        raise KeyboardInterrupt

    monkeypatch.setattr(Writer, "write_all", stopped)
    with pytest.raises(KeyboardInterrupt):
        run_import("hugo", old, new, Reporter())
    if found == "empty":
        assert [p.name for p in new.iterdir()] == ["notes.txt"]
        (new / "notes.txt").unlink()
    else:
        assert not new.exists() and not (tmp_path / "deep").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new", "old"] if (
        found == "empty") else ["old"]
    monkeypatch.setattr(Writer, "write_all", real)
    run = newsgen("import", "hugo", old, new)
    assert run.code == 0 and (new / "content/post/p3.md").is_file(), run.err


def test_an_import_whose_folder_was_filled_meanwhile_puts_nothing_there(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsgen.errors import Reporter
    from newsgen.migrate import run_import
    from newsgen.migrate.write import Writer

    old = write_site(tmp_path / "old", {
        "config.toml": 'baseURL = "https://e.org/"\n',
        "content/post/p1.md": "---\ntitle: P1\ndate: 2024-01-01\n---\nx\n"})
    new = tmp_path / "new"
    new.mkdir()
    real = Writer.write_all

    def filled(self: Writer) -> list[Any]:
        (new / "newsgen.yaml").write_text("mine")  # someone else's, while it ran
        return real(self)

    monkeypatch.setattr(Writer, "write_all", filled)
    with pytest.raises(OSError) as caught:  # (the command says "newsgen: error: NEW: …")
        run_import("hugo", old, new, Reporter())
    assert (caught.value.filename, caught.value.strerror) == (
        str(new), "it was filled while this command ran, so nothing was put there")
    assert [p.name for p in new.iterdir()] == ["newsgen.yaml"]
    assert (new / "newsgen.yaml").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new", "old"]
