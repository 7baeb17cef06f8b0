"""UI labels from gettext catalogs shipped with newsgen, and localized dates with Babel.

Catalogs live in `newsgen/locale/<lang>.po`, one per language, read with
Babel's `.po` reader. Babel is imported by the functions that use it: a build with
nothing to do reads the configuration, which imports this module, and needs no
Babel. The message id is the label's key (`read_also`), the
English catalog holds the English words. A site overrides any label with
`strings` in `newsgen.yaml`; a label missing in a language falls back to
English with one warning per key.
"""

from __future__ import annotations

import functools
import gettext
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from typing import TYPE_CHECKING, Any

from newsgen.errors import closest

if TYPE_CHECKING:
    from babel import Locale

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
    "footnote_back",
    "photo",
    "feed",
    "no_articles",
    "draft_mark",
    "scheduled_mark",
    "search",
    "search_none",
    "search_one",
    "search_many",
    "search_searching",
    "search_more",
    "search_clear",
    "describe_home",
    "describe_section",
    "describe_tag",
    "describe_author",
    "describe_month",
)

RTL_LANGUAGES = {"ar", "fa", "he", "ur", "ps", "sd", "ug", "yi", "dv", "ckb"}


@functools.lru_cache(maxsize=64)
def _locale(code: str) -> Locale:
    from babel import Locale

    return Locale.parse(code.replace("-", "_"))


@functools.lru_cache(maxsize=64)
def language_name(code: str) -> str:
    """A language's own name for itself, from CLDR ("English", "русский", "türkmen dili"),
    with a capital first letter, as a menu shows it: "Русский", "Türkmen dili"."""
    name = _locale(code).get_display_name(_locale(code)) or code
    return name[:1].upper() + name[1:]


def english_name(code: str) -> str:
    """A language's English name, as encoding detectors name languages: "Russian"."""
    return str(_locale(code).english_name or code)


def text_direction(code: str) -> str:
    return "rtl" if code.split("-")[0] in RTL_LANGUAGES else "ltr"


@dataclass(frozen=True)
class Catalog:
    """A shipped catalog: labels, the forms of plural labels, and the plural rule."""

    values: Mapping[str, str]
    forms: Mapping[str, tuple[str, ...]]
    plural: str  # the catalog's C expression of n, as gettext writes it


@functools.lru_cache(maxsize=64)
def _catalog(code: str) -> Catalog:
    for candidate in (code, code.split("-")[0]):
        resource = resources.files("newsgen").joinpath("locale", f"{candidate}.po")
        if resource.is_file():
            from babel.messages.pofile import read_po

            with resource.open("rb") as fh:
                catalog = read_po(fh, locale=None)
            values: dict[str, str] = {}
            forms: dict[str, tuple[str, ...]] = {}
            for m in catalog:
                if isinstance(m.id, tuple) and isinstance(m.string, tuple) and all(m.string):
                    forms[str(m.id[0])] = tuple(str(f) for f in m.string)
                    values[str(m.id[0])] = str(m.string[0])
                elif m.id and isinstance(m.id, str) and m.string:
                    values[m.id] = str(m.string)
            return Catalog(values, forms, _plural_expression(catalog))
    return Catalog({}, {}, "(n != 1)")


def _plural_expression(catalog: Any) -> str:
    header = str(getattr(catalog, "plural_forms", "") or "")
    match = re.search(r"plural=(.+?);?\s*\Z", header)
    return match.group(1) if match else "(n != 1)"


@dataclass(frozen=True)
class Labels:
    """The UI labels of one language, already merged: site strings, shipped catalog, English.

    A label with plural forms (`by`: "Автор", "Авторы") takes `count=`: the language's
    gettext rule picks the form.
    """

    lang: str
    values: Mapping[str, str]
    forms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    plural: str = "(n != 1)"

    def get(self, key: str, count: int | None = None, **kwargs: object) -> str:
        text = self.values.get(key)
        if text is None:
            raise KeyError(f"unknown label '{key}'")
        forms = self.forms.get(key)
        if forms and count is not None:
            text = forms[min(max(_plural_rule(self.plural)(count), 0), len(forms) - 1)]
        if count is not None:
            kwargs["count"] = count
        # In one pass: a value that holds "{site}" (a tag's name) is shown as written.
        return _PLACEHOLDER.sub(lambda m: str(kwargs[m.group(1)]) if m.group(1) in kwargs
                                else m.group(0), text)


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@functools.lru_cache(maxsize=64)
def _plural_rule(expression: str) -> Callable[[int], int]:
    """gettext's own compiler for a Plural-Forms expression (no eval of ours)."""
    return gettext.c2py(expression)


def label_arguments(labels: Labels, key: str, given: set[str]) -> str | None:
    """What is wrong with the values a template gives a label (`t('page_n_of', n=1)`): one
    that the words in use show and that is missing (it would be shown as `{total}`), of
    those the theme's words show (a site's own `{name}` the theme never gives is said in
    newsgen.yaml: `label_problem`). More values are fine: other words may show them."""
    english = _catalog("en")
    theirs = _names((english.values.get(key, ""), *english.forms.get(key, ())))
    missing = sorted(_names((labels.values[key], *labels.forms.get(key, ()))) & theirs - given)
    if not missing:
        return None
    typo = closest(missing[0], given - {"count"})
    return (f"t('{key}'): the label needs {missing[0]}= (its words show {{{missing[0]}}})"
            + (f"; is {typo}= a typo of it?" if typo else ""))


@functools.lru_cache(maxsize=1024)
def _names(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_PLACEHOLDER.findall(" ".join(words)))


def label_problem(key: str, text: str) -> str | None:
    """What is wrong with a site's own words for a label: a `{name}` the label is never
    given (`{sectoin}`, `{0}`), or a brace never closed; None when nothing is."""
    english = _catalog("en")
    words = " ".join((english.values.get(key, ""), *english.forms.get(key, ())))
    # (a label with plural forms is given its `count`)
    known = set(_PLACEHOLDER.findall(words)) | ({"count"} if key in english.forms else set())
    for name in _PLACEHOLDER.findall(text):
        if name not in known:
            given = ", ".join(f"{{{k}}}" for k in sorted(known)) or "none"
            hint = closest(name, known)
            return (f"'{{{name}}}' is not a value the theme gives this label (it gives: "
                    f"{given}); it is shown as written"
                    + (f"; did you mean '{{{hint}}}'?" if hint else ""))
    rest = _PLACEHOLDER.sub("", text)
    if "{" in rest or "}" in rest:
        return ("a brace that is not part of a {name} is shown as written (a value is "
                "written by its name between { and }, like 'Page {n}')")
    return None


def make_labels(code: str, overrides: Mapping[str, str]) -> tuple[Labels, list[str]]:
    """Labels for a language, and the keys that fell back to English."""
    english = _catalog("en")
    own = _catalog(code)
    values: dict[str, str] = {}
    forms: dict[str, tuple[str, ...]] = {}
    missing: list[str] = []
    plural = own.plural
    for key in LABEL_KEYS:
        if key in overrides:  # a site's own word, whatever the number
            values[key] = overrides[key]
        elif key in own.values:
            values[key] = own.values[key]
            if key in own.forms:
                forms[key] = own.forms[key]
        else:
            values[key] = english.values.get(key, key)
            if not code.startswith("en"):
                missing.append(key)
    if not own.values:  # no catalog: English words, English plural rule
        plural = english.plural
        forms = {k: v for k, v in english.forms.items() if k not in overrides}
    return Labels(code, dict(values), forms, plural), missing


def format_day(moment: datetime, code: str, pattern: str) -> str:
    """A date in the language's words: `18 dekabr 2024`, `18 декабря 2024 г.`."""
    return _format_day(moment, _zone(moment), code, pattern)


def format_moment(moment: datetime, code: str, pattern: str) -> str:
    """Date and time, joined as the language joins them: `18 December 2024, 10:30`,
    `18 dekabr 2024 10:30`, `18 ديسمبر 2024، 10:30 ص`; `moment` is already in the site's
    zone."""
    return _format_moment(moment, _zone(moment), code, pattern)


def _zone(moment: datetime) -> tuple[object, ...]:
    """What the words of `moment` depend on besides the instant: aware datetimes of one
    instant are equal in any zone, so a cache keyed on them alone would give the dev server
    the old zone's words after `timezone` changes."""
    return (str(moment.tzinfo), moment.utcoffset())


@functools.lru_cache(maxsize=65536)
def _format_day(moment: datetime, zone: tuple[object, ...], code: str, pattern: str) -> str:
    from babel.dates import format_date

    return str(format_date(moment, pattern, locale=_locale(code)))


@functools.lru_cache(maxsize=65536)
def _format_moment(moment: datetime, zone: tuple[object, ...], code: str, pattern: str) -> str:
    from babel.dates import format_date, format_time

    locale = _locale(code)
    day = format_date(moment, pattern, locale=locale)
    clock = format_time(moment, "short", tzinfo=moment.tzinfo, locale=locale)
    join = str(locale.datetime_formats["medium"]).replace("'", "")  # as Babel reads it
    return re.sub(r"\{([01])\}", lambda m: day if m[1] == "1" else clock, join)


def format_month(moment: datetime, code: str) -> str:
    """A month and year in the language, standalone: `December 2024`, `декабрь 2024 г.`."""
    from babel.dates import format_datetime

    return str(format_datetime(moment, "LLLL y", locale=_locale(code)))


def og_locale(code: str) -> str:
    """Open Graph's `language_TERRITORY`: `tk_TM`, `ru_RU`, `en_US`, `pt_BR`; the territory
    from the code when it has one, otherwise the likeliest (Babel's likely subtags)."""
    parts = code.replace("-", "_").split("_")
    lang = parts[0].lower()
    territory = next((p.upper() for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
    if territory is None:
        from babel.core import get_global

        likely = str(get_global("likely_subtags").get(lang) or "").split("_")
        territory = next((p for p in likely[1:] if len(p) == 2 and p.isupper()), None)
    return f"{lang}_{territory}" if territory else lang
