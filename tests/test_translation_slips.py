"""A trilingual newsroom's slips: each said in the build that can still fix it, on its
line, never left for the build at an embargo's or expiry's moment to fail."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import article, newsgen, write_site

CONFIG = """title: Türkmen Habarlary
description: Türkmenistanyň habarlar gullugy
base_url: https://habar.example/
language: tk
timezone: Asia/Ashgabat
languages:
  en: {title: Turkmen News, description: National news agency}
  ru: {title: Туркменские новости, description: Информационное агентство}
"""
BEFORE, AFTER = "2026-12-05 20:00", "2026-12-06 09:15"  # an embargo between the two


def site(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "site"
    write_site(root, {"newsgen.yaml": CONFIG, **{
        f"content/{lang}/syyasat/sapar.md": article(
            f"Sapar {lang}", "2026-12-04 10:00", "syyasat", translation_key="sapar-2026")
        for lang in ("tk", "en", "ru")}, **files})
    return root


def failing(root: Path) -> list[str]:
    """The errors of a build before the embargo, which must fail and write nothing."""
    run = newsgen("build", "-s", root, "--now", BEFORE)
    assert run.code == 1 and not (root / "dist").exists()
    return run.errors()


@pytest.mark.parametrize(("name", "fields", "said"), [
    ("sapar-tazelenen", {"translation_key": "sapar-2026"},  # a second translation in tk
     "translation_key 'sapar-2026' is also used by content/tk/syyasat/sapar.md in the same "
     "language (tk) (this one is scheduled for 2026-12-06 09:00: the build that publishes "
     "it would fail)"),
    ("tazelik", {"aliases": "[/syyasat/]"},  # the section's page
     "aliases: /syyasat/ is the path of section 'syyasat': this article, scheduled for "
     "2026-12-06 09:00, would write it too, and the build that publishes it would fail; "
     "remove the alias"),
])
def test_a_scheduled_articles_clash_is_an_error_before_its_embargo(
        tmp_path: Path, name: str, fields: dict[str, str], said: str) -> None:
    root = site(tmp_path, {f"content/tk/syyasat/{name}.md": article(
        name, "2026-12-06 09:00", "syyasat", **fields)})
    assert failing(root) == [f"content/tk/syyasat/{name}.md:5: error: {said}"]


def test_a_link_to_an_article_gone_at_its_expiry_is_a_warning_and_it_leaves(
        tmp_path: Path) -> None:
    root = site(tmp_path, {
        "content/ru/syyasat/sapar.md": article(
            "Sapar ru", "2026-12-04 10:00", "syyasat", translation_key="sapar-2026",
            expirydate="2026-12-06 09:00"),
        "content/ru/sport/marafon.md": article(
            "Марафон", "2026-12-03 10:00", "sport", body="См. [встречу](/ru/syyasat/sapar/)."),
    })
    assert newsgen("build", "-s", root, "--now", BEFORE).code == 0
    assert (root / "dist/ru/syyasat/sapar/index.html").is_file()
    run = newsgen("build", "-s", root, "--now", AFTER)
    assert run.code == 0, run.err
    assert not (root / "dist/ru/syyasat/sapar/index.html").exists()  # it left the site
    assert ("content/ru/sport/marafon.md:7: warning: link '/ru/syyasat/sapar/': "
            "content/ru/syyasat/sapar.md is expired; the link is left out of this build"
            ) in run.warnings()
    page = (root / "dist/ru/sport/marafon/index.html").read_text()  # its words, no link:
    assert "См. встречу." in page and 'href="#"' not in page  # `#` looked clickable


def test_every_spelling_of_a_link_to_an_expired_article_is_left_out(tmp_path: Path) -> None:
    links = "[1](/general/gone/) [2](/general/gone) [3](/general/gone/index.html) [4](/old-gone/)"
    root = site(tmp_path, {
        "content/general/gone.md": article("Gone", "2026-12-01 10:00", "general",
                                           expirydate="2026-12-06 09:00", aliases="[/old-gone/]"),
        "content/general/b.md": article("B", "2026-12-02 10:00", "general", body=links),
    })
    assert newsgen("build", "-s", root, "--now", BEFORE).code == 0
    run = newsgen("build", "-s", root, "--now", AFTER)
    assert run.code == 0, run.err
    assert len([w for w in run.warnings() if "is expired" in w]) == 4
    page = (root / "dist/general/b/index.html").read_text()
    assert "/general/gone" not in page and "/old-gone" not in page


def test_a_scheduled_story_replacing_one_that_expires_by_then_is_no_clash(
        tmp_path: Path) -> None:
    root = site(tmp_path, {
        "content/general/old.md": article("Old", "2026-12-04 10:00", "general",
                                          translation_key="visit",
                                          expirydate="2026-12-06 09:00"),
        "content/general/new.md": article("New", "2026-12-06 09:00", "general",
                                          translation_key="visit", aliases="[/general/old/]"),
    })
    for now in (BEFORE, AFTER):
        run = newsgen("build", "-s", root, "--now", now)
        assert run.code == 0, run.err


def test_a_scheduled_alias_that_another_scheduled_article_or_a_file_has_is_an_error(
        tmp_path: Path) -> None:
    root = site(tmp_path, {
        "content/general/a.md": article("A", "2026-12-06 09:00", "general",
                                        aliases="[/general/b/, /about.html]"),
        "content/general/b.md": article("B", "2026-12-06 10:00", "general"),
        "static/about.html": "<p>About</p>",
    })
    assert failing(root) == [
        "content/general/a.md:5: error: aliases: /general/b/ is the path of "
        "content/general/b.md: this article, scheduled for 2026-12-06 09:00, would write it "
        "too, and the build that publishes it would fail; remove the alias",
        "content/general/a.md:5: error: aliases: /about.html is the path of "
        "static/about.html: this article, scheduled for 2026-12-06 09:00, would write it too, "
        "and the build that publishes it would fail; remove the alias"]


def test_articles_in_a_language_the_site_does_not_know_are_said(tmp_path: Path) -> None:
    root = site(tmp_path, {
        "content/syyasat/budzhet.md": article("Бюджет", "2026-12-04 11:00", "syyasat",
                                              language="ru"),
        "content/de/syyasat/haushalt.md": article("Haushalt", "2026-12-04 11:00", "syyasat"),
        # a section named like a language is no language folder, by its title or slug
        "content/uk/london.md": article("London", "2026-12-04 11:00", "UK"),
        "content/eu/vote.md": article("Vote", "2026-12-04 11:00", "Europe"),
        "content/pol/sejm.md": article("Sejm", "2026-12-04 11:00", "syyasat"),
    })
    write_site(root, {"newsgen.yaml": CONFIG + "sections: [syyasat, sport, UK, "
                                               "{slug: eu, title: Europe}]\n"})
    run = newsgen("build", "-s", root, "--now", BEFORE)
    by_file = dict(w.split(": warning: ") for w in run.warnings() if "content/" in w)
    assert run.code == 0 and by_file == {
        "content/de/syyasat/haushalt.md": "the folder content/de/ is named like a language "
        "code that is not one of the site's languages (tk, en, ru), so the article is in tk; "
        "add de under languages: in newsgen.yaml, set lang:, or move the file",
        "content/syyasat/budzhet.md:5": "unknown field 'language' is kept for templates "
        "(article.params); did you mean 'lang'?"}, run.err


def test_a_second_translation_made_by_the_path_is_said_on_a_line_of_the_file_that_made_it(
        tmp_path: Path) -> None:
    plain = {f"content/{lang}/syyasat/sapar.md": article(
        f"Sapar {lang}", "2026-12-04 10:00", "syyasat") for lang in ("tk", "en", "ru")}
    root = site(tmp_path, {**plain, "content/syyasat/sapar.ru.md": article(
        "Визит", "2026-12-05 12:00", "syyasat", slug="vizit")})
    run = newsgen("build", "-s", root, "--now", BEFORE)
    assert run.errors() == [
        "content/syyasat/sapar.ru.md:1: error: this file is the ru translation of "
        "'syyasat/sapar' (the key its path gives), and so is content/ru/syyasat/sapar.md: "
        "give one of them a translation_key of its own"]
    # an article that says its language itself is the one that made the pair
    root = site(tmp_path / "2", {**plain, "content/en/syyasat/sapar.md": article(
        "Sapar", "2026-12-04 10:00", "syyasat", lang="ru", slug="sapar-2")})
    run = newsgen("build", "-s", root, "--now", BEFORE)
    assert run.errors() == [
        "content/en/syyasat/sapar.md:5: error: lang: makes this the ru translation of "
        "'syyasat/sapar' (the key its path gives), and so is content/ru/syyasat/sapar.md: "
        "give one of them a translation_key of its own"]


def test_a_translation_key_one_digit_off_a_same_days_key_is_a_likely_typo(
        tmp_path: Path) -> None:
    root = site(tmp_path, {
        "content/ru/syyasat/sapar.md": article("Sapar ru", "2026-12-04 12:00", "syyasat",
                                               translation_key="sapar-2025"),
        # a year apart: another story
        "content/en/syyasat/budget.md": article("Budget", "2026-12-01 10:00", "syyasat",
                                                translation_key="budget-2025"),
        "content/tk/syyasat/budget.md": article("Býudjet", "2025-12-01 10:00", "syyasat",
                                                translation_key="budget-2024"),
        "content/ru/syyasat/budget.md": article("Бюджет", "2025-12-01 10:00", "syyasat",
                                                translation_key="budget-2024"),
    })
    run = newsgen("build", "-s", root, "--now", BEFORE)
    assert run.code == 0, run.err
    assert [w for w in run.warnings() if "translation_key" in w] == [
        "content/ru/syyasat/sapar.md:5: warning: translation_key 'sapar-2025' is shared by "
        "no other article, so this one has no translations; did you mean 'sapar-2026'?"]


def test_translation_keys_that_differ_only_in_capitals_are_said(tmp_path: Path) -> None:
    # `Story-1` and `story-1` linked nothing, in silence (tags that differ so are warned)
    root = site(tmp_path, {
        "content/en/syyasat/story.md": article("Story", "2026-12-04 10:00", "syyasat",
                                               translation_key="Story-1"),
        "content/ru/syyasat/story.md": article("История", "2026-12-04 11:00", "syyasat",
                                               translation_key="story-1"),
    })
    run = newsgen("build", "-s", root, "--now", BEFORE)
    assert run.code == 0, run.err
    assert [w for w in run.warnings() if "translation_key" in w] == [
        f"content/{lang}/syyasat/story.md:5: warning: translation_key '{key}' is shared by "
        f"no other article, so this one has no translations; content/{other}/syyasat/"
        f"story.md has '{theirs}', which differs only in capitals (keys are compared as "
        "written): write one of them"
        for lang, key, other, theirs in (("en", "Story-1", "ru", "story-1"),
                                         ("ru", "story-1", "en", "Story-1"))]


def test_a_languages_missing_title_and_description_are_said(tmp_path: Path) -> None:
    root = site(tmp_path, {"newsgen.yaml": CONFIG.replace(
        "  ru: {title: Туркменские новости, description: Информационное агентство}",
        "  ru: {date_format: \"d MMMM y 'г\"}\n  de: {title: Nachrichten}")})
    run = newsgen("build", "-s", root, "--now", BEFORE)
    assert run.code == 1
    assert run.errors() == [
        "newsgen.yaml:8: error: languages.ru.date_format: 'd MMMM y 'г' opens a quote it "
        "never closes (words go between single quotes: d MMMM y 'г.'; '' is a quote itself)"]
    assert run.warnings()[:2] == [
        "newsgen.yaml:8: warning: languages.ru: no title or description: its pages, feeds "
        "and structured data show the default language's ('Türkmen Habarlary', "
        "'Türkmenistanyň habarlar gullugy'); set title and description (the same words, if "
        "meant)",
        "newsgen.yaml:9: warning: languages.de: no description: its pages, feeds and "
        "structured data show the default language's ('Türkmenistanyň habarlar gullugy'); "
        "set description (the same words, if meant)"]
