"""Reading the site's articles under `content/` (found by `newsgen.stages.scan`), and the
built-in theme's files.

Each article is read, split, parsed and validated on its own; every problem
goes to the reporter with its line, and an article with errors is left out
(the build then fails, so it never goes live half-checked).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from newsgen.errors import Reporter
from newsgen.model.config import Config
from newsgen.model.content import Article, Asset
from newsgen.parse import i18n
from newsgen.parse.datatree import parse_json, parse_toml
from newsgen.parse.frontmatter import SplitError, decode, encoding_problem, not_text, split
from newsgen.parse.readings import path_facts
from newsgen.parse.validate import Validator
from newsgen.parse.yamltree import YamlError, YMap, YNode, describe, parse
from newsgen.stages.scan import SourceTree, is_ignored

# --------------------------------------------------------------------------- articles

def load_article(config: Config, rel: str, data: bytes, reporter: Reporter) -> Article | None:
    """Validate one article file's bytes; None (with errors reported) when it is unusable."""
    limit = config.checks.large_article_kb
    if limit and len(data) > limit * 1024:
        size = f"{len(data) / 1048576:.1f} MB" if len(data) >= 1048576 else (
            f"{len(data) // 1024} KB")
        reporter.warning(rel, None, f"this article is {size} (checks.large_article_kb is "
                                    f"{limit}): a pasted image or document? A page this "
                                    "large is slow to open")
    if (kind := not_text(data)) is not None:
        reporter.error(rel, None, kind)
        return None
    try:
        text = decode(data)
    except UnicodeDecodeError as exc:
        # The file's own language first (its folder's or suffix's, else the site's), then
        # the site's others.
        own = path_facts(config, rel[len("content/"):]).lang or config.language
        names = [i18n.english_name(code) for code in
                 dict.fromkeys([own, *(lang.code for lang in config.languages)])]
        reporter.error(rel, *encoding_problem(data, exc, names))
        return None
    try:
        parts = split(text)
    except SplitError as exc:
        reporter.error(rel, exc.line, exc.message)
        return None
    problems: list[YamlError] = []
    offset = parts.front_line - 1
    try:
        if parts.format == "toml":
            node: YNode | None = parse_toml(parts.front, offset)
        elif parts.format == "json":
            node = parse_json(parts.front, offset, problems)
        else:
            node = parse(parts.front, line_offset=offset, problems=problems)
    except YamlError as exc:
        reporter.error(rel, exc.line, exc.message)
        return None
    for problem in problems:
        reporter.error(rel, problem.line, problem.message)
    if not isinstance(node, YMap):
        what = "empty" if node is None else f"{describe(node)}, not a mapping"
        reporter.error(rel, None, f"front matter is {what}: it needs at least title, date "
                                  "and section")
        return None
    return Validator(config, rel, reporter, text).article(node, parts.body, parts.body_line)


def theme_files(assets: Iterable[Asset]) -> dict[str, bytes]:
    """The built-in theme's static files, except those the site's own files replace."""
    return {rel: file.read_bytes() for rel, file in theme_paths(assets).items()}


def theme_paths(assets: Iterable[Asset]) -> dict[str, Traversable]:
    """The output paths of the built-in theme's static files (not read), except those the
    site's own files replace."""
    taken = {a.output for a in assets}
    folder = resources.files("newsgen").joinpath("theme", "static")
    out: dict[str, Traversable] = {}
    stack = [(folder, "")]
    while stack:
        node, prefix = stack.pop()
        for child in node.iterdir():
            rel = prefix + child.name
            if child.is_dir():
                stack.append((child, rel + "/"))
            elif rel not in taken:
                out[rel] = child
    return out


def stray_templates(root: Path, tree: SourceTree, reporter: Reporter) -> None:
    """A file of templates/ that overrides no theme template and that no template names,
    while its name is one letter off a theme template's (`artcle.html`): a warning, since
    the page keeps the theme's look without a word."""
    import difflib

    theme = resources.files("newsgen").joinpath("theme", "templates")
    names = sorted(f.name for f in theme.iterdir() if f.name.endswith(".html"))
    own = sorted(rel for rel in tree.stats if rel.startswith("templates/"))
    texts: list[str] = []
    for rel in own:
        try:
            texts.append((root / rel).read_text("utf-8", errors="replace"))
        except OSError:
            continue
    for rel in own:
        name = rel[len("templates/"):]
        if is_ignored(name.rsplit("/", 1)[-1]):  # `.article.html.swp`, `article.html~`
            continue
        guess = difflib.get_close_matches(name, names, n=1, cutoff=0.8)
        if name in names or not guess or any(name in text for text in texts):
            continue
        reporter.warning(rel, None, f"'{name}' replaces no theme template and no template "
                                    f"uses it: did you mean '{guess[0]}'?")


def robots_sitemaps(config: Config, published: Collection[str], reporter: Reporter) -> None:
    """A `Sitemap:` line of the site's own static/robots.txt naming a file of this site
    that this build does not write (a news sitemap with no recent article, a sitemap
    split into parts): a warning on its line, since crawlers that follow it get a 404."""
    rel = "static/robots.txt"
    try:
        text = (config.root / rel).read_text("utf-8-sig", errors="replace")
    except OSError:
        return
    base = config.published_base_url  # the file is written for the published site
    base = base if base.endswith("/") else base + "/"
    for number, line in enumerate(text.splitlines(), 1):
        name, colon, value = line.partition("#")[0].partition(":")
        url = value.strip()
        if not colon or name.strip().lower() != "sitemap" or not url.startswith(base):
            continue  # another rule, or another site's sitemap
        path = unquote(urlsplit(url[len(base):]).path)
        if path in published or f"{path}index.html" in published:
            continue
        reporter.warning(rel, number, f"'Sitemap: {url}' names a file this build does not "
                                      "write, so crawlers that follow it get a 404; remove "
                                      "the line or name a sitemap the build writes")
