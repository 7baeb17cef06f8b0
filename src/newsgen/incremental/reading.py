"""Reading the articles for a build: parsing only the files whose bytes changed,
converting only new bodies, and, in the dev server, looking only at the files its
watcher saw change.

`Reader` is used by newsgen.incremental.state.IncrementalBuild, the one user of the
build state; the `Read` it makes is what the dev server keeps for its next read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import cast

from newsgen import __version__
from newsgen.errors import Reporter
from newsgen.hashing import code_identity, digest
from newsgen.incremental.cache import BuildCache
from newsgen.incremental.records import CachedArticle
from newsgen.model.config import Config
from newsgen.model.content import Article
from newsgen.parse.markdown_setup import CONVERTER
from newsgen.parse.markup import Body
from newsgen.parse.readings import has_readings
from newsgen.stages.loader import load_article
from newsgen.stages.parallel import Conversions
from newsgen.stages.scan import SourceTree


def settings_key(config: Config) -> str:
    """What shapes a parsed article, and its warnings, besides its bytes and path:
    languages (their folders and URL prefixes), time zone, the sections and where they
    and dates may come from, newsgen.yaml's base_url (an alias written as a full URL of
    it) and the site's path (a message's URL), whether Markdown keeps raw HTML (an
    element never closed is said then). A change of them parses every article again, and
    converts none (a body is kept by its file's bytes: `_article`)."""
    langs = ",".join(f"{lang.code}:{lang.folder}:{config.language_config(lang.code).prefix}"
                     for lang in config.languages)
    large = config.checks.large_article_kb
    return (f"{code_identity()}|{config.timezone}|{config.language}|{langs}|{large}|"
            f"{config.sections_from}|{config.filename_dates}|{config.permalink}|"
            f"{config.published_base_url}|{config.base_path}|{config.markdown.raw_html}|"
            f"{config.sections!r}|"
            f"{config.misread}")  # (read without the configuration: fewer checks)


def converter_key(config: Config) -> str:
    """How Markdown is converted: with the file's bytes, the key of its converted body
    (`body_key`)."""
    return f"|{config.markdown.raw_html}|{__version__}|{CONVERTER}"


def body_key(content: str, converter: str) -> str:
    """Where the state keeps the body of an article of `content` (its content key): by the
    file's bytes and how Markdown is converted, not the settings of the parse."""
    return digest((content.partition("|")[0] + converter).encode())


def _with_body(config: Config, a: Article) -> Article:
    """A cached article keeps no Markdown (to save memory): read it again when needed."""
    try:
        data = (config.root / a.source).read_bytes()
    except OSError:
        return a
    again = load_article(config, a.source, data, Reporter())
    return replace(a, body=again.body) if again is not None else a


@dataclass
class Read:
    """What a read of the articles found; the dev server keeps the last one, and the next
    read starts from it when it is told which files changed (`Reader._reread`)."""

    basis: tuple[str, str]  # the settings that shape an article, and the converter
    paths: tuple[str, ...]  # the article files it read (SourceTree.articles)
    articles: list[Article] = field(default_factory=list)  # in the order of `paths`
    at: dict[str, int] = field(default_factory=dict)  # source -> its place in `articles`
    keys: dict[str, str] = field(default_factory=dict)  # source -> its body's key
    uses: Counter[str] = field(default_factory=Counter)  # body key -> articles with it
    bodies: dict[str, Body] = field(default_factory=dict)  # source -> body
    queued: set[str] = field(default_factory=set)  # keys being converted
    clean: bool = True  # every file could be read
    # Kept for the next link: the article files without a valid article (None: to be
    # found), and the articles read again since the last link (None: not known)
    broken: frozenset[str] | None = None
    since_link: set[str] | None = None
    sources: tuple[str, ...] = ()  # of `articles`, in order
    noted: set[int] = field(default_factory=set)  # places of articles `has_readings`

    def noteworthy(self) -> list[Article]:
        """The articles newsgen.parse.readings may have something to say of, in order."""
        return [self.articles[i] for i in sorted(self.noted)]


class Contents(Mapping[str, str]):
    """Each article's content key (its bytes and settings), by source: a view of the
    state's articles, looked up for the entries being fingerprinted only."""

    def __init__(self, articles: Mapping[str, CachedArticle]) -> None:
        self.articles = articles

    def __getitem__(self, source: str) -> str:
        return self.articles[source].content

    def __iter__(self) -> Iterator[str]:
        return iter(self.articles)

    def __len__(self) -> int:
        return len(self.articles)


class Reader:
    """One build's reading of the articles, with the state in `cache`; `own`: a build
    of its own process (no later build will start from this read); `changed`: the files
    the dev server's watcher saw change since its last build (None: not known)."""

    def __init__(self, cache: BuildCache, reporter: Reporter, *, own: bool,
                 changed: frozenset[str] | None) -> None:
        self.cache, self.reporter, self.own, self.changed = cache, reporter, own, changed

    def read(self, config: Config, tree: SourceTree, workers: int,
             durable: Callable[[], bool]) -> tuple[list[Article], dict[str, Body]]:
        """Every article that could be read (cached ones replay their diagnostics),
        without its Markdown, and its converted body by source.

        A file is read again only when its size or time changed, and parsed again only
        when its bytes did. A body is converted only when it is new: while the other
        files are still being read (newsgen.stages.parallel.Conversions), and stored in the
        state at once, so no build holds every body. The HTML stays in the state; the
        renderer reads it from `bodies()`. A failing build (not `durable()`) keeps what
        it converts in memory. The dev server, told which files changed, looks at those
        only (`_reread`)."""
        cache = self.cache
        cache.load_content(self.reporter)
        # (a body is keyed by the converter's own revision, raised when conversion changes,
        # so an upgrade converts bodies again only when it must: 6 minutes at 100,000)
        basis = (settings_key(config), converter_key(config))
        conversions = Conversions(config.markdown.raw_html, workers,
                                  lambda done: cache.add_bodies(done, durable=durable()))
        try:
            last, cache.read = cache.read, None
            read = self._reread(config, tree, basis, last, conversions)
            if read is None:
                read = self._read_all(config, tree, basis, conversions)
        except KeyboardInterrupt:
            conversions.close(interrupted=True)
            raise
        finally:
            conversions.close()
        if self.own or not read.clean:
            return read.articles, read.bodies
        cache.read = read  # changed in place by the next read: the build gets copies
        return list(read.articles), dict(read.bodies)

    def _read_all(self, config: Config, tree: SourceTree, basis: tuple[str, str],
                  conversions: Conversions) -> Read:
        cache, reporter = self.cache, self.reporter
        read = Read(basis, tree.articles)
        fresh: dict[str, CachedArticle] = {}
        for rel in tree.articles:
            cached = self._cached(config, rel, tree.stats[rel], basis[0], reporter)
            if cached is None:
                read.clean = False
                continue
            fresh[rel] = cached
            reporter.extend(cached.diagnostics)
            if cached.article is not None:
                read.at[rel] = len(read.articles)
                read.articles.append(self._article(config, cached, basis, conversions, read))
        conversions.finish()
        read.sources = tuple(a.source for a in read.articles)
        read.noted = {i for i, a in enumerate(read.articles) if has_readings(a)}
        cache.articles = fresh
        cache.keep_bodies(set(read.keys.values()))
        read.bodies = {a.source: cache.bodies[read.keys[a.source]] for a in read.articles}
        return read

    def _reread(self, config: Config, tree: SourceTree, basis: tuple[str, str],
                last: Read | None, conversions: Conversions) -> Read | None:
        """The dev server's last read, with the files its watcher saw change read again
        (added, or removed); None when a full read is needed: no such read, other
        settings, or a changed or new file that cannot be read or holds no article (or
        did not)."""
        changed = self.changed
        if self.own or last is None or changed is None or last.basis != basis:
            return None
        cache = self.cache
        new: set[str] = set()
        removed: set[str] = set()
        if last.paths is not tree.articles:  # files added or removed (the watcher saw them)
            new = set(tree.articles) - set(last.paths)
            removed = set(last.paths) - set(tree.articles)
            if not (new or removed) or not (new | removed) <= changed:
                return None
        check = Reporter()
        again: dict[str, CachedArticle] = {}
        for rel in sorted(new):
            cached = self._cached(config, rel, tree.stats[rel], basis[0], check)
            if cached is None or cached.article is None or rel in cache.articles:
                return None
            again[rel] = cached
        gone = [last.keys.pop(rel) for rel in sorted(removed) if rel in last.at]
        for rel in removed:
            if rel not in last.at or not last.articles[last.at[rel]].valid:
                last.broken = None  # (it may have been one of them)
            cache.articles.pop(rel, None)
            last.bodies.pop(rel, None)
        if new or removed:
            _make_room(last, tree.articles, new)
        for rel in sorted(changed - new):
            if rel not in last.at:
                if rel in cache.articles:
                    return None  # an article file that held no article
                continue  # not an article file (every one was read last time)
            cached = self._cached(config, rel, tree.stats[rel], basis[0], check)
            if cached is None or cached.article is None:
                return None
            again[rel] = cached
        last.queued = set()
        gone += [last.keys[rel] for rel in again if rel not in new]
        for rel, cached in again.items():
            at = last.at[rel]
            if cached.article is not None and (
                    rel in new or cached.article.valid != last.articles[at].valid):
                last.broken = None
            if last.since_link is not None:
                last.since_link.add(rel)
            cache.articles[rel] = cached
            last.articles[at] = self._article(config, cached, basis, conversions, last)
            if has_readings(last.articles[at]):
                last.noted.add(at)
            else:
                last.noted.discard(at)
        for rel in tree.articles:  # every article's diagnostics, in order, as a full read
            c = cache.articles.get(rel)
            if c is not None and c.diagnostics:
                self.reporter.extend(c.diagnostics)
        conversions.finish()
        for rel in again:
            last.bodies[rel] = cache.bodies[last.keys[rel]]
        for key in gone:
            last.uses[key] -= 1
            if not last.uses[key]:
                del last.uses[key]
                cache.bodies.pop(key, None)
                cache.html.pop(key, None)
        return last

    def _article(self, config: Config, cached: CachedArticle, basis: tuple[str, str],
                 conversions: Conversions, read: Read) -> Article:
        """The article of `cached` (which has one), without its Markdown, its body
        converted when new."""
        a = cached.article
        if a is None:
            raise ValueError(f"{cached} holds no article")
        # the file's bytes and how Markdown is converted: not the settings of the parse
        key = read.keys[a.source] = body_key(cached.content, basis[1])
        read.uses[key] += 1
        if key not in self.cache.bodies and key not in read.queued:
            read.queued.add(key)
            conversions.add(key, a.body if a.body else _with_body(config, a).body)
        if a.body:  # only the HTML is needed from here on
            a = cached.article = replace(a, body="")
        return a

    def _cached(self, config: Config, rel: str, stat: tuple[int, int, int, int],
                settings: str, reporter: Reporter) -> CachedArticle | None:
        """The parsed article of one file: the state's, or parsed now (None: unreadable)."""
        cached = self.cache.articles.get(rel)
        if cached is not None and cached.stat == stat and cached.content.endswith(settings):
            return cached
        # read for the content key already (newsgen.incremental.sources), with the same bytes
        seen = self.cache.found.get(rel) if self.cache.found is not None else None
        if (cached is not None and seen is not None and seen[0] == stat
                and cached.content == f"{seen[1]}|{settings}"):
            return CachedArticle(stat, cached.content, cached.article, cached.diagnostics)
        try:
            data = (config.root / rel).read_bytes()
        except OSError as exc:
            reporter.error(rel, None, f"cannot read: {exc.strerror}")
            return None
        content = digest(data) + "|" + settings
        if cached is not None and cached.content == content:
            return CachedArticle(stat, content, cached.article, cached.diagnostics)
        local = Reporter()
        article = load_article(config, rel, data, local)
        return CachedArticle(stat, content, article, list(local.diagnostics))


def _make_room(read: Read, paths: tuple[str, ...], new: set[str]) -> None:
    """`read` with a place for each article file in `new`, in the order of `paths` (a
    full read's), each holding its file's path until it is read, and none for a file
    that `paths` no longer has."""
    kept = {read.articles[i].source for i in read.noted}
    articles: list[Article] = []
    for rel in paths:
        if rel in new or rel in read.at:
            articles.append(read.articles[read.at[rel]] if rel in read.at
                            else cast("Article", rel))
    read.paths, read.articles = paths, articles
    read.at = {rel: i for i, rel in enumerate(
        rel for rel in paths if rel in new or rel in read.at)}
    read.sources = tuple(read.at)
    read.noted = {read.at[source] for source in kept if source in read.at}
