"""Read-also fills remembered between builds are exactly the fills a clean build makes,
whatever sequence of publishes, removals, retitles, retags and moves came in between."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from newsgen.stages.related import Fills, RelatedIndex


@dataclass(frozen=True)
class Cand:
    key: str
    timestamp: float
    lang: str
    section_slug: str
    tag_slugs: frozenset[str]
    label: str


TAGS = ["a", "b", "c", "d", "e"]


def _cand(i: int, draw_ts: int, lang: int, section: int, tags: list[int], title: int) -> Cand:
    return Cand(f"k{i:03d}", float(draw_ts), ["en", "ru"][lang], f"s{section}",
                frozenset(TAGS[t] for t in tags), f"T{title}")


candidate = st.tuples(st.integers(0, 60), st.integers(0, 1), st.integers(0, 2),
                      st.lists(st.integers(0, 4), max_size=3), st.integers(0, 3))
# An edit: (kind, which, new values)
edit = st.tuples(st.sampled_from(["add", "remove", "change"]), st.integers(0, 10_000),
                 candidate)


def _all_fills(index: RelatedIndex[Cand], cands: dict[str, Cand], count: int,
               fills: Fills | None) -> dict[str, list[tuple[str, str]]]:
    affected = index.affected(fills) if fills is not None else set()
    out = {}
    for key in sorted(cands):
        exclude = {key}
        if fills is None:
            chosen = index.fill(cands[key], exclude, count)
        else:
            chosen = index.remembered(fills, affected, cands[key], exclude, count)
        out[key] = [(c.key, c.label) for c in chosen]
    return out


@settings(max_examples=150, deadline=None)
@given(start=st.lists(candidate, min_size=1, max_size=40),
       edits=st.lists(st.lists(edit, min_size=1, max_size=4), min_size=1, max_size=6),
       limit=st.integers(1, 3))
def test_remembered_fills_equal_fresh_fills(start: list[Any], edits: list[list[Any]],
                                            limit: int) -> None:
    cands = {c.key: c for c in (_cand(i, *v) for i, v in enumerate(start))}
    counter = len(start)
    fills = Fills()
    window = 2 * limit
    _all_fills(RelatedIndex(cands.values(), window), cands, limit, fills)
    for batch in edits:  # one build per batch of edits
        for kind, which, values in batch:
            keys = sorted(cands)
            if kind == "add" or not keys:
                cands[f"k{counter:03d}"] = _cand(counter, *values)
                counter += 1
            elif kind == "remove":
                del cands[keys[which % len(keys)]]
            else:
                key = keys[which % len(keys)]
                cands[key] = _cand(int(key[1:]), *values)
        index = RelatedIndex(cands.values(), window)
        remembered = _all_fills(index, cands, limit, fills)
        fresh = _all_fills(index, cands, limit, None)
        assert remembered == fresh


def test_a_publish_recomputes_a_few_fills_not_all() -> None:
    cands = {f"k{i:04d}": Cand(f"k{i:04d}", float(i), "en", f"s{i % 4}",
                               frozenset({TAGS[i % 5], TAGS[(i * 7) % 5]}), f"T{i}")
             for i in range(2000)}
    fills = Fills()
    _all_fills(RelatedIndex(cands.values(), 6), cands, 3, fills)
    fills.changed.clear()
    cands["new"] = Cand("new", 1500.5, "en", "s1", frozenset({"a", "b"}), "New")
    index = RelatedIndex(cands.values(), 6)
    _all_fills(index, cands, 3, fills)
    assert 0 < len(fills.changed) < 100  # the new one and its neighbours in its lists
