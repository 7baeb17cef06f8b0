"""The pipeline, in order: config -> load -> link -> render -> write.

`build()` runs it once and returns what happened; every problem goes to the
reporter, and `BuildFailed` stops the run before anything is written.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path

from newsgen import images
from newsgen.config import Config, load_config
from newsgen.content import Article
from newsgen.errors import BuildFailed, Reporter
from newsgen.loader import SourceTree, parse_date, read_article, scan
from newsgen.markup import Body, Converter
from newsgen.output import OutputRefused, Writer, check_output_dir
from newsgen.render import Page, Renderer, TemplateFailure, check_collisions, make_environment, plan
from newsgen.site import Site, link


@dataclass
class BuildOptions:
    site: Path
    output: Path | None = None  # default: <site>/dist
    drafts: bool = False
    future: bool = False
    now: str | None = None  # --now, as written
    base_url: str | None = None
    jobs: int | None = None
    cache_dir: Path | None = None
    write: bool = True  # False for `newsgen check`

    @property
    def cache_path(self) -> Path:
        return self.cache_dir if self.cache_dir is not None else self.site / ".newsgen-cache"

    @property
    def output_dir(self) -> Path:
        return Path(os.path.abspath(self.output if self.output is not None
                                    else self.site / "dist"))


@dataclass
class BuildResult:
    site: Site | None = None
    pages: int = 0
    files: int = 0
    written: int = 0
    unchanged: int = 0
    articles: int = 0
    seconds: float = 0.0
    rendered: dict[str, bytes] = field(default_factory=dict)


def load(options: BuildOptions, reporter: Reporter) -> tuple[Config, SourceTree, list[Article]]:
    """Config, the files on disk, and every article that validated."""
    config = load_config(options.site, reporter)
    if options.base_url is not None:
        from newsgen.config import check_base_url

        problem = check_base_url(options.base_url)
        if problem:
            reporter.error("--base-url", None, problem)
        else:
            config = config.with_base_url(options.base_url)
    tree = scan(config, reporter)
    articles: list[Article] = []
    for rel in tree.articles:
        article = read_article(config, rel, reporter)
        if article is not None:
            articles.append(article)
    return config, tree, articles


def build_time(options: BuildOptions, config: Config, reporter: Reporter) -> datetime:
    if options.now is None:
        return datetime.now(config.tz)
    moment = parse_date(options.now.strip(), config.tz)
    if moment is None:
        reporter.error("--now", None, f"'{options.now}' is not a time like 2024-12-18 10:30")
        return datetime.now(config.tz)
    return moment


def convert_bodies(config: Config, articles: list[Article]) -> dict[str, Body]:
    converter = Converter(raw_html=config.raw_html)
    return {a.source: converter.convert(a.body) for a in articles}


def theme_files(site: Site) -> dict[str, bytes]:
    """The built-in theme's static files, except those the site's own files replace."""
    taken = {a.output for a in site.assets}
    folder = resources.files("newsgen").joinpath("theme", "static")
    out: dict[str, bytes] = {}
    stack = [(folder, "")]
    while stack:
        node, prefix = stack.pop()
        for child in node.iterdir():
            rel = prefix + child.name
            if child.is_dir():
                stack.append((child, rel + "/"))
            elif rel not in taken:
                out[rel] = child.read_bytes()
    return out


def render_all(site: Site, pages: list[Page], renderer: Renderer, reporter: Reporter,
               *, sample: bool = False) -> dict[str, bytes]:
    """Render pages; with `sample`, only the first page of each kind (to find template errors)."""
    out: dict[str, bytes] = {}
    failed_templates: set[str] = set()
    seen_kinds: set[str] = set()
    for page in pages:
        if sample:
            if page.kind in seen_kinds:
                continue
            seen_kinds.add(page.kind)
        if page.kind in failed_templates:
            continue
        try:
            out[page.path] = renderer.render(page)
        except TemplateFailure as exc:
            reporter.error(exc.path, exc.line, exc.message)
            failed_templates.add(page.kind)
    return out


def build(options: BuildOptions, reporter: Reporter) -> BuildResult:
    started = time.perf_counter()
    out_dir = options.output_dir
    if options.write:
        reason = check_output_dir(out_dir, options.site, options.cache_path)
        if reason:
            raise OutputRefused(f"refusing to write to {out_dir}: it {reason}")

    config, tree, articles = load(options, reporter)
    now = build_time(options, config, reporter)
    bodies = convert_bodies(config, articles)
    # Articles that failed to load are not "missing": references to them stay quiet.
    broken = {rel[len("content/"):] for rel in tree.articles} - {
        a.content_path for a in articles if a.valid}
    site = link(config, articles, bodies, tree.assets, now, reporter,
                drafts=options.drafts, future=options.future, broken=broken)
    pages = plan(site)
    check_collisions(site, pages, reporter)
    taken = [p.path for p in pages] + [a.output for a in site.assets]
    imageset = images.process(site, options.cache_path if options.write else None, reporter,
                              taken)
    env = make_environment(config.root)
    renderer = Renderer(site, env, pages, reporter, imageset.info)
    rendered = render_all(site, pages, renderer, reporter, sample=reporter.failed)
    reporter.check()
    for path, data in theme_files(site).items():
        rendered.setdefault(path, data)

    result = BuildResult(site=site, pages=len(pages), files=len(site.assets) + len(imageset.files),
                         articles=len(site.entries), rendered=rendered)
    if options.write:
        writer = Writer(out_dir)
        writer.begin()
        try:
            for path, data in rendered.items():
                writer.write(path, data)
            for asset in site.assets:
                writer.copy(asset.output, config.root / asset.source)
            for path, cached in imageset.files.items():
                writer.copy(path, cached)
            writer.commit()
        except BaseException:
            writer.abort()
            raise
        result.written = writer.stats.written
        result.unchanged = writer.stats.unchanged
    result.seconds = time.perf_counter() - started
    return result


__all__ = ["BuildFailed", "BuildOptions", "BuildResult", "OutputRefused", "build"]
