"""Filling the "read also" block: a deterministic relatedness rule backed by an index.

When an article lists fewer related items than `read_also.limit`, newsgen adds
articles of the same language, ranked by

1. the number of tags shared with the article (more first),
2. being in the same section,
3. nearness in time (the smallest gap between publication times first),
4. the URL, alphabetically, to break the remaining ties.

Candidates come from an index rather than a scan of the whole archive: for
each of the article's tags, its section, and its language, the `3 × limit`
articles published just before and just after it. So the rule above is applied
to the articles nearest in time, which is what a reader of news wants, and the
cost per article does not grow with the size of the archive.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar


class Candidate(Protocol):
    @property
    def key(self) -> str: ...  # unique and stable: the article's URL

    @property
    def timestamp(self) -> float: ...

    @property
    def lang(self) -> str: ...

    @property
    def section_slug(self) -> str: ...

    @property
    def tag_slugs(self) -> frozenset[str]: ...


C = TypeVar("C", bound=Candidate)


@dataclass
class _Posting(Generic[C]):
    times: list[tuple[float, str]]
    items: list[C]


class RelatedIndex(Generic[C]):
    """Posting lists sorted by time, per (language, tag), (language, section) and language."""

    def __init__(self, candidates: Iterable[C], window: int) -> None:
        self.window = window
        groups: dict[Hashable, list[C]] = defaultdict(list)
        for c in candidates:
            groups[("lang", c.lang)].append(c)
            groups[("section", c.lang, c.section_slug)].append(c)
            for tag in c.tag_slugs:
                groups[("tag", c.lang, tag)].append(c)
        self.postings: dict[Hashable, _Posting[C]] = {}
        for key, items in groups.items():
            items.sort(key=lambda c: (c.timestamp, c.key))
            self.postings[key] = _Posting([(c.timestamp, c.key) for c in items], items)

    def _near(self, group: Hashable, article: C) -> Sequence[C]:
        posting = self.postings.get(group)
        if posting is None:
            return ()
        at = bisect.bisect_left(posting.times, (article.timestamp, article.key))
        return posting.items[max(0, at - self.window): at + self.window + 1]

    def fill(self, article: C, exclude: set[str], count: int) -> list[C]:
        """Up to `count` articles related to `article`, none of whose keys is in `exclude`."""
        if count <= 0:
            return []
        pool: dict[str, C] = {}
        groups: list[Hashable] = [("tag", article.lang, t) for t in sorted(article.tag_slugs)]
        groups += [("section", article.lang, article.section_slug), ("lang", article.lang)]
        for group in groups:
            for c in self._near(group, article):
                if c.key != article.key and c.key not in exclude:
                    pool[c.key] = c

        def rank(c: C) -> tuple[int, int, float, str]:
            return (
                -len(article.tag_slugs & c.tag_slugs),
                0 if c.section_slug == article.section_slug else 1,
                abs(c.timestamp - article.timestamp),
                c.key,
            )

        return sorted(pool.values(), key=rank)[:count]
