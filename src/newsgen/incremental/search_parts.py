"""The site search's index parts in a build's output: made again only for what changed."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from newsgen.errors import Reporter
from newsgen.hashing import digest
from newsgen.model.config import CONFIG_NAME
from newsgen.model.site import Site
from newsgen.output.writer import Writer
from newsgen.parse.config import line_of_key
from newsgen.parse.i18n import Labels
from newsgen.stages import search
from newsgen.stages.kinds import Page


def index_search(site: Site, pages: list[Page], template: str, writer: Writer,
                 cache_dir: Path | None, search_later: bool, reporter: Reporter,
                 committed: dict[str, str], labels: Mapping[str, Labels],
                 images: Mapping[str, object]) -> tuple[dict[str, str], bool]:
    """The Pagefind index parts of every language, into the output; a part is indexed
    again only when what it indexes changed (see newsgen.stages.search): an article's URL,
    headline or body, or the article template (`template`: its digest). A page whose
    "read also" block changed needs no new index. A part that the previous output
    already holds, made from the same pages (`committed`: part folder → key), is carried
    over by links without reading a byte. Returns the parts' keys, and whether some
    parts were left as they were to be indexed later (`search_later`: `newsgen
    serve` after its first build)."""
    # What an indexed article shows besides its own: its language's labels (a credit's
    # "Photo"), and the base URL, whose path the lead image's address holds.
    langs = {code: digest(repr((sorted(lab.values.items()), sorted(lab.forms.items()),
                                lab.plural, site.config.base_url)).encode())
             for code, lab in labels.items()}
    wanted = search.parts_of(site, pages, template, langs, images)
    keys: dict[str, str] = {}
    stale = False
    later = (lambda ix: ix.folder in committed) if search_later else None
    try:
        for index, folder, _ in search.indexes(cache_dir, wanted, writer.staged, later):
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
        reporter.error(CONFIG_NAME, line_of_key(site.config.root / CONFIG_NAME, "search"),
                       f"search: Pagefind cannot run on this machine ({exc}); set "
                       "search: false to build without a search index")
        reporter.check()
    return keys, stale
