"""Reading one value of `newsgen.yaml`: each kind of value, checked, with the message
an editor needs (newsgen.parse.config reads the keys)."""

from __future__ import annotations

import re

from newsgen.errors import Reporter, closest, did_you_mean
from newsgen.model.config import LanguageConfig
from newsgen.model.content import UNCLOSED_HOST, host_problem, split_url
from newsgen.parse import i18n
from newsgen.parse.yamltree import YMap, YScalar, YSeq, as_bool, as_int, as_text, describe

PERMALINK_FIELDS = ("section", "slug", "year", "month", "day")
NAME_MAX = 255  # the longest name of a file or a folder on common disks, in bytes
LANG_CODE_RE = re.compile(r"[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*\Z")
_PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")


def check_base_url(url: str) -> str | None:
    """An error message for a bad base_url, or None."""
    parts = split_url(url)
    if parts is None:  # `https://[::1/`
        return f"'{url}' is not a URL: {UNCLOSED_HOST}"
    if parts.scheme in ("http", "https"):
        if not parts.netloc:
            return f"'{url}' has no host"
        if parts.query or parts.fragment:
            return f"'{url}' must not have a query or fragment"
        if problem := host_problem(parts):  # (its path is written percent-encoded)
            return f"'{url}' {problem}"
        return _doubled(url, parts.path)
    if parts.scheme or parts.netloc:
        return f"'{url}' must be an http(s) URL or a path starting with '/'"
    if not url.startswith("/"):
        return f"'{url}' must be an http(s) URL or a path starting with '/'"
    if ".." in url.split("/"):
        return f"'{url}' must not contain '..'"
    return _doubled(url, url)


def _doubled(url: str, path: str) -> str | None:
    """A path with an empty part (`https://x.org//`, often `$URL/` of a URL that ends in
    '/'): every link would start with '//', which a browser reads as another host."""
    if "//" not in path:
        return None
    fixed = url[:len(url) - len(path)] + re.sub("/{2,}", "/", path)
    return f"'{url}' has '//' in its path (links would name another host); write '{fixed}'"


# Named patterns: the URLs Jekyll and Hugo give posts by default, the section standing for
# Jekyll's category (the folder above _posts) and Hugo's section.
PERMALINK_PRESETS = {
    "jekyll": "/{section}/{year}/{month}/{day}/{slug}.html",  # Jekyll's `date` style
    "jekyll-pretty": "/{section}/{year}/{month}/{day}/{slug}/",  # Jekyll's `pretty`
    "hugo": "/{section}/{slug}/",  # Hugo's default, and newsgen's
}


def check_permalink(pattern: str) -> tuple[str | None, str]:
    """Validate a permalink pattern (or a preset's name); returns (error, normalized
    pattern without leading '/')."""
    pattern = PERMALINK_PRESETS.get(pattern, pattern)
    if "\\" in pattern or "\x00" in pattern:
        return "must not contain backslashes or NUL characters", pattern
    if "://" in pattern or "?" in pattern or "#" in pattern:
        return "must be a path pattern like '/{section}/{slug}/'", pattern
    names = _PLACEHOLDER_RE.findall(pattern)
    unknown = [n for n in names if n not in PERMALINK_FIELDS]
    if unknown:
        known = ", ".join("{" + f + "}" for f in PERMALINK_FIELDS)
        return f"unknown placeholder {{{unknown[0]}}} (known: {known})", pattern
    if "slug" not in names:
        preset = closest(pattern, PERMALINK_PRESETS) if "/" not in pattern else None
        if preset is not None:  # a preset's name misspelt (`jekyl`)
            return (f"'{pattern}' is no preset (presets: {', '.join(PERMALINK_PRESETS)}); "
                    f"did you mean '{preset}'?"), pattern
        return "must contain {slug}, or every article would get the same URL", pattern
    literal = _PLACEHOLDER_RE.sub("x", pattern)
    if "{" in literal or "}" in literal:
        return "has an unbalanced '{' or '}'", pattern
    segments = literal.split("/")
    if any(s in ("..", ".") for s in segments):
        return "must not contain '.' or '..' segments: it could leave the output folder", pattern
    if any(len(s.encode("utf-8")) > NAME_MAX - 120 for s in segments):  # room for a slug
        return (f"a part between slashes is longer than {NAME_MAX - 120} bytes, more than a "
                "folder's name may be on disk with an article's slug in it"), pattern
    normalized = pattern.lstrip("/")
    if not normalized.endswith("/") and not normalized.endswith(".html"):
        normalized += "/"
    while "//" in normalized:
        normalized = normalized.replace("//", "/")
    return None, normalized


class Checker:
    """Reads one mapping level of the config, remembering which keys were used."""

    def __init__(self, path: str, reporter: Reporter) -> None:
        self.path = path
        self.reporter = reporter

    def error(self, line: int | None, message: str) -> None:
        self.reporter.error(self.path, line, message)

    def unknown_keys(self, node: YMap, known: tuple[str, ...], prefix: str = "") -> None:
        for key, _ in node.items:
            if key.text in known:
                continue
            # Always name the nearest known key, however far it is.
            hint = did_you_mean(key.text, known, prefix=prefix, cutoff=0.0)
            self.error(key.line, f"unknown key '{prefix}{key.text}'{hint}")

    def text(self, node: YMap, key: str, name: str, *, allow_empty: bool = False) -> str | None:
        value = node.get(key)
        if value is None:
            return None
        text = as_text(value)
        if text is None or (not allow_empty and not text.strip()):
            self.error(value.line, f"{name}: expected a non-empty string, got {describe(value)}")
            return None
        return text

    def integer(self, node: YMap, key: str, name: str, minimum: int) -> int | None:
        value = node.get(key)
        if value is None:
            return None
        number = as_int(value)
        if number is None or number < minimum:
            quoted = value.text if isinstance(value, YScalar) and not value.plain and (
                value.text.isdigit()) else None
            self.error(value.line, f"{name}: expected a whole number of at least {minimum}, "
                                   f"got {describe(value)}" + (
                                       f" in quotes: write {quoted} without them"
                                       if quoted else ""))
            return None
        return number

    def boolean(self, node: YMap, key: str, name: str) -> bool | None:
        value = node.get(key)
        if value is None:
            return None
        flag = as_bool(value)
        if flag is None:
            self.error(value.line, f"{name}: expected true or false, got {describe(value)}")
        return flag

    def choice(self, node: YMap, key: str, name: str, choices: tuple[str, ...]) -> str | None:
        """One of `choices`, as written."""
        value = node.get(key)
        if value is None:
            return None
        text = as_text(value)
        if text is None or not text.strip():
            self.error(value.line, f"{name}: expected one of {', '.join(choices)}, "
                                   f"got {describe(value)}")
            return None
        if text not in choices:
            self.error(value.line, f"{name}: '{text}' is not one of {', '.join(choices)}"
                                   f"{did_you_mean(text, choices)}")
            return None
        return text

    def mapping(self, node: YMap, key: str, name: str) -> YMap | None:
        value = node.get(key)
        if value is None or (isinstance(value, YScalar) and value.is_null):
            return None
        if not isinstance(value, YMap):
            self.error(value.line, f"{name}: expected a mapping, got {describe(value)}")
            return None
        return value

    def strings(self, node: YMap, key: str, name: str) -> dict[str, str]:
        value = self.mapping(node, key, name)
        out: dict[str, str] = {}
        if value is None:
            return out
        for k, v in value.items:
            text = as_text(v)
            if text is None:
                self.error(v.line, f"{name}.{k.text}: expected a string, got {describe(v)}")
                continue
            if k.text not in i18n.LABEL_KEYS:
                hint = did_you_mean(k.text, i18n.LABEL_KEYS)
                self.error(k.line, f"{name}: unknown label '{k.text}'{hint}")
                continue
            if (problem := i18n.label_problem(k.text, text)) is not None:  # (shown as
                self.reporter.warning(self.path, v.line,  # written: a site template may
                                      f"{name}.{k.text}: {problem}")  # give it more)
            if not text.strip():
                self.reporter.warning(self.path, v.line, f"{name}.{k.text}: empty: pages "
                                      "show nothing where this label goes (leave the key "
                                      "out to keep the language's word)")
            out[k.text] = text
        return out


def read_stylesheets(c: Checker, node: YMap) -> tuple[str, ...] | None:
    """`extra_css`: one path or a list of paths of the site's own files, like
    `css/site.css` for static/css/site.css (whether they exist is checked with the
    site's files)."""
    value = node.get("extra_css")
    if value is None or (isinstance(value, YScalar) and value.is_null):
        return None
    items = value.items if isinstance(value, YSeq) else (value,)
    out: list[str] = []
    for item in items:
        text = as_text(item)
        if text is None or not text.strip():
            c.error(item.line, f"extra_css: expected the path of a stylesheet of the site, "
                               f"like css/site.css, got {describe(item)}")
            continue
        path = text.strip().lstrip("/")
        if "://" in path or path.startswith("//") or ".." in path.split("/"):
            c.error(item.line, f"extra_css: '{text}' is not a file of the site: give the "
                               "path of a file under static/, like css/site.css")
            continue
        out.append(path)
    return tuple(out)


def read_widths(c: Checker, node: YMap) -> tuple[int, ...] | None:
    value = node.get("widths")
    if not isinstance(value, YSeq) or not value.items:
        line = value.line if value is not None else node.line
        c.error(line, "images.widths: expected a list of widths in pixels, like [480, 960]")
        return None
    widths: list[int] = []
    for item in value.items:  # every bad one said, in one run
        number = as_int(item)
        if number is None or not 16 <= number <= 8192:
            c.error(item.line, f"images.widths: expected a width from 16 to 8192 pixels, "
                               f"got {describe(item)}")
        else:
            widths.append(number)
    return tuple(sorted(set(widths))) if len(widths) == len(value.items) else None


def borrowed_words(c: Checker, line: int, name: str, default: LanguageConfig,
                   title: str | None, description: str | None) -> None:
    """A warning when a language other than the default has no title or description of
    its own: its pages would show the default language's words."""
    unsaid = [(k, v) for k, v, said in (("title", default.title, title),
                                        ("description", default.description, description))
              if said is None and v]
    if unsaid:
        c.reporter.warning(c.path, line, f"{name}: no {' or '.join(k for k, _ in unsaid)}: "
                           "its pages, feeds and structured data show the default language's "
                           f"({', '.join(repr(v) for _, v in unsaid)}); set "
                           f"{' and '.join(k for k, _ in unsaid)} (the same words, if meant)")


def read_date_format(c: Checker, node: YMap, key: str, name: str) -> str | None:
    text = c.text(node, key, name)
    if text is None:
        return None
    if text in ("short", "medium", "long", "full"):
        return text
    from datetime import date

    from babel.dates import format_date

    if text.replace("''", "").count("'") % 2:  # Babel drops an open quote's words
        c.error(line_of(node, key), f"{name}: '{text}' opens a quote it never closes (words "
                                  "go between single quotes: d MMMM y 'г.'; '' is a quote "
                                  "itself)")
        return None
    try:
        first = format_date(date(2024, 1, 2), text, locale="en")
        second = format_date(date(2025, 3, 4), text, locale="en")
    except (ValueError, TypeError, KeyError, AttributeError):
        c.error(line_of(node, key), f"{name}: '{text}' is not a date pattern (letters stand "
                                  "for parts of a date: d day, M month, y year; put other "
                                  "words in single quotes); use short, medium, long, full "
                                  "or a pattern like 'd MMMM y'")
        return None
    if first == second:
        c.error(line_of(node, key), f"{name}: '{text}' shows no part of the date; "
                                  "use a pattern like 'd MMMM y'")
        return None
    return text


def language_tag(code: str) -> str:
    """A language code as BCP 47 writes it (`zh_cn` → `zh-CN`, `pt-br` → `pt-BR`): what
    `lang` and `hreflang` carry. The code as the site writes it stays its URL folder."""
    first, *rest = code.replace("_", "-").split("-")
    parts = [first.lower()]
    for part in rest:
        if len(part) == 2 and part.isalpha() or len(part) == 3 and part.isdigit():
            parts.append(part.upper())  # a region: CN, BR, 419
        elif len(part) == 4 and part.isalpha():
            parts.append(part.title())  # a script: Hans, Latn
        else:
            parts.append(part.lower())
    return "-".join(parts)


def language_hint(written: str, codes: list[str]) -> str:
    """"; did you mean 'tk'?" for a code that begins as one of `codes` and is near it
    (`tm`, `ru_RU`); none for another language's (`de` is not near `en`)."""
    first = written[:1].lower()
    return did_you_mean(written, [c for c in codes if c[:1].lower() == first], cutoff=0.5)


def as_language_code(text: str) -> str:
    """A language code however the site spells it, in BCP 47 (`zh_cn` → `zh-CN`);
    text that is no code, as it is (it then matches no configured language)."""
    return language_tag(text) if LANG_CODE_RE.match(text) else text


def check_language_code(code: str) -> str | None:
    if not LANG_CODE_RE.match(code):
        return f"'{code}' is not a language code like 'en', 'tk', 'pt-BR' or 'zh_cn'"
    from babel import Locale, UnknownLocaleError  # (here: a site that names no language needs none)

    try:
        Locale.parse(language_tag(code).replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return f"'{code}' is not a language newsgen knows{_country_hint(code)}"
    return None


def country_languages(code: str) -> tuple[str, ...]:
    """The official languages of the country whose code `code` is (`tm` → `tk`), if any."""
    from babel.languages import get_official_languages

    return tuple(get_official_languages(code.upper())) if len(code) == 2 else ()


def _country_hint(code: str) -> str:
    """`tm` is Turkmenistan's country code, not Turkmen's: name the country's languages."""
    official = country_languages(code)
    if not official:
        return " (it has no locale data in Babel's CLDR)"
    from babel import Locale

    country = Locale("en").territories.get(code.upper(), code.upper())
    choices = " or ".join(f"'{lang}'" for lang in official)
    return f"; '{code}' is the country code of {country}: did you mean {choices}?"


def line_of(node: YMap, key: str) -> int | None:
    value = node.get(key)
    return value.line if value is not None else None


_LOCALE_RE = re.compile(r"[a-z]{2,3}_[A-Z]{2}\Z")


def read_locale(c: Checker, node: YMap, key: str, name: str) -> str | None:
    """An Open Graph locale, `language_TERRITORY` (`tk_TM`)."""
    text = c.text(node, key, name)
    if text is None:
        return None
    if not _LOCALE_RE.match(text):
        c.error(line_of(node, key), f"{name}: '{text}' is not a locale like tk_TM or "
                                    "pt_BR (a language, '_', a territory)")
        return None
    from babel import Locale

    if text[-2:] not in Locale("en").territories:
        c.error(line_of(node, key), f"{name}: '{text}': {text[-2:]} is not a territory "
                                    "(ISO 3166: TM, RU, US, GB, …)")
        return None
    return text
