"""The pipeline, in order: config -> load -> link -> render -> write.

`build()` runs it once and returns what happened. Every problem goes to the
reporter, and `BuildFailed` stops the run before anything is written.

With a cache (`.newsgen-cache/`, or the dev server's in-memory one) a build
reuses parsed articles and converted Markdown, renders only the pages whose
fingerprint changed, and carries the other files over from the previous
output. When no source changed at all and no article became due, it stops
after looking at the files' sizes and times.
"""

from __future__ import annotations

import multiprocessing
import os
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment

from newsgen import __version__, images, search
from newsgen.cache import BuildCache, CachedArticle, OutputRecord, digest
from newsgen.config import CONFIG_NAME, Config, check_base_url, load_config
from newsgen.content import Article
from newsgen.dates import parse_date
from newsgen.errors import BuildFailed, Reporter
from newsgen.fingerprint import Fingerprints, state_key
from newsgen.kinds import Page
from newsgen.loader import SourceTree, load_article, scan
from newsgen.markup import Body, Converter
from newsgen.output import OutputRefused, Standby, Writer, check_output_dir
from newsgen.render import (
    Renderer,
    TemplateFailure,
    check_collisions,
    make_environment,
    plan,
)
from newsgen.site import Held, Site, link

PARALLEL_MIN = 64  # fewer tasks than this are not worth starting workers for


@dataclass
class BuildOptions:
    site: Path
    output: Path | None = None  # default: <site>/dist
    drafts: bool = False
    future: bool = False
    now: str | None = None  # --now, as written
    base_url: str | None = None
    jobs: int | None = None  # None: the number of cores
    cache_dir: Path | None = None  # default: <site>/.newsgen-cache
    write: bool = True  # False for `newsgen check`
    use_cache: bool = True
    preview: bool = False  # `newsgen serve`: drafts and scheduled articles are marked
    # `newsgen serve` after its first build: a changed search part that the output already
    # has is indexed by a later build, so the page reloads first (see BuildResult)
    search_later: bool = False
    # Where the writer keeps its staging and standby trees (default: the cache folder);
    # `newsgen serve` keeps them beside its output, on the same file system.
    work_dir: Path | None = None

    @property
    def cache_path(self) -> Path:
        return self.cache_dir if self.cache_dir is not None else self.site / ".newsgen-cache"

    @property
    def output_dir(self) -> Path:
        chosen = self.output if self.output is not None else self.site / "dist"
        return Path(os.path.realpath(os.path.abspath(chosen)))

    @property
    def workers(self) -> int:
        return self.jobs if self.jobs is not None else (os.cpu_count() or 1)


@dataclass
class BuildResult:
    site: Site | None = None
    pages: int = 0
    files: int = 0
    written: int = 0
    unchanged: int = 0
    rendered: int = 0
    articles: int = 0
    seconds: float = 0.0
    nothing_changed: bool = False
    next_embargo: datetime | None = None
    held: tuple[Held, ...] = ()  # drafts and scheduled articles left out, by date
    search_stale: bool = False  # some search parts wait for a build without search_later
    changed: list[str] = field(default_factory=list)  # output paths whose bytes changed
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage, for -v


# --------------------------------------------------------------------------- loading


def _environment(config: Config, tree: SourceTree, cache: BuildCache,
                 options: BuildOptions, failed: bool) -> Environment:
    """The template environment, reused (with its compiled templates) while no template
    changed; compiled templates are also kept in the cache folder between builds."""
    key = (str(config.root), sorted((k, v) for k, v in tree.stats.items()
                                    if k.startswith("templates/")))
    if cache.environment is not None and cache.environment[0] == key and not failed:
        env: Environment = cache.environment[1]
        return env
    # A build that already failed only checks templates: it leaves the cache alone.
    bytecode = (options.cache_path / "templates"
                if options.use_cache and options.write and not failed else None)
    if bytecode is not None:
        try:
            bytecode.mkdir(parents=True, exist_ok=True)
        except OSError:
            bytecode = None
    env = make_environment(config.root, bytecode)
    if not failed:
        cache.environment = (key, env)
    return env


def _line_of_key(path: Path, key: str) -> int | None:
    """The line of a top-level key in a YAML file, for a warning (None if absent)."""
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
            if line.startswith(f"{key}:"):
                return number
    except (OSError, UnicodeDecodeError):
        pass
    return None


def load_site_config(options: BuildOptions, reporter: Reporter) -> Config:
    config = load_config(options.site, reporter)
    if options.base_url is not None:
        problem = check_base_url(options.base_url)
        if problem:
            reporter.error("--base-url", None, problem)
        else:
            config = config.with_base_url(options.base_url)
    return config


def _settings_key(config: Config) -> str:
    """What shapes a parsed article besides its bytes: languages and time zone."""
    langs = ",".join(lang.code for lang in config.languages)
    return f"{__version__}|{config.timezone}|{config.language}|{langs}|{config.large_article_kb}"


def load_articles(config: Config, tree: SourceTree, reporter: Reporter,
                  cache: BuildCache) -> list[Article]:
    """Every article that could be read; cached ones replay their diagnostics."""
    settings = _settings_key(config)
    articles: list[Article] = []
    fresh: dict[str, CachedArticle] = {}
    for rel in tree.articles:
        stat = tree.stats[rel]
        cached = cache.articles.get(rel)
        if cached is None or cached.stat != stat or not cached.content.endswith(settings):
            try:
                data = (config.root / rel).read_bytes()
            except OSError as exc:
                reporter.error(rel, None, f"cannot read: {exc.strerror}")
                continue
            content = digest(data) + "|" + settings
            if cached is None or cached.content != content:
                local = Reporter()
                article = load_article(config, rel, data, local)
                cached = CachedArticle(stat, content, article, list(local.diagnostics))
            else:
                cached = CachedArticle(stat, content, cached.article, cached.diagnostics)
        fresh[rel] = cached
        reporter.extend(cached.diagnostics)
        if cached.article is not None:
            articles.append(cached.article)
    cache.articles = fresh
    return articles


def build_time(options: BuildOptions, config: Config, reporter: Reporter) -> datetime:
    if options.now is None:
        return datetime.now(config.tz)
    moment = parse_date(options.now.strip(), config.tz)
    if moment is None:
        reporter.error("--now", None, f"'{options.now}' is not a time like 2024-12-18 10:30")
        return datetime.now(config.tz)
    return moment


# --------------------------------------------------------------------------- workers
#
# Worker processes are forked after the site is linked, so they inherit it: a task
# is a list of indices, and only results travel back.

_converter: Converter | None = None
_job: tuple[Renderer, list[Page]] | None = None


def _convert_chunk(task: tuple[bool, list[str]]) -> list[Body]:
    global _converter
    raw_html, texts = task
    if _converter is None:
        _converter = Converter(raw_html=raw_html)
    return [_converter.convert(text) for text in texts]


def _render_chunk(indices: list[int]) -> list[tuple[str, bytes | TemplateFailure]]:
    if _job is None:  # pragma: no cover - set before the pool starts
        raise RuntimeError("no render job")
    renderer, pages = _job
    out: list[tuple[str, bytes | TemplateFailure]] = []
    for i in indices:
        try:
            out.append((pages[i].path, renderer.render(pages[i])))
        except TemplateFailure as exc:
            out.append((pages[i].path, exc))
    return out


def _chunks(items: list[Any], n: int) -> list[list[Any]]:
    size = max(1, -(-len(items) // (n * 4)))
    return [items[i:i + size] for i in range(0, len(items), size)]


def _pool(workers: int) -> Any:
    return multiprocessing.get_context("fork").Pool(workers)


def _with_body(config: Config, a: Article) -> Article:
    """A cached article keeps no Markdown (to save memory): read it again when needed."""
    try:
        data = (config.root / a.source).read_bytes()
    except OSError:
        return a
    again = load_article(config, a.source, data, Reporter())
    return replace(a, body=again.body) if again is not None else a


def without_bodies(articles: list[Article], cache: BuildCache) -> list[Article]:
    """Drop the Markdown of converted articles: only the HTML is needed from here on."""
    out = []
    for a in articles:
        if a.body:
            a = replace(a, body="")
            cached = cache.articles.get(a.source)
            if cached is not None and cached.article is not None:
                cached.article = a
        out.append(a)
    return out


def convert_bodies(config: Config, articles: list[Article], cache: BuildCache,
                   workers: int, durable: bool = True) -> dict[str, Body]:
    """Converted Markdown by article source, without its HTML (see newsgen.cache): from
    the cache, or converted now and stored in it at once, so no build holds every body."""
    settings = f"|{config.raw_html}|{__version__}"
    keys = {a.source: digest((cache.articles[a.source].content + settings).encode())
            for a in articles}
    todo = [a for a in articles if keys[a.source] not in cache.bodies]
    if workers > 1 and len(todo) >= PARALLEL_MIN:
        with _pool(workers) as pool:
            chunks = _chunks(todo, workers)
            done = pool.imap(_convert_chunk, [(config.raw_html, [_markdown(config, a)
                                                                  for a in chunk])
                                               for chunk in chunks])
            for chunk, converted in zip(chunks, done, strict=True):
                cache.add_bodies(((keys[a.source], body)
                                  for a, body in zip(chunk, converted, strict=True)),
                                 durable=durable)
    else:
        converter = Converter(raw_html=config.raw_html)
        for chunk in _chunks(todo, max(1, workers)):
            cache.add_bodies([(keys[a.source], converter.convert(_markdown(config, a)))
                              for a in chunk], durable=durable)
    cache.keep_bodies(set(keys.values()))
    return {a.source: cache.bodies[keys[a.source]] for a in articles}


def _markdown(config: Config, a: Article) -> str:
    return a.body if a.body else _with_body(config, a).body


# --------------------------------------------------------------------------- theme


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


# --------------------------------------------------------------------------- rendering


def render_pages(pages: list[Page], renderer: Renderer, reporter: Reporter, workers: int,
                 *, sample: bool = False) -> Iterator[tuple[str, bytes]]:
    """Render pages as a stream of (path, bytes), in worker processes when there are many.

    Pages are handed on as soon as they are ready, so they can be written while the
    rest render and never all sit in memory. Template failures go to the reporter.
    With `sample`, only the first page of each kind is rendered: enough to find
    template errors when the build is failing anyway.
    """
    global _job
    if sample:
        firsts: dict[str, Page] = {}
        for page in pages:
            firsts.setdefault(page.kind, page)
        pages = list(firsts.values())
    if workers > 1 and len(pages) >= PARALLEL_MIN:
        _job = (renderer, pages)
        try:
            with _pool(workers) as pool:
                chunks = _chunks(list(range(len(pages))), workers)
                for chunk in pool.imap(_render_chunk, chunks):
                    for path, result in chunk:
                        if isinstance(result, TemplateFailure):
                            reporter.error(result.path, result.line, result.message)
                        else:
                            yield path, result
        finally:
            _job = None
        return
    failed_kinds: set[str] = set()
    for page in pages:
        if page.kind in failed_kinds:
            continue
        try:
            data = renderer.render(page)
        except TemplateFailure as exc:
            reporter.error(exc.path, exc.line, exc.message)
            failed_kinds.add(page.kind)
            continue
        yield page.path, data


# --------------------------------------------------------------------------- search


def _search(site: Site, pages: list[Page], template: str, writer: Writer,
            options: BuildOptions, reporter: Reporter,
            committed: dict[str, str]) -> tuple[dict[str, str], bool]:
    """The Pagefind index parts of every language, into the output; a part is indexed
    again only when what it indexes changed (see newsgen.search): an article's URL,
    headline or body, or the article template (`template`: its digest). A page whose
    "read also" block changed needs no new index. A part that the previous output
    already holds, made from the same pages (`committed`: part folder → key), is carried
    over by links without reading a byte. Returns the parts' keys, and whether some
    parts were left as they were to be indexed later (`options.search_later`)."""
    now = site.now.astimezone(site.config.tz)
    groups: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    prefixes = {ls.lang.code: ls.prefix for ls in site.languages}
    for p in pages:
        if p.kind != "article" or p.entry is None:
            continue
        part = search.part_of(p.entry.article.date.astimezone(site.config.tz), now)
        # Pagefind's UI puts the folder above the bundles (`/news/ru/`) before a result's
        # URL, so each page is given by its path below the language's root.
        url = "/" + quote(p.url[len(prefixes[p.lang]):])
        indexed = digest(f"{template}|{p.entry.article.title}|{p.entry.body_key}|"
                         f"{p.entry.body_urls}".encode())
        groups.setdefault((p.lang, part), []).append((p.path, url, indexed))
    wanted = [search.PartIndex(code, prefixes[code], part, tuple(items))
              for (code, part), items in sorted(groups.items())]
    keys: dict[str, str] = {}
    stale = False
    later = (lambda ix: ix.folder in committed) if options.search_later else None
    try:
        for index, folder, _ in search.indexes(
                options.cache_path if options.use_cache else None, wanted, writer.staged,
                later):
            if folder is None:  # the previous output's part, as it was, until then
                for rel, _file in search.files(writer.out / index.folder):
                    writer.keep(index.folder + rel)
                keys[index.folder] = committed[index.folder]
                stale = True
                continue
            same = committed.get(index.folder) == index.key
            for rel, file in search.files(folder):
                path = index.folder + rel
                if not (same and writer.keep(path)):
                    writer.copy(path, file, link=True)
            keys[index.folder] = index.key
    except search.SearchUnavailable as exc:
        reporter.error(CONFIG_NAME, _line_of_key(site.config.root / CONFIG_NAME, "search"),
                       f"search: Pagefind cannot run on this machine ({exc}); set "
                       "search: false to build without a search index")
        reporter.check()
    return keys, stale


# --------------------------------------------------------------------------- the build


def build(options: BuildOptions, reporter: Reporter,
          cache: BuildCache | None = None) -> BuildResult:
    started = time.perf_counter()
    out_dir = options.output_dir
    if options.write:
        reason = check_output_dir(out_dir, options.site, options.cache_path)
        if reason:
            raise OutputRefused(f"refusing to write to {out_dir}: it {reason}")
    if cache is not None:
        return _build(options, reporter, cache, started)
    own = (BuildCache.load(options.cache_path, reporter) if options.use_cache
           else BuildCache(None))
    try:
        return _build(options, reporter, own, started)
    finally:
        own.close()


def _build(options: BuildOptions, reporter: Reporter, cache: BuildCache,
           started: float) -> BuildResult:
    out_dir = options.output_dir
    config = load_site_config(options, reporter)
    if not config.base_is_absolute and options.base_url is None:
        reporter.warning(CONFIG_NAME, _line_of_key(config.root / CONFIG_NAME, "base_url"),
                         f"base_url '{config.base_url}' is not an absolute URL: feeds, sitemaps "
                         "and canonical links need one (set base_url: https://… or pass "
                         "--base-url)")
    tree = scan(config, reporter)
    now = build_time(options, config, reporter)
    state = state_key((options.drafts, options.future, options.base_url, options.preview,
                       options.search_later), config, tree)
    record = cache.output(out_dir) if options.write else None
    if (record is not None and record.state == state and not reporter.failed
            and (record.valid_from is None or record.valid_from <= now)
            and (record.valid_until is None or now < record.valid_until)):
        reporter.extend(record.diagnostics)  # the same sources have the same warnings
        return BuildResult(pages=len(record.pages), files=record.files,
                           unchanged=len(record.pages) + record.files + 1,
                           nothing_changed=True, seconds=time.perf_counter() - started,
                           next_embargo=record.next_embargo, held=record.held)

    stages: dict[str, float] = {}
    mark = time.perf_counter()

    def stage(name: str) -> None:
        nonlocal mark
        now_ = time.perf_counter()
        stages[name] = now_ - mark
        mark = now_

    stage("scan")
    cache.load_content(reporter)
    stage("cache")
    workers = max(1, options.workers)
    articles = load_articles(config, tree, reporter, cache)
    stage("load")
    bodies = convert_bodies(config, articles, cache, workers,
                            durable=options.write and not reporter.failed)
    articles = without_bodies(articles, cache)
    stage("markdown")
    # Articles that failed to load are not "missing": references to them stay quiet.
    broken = {rel[len("content/"):] for rel in tree.articles} - {
        a.content_path for a in articles if a.valid}
    site = link(config, articles, bodies, tree.assets, now, reporter,
                drafts=options.drafts, future=options.future, broken=broken,
                fills=cache.fills)
    stage("link")
    pages = plan(site)
    check_collisions(site, pages, reporter)
    taken = [p.path for p in pages] + [a.output for a in site.assets]
    imageset = images.process(site, options.cache_path if options.write else None, reporter,
                              taken)
    env = _environment(config, tree, cache, options, reporter.failed)
    renderer = Renderer(site, env, pages, reporter, imageset.info, preview=options.preview,
                        bodies=cache.body_store())
    stage("plan")

    result = BuildResult(site=site, pages=len(pages),
                         files=len(site.assets) + len(imageset.files),
                         articles=len(site.entries), next_embargo=site.next_embargo,
                         held=site.held,
                         stages=stages)
    if reporter.failed:
        for _ in render_pages(pages, renderer, reporter, 1, sample=True):
            pass
        raise BuildFailed()

    fps = Fingerprints(site, renderer, env, imageset.info,
                       {rel: c.content for rel, c in cache.articles.items()})
    lang_sites = {ls.lang.code: ls for ls in site.languages}
    prints = {p.path: fps.page(p, lang_sites[p.lang]) for p in pages}
    previous = cache.output(out_dir) if options.use_cache else None
    old = cache.page_prints(out_dir) if previous is not None else {}
    todo = [p for p in pages if old.get(p.path) != prints[p.path]]
    stage("fingerprint")
    if not options.write:
        result.rendered = sum(1 for _ in render_pages(todo, renderer, reporter, workers))
        reporter.check()
        stage("render")
        result.seconds = time.perf_counter() - started
        return result

    standby = (Standby(cache.output_files(out_dir), previous.standby, previous.standby_identity,
                       previous.identity) if previous is not None else None)
    work = options.work_dir or (options.cache_path if options.use_cache else None)
    writer = Writer(out_dir, work=work, standby=standby)
    search_keys: dict[str, str] = {}
    with cache.locked():
        writer.begin()
        try:
            # Streaming: each page is written to the staging folder as soon as it is ready.
            for path, data in render_pages(todo, renderer, reporter, workers):
                writer.write(path, data)
                result.rendered += 1
            reporter.check()
            stage("render")
            done = set(writer.written())
            for page in pages:
                if page.path not in done and not writer.keep(page.path):
                    writer.write(page.path, renderer.render(page))  # the old file is gone
            if config.search:
                article_template = fps.templates[renderer.template_for_kind("article")]
                search_keys, result.search_stale = _search(
                    site, pages, article_template, writer, options, reporter,
                    previous.search if previous is not None else {})
                stage("search")
            for asset in site.assets:
                writer.copy(asset.output, config.root / asset.source)
            for path, cached in imageset.files.items():
                writer.copy(path, cached)
            for path, data in theme_files(site).items():
                writer.write(path, data)
            writer.commit()
        except BaseException:
            writer.abort()
            raise
        result.files = len(writer.written()) - len(pages) - 1  # the marker is not a file
        cache.record_output(out_dir, OutputRecord(
            None, {p.path: prints[p.path] for p in pages}, state, site.valid_from,
            site.valid_until, site.next_embargo, result.files,
            # the sources' warnings, replayed by a build with nothing to do; not the cache's
            [d for d in reporter.diagnostics if d.path != cache.label],
            site.held, search_keys, writer.differs, writer.standby_identity(),
            files_set=writer.files),
            # Rows are updated by difference only when the build started from the recorded
            # output (in place): otherwise another build may have changed it meanwhile.
            (old, standby.files) if standby is not None and writer.in_place else None)
        stage("write")
        if options.use_cache:
            try:
                cache.save()
            except (OSError, sqlite3.Error) as exc:
                reporter.warning(str(options.cache_path), None,
                                 f"cannot write the build cache ({exc}); "
                                 "the next build will be slower")
    stage("save cache")
    result.written = writer.stats.written
    result.unchanged = writer.stats.unchanged
    result.changed = writer.stats.changed
    result.seconds = time.perf_counter() - started
    return result


__all__ = ["BuildFailed", "BuildOptions", "BuildResult", "OutputRefused", "build"]
