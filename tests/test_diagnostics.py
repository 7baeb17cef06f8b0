"""Diagnostics an editor can act on: the mistakes editors make, each with the message it
gets, on the line where it starts (issue 11). The table is the specification: a change of
wording shows up here first."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import NOW, article, newsgen, soup, tree_digest, write_site

HEAD = "---\ntitle: Carpet museum reopens\ndate: 2024-12-18 10:30\nsection: General\n"

# (name, front matter lines after `---`, the expected `path:line: error: message` start)
YAML_MISTAKES = [
    ("colon in a value", "title: Minister: budget will grow\ndate: 2024-12-18\nsection: General\n",
     '2: error: title: a colon followed by a space inside a value: put the title in quotes: '
     '`title: "Minister: budget will grow"`'),
    ("curly quotes around a value with a colon", "title: “Minister: budget will grow”\n"
     "date: 2024-12-18\nsection: General\n",
     '2: error: title: a colon followed by a space inside a value (curly quotes “…” are text '
     'to YAML, not quotes): put the title in quotes: `title: "Minister: budget will grow"`'),
    ("quote never closed", 'title: "Carpet museum reopens\ndate: 2024-12-18\nsection: General\n',
     '2: error: title: this quote (") is never closed: end the value with " on the same line'),
    ("tab before a list item", "title: T\ndate: 2024-12-18\nsection: General\ntags:\n\t- a\n",
     "6: error: YAML indents with spaces, not tabs"),
    ("tab after a list item", "title: T\ndate: 2024-12-18\nsection: General\ntags:\n  - a\n\t- b\n",
     "7: error: YAML indents with spaces, not tabs"),
    ("key given twice", "title: A\ndate: 2024-12-18\nsection: General\ntitle: B\n",
     "5: error: 'title' is given twice, here and on line 2: keep one of them"),
    ("mapping for text", "title:\n  en: Hello\ndate: 2024-12-18\nsection: General\n",
     "2: error: title: expected text, got a mapping: write the title on the same line"),
    ("list under a text field", "title:\n  - a\ndate: 2024-12-18\nsection: General\n",
     "2: error: title: expected text, got a list"),
    ("mapping as a list item", "title: T\ndate: 2024-12-18\nsection: General\ntags:\n"
     "  - energy\n  - Note: gas\n",
     "7: error: tags: expected text, got a mapping: put the tag in quotes (a colon followed "
     "by a space makes a mapping)"),
    ("a list item indented deeper than the one above", "title: T\ndate: 2024-12-18\n"
     "section: General\ntags:\n  - energy\n   - gas\n",
     "7: error: this list item is indented by 3 spaces and the one above by 2 spaces: line "
     "up the items of one list"),
    ("a key of a list item not lined up", "title: T\ndate: 2024-12-18\nsection: General\n"
     "related:\n  - ref: leader-talks\n     title: The talks\n",
     "7: error: 'title' is indented by 5 spaces and 'ref' after the dash above it by 4 "
     "spaces: line up the keys of one list item"),
    ("a key without a value not lined up", "title: T\ndate: 2024-12-18\nsection: General\n"
     "image:\n  src: a.jpg\n alt:\n",
     "7: error: 'alt' is indented by 1 space and 'src' above it by 2 spaces: line up the "
     "keys of one mapping"),
    ("non-breaking spaces before a key", "title: T\ndate: 2024-12-18\nsection: General\n"
     "image:\n\u00a0\u00a0src: a.jpg\n",
     "6: error: this line is indented with non-breaking spaces (U+00A0): replace them with "
     "ordinary spaces"),
    ("non-breaking spaces before a required key", "title: T\n\u00a0date: 2024-12-18\n"
     "section: General\n",
     "3: error: this line is indented with non-breaking spaces (U+00A0): replace them with "
     "ordinary spaces"),
    ("an author without a name", "title: T\ndate: 2024-12-18\nsection: General\nauthors:\n"
     "  - url: https://example.org/ann\n",
     "6: error: authors: an author written as a mapping needs its `name:`"),
    ("a mapping under a field's Hugo name", "title: T\ndate: 2024-12-18\nsection: General\n"
     "description:\n  a: b\n",
     "5: error: summary: expected text, got a mapping"),
    ("a tab and a dot in a time", "title: T\ndate: 2024-12-18\t10.30\nsection: General\n",
     "3: error: date: '2024-12-18\\x0910.30' is not a date"),
    ("list for text", "title: [a, b]\ndate: 2024-12-18\nsection: General\n",
     "2: error: title: expected text, got a list"),
    ("mapping for a list", "title: T\ndate: 2024-12-18\nsection: General\ntags:\n  energy: 1\n",
     "5: error: tags: expected a list of text, like `tags: [energy, transport]`, got a mapping"),
    ("text for a list", "title: T\ndate: 2024-12-18\nsection: General\nrelated: leader-talks\n",
     "5: error: related: expected a list, got 'leader-talks': write `related: [leader-talks]`"),
    ("apostrophe in single quotes", "title: 'It's here'\ndate: 2024-12-18\nsection: General\n",
     "2: error: title: an apostrophe inside single quotes ends the value: use double quotes: "
     '`title: "It\'s here"`'),
    ("double quote in double quotes", 'title: "He said "no" today"\ndate: 2024-12-18\n'
     "section: General\n",
     "2: error: title: a double quote inside double quotes ends the value: use single quotes "
     "around it: `title: 'He said \"no\" today'`"),
    ("value starting with @", "title: @handle says\ndate: 2024-12-18\nsection: General\n",
     "2: error: title: a value that starts with '@' is read as YAML syntax (reserved): put the "
     'title in quotes: `title: "@handle says"`'),
    ("value starting with *", "title: *Breaking* news\ndate: 2024-12-18\nsection: General\n",
     "2: error: title: a value that starts with '*' is read as YAML syntax (an alias)"),
    ("value starting with %", "title: % rise in prices\ndate: 2024-12-18\nsection: General\n",
     "2: error: title: a value that starts with '%' is read as YAML syntax (a directive)"),
    ("value starting with {", "title: {Big} news\ndate: 2024-12-18\nsection: General\n",
     "2: error: title: a value that starts with '{' is read as YAML syntax (a mapping)"),
    ("a # starts a comment", "title: #1 story of the year\ndate: 2024-12-18\nsection: General\n",
     "2: error: title: expected text, got nothing; everything after '#' is a comment in YAML: "
     'put the title in quotes: `title: "#1 story of the year"`'),
    ("key indented", "title: T\n  date: 2024-12-18\nsection: General\n",
     "3: error: 'date' is indented, but the line above does not open a list or a mapping"),
    ("no colon after a key", "title: T\ndate 2024-12-18\nsection: General\n",
     "3: error: 'date 2024-12-18' has no colon: write `date: 2024-12-18`"),
    ("no space after a dash", "title: T\ndate: 2024-12-18\nsection: General\ntags:\n-energy\n",
     "6: error: a list item needs a space after the dash: `- energy`"),
    ("list never closed", "title: T\ndate: 2024-12-18\nsection: General\ntags: [a, b\n",
     "5: error: this list is never closed: end it with ']' on the same line"),
    ("block text not indented", "title: T\ndate: 2024-12-18\nsection: General\nsummary: |\n"
     "A summary\n", "6: error: the text of a block (`|` or `>`) must be indented under its key"),
    ("backslash in double quotes", 'title: "C:\\data\\x"\ndate: 2024-12-18\nsection: General\n',
     "2: error: a backslash inside double quotes starts an escape sequence"),
    # A value YAML cuts at a comment, without a word: the title would be "Ferry".
    ("a # in the middle of a value", "title: Ferry #2 resumes service\ndate: 2024-12-18\n"
     "section: General\n",
     "2: error: title: everything after ' #' is a comment in YAML, so the title would be "
     "'Ferry': put the title in quotes: `title: \"Ferry #2 resumes service\"`"),
    # The first item's dash without a space folds the items into one text: one tag, silently.
    ("no space after the first dash", "title: T\ndate: 2024-12-18\nsection: General\ntags:\n"
     "  -energy\n  - transport\n",
     "6: error: a list item needs a space after the dash: `- energy`"),
    ("non-breaking spaces", "title: T\ndate: 2024-12-18\nsection: General\ntags:\n"
     "\u00a0\u00a0- energy\n",
     "6: error: this line is indented with non-breaking spaces (U+00A0): replace them with "
     "ordinary spaces"),
    ("list items not lined up", "title: T\ndate: 2024-12-18\nsection: General\ntags:\n"
     "  - energy\n - transport\n",
     "7: error: this list item is indented by 1 space and the one above by 2 spaces: line up "
     "the items of one list"),
    ("keys of a mapping not lined up", "title: T\ndate: 2024-12-18\nsection: General\n"
     "image:\n  src: a.jpg\n   alt: A harbour\n",
     "7: error: 'alt' is indented by 3 spaces and 'src' above it by 2 spaces: line up "
     "the keys of one mapping"),
    ("first key indented", ' title: "T"\ndate: 2024-12-18\nsection: General\n',
     "2: error: 'title' is indented, but nothing opens above it: start the line without "
     "spaces"),
    ("a dot for the colon in a time", "title: T\ndate: 2024-12-18 10.30\nsection: General\n",
     "3: error: date: '2024-12-18 10.30' is not a date (write 2024-12-18 or 2024-12-18 10:30)"),
    ("a year out of range", "title: T\ndate: 0999-01-01\nsection: General\n",
     "3: error: date: '0999-01-01' has a year outside 1000 to 9000: a typo?"),
    ("a value starting with a star", "title: T\ndate: 2024-12-18\nsection: General\n"
     "summary: *Update* the bridge is open\n",
     "5: error: summary: a value that starts with '*' is read as YAML syntax (an alias): put "
     'the summary in quotes: `summary: "*Update* the bridge is open"`'),
    ("a value starting with a closing bracket", "title: T\ndate: 2024-12-18\nsection: General\n"
     "kicker: ] Live\n",
     "5: error: kicker: a value that starts with ']' is read as YAML syntax (the end of a "
     'list): put the kicker in quotes: `kicker: "] Live"`'),
    ("lists nested thousands deep", "title: T\ndate: 2024-12-18\nsection: General\nx: "
     + "[" * 5000 + "]" * 5000 + "\n",
     "5: error: lists or mappings nested inside each other deeper than YAML reads: "
     "flatten them"),
]


@pytest.mark.parametrize(("front", "expected"), [(f, e) for _, f, e in YAML_MISTAKES],
                         ids=[name for name, _, _ in YAML_MISTAKES])
def test_yaml_mistakes_are_explained_on_their_line(tmp_path: Path, front: str,
                                                   expected: str) -> None:
    site = write_site(tmp_path / "site", {
        "content/general/story.md": "---\n" + front + "---\n\nBody.\n",
        "content/general/other.md": article("Other"),
    })
    old = newsgen("build", "-s", site, "--now", NOW, "-o", site / "out")
    run = newsgen("check", "-s", site, "--now", NOW)
    assert run.code == 1
    errors = run.errors()
    assert any(e.startswith("content/general/story.md:" + expected) for e in errors), run.err
    # Never the parser's own words, never a traceback.
    assert "mapping values are not allowed" not in run.err
    assert "end of stream" not in run.err and "invalid YAML" not in run.err
    assert old.code == 1


def test_the_table_has_at_least_fifteen_mistakes() -> None:
    assert len(YAML_MISTAKES) >= 15


def test_every_problem_of_a_file_in_one_run(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "sections:\n  - {slug: general, title: General}\n"
                        "  - {slug: politics, title: Politics}\n",
        "content/general/a.md": "---\ntitle: A\ndate: 2024-13-45\nsection: Genral\n"
                                "related: [no-such-story]\n---\n\nSee [b](b.md).\n",
    })
    (site / "dist").mkdir()
    (site / "dist/.newsgen-output").write_text("")
    before = tree_digest(site / "dist")
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 1
    assert run.errors()[:4] == [
        "content/general/a.md:3: error: date: '2024-13-45' is not a date (write 2024-12-18 or "
        "2024-12-18 10:30)",
        "content/general/a.md:4: error: section: 'Genral' is not a section of this site "
        "(sections: general, politics); did you mean 'General'?",
        "content/general/a.md:5: error: related: no article 'no-such-story' (give a slug or a "
        "path under content/)",
        "content/general/a.md:8: error: link 'b.md': no file content/general/b.md",
    ]
    assert tree_digest(site / "dist") == before


def test_did_you_mean_for_references_links_sections_and_languages(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "languages:\n  ru: {title: Новости}\n  tk: {title: Habarlar}\n"
                        "sections:\n  - {slug: politics, title: Politics, "
                        "titles: {ru: Политика, tk: Syýasat}}\n",
        "content/politics/national-leader-phone-talks.md": article(
            "Talks", section="Politics"),
        "content/politics/a.md": article(
            "A", section="Politics",
            related="[national-leader-phone-talk, politics/national-leader-phone-talk.md]",
            body="Read [the talks](national-leader-phone-talk.md)."),
        "content/ru/b.md": article("Б", section="Политка", lang="ru"),
        "content/ru/c.md": article("В", section="Politics", lang="rus"),
    })
    run = newsgen("check", "-s", site, "--now", NOW)
    err = run.err
    assert "a.md:5: error: related: no article 'national-leader-phone-talk' (give a slug or a " \
           "path under content/); did you mean 'national-leader-phone-talks'?" in err
    assert "did you mean 'politics/national-leader-phone-talks.md'?" in err
    assert "a.md:8: error: link 'national-leader-phone-talk.md': no file " \
           "content/politics/national-leader-phone-talk.md; did you mean " \
           "'national-leader-phone-talks.md'?" in err
    assert "content/ru/b.md:4: error: section: 'Политка' is not a section of this site " \
           "(sections: politics); did you mean 'Политика'?" in err
    assert "content/ru/c.md:5: error: lang: 'rus' is not a language of this site" in err
    assert "did you mean 'ru'?" in err


def test_new_accepts_a_languages_section_title_and_suggests(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "languages:\n  ru: {title: Новости}\n  tk: {title: Habarlar}\n"
                        "sections:\n  - {slug: politics, title: Politics, "
                        "titles: {ru: Политика, tk: Syýasat}}\n",
    })
    run = newsgen("new", "Выборы", "--section", "Политика", "--lang", "ru", "-s", site)
    assert run.code == 0, run.err
    written = (site / run.out.strip()).read_text("utf-8")
    assert 'section: "Политика"' in written and "lang: ru" in written
    run = newsgen("new", "Saýlaw", "--section", "Syýsat", "--lang", "tk", "-s", site)
    assert run.code == 1
    assert "did you mean 'Syýasat'?" in run.err


@pytest.mark.parametrize(("encoding", "text", "name"), [
    ("cp1251", "Министр посетил выставку ковров в столице и сказал, что ковроделие "
               "развивается быстро. Выставка открыта до конца месяца.", "Windows-1251"),
    ("utf-16", "Türkmenistanyň paýtagty Aşgabat şäherinde sergi açyldy.", "UTF-16"),
])
def test_a_file_that_is_not_utf8_gets_its_line_and_the_likely_encoding(
        tmp_path: Path, encoding: str, text: str, name: str) -> None:
    site = write_site(tmp_path / "site", {
        "content/general/a.md": (f"---\ntitle: T\ndate: 2024-12-01\nsection: General\n---\n\n"
                                 f"{text}\n").encode(encoding),
    })
    run = newsgen("check", "-s", site, "--now", NOW)
    assert run.code == 1
    line = 1 if encoding == "utf-16" else 7
    [error] = run.errors()
    assert error.startswith(f"content/general/a.md:{line}: error: not UTF-8 text (byte 0x")
    assert error.endswith(f"it looks like {name}: save it as UTF-8")


def test_a_short_legacy_text_is_guessed_as_a_language_of_the_site(tmp_path: Path) -> None:
    """A short Russian text in Windows-1251 reads as well in Windows-1250 (as Romanian) to
    the detector: on a Russian site the Russian reading wins. A few bytes that only read
    as Chinese, on a site without Chinese, are named by their Cyrillic letters."""
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "language: ru\n",
        "content/general/a.md": "---\ntitle: Привет\ndate: 2024-12-01\nsection: General\n"
                                "---\nНовости дня\n".encode("cp1251"),
        "content/general/b.md": "---\ntitle: Привет\ndate: 2024-12-01\nsection: General\n"
                                "---\nx\n".encode("cp1251"),
    })
    run = newsgen("check", "-s", site, "--now", NOW)
    assert run.errors() == [
        "content/general/a.md:2: error: not UTF-8 text (byte 0xcf on this line); it looks "
        "like Windows-1251: save it as UTF-8",
        "content/general/b.md:2: error: not UTF-8 text (byte 0xcf on this line); it looks "
        "like Windows-1251: save it as UTF-8"]


@pytest.mark.parametrize(("encoding", "name"), [("cp1251", "Windows-1251"),
                                                ("koi8_r", "KOI8-R"), ("cp866", "DOS 866")])
def test_a_short_cyrillic_title_is_named_on_any_site(tmp_path: Path, encoding: str,
                                                     name: str) -> None:
    # two words were too few for the detector: "Windows-1250" on an English site,
    # "CP1125" on a Russian one, a Japanese page for a template
    site = write_site(tmp_path / "site", {
        "content/general/a.md": "---\ndate: 2024-12-18\nsection: General\ntitle: Новости "
                                "дня\n---\nb\n".encode(encoding),
        "templates/article.html": '{% extends "builtin/article.html" %}\n{% block head_extra '
                                  '%}<meta name="x" content="Новости">{% endblock %}\n'
                                  .encode(encoding)})
    run = newsgen("check", "-s", site, "--now", NOW)
    assert [e.split("); ", 1)[1] for e in run.errors()] == [
        f"it looks like {name}: save it as UTF-8"] * 2, run.err


def test_windows_1251_is_not_taken_for_mac_cyrillic(tmp_path: Path) -> None:
    """This Russian article reads as Russian in Mac Cyrillic to the detector (and as
    Kazakh in Windows-1251): following a Mac Cyrillic hint would garble its capitals. The
    Windows code page of the same script, far likelier today, is named."""
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "languages:\n  ru: {title: Новости}\n",
        "content/general/a.md": ('---\ntitle: "Министр: бюджет вырастет в следующем году"\n'
                                 "date: 2024-12-18\nsection: general\n---\n"
                                 "Текст статьи на русском языке.\n").encode("cp1251"),
    })
    run = newsgen("check", "-s", site, "--now", NOW)
    assert run.errors() == [
        "content/general/a.md:2: error: not UTF-8 text (byte 0xcc on this line); it looks "
        "like Windows-1251: save it as UTF-8"]


@pytest.mark.parametrize("command", [["build"], ["check"], ["serve"], ["new", "T", "--section",
                                                                         "x"]])
def test_no_site_here_is_a_usage_error_and_writes_nothing(tmp_path: Path,
                                                          command: list[str]) -> None:
    (tmp_path / "notes.txt").write_text("not a site")
    run = newsgen(*command, cwd=tmp_path, timeout=30)
    assert run.code == 2
    assert f"newsgen: error: no site here: {tmp_path} has neither newsgen.yaml nor content/; " \
           "run it in a site folder or pass -s SITE" in run.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_held_articles_are_counted_listed_and_a_far_date_warns(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "base_url: https://held.example/\ndescription: Held articles\n",
        "content/general/live.md": article("Live", "2024-12-18 10:00"),
        "content/general/soon.md": article("Soon", "2024-12-20 09:00"),
        "content/general/later.md": article("Later", "2025-01-05 09:00"),
        "content/general/typo.md": article("Typo", "2062-12-01 09:00"),
        "content/general/wip.md": article("Work in progress", "2024-12-10 09:00", draft="true"),
        "content/general/gone.md": article("Gone", "2024-12-01 09:00",
                                           expirydate="2024-12-12 18:00"),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    assert "content/general/typo.md:3: warning: date: 2062-12-01 is 37 years ahead: a typo?" \
        in run.err
    summary = [line for line in run.lines if line.startswith("newsgen: built")][0]
    assert summary.endswith("; left out: 3 scheduled (next: 2024-12-20 09:00), 1 draft, "
                            "1 expired"), summary
    again = newsgen("build", "-s", site, "--now", NOW)
    assert "nothing changed" in again.err
    assert "; left out: 3 scheduled (next: 2024-12-20 09:00), 1 draft, 1 expired" in again.err
    listed = newsgen("check", "-s", site, "--now", NOW, "--list-held")
    assert listed.out.splitlines() == [
        "content/general/wip.md: draft: Work in progress",
        "content/general/gone.md: expired on 2024-12-12 18:00: Gone",
        "content/general/soon.md: scheduled for 2024-12-20 09:00: Soon",
        "content/general/later.md: scheduled for 2025-01-05 09:00: Later",
        "content/general/typo.md: scheduled for 2062-12-01 09:00: Typo",
    ]
    assert listed.lines[-1] == ("newsgen: checked 6 articles: no errors, 1 warning; left out: "
                                "3 scheduled (next: 2024-12-20 09:00), 1 draft, 1 expired")


def test_foreign_template_syntax_is_named_in_full_on_its_line(tmp_path: Path) -> None:
    body = ("Watch: {{< youtube dQw4w9WgXcQ >}}\n\n"
            'See [the other]({{< ref "other.md" >}}).\n\n'
            "[Old post]({% link _posts/2020-01-01-old.md %}) at {{ site.url }}\n\n"
            "```\n{{< inside a code fence >}}\n```\n\nAnd `{% raw %}` in code.\n")
    site = write_site(tmp_path / "site", {
        "content/general/a.md": article("A", body=body),
        "content/general/other.md": article("Other"),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    warnings = [w for w in run.warnings() if "content/general/a.md" in w]
    assert warnings == [
        "content/general/a.md:7: warning: Hugo shortcode '{{< youtube dQw4w9WgXcQ >}}' would be "
        "shown as text: embed the video with raw HTML (an <iframe>) or link to it",
        "content/general/a.md:9: warning: Hugo shortcode '{{< ref \"other.md\" >}}' would be "
        "shown as text: write a relative link to the article's file: "
        "[the story](../section/story.md)",
        "content/general/a.md:11: warning: Liquid tag '{% link _posts/2020-01-01-old.md %}' "
        "would be shown as text: write a relative link to the article's file: "
        "[the story](../section/story.md)",
        "content/general/a.md:11: warning: Liquid variable '{{ site.url }}' would be shown as "
        "text: write the value itself (or a relative link)",
    ]
    # No error cut at a space, and no broken link on the page.
    assert not run.errors()
    links = soup(site / "dist/general/a/index.html").select(".article-body a")
    assert all(a.get("href") is None or not a["href"].startswith("{") for a in links)


def test_a_long_slug_is_cut_with_a_warning_naming_the_url(tmp_path: Path) -> None:
    words = " ".join(f"word{i}" for i in range(30))
    site = write_site(tmp_path / "site", {
        "content/general/a.md": article("A", slug=words),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0
    [warning] = [w for w in run.warnings() if "slug" in w]
    url = "/general/" + "-".join(f"word{i}" for i in range(15)) + "/"
    assert warning == (f"content/general/a.md:5: warning: slug: {len('-'.join(words.split()))} "
                       f"characters is too long for a URL; it is cut to {len(url) - 10}, and "
                       f"the article's URL is {url}")
    assert (site / "dist" / url.strip("/") / "index.html").is_file()


def test_wording_plurals_check_summary_byline_and_large_files(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "base_url: https://w.example/\ndescription: Слова\nlanguage: ru\n"
                        "checks: {large_article_kb: 4}\n",
        "content/general/one.md": article("Один", author="Аман Оразов"),
        "content/general/two.md": article("Два", "2024-12-17 10:00",
                                          authors="[Аман Оразов, Айна Бердыева]",
                                          body="Текст. " * 1000),
    })
    run = newsgen("check", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    assert run.lines[-1] == "newsgen: checked 2 articles: no errors, 1 warning"
    assert "content/general/two.md: warning: this article is 11 KB (checks.large_article_kb " \
           "is 4): a pasted image or document?" in run.err
    (site / "content/general/two.md").write_text(article("Два", "2024-12-17 10:00",
                                                         authors="[А Б, В Г]"), "utf-8")
    run = newsgen("check", "-s", site, "--now", NOW)
    assert run.lines[-1] == "newsgen: checked 2 articles: no problems"
    run = newsgen("build", "-s", site, "--now", NOW)
    one = soup(site / "dist/general/one/index.html").select_one(".article-meta").get_text()
    two = soup(site / "dist/general/two/index.html").select_one(".article-meta").get_text()
    assert "Автор Аман Оразов" in " ".join(one.split())
    assert "Авторы А Б, В Г" in " ".join(two.split())
    broken = write_site(tmp_path / "broken", {"content/a.md": article("A", date="2024-13-01")})
    run = newsgen("build", "-s", broken, "--now", NOW)
    assert run.lines[-1] == "newsgen: 1 error, 1 warning; nothing was written"


def test_serve_marks_drafts_and_scheduled_articles(tmp_path: Path) -> None:
    from serverutil import serving

    site = write_site(tmp_path / "site", {
        "content/general/live.md": article("Live story", "2024-12-18 10:00"),
        "content/general/wip.md": article("Work in progress", "2024-12-10 09:00",
                                          draft="true"),
        "content/general/later.md": article("Far later", "2099-01-05 09:00"),
    })
    with serving(site, "--drafts", "--future", watch=False) as srv:
        _, _, body = srv.get("/general/wip/")
        assert soup_bytes(body).select_one("article .held-mark").get_text() == "Draft"
        _, _, body = srv.get("/general/later/")
        assert soup_bytes(body).select_one("article .held-mark").get_text() == "Scheduled"
        _, _, body = srv.get("/general/live/")
        assert soup_bytes(body).select_one(".held-mark") is None
        _, _, body = srv.get("/")
        cards = {c.select_one(".card-title").get_text(): c.select_one(".held-mark")
                 for c in soup_bytes(body).select(".card")}
        assert cards["Work in progress"].get_text() == "Draft"
        assert cards["Far later"].get_text() == "Scheduled"
        assert cards["Live story"] is None
    out = newsgen("build", "-s", site, "--drafts", "--future", "-o", tmp_path / "all")
    assert out.code == 0, out.err
    assert not any("held-mark" in p.read_text("utf-8")
                   for p in (tmp_path / "all").rglob("*.html"))


def soup_bytes(body: bytes):  # type: ignore[no-untyped-def]
    from bs4 import BeautifulSoup

    return BeautifulSoup(body, "html.parser")


def test_a_trilingual_newsrooms_quiet_slips_are_said(tmp_path: Path) -> None:
    """Slips that used to pass in silence or with a misleading message (a trilingual
    editor's trial): each gets one clear message on its line."""
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "title: Habarlar\nlanguage: tk\nlanguages:\n  en: {title: News}\n"
                        "  ru: {title: Новости}\n",
        "content/general/carpets.md": article("Halylar", translation_key="carpet-museum"),
        "content/ru/general/carpets.md": article("Ковры", translation_key="carpet-museum"),
        "content/en/general/carpets.md": article("Carpets", translation_key="carpet-musuem",
                                                 slug="2026/12/carpets"),
        "content/en/general/flag.md": article("Flag", draft='"true"',
                                              expirydate="2024-12-01"),
        "content/en/general/out.md": article("Out", related="[../secret.md]"),
        "content/en/general/svg.md": article("Svg", image="{src: logo.svg, alt: Logo}"),
        "content/en/general/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>',
        # `bazar` fails on its own; the English one that lists it gets no misleading
        # "exists only in another language"
        "content/general/bazar.md": article("Bazar", date="2024-13-45"),
        "content/ru/general/bazar.md": article("Базар"),
        "content/general/lists.md": article("Lists", related="[bazar]"),
    })
    run = newsgen("check", "-s", site, "--now", NOW)
    said = run.lines
    expected = [
        "content/en/general/carpets.md:6: warning: slug: '2026/12/carpets' is one part of "
        "the URL, so its slashes become dashes ('2026-12-carpets'); folders in URLs come "
        "from permalink: in newsgen.yaml",
        "content/en/general/carpets.md:5: warning: translation_key 'carpet-musuem' is shared "
        "by no other article, so this one has no translations; did you mean 'carpet-museum'?",
        "content/en/general/flag.md:5: error: draft: expected true or false without quotes, "
        "got 'true'",
        "content/en/general/flag.md:6: warning: expirydate: not after the article's date, so "
        "it is never published",
        "content/en/general/out.md:5: error: related: '../secret.md' leaves content/: give a "
        "slug or a path under content/ (economy/forum.md)",
        "content/en/general/svg.md:5: warning: image: content/en/general/logo.svg is not a "
        "JPEG, PNG, WebP or GIF: search engines and social cards (og:image) do not show it; "
        "use one of those",
        "content/general/bazar.md:3: error: date: '2024-13-45' is not a date (write "
        "2024-12-18 or 2024-12-18 10:30)",
    ]
    for line in expected:
        assert line in said, (line, run.err)
    assert not [line for line in said if "lists.md" in line], run.err


def test_a_local_time_the_clocks_skip_is_read_as_the_real_one(tmp_path: Path) -> None:
    """2024-03-31 02:30 never happened in Berlin (clocks went from 02:00 to 03:00): the
    page would show a time that does not exist. It is read as 03:30, with a warning."""
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "timezone: Europe/Berlin\n",
        "content/general/a.md": article("A", date="2024-03-31 02:30"),
        "content/general/b.md": article("B", date="2024-10-27 02:30"),  # twice: the first
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    assert [w for w in run.warnings() if "clocks" in w] == [
        "content/general/a.md:3: warning: date: 2024-03-31 02:30 does not exist in "
        "Europe/Berlin (the clocks move forward then); read as 03:30"]
    time = soup(site / "dist/general/a/index.html").find("article").find("time")
    assert time["datetime"] == "2024-03-31T03:30:00+02:00"
    time = soup(site / "dist/general/b/index.html").find("article").find("time")
    assert time["datetime"] == "2024-10-27T02:30:00+02:00"
    # A day alone in a zone whose clocks skip midnight: its first moment, without a word.
    (site / "newsgen.yaml").write_text("timezone: America/Santiago\n", "utf-8")
    (site / "content/general/b.md").write_text(article("B", date="2024-09-08"), "utf-8")
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0 and not [w for w in run.warnings() if "clocks" in w], run.err


def test_a_file_name_ending_like_a_language_the_site_lacks_is_said(tmp_path: Path) -> None:
    """`pagta.tm.md` (Turkmenistan's country code for Turkmen's `tk`) and `visit.de.md`
    (a language the site does not have) were published as articles 'pagta-tm' and
    'visit-de' of the default language, unlinked from their translations, in silence."""
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "language: tk\nlanguages:\n  en: {title: News}\n",
        "content/general/pagta.md": article("Pagta"),
        "content/general/pagta.tm.md": article("Pagta"),
        "content/general/visit.de.md": article("Besuch", slug="besuch"),  # its own slug
        "content/general/v1.2.md": article("Version"),  # no language: nothing to say
    })
    run = newsgen("check", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    said = [w for w in run.warnings() if "file name" in w]
    assert said == [
        "content/general/pagta.tm.md: warning: '.tm' in the file name is not one of the "
        "site's languages (tk, en), so the article is in tk and its slug is 'pagta-tm'; "
        "'tm' is a country code: did you mean 'tk' (pagta.tk.md)?",
        "content/general/visit.de.md: warning: '.de' in the file name is not one of the "
        "site's languages (tk, en), so the article is in tk; add de under languages: in "
        "newsgen.yaml, or rename the file"]


def test_new_takes_a_language_spelt_as_the_site_likes(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "language: tk\nlanguages:\n  ru: {title: R}\n  zh_cn: {title: Z}\n",
    })
    for lang, title in (("zh-CN", "Sergi"), ("zh_cn", "Bazar"), ("RU", "Выставка")):
        run = newsgen("new", title, "--section", "general", "--lang", lang, "-s", site)
        assert run.code == 0, run.err
        folder = "ru" if lang == "RU" else "zh_cn"  # newsgen.yaml's folder, never a second one
        assert run.out.strip().startswith(f"content/{folder}/general/")
        assert f"lang: {folder}" in (site / run.out.strip()).read_text("utf-8")
    run = newsgen("build", "-s", site, "--drafts", "--now", NOW)
    assert run.code == 0, run.err
    assert {p.name for p in (site / "content").iterdir()} == {"ru", "zh_cn"}
    run = newsgen("new", "X", "--section", "general", "--lang", "fr", "-s", site)
    assert run.code == 1
    assert "'fr' is not a language of this site (configured: tk, ru, zh_cn)" in run.err
    # a near spelling of one is suggested; another language's code is not "near" one
    other = write_site(tmp_path / "other", {"newsgen.yaml": "languages:\n  tk: {title: T}\n"})
    assert "did you mean 'tk'?" in newsgen("new", "X", "--section", "general", "--lang",
                                           "tm", "-s", other).err
    run = newsgen("new", "X", "--section", "general", "--lang", "de", "-s", other)
    assert run.code == 1 and "did you mean" not in run.err, run.err


def test_an_unknown_section_lists_the_sections_in_the_order_newsgen_yaml_gives(
        tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "sections:\n  - {slug: politics, title: Politics}\n"
                        "  - {slug: economy, title: Economy}\n  - {slug: arts, title: Arts}\n",
        "content/politics/a.md": "---\ntitle: A\ndate: 2024-12-01\nsection: Sport\n---\nx\n"})
    run = newsgen("check", "-s", site, "--now", NOW)
    assert run.errors() == ["content/politics/a.md:4: error: section: 'Sport' is not a "
                            "section of this site (sections: politics, economy, arts)"]


def test_links_to_an_article_that_failed_to_load_get_no_second_message(
        tmp_path: Path) -> None:
    """Its own error says why the page is missing: a read-also item by slug, by path or
    by its full URL, and a body link to its page, say nothing more (and never point at
    another article as the one meant)."""
    site = write_site(tmp_path / "s", {
        "newsgen.yaml": "base_url: https://news.example.org/\n",
        "content/general/ferry.md": article("Broken", date="2024-13-45"),
        "content/general/ferry2.md": article("Another ferry"),
        "content/general/ref.md": article(
            "Ref", body="[abs](/general/ferry/) and [old](/general/ferry.html)\n\n"
                        "[other](/generl/ferry/)",
            related="\n  - ferry\n  - general/ferry.md"
                    "\n  - https://news.example.org/general/ferry/"),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 1
    assert [d for d in run.err.splitlines() if "content/" in d] == [
        "content/general/ferry.md:3: error: date: '2024-13-45' is not a date "
        "(write 2024-12-18 or 2024-12-18 10:30)",
        # another folder's: not its page, so said in this run too
        "content/general/ref.md:13: error: link '/generl/ferry/': no page or file of this "
        "build has that path (link an article by its .md file, or a file by its path beside "
        "the article)"], run.err


def test_without_a_folder_in_the_permalink_a_failed_articles_name_is_its_page(
        tmp_path: Path) -> None:
    """Under `/{year}/{slug}/` the failed article's page has no folder of its file's in
    it: a link by its name is its page, and gets no second message."""
    site = write_site(tmp_path / "s", {
        "newsgen.yaml": "permalink: /{year}/{slug}/\n",
        "content/general/broke.md": article("Broke", date="2024-13-45"),
        "content/general/ref.md": article("Ref", body="See [it](/2024/broke/)."),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 1
    assert [e for e in run.errors() if "content/" in e] == [
        "content/general/broke.md:3: error: date: '2024-13-45' is not a date (write "
        "2024-12-18 or 2024-12-18 10:30)"], run.err


def test_a_template_error_does_not_hide_another_templates_syntax_error(
        tmp_path: Path) -> None:
    """All of them in one run: the article page fails before it includes read_also.html,
    whose syntax error is said too."""
    site = write_site(tmp_path / "s", {
        "content/general/a.md": article("A"),
        "templates/article.html": '{% extends "builtin/article.html" %}\n'
                                  "{% block meta %}{{ super() }}{{ article.subtitle }}"
                                  "{% endblock %}\n",
        "templates/read_also.html": "{% endif %}\n",
    })
    for command in ("build", "check"):
        run = newsgen(command, "-s", site, "--now", NOW)
        assert run.code == 1
        assert run.errors() == [
            "templates/article.html:2: error: while rendering /general/a/index.html: "
            "'newsgen.stages.views.ArticleView object' has no attribute 'subtitle'",
            "templates/read_also.html:1: error: template syntax: Encountered unknown tag "
            "'endif'."], run.err
    assert not (site / "dist").exists()


def test_a_template_asking_for_a_label_that_does_not_exist_gets_the_nearest(
        tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", {
        "content/general/a.md": article("A"),
        "templates/home.html": '{% extends "builtin/base.html" %}\n'
                               '{% block content %}{{ t("read_aslo") }}{% endblock %}\n',
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 1
    assert run.errors() == ["templates/home.html:2: error: while rendering /index.html: "
                            "t('read_aslo'): no such label; did you mean 'read_also'?"], run.err


def test_a_template_that_extends_itself_is_told_how_to_extend_the_theme(
        tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", {
        "content/general/a.md": article("A"),
        "templates/article.html": '{% extends "article.html" %}\n',
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 1
    assert run.errors() == [
        "templates/article.html:1: error: while rendering /general/a/index.html: templates "
        "extend, include or call each other without end (a template that extends itself: to "
        'extend the theme\'s article.html, write {% extends "builtin/article.html" %}; or a '
        "macro that calls itself)"], run.err


def test_an_updated_time_still_ahead_is_a_warning_until_it_passes(tmp_path: Path) -> None:
    """A published article's `updated` after the build's time: the page, sitemap and
    JSON-LD would say it changed then (crawlers distrust such a lastmod)."""
    site = write_site(tmp_path / "s", {
        "content/general/a.md": article("A", date="2024-12-10 10:00",
                                        updated="2025-06-01 10:00"),
        "content/general/b.md": article("B", date="2030-01-01", updated="2030-02-01"),
    })
    warned = ("content/general/a.md:5: warning: updated: 2025-06-01 10:00 is still ahead: "
              "the page, sitemap and feed say it changed then; a typo?")
    for _ in range(2):  # (a build with nothing to do says it again)
        run = newsgen("build", "-s", site, "--now", NOW)
        assert run.code == 0, run.err
        assert [w for w in run.warnings() if "updated" in w] == [warned], run.err
    run = newsgen("build", "-s", site, "--now", "2025-06-01 10:01")
    assert not [w for w in run.warnings() if "updated" in w], run.err
    # published ahead with --future: its `updated` no later than its own date is no slip
    run = newsgen("build", "-s", site, "--now", NOW, "--future")
    assert [w for w in run.warnings() if "updated" in w and "b.md" in w] == [
        "content/general/b.md:5: warning: updated: 2030-02-01 00:00 is still ahead: the "
        "page, sitemap and feed say it changed then; a typo?"], run.err
    write_site(site, {"content/general/b.md": article("B", date="2030-01-01",
                                                      updated="2030-01-01")})
    run = newsgen("build", "-s", site, "--now", NOW, "--future")
    assert not [w for w in run.warnings() if "updated" in w and "b.md" in w], run.err


def test_a_far_date_warns_in_the_same_run_as_the_errors_of_its_file(tmp_path: Path) -> None:
    # the likely typo (2062 for 2026) is said before the editor fixes the other error
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "base_url: https://far.example/\ndescription: D\n",
        "content/general/far.md": article("Far", "2062-12-01", image="ftp://x.example/a.jpg"),
        "content/general/wip.md": article("Wip", "2030-12-01", draft="true"),
        "content/general/bad.md": article("Bad", "2024-13-45"),
    })
    run = newsgen("check", "-s", site, "--now", NOW)
    assert run.code == 1
    assert run.errors() == [
        "content/general/bad.md:3: error: date: '2024-13-45' is not a date (write 2024-12-18 "
        "or 2024-12-18 10:30)",
        "content/general/far.md:5: error: image: 'ftp:' URLs are not allowed, only http: and "
        "https:"]
    assert run.warnings() == [  # a draft does not wait for its date: it waits for an editor
        "content/general/far.md:3: warning: date: 2062-12-01 is 37 years ahead: a typo? (the "
        "article waits until then; checks.far_future_days is 365)",
        "content/general/wip.md:3: warning: date: 2030-12-01 is 5 years ahead: a typo? (a "
        "draft; checks.far_future_days is 365)"]


@pytest.mark.parametrize(("text", "encoding"), [
    ("Ελληνικά νέα σήμερα", "cp1253"), ("Żółć gęślą jaźń", "cp1250"),
    ("Öýüňize hoş geldiňiz", "cp1250"), ("مرحبا بالعالم اليوم", "cp1256"),
    ("Tere tulemast, õpetaja ütles", "cp1257"), ("ΕΛΛΗΝΙΚΑ ΝΕΑ ΣΗΜΕΡΑ", "cp1253"),
    ("שלום עולם חדשות", "cp1255"), ("שלום עולם חדשות", "iso8859_8")])
def test_other_scripts_are_not_named_as_a_cyrillic_page(tmp_path: Path, text: str,
                                                         encoding: str) -> None:
    # almost every byte from 0xC0 up is a Cyrillic letter in Windows-1251: Greek, Polish,
    # Turkmen and Estonian were named Windows-1251, Arabic KOI8-R; then Hebrew (no capitals)
    # Windows-1251, and Greek capitals KOI8-R
    site = write_site(tmp_path / "site", {
        "content/general/a.md": f"---\ndate: 2024-12-18\nsection: General\ntitle: {text}\n"
                                "---\nb\n".encode(encoding)})
    [error] = newsgen("check", "-s", site, "--now", NOW).errors()
    assert not any(page in error for page in ("Windows-1251", "KOI8-R", "DOS 866")), error
