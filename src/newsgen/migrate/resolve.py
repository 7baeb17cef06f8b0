"""Where a post's references point in the new site: Hugo's `ref`/`relref`, Jekyll's
`post_url` and `link`. A reference to an imported post becomes a relative link to its
new file (newsgen turns it into the post's URL); to a copied file, that file's site path;
to a page that was not imported, its old URL, with a warning."""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Callable
from urllib.parse import unquote

from newsgen.migrate.bodies import Page
from newsgen.migrate.common import Post, strip_markdown_suffix
from newsgen.migrate.place import relative_link


class Links:
    """The Resolver of newsgen.migrate.bodies for one import."""

    def __init__(self, posts: list[Post], static: dict[str, str],
                 page_url: Callable[[str], str | None], default_lang: str) -> None:
        self.by_rel = {p.source.rel: p for p in posts}
        self.posts = sorted(posts, key=lambda p: p.source.rel)
        self.static = static  # a copied file's path in the old site -> its site path
        self.page_url = page_url
        self.default_lang = default_lang
        self.by_group: dict[str, list[Post]] = defaultdict(list)
        self.by_name: dict[str, list[Post]] = defaultdict(list)
        for p in sorted(posts, key=lambda p: p.source.rel):
            if p.group is not None:
                self.by_group[p.group.lower()].append(p)
            name = p.source.rel.rsplit("/", 1)[-1]
            self.by_name[strip_markdown_suffix(name).removesuffix(".html")].append(p)
            if p.group is not None:
                self.by_name[p.group.rsplit("/", 1)[-1].lower()].append(p)

    def _link(self, page: Page, post: Post, anchor: str = "") -> str:
        return relative_link(page.folder, post.new_path.removeprefix("content/"), anchor)

    def _pick(self, found: list[Post], lang: str) -> Post | None:
        for wanted in (lang, self.default_lang):
            for post in found:
                if post.lang == wanted:
                    return post
        return found[0] if found else None

    def hugo_ref(self, page: Page, target: str, lang: str | None,
                 as_text: bool = False) -> str | None:
        """Hugo's ref: a path from the content folder (`/posts/x`), from the page's own
        folder (`x.md`, `../other/y`), or a unique file name; in the page's language.
        `as_text` (not in a link): the post's URL, as Hugo wrote it, which the new site
        answers."""
        path, _, anchor = target.strip().partition("#")
        if not path:
            return f"#{anchor}" if anchor else None
        path = strip_markdown_suffix(path.strip()).removesuffix("/_index").removesuffix(
            "/index").rstrip("/")
        here = self.by_rel.get(page.rel)
        folder = (here.group or "").rpartition("/")[0] if here else ""
        tries = [path.lstrip("/")] if path.startswith("/") else [
            posixpath.normpath(posixpath.join(folder, path)), path]
        for key in tries:
            found = self.by_group.get(key.lower())
            if found:
                break
        else:
            found = self.by_name.get(path.rsplit("/", 1)[-1].lower(), [])
            if len({p.group for p in found}) != 1:
                return None
        post = self._pick(found, lang or page.lang)
        if post is not None and as_text and post.old_url:
            return post.old_url + (f"#{anchor}" if anchor else "")
        return self._link(page, post, anchor) if post else None

    def page_link(self, page: Page, target: str) -> str | None:
        """A relative link Hugo resolved to a page (`[x](0518-bench)`, `../other/`): the
        link to that post's new file when it names an imported post, by its path, bundle
        folder or file name, or its slug; else None."""
        path, _, anchor = target.partition("#")
        path = unquote(path.split("?", 1)[0]).removeprefix("./")
        found = self.hugo_ref(page, path, None) if path.strip("./") else None
        if found is not None:
            return found + (f"#{anchor}" if anchor and "#" not in found else "")
        name = strip_markdown_suffix(path.rstrip("/").rpartition("/")[2]).lower()
        match = [p for p in self.posts if name and name in (
            p.slug.lower(), str(p.source.get("slug") or "").lower())]
        if len({p.group for p in match}) != 1:
            return None
        post = self._pick(match, page.lang)
        return self._link(page, post, anchor) if post else None

    def post_url(self, page: Page, name: str, as_text: bool = False) -> str | None:
        """Jekyll's post_url: a post by its file name (`2010-07-21-name`), maybe below a
        folder (`news/2010-07-21-name`); `as_text` (not in a link): its URL, as Jekyll
        wrote it, which the new site answers."""
        name = name.strip().strip("/")
        folder, _, base = name.rpartition("/")
        found = self.by_name.get(strip_markdown_suffix(base), [])
        if folder:
            found = [p for p in found if f"{folder}/" in p.source.rel] or found
        post = self._pick(found, page.lang)
        if post is not None and as_text and post.old_url:
            return post.old_url
        return self._link(page, post) if post else None

    def link(self, page: Page, path: str) -> tuple[str | None, str | None]:
        """Jekyll's link: any file of the site by its path."""
        rel = path.strip().lstrip("/")
        if (post := self.by_rel.get(rel)) is not None:
            return self._link(page, post), None
        if rel in self.static:
            return self.static[rel], None
        url = self.page_url(rel)
        if url is None:
            return None, f"'{rel}' is no file of the old site"
        return url, (f"Liquid tag link points to {rel}, a page that is not imported: "
                     f"linked to its old URL {url}")
