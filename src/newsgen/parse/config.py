"""`newsgen.yaml`: every key, its default, and validation that reports all problems at once."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from newsgen.errors import Reporter, closest, did_you_mean
from newsgen.hashing import digest
from newsgen.model.config import (
    CONFIG_NAME,
    Config,
    LanguageConfig,
    SectionConfig,
    normalize_base_url,
)
from newsgen.model.config import GROUPS as GROUP_TYPES
from newsgen.parse.config_schema import GROUPS, OPTIONS, TOP_KEYS, Option
from newsgen.parse.config_values import (
    Checker,
    as_language_code,
    borrowed_words,
    check_base_url,
    check_language_code,
    check_permalink,
    language_tag,
    line_of,
    read_date_format,
    read_locale,
    read_stylesheets,
    read_widths,
)
from newsgen.parse.frontmatter import encoding_problem
from newsgen.parse.slugs import section_slug
from newsgen.parse.yamltree import (
    YamlError,
    YMap,
    YScalar,
    YSeq,
    as_text,
    describe,
    parse,
    to_python,
)
from newsgen.parse.zones import check_timezone


def section_names(sections: Iterable[SectionConfig]) -> dict[str, tuple[str, SectionConfig]]:
    """Every name a section answers to, by its slug: the slug, the title and each language's
    title (`Политика` → `politika`), with the name as written. The first section keeps a
    name two sections share."""
    out: dict[str, tuple[str, SectionConfig]] = {}
    for sec in sections:
        for name in (sec.title, *sec.titles.values(), sec.slug):
            out.setdefault(section_slug(name), (name, sec))
    return out


def section_hint(name: str, names: Mapping[str, tuple[str, SectionConfig]]) -> str:
    """"; did you mean 'Политика'?" for the section name nearest to `name`, or ""."""
    guess = closest(section_slug(name), names)
    return f"; did you mean '{names[guess][0]}'?" if guess else ""


LANGUAGE_KEYS = ("title", "description", "strings", "date_format", "locale")
SECTION_KEYS = ("slug", "title", "titles")


def load_config(root: Path, reporter: Reporter) -> Config:
    """Read `newsgen.yaml` under `root` (absent means all defaults).

    Every problem is reported; the returned Config uses defaults where a value was bad.
    """
    path = root / CONFIG_NAME
    if not path.is_file():
        if not os.path.lexists(path):
            return default_config(root)
        what = "a folder" if path.is_dir() else "a link to nothing" if path.is_symlink() else (
            "not a file")
        reporter.error(CONFIG_NAME, None, f"the configuration is {what}: make {CONFIG_NAME} a "
                                          "file (or remove it to use the defaults)")
        return replace(default_config(root), misread=True)
    rel = CONFIG_NAME
    c = Checker(rel, reporter)
    try:
        data = path.read_bytes()
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        reporter.error(rel, *encoding_problem(data, exc))
        return replace(default_config(root), misread=True)
    except OSError as exc:
        reporter.error(rel, None, f"cannot read: {exc.strerror}")
        return replace(default_config(root), misread=True)
    problems: list[YamlError] = []
    try:
        node = parse(text, problems=problems)
        for issue in problems:
            reporter.error(rel, issue.line, issue.message)
    except YamlError as exc:
        reporter.error(rel, exc.line, exc.message)
        return replace(default_config(root), misread=True)
    if node is None:
        node = YMap((), 1)
    if not isinstance(node, YMap):
        reporter.error(rel, node.line, f"the configuration must be a mapping, got {describe(node)}")
        return replace(default_config(root), misread=True)

    c.unknown_keys(node, TOP_KEYS)
    values: dict[str, Any] = {"root": root, "exists": True}

    def put(name: str, value: object) -> None:
        if value is not None:
            values[name] = value

    groups: dict[str, YMap] = {}
    for group, options in GROUPS.items():
        sub = c.mapping(node, group, group)
        if sub is not None:
            c.unknown_keys(sub, tuple(o.name for o in options), prefix=f"{group}.")
            groups[group] = sub
    grouped: dict[str, dict[str, Any]] = {group: {} for group in groups}
    for option in OPTIONS:  # the plain values; "read" ones below
        holder = groups.get(option.group) if option.group else node
        if holder is None or option.kind == "read":
            continue
        value = _plain(c, holder, option)
        if value is not None and option.group:
            grouped[option.group][option.field or option.name] = value
        elif option.group == "":
            put(option.field or option.key, value)
    title = values.get("title", "News")

    def checked(key: str, check: Callable[[str], str | None]) -> str | None:
        """The key's text when `check` finds no problem; otherwise the problem is reported."""
        text = c.text(node, key, key)
        if text is None:
            return None
        problem = check(text)
        if problem:
            c.error(line_of(node, key), f"{key}: {problem}")
            return None
        return text

    base = checked("base_url", check_base_url)
    if base is not None:
        values["base_url"] = normalize_base_url(base)
    before = len(reporter.errors)
    written = checked("language", check_language_code) or "en"
    misread = len(reporter.errors) > before  # the language is not as written
    language = values["language"] = language_tag(written)
    put("timezone", checked("timezone", check_timezone))

    source = c.text(node, "sections_from", "sections_from")
    if source is not None and source not in SECTION_SOURCES:
        c.error(line_of(node, "sections_from"), f"sections_from: '{source}' is not one of "
                f"{', '.join(SECTION_SOURCES)}{did_you_mean(source, SECTION_SOURCES)}")
    elif source is not None:
        values["sections_from"] = source

    pattern = c.text(node, "permalink", "permalink")
    if pattern is not None:
        problem, normalized = check_permalink(pattern)
        if problem:
            c.error(line_of(node, "permalink"), f"permalink: {problem}")
        else:
            values["permalink"] = normalized

    if "images" in groups and groups["images"].get("widths") is not None:
        widths = read_widths(c, groups["images"])
        if widths is not None:
            grouped["images"]["widths"] = widths
    for group, given in grouped.items():
        values[group] = GROUP_TYPES[group](**given)

    put("extra_css", read_stylesheets(c, node))

    params = c.mapping(node, "params", "params")
    if params is not None:
        values["params"] = dict(to_python(params))

    default = _default_language(
        language,
        title,
        str(values.get("description", "")),
        c.strings(node, "strings", "strings"),
        read_date_format(c, node, "date_format", "date_format") or "long",
    )
    default = replace(default, locale=read_locale(c, node, "locale", "locale"),
                      folder=written if values.get("default_language_prefix") else "")
    values["languages"] = _languages(c, node, default)
    values["misread"] = misread or _languages_lost(node, values["languages"])
    if not values["languages"][0].description.strip():
        c.reporter.warning(c.path, line_of(node, "title"),
                           "no description: the home page's meta description, which "
                           "search engines show under the site's name, is made from the "
                           "labels; set description: with one line about the site")
    sections = _sections(c, node, [lang.code for lang in values["languages"]])
    if sections is not None:
        values["sections"] = sections
    return Config(**values, read_as=digest(data))


SECTION_SOURCES = ("front_matter", "folder", "categories")


def default_config(root: Path) -> Config:
    """The configuration of a site without `newsgen.yaml`."""
    return Config(root=root, languages=(_default_language("en", "News", "", {}, "long"),))


def _default_language(
    code: str, title: str, description: str, strings: dict[str, str], date_format: str
) -> LanguageConfig:
    return LanguageConfig(
        code=code,
        title=title,
        description=description,
        strings=dict(strings),
        date_format=date_format,
        is_default=True,
    )


def _languages_lost(node: YMap, made: tuple[LanguageConfig, ...]) -> bool:
    """Whether a language of `languages:` was left out (a code newsgen does not know, one
    written twice, an entry that is no mapping): its articles would show false errors."""
    given = node.get("languages")
    if given is None or (isinstance(given, YScalar) and given.is_null):
        return False
    if not isinstance(given, YMap):
        return True
    codes = {language_tag(k.text) for k, _ in given.items if not check_language_code(k.text)}
    return len(codes) != len(given.items) or not codes <= {lang.code for lang in made}


def _languages(c: Checker, node: YMap, default: LanguageConfig) -> tuple[LanguageConfig, ...]:
    """The default language first, then the others in the order given.

    An entry for the default language's own code adjusts the default language.
    """
    langs = c.mapping(node, "languages", "languages")
    out: list[LanguageConfig] = []
    if langs is None:
        return (default,)
    seen: dict[str, tuple[str, int]] = {}  # code -> the key that named it, and its line
    for key, value in langs.items:
        problem = check_language_code(key.text)
        if problem:
            c.error(key.line, f"languages: {problem}")
            continue
        code, name = language_tag(key.text), f"languages.{key.text}"
        if code in seen:  # `pt-BR` and `pt_br`, `ru` and `RU`: one language, one folder
            first, line = seen[code]
            c.error(key.line, f"languages: '{key.text}' is the language '{first}' of line "
                              f"{line} written another way; configure it once")
            continue
        seen[code] = (key.text, key.line)
        if isinstance(value, YScalar) and value.is_null:
            value = YMap((), key.line)
        if not isinstance(value, YMap):
            c.error(value.line, f"{name}: expected a mapping, got {describe(value)}")
            continue
        c.unknown_keys(value, LANGUAGE_KEYS, prefix=f"{name}.")
        strings = c.strings(value, "strings", f"{name}.strings")
        title = c.text(value, "title", f"{name}.title")
        description = c.text(value, "description", f"{name}.description",
                             allow_empty=True)
        date_format = read_date_format(c, value, "date_format", f"{name}.date_format")
        locale = read_locale(c, value, "locale", f"{name}.locale")
        if code == default.code:
            default = replace(
                default,
                strings=dict({**default.strings, **strings}),
                title=title or default.title,
                description=description if description is not None else default.description,
                date_format=date_format or default.date_format,
                locale=locale or default.locale,
            )
            continue
        borrowed_words(c, key.line, name, default, title, description)
        out.append(LanguageConfig(
            code=code,
            title=title or default.title,
            description=description if description is not None else default.description,
            strings=dict(strings),
            date_format=date_format or default.date_format,
            is_default=False,
            locale=locale,
            folder=key.text,
        ))
    return (default, *out)


def _sections(c: Checker, node: YMap, lang_codes: list[str]) -> tuple[SectionConfig, ...] | None:
    value = node.get("sections")
    if value is None or (isinstance(value, YScalar) and value.is_null):
        return None
    if not isinstance(value, YSeq):
        c.error(value.line, f"sections: expected a list of {{slug, title}}, got {describe(value)}")
        return None
    out: list[SectionConfig] = []
    seen: dict[str, int] = {}
    for item in value.items:
        slug_text: str | None
        title: str | None
        titles: dict[str, str] = {}
        if isinstance(item, YScalar):
            title = as_text(item)
            slug_text = title
        elif isinstance(item, YMap):
            c.unknown_keys(item, SECTION_KEYS, prefix="sections.")
            slug_text = c.text(item, "slug", "sections.slug")
            title = c.text(item, "title", "sections.title")
            tmap = c.mapping(item, "titles", "sections.titles")
            if tmap is not None:
                for k, v in tmap.items:
                    t = as_text(v)
                    code = as_language_code(k.text)
                    if code not in lang_codes:  # zh_cn, zh-cn, zh-CN: one language
                        c.error(k.line, f"sections.titles: '{k.text}' is not a configured "
                                        f"language ({', '.join(lang_codes)})")
                    elif t is None:
                        c.error(v.line, f"sections.titles.{k.text}: expected a string")
                    else:
                        titles[code] = t
            if slug_text is None and title is None:
                c.error(item.line, "sections: each section needs a slug or a title")
                continue
        else:
            c.error(item.line, f"sections: expected {{slug, title}}, got {describe(item)}")
            continue
        slug = section_slug(slug_text or title or "")
        if not slug:
            c.error(item.line, f"sections: '{slug_text or title}' gives an empty slug")
            continue
        if slug in seen:
            c.error(item.line, f"sections: '{slug}' is listed twice (first on line {seen[slug]})")
            continue
        seen[slug] = item.line
        out.append(SectionConfig(
            slug=slug,
            title=title or (slug_text or slug),
            titles=dict(titles),
            line=item.line,
        ))
    return tuple(out)


def line_of_key(path: Path, key: str) -> int | None:
    """The line of a top-level key in a YAML file, for a warning (None if absent)."""
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8-sig").split("\n"), 1):
            if line.startswith(f"{key}:"):
                return number
    except (OSError, UnicodeDecodeError):
        pass
    return None


def _plain(c: Checker, node: YMap, option: Option) -> object:
    """A text, whole number, true/false or one-of value, checked as its option says."""
    if option.kind == "text":
        return c.text(node, option.name, option.key, allow_empty=option.allow_empty)
    if option.kind == "boolean":
        return c.boolean(node, option.name, option.key)
    if option.kind == "choice":
        return c.choice(node, option.name, option.key, option.choices)
    number = c.integer(node, option.name, option.key, option.minimum or 0)
    if number is not None and option.maximum is not None and number > option.maximum:
        c.error(line_of(node, option.name),
                f"{option.key}: expected {option.minimum} to {option.maximum}")
        return None
    return number


