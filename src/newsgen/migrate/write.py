"""Writing the new site: `newsgen.yaml`, each post with newsgen's front matter and its
converted body, and the copied files. Everything is written in sorted order and from
the old site's contents alone, so two imports of one site are the same bytes."""

from __future__ import annotations

import posixpath
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from newsgen.errors import count, quoted
from newsgen.migrate.bodies import BodyConverter, Page
from newsgen.migrate.code import split_code
from newsgen.migrate.common import Notes, Plan, Post, dump_front, dump_yaml
from newsgen.migrate.links import LinkFixer
from newsgen.migrate.place import RESERVED_FILES
from newsgen.migrate.resolve import Links
from newsgen.parse.config_values import check_base_url
from newsgen.parse.slugs import slugify

_SITE_IMAGE = re.compile(r"""!\[[^\]]*\]\(\s*<?(/[^/\s)>][^\s)>]*)|<img\b[^>]*?\bsrc\s*=\s*["']"""
                         r"""(/[^/"'][^"']*)""", re.I)

# newsgen's fields, in the order its documentation lists them; kept keys follow.
ORDER = ("tags", "author", "authors", "summary", "image", "updated", "expirydate", "draft")


def site_config(plan: Plan, pattern: str) -> str:
    """newsgen.yaml for the plan: site, languages, time zone, permalink, sections."""
    data: dict[str, Any] = {"title": plan.title}
    if plan.description:
        data["description"] = plan.description
    if plan.base_url and check_base_url(plan.base_url if plan.base_url.endswith("/")
                                        else plan.base_url + "/") is None:
        data["base_url"] = plan.base_url if plan.base_url.endswith("/") else plan.base_url + "/"
    data["language"] = plan.language
    if plan.default_prefix:
        data["default_language_prefix"] = True
    if plan.timezone:
        data["timezone"] = plan.timezone
    if pattern:
        data["permalink"] = "/" + pattern.lstrip("/")
    if plan.languages:
        data["languages"] = {code: dict(values) for code, values in
                             sorted(plan.languages.items())}
    sections = []
    counts: dict[str, int] = {}
    for post in plan.posts:
        counts[slugify(post.section) or "news"] = counts.get(slugify(post.section) or "news",
                                                             0) + 1
    for slug in sorted(counts, key=lambda s: (-counts[s], s)):
        titles = plan.section_titles.get(slug, {})
        title = titles.get(plan.language) or next(iter(titles.values()), slug.capitalize())
        entry: dict[str, Any] = {"slug": slug, "title": title}
        others = {code: t for code, t in sorted(titles.items())
                  if code != plan.language and t != title}
        if others:
            entry["titles"] = others
        sections.append(entry)
    if sections:
        data["sections"] = sections
    # Old posts link pages the new site does not have (an "about" page, a file long gone):
    # each is a warning on its line, so the first build runs and lists them all.
    data["checks"] = {"dead_links": "warning"}
    return dump_yaml(data)


class Writer:
    def __init__(self, plan: Plan, src: Path, dest: Path, notes: Notes, kind: str) -> None:
        self.plan = plan
        self.src = src
        self.dest = dest
        self.notes = notes
        self.kind = kind
        self.copied = 0
        self.multilingual = bool(plan.languages)
        posts = sorted(plan.posts, key=lambda p: p.source.rel)
        self.posts = posts
        self.files = {target for _, target in plan.copies} | {p.new_path for p in posts}
        content = {f.removeprefix("content/") for f in self.files if f.startswith("content/")}
        self.content = content | {f.rsplit(".", 1)[0] for f in content}
        static = {}
        for _, target in plan.copies:
            if target.startswith("static/"):
                static[target.removeprefix("static/")] = "/" + target.removeprefix("static/")
        page_url = plan.page_url or (lambda rel: None)
        self.links = Links(posts, static, page_url, plan.language)
        self.converter = BodyConverter(kind, self.links, notes, plan.site_vars, plan.shortcodes)
        self.fixer = LinkFixer()

    def write_all(self) -> list[Post]:
        written: list[Post] = []
        paths: set[str] = set()
        for post in self.posts:
            if post.new_path in paths:
                self.notes.warn(post.source.rel, None, "file name", "not imported: another "
                                f"post is written to {post.new_path}")
                continue
            paths.add(post.new_path)
            target = self.dest / post.new_path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(self.text(post), encoding="utf-8")
            written.append(post)
        own = self.newsgen_writes()
        left: list[str] = []
        for source, rel in sorted(self.plan.copies, key=lambda c: c[1]):
            if rel in paths:
                self.notes.warn(source.relative_to(self.src).as_posix(), None, "file name",
                                f"not copied: a post is written to {rel}")
                continue
            if rel.partition("/")[2] in own:
                left.append(source.relative_to(self.src).as_posix())
                continue
            target = self.dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            self.copied += 1
        if left:
            self.notes.warn(left[0], None, "file name", f"{count(len(left), 'file')} not "
                            f"copied ({', '.join(left[:3])}{', …' if len(left) > 3 else ''}): "
                            "newsgen writes a file of its own there (robots.txt naming the "
                            "sitemaps, the sitemaps, the 404 page, the feeds and list pages)")
        return written

    def newsgen_writes(self) -> set[str]:
        """Output paths newsgen writes itself: a file of the old site there would collide."""
        plan = self.plan
        prefixes = ["", *(f"{code}/" for code in plan.languages)]
        if plan.default_prefix:
            prefixes.append(f"{plan.language}/")
        sections = {"", *(f"{slugify(p.section) or 'news'}/" for p in plan.posts)}
        return set(RESERVED_FILES) | {f"{prefix}{section}{name}" for prefix in prefixes
                                      for section in sections
                                      for name in ("index.html", "404.html", "feed.xml")}

    def text(self, post: Post) -> str:
        """The post as newsgen reads it."""
        s = post.source
        page = Page(rel=s.rel, body_line=s.body_line, title=post.title, folder=post.folder,
                    front=dict(s.front), old_url=post.old_url, lang=post.lang)
        try:
            body = self.converter.convert(page, s.body)
            body, stuck, unknown = self.fixer.fix(
                body, post.folder, self.content.__contains__, post.old_url,
                lambda target: self.links.page_link(page, target))
        except (ValueError, TypeError, KeyError, IndexError, AttributeError,
                RecursionError) as exc:  # a bug of the importer: this post's body as it was
            self.notes.warn(s.rel, s.body_line, "body", f"the body could not be converted "
                            f"({type(exc).__name__}: {exc}); it is imported as it was")
            body, stuck, unknown = s.body, [], []
        if unknown:
            at = s.body.find(unknown[0])
            self.notes.warn(s.rel, s.body_line + s.body.count("\n", 0, at) if at >= 0 else None,
                            "link", f"link '{quoted(unknown[0])}' names no imported post: "
                            "rewritten as its old site path, which may name a page that is "
                            "not imported"
                            + (f" (and {count(len(unknown) - 1, 'other link')})"
                               if len(unknown) > 1 else ""))
        self.missing_images(s.rel, s.body_line, s.body, body)
        for target in stuck:
            self.notes.warn(s.rel, None, "link", f"link '{quoted(target)}' names no file of "
                            "the new site and could not be rewritten: newsgen will report it")
        front: dict[str, Any] = {"title": post.title, "date": post.moment.written,
                                 "section": post.section, "slug": post.slug}
        if self.multilingual:
            front["lang"] = post.lang
        if post.translation_key:
            front["translation_key"] = post.translation_key
        fields = dict(post.fields)
        if "image" in fields:
            image = self.lead_image(post, fields.pop("image"))
            if image is not None:
                fields["image"] = image
        for key in ORDER:
            if key in fields:
                front[key] = fields.pop(key)
        if post.aliases:
            front["aliases"] = list(post.aliases)
        front.update(fields)
        return dump_front(front) + ("" if body.startswith("\n") else "\n") + body

    def missing_images(self, rel: str, line: int, before: str, body: str) -> None:
        """A warning for each image named by its site path that is no file of the new
        site (nor was one of the old: newsgen will report it)."""
        base = urlsplit(self.plan.base_url or "/").path.strip("/")  # `/blog/img/x.png`
        for code, _, chunk in split_code(body):
            for m in ([] if code else _SITE_IMAGE.finditer(chunk)):
                path = unquote(m.group(1) or m.group(2)).split("?", 1)[0].split("#", 1)[0]
                site = path.lstrip("/")
                if base and site.startswith(base + "/"):  # (under /blog/: its site path)
                    site = site[len(base) + 1:]
                if f"static/{site}" in self.files or f"content/{site}" in self.files:
                    continue
                at = before.find(path.rpartition("/")[2])
                self.notes.warn(rel, line + before.count("\n", 0, at) if at >= 0
                                else None, "missing image", f"image '{path}' is no file of "
                                "the old site's static/, assets/, content/ or theme's "
                                "static/: copy it into static/ at that path")

    def lead_image(self, post: Post, value: str | dict[str, str]) -> Any:
        """The lead image if newsgen will find it; else None, with a warning."""
        src = value if isinstance(value, str) else value["src"]
        fixed = self.image_src(post, src)
        if fixed is None:
            self.notes.warn(post.source.rel, post.source.line("image", "images", "cover",
                                                              "featured_image"),
                            "lead image", f"image '{src}' is no file of the new site; "
                            "the post is imported without a lead image")
            return None
        return fixed if isinstance(value, str) else {**value, "src": fixed}

    def image_src(self, post: Post, src: str) -> str | None:
        if src.startswith("//"):
            return "https:" + src
        if src.startswith(("http://", "https://")):
            return src
        if ":" in src.split("/", 1)[0]:
            return None
        path = src.split("?", 1)[0].split("#", 1)[0]
        if path.startswith("/"):
            site = path.lstrip("/")
            return src if f"static/{site}" in self.files or f"content/{site}" in self.files \
                else None
        near = posixpath.normpath(posixpath.join(post.folder, path))
        if f"content/{near}" in self.files:
            return src
        if f"static/{path}" in self.files:
            return "/" + src
        return None

