"""Reading front matter fields one by one: text, lists, times, URLs, images, related
items and old paths, each problem reported on its line (`FieldReader`); the article as a
whole is newsgen.parse.validate's."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import unquote, urlsplit

from newsgen.errors import Reporter, did_you_mean
from newsgen.model.config import Config
from newsgen.model.content import Image, RelatedItem, alias_path, host_problem, split_url
from newsgen.parse.config_values import NAME_MAX, check_language_code, country_languages
from newsgen.parse.dates import MAX_YEAR, MIN_YEAR, parse_moment
from newsgen.parse.readings import path_facts
from newsgen.parse.slugs import slugify
from newsgen.parse.yamlhelp import comment_hint, cut_by_comment, dash_fix, misaligned_items
from newsgen.parse.yamltree import YMap, YNode, YScalar, YSeq, as_text, describe

_PORTS = {"http": 80, "https": 443}


def _port(scheme: str, port: int | None) -> int | None:
    """A URL's port, None for its scheme's own: `http:` and `https:` alike are this site
    (a site answers both), another port is not."""
    return None if port == _PORTS.get(scheme.lower()) else port
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
# Fields of words, where a `#` belongs to the text (`Ferry #2`); in a name, a path or a
# code (`section: General #desk`, `lang: en #english`) it can only start a comment.
_PROSE = frozenset({"title", "summary", "image.alt", "image.caption", "image.credit",
                    "related.title"})
# Fields shown on one line (what one is called; `_ONE`: one item of a list), breaks as spaces
_ONE_LINE = {"title": "title", "related.title": "title", "tags": "tag", "categories": "category",
             "author": "name", "authors": "name", "section": "section"}
_ONE = {"tags": "tag", "authors": "author", "categories": "category", "aliases": "alias"}
# Fields that hold an article back: a name one letter off is an error, not a warning.
HOLDING = ("draft", "published", "expirydate", "expiry_date")
IMAGE_KEYS = ("src", "alt", "caption", "credit")
RELATED_KEYS = ("ref", "url", "title")

_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")


def _host(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:  # `https://[bad`
        return None


class FieldReader:
    """Reads fields of one file's front matter; every problem goes to the reporter."""

    def __init__(self, config: Config, rel: str, reporter: Reporter, text: str = "") -> None:
        self.config = config
        self.rel = rel
        self.reporter = reporter
        self.ok = True
        self.lines = text.split("\n")  # the file as written, for hints
        self.key_lines: dict[str, int] = {}  # the top-level fields' lines
        self.readings: set[str] = set()  # see Article.readings
        self.facts = path_facts(config, rel[len("content/"):])

    def at(self, node: YNode, name: str) -> int:
        """Where a problem with a whole field's value is said: the field's own line (a list
        or a mapping written under `title:` starts on the next one)."""
        if isinstance(node, YScalar):
            return node.line
        return self.key_lines.get(name, node.line)

    def raw(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def error(self, line: int | None, message: str) -> None:
        self.ok = False
        self.reporter.error(self.rel, line, message)

    def warning(self, line: int | None, message: str) -> None:
        self.reporter.warning(self.rel, line, message)

    # -- field readers -----------------------------------------------------------------

    def text(self, node: YNode, name: str, *, item: bool = False) -> str | None:
        text = as_text(node)
        if text is None or not text.strip():
            key = name.rsplit(".", 1)[-1]
            if item:  # one item of a list field (`tags:`, `authors:`)
                one = _ONE.get(key, key)
                hint = (f": put the {one} in quotes (a colon followed by a space makes a "
                        "mapping)" if isinstance(node, YMap) else
                        f": write one {one}, in quotes if it holds commas or brackets"
                        if isinstance(node, YSeq) else "")
                self.error(node.line, f"{name}: expected text, got {describe(node)}{hint}")
                return None
            if isinstance(node, YMap):
                hint = (f": write the {key} on the same line as '{key}:' (lines indented "
                        "under a key make a mapping)")
            elif isinstance(node, YSeq):
                hint = f": write one {key}, in quotes if it holds commas or brackets"
            else:
                hint = comment_hint(key, self.raw(node.line)) or (
                    f": write the {key} after '{key}:'")
            self.error(self.at(node, name),
                       f"{name}: expected text, got {describe(node)}{hint}")
            return None
        if name in _PROSE and isinstance(node, YScalar) and node.plain and "#" in self.raw(
                node.line):
            cut = cut_by_comment(name.rsplit(".", 1)[-1], text, self.raw(node.line))
            if cut is not None:
                self.error(node.line, f"{name}: {cut}")
                return None
        if name in _ONE_LINE and len(lines := text.strip().splitlines()) > 1:  # (`title: |`)
            self.warning(node.line, f"{name}: its lines are joined with spaces, as a "
                                    f"{_ONE_LINE[name]} is shown on one line (in tabs, feeds "
                                    "and search results); write it on one line")
            return " ".join(line.strip() for line in lines if line.strip())
        return text.strip()

    def text_list(self, node: YNode, name: str, *, commas: bool = False,
                  named: bool = False) -> tuple[str, ...]:
        """A list of text, or one text. `commas`: one text holds several, comma-separated
        (`tags: "energy, gas"`, as Hugo and Jekyll sites write them). `named`: an item may
        be a mapping with a `name` (an author object: `{name: Ann Lee, url: …}`)."""
        items: list[YNode]
        if self.undashed(node):
            return ()
        if isinstance(node, YMap) and not (named and node.get("name") is not None):
            self.error(self.at(node, name), (
                f"{name}: an author written as a mapping needs its `name:` (`{name}: {{name: "
                f"Ann Lee, url: …}}`), or write the names: `{name}: [Ann Lee, Aman Orazov]`")
                if named else f"{name}: expected a list of text, like `{name}: [energy, "
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
            if named and isinstance(item, YMap):
                inner = item.get("name")
                if inner is None:
                    self.error(item.line, f"{name}: an author written as a mapping needs its "
                                          "`name:` (`- name: Ann Lee`, then `url:` …)")
                    continue
                item = inner
            text = self.text(item, name, item=node is not item)
            if text is None or self.folded(item, text):
                continue
            if commas and "," in text and isinstance(item, YScalar):
                self.readings.add("comma-tags")
            for part in (text.split(",") if commas and isinstance(item, YScalar) else [text]):
                part = part.strip()
                if part and part not in out:
                    out.append(part)
        return tuple(out)

    def moment(self, node: YNode, name: str) -> tuple[datetime | None, bool]:
        """The time, and whether a time of day was written (not just a date)."""
        text = as_text(node)
        if text is None:
            self.error(self.at(node, name), f"{name}: expected a date like 2024-12-18 or "
                                            f"2024-12-18 10:30, got {describe(node)}")
            return None, False
        value, time_given = parse_moment(text.strip(), self.config.tz)
        if value is None:
            year = int(y[1]) if (y := re.match(r"\s*(\d{4})-\d", text)) else MIN_YEAR
            self.error(node.line, f"{name}: '{text.strip()}' " + (
                "is not a date (write 2024-12-18 or 2024-12-18 10:30)" if MIN_YEAR <= year
                <= MAX_YEAR else f"has a year outside {MIN_YEAR} to {MAX_YEAR}: a typo?"))
        elif value.tzinfo is self.config.tz:  # a local time: one the clocks skip?
            real = value.astimezone(UTC).astimezone(self.config.tz)
            if real.replace(tzinfo=None) != value.replace(tzinfo=None):
                if time_given:  # (a day alone: its first moment, said by nobody)
                    self.warning(node.line, f"{name}: {value:%Y-%m-%d %H:%M} does not exist "
                                            f"in {self.config.timezone} (the clocks move "
                                            f"forward then); read as {real:%H:%M}")
                value = real
        return value, time_given

    def odd_suffix(self, suffix: str, lang: str, slug: str | None) -> None:
        """`visit.tm.md`, `visit.de.md`: a name that ends like a language code the site
        does not have is published in `lang` under a slug with the code in it."""
        codes = [c.code for c in self.config.languages]
        stem = self.rel.rsplit("/", 1)[-1].split(".")[0]
        said = f"'.{suffix}' in the file name is not one of the site's languages " \
               f"({', '.join(codes)}), so the article is in {lang}" + (
                   "" if slug else f" and its slug is '{slugify(f'{stem}-{suffix}')}'")
        if check_language_code(suffix) is None:
            self.warning(None, f"{said}; add {suffix} under languages: in newsgen.yaml, or "
                               "rename the file")
        elif meant := [c for c in country_languages(suffix) if c in codes]:
            self.warning(None, f"{said}; '{suffix}' is a country code: did you mean "
                               f"'{meant[0]}' ({stem}.{meant[0]}.md)?")

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
        if match and not _host(url):
            self.error(line, f"{name}: '{url}' names no host: write the whole address, "
                             "like https://example.org/page")
            return False
        problem = match and ("contains spaces or characters not allowed in a URL" if any(
            c in url for c in ' "<>\x00\n\t') else host_problem(urlsplit(url)))
        if problem:
            self.error(line, f"{name}: '{url}' {problem}")
        return not problem

    # -- the article -------------------------------------------------------------------

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
        # each item's line (a problem of one alias is said on it; `alias_lines`: the paths')
        at: dict[str, int] = {}
        for one in node.items if isinstance(node, YSeq) else ():
            if isinstance(one, YScalar):
                at.setdefault(one.text.strip(), one.line)
        self.alias_lines: dict[str, int] = {}
        for item in self.text_list(node, "aliases"):
            path = alias_path(self.from_root(item))
            line = at.get(item, node.line)
            if path is None:  # left out; the article is linked all the same, so that the
                # other aliases' clashes are said in this run too (the build fails either way)
                self.reporter.error(self.rel, line, f"aliases: '{item}' is not a path on "
                                    "this site: write it from the site's root, like "
                                    "/2019/05/old-title/")
            elif any(len(part.encode("utf-8")) > NAME_MAX for part in path.split("/")):
                self.reporter.error(self.rel, line, f"aliases: '{item}' has a part "
                                    f"between slashes longer than {NAME_MAX} bytes, more than "
                                    "a folder's name may be on disk")
            elif path not in out:
                out.append(path)
                self.alias_lines[path] = line
        return tuple(out)

    def from_root(self, url: str) -> str:
        """An alias written as a full URL of this site (newsgen.yaml's `base_url`, under a
        base path: `https://x.org/news/old/`): its path from the site's root (`/old/`),
        as every other alias is written; the output is served at the base path."""
        parts, base = split_url(url.strip()), split_url(self.config.published_base_url)
        try:
            if (parts is None or base is None or parts.scheme.lower() not in ("http", "https")
                    or not parts.hostname or parts.hostname != (base.hostname or "").lower()
                    or _port(parts.scheme, parts.port) != _port(base.scheme, base.port)):
                return url
        except ValueError:  # a port that is no number
            return url
        base_parts = [unquote(p) for p in base.path.split("/") if p]
        raw = [p for p in parts.path.split("/") if p]  # (as written: alias_path unquotes)
        if not base_parts or [unquote(p) for p in raw[:len(base_parts)]] != base_parts:
            return url
        rest = "/".join(raw[len(base_parts):])
        return "/" + rest + ("/" if rest and parts.path.endswith("/") else "")

    def image(self, node: YNode) -> Image | None:
        if isinstance(node, YScalar):
            src = self.text(node, "image")
            if src is None or not self.url_ok(src, node.line, "image"):
                return None
            return Image(src=src, line=node.line)
        if not isinstance(node, YMap):
            self.error(self.at(node, "image"), f"image: expected a path, a URL or {{src, "
                                               f"alt, caption, credit}}, got {describe(node)}")
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
        if "alt" in extra and extra["alt"] is None:  # written, and its error said: the
            extra["alt"] = ""  # build fails, without a "no 'alt' text" warning beside it
        return Image(src=src, line=src_node.line, **extra)

    def undashed(self, node: YNode) -> bool:
        """`tags:` with `  -energy` under it: YAML reads a line whose dash has no space
        after it as text (with the next items folded in), not a list: an error, said."""
        if not (isinstance(node, YScalar) and node.plain):
            return False
        stripped = self.raw(node.line).strip()
        if len(stripped) < 2 or stripped[0] != "-" or stripped[1].isspace():
            return False
        self.error(node.line, dash_fix(stripped))
        return True

    def folded(self, item: YNode, text: str) -> bool:
        """`  - energy` over `   - gas`: indented deeper, the second item is read as more
        words of the first ("energy - gas"): an error on its line, said."""
        if not (isinstance(item, YScalar) and item.plain and " - " in text):
            return False
        here = self.raw(item.line)
        after = self.raw(item.line + 1)
        if text in here or not after.lstrip().startswith("- "):
            return False
        self.error(item.line + 1, misaligned_items(len(after) - len(after.lstrip()),
                                                   len(here) - len(here.lstrip())))
        return True

    def related(self, node: YNode) -> tuple[RelatedItem, ...]:
        if isinstance(node, YScalar) and node.is_null:
            return ()
        if self.undashed(node):
            return ()
        if not isinstance(node, YSeq):
            example = as_text(node) or "national-leader-phone-talks"
            self.error(self.at(node, "related"),
                       f"related: expected a list, got {describe(node)}: write "
                       f"`related: [{example}]`, or each item on a line of its own after '- '")
            return ()
        out: list[RelatedItem] = []
        for item in node.items:
            if isinstance(item, YScalar):
                text = self.text(item, "related")
                if text is None or self.folded(item, text):
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
