"""The linked site the dev server keeps between builds (`Linked`), and what of an article
decides where it is listed and what it links to (`shape`), which newsgen.incremental.relink
patches it by."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime

from newsgen.errors import Diagnostic
from newsgen.model.content import Article
from newsgen.model.site import Entry, Site
from newsgen.stages.references import Placed
from newsgen.stages.site import Linker

# What a save may change in an article and still patch the site; the rest is its shape.
WORDS = frozenset({"title", "summary", "params", "body"})


def shape(a: Article, now: datetime | None = None) -> tuple[object, ...]:
    """What decides where `a` is listed and what it links to. With `now`, in a build
    with `--drafts` (`serve --drafts`), the draft mark of an article dated by then is a
    word too: drafts are shown anyway (marked), and only one dated ahead says it is a
    draft, in a warning."""
    words = WORDS | {"draft"} if now is not None and a.date <= now else WORDS
    return tuple(getattr(a, f.name) for f in fields(a) if f.name not in words)


class Linked:
    """One full link and the patches since, kept in memory for the next build."""

    def __init__(self, basis: tuple[object, ...], site: Site, linker: Linker,
                 articles: list[Article], diagnostics: list[Diagnostic]) -> None:
        self.basis = basis  # what must not change for a patch
        self.site, self.linker = site, linker
        # by source: every article given to the linker, and the published ones' entries
        self.articles = {a.source: a for a in articles}
        self.entries = {e.article.source: e for ls in site.languages for e in ls.entries}
        self.diagnostics = diagnostics  # what linking reported
        # Made anew by each full link and kept by patches: a page that lists every page
        # of the site (a sitemap) is the same while it is.
        self.shape = object()
        # Patches since the full link, and the last one's new entries by the id of the
        # entry each replaced (None after a full link): newsgen.incremental.replan.
        self.generation = 0
        self.swap: dict[int, Entry] | None = None
        # site path -> the articles whose read-also block links to it (made when a title
        # first changes, then kept up to date)
        self.readers: dict[str, set[str]] | None = None
        # After a patch that added an article: the shape before it, and the terms
        # (kind, language, slug) of the added article, whose pages show their counts.
        self.grew_from: object | None = None
        self.keys: set[str] | None = None  # every article's translation_key, casefolded
        self.named: set[str] | None = None  # what the articles name (incremental.growing)
        self.grown: frozenset[tuple[str, str, str]] | None = None


    def waiting(self) -> list[Placed]:
        """The articles scheduled for later (valid, not drafts), placed, as the last full
        link found them (a patch changes no article's date nor validity)."""
        return self.linker.scheduled


