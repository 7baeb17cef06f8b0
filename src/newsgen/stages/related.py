"""Filling the "read also" block: a deterministic relatedness rule backed by an index.

When an article lists fewer related items than `read_also.limit`, newsgen adds
articles of the same language, ranked by

1. the number of tags shared with the article (more first),
2. being in the same section,
3. nearness in time (the smallest gap between publication times first),
4. the URL, alphabetically, to break the remaining ties.

Candidates come from an index rather than a scan of the whole archive: for
each of the article's tags, its section, and its language, the `2 × limit`
articles published just before and just after it. So the rule above is applied
to the articles nearest in time, which is what a reader of news wants, and the
cost per article does not grow with the size of the archive.

Between builds the fills are remembered (`Fills`). A fill can only change when
an article that was, or now is, among its candidates changed: one within
`2 × limit` places of it in a posting list they share. `RelatedIndex.affected`
finds those articles from the articles that changed, so a publish recomputes a
hundred fills or so, not the whole archive's.
"""

from __future__ import annotations

import bisect
import heapq
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
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

    @property
    def label(self) -> str: ...  # what a read-also link shows: the title


C = TypeVar("C", bound=Candidate)

# What a fill sees of a candidate: time, section, tags, language and title.
Signature = tuple[float, str, tuple[str, ...], str, str]


def signature(c: Candidate) -> Signature:
    return (c.timestamp, c.section_slug, tuple(sorted(c.tag_slugs)), c.lang, c.label)


@dataclass
class Fills:
    """The previous build's fills and the candidates they were chosen from."""

    window: int = 0
    rows: dict[str, Signature] = field(default_factory=dict)  # every candidate, by key
    # key -> (keys excluded, count asked, keys chosen)
    results: dict[str, tuple[frozenset[str], int, tuple[str, ...]]] = field(
        default_factory=dict)
    changed: set[str] = field(default_factory=set)  # keys whose row or result is new

# One indexed article, flattened once: (timestamp, key, section, tags, the article).
_Row = tuple[float, str, str, frozenset[str], object]


class RelatedIndex(Generic[C]):
    """Posting lists sorted by time, per (language, tag), (language, section) and language."""

    def __init__(self, candidates: Iterable[C], window: int) -> None:
        self.window = window
        self.rows: dict[str, _Row] = {}
        groups: dict[Hashable, list[_Row]] = defaultdict(list)
        for c in candidates:
            self.rows[c.key] = (c.timestamp, c.key, c.section_slug, c.tag_slugs, c)
        # Sorted once by (time, key): every posting list is then filled in order.
        for row in sorted(self.rows.values(), key=itemgetter(0, 1)):
            lang = row[4].lang  # type: ignore[attr-defined]
            groups[("lang", lang)].append(row)
            groups[("section", lang, row[2])].append(row)
            for tag in row[3]:
                groups[("tag", lang, tag)].append(row)
        self.postings: dict[Hashable, tuple[list[tuple[float, str]], list[_Row]]] = {
            group: ([(r[0], r[1]) for r in rows], rows) for group, rows in groups.items()}

    def _near(self, ts: float, key: str, lang: str, section: str, tags: Iterable[str],
              reach: int) -> Iterator[_Row]:
        """The rows within `reach` places of (ts, key) in each posting list of the
        language, the section and the tags."""
        groups: list[Hashable] = [("lang", lang), ("section", lang, section)]
        groups += [("tag", lang, t) for t in tags]
        for group in groups:
            posting = self.postings.get(group)
            if posting is None:
                continue
            times, rows = posting
            at = bisect.bisect_left(times, (ts, key))
            yield from rows[max(0, at - reach): at + reach + 1]

    def replace(self, candidate: C) -> None:
        """Put `candidate` in the place of the indexed one with its key, which has the
        same time, section and tags (only what a fill shows of it changed)."""
        old = self.rows[candidate.key]
        row: _Row = (old[0], old[1], old[2], old[3], candidate)
        self.rows[candidate.key] = row
        lang = candidate.lang
        groups: list[Hashable] = [("lang", lang), ("section", lang, old[2])]
        groups += [("tag", lang, t) for t in old[3]]
        for group in groups:
            times, rows = self.postings[group]
            rows[bisect.bisect_left(times, (old[0], old[1]))] = row

    def insert(self, candidate: C) -> None:
        """Index `candidate`, whose key is not indexed yet, where a new index would have it."""
        row: _Row = (candidate.timestamp, candidate.key, candidate.section_slug,
                     candidate.tag_slugs, candidate)
        self.rows[candidate.key] = row
        lang = candidate.lang
        groups: list[Hashable] = [("lang", lang), ("section", lang, row[2])]
        groups += [("tag", lang, t) for t in row[3]]
        for group in groups:
            times, rows = self.postings.setdefault(group, ([], []))
            at = bisect.bisect_left(times, (row[0], row[1]))
            times.insert(at, (row[0], row[1]))
            rows.insert(at, row)

    def remove(self, key: str) -> None:
        """Forget the candidate with `key`."""
        row = self.rows.pop(key)
        lang = row[4].lang  # type: ignore[attr-defined]
        groups: list[Hashable] = [("lang", lang), ("section", lang, row[2])]
        groups += [("tag", lang, t) for t in row[3]]
        for group in groups:
            times, rows = self.postings[group]
            at = bisect.bisect_left(times, (row[0], row[1]))
            del times[at], rows[at]

    def near(self, key: str, sig: Signature) -> set[str]:
        """The keys whose fill a candidate `sig` (with `key`) may enter or leave: those
        within reach of it, as `affected` finds them."""
        return {r[1] for r in self._near(sig[0], key, sig[3], sig[1], sig[2], self.window + 1)}

    def affected(self, fills: Fills) -> set[str]:
        """The keys whose fill may differ from the one made from the candidates of the
        previous build (`fills`): those within reach of a candidate that was added,
        removed or changed. Updates `fills` to this build's candidates."""
        now = {key: signature(row[4]) for key, row in self.rows.items()}  # type: ignore[arg-type]
        before = fills.rows
        if fills.window != self.window or not before:
            fills.changed |= set(now) | set(before)
            fills.window, fills.rows, fills.results = self.window, now, {}
            return set(now)
        fills.rows = now
        changed = {k for k, sig in now.items() if before.get(k) != sig}
        fills.changed |= changed
        changed |= before.keys() - now.keys()
        reach = self.window + 1
        out: set[str] = set(changed)
        for key in changed:
            for sig in (now.get(key), before.get(key)):
                if sig is None:
                    continue
                out.update(r[1] for r in self._near(sig[0], key, sig[3], sig[1], sig[2],
                                                    reach))
        for key in before.keys() - now.keys():
            fills.results.pop(key, None)
            fills.changed.add(key)
        return out

    def remembered(self, fills: Fills, affected: set[str], article: C, exclude: set[str],
                   count: int) -> list[C]:
        """`fill`, or the previous build's fill when nothing it depends on changed."""
        key = article.key
        known = fills.results.get(key)
        if (known is not None and key not in affected and known[0] == exclude
                and known[1] == count and all(k in self.rows for k in known[2])):
            return [self.rows[k][4] for k in known[2]]  # type: ignore[misc]
        chosen = self.fill(article, exclude, count)
        fills.results[key] = (frozenset(exclude), count, tuple(c.key for c in chosen))
        fills.changed.add(key)
        return chosen

    def fill(self, article: C, exclude: set[str], count: int) -> list[C]:
        """Up to `count` articles related to `article`, none of whose keys is in `exclude`."""
        if count <= 0:
            return []
        me = self.rows.get(article.key) or (article.timestamp, article.key,
                                            article.section_slug, article.tag_slugs, article)
        ts, key, section, tags = me[0], me[1], me[2], me[3]
        pool: dict[str, _Row] = {row[1]: row for row in self._near(
            ts, key, article.lang, section, tuple(tags), self.window)}
        pool.pop(key, None)
        for k in exclude:
            pool.pop(k, None)
        ranked = heapq.nsmallest(  # (as sorted(…)[:count], without sorting the rest)
            count, pool.values(),
            key=lambda r: (-len(tags & r[3]), r[2] != section, abs(r[0] - ts), r[1]),
        )
        return [r[4] for r in ranked]  # type: ignore[misc]
