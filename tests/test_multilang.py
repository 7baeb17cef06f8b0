"""A multilingual site (tk default, en, ru, ar, and de without a catalog) built end to end."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import (
    NOW,
    SITES,
    Run,
    article,
    build_here,
    built_copy,
    newsgen,
    soup,
    tree_digest,
    write_site,
)
from lxml import etree

from newsgen.parse.collation import sort_key
from newsgen.parse.i18n import LABEL_KEYS

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
BASE = "https://habar.example/"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Run]:
    site, run = built_copy(tmp_path_factory, "multilang")
    return site / "dist", run


def test_each_language_has_its_own_site(built: tuple[Path, Run]) -> None:
    out, _ = built
    for prefix in ["", "en/", "ru/", "ar/", "de/"]:
        for rel in ["index.html", "feed.xml", "404.html", "archive/index.html"]:
            assert (out / prefix / rel).is_file(), prefix + rel
    assert (out / "umumy/sapar/index.html").is_file()
    assert (out / "en/umumy/visit/index.html").is_file()
    assert (out / "ru/umumy/vizit/index.html").is_file()
    assert (out / "ar/umumy/visit/index.html").is_file()
    assert (out / "ru/umumy/feed.xml").is_file()


def test_html_lang_and_direction(built: tuple[Path, Run]) -> None:
    out, _ = built
    for path, lang, direction in [("index.html", "tk", "ltr"), ("en/index.html", "en", "ltr"),
                                  ("ru/umumy/vizit/index.html", "ru", "ltr"),
                                  ("ar/umumy/visit/index.html", "ar", "rtl"),
                                  ("ar/404.html", "ar", "rtl")]:
        html = soup(out / path).html
        assert (html["lang"], html["dir"]) == (lang, direction), path


def test_labels_and_dates_are_localized(built: tuple[Path, Run]) -> None:
    out, _ = built
    cases = {
        # A date and its time are joined as the language joins them (no comma in Turkmen,
        # an Arabic comma in Arabic)
        "umumy/sapar/index.html": ("Ýene-de okaň", "18 dekabr 2024 10:30"),
        "en/umumy/visit/index.html": ("Read also", "December 18, 2024, 10:30 AM"),
        "ru/umumy/vizit/index.html": ("Читайте также", "18 декабря 2024 г., 10:30"),
        "ar/umumy/visit/index.html": ("اقرأ أيضًا", "ديسمبر 2024، 10:30"),
        "de/umumy/besuch/index.html": ("Read also", "18. Dezember 2024, 10:30"),
    }
    for path, (label, day) in cases.items():
        page = soup(out / path)
        assert page.find("aside", class_="read-also").h2.get_text() == label, path
        shown = page.find("article").find("time").get_text()
        assert day in shown.replace("\u202f", " ").replace("\xa0", " "), path
        assert page.find("article").find("time")["datetime"] == "2024-12-18T10:30:00+05:00"


def test_section_titles_and_overridden_strings(built: tuple[Path, Run]) -> None:
    out, _ = built
    assert [a.get_text() for a in soup(out / "ru/index.html").select("nav.sections a")] == [
        "Общее"]
    assert [a.get_text() for a in soup(out / "en/index.html").select("nav.sections a")] == [
        "General", "Economy"]
    assert [a.get_text() for a in soup(out / "index.html").select("nav.sections a")] == [
        "Umumy", "Ykdysadyýet"]
    more = soup(out / "ru/index.html").select_one("p.more a").get_text()
    assert more.startswith("Больше в разделе «Общее»")


def test_hreflang_both_ways_with_x_default(built: tuple[Path, Run]) -> None:
    out, _ = built
    expected = {
        "tk": BASE + "umumy/sapar/",
        "en": BASE + "en/umumy/visit/",
        "ru": BASE + "ru/umumy/vizit/",
        "ar": BASE + "ar/umumy/visit/",
        "x-default": BASE + "umumy/sapar/",
    }
    for path in ["umumy/sapar/index.html", "en/umumy/visit/index.html",
                 "ru/umumy/vizit/index.html", "ar/umumy/visit/index.html"]:
        links = {link["hreflang"]: link["href"]
                 for link in soup(out / path).find_all("link", rel="alternate", hreflang=True)}
        assert links == expected, path


def test_language_switcher(built: tuple[Path, Run]) -> None:
    out, _ = built
    switch = {a["hreflang"]: a["href"]
              for a in soup(out / "en/umumy/visit/index.html").select("nav.languages a")}
    assert switch == {"tk": "/umumy/sapar/", "en": "/en/umumy/visit/",
                      "ru": "/ru/umumy/vizit/", "ar": "/ar/umumy/visit/", "de": "/de/"}
    # An article without translations links the other languages' home pages.
    alone = {a["hreflang"]: a["href"]
             for a in soup(out / "en/umumy/phone-talks/index.html").select("nav.languages a")}
    assert alone == {"tk": "/", "en": "/en/umumy/phone-talks/", "ru": "/ru/", "ar": "/ar/",
                     "de": "/de/"}


def test_sitemap_alternates(built: tuple[Path, Run]) -> None:
    out, _ = built
    root = etree.parse(str(out / "sitemap.xml")).getroot()
    by_loc = {u.findtext(f"{SM}loc"): u for u in root.findall(f"{SM}url")}
    for loc in [BASE + "umumy/sapar/", BASE + "ru/umumy/vizit/"]:
        links = {x.get("hreflang"): x.get("href") for x in by_loc[loc].findall(f"{XHTML}link")}
        assert links["tk"] == BASE + "umumy/sapar/"
        assert links["ru"] == BASE + "ru/umumy/vizit/"
        assert links["x-default"] == BASE + "umumy/sapar/"


def test_feeds_per_language(built: tuple[Path, Run]) -> None:
    out, _ = built
    for prefix, lang in [("", "tk"), ("en/", "en"), ("ru/", "ru"), ("ar/", "ar")]:
        channel = etree.parse(str(out / prefix / "feed.xml")).getroot().find("channel")
        assert channel.findtext("language") == lang
        for link in channel.findall("item/link"):
            assert link.text.startswith(BASE + prefix)
            if not prefix:
                assert not any(link.text.startswith(BASE + p) for p in ("en/", "ru/", "ar/"))


def test_no_list_mixes_languages(built: tuple[Path, Run]) -> None:
    out, _ = built
    for prefix in ["en/", "ru/", "ar/", "de/"]:
        for page in (out / prefix).rglob("index.html"):
            doc = soup(page)
            for a in doc.select(".card-title a, aside.read-also a"):
                assert a["href"].startswith("/" + prefix), (page, a["href"])
    for page in out.glob("*/**/index.html"):
        if page.relative_to(out).parts[0] in ("en", "ru", "ar", "de"):
            continue
        for a in soup(page).select(".card-title a, aside.read-also a"):
            assert not a["href"].startswith(("/en/", "/ru/", "/ar/", "/de/")), page


def test_cross_language_slug_reference_warns_with_the_language(built: tuple[Path, Run]) -> None:
    _, run = built
    assert any(w.startswith("content/ru/general/novosti.md:7: warning: related: 'phone-talks' "
                            "exists only in another language (en)") for w in run.warnings())


def test_missing_catalog_falls_back_to_english_in_one_warning(built: tuple[Path, Run]) -> None:
    _, run = built
    de = [w for w in run.warnings() if "language 'de'" in w]
    assert len(de) == 1, de
    assert f"no translation for all {len(LABEL_KEYS)} labels (" in de[0]
    assert all(key in de[0] for key in LABEL_KEYS) and "using English" in de[0]
    assert not [w for w in run.warnings() if "language 'ru'" in w or "language 'ar'" in w]


def test_same_slug_in_two_languages_is_fine(built: tuple[Path, Run]) -> None:
    out, _ = built
    assert (out / "umumy/index.html").is_file() and (out / "en/umumy/index.html").is_file()
    assert (out / "ykdysadyyet/forum/index.html").is_file()
    assert (out / "en/ykdysadyyet/forum/index.html").is_file()


def test_names_are_shown_as_written_in_each_language(built: tuple[Path, Run]) -> None:
    """`Аман Оразов` (ru) and `Aman Orazov` (en) share a slug; `energetika` (tk) and
    `энергетика` (ru) too. Each language's pages, term pages, feeds and JSON-LD show its own
    spelling."""
    out, _ = built
    cases = [("ru/", "ru/umumy/vizit/", "Аман Оразов", "Aman Orazov"),
             ("en/", "en/umumy/visit/", "Aman Orazov", "Аман Оразов")]
    for prefix, page, name, other in cases:
        doc = soup(out / page / "index.html")
        byline = [a.get_text() for a in doc.select(".article-meta a[rel=author]")]
        assert byline == [name]
        ld = json.loads(doc.find("script", type="application/ld+json").string)
        assert [a["name"] for a in ld["author"]] == [name]
        term = out / prefix / "authors/aman-orazov/index.html"
        assert name in soup(term).find("h1").get_text()
        assert other not in term.read_text("utf-8")
        assert name in (out / prefix / "authors/index.html").read_text("utf-8")
        channel = etree.parse(str(out / prefix / "feed.xml")).getroot()
        creators = [c.text for c in channel.iter("{http://purl.org/dc/elements/1.1/}creator")]
        assert creators == [name]
    tk_tags = [a.get_text() for a in soup(out / "umumy/sapar/index.html").select("a[rel=tag]")]
    assert tk_tags == ["energiýa", "energetika"]
    assert "энергетика" not in (out / "tags/energetika/index.html").read_text("utf-8")
    assert "энергетика" in (out / "ru/tags/energetika/index.html").read_text("utf-8")
    tk_feed = (out / "feed.xml").read_text("utf-8")
    assert "<category>energetika</category>" in tk_feed and "энергетика" not in tk_feed


def test_two_spellings_in_one_language_pick_the_most_used_and_warn(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "content/a.md": article("A", "2024-12-01 10:00", tags="[Energy]", author="aman orazov"),
        "content/b.md": article("B", "2024-12-02 10:00", tags="[energy]", author="Aman Orazov"),
        "content/c.md": article("C", "2024-12-03 10:00", tags="[energy]"),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    out = site / "dist"
    # "energy" is used twice, "Energy" once: the most used wins.
    assert [a.get_text() for a in soup(out / "general/a/index.html").select("a[rel=tag]")] == [
        "energy"]
    assert "content/a.md:5: warning: tag 'Energy' is also written 'energy' (content/b.md:5)" \
        in run.err
    # One use each: the oldest article's spelling wins.
    assert soup(out / "general/b/index.html").select_one("a[rel=author]").get_text() == (
        "aman orazov")
    assert "content/b.md:6: warning: author 'Aman Orazov' is also written 'aman orazov' " \
        "(content/a.md:6)" in run.err
    # The same sources always give the same choice and the same words.
    again = newsgen("build", "-s", site, "--now", NOW)
    assert sorted(again.warnings()) == sorted(run.warnings())


def test_every_translation_lists_all_its_siblings_on_every_build(tmp_path: Path) -> None:
    """Same sources, same bytes: builds with one worker and with two (the pages are many
    enough to be rendered in worker processes), the cache removed each time."""
    site = tmp_path / "site"
    shutil.copytree(SITES / "multilang", site)
    for lang, folder in (("en", "en/general"), ("ru", "ru/general"), ("tk", "tk/umumy")):
        for i in range(25):
            (site / "content" / folder / f"filler-{i}.md").write_text(
                f"---\ntitle: Filler {i}\ndate: 2024-11-{i + 1:02d} 08:00\nsection: umumy\n"
                f"lang: {lang}\n---\n\nText {i}.\n", encoding="utf-8")
    digests = []
    for n, jobs in enumerate(["1", "2", "2", "1", "2", "2"]):
        shutil.rmtree(site / ".newsgen-cache", ignore_errors=True)
        out = tmp_path / f"out{n}"
        run = newsgen("build", "-s", site, "-o", out, "--now", NOW, "-j", jobs)
        assert run.code == 0, run.err
        digests.append(tree_digest(out))
        pages = {"umumy/sapar/": ["en", "ru", "ar"], "en/umumy/visit/": ["tk", "ru", "ar"],
                 "ru/umumy/vizit/": ["tk", "en", "ar"], "ar/umumy/visit/": ["tk", "en", "ru"]}
        for page, langs in pages.items():
            line = soup(out / page / "index.html").find("p", class_="translations")
            assert line is not None, (jobs, page)
            links = line.find_all("a")
            assert [a["hreflang"] for a in links] == langs, (jobs, page)
            assert all(a["lang"] == a["hreflang"] for a in links)
            assert [a["dir"] for a in links] == ["rtl" if x == "ar" else "ltr" for x in langs]
    for other in digests[1:]:
        assert other == digests[0]


def test_not_found_pages_claim_no_canonical_url(built: tuple[Path, Run]) -> None:
    out, _ = built
    for prefix, lang in [("", "tk"), ("en/", "en"), ("ru/", "ru"), ("ar/", "ar")]:
        doc = soup(out / prefix / "404.html")
        assert doc.html["lang"] == lang
        assert doc.find("link", rel="canonical") is None
        assert doc.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    # Real pages keep theirs.
    assert soup(out / "ru/index.html").find("link", rel="canonical")["href"] == BASE + "ru/"


def test_open_graph_locales_name_a_territory_and_the_translations(
        built: tuple[Path, Run]) -> None:
    out, _ = built
    page = soup(out / "umumy/sapar/index.html")
    assert page.find("meta", property="og:locale")["content"] == "tk_TM"
    alternates = [m["content"] for m in page.find_all("meta", property="og:locale:alternate")]
    assert alternates == ["en_US", "ru_RU", "ar_EG"]
    assert soup(out / "ru/umumy/vizit/index.html").find(
        "meta", property="og:locale")["content"] == "ru_RU"


def test_a_configured_locale_is_the_open_graph_locale(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "title: Habarlar\ndescription: Habarlar\nlanguage: tk\n"
                        "base_url: https://h.example/\nlanguages:\n"
                        "  ar: {title: أخبار, locale: ar_TM}\n",
        "content/tk/a.md": article("Sapar", lang="tk", translation_key="visit"),
        "content/ar/a.md": article("زيارة", lang="ar", translation_key="visit"),
    })
    assert newsgen("build", "-s", site, "--now", "2024-12-19 12:00").code == 0
    tk = soup(site / "dist/general/a/index.html")  # the slug comes from the file name
    assert tk.find("meta", property="og:locale")["content"] == "tk_TM"
    assert tk.find("meta", property="og:locale:alternate")["content"] == "ar_TM"


def test_a_group_without_the_default_language_names_one_x_default(tmp_path: Path) -> None:
    """Every page of a translation group, and the sitemap, names the same `x-default`:
    without a version in the default language (tk), the one in the first of the site's
    languages that has one (en, before ru in the configuration)."""
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": "title: H\nlanguage: tk\nbase_url: https://h.example/\nlanguages:\n"
                        "  en: {title: News}\n  ru: {title: Новости}\n",
        "content/tk/other.md": article("Başga", lang="tk"),
        "content/ru/day.md": article("День", lang="ru", translation_key="k"),
        "content/en/day.md": article("Day", lang="en", translation_key="k"),
    })
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    wanted = "https://h.example/en/general/day/"
    for page in ("en/general/day/index.html", "ru/general/day/index.html"):
        links = {link["hreflang"]: link["href"] for link in soup(site / "dist" / page).find_all(
            "link", rel="alternate", hreflang=True)}
        assert links["x-default"] == wanted, page
    urls = etree.parse(str(site / "dist/sitemap.xml")).getroot()
    defaults = {(u.findtext(f"{SM}loc"), link.get("href")) for u in urls
                for link in u.findall(f"{XHTML}link") if link.get("hreflang") == "x-default"
                and "/day/" in (u.findtext(f"{SM}loc") or "")}
    assert {href for _, href in defaults} == {wanted} and len(defaults) == 2


def test_a_sections_pages_in_each_language_are_one_anothers_versions(
        built: tuple[Path, Run]) -> None:
    """A section's first page names its versions in the languages that have the section:
    hreflang links, the sitemap's alternates and the language switcher (which used to
    send a reader of /en/umumy/ to the Russian home page, not /ru/umumy/)."""
    out, _ = built
    umumy = {code: BASE + (f"{code}/" if code != "tk" else "") + "umumy/"
             for code in ("tk", "en", "ru", "ar", "de")}
    for path in ["umumy/index.html", "en/umumy/index.html", "ru/umumy/index.html"]:
        links = {link["hreflang"]: link["href"]
                 for link in soup(out / path).find_all("link", rel="alternate", hreflang=True)}
        assert links == {**umumy, "x-default": BASE + "umumy/"}, path
    economy = soup(out / "en/ykdysadyyet/index.html")
    links = {link["hreflang"]: link["href"]
             for link in economy.find_all("link", rel="alternate", hreflang=True)}
    assert links == {"tk": BASE + "ykdysadyyet/", "en": BASE + "en/ykdysadyyet/",
                     "x-default": BASE + "ykdysadyyet/"}
    switch = {a["hreflang"]: a["href"] for a in economy.select("nav.languages a")}
    assert switch == {"tk": "/ykdysadyyet/", "en": "/en/ykdysadyyet/", "ru": "/ru/",
                      "ar": "/ar/", "de": "/de/"}
    root = etree.parse(str(out / "sitemap.xml")).getroot()
    by_loc = {u.findtext(f"{SM}loc"): u for u in root.findall(f"{SM}url")}
    links = {x.get("hreflang"): x.get("href")
             for x in by_loc[BASE + "ru/umumy/"].findall(f"{XHTML}link")}
    assert links == {**umumy, "x-default": BASE + "umumy/"}


def test_a_sections_first_article_in_a_language_updates_its_versions(tmp_path: Path) -> None:
    """The versions are part of what a section page shows: the first Russian article of
    the economy section changes the Turkmen and English economy pages on the next build,
    as a clean build has them."""
    site = tmp_path / "site"
    shutil.copytree(SITES / "multilang", site)
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    write_site(site, {"content/ru/general/rynok.md": article("Рынок", section="Economy")})
    assert newsgen("build", "-s", site, "--now", NOW).code == 0
    assert newsgen("build", "-s", site, "--now", NOW, "-o", tmp_path / "clean").code == 0
    assert tree_digest(site / "dist") == tree_digest(tmp_path / "clean")
    page = soup(site / "dist/en/ykdysadyyet/index.html")
    assert {link["hreflang"] for link in page.find_all("link", rel="alternate", hreflang=True)} \
        == {"tk", "en", "ru", "x-default"}


def test_menus_and_indexes_follow_the_languages_alphabet(tmp_path: Path) -> None:
    names = ["Sport", "Şäher", "Ykdysadyýet", "Ýaşlar", "Zenanlar", "Çagalar", "Daşary ýurt",
             "Älem", "Bilim", "Coca-Cola", "Vena"]
    turkmen = ["Bilim", "Coca-Cola", "Çagalar", "Daşary ýurt", "Älem", "Sport", "Şäher", "Vena",
               "Ykdysadyýet", "Ýaşlar", "Zenanlar"]  # Ç after C, Ä after E, Ş after S, Ý after Y
    russian = ["Ашхабад", "ёлка", "Ель", "Иран", "Йемен", "Хлопок", "Энергетика"]
    files = {f"content/a{i}.md": article(f"A{i}", f"2024-12-{i + 1:02d} 10:00", section=name,
                                         tags=f"[{name}]") for i, name in enumerate(names)}
    files.update({f"content/ru/r{i}.md": article(f"R{i}", f"2024-12-{i + 1:02d} 10:00",
                                                 section="Sport", tags=f"[{name}]")
                  for i, name in enumerate(reversed(russian))})
    site = write_site(tmp_path / "site", {
        "newsgen.yaml": f"title: Habarlar\nbase_url: {BASE}\nlanguage: tk\n"
                        "languages:\n  ru: {title: Новости}\n", **files})
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    out = site / "dist"
    menu = [a.get_text(strip=True) for a in soup(out / "index.html").select("nav a")]
    assert [m for m in menu if m in names] == turkmen
    index = [a.get_text(strip=True) for a in soup(out / "tags/index.html").select("main li a")]
    assert index == turkmen
    index = [a.get_text(strip=True) for a in soup(out / "ru/tags/index.html").select("main li a")]
    assert index == russian  # Й after И, Х before Э; Ё with Е


@pytest.mark.parametrize(("lang", "ordered"), [
    ("tr", ["ılık", "Irak", "Işık", "istanbul", "İzmir", "Washington"]),  # I is ı's capital
    ("en", ["#tag", "10 facts", "Adam", "Æther", "İzmir", "Łódź", "Ørsted", "Oslo", "Zed"]),
    ("kk", ["Алматы", "Әуезов", "Бала", "Қала", "Яблоко"]),
])
def test_alphabetical_order_of_a_language(lang: str, ordered: list[str]) -> None:
    assert sorted(reversed(ordered), key=lambda name: sort_key(lang, name)) == ordered


def test_footnote_back_links_are_titled_in_the_pages_language(tmp_path: Path) -> None:
    """Python-Markdown titles a footnote's back link in English; each page's is in its
    own language, from the catalogs (or the site's `strings`)."""
    site = write_site(tmp_path / "s", {
        "newsgen.yaml": "language: tk\nlanguages:\n  ru: {title: Новости}\n"
                        "strings: {footnote_back: 'Yza {n}'}\n",
        "content/general/a.md": article("A \ue0027\ue003", body="Söz[^1].\n\n[^1]: Bellik <b>.\n"),
        "content/general/b.md": article("B", lang="ru", body="Текст[^1].\n\n[^1]: Сноска.\n"),
    })
    run = newsgen("build", "-s", site, "--now", NOW)
    assert run.code == 0, run.err
    tk = soup(site / "dist/general/a/index.html").find("a", class_="footnote-backref")
    ru = soup(site / "dist/ru/general/b/index.html").find("a", class_="footnote-backref")
    assert tk["title"] == "Yza 1"
    assert ru["title"] == "Вернуться к сноске 1 в тексте"
    page = (site / "dist/general/a/index.html").read_text("utf-8")
    assert "Yza 7" not in page  # a title cannot have its words put in as a back link's


def test_a_moment_is_worded_in_its_own_zone_whatever_was_worded_before() -> None:
    """One instant in two zones is two wall-clock times. Aware datetimes of one instant
    are equal, so the words were cached by the instant alone: after `timezone` changed,
    the dev server showed every date in the old zone (and on the wrong day)."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from newsgen.parse.i18n import format_day, format_moment

    here = datetime(2025, 1, 5, 2, 0, tzinfo=ZoneInfo("Asia/Ashgabat"))
    assert format_moment(here, "en", "long") == "January 5, 2025, 2:00\u202fAM"
    assert format_moment(here.astimezone(UTC), "en", "long") == (
        "January 4, 2025, 9:00\u202fPM")  # (CLDR's narrow space before AM/PM)
    assert format_day(here, "en", "long") == "January 5, 2025"
    assert format_day(here.astimezone(UTC), "en", "long") == "January 4, 2025"


def test_a_build_with_nothing_to_do_still_says_which_labels_a_language_lacks(
        tmp_path: Path) -> None:
    """The labels check runs only in a build with work to do (reading the catalogs cost
    a build with nothing to do 25 ms); the next build, finding nothing changed, says
    the same warning at the same line, and so does one after an edit elsewhere."""
    config = ("title: News\nbase_url: https://news.example/\ndescription: Daily news\n"
              "language: en\nlanguages:\n  en: {}\n  # German: no catalog yet\n  de: {}\n")
    site = write_site(tmp_path / "site", {"newsgen.yaml": config,
                                          "content/general/a.md": article("A"),
                                          "content/de/general/b.md": article("B")})
    said = []
    for step in ("first", "nothing changed", "an edit"):
        if step == "an edit":
            (site / "content/general/a.md").write_text(article("A", body="New words."))
        result, reporter = build_here(site)
        assert result is not None and result.nothing_changed == (step == "nothing changed")
        said.append([d.format() for d in reporter.warnings if "language 'de'" in d.message])
    assert said[0] == said[1] == said[2] and len(said[0]) == 1, said
    assert said[0][0].startswith(f"newsgen.yaml:8: warning: language 'de': no translation "
                                 f"for all {len(LABEL_KEYS)} labels")
