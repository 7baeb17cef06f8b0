"""A fresh build after edits of articles' words (title, summary, params, body): which
pages they change, found from the rows of the output's last build
(newsgen.incremental.rows) instead of from every article (docs/publish-from-rows.md,
step 5). newsgen.build.edits makes and writes those pages.

`decide` takes this path only when it can prove that nothing else changed:

- the output's record is trusted (its seal holds) and still right at this time, its
  build had no warnings about articles (those of the configuration and the templates
  are the same, and said again), and search is off (its index is made from every
  article);
- the source files are the same paths, and only article files have other bytes (a few);
  with those files' old digests, the sources give the record's content key: the
  configuration, the options, the templates, the static files and newsgen are the ones
  the output was built from (newsgen.incremental.sources);
- each changed article was published, parses without a warning, and differs from its
  row only in its words: the same date, section, slug, language, terms, translations,
  related items, image and aliases, and a body with the same links.

Then the entries whose digests change are the changed articles and their *title
readers* (read-also links that show a changed article's own title), and the pages to
make again are those whose fingerprint takes one of them (`deps`): their article pages,
translations' pages, the one list block holding each, home pages, feeds, redirects, the
news sitemap. A list's order, its pages, the counts and the sitemaps are the same. Anything
else gives the reason it does not hold, and the build links the whole site as before.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from newsgen.errors import Reporter
from newsgen.hashing import digest
from newsgen.incremental import sources
from newsgen.incremental.cache import BuildCache
from newsgen.incremental.database import dump, each, load
from newsgen.incremental.reading import body_key, converter_key, settings_key
from newsgen.incremental.records import OutputRecord
from newsgen.incremental.rows import title_target
from newsgen.model.config import Config
from newsgen.model.content import Article
from newsgen.model.site import Entry
from newsgen.parse.markup import Body, Converter
from newsgen.stages.loader import load_article
from newsgen.stages.scan import SourceTree

# More changed articles than this: the whole site is linked (a rebase, a bulk fix).
MOST = 16


@dataclass(frozen=True)
class Edited:
    """One article whose words changed: as the state will keep it."""

    source: str
    stat: tuple[int, ...]
    content: str  # its content key: the bytes' digest and the parse settings
    article: Article  # without its Markdown, as the state keeps it
    body: Body  # converted, with its key
    url: str  # its page's site path
    title: str | None  # its new title, when that changed


@dataclass(frozen=True)
class Decision:
    """What a word edit changes, when `decide` says it may be built from rows."""

    record: OutputRecord
    found: sources.Digests  # every source file's digest now
    content: str  # the sources' new content key
    edited: tuple[Edited, ...]
    touched: tuple[str, ...]  # the pages whose fingerprint takes a changed entry

    def edit(self, config: Config) -> Callable[[Entry], Entry]:
        """An entry as its row holds it -> as the edit makes it."""
        by_url = {e.url: e for e in self.edited}
        titles = {e.url: e.title for e in self.edited if e.title is not None}

        def made(e: Entry) -> Entry:
            done = by_url.get(e.url)
            if done is not None:  # newsgen.stages.site.Linker.entry, with the same links
                e = Entry(done.article, e.section, e.url, e.path, done.body.key, e.body_urls,
                          done.article.summary or done.body.summary, done.body.toc,
                          e.image, e.tags, e.authors, e.read_also)
            if titles and any(link.by_target for link in e.read_also):
                e = e.linked(read_also=tuple(
                    replace(link, title=titles[t]) if link.by_target
                    and (t := title_target(config, link)) is not None and t in titles else link
                    for link in e.read_also))
            return e
        return made


def decide(cache: BuildCache, out_dir: Path, options: tuple[object, ...], config: Config,
           tree: SourceTree, now: datetime) -> Decision | str:
    """The pages a word edit changes, or why this build must link the whole site."""
    db, most = cache.db, MOST
    if db is None:
        return "no build state"
    if config.search:
        return "search is on (its index is made from every article)"
    record = cache.output(out_dir)
    if record is None or not record.content:
        return "no trusted record of the output"
    if not ((record.valid_from is None or record.valid_from <= now)
            and (record.valid_until is None or now < record.valid_until)):
        return "an article became due, expired or left the news window"
    if any(d.path.startswith("content/") for d in record.diagnostics):
        return "the last build had warnings about articles"
    known = cache.file_digests()
    # (the "nothing to do" check made them already when no file changed its size)
    found = cache.found if cache.found is not None else sources.digests(config.root, tree,
                                                                        known)
    if found is None:
        return "a file could not be read"
    if found.keys() != known.keys():
        return "files were added or removed"
    changed = sorted(rel for rel, (_, now_digest) in found.items()
                     if known[rel][1] != now_digest)
    if not changed:  # (and yet not nothing to do)
        return ("the configuration, the options, the theme or newsgen changed, or another "
                "build kept the sources' new digests")
    articles = set(tree.articles)
    if (other := next((rel for rel in changed if rel not in articles), None)) is not None:
        return f"{other} is not an article"
    if len(changed) > most:
        return f"{len(changed)} articles changed (more than {most})"
    keys = sources.content_keys(options, config, found, {rel: known[rel][1] for rel in changed})
    if keys is None or keys[1] != record.content:
        return "the configuration, the options, the theme or newsgen changed"
    content = keys[0]
    key = cache.key(out_dir)
    edited: list[Edited] = []
    for rel in changed:
        made = _edited(db, key, config, rel, found[rel], known[rel][1])
        if isinstance(made, str):
            return made
        edited.append(made)
    changed_urls = {e.url for e in edited}
    readers = {url for (url,) in each(
        db, "SELECT e.url FROM readers r JOIN entries e ON e.dir = r.dir AND "
            "e.path = r.reader WHERE r.dir = ? AND r.target = ?",
        [key], (e.url for e in edited if e.title is not None))}
    touched = {path for (path,) in each(db, "SELECT path FROM deps WHERE dir = ? AND url = ?",
                                        [key], changed_urls | readers)}
    return Decision(record, found, content, tuple(edited), tuple(sorted(touched)))


def _shape(a: Article) -> Article:
    """An article without its words (and the lines they take)."""
    return replace(a, title="", summary=None, params={}, body="", body_line=0, lines={})


def _edited(db: sqlite3.Connection, key: str, config: Config, rel: str,
            found: tuple[tuple[int, ...], str], recorded: str) -> Edited | str:
    """The article `rel` as edited, against its row, which must be the bytes the output
    was built from (`recorded`, proved by the content key): a build stopped after it
    kept a newer row (`keep`) left one whose title is already the new one, and its
    readers' pages would not be made again."""
    row = db.execute("SELECT content, data FROM articles WHERE path = ?", (rel,)).fetchone()
    if row is None:
        return f"{rel} is not in the state"
    settings = settings_key(config)
    old_content, data = row
    if old_content.partition("|")[0] != recorded:
        return f"{rel}: its saved row is not the one the output was built from"
    old, diagnostics = load(data)
    if old is None or diagnostics or not old_content.endswith("|" + settings):
        return f"{rel} had warnings"
    entry = db.execute("SELECT url, data FROM entries WHERE dir = ? AND source = ?",
                       (key, rel)).fetchall()
    if len(entry) != 1:
        return f"{rel} was not published"
    url, entry_data = entry[0][0], load(entry[0][1])
    try:
        raw = (config.root / rel).read_bytes()
    except OSError:
        return f"{rel} cannot be read"
    if digest(raw) != found[1]:
        return f"{rel} changed while it was read"
    local = Reporter()
    new = load_article(config, rel, raw, local)
    if new is None or local.diagnostics or not new.valid or not new.title:
        return f"{rel} has warnings or errors"
    if _shape(new) != _shape(old):
        return f"{rel}: more than its words changed (date, section, slug, terms, links…)"
    body = Converter(raw_html=config.markdown.raw_html).convert(new.body)
    meta = db.execute("SELECT meta FROM bodies WHERE key = ?", (entry_data[2],)).fetchone()
    if body.problem or meta is None:
        return f"{rel}: its body cannot be compared"
    was: Body = load(meta[0])
    if (body.links, body.absolute) != (was.links, was.absolute):
        return f"{rel}: its body links to other pages"
    content = f"{found[1]}|{settings}"
    body = replace(body, key=body_key(content, converter_key(config)))
    return Edited(rel, found[0], content, replace(new, body=""), body, url,
                  new.title if new.title != old.title else None)


def keep(cache: BuildCache, edited: Iterable[Edited]) -> None:
    """The edited articles' rows and converted bodies, stored before their pages are made
    (the renderer reads a body from the state). A build that stops after this leaves the
    rows of the new bytes, which any later build takes as they are: they are keyed by
    the bytes, and the output's record still names the old ones."""
    edited = list(edited)
    cache.add_bodies([(e.body.key, e.body) for e in edited])
    if cache.db is None:
        return
    with cache.locked():
        cache.db.executemany("INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?)", [
            (e.source, " ".join(map(str, e.stat)), e.content, dump((e.article, [])))
            for e in edited])


def contents(base: Mapping[str, str], edited: Iterable[Edited]) -> dict[str, str]:
    """Content keys by source, the edited articles' new."""
    found = dict(base)
    found.update((e.source, e.content) for e in edited)
    return found
