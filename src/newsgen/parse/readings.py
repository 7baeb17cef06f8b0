"""What an article's place on disk says about it, as Hugo and Jekyll archives arrange
their files, and the fields of those generators that newsgen reads with another meaning.

A file's path may give (front matter always wins):

- its language: a first folder named after one of the site's languages
  (`content/ru/…`, `content/zh_cn/…`) or a language suffix (`visit.ru.md`, Hugo's way);
- its section: the first folder below that, with `sections_from: folder`;
- its date: a `YYYY-MM-DD-` file-name prefix (Jekyll's way), with `filename_dates: true`;
  the prefix then leaves the slug;
- its translations: files whose paths are the same once the language is taken out
  (`en/news/x.md` and `ru/news/x.md`; `news/x.md` and `news/x.ru.md`) are translations of
  one another unless they say otherwise with `translation_key`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from newsgen.errors import Reporter
from newsgen.model.config import Config
from newsgen.model.content import Article, article_stem
from newsgen.parse.config_values import as_language_code, check_language_code
from newsgen.parse.dates import parse_date

_DATED = re.compile(r"(\d{4}-\d{2}-\d{2})(?:-(.+))?\Z")


@dataclass(frozen=True)
class PathFacts:
    lang: str | None  # from a language folder or suffix
    section: str | None  # the first folder below the language's, with sections_from: folder
    date: datetime | None  # from a YYYY-MM-DD- prefix, with filename_dates
    stem: str  # the file name without suffixes, language or date: the default slug's source
    translation_key: str  # the path with the language taken out
    bad_date: str | None = None  # a YYYY-MM-DD prefix that is not a date ("2024-02-30")
    lang_clash: str | None = None  # a language folder and a language suffix that differ
    odd_suffix: str | None = None  # a suffix like a language code the site does not have
    odd_folder: str | None = None  # a first folder named so, on a site of several languages


def _language(config: Config, name: str) -> str | None:
    tag = as_language_code(name)
    return tag if any(lang.code == tag for lang in config.languages) else None


def path_facts(config: Config, content_path: str) -> PathFacts:
    """What `content_path` (below content/, "en/news/2024-01-02-visit.md") says."""
    *folders, name = (article_stem(content_path) or content_path).split("/")
    lang = _language(config, folders[0]) if folders else None
    if lang is not None:
        folders = folders[1:]
    odd_folder = folders[0] if (
        lang is None and folders and len(config.languages) > 1
        and config.sections_from != "folder" and _TWO_LETTERS.fullmatch(folders[0])
        and _known_language(folders[0])) else None
    base, dot, suffix = name.rpartition(".")
    clash = odd = None
    if dot and base and (by_suffix := _language(config, suffix)) is not None:
        if lang is not None and lang != by_suffix:
            clash = f"its folder says '{lang}' and its name '{by_suffix}'"
        lang, name = by_suffix, base
    elif dot and base and _LANGISH.fullmatch(suffix):
        odd = suffix
    date = bad = None
    if config.filename_dates and (m := _DATED.match(name)):
        date = parse_date(m[1], config.tz)  # as front matter's: years 1000-9000
        if date is None:
            bad = m[1]
        elif m[2]:
            name = m[2]
    section = folders[0] if folders and config.sections_from == "folder" else None
    return PathFacts(lang, section, date, name, "/".join([*folders, name]), bad, clash, odd,
                     odd_folder)


@functools.cache
def _known_language(code: str) -> bool:
    return check_language_code(code) is None


_LANGISH = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z]{2,4})?")
# A folder named like a language: `de`, `pt-br` (not `pol`, `fin`, a section's, far more
# often than an ISO 639-2 code)
_TWO_LETTERS = re.compile(r"[a-z]{2}(?:[-_][A-Za-z]{2,4})?")


# Fields Hugo and Jekyll give a meaning newsgen does not: said once a build, per kind,
# at the first file that has one (and how many have).
def _categories_as_tags(config: Config, a: Article) -> bool:
    return config.sections_from != "categories" and "categories" in a.lines


def _comma_tags(config: Config, a: Article) -> bool:
    return "comma-tags" in a.readings


def _more_images(config: Config, a: Article) -> bool:
    return "more-images" in a.readings


NOTES = (
    ("categories", _categories_as_tags,
     "'categories' is read as tags (in Jekyll and Hugo they may also shape the URL); set "
     "sections_from: categories in newsgen.yaml to take the section from the first one"),
    ("tags", _comma_tags,
     "a text in 'tags' or 'categories' is split at commas ('a, b' is two tags; Jekyll "
     "splits at spaces)"),
    ("images", _more_images,
     "of 'images', only the first is the lead image; the others are not shown"),
)


def has_readings(a: Article) -> bool:
    """Whether `report_readings` may have something to say of `a` (most articles: no)."""
    return bool(a.readings) or "categories" in a.lines


def report_readings(config: Config, articles: Iterable[Article], reporter: Reporter) -> None:
    """One warning per kind of field read with another meaning, at its first file."""
    first: dict[str, tuple[Article, int]] = {}
    for a in articles:
        if not has_readings(a):
            continue
        for name, applies, _ in NOTES:
            if applies(config, a):
                found = first.get(name)
                first[name] = (found[0], found[1] + 1) if found else (a, 1)
    for name, _, message in NOTES:
        if name in first:
            a, count = first[name]
            also = f" ({count} files)" if count > 1 else ""
            line = a.line_of(name) or a.line_of("categories")
            reporter.warning(a.source, line, message + also)
