"""A Hugo site, read as Hugo reads it: its configuration (`hugo.toml`, `config.toml`,
YAML or JSON, or `config/_default/`), its languages, its `[permalinks]`, and the regular
pages of `content/` (page bundles with their files, `.ru.md` translations)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from newsgen.errors import count
from newsgen.migrate import urls
from newsgen.migrate.common import (
    UNREADABLE,
    Notes,
    Plan,
    Post,
    is_markdown,
    read_moment,
    read_source,
    scalar_text,
    strip_markdown_suffix,
    walk,
)
from newsgen.migrate.fields import lift_params, newsgen_fields, plain
from newsgen.migrate.hugo_files import (
    CONFIG_NAMES,
    asset_images,
    bundle_files,
    feed_moves,
    own_shortcodes,
    read_config,
    table,
    theme_static,
    themes_dir,
)
from newsgen.parse.config_values import check_language_code
from newsgen.parse.slugs import slugify
from newsgen.parse.zones import check_timezone

DATE_KEYS = ("date", "publishdate", "pubdate", "published", "lastmod", "modified")
THEME_DIRS = ("layouts", "archetypes", "assets", "data", "i18n", "resources")  # and themes
_TOKENS = {"year": "{year}", "month": "{month}", "day": "{day}", "section": "{section}",
           "sectionslug": "{section}", "slugorcontentbasename": "{slug}",
           "slugorfilename": "{slug}", "contentbasename": "{slug}", "filename": "{slug}",
           "slug": "{slug}", "title": "{slug}"}


class HugoSite:
    def __init__(self, src: Path, notes: Notes) -> None:
        self.src = src
        self.notes = notes
        self.config = read_config(src, notes)
        c = self.config
        zone = scalar_text(c.get("timezone"))
        if zone and (problem := check_timezone(zone)):
            notes.warn("config", None, "config", f"timeZone: {problem}; times are read as "
                       "UTC")
            zone = None
        self.timezone = zone
        self.tz = ZoneInfo(zone or "UTC")
        self.default = str(c.get("defaultcontentlanguage") or "en").lower()
        self.in_subdir = c.get("defaultcontentlanguageinsubdir") is True
        self.lower = c.get("disablepathtolower") is not True
        raw = table(c.get("languages"))
        self.languages: dict[str, dict[str, Any]] = {
            str(k).lower(): v if isinstance(v, dict) else {} for k, v in raw.items()
            if not (isinstance(v, dict) and v.get("disabled") is True)}
        self.languages.setdefault(self.default, {})
        # each language a site of its own, its aliases in its folder (its site root)
        self.multihost = len(self.languages) > 1 and any(
            "baseurl" in settings for settings in self.languages.values())
        self.content_dir = str(c.get("contentdir") or "content").strip("/")
        self.sections_with_index: set[tuple[str, str]] = set()
        self.section_titles: dict[str, dict[str, str]] = {}
        self.list_pages: list[str] = []
        self.unread: Counter[str] = Counter()  # posts found that cannot be imported: why
        self.undated: list[str] = []  # pages without a date: not news, not imported

    # -- configuration -------------------------------------------------------------------

    def prefix(self, lang: str) -> str:
        return lang if lang != self.default or self.in_subdir else ""

    def pattern(self, lang: str, sections: tuple[str, ...]) -> str | None:
        """The `[permalinks]` pattern of a regular page of `sections`, in `lang`."""
        for given in (self.languages.get(lang, {}).get("permalinks"),
                      self.config.get("permalinks")):
            if isinstance(given, dict):
                pages = table(given.get("page")) or given
                for key in ("/".join(sections), sections[0] if sections else ""):
                    value = pages.get(key.lower())
                    if isinstance(value, str):
                        return value
        return None

    def ugly(self, section: str) -> bool:
        value = self.config.get("uglyurls")
        if isinstance(value, dict):
            return value.get(section.lower()) is True
        return value is True

    # -- content -------------------------------------------------------------------------

    def roots(self) -> list[tuple[Path, str | None]]:
        """The content folders, with the language each one is for (None: by file name)."""
        out: list[tuple[Path, str | None]] = []
        for code, settings in sorted(self.languages.items()):
            folder = scalar_text(settings.get("contentdir"))
            if folder:
                out.append((self.src / folder.strip("/"), code))
        if not any(code == self.default for _, code in out):
            out.insert(0, (self.src / self.content_dir, None))
        return out

    def split_lang(self, name: str, fixed: str | None) -> tuple[str, str]:
        """(file name without language and extension, language)."""
        stem = strip_markdown_suffix(name).removesuffix(".html")
        base, dot, code = stem.rpartition(".")
        if dot and base and code.lower() in self.languages and fixed is None:
            return base, code.lower()
        return stem, fixed or self.default

    def plan(self) -> Plan:
        posts: list[Post] = []
        copies: list[tuple[Path, str]] = []
        skipped: Counter[str] = Counter()
        roots = self.roots()
        placed: list[tuple[str, str | None]] = []  # bundles: (folder in the new site, old URL)
        for root, fixed in roots:
            into = "content/" + (f"{fixed}/" if fixed and len(roots) > 1 else "")
            # a file beside the pages: where Hugo served it, below the language's prefix
            # (none for the default language, unless in a folder of its own)
            near = into if fixed is None or self.prefix(fixed) else "content/"
            inner = [r for r, _ in roots if r != root and r.is_relative_to(root)]
            files = [(p, rel) for p, rel in walk(root)
                     if not any(p.is_relative_to(r) for r in inner)]
            rels = {rel for _, rel in files}
            bundles = {rel.rpartition("/")[0] for rel in rels
                       if rel.rpartition("/")[2].split(".")[0] == "index" and is_markdown(rel)}
            for rel in rels:
                if rel.rpartition("/")[2].split(".")[0] == "_index" and is_markdown(rel):
                    self.sections_with_index.add((rel.rpartition("/")[0], fixed or ""))
            for path, rel in files:
                parts = rel.split("/")
                if any(p.startswith(".") for p in parts):
                    continue
                folder = rel.rpartition("/")[0]
                in_bundle = any(folder == b or folder.startswith(b + "/") for b in bundles)
                is_index = parts[-1].split(".")[0] == "index"
                if not (is_markdown(rel) or rel.endswith(".html")):
                    if any(p.startswith("_") for p in parts):
                        skipped["files newsgen ignores (a name starting with _)"] += 1
                    else:
                        copies.append((path, near + rel))
                    continue
                if parts[-1].split(".")[0] == "_index":
                    self.list_page(path, root, rel, fixed)
                    skipped["list pages (_index.md)"] += 1
                elif in_bundle and not (is_index and folder in bundles):
                    skipped["Markdown files inside page bundles (resources)"] += 1
                elif len(parts) == 1 or (len(parts) == 2 and is_index):
                    skipped["pages outside sections (about, contact)"] += 1
                else:
                    unread = self.unread.total()
                    post = self.post(path, root, rel, fixed, into, bundle=is_index)
                    if post is None and self.unread.total() == unread:
                        skipped["pages without a date, or not rendered"] += 1
                    elif post is not None:
                        posts.append(post)
                        if is_index:
                            placed.append((into + folder, post.old_url))
        if self.list_pages:
            n = len(self.list_pages)
            self.notes.warn(self.list_pages[0], None, "list page", f"{n} list page"
                            f"{'s' if n > 1 else ''} (_index.md) not imported: newsgen makes "
                            "the home and section pages itself (their titles name sections)")
        if self.undated:
            n = len(self.undated)
            self.notes.warn(self.undated[0], None, "no date", f"{n} page"
                            f"{'s' if n > 1 else ''} without a date (date, publishDate, "
                            "lastmod) not imported: newsgen's articles have dates")
        if beside := bundle_files(placed, copies):
            self.notes.warn(beside[0][0].relative_to(self.src).as_posix(), None, "bundle files",
                            f"{count(len(beside), 'page bundle file')} copied to static/ at "
                            "the old URL beside the page as well (Hugo served them there; "
                            "newsgen serves them at their content path)")
            copies += beside
        self.feeds(posts)
        static = scalar_text(self.config.get("staticdir")) or "static"
        copies += [(path, f"static/{rel}") for path, rel in walk(self.src / static)]
        copies += (themed := theme_static(self.src, self.config, copies))
        if theme := sum(1 for name in (*THEME_DIRS, themes_dir(self.config))
                        for _ in walk(self.src / name)) - len(themed):
            skipped["theme files (layouts, themes, assets, data)"] += theme
        copies += asset_images(self.src, copies)
        return self.build_plan(posts, copies, skipped)

    def feeds(self, posts: list[Post]) -> None:
        """Said once: Hugo's feeds are `index.xml`, newsgen's `feed.xml`; a redirect page
        cannot send a feed reader on, the server must."""
        kinds = self.config.get("disablekinds")
        off = {str(k).lower() for k in kinds} if isinstance(kinds, list) else set()
        outputs = {str(k).lower(): v for k, v in table(self.config.get("outputs")).items()}

        def rss(kind: str) -> bool:  # Hugo wrote this kind of page's feed
            formats = outputs.get(kind)
            return kind not in off and (not isinstance(formats, list) or "rss" in [
                str(f).lower() for f in formats])
        wrote = frozenset(k for k, kinds_of in (("home", ("home",)), ("section", ("section",)),
                                                ("tags", ("term", "taxonomy")))
                          if any(rss(kind) for kind in kinds_of))
        if not posts or "rss" in off or not wrote:
            return
        sections = sorted({slugify(p.section) for p in posts})
        others = sorted({p.lang for p in posts} - {self.default})
        where = next((n for n in (*CONFIG_NAMES, "config/_default")
                      if (self.src / n).exists()), "config")
        # `[outputFormats.RSS] baseName = "feed"` names them otherwise
        name = scalar_text(table(table(self.config.get("outputformats")).get("rss")).get(
            "basename")) or "index"
        moves = feed_moves(name, self.default, others, self.in_subdir,
                           sections[0] if sections else "posts", wrote)
        if moves:
            self.notes.warn(where, None, "feeds", "Hugo's feeds: newsgen writes none at "
                            "these old URLs, and a redirect page cannot move a feed reader, "
                            "so add a permanent (301) redirect on the server from each to "
                            f"newsgen's feed: {moves}")

    def list_page(self, path: Path, root: Path, rel: str, fixed: str | None) -> None:
        """A section's `_index.md`: its title names the section."""
        shown = (root.relative_to(self.src) / rel).as_posix()
        self.list_pages.append(shown)
        source = read_source(path, shown, self.notes, required=False, blank_first=True)
        folder = rel.rpartition("/")[0]
        _, lang = self.split_lang(rel.rpartition("/")[2], fixed)
        title = scalar_text(source.get("title")) if source else None
        if title and folder and "/" not in folder:
            self.section_titles.setdefault(slugify(folder), {})[lang] = title

    def post(self, path: Path, root: Path, rel: str, fixed: str | None, into: str, *,
             bundle: bool) -> Post | None:
        shown = (root.relative_to(self.src) / rel).as_posix()
        source = read_source(path, shown, self.notes, blank_first=True)
        if source is None:
            self.unread[UNREADABLE] += 1
            return None
        lift_params(source)
        build = source.get("_build") or source.get("build") or {}
        if source.get("headless") is True or (isinstance(build, dict) and str(
                build.get("render", "")).lower() in ("never", "false")):
            return None
        parts = rel.split("/")
        name, lang = self.split_lang(parts[-1], fixed)
        folder = "/".join(parts[:-1])
        base = parts[-2] if bundle else name
        container = "/".join(parts[:-2] if bundle else parts[:-1])
        moment = None
        for key in DATE_KEYS:
            if (value := source.get(key)) is not None:
                moment = read_moment(value, self.tz)
                if moment is None:
                    self.notes.warn(shown, source.line(key), "date", f"not imported: {key}: "
                                    f"'{value}' is not a date the importer reads")
                    self.unread["whose date cannot be read (warned)"] += 1
                    return None
                break
        if moment is None:
            self.undated.append(shown)
            return None
        later = read_moment(source.get("publishdate"), self.tz) if key == "date" else None
        if later is not None and later.instant > moment.instant:
            self.notes.warn(shown, source.line("publishdate"), "publishDate", f"publishDate "
                            f"{later.instant:%Y-%m-%d %H:%M} is after the date: Hugo left the post "
                            "out until then, newsgen publishes it at its date (to embargo "
                            "it, give it a later date:, which also moves its URL's date)")
        chain = [parts[0]]
        for i in range(2, len(parts) - (1 if bundle else 0)):
            if ("/".join(parts[:i]), fixed or "") in self.sections_with_index:
                chain.append(parts[i - 1])
        title = scalar_text(source.get("title")) or base.replace("-", " ").capitalize()
        slug = scalar_text(source.get("slug"))
        page = urls.HugoPage(path=rel, name=name, base=base, container=container,
                             sections=tuple(chain), title=title, slug=slug,
                             url=scalar_text(source.get("url")), when=moment.instant,
                             lang_prefix=self.prefix(lang))
        old_url = urls.hugo_url(page, self.pattern(lang, tuple(chain)), lower=self.lower,
                                ugly=self.ugly(parts[0]))
        if old_url is None:
            self.notes.warn(shown, None, "permalink", "the section's permalink pattern has a "
                            "token the importer does not know; no redirect from the old URL")
        aliases: list[str] = []
        beside: list[str] = []  # the relative aliases, beside the page's own URL
        ugly_aliases = self.config.get("uglyurls") is True
        for alias in (source.get("aliases") if isinstance(source.get("aliases"), list)
                      else [source.get("aliases")] if source.get("aliases") else []):
            if isinstance(alias, dict | list):
                self.notes.warn(shown, source.line("aliases"), "old URL", f"alias {alias} is "
                                "not a path: left out")
                continue
            text = str(alias).strip()
            found = urls.hugo_alias(text, old_url, page, ugly=ugly_aliases,
                                    multihost=self.multihost)
            aliases += found
            beside += found if not text.startswith("/") else []
        if self.in_subdir and len(self.languages) == 1 and old_url and page.lang_prefix:
            # One language in its folder: Hugo put it there from 0.115 on, at the root
            # before; a site last built before that served the root: both keep working
            # (the page's URL and the aliases beside it; an absolute alias is at both).
            lead = f"/{page.lang_prefix}"
            aliases += [url[len(lead):] for url in (old_url, *beside)
                        if url.startswith(lead + "/")]
        given_key = scalar_text(source.get("translationkey"))
        suffixed = strip_markdown_suffix(parts[-1]).removesuffix(".html") != name
        new_rel = f"{folder}/{name}.{lang}.md" if suffixed else f"{folder}/{name}.md"
        return Post(
            source=source, title=title, lang=lang, section=parts[0], moment=moment,
            old_url=old_url, name=slug or _last(old_url) or (base if bundle else name),
            new_path=into + new_rel.lstrip("/"),
            fields=newsgen_fields(source, "hugo", None, self.tz, self.notes),
            group=given_key or f"{folder}/{'' if bundle else name}".rstrip("/"),
            extra_aliases=aliases)

    def build_plan(self, posts: list[Post], copies: list[tuple[Path, str]],
                   skipped: Counter[str]) -> Plan:
        c = self.config
        params = table(c.get("params"))
        own = self.languages.get(self.default, {})
        title = (scalar_text(c.get("title")) or scalar_text(own.get("title"))
                 or scalar_text(table(own.get("params")).get("title")) or "News")
        codes = sorted({p.lang for p in posts} - {self.default})
        languages = {}
        for code in codes:
            settings = self.languages.get(code, {})
            lang_params = table(settings.get("params"))
            entry = {"title": scalar_text(settings.get("title"))
                     or scalar_text(lang_params.get("title")) or title}
            if (d := scalar_text(lang_params.get("description")) or scalar_text(
                    settings.get("description"))) is not None:
                entry["description"] = plain(d)
            languages[code] = entry
        patterns: list[str] = []
        for post in posts:
            raw = self.pattern(post.lang, (post.section,))
            translated = translate(raw) if raw else "/{section}/{slug}/"
            if translated and translated not in patterns:
                patterns.append(translated)
        sections: dict[str, dict[str, str]] = {}
        for post in sorted(posts, key=lambda p: p.source.rel):
            titles = self.section_titles.get(slugify(post.section), {})
            sections.setdefault(slugify(post.section), {}).setdefault(
                post.lang, titles.get(post.lang) or titles.get(self.default)
                or post.section.replace("-", " ").replace("_", " ").capitalize())
        language = self.default if check_language_code(self.default) is None else "en"
        return Plan(
            title=title, description=plain(
                scalar_text(params.get("description")) or scalar_text(c.get("description"))
                or scalar_text(table(own.get("params")).get("description"))
                or scalar_text(own.get("description")) or ""),
            base_url=scalar_text(c.get("baseurl")), language=language, languages=languages,
            timezone=self.timezone, tz=self.tz, default_prefix=self.in_subdir,
            patterns=patterns, posts=posts, section_titles=sections, copies=copies,
            site_vars=c, skipped=skipped, unread=self.unread,
            shortcodes=own_shortcodes(self.src, c))


def _last(url: str | None) -> str | None:
    """The old URL's last segment (its slug by Hugo's rules: the title's), or None."""
    last = (url or "").rstrip("/").rpartition("/")[2].removesuffix(".html")
    return last or None


def translate(pattern: str) -> str | None:
    """A Hugo permalink pattern as a newsgen permalink, or None."""
    unknown: list[str] = []

    def one(match: re.Match[str]) -> str:
        value = _TOKENS.get(match.group(1)) if not match.group(2) else None
        if value is None:
            unknown.append(match.group(0))
        return value or ""

    out = re.sub(r":(\w+)(\[.*?\])?", one, pattern)
    return None if unknown or out.count("{slug}") != 1 else out
