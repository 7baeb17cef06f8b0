"""Validating an article's front matter, field by field, into an `Article`.

Every field is checked on its own and every problem is reported with its line,
so one run shows all of a file's problems. Fields as Hugo and Jekyll sites
write them are read too (see `ALIASES`).
"""

from __future__ import annotations

import difflib
from dataclasses import replace
from datetime import datetime
from typing import Any

from newsgen.model.content import Article, alias_line
from newsgen.parse import foreign
from newsgen.parse.body_lines import (
    TOO_DEEP,
    UNCLOSED,
    UNCLOSED_HTML,
    control_characters,
    too_deep,
    unclosed_html,
    unclosed_links,
)
from newsgen.parse.config import section_names
from newsgen.parse.config_values import as_language_code, language_hint
from newsgen.parse.dates import parse_moment
from newsgen.parse.fields import ALIASES, HOLDING, KNOWN_FIELDS, FieldReader
from newsgen.parse.slugs import full_length, section_slug, slug_or_fallback, slugify
from newsgen.parse.yamlhelp import NBSP_INDENT
from newsgen.parse.yamltree import (
    YMap,
    YNode,
    YScalar,
    YSeq,
    as_bool,
    as_text,
    describe,
    to_python,
)


def _one_off(word: str, field: str) -> bool:
    """`word` is `field` with one letter left out, added, replaced or two swapped, its
    first letter kept (`draf`, `drafts`, `darft`; not `craft`, `unpublished`)."""
    if word == field:
        return True
    if not word or word[0] != field[0] or abs(len(word) - len(field)) > 1:
        return False
    if len(word) == len(field):
        diff = [i for i, (a, b) in enumerate(zip(word, field, strict=True)) if a != b]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and word[diff[0]] == field[diff[1]]
                                  and word[diff[1]] == field[diff[0]])
    short, long = sorted((word, field), key=len)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


# Other words for a field that spelling does not bring near it
_SYNONYMS = {"language": "lang", "locale": "lang"}
_MISSING_HINT = {
    "title": "",
    "date": " (or set filename_dates: true in newsgen.yaml and name the file "
            "YYYY-MM-DD-name.md)",
    "section": " (or set sections_from: folder in newsgen.yaml to take it from the "
               "article's folder)",
}


class Validator(FieldReader):
    """Checks one article's front matter field by field; every problem goes to the reporter."""

    def article(self, node: YMap, body: str, body_line: int) -> Article | None:
        lines = {k.text: k.line for k, _ in node.items}
        named = {meaning: meaning for meaning in ALIASES.values() if meaning in lines}
        for other, meaning in ALIASES.items():  # `lastmod`'s line is the line of `updated`
            if other in lines and meaning in named:  # newsgen's name wins (or the first of
                used = named[meaning]  # two others: `expirydate`), never silently
                self.warning(lines[other], f"'{other}' is read as '{used}', which this file "
                                           f"gives too (line {lines[used]}): '{used}' is "
                                           f"used and '{other}' left out; merge them")
            if other in lines:
                named.setdefault(meaning, other)
                lines.setdefault(meaning, lines[other])
        self.key_lines = dict(lines)  # (a field's line by its newsgen name too)
        fields: dict[str, Any] = {}
        params: dict[str, Any] = {}
        typos: dict[str, tuple[str, int]] = {}  # a required field -> a key one letter off it
        mangled: set[str] = set()
        for key, value in node.items:
            name = key.text
            if name.startswith("\u00a0"):  # YAML reads them as the key's own characters
                self.error(key.line, NBSP_INDENT)
                mangled.add(name.lstrip("\u00a0 "))  # not missing as well
                continue
            if name not in KNOWN_FIELDS:
                params[name] = to_python(value)
                guess = difflib.get_close_matches(name, KNOWN_FIELDS, n=1, cutoff=0.75) or (
                    [_SYNONYMS[name]] if name in _SYNONYMS else [])
                if name.lower() in lines and name.lower() in KNOWN_FIELDS:
                    self.warning(key.line, f"'{name}' differs from '{name.lower()}' (line "
                                           f"{lines[name.lower()]}) only in capitals: newsgen "
                                           f"reads '{name.lower()}'; remove one of them")
                elif (held := self.holds(name, value)) is not None and held not in lines:
                    # A typo must not publish what the editor meant to hold back.
                    self.error(key.line, f"unknown field '{name}': did you mean '{held}'? "
                                         "(an error, not a warning: misspelt, "
                                         f"'{held}' does not hold the article back)")
                elif guess and guess[0] in ("title", "date", "section"):
                    typos.setdefault(guess[0], (name, key.line))  # said with what is missing
                elif guess and guess[0] not in lines:
                    self.kept(name, key.line, guess[0])
        facts = self.facts
        categories = self.text_list(v, "categories", commas=True) if (
            v := node.get("categories")) is not None else ()
        if self.config.sections_from == "categories" and categories and "section" not in lines:
            facts = replace(facts, section=categories[0])
            categories = categories[1:]
        if facts.section is not None and "categories" in lines and "section" not in lines:
            lines["section"] = lines["categories"]  # the section's problems: at its category
        given = {"date": facts.date is not None, "section": facts.section is not None}
        # (without the configuration, a date or section may come from the file's name, its
        # folder or its categories: newsgen.yaml says, so only the title is missed then; a
        # key one letter off one is unknown all the same, and said so)
        for required in ("title", "date", "section"):
            typo = typos.get(required)
            missed = required == "title" or not self.config.misread
            if (missed and required not in lines and not given.get(required)
                    and required not in mangled):
                if typo is not None:
                    self.error(typo[1], f"missing required field '{required}': is '{typo[0]}' "
                                        f"a misspelling of it?")
                else:
                    self.error(1, f"missing required field '{required}'"
                                  f"{self.missing(required)}")
            elif typo is not None and required not in lines:  # the path gives it
                self.kept(typo[0], typo[1], required)
        title = self.text(v, "title") if (v := node.get("title")) is not None else None
        when = facts.date
        if (v := node.get("date")) is not None:
            when, fields["time_given"] = self.moment(v, "date")
        elif when is not None:
            fields["time_given"] = False
        section = self.text(v, "section") if (v := node.get("section")) is not None else None
        section = section or facts.section
        cut: tuple[int, int, str] | None = None
        if (v := node.get("slug")) is not None:
            raw = self.text(v, "slug")
            if raw is not None:
                slug = slugify(raw)
                if slug:
                    fields["slug"] = slug
                    if "/" in raw.strip("/"):
                        self.warning(v.line, f"slug: '{raw}' is one part of the URL, so its "
                                             f"slashes become dashes ('{slug}'); folders in "
                                             "URLs come from permalink: in newsgen.yaml")
                    if full_length(raw) > len(slug):
                        cut = (v.line, full_length(raw), slug)
                else:
                    self.error(v.line, f"slug: '{raw}' gives an empty slug; use letters "
                                       "or digits")
        tags = self.text_list(v, "tags", commas=True) if (v := node.get("tags")) else ()
        tags += tuple(t for t in categories if t not in tags)  # Jekyll's, Hugo's: tags
        if tags:
            fields["tags"] = tags
        author, authors = node.get("author"), node.get("authors")
        if author is not None and authors is not None:
            self.error(authors.line, "give either 'author' or 'authors', not both")
        elif (v := author or authors) is not None:
            fields["authors"] = self.text_list(v, "author" if author is not None else "authors",
                                               named=True)
        if (v := self.field(node, "summary")) is not None:
            fields["summary"] = self.text(v, "summary")
        lang = facts.lang or self.config.language
        if facts.odd_suffix and node.get("lang") is None and not self.config.misread:
            self.odd_suffix(facts.odd_suffix, lang, fields.get("slug"))
        if facts.odd_folder and node.get("lang") is None and not self.config.misread:
            sec = section_slug(section or "")  # (the folder may be the section's, by its slug)
            found = section_names(self.config.sections or ()).get(sec)
            if facts.odd_folder.lower() not in (sec, found[1].slug if found else sec):
                self.odd_folder(facts.odd_folder, lang)
        if facts.lang_clash and node.get("lang") is None:
            self.warning(None, f"language: {facts.lang_clash}; the name's ({lang}) is used "
                               "(set lang: to say which)")
        if (v := node.get("lang")) is not None:
            written = self.text(v, "lang")
            codes = [lc.code for lc in self.config.languages]
            code = as_language_code(written) if written is not None else None  # zh_cn: zh-CN
            if code is not None and code not in codes and not self.config.misread:
                hint = language_hint(code, codes)
                self.error(v.line, f"lang: '{written}' is not a language of this site "
                                   f"(configured: {', '.join(codes)}; add it under "
                                   f"'languages' in newsgen.yaml){hint}")
            elif code is not None:
                lang = code
        fields["translation_key"] = facts.translation_key  # same path, other language
        if (v := node.get("translation_key")) is not None:
            fields["translation_key"] = self.text(v, "translation_key")
        if (v := node.get("draft")) is not None:
            flag = as_bool(v)
            if flag is None:
                self.error(v.line, f"draft: expected true or false{_unquote(v)}, "
                                   f"got {describe(v)}")
            else:
                fields["draft"] = flag
        if (v := node.get("published")) is not None:  # Jekyll: `published: false` is a draft
            flag = as_bool(v)
            if flag is None:
                self.error(v.line, f"published: expected true or false{_unquote(v)}, "
                                   f"got {describe(v)}")
            elif (d := node.get("draft")) is not None:  # newsgen's name wins, as with ALIASES
                self.warning(v.line, f"'published' is read as the opposite of 'draft', which "
                                     f"this file gives too (line {d.line}): 'draft' is used "
                                     "and 'published' left out; merge them")
            elif not flag:
                fields["draft"] = True
        if (v := self.field(node, "expiry")) is not None:
            fields["expiry"], _ = self.moment(v, "expirydate")
            if fields["expiry"] is not None and when is not None and fields["expiry"] <= when:
                self.warning(v.line, "expirydate: not after the article's date, so it is "
                                     "never published")
        if (v := self.field(node, "aliases")) is not None:
            fields["aliases"] = self.aliases(v)
            lines.update((alias_line(path), line) for path, line in self.alias_lines.items())
        if (v := self.field(node, "updated")) is not None:
            updated, fields["updated_time_given"] = self.moment(v, "updated")
            if updated is not None and when is not None and updated < when:
                self.warning(v.line, "updated: earlier than the article's date")
            fields["updated"] = updated
        if (v := self.field(node, "image")) is not None:
            # Hugo's `images: [a.jpg, b.jpg]`: the first one (`image:` is one image)
            if isinstance(v, YSeq) and node.get("image") is not v:
                if len(v.items) > 1:
                    self.readings.add("more-images")
                v = v.items[0] if v.items else YScalar("", "tag:yaml.org,2002:null", True,
                                                       v.line)
            if not (isinstance(v, YScalar) and v.is_null):
                fields["image"] = self.image(v)
        if (v := node.get("related")) is not None:
            fields["related"] = self.related(v)

        if cut is not None:
            line, length, slug = cut
            url = self.url_preview(slug, section, when, lang)
            self.warning(line, f"slug: {length} characters is too long for a URL; it is cut "
                               f"to {len(slug)}, and the article's URL is {url}")
        for number, message in foreign.find(body):
            self.warning(body_line + number, message)
        if (deep := too_deep(body)) is not None:
            self.error(body_line + deep, TOO_DEEP)
        for number, message in control_characters(body):
            self.error(body_line + number, message)
        if (unclosed := unclosed_links(body)) is not None:
            self.error(body_line + unclosed[0], UNCLOSED.format(count=unclosed[1]) + (
                f" ({unclosed[2] - 1} more paragraphs here open many: the time is theirs "
                "together)" if unclosed[2] > 1 else ""))
        if self.config.markdown.raw_html and (html_open := unclosed_html(body)) is not None:
            self.warning(body_line + html_open[0], UNCLOSED_HTML.format(tag=html_open[1]))

        content_path = self.rel[len("content/"):]
        if not self.ok or title is None or when is None or section is None:
            # Keep what can still be checked (links, image, references), never publish it.
            fields["valid"] = False
            title = title or ""
            when = when or datetime(2000, 1, 1, tzinfo=self.config.tz)
            section = section or ""
            for name in ("tags", "authors", "summary", "translation_key", "updated", "image",
                         "expiry"):
                if fields.get(name) is None:
                    fields.pop(name, None)
        if "slug" not in fields:
            fields["slug"] = slug_or_fallback(facts.stem, title, seed=content_path)
        fields["readings"] = tuple(sorted(self.readings))
        return Article(
            source=self.rel,
            content_path=content_path,
            title=title,
            date=when,
            section=section,
            lang=lang,
            params=dict(params),
            body=body,
            body_line=body_line,
            lines=dict(lines),
            **fields,
        )

    def odd_folder(self, folder: str, lang: str) -> None:
        """`content/de/…` on a site without German: published in `lang`, unsaid."""
        codes = ", ".join(c.code for c in self.config.languages)
        self.warning(None, f"the folder content/{folder}/ is named like a language code that "
                           f"is not one of the site's languages ({codes}), so the article "
                           f"is in {lang}; add {folder} under languages: in newsgen.yaml, "
                           "set lang:, or move the file")

    def kept(self, name: str, line: int, guess: str) -> None:
        self.warning(line, f"unknown field '{name}' is kept for templates (article.params); "
                           f"did you mean '{guess}'?")

    def holds(self, name: str, value: YNode) -> str | None:
        """The field that holds an article back (`draft: true`, `published: false`, an
        `expirydate`) that an unknown key is one letter off, in any capitals, with a
        value that would hold it back; None for any other key (`publisher: Reuters`,
        `Draft: false`, Hugo's `publishDate`)."""
        guess = [f for f in HOLDING if _one_off(name.lower(), f)]
        if not guess:
            return None
        flag = as_bool(value)
        if guess[0] == "draft" and flag is True or guess[0] == "published" and flag is False:
            return guess[0]
        text = as_text(value)
        if guess[0].startswith("expiry") and text and parse_moment(text, self.config.tz)[0]:
            return guess[0]
        return None

    def missing(self, name: str) -> str:
        """What the path could have said instead of a missing `date` or `section`."""
        config, facts = self.config, self.facts
        if name == "date" and facts.bad_date is not None:
            return f" ('{facts.bad_date}' in the file name is not a date)"
        if name == "date":
            return (" (the file name has no YYYY-MM-DD- prefix)" if config.filename_dates
                    else _MISSING_HINT["date"])
        if name == "section" and config.sections_from == "folder":
            return " (the file is not in a section's folder under content/)"
        if name == "section" and config.sections_from == "categories":
            return " (and it has no category)"
        return _MISSING_HINT.get(name, "")

    def url_preview(self, slug: str, section: str | None, when: datetime | None,
                    lang: str) -> str:
        """The URL the article will most likely get, for messages (linking decides it)."""
        sec = section_slug(section or "")
        if self.config.sections is not None:
            found = section_names(self.config.sections).get(sec)
            sec = found[1].slug if found else sec
        local = (when or datetime(2000, 1, 1, tzinfo=self.config.tz)).astimezone(self.config.tz)
        path = self.config.permalink.format(section=sec, slug=slug, year=f"{local.year:04d}",
                                            month=f"{local.month:02d}", day=f"{local.day:02d}")
        return self.config.base_path + self.config.language_config(lang).prefix + path


def _unquote(node: YNode) -> str:
    """`draft: "true"` is text, not a flag: say to write it without quotes."""
    text = node.text.strip().lower() if isinstance(node, YScalar) and not node.is_null else ""
    return " without quotes" if text in ("true", "false", "yes", "no") else ""
