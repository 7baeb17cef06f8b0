"""UI labels from gettext catalogs shipped with newsgen, and localized dates with Babel.

Catalogs live in `newsgen/locale/<lang>.po`, one per language, read with
Babel's `.po` reader. The message id is the label's key (`read_also`), the
English catalog holds the English words. A site overrides any label with
`strings` in `newsgen.yaml`; a label missing in a language falls back to
English with one warning per key.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from importlib import resources

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.messages.pofile import read_po

LABEL_KEYS: tuple[str, ...] = (
    "skip_to_content",
    "sections",
    "home",
    "latest_news",
    "more_in_section",
    "read_also",
    "published",
    "updated",
    "by",
    "tags",
    "authors",
    "tag_heading",
    "author_heading",
    "all_tags",
    "all_authors",
    "archive",
    "pagination",
    "newer",
    "older",
    "page_n",
    "page_n_of",
    "not_found_title",
    "not_found_text",
    "back_home",
    "languages",
    "in_other_languages",
    "contents",
    "photo",
    "feed",
    "no_articles",
)

RTL_LANGUAGES = {"ar", "fa", "he", "ur", "ps", "sd", "ug", "yi", "dv", "ckb"}


def babel_locale(code: str) -> Locale:
    return _locale(code)


@functools.lru_cache(maxsize=64)
def _locale(code: str) -> Locale:
    return Locale.parse(code.replace("-", "_"))


@functools.lru_cache(maxsize=64)
def language_name(code: str) -> str:
    """A language's own name for itself, from CLDR: "English", "русский", "türkmen dili"."""
    name = _locale(code).get_display_name(_locale(code)) or code
    return name[:1].upper() + name[1:]


def text_direction(code: str) -> str:
    return "rtl" if code.split("-")[0] in RTL_LANGUAGES else "ltr"


@functools.lru_cache(maxsize=64)
def shipped_catalog(code: str) -> Mapping[str, str]:
    """The labels newsgen ships for a language code (or its base language), maybe empty."""
    for candidate in (code, code.split("-")[0]):
        resource = resources.files("newsgen").joinpath("locale", f"{candidate}.po")
        if resource.is_file():
            with resource.open("rb") as fh:
                catalog = read_po(fh, locale=None)
            return dict({
                str(m.id): str(m.string)
                for m in catalog
                if m.id and isinstance(m.id, str) and m.string
            })
    return dict({})


def shipped_languages() -> list[str]:
    folder = resources.files("newsgen").joinpath("locale")
    return sorted(p.name[:-3] for p in folder.iterdir() if p.name.endswith(".po"))


@dataclass(frozen=True)
class Labels:
    """The UI labels of one language, already merged: site strings, shipped catalog, English."""

    lang: str
    values: Mapping[str, str]

    def get(self, key: str, **kwargs: object) -> str:
        text = self.values.get(key)
        if text is None:
            raise KeyError(f"unknown label '{key}'")
        for name, value in kwargs.items():
            text = text.replace("{" + name + "}", str(value))
        return text


def make_labels(code: str, overrides: Mapping[str, str]) -> tuple[Labels, list[str]]:
    """Labels for a language, and the keys that fell back to English."""
    english = shipped_catalog("en")
    own = shipped_catalog(code)
    values: dict[str, str] = {}
    missing: list[str] = []
    for key in LABEL_KEYS:
        if key in overrides:
            values[key] = overrides[key]
        elif key in own:
            values[key] = own[key]
        else:
            values[key] = english.get(key, key)
            if not code.startswith("en"):
                missing.append(key)
    return Labels(code, dict(values)), missing


@functools.lru_cache(maxsize=65536)
def format_day(moment: datetime, code: str, pattern: str) -> str:
    """A date in the language's words: `18 dekabr 2024`, `18 декабря 2024 г.`."""
    return str(format_date(moment, pattern, locale=_locale(code)))


@functools.lru_cache(maxsize=65536)
def format_moment(moment: datetime, code: str, pattern: str) -> str:
    """Date and time: `18 December 2024, 10:30`; `moment` is already in the site's zone."""
    day = format_date(moment, pattern, locale=_locale(code))
    clock = format_time(moment, "short", tzinfo=moment.tzinfo, locale=_locale(code))
    return f"{day}, {clock}"


def format_month(moment: datetime, code: str) -> str:
    """A month and year in the language, standalone: `December 2024`, `декабрь 2024 г.`."""
    return str(format_datetime(moment, "LLLL y", locale=_locale(code)))
