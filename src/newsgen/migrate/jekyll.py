"""A Jekyll site, read as Jekyll reads it: `_config.yml`, posts in every `_posts` folder
(`_posts/`, `en/news/_posts/`), drafts in `_drafts/`, data in `_data/`, and the files it
copies as they are."""

from __future__ import annotations

import csv
import fnmatch
import re
from collections import Counter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from newsgen.migrate import urls
from newsgen.migrate.common import (
    UNREADABLE,
    ConfigBroken,
    DataError,
    ImportRefused,
    Notes,
    Plan,
    Post,
    Source,
    is_markdown,
    load_data,
    read_moment,
    read_source,
    scalar_text,
    walk,
)
from newsgen.migrate.fields import newsgen_fields, plain
from newsgen.migrate.jekyll_config import base_path, base_url, feed_note, host
from newsgen.migrate.jekyll_languages import (
    default_language,
    language_first,
    past_language,
    spellings,
)
from newsgen.parse.config_values import check_language_code, language_tag
from newsgen.parse.slugs import slugify
from newsgen.parse.zones import check_timezone

CONFIG_NAMES = ("_config.yml", "_config.yaml", "_config.toml")  # Jekyll's, in its order
DATED = re.compile(r"(\d{2,4}-\d{1,2}-\d{1,2})-(.*)\Z")
DEFAULT_EXCLUDES = ("Gemfile", "Gemfile.lock", "node_modules", "vendor", "gemfiles",
                    ".sass-cache", ".jekyll-cache", ".jekyll-metadata", "_site")
_CODE = re.compile(r"[a-z]{2,3}(?:[_-][A-Za-z]{2}|[_-][A-Za-z]{4})?\Z")
# Files newsgen writes itself, or that only a server or a host reads: not copied.
_NOT_COPIED = {"index.html", "404.html", "feed.xml", "atom.xml", "sitemap.xml",
               "robots.txt", "CNAME", "_headers", "_redirects"}
_ASSET = re.compile(r"\.(png|jpe?g|gif|webp|avif|svg|ico|bmp|tiff?|pdf|zip|gz|mp[34]|webm|"
                    r"ogg|wav|woff2?|ttf|otf|eot|css|js|txt|asc|json|xml)\Z", re.I)
_POST_KEYS = ("permalink", "category", "categories", "lang", "author", "tags", "published",
              "slug")  # front matter defaults that shape a post (not its look)


def has_front_matter(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(5)
    except OSError:
        return False
    return head.lstrip(b"\xef\xbb\xbf").startswith(b"---")


class JekyllSite:
    def __init__(self, src: Path, notes: Notes) -> None:
        self.src = src
        self.notes = notes
        # the first of these that exists, as Jekyll looks for them
        config_path = next((src / name for name in CONFIG_NAMES if (src / name).is_file()),
                           src / CONFIG_NAMES[0])
        self.config: dict[str, Any] = {}
        if config_path.is_file():
            try:
                loaded = load_data(config_path)
            except DataError as exc:
                raise ConfigBroken(config_path.name, exc.line, exc.message) from None
            except OSError as exc:
                raise ConfigBroken(config_path.name, None,
                                   f"cannot be read: {exc.strerror}") from None
            self.config = loaded if isinstance(loaded, dict) else {}
        elif not any((src / d).is_dir() for d in ("_posts", "_layouts")):
            raise ImportRefused(f"{src} has neither _config.yml (.yaml, .toml) nor _posts/: no "
                                 "Jekyll site")
        self.source_folder(config_path.name)
        if config_path.is_file():
            feed_note(self.config, config_path, notes)
        zone = scalar_text(self.config.get("timezone"))
        if zone and (problem := check_timezone(zone)):
            notes.warn(config_path.name, None, "config", f"timezone: {problem}; times are "
                       "read as UTC")
            zone = None
        self.timezone = zone
        self.tz = ZoneInfo(zone or "UTC")
        excluded = self.config.get("exclude")
        self.exclude = {*DEFAULT_EXCLUDES, *(str(e).strip("/") for e in excluded or [])
                        } if isinstance(excluded, list | type(None)) else set(DEFAULT_EXCLUDES)
        collections = self.config.get("collections")
        self.collections = collections if isinstance(collections, dict) else {}
        self.patterns = [p for p in self.exclude if any(c in p for c in "*?[")]
        self.data: dict[str, Any] = {}
        self.uncategorized: list[str] = []  # posts without a category: section "news"
        self.spelled: dict[str, str] = {}  # a language's code as the posts most write it
        self.declared = self.declared_languages()
        self.unread: Counter[str] = Counter()  # posts found that cannot be imported: why

    # -- the site ------------------------------------------------------------------------

    def source_folder(self, config_name: str) -> None:
        """`source:`, a folder of the site: Jekyll reads posts, pages and files there."""
        given = (scalar_text(self.config.get("source")) or "").strip("/")
        folder = (self.src / given).resolve()
        if given in ("", "."):
            return
        if folder.is_dir() and folder.is_relative_to(self.src.resolve()):
            self.src = folder
            why = f"source: {given}: the site is read there, and the paths below are in it"
        else:
            why = (f"source: '{given}' is no folder of the old site (made by a build step?): "
                   "the site's own folder is read, its folders above _posts taken as "
                   "categories; import the folder the build step reads, or make it first")
        self.notes.warn(config_name, None, "config", why)

    def declared_languages(self) -> list[str]:
        """Languages the site names: `languages` in _config.yml, or `_data/languages`."""
        found: list[str] = []
        given = self.config.get("languages")
        for path in sorted((self.src / "_data").glob("languages.*")):
            try:
                given = given or load_data(path)
            except (ValueError, OSError):
                continue
        items = given if isinstance(given, list) else list(given or {})
        for item in items:
            code = item.get("code") if isinstance(item, dict) else item
            if isinstance(code, str) and code not in found:
                found.append(code)
        return found

    def excluded(self, rel: str) -> bool:
        """Left out by `exclude` (names, paths or glob patterns, as Jekyll reads them)."""
        parts = rel.split("/")
        heads = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
        return any(h in self.exclude or any(fnmatch.fnmatchcase(h, pattern)
                                            for pattern in self.patterns) for h in heads)

    def load_data_folder(self) -> dict[str, Any]:
        """`site.data`: every file of `_data/` by its path (`site.data.releases`)."""
        out: dict[str, Any] = {}
        for path, rel in walk(self.src / "_data"):
            stem, _, suffix = rel.rpartition(".")
            try:
                if suffix in ("yml", "yaml", "json"):
                    value = load_data(path)
                elif suffix in ("csv", "tsv"):
                    with path.open(encoding="utf-8", newline="") as fh:
                        value = list(csv.DictReader(fh, delimiter="," if suffix == "csv"
                                                    else "\t"))
                else:
                    continue
            except (DataError, ValueError, OSError) as exc:
                self.notes.warn(f"_data/{rel}", getattr(exc, "line", None), "data file",
                                f"not read: {exc}")
                continue
            target = out
            *folders, name = stem.split("/")
            for folder in folders:
                target = target.setdefault(folder, {})
            target[name] = value
        return out

    def plan(self) -> Plan:
        posts: list[tuple[Source, list[str], bool]] = []
        copies: list[tuple[Path, str]] = []
        skipped: Counter[str] = Counter()
        for path, rel in walk(self.src):
            parts = rel.split("/")
            if self.excluded(rel) or any(p.startswith(".") for p in parts):
                continue
            special = next((p for p in parts[:-1] if p.startswith("_")), None)
            if special in ("_posts", "_drafts"):
                if not (is_markdown(rel) or rel.endswith(".html")):
                    skipped["files beside posts (not copied)"] += 1
                    continue
                above = parts[:parts.index(special)]
                source = read_source(path, rel, self.notes)
                if source is not None:
                    posts.append((source, above, special == "_drafts"))
                else:
                    self.unread[UNREADABLE] += 1
                continue
            if special is not None or parts[-1].startswith("_"):
                label = special.lstrip("_") if special else ""
                if label in self.collections and is_markdown(rel):
                    skipped["documents of other collections"] += 1
                elif label not in ("data", "posts") and not rel.startswith("_config."):
                    skipped["theme files (layouts, includes, styles, plugins)"] += 1
                continue
            if has_front_matter(path):
                skipped["pages (about, index, archives)"] += 1
            elif (len(parts) == 1 and not _ASSET.search(rel)) or parts[-1] in _NOT_COPIED:
                skipped["other files of the old site"] += 1
            else:
                copies.append((path, f"static/{rel}"))
        self.data = self.load_data_folder()
        return self.build_plan(posts, copies, skipped)

    def build_plan(self, found: list[tuple[Source, list[str], bool]],
                   copies: list[tuple[Path, str]], skipped: Counter[str]) -> Plan:
        # A first folder is a language's when the site names that language (in its
        # configuration, its data, or any post's `lang`) and newsgen knows it.
        named = {language_tag(str(scalar_text(s.get("lang")))) for s, _, _ in found
                 if s.get("lang")}
        folders = {f for f in {a[0] for _, a, _ in found if a}
                   if (f in self.declared or language_tag(f) in named) and _CODE.match(f)
                   and check_language_code(f) is None}
        default = default_language(self.config, self.declared, found, folders)
        self.spelled = spellings(found, folders, self.template(None), self.defaults_for)
        posts: list[Post] = []
        multilingual = False
        for source, above, draft in found:
            post = self.post(source, above, draft, folders, default)
            if post is not None:
                posts.append(post)
            else:
                self.unread["without a date it reads (warned)"] += 1
        if self.uncategorized:
            n = len(self.uncategorized)
            self.notes.warn(self.uncategorized[0], None, "section", f"{n} post"
                            f"{'s have' if n > 1 else ' has'} no category (no folder above "
                            "_posts, no category in the front matter): imported into the "
                            "section 'news'")
        codes = sorted({p.lang for p in posts} - {default})
        multilingual = bool(codes)
        if multilingual:
            for post in posts:
                post.new_path = f"content/{post.lang}/" + post.new_path.removeprefix("content/")
        # The site's pattern, and those its posts are given (`defaults:`, their own), each
        # without the post's language when it starts with it (`/ja/:year/…`): that is the
        # language's folder, the default language's too when most of its posts have it
        # (first in their permalink, or as the folder above `_posts` that a pattern with
        # `:categories` puts first)
        given: Counter[str] = Counter()
        prefixed: Counter[bool] = Counter()  # the default language's posts: with it first?
        site_template = self.template(None)
        for p in posts:
            raw = str(p.source.get("permalink") or "")
            own = language_first(raw or site_template, p.lang)
            if raw:
                given[past_language(raw) if own else raw] += 1
            if p.lang == default:
                prefixed[own or (bool(folders) and p.source.rel.startswith(f"{default}/")
                                 and ":categories" in (raw or site_template))] += 1
        default_prefix = prefixed[True] > prefixed[False]
        if default_prefix and language_first(site_template, default):
            site_template = past_language(site_template)
        translated = [t for template in (site_template, *(
            urls.jekyll_template(raw) for raw, _ in given.most_common(5)))
            for t in (urls.jekyll_pattern(template),
                      urls.jekyll_pattern(template.replace(":categories/", ""))) if t]
        title = (scalar_text(self.config.get("title")) or scalar_text(self.config.get("name"))
                 or host(scalar_text(self.config.get("url"))) or "News")
        site = {k: v for k, v in self.config.items() if isinstance(k, str)}
        site.update({"data": self.data, "baseurl": base_path(self.config), "url": "",
                     "title": title})  # as Jekyll, where the new site will live too
        sections: dict[str, dict[str, str]] = {}
        for post in sorted(posts, key=lambda p: p.source.rel):
            sections.setdefault(slugify(post.section), {}).setdefault(
                post.lang, post.section.replace("-", " ").replace("_", " ").capitalize())
        return Plan(
            title=title, description=plain(scalar_text(self.config.get("description")) or ""),
            base_url=base_url(self.config), language=default,
            languages={c: {"title": title} for c in codes}, timezone=self.timezone,
            tz=self.tz, default_prefix=default_prefix, patterns=translated, posts=posts,
            section_titles=sections, copies=copies, site_vars=site, skipped=skipped,
            page_url=self.page_url, unread=self.unread)

    def template(self, own: Any) -> str:
        if own:
            return str(own)
        posts = self.collections.get("posts")
        if isinstance(posts, dict) and posts.get("permalink"):
            return urls.jekyll_template(posts["permalink"])
        return urls.jekyll_template(self.config.get("permalink"))

    def defaults_for(self, rel: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for item in self.config.get("defaults") or []:
            if not isinstance(item, dict) or not isinstance(item.get("values"), dict):
                continue
            scope = item.get("scope") or {}
            path = str(scope.get("path") or "").strip("/")
            kind = scope.get("type")
            if (not path or rel == path or rel.startswith(path + "/")) and kind in (
                    None, "posts", "drafts"):
                out.update({k: v for k, v in item["values"].items() if k in _POST_KEYS})
        return out

    # -- one post ------------------------------------------------------------------------

    def post(self, source: Source, above: list[str], draft: bool, folders: set[str],
             default: str) -> Post | None:
        for key, value in self.defaults_for(source.rel).items():
            source.front.setdefault(key, value)
        file_name = source.rel.rsplit("/", 1)[-1]
        base = file_name.rsplit(".", 1)[0]
        dated = DATED.match(base)
        if dated is None and not draft:  # Jekyll publishes no such post
            self.notes.warn(source.rel, None, "no date",
                            "not imported: Jekyll publishes a post only when its file "
                            "name starts with its date (2024-05-01-title.md), so the old "
                            "site had no page of it")
            return None
        slug_text = (scalar_text(source.get("slug"))
                     or (dated.group(2) if dated else base)).rstrip(".")
        moment = read_moment(source.get("date"), self.tz) if source.get("date") else None
        if moment is None and source.get("date") is not None:
            self.notes.warn(source.rel, source.line("date"), "date",
                            f"date: '{source.get('date')}' is not a date the importer reads; "
                            "the file name's date is used")
        if moment is None and dated:
            moment = read_moment(dated.group(1), self.tz)
        if moment is None:
            self.notes.warn(source.rel, source.line("date"), "no date",
                            "not imported: no date in the front matter or the file name")
            return None
        lang_folder = above[0] if above and above[0] in folders else None
        lang = (scalar_text(source.get("lang")) or lang_folder or default).lower()
        if check_language_code(lang) is not None:
            self.notes.warn(source.rel, source.line("lang"), "language",
                            f"lang: '{lang}' is not a language newsgen knows; imported as "
                            f"{lang_folder or default}")
            lang = lang_folder or default
        if lang != default:  # its folder as the old site wrote it (`zh_CN`, the old URLs')
            lang = self.spelled.get(language_tag(lang), lang)
        matter = source.get("categories", "category")
        extra = matter.split() if isinstance(matter, str) else [
            str(c) for c in matter or [] if c is not None] if isinstance(matter, list) else []
        categories = [*above, *(c for c in extra if c not in above)]
        named = [c for c in categories if c != lang_folder and c not in folders]
        section = named[0] if named else "news"
        if not named:
            self.uncategorized.append(source.rel)
        when = moment.instant.astimezone(self.tz)
        own = source.get("permalink")
        post_rel = source.rel.split("/_posts/", 1)[-1].split("/_drafts/", 1)[-1]
        jp = urls.JekyllPost(base, slug_text, tuple(categories), when,
                             path="/" + post_rel.rsplit(".", 1)[0])
        old_url = urls.jekyll_url(self.template(own), jp)
        if old_url is None:
            self.notes.warn(source.rel, source.line("permalink"), "permalink",
                            "the permalink names a placeholder Jekyll does not know; no "
                            "redirect from the old URL")
        elif self._polyglot() and lang != default:
            old_url = f"/{lang}{old_url}"
        title = scalar_text(source.get("title")) or " ".join(
            w.capitalize() for w in slug_text.split("-")) or base
        redirects = source.get("redirect_from")
        extra_aliases = [("/" + str(r).lstrip("/")) for r in (
            redirects if isinstance(redirects, list) else [redirects] if redirects else [])]
        if old_url and "." not in old_url.rsplit("/", 1)[-1] and not old_url.endswith("/"):
            extra_aliases.append(old_url + ".html")  # the file Jekyll wrote for /a-post
        group_parts = [p for p in source.rel.split("/") if p != lang_folder] if (
            lang_folder) else None
        return Post(
            source=source, title=title, lang=lang, section=section, moment=moment,
            old_url=old_url, name=slug_text, fields=newsgen_fields(
                source, "jekyll", section if extra else None, self.tz, self.notes,
                draft=draft),
            new_path=f"content/{slugify(section) or 'news'}/{base}.md",
            group="/".join(group_parts) if group_parts else None, extra_aliases=extra_aliases)

    def _polyglot(self) -> bool:
        plugins = self.config.get("plugins") or self.config.get("gems") or []
        return isinstance(plugins, list) and "jekyll-polyglot" in plugins

    # -- pages the posts link to ---------------------------------------------------------

    def page_url(self, rel: str) -> str | None:
        """The URL of a page or collection document (not a post), by Jekyll's rules."""
        path = self.src / rel
        if not path.is_file() or self.excluded(rel):
            return None
        source = read_source(path, rel, Notes(self.notes.reporter), required=False)
        front = source.front if source else {}
        if front.get("permalink"):
            return urls.clean_jekyll(str(front["permalink"]))
        style = str(self.config.get("permalink") or "date")
        pretty = style in ("pretty", ":pretty") or style.endswith("/")
        return urls.jekyll_page_url(rel, self.collections, pretty=pretty)
