"""Naming tags and authors: one term per slug and language, shown as its most used
spelling, with a warning at each other spelling."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from newsgen.errors import Reporter
from newsgen.model.content import Article
from newsgen.model.site import Term
from newsgen.parse.slugs import slug_or_fallback
from newsgen.stages.references import Placed


@dataclass
class _Spelling:
    """How one spelling of a tag or author is used: where first, and how often."""

    source: str
    line: int | None
    count: int = 1


class Naming:
    """The part of the linker (newsgen.stages.site.Linker) that names terms."""

    reporter: Reporter
    _terms: dict[tuple[str, str, str], Term]
    respelt: set[tuple[str, str, str]]  # (kind, lang, slug) written more than one way

    def name_terms(self, live: list[Placed]) -> None:
        """Decide each tag's and author's name, per language, from the articles that use it.

        A name is shown as written in its own language's articles: `Аман Оразов` on Russian
        pages and `Aman Orazov` on English ones, though both have one slug. Within one
        language, two spellings of one slug are one term: the most used spelling names it
        (then the one of the oldest article), and each other spelling gets a warning.
        """
        # (kind, lang, slug) -> spelling -> its uses, the oldest article's first
        seen: dict[tuple[str, str, str], dict[str, _Spelling]] = defaultdict(dict)
        for p in sorted(live, key=lambda p: (p.article.date, p.article.source)):
            a = p.article
            for kind, names in (("tag", a.tags), ("author", a.authors)):
                for name in names:
                    slug = slug_or_fallback(name, seed=f"{kind}:{name}")
                    spellings = seen[(kind, a.lang, slug)]
                    if name in spellings:
                        spellings[name].count += 1
                    else:
                        spellings[name] = _Spelling(a.source, self.term_line(a, kind))
        for (kind, lang, slug), spellings in seen.items():
            # dicts keep insertion order, the oldest use first: max() keeps the first of equals.
            chosen = max(spellings, key=lambda n: spellings[n].count)
            self._terms[(kind, lang, slug)] = Term(kind, chosen, slug)
            first = spellings[chosen]
            if len(spellings) > 1:
                self.respelt.add((kind, lang, slug))
            where = f"{first.source}:{first.line}" if first.line else first.source
            for name, use in spellings.items():
                if name != chosen:
                    self.reporter.warning(
                        use.source, use.line,
                        f"{kind} '{name}' is also written '{chosen}' ({where}): one {kind} "
                        f"(slug '{slug}'), shown as '{chosen}' on the {lang} pages; write it "
                        "the same way everywhere")

    @staticmethod
    def term_line(a: Article, kind: str) -> int | None:
        if kind == "tag":
            return a.line_of("tags")
        return a.line_of("authors") or a.line_of("author")

    def terms(self, kind: str, names: Iterable[str], lang: str) -> tuple[Term, ...]:
        """Tags or authors as terms, once per slug ("Energy" and "energy!" are one tag)."""
        out: dict[str, Term] = {}
        for name in names:
            slug = slug_or_fallback(name, seed=f"{kind}:{name}")
            found = self._terms.get((kind, lang, slug))
            if found is None:  # not a published article's term: its own spelling
                found = Term(kind, name, slug)
            out.setdefault(slug, found)
        return tuple(out.values())
