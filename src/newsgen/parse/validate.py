"""Validating an article's front matter, field by field, into an `Article`.

Every field is checked on its own and every problem is reported with its line,
so one run shows all of a file's problems. Fields as Hugo and Jekyll sites
write them are read too (see `ALIASES`).
"""

from __future__ import annotations

import difflib
import re
from datetime import datetime
from typing import Any

from newsgen.errors import Reporter, did_you_mean
from newsgen.model.config import Config
from newsgen.model.content import Article, Image, RelatedItem, alias_path, article_stem
from newsgen.parse import foreign
from newsgen.parse.config import section_names
from newsgen.parse.dates import parse_moment
from newsgen.parse.slugs import full_length, slug_or_fallback, slugify
from newsgen.parse.yamlhelp import comment_hint
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

# Fields as Hugo and Jekyll sites write them, and the newsgen field each one is read as.
# The newsgen name wins when a file gives both.
ALIASES = {
    "lastmod": "updated",
    "description": "summary",
    "featured_image": "image",
    "images": "image",  # a list: the first is the lead image
    "expirydate": "expiry",
    "expiry_date": "expiry",
    "redirect_from": "aliases",
}
KNOWN_FIELDS = (
    "title", "date", "section", "related", "slug", "tags", "author", "authors", "summary",
    "lang", "translation_key", "draft", "updated", "image", "aliases", "published",
    "categories", *ALIASES,
)
IMAGE_KEYS = ("src", "alt", "caption", "credit")
RELATED_KEYS = ("ref", "url", "title")

_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")


class Validator:
    """Checks one article's front matter field by field; every problem goes to the reporter."""

    def __init__(self, config: Config, rel: str, reporter: Reporter, text: str = "") -> None:
        self.config = config
        self.rel = rel
        self.reporter = reporter
        self.ok = True
        self.lines = text.split("\n")  # the file as written, for hints

    def raw(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def error(self, line: int | None, message: str) -> None:
        self.ok = False
        self.reporter.error(self.rel, line, message)

    def warning(self, line: int | None, message: str) -> None:
        self.reporter.warning(self.rel, line, message)

    # -- field readers -----------------------------------------------------------------

    def text(self, node: YNode, name: str) -> str | None:
        text = as_text(node)
        if text is None or not text.strip():
            key = name.rsplit(".", 1)[-1]
            if isinstance(node, YMap):
                hint = (f": write the {key} on the same line as '{key}:' (lines indented "
                        "under a key make a mapping)")
            elif isinstance(node, YSeq):
                hint = f": write one {key}, in quotes if it holds commas or brackets"
            else:
                hint = comment_hint(key, self.raw(node.line)) or (
                    f": write the {key} after '{key}:'")
            self.error(node.line, f"{name}: expected text, got {describe(node)}{hint}")
            return None
        return text.strip()

    def text_list(self, node: YNode, name: str, *, commas: bool = False,
                  named: bool = False) -> tuple[str, ...]:
        """A list of text, or one text. `commas`: one text holds several, comma-separated
        (`tags: "energy, gas"`, as Hugo and Jekyll sites write them). `named`: an item may
        be a mapping with a `name` (an author object: `{name: Ann Lee, url: …}`)."""
        items: list[YNode]
        if isinstance(node, YMap) and not (named and node.get("name") is not None):
            self.error(node.line, f"{name}: expected a list of text, like `{name}: [energy, "
                                  "transport]`, got a mapping")
            return ()
        if isinstance(node, YSeq):
            items = list(node.items)
        elif isinstance(node, YScalar) and node.is_null:
            items = []
        else:
            items = [node]
        out: list[str] = []
        for item in items:
            if named and isinstance(item, YMap) and (inner := item.get("name")) is not None:
                item = inner
            text = self.text(item, name)
            if text is None:
                continue
            for part in (text.split(",") if commas and isinstance(item, YScalar) else [text]):
                part = part.strip()
                if part and part not in out:
                    out.append(part)
        return tuple(out)

    def moment(self, node: YNode, name: str) -> tuple[datetime | None, bool]:
        """The time, and whether a time of day was written (not just a date)."""
        text = as_text(node)
        if text is None:
            self.error(node.line, f"{name}: expected a date like 2024-12-18 or "
                                  f"2024-12-18 10:30, got {describe(node)}")
            return None, False
        value, time_given = parse_moment(text.strip(), self.config.tz)
        if value is None:
            self.error(node.line, f"{name}: '{text.strip()}' is not a date "
                                  "(write 2024-12-18 or 2024-12-18 10:30)")
        return value, time_given

    def url_ok(self, url: str, line: int, name: str) -> bool:
        match = _SCHEME_RE.match(url)
        if url.startswith("//"):
            self.error(line, f"{name}: '{url}' has no scheme; write https://…")
            return False
        if match and match.group(1).lower() not in ("http", "https"):
            self.error(line, f"{name}: '{match.group(1)}:' URLs are not allowed, "
                             "only http: and https:")
            return False
        if match and not url.lower().startswith(("http://", "https://")):
            self.error(line, f"{name}: '{url}' is not a valid http(s) URL")
            return False
        if match and any(c in url for c in ' "<>\x00\n\t'):
            self.error(line, f"{name}: '{url}' contains spaces or characters not allowed "
                             "in a URL")
            return False
        return True

    # -- the article -------------------------------------------------------------------

    def article(self, node: YMap, body: str, body_line: int) -> Article | None:
        lines = {k.text: k.line for k, _ in node.items}
        for other, meaning in ALIASES.items():  # `lastmod`'s line is the line of `updated`
            if other in lines:
                lines.setdefault(meaning, lines[other])
        fields: dict[str, Any] = {}
        params: dict[str, Any] = {}
        for key, value in node.items:
            name = key.text
            if name not in KNOWN_FIELDS:
                params[name] = to_python(value)
                guess = difflib.get_close_matches(name, KNOWN_FIELDS, n=1, cutoff=0.75)
                if guess and guess[0] not in lines:
                    self.warning(key.line, f"unknown field '{name}' is kept for templates "
                                           f"(article.params); did you mean '{guess[0]}'?")
        for required in ("title", "date", "section"):
            if required not in lines:
                self.error(1, f"missing required field '{required}'")
        title = self.text(v, "title") if (v := node.get("title")) is not None else None
        when = None
        if (v := node.get("date")) is not None:
            when, fields["time_given"] = self.moment(v, "date")
        section = self.text(v, "section") if (v := node.get("section")) is not None else None
        cut: tuple[int, int, str] | None = None
        if (v := node.get("slug")) is not None:
            raw = self.text(v, "slug")
            if raw is not None:
                slug = slugify(raw)
                if slug:
                    fields["slug"] = slug
                    if full_length(raw) > len(slug):
                        cut = (v.line, full_length(raw), slug)
                else:
                    self.error(v.line, f"slug: '{raw}' gives an empty slug; use letters "
                                       "or digits")
        tags: tuple[str, ...] = ()
        for list_name in ("tags", "categories"):  # Jekyll's and Hugo's categories: tags
            if (v := node.get(list_name)) is not None:
                tags += tuple(t for t in self.text_list(v, list_name, commas=True)
                              if t not in tags)
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
        lang = self.config.language
        if (v := node.get("lang")) is not None:
            code = self.text(v, "lang")
            codes = [lc.code for lc in self.config.languages]
            if code is not None and code not in codes:
                hint = did_you_mean(code, codes, cutoff=0.5)
                self.error(v.line, f"lang: '{code}' is not a language of this site "
                                   f"(configured: {', '.join(codes)}; add it under "
                                   f"'languages' in newsgen.yaml){hint}")
            elif code is not None:
                lang = code
        if (v := node.get("translation_key")) is not None:
            fields["translation_key"] = self.text(v, "translation_key")
        if (v := node.get("draft")) is not None:
            flag = as_bool(v)
            if flag is None:
                self.error(v.line, f"draft: expected true or false, got {describe(v)}")
            else:
                fields["draft"] = flag
        if (v := node.get("published")) is not None:  # Jekyll: `published: false` is a draft
            flag = as_bool(v)
            if flag is None:
                self.error(v.line, f"published: expected true or false, got {describe(v)}")
            elif not flag:
                fields["draft"] = True
        if (v := self.field(node, "expiry")) is not None:
            fields["expiry"], _ = self.moment(v, "expirydate")
        if (v := self.field(node, "aliases")) is not None:
            fields["aliases"] = self.aliases(v)
        if (v := self.field(node, "updated")) is not None:
            updated, _ = self.moment(v, "updated")
            if updated is not None and when is not None and updated < when:
                self.warning(v.line, "updated: earlier than the article's date")
            fields["updated"] = updated
        if (v := self.field(node, "image")) is not None:
            if isinstance(v, YSeq):  # Hugo's `images: [a.jpg, b.jpg]`: the first one
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
        stem = (article_stem(content_path) or content_path).rsplit("/", 1)[-1]
        if "slug" not in fields:
            fields["slug"] = slug_or_fallback(stem, title, seed=content_path)
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

    def url_preview(self, slug: str, section: str | None, when: datetime | None,
                    lang: str) -> str:
        """The URL the article will most likely get, for messages (linking decides it)."""
        sec = slugify(section or "")
        if self.config.sections is not None:
            found = section_names(self.config.sections).get(sec)
            sec = found[1].slug if found else sec
        local = (when or datetime(2000, 1, 1, tzinfo=self.config.tz)).astimezone(self.config.tz)
        path = self.config.permalink.format(section=sec, slug=slug, year=f"{local.year:04d}",
                                            month=f"{local.month:02d}", day=f"{local.day:02d}")
        return self.config.base_path + self.config.language_config(lang).prefix + path

    @staticmethod
    def field(node: YMap, name: str) -> YNode | None:
        """A field by its newsgen name, or by a name Hugo or Jekyll give it (`lastmod`)."""
        value = node.get(name)
        if value is None:
            for other, meaning in ALIASES.items():
                if meaning == name and (value := node.get(other)) is not None:
                    break
        return value

    def aliases(self, node: YNode) -> tuple[str, ...]:
        """Old paths of the article (`/2019/05/old-title/`), as output files that redirect."""
        out: list[str] = []
        for item in self.text_list(node, "aliases"):
            path = alias_path(item)
            if path is None:
                self.error(node.line, f"aliases: '{item}' is not a path on this site: write "
                                      "it from the site's root, like /2019/05/old-title/")
            elif path not in out:
                out.append(path)
        return tuple(out)

    def image(self, node: YNode) -> Image | None:
        if isinstance(node, YScalar):
            src = self.text(node, "image")
            if src is None or not self.url_ok(src, node.line, "image"):
                return None
            return Image(src=src, line=node.line)
        if not isinstance(node, YMap):
            self.error(node.line, f"image: expected a path, a URL or {{src, alt, caption, "
                                  f"credit}}, got {describe(node)}")
            return None
        self.unknown(node, IMAGE_KEYS, "image")
        src_node = node.get("src")
        if src_node is None:
            self.error(node.line, "image: 'src' is required (the image's path or URL)")
            return None
        src = self.text(src_node, "image.src")
        if src is None or not self.url_ok(src, src_node.line, "image.src"):
            return None
        extra: dict[str, str | None] = {}
        for key in ("alt", "caption", "credit"):
            if (v := node.get(key)) is not None:
                extra[key] = self.text(v, f"image.{key}")
        return Image(src=src, line=src_node.line, **extra)

    def related(self, node: YNode) -> tuple[RelatedItem, ...]:
        if isinstance(node, YScalar) and node.is_null:
            return ()
        if not isinstance(node, YSeq):
            example = as_text(node) or "national-leader-phone-talks"
            self.error(node.line, f"related: expected a list, got {describe(node)}: write "
                                  f"`related: [{example}]`, or each item on a line of its own "
                                  "after '- '")
            return ()
        out: list[RelatedItem] = []
        for item in node.items:
            if isinstance(item, YScalar):
                text = self.text(item, "related")
                if text is None:
                    continue
                if _SCHEME_RE.match(text) or text.startswith("//"):
                    if self.url_ok(text, item.line, "related"):
                        out.append(RelatedItem(ref=None, url=text, title=None, line=item.line))
                else:
                    out.append(RelatedItem(ref=text, url=None, title=None, line=item.line))
                continue
            if not isinstance(item, YMap):
                self.error(item.line, f"related: expected a reference or "
                                      f"{{ref|url, title}}, got {describe(item)}")
                continue
            self.unknown(item, RELATED_KEYS, "related")
            ref_node, url_node, title_node = item.get("ref"), item.get("url"), item.get("title")
            title = self.text(title_node, "related.title") if title_node is not None else None
            if ref_node is not None and url_node is not None:
                self.error(item.line, "related: give either 'ref' or 'url', not both")
            elif ref_node is not None:
                ref = self.text(ref_node, "related.ref")
                if ref is not None and (_SCHEME_RE.match(ref) or ref.startswith("//")):
                    self.error(ref_node.line, "related.ref: a reference names an article; "
                                              "use 'url' for a web address")
                elif ref is not None:
                    out.append(RelatedItem(ref=ref, url=None, title=title, line=item.line))
            elif url_node is not None:
                url = self.text(url_node, "related.url")
                if url is not None and not _SCHEME_RE.match(url):
                    self.error(url_node.line, f"related.url: '{url}' is not an http(s) URL")
                elif url is not None and self.url_ok(url, url_node.line, "related.url"):
                    if title is None:
                        self.error(item.line, "related: an external link needs a 'title'")
                    else:
                        out.append(RelatedItem(ref=None, url=url, title=title, line=item.line))
            else:
                self.error(item.line, "related: each item needs 'ref' (an article) or "
                                      "'url' (a web page)")
        return tuple(out)

    def unknown(self, node: YMap, known: tuple[str, ...], name: str) -> None:
        for key, _ in node.items:
            if key.text not in known:
                hint = did_you_mean(key.text, known)
                self.error(key.line, f"{name}: unknown key '{key.text}'{hint}")
