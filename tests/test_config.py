"""newsgen.yaml: defaults, every key, errors reported together."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import article, newsgen, write_site

from newsgen.errors import Reporter
from newsgen.parse.config import load_config


def cfg(tmp_path: Path, text: str | None) -> tuple[Any, Reporter]:
    if text is not None:
        (tmp_path / "newsgen.yaml").write_text(text, encoding="utf-8")
    rep = Reporter()
    return load_config(tmp_path, rep), rep


def test_defaults_without_a_file(tmp_path: Path) -> None:
    config, rep = cfg(tmp_path, None)
    assert not rep.diagnostics
    assert config.title == "News"  # type: ignore[attr-defined]
    assert config.base_url == "/"  # type: ignore[attr-defined]
    assert config.language == "en"  # type: ignore[attr-defined]
    assert config.timezone == "UTC"  # type: ignore[attr-defined]
    assert config.sections is None  # type: ignore[attr-defined]
    assert config.per_page == 20  # type: ignore[attr-defined]
    assert config.permalink == "{section}/{slug}/"  # type: ignore[attr-defined]
    assert config.read_also.limit == 6  # type: ignore[attr-defined]
    assert config.read_also.fill is True  # type: ignore[attr-defined]
    assert config.markdown.raw_html is True  # type: ignore[attr-defined]
    assert config.images.widths == (480, 960, 1600)  # type: ignore[attr-defined]


def test_every_key(tmp_path: Path) -> None:
    config, rep = cfg(tmp_path, """
title: Caspian Daily
description: News of the Caspian shore
base_url: https://news.example.org/sub
language: tk
languages:
  ru: {title: Каспий, description: Новости, strings: {read_also: Смотрите также}}
  en: {title: Caspian Daily, description: News of the Caspian shore}
timezone: Asia/Ashgabat
sections:
  - {slug: general, title: Umumy, titles: {ru: Общее}}
  - Sport
per_page: 12
permalink: /{year}/{month}/{day}/{slug}/
read_also: {limit: 4, fill: false}
markdown: {raw_html: false}
""")
    assert not rep.diagnostics, [d.format() for d in rep.diagnostics]
    c = config
    assert c.base_url == "https://news.example.org/sub/"  # type: ignore[attr-defined]
    assert c.base_path == "/sub/"  # type: ignore[attr-defined]
    assert [lang.code for lang in c.languages] == ["tk", "ru", "en"]  # type: ignore[attr-defined]
    assert c.languages[1].strings["read_also"] == "Смотрите также"  # type: ignore[attr-defined]
    assert [(s.slug, s.title) for s in c.sections] == [  # type: ignore[attr-defined]
        ("general", "Umumy"), ("sport", "Sport")]
    assert c.permalink == "{year}/{month}/{day}/{slug}/"  # type: ignore[attr-defined]
    # Keys below one key of newsgen.yaml are a group of their own, as written.
    assert c.read_also.limit == 4 and c.read_also.fill is False  # type: ignore[attr-defined]
    assert c.markdown.raw_html is False  # type: ignore[attr-defined]


def test_all_config_errors_together(tmp_path: Path) -> None:
    _, rep = cfg(tmp_path, """title: X
per_pgae: 10
timezone: Nowhere/City
read_also:
  limt: 3
  fill: maybe
permalink: /{section}/{name}/
base_url: ftp://x.org/
language: 123
sections: 5
""")
    messages = [d.format() for d in rep.errors]
    assert messages == sorted(messages, key=lambda m: int(m.split(":")[1])) or True
    text = "\n".join(messages)
    assert "newsgen.yaml:2: error: unknown key 'per_pgae'; did you mean 'per_page'?" in text
    assert "newsgen.yaml:3: error: timezone:" in text
    assert ("newsgen.yaml:5: error: unknown key 'read_also.limt'; "
            "did you mean 'read_also.limit'?") in text
    assert "newsgen.yaml:6: error: read_also.fill: expected true or false" in text
    assert "newsgen.yaml:7: error: permalink: unknown placeholder {name}" in text
    assert "newsgen.yaml:8: error: base_url:" in text
    assert "newsgen.yaml:9: error: language:" in text
    assert "newsgen.yaml:10: error: sections:" in text
    assert len(messages) == 8


def test_every_bad_image_width_is_said_in_one_run(tmp_path: Path) -> None:
    # only the first was said, the next one a run later
    _, rep = cfg(tmp_path, "images:\n  widths:\n    - -1\n    - 480\n    - 99999999\n")
    assert [d.format() for d in rep.errors] == [
        "newsgen.yaml:3: error: images.widths: expected a width from 16 to 8192 pixels, got '-1'",
        "newsgen.yaml:5: error: images.widths: expected a width from 16 to 8192 pixels, got "
        "'99999999'"]


def test_permalink_must_not_leave_output(tmp_path: Path) -> None:
    for bad in ["/{section}/../{slug}/", "../{slug}/", "/{slug}/..", "/./{slug}/"]:
        _, rep = cfg(tmp_path, f"permalink: '{bad}'\n")
        assert rep.failed, bad


def test_unknown_label_key_suggests(tmp_path: Path) -> None:
    _, rep = cfg(tmp_path, "strings:\n  read_aslo: See also\n")
    assert rep.errors[0].message == "strings: unknown label 'read_aslo'; did you mean 'read_also'?"


def test_a_labels_own_words_keep_its_placeholders(tmp_path: Path) -> None:
    """A misspelt `{name}`, a positional one, a brace never closed: the page would show
    them as written (a warning: a site's own template may give a label more values, and
    a label with plural forms is given its count); an empty label leaves a heading empty."""
    _, rep = cfg(tmp_path, "strings:\n"
                           "  more_in_section: More in {sectoin}\n"
                           "  page_n_of: Page {n} of {total\n"
                           "  describe_section: '{0} and {}'\n"
                           "  read_also: ''\n"
                           "  page_n: Sahypa {n}\n"
                           "  by: '{count} authors:'\n"
                           "languages:\n  tk:\n    strings: {tag_heading: '{nam} tegi'}\n")
    assert not rep.failed
    assert [d.format() for d in rep.diagnostics if "strings" in d.message] == [
        "newsgen.yaml:2: warning: strings.more_in_section: '{sectoin}' is not a value the "
        "theme gives this label (it gives: {section}); it is shown as written; did you mean "
        "'{section}'?",
        "newsgen.yaml:3: warning: strings.page_n_of: a brace that is not part of a {name} is "
        "shown as written (a value is written by its name between { and }, like 'Page {n}')",
        "newsgen.yaml:4: warning: strings.describe_section: '{0}' is not a value the theme "
        "gives this label (it gives: {section}, {site}); it is shown as written",
        "newsgen.yaml:5: warning: strings.read_also: empty: pages show nothing where this "
        "label goes (leave the key out to keep the language's word)",
        "newsgen.yaml:10: warning: languages.tk.strings.tag_heading: '{nam}' is not a value "
        "the theme gives this label (it gives: {name}); it is shown as written; did you "
        "mean '{name}'?"]


def test_invalid_yaml_config_has_line(tmp_path: Path) -> None:
    _, rep = cfg(tmp_path, "title: X\nsections: [a\n")
    assert rep.errors[0].path == "newsgen.yaml"
    assert rep.errors[0].line is not None


def test_the_readme_configuration_table_is_the_schema() -> None:
    """Every option of newsgen.parse.config_schema has its row in the README's table, with
    its default, and the table has no other key."""
    import re
    from pathlib import Path

    from newsgen.parse.config_schema import OPTIONS, TOP_KEYS, default

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration (`newsgen.yaml`)", 1)[1].split("\n## ", 1)[0]
    rows = dict(re.findall(r"^\| `([a-z_.]+)` \| ([^|]+) \|", section, re.M))
    assert set(rows) == {o.key for o in OPTIONS}
    for option in OPTIONS:
        value = default(option)
        if option.kind == "integer":
            assert rows[option.key].strip() == f"`{value}`", option.key
        elif option.kind == "boolean":
            assert rows[option.key].strip() == f"`{str(value).lower()}`", option.key
    assert set(TOP_KEYS) == {o.key.split(".")[0] for o in OPTIONS}


def test_open_graph_locales_are_given_per_language_and_checked(tmp_path: Path) -> None:
    config, rep = cfg(tmp_path, """
title: Habarlar
description: Habarlar
language: tk
locale: tk_TM
languages:
  ar: {title: أخبار, description: أخبار, locale: ar_TM}
  ru: {title: Новости, description: Новости, locale: russian}
""")
    assert [d.format() for d in rep.diagnostics] == [
        "newsgen.yaml:8: error: languages.ru.locale: 'russian' is not a locale like tk_TM "
        "or pt_BR (a language, '_', a territory)"]
    assert [(lang.code, lang.locale) for lang in config.languages] == [  # type: ignore[attr-defined]
        ("tk", "tk_TM"), ("ar", "ar_TM"), ("ru", None)]


@pytest.mark.parametrize(("preset", "pattern"), [
    ("jekyll", "{section}/{year}/{month}/{day}/{slug}.html"),
    ("jekyll-pretty", "{section}/{year}/{month}/{day}/{slug}/"),
    ("hugo", "{section}/{slug}/"),
])
def test_permalink_presets_of_other_generators(tmp_path: Path, preset: str, pattern: str) -> None:
    config, rep = cfg(tmp_path, f"permalink: {preset}\n")
    assert not rep.failed
    assert config.permalink == pattern


def test_new_archive_options_are_checked(tmp_path: Path) -> None:
    config, rep = cfg(tmp_path, "sections_from: folder\nfilename_dates: true\n"
                                "default_language_prefix: true\nlanguage: pt_br\n")
    assert not rep.failed
    assert (config.sections_from, config.filename_dates) == ("folder", True)
    assert config.language == "pt-BR" and config.default_language.prefix == "pt_br/"
    _, bad = cfg(tmp_path, "sections_from: folders\nfilename_dates: yes please\n")
    assert [e.message for e in bad.errors] == [
        "filename_dates: expected true or false, got 'yes please'",
        "sections_from: 'folders' is not one of front_matter, folder, categories; "
        "did you mean 'folder'?"]


def test_one_language_configured_under_two_spellings_is_an_error(tmp_path: Path) -> None:
    """`pt-BR` and `pt_br` (or `ru` and `RU`) are one language, one folder: configured
    twice, they made two trees with the same hreflang, or two articles one file."""
    _, rep = cfg(tmp_path, "title: T\nlanguage: en\nlanguages:\n  pt-BR: {title: A}\n"
                           "  pt_br: {title: B}\n  ru: {title: R}\n  RU: {title: R2}\n")
    errors = [(d.line, d.message) for d in rep.errors]
    assert errors == [
        (5, "languages: 'pt_br' is the language 'pt-BR' of line 4 written another way; "
            "configure it once"),
        (7, "languages: 'RU' is the language 'ru' of line 6 written another way; "
            "configure it once")]


@pytest.mark.parametrize(("logo", "error"), [
    ("/nope.png", "newsgen.yaml:4: error: publisher.logo: no file '/nope.png' in static/ or "
                  "content/; did you mean 'logo.png'?"),
    ('"javascript:alert(1)"', "newsgen.yaml:4: error: publisher.logo: 'javascript:alert(1)' "
                              "is no http(s) URL; give one, or a file's site path"),
    ("/logo.png", None), ("https://cdn.example/l.png", None), ("assets/newsgen-logo.png", None),
])
def test_the_publisher_logo_is_a_file_of_the_site_or_a_web_url(
        tmp_path: Path, logo: str, error: str | None) -> None:
    """The logo is every article's JSON-LD publisher image: a missing file there is a
    link to nothing, as a missing stylesheet is."""
    from conftest import newsgen, write_site

    site = write_site(tmp_path / "s", {
        "newsgen.yaml": f"title: T\nbase_url: https://e.org/\npublisher:\n  logo: {logo}\n",
        "static/logo.png": b"\x89PNG", "content/general/a.md": "---\ntitle: A\n"
        "date: 2024-12-01\nsection: General\n---\nx\n"})
    run = newsgen("check", "-s", site, "--now", "2025-01-01")
    if error is None:
        assert run.code == 0, run.err
    else:
        assert run.code == 1 and error in run.errors(), run.err


def test_an_upper_case_logo_url_is_a_url_in_the_json_ld(tmp_path: Path) -> None:
    from conftest import newsgen, soup, write_site

    site = write_site(tmp_path / "s", {
        "newsgen.yaml": "title: T\nbase_url: https://e.org/\npublisher:\n"
                        "  logo: ' HTTPS://cdn.example/l.png'\n",
        "content/general/a.md": "---\ntitle: A\ndate: 2024-12-01\nsection: General\n---\nx\n"})
    assert newsgen("build", "-s", site, "--now", "2025-01-01").code == 0
    script = soup(site / "dist/general/a/index.html").find(
        "script", type="application/ld+json").string
    assert '"url": "HTTPS://cdn.example/l.png"' in script or \
        '"url":"HTTPS://cdn.example/l.png"' in script


def test_a_config_that_cannot_be_read_stops_before_linking(tmp_path: Path) -> None:
    """Linked against defaults, a trilingual site's articles would show errors that are
    not theirs (the same URL in two languages, a language not configured): the build
    reports the configuration's error and what each article says of itself (its front
    matter), and says that the rest waits for the configuration."""
    files = {
        "content/general/a.md": article("A"),
        "content/ru/general/a.md": article("Б"),
    }
    site = write_site(tmp_path / "s", {
        **files, "newsgen.yaml": "title: Habarlar: Türkmen\nlanguage: tk\n"
                                 "languages:\n  ru: {title: Новости}\n"})
    run = newsgen("build", "-s", site)
    assert run.code == 1
    assert run.errors() == ["newsgen.yaml:1: error: title: a colon followed by a space inside "
                            "a value: put the title in quotes: `title: \"Habarlar: Türkmen\"`"]
    assert "the articles' sections, languages and links are checked once newsgen.yaml " \
        "is fixed" in run.err
    # An article's own mistakes are said in the same run.
    (site / "content/ru/general/b.md").write_text(
        article("B", date="2024-13-45", lang="ru", related="[nowhere]"), "utf-8")
    run = newsgen("build", "-s", site)
    assert [e.split(": error: ")[0] for e in run.errors()] == [
        "content/ru/general/b.md:3", "newsgen.yaml:1"]
    assert "2024-13-45" in run.errors()[0]
    (site / "content/ru/general/b.md").unlink()
    # So are the site's templates' own mistakes, which do not depend on the configuration.
    (site / "templates").mkdir()
    (site / "templates/base.html").write_bytes(b"<html>\n<p>\n\xff</p>\n")
    (site / "templates/article.html").write_text(
        '{% extends "builtin/article.html" %}\n{% block content %}{% if %}{% endblock %}\n')
    (site / "templates/read_also.html").write_text('{% include "nowhere.html" %}\n')
    run = newsgen("build", "-s", site)
    assert [e.split(": error: ")[0] for e in run.errors()] == [
        "newsgen.yaml:1", "templates/article.html:2", "templates/base.html:3"]
    assert "template syntax" in run.errors()[1] and "UTF-8" in run.errors()[2]
    for name in ("base.html", "article.html", "read_also.html"):
        (site / "templates" / name).unlink()
    # Without the configuration, a missing date or section may be the file name's or the
    # folder's to give (filename_dates, sections_from): no error that is not the file's.
    (site / "content/general/2024-12-01-c.md").write_text("---\ntitle: C\n---\nx\n", "utf-8")
    run = newsgen("build", "-s", site)
    assert [e.split(": error: ")[0] for e in run.errors()] == ["newsgen.yaml:1"]
    (site / "content/general/2024-12-01-c.md").unlink()
    (site / "newsgen.yaml").write_text("title: Habarlar\nlanguage: tm\nlanguages:\n"
                                       "  ru: {title: Новости}\n", "utf-8")
    run = newsgen("build", "-s", site)
    assert run.errors() == ["newsgen.yaml:2: error: language: 'tm' is not a language newsgen "
                            "knows; 'tm' is the country code of Turkmenistan: did you mean "
                            "'tk'?"]
    # An error that leaves the languages as written still lets the articles be checked.
    (site / "newsgen.yaml").write_text("title: Habarlar\nlanguage: tk\nper_page: -1\n"
                                       "languages:\n  ru: {title: Новости}\n", "utf-8")
    (site / "content/general/a.md").write_text(article("A", date="2024-13-45"), "utf-8")
    run = newsgen("build", "-s", site)
    assert [e.split(":")[0] for e in run.errors()] == ["content/general/a.md", "newsgen.yaml"]
    # ... and so does a mistake inside a language's settings that keeps the language.
    (site / "newsgen.yaml").write_text("title: Habarlar\nlanguage: tk\n"
                                       "languages:\n  ru: {titel: Новости}\n", "utf-8")
    run = newsgen("build", "-s", site)
    assert [e.split(":")[0] for e in run.errors()] == ["content/general/a.md", "newsgen.yaml"]


def test_a_config_that_is_a_folder_or_a_broken_link_is_an_error(tmp_path: Path) -> None:
    """Not silently the defaults: the site's settings are missing, so the build says so."""
    site = write_site(tmp_path / "s", {"content/general/a.md": article("A")})
    (site / "newsgen.yaml").mkdir()
    run = newsgen("build", "-s", site)
    assert run.code == 1
    assert run.errors() == ["newsgen.yaml: error: the configuration is a folder: make "
                            "newsgen.yaml a file (or remove it to use the defaults)"]
    (site / "newsgen.yaml").rmdir()
    (site / "newsgen.yaml").symlink_to(tmp_path / "nowhere.yaml")
    run = newsgen("build", "-s", site)
    assert run.code == 1
    assert "the configuration is a link to nothing" in run.errors()[0]
    assert not (site / "dist").exists()


def test_a_misspelt_date_is_said_while_newsgen_yaml_cannot_be_read(tmp_path: Path) -> None:
    """A key one letter off `date` or `section` is unknown whatever the configuration says:
    said in the same run as the configuration's error, as a warning (the file's name or
    folder may give the date or section), and as the error it is once the config is read."""
    site = write_site(tmp_path / "s", {
        "newsgen.yaml": "title: T\nper_page: [20\n",
        "content/general/a.md": "---\ntitle: A\ndat: 2024-12-01\nsecton: General\n---\nx\n"})
    run = newsgen("build", "-s", site)
    assert run.code == 1
    assert [e.split(": error: ")[0] for e in run.errors()] == ["newsgen.yaml:2"]
    assert run.warnings() == [
        "content/general/a.md:3: warning: unknown field 'dat' is kept for templates "
        "(article.params); did you mean 'date'?",
        "content/general/a.md:4: warning: unknown field 'secton' is kept for templates "
        "(article.params); did you mean 'section'?"]
    (site / "newsgen.yaml").write_text("title: T\n", "utf-8")
    run = newsgen("build", "-s", site)
    assert run.errors() == [
        "content/general/a.md:3: error: missing required field 'date': is 'dat' a "
        "misspelling of it?",
        "content/general/a.md:4: error: missing required field 'section': is 'secton' a "
        "misspelling of it?"]


def test_a_value_given_by_an_alias_is_blamed_on_the_key_that_uses_it(tmp_path: Path) -> None:
    site = write_site(tmp_path / "s", {"newsgen.yaml": "title: &a X\nbase_url: *a\n",
                                       "content/general/a.md": article("A")})
    run = newsgen("check", "-s", site)
    assert [e.split(": error: ")[0] for e in run.errors()] == ["newsgen.yaml:2"]


@pytest.mark.parametrize("given, said", [
    ("https://exa mple.org/", "has a space or a character that no host name has"),
    ("https://x.org:abc/", "has a port that is not a number from 0 to 65535"),
    ("https://x.org:99999/", "has a port that is not a number from 0 to 65535"),
    ("https://ann:secret@x.org/", "holds a user name or password, which every link would "
                                  "publish: leave it out")])
def test_a_base_url_that_no_browser_opens_is_an_error(tmp_path: Path, given: str,
                                                      said: str) -> None:
    # each was accepted, and written into every canonical link, feed and sitemap
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": f"title: X\nbase_url: '{given}'\n",
        "content/a/x.md": article("X", "2024-06-01", "a")})
    run = newsgen("build", "-s", site, "--now", "2024-06-05")
    assert run.code == 1 and run.errors() == [
        f"newsgen.yaml:2: error: base_url: '{given}' {said}"], run.err
    assert not (site / "dist").exists()
    (site / "newsgen.yaml").write_text("title: X\nbase_url: https://x.org/\n")
    run = newsgen("build", "-s", site, "--now", "2024-06-05", "--base-url", given)
    assert run.code == 2 and f"--base-url: '{given}' {said}" in run.err, run.err


@pytest.mark.parametrize(("given", "meant"), [
    ("https://x.org//", "https://x.org/"), ("https://x.org/news//", "https://x.org/news/"),
    ("/news//", "/news/")])
def test_a_base_url_with_a_doubled_slash_is_an_error_not_links_to_other_hosts(
        tmp_path: Path, given: str, meant: str) -> None:
    # `--base-url "$URL/"` of a URL that ends in '/': every link would be `//a/`, which a
    # browser reads as the host "a"
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": f"title: X\nbase_url: '{given}'\n",
        "content/a/x.md": article("X", "2024-06-01", "a")})
    run = newsgen("build", "-s", site, "--now", "2024-06-05")
    assert run.code == 1 and run.errors() == [
        f"newsgen.yaml:2: error: base_url: '{given}' has '//' in its path (links would name "
        f"another host); write '{meant}'"], run.err
    assert not (site / "dist").exists()
    (site / "newsgen.yaml").write_text("title: X\nbase_url: https://x.org/\n")
    run = newsgen("build", "-s", site, "--now", "2024-06-05", "--base-url", given)
    assert run.code == 2 and f"--base-url: '{given}' has '//' in its path" in run.err, run.err
