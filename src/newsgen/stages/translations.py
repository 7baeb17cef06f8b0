"""Translations: the published articles that share a `translation_key`, one per
language, and the mistakes that lose them (two in one language, a key mistyped)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta

from newsgen.errors import Reporter
from newsgen.model.config import Config
from newsgen.model.content import Article, on_site_together
from newsgen.model.site import Entry
from newsgen.stages.typos import NearNames

# How near in time translations of one story are published: a key one digit off a key
# of articles this near is a typo (`budget-2025` and `budget-2024` are years apart).
_DAYS = timedelta(days=2)


def translation_groups(config: Config, reporter: Reporter, entries: list[Entry],
                       waiting: Iterable[Article] = ()) -> dict[str, list[Entry]]:
    """Each entry's translations (by its source), in the order of the site's languages.

    Two articles of one language with one key are an error, also when one of them is
    `waiting` (scheduled): the build that publishes it must not be the one to fail."""
    groups: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        if e.article.translation_key:
            groups[e.article.translation_key].append(e)
    lonely_keys(reporter, {k: [e.article for e in g] for k, g in groups.items()})
    later = [a for a in waiting if a.translation_key]
    wrong = _same_language(config, reporter, [*(e.article for e in entries
                                                if e.article.translation_key), *later],
                           {a.source for a in later})
    order = {lang.code: i for i, lang in enumerate(config.languages)}
    out: dict[str, list[Entry]] = {}
    for group in groups.values():
        members = sorted((e for e in group if e.article.source not in wrong),
                         key=lambda e: order.get(e.lang, 99))
        for e in members:
            out[e.article.source] = [m for m in members if m is not e]
    return out


def _same_language(config: Config, reporter: Reporter, articles: list[Article],
                   waiting: set[str]) -> set[str]:
    """The articles that are a second translation in one language (each said as an
    error, at the line that made it so: its key's, its language's, else its first)."""
    kept: dict[tuple[str, str], Article] = {}
    wrong: set[str] = set()
    for a in sorted(articles, key=lambda a: a.source):
        key = (a.translation_key or "", a.lang)
        first = kept.get(key)
        if first is None:
            kept[key] = a
            continue
        if not on_site_together(a, first, waiting):  # (one replaces the other: it expires first)
            continue
        # the one whose own words made the pair; else the one still to come
        if (*_written(a), a.source in waiting) < (*_written(first), first.source in waiting):
            kept[key], a, first = a, first, a
        wrong.add(a.source)
        other = first.source + (f" (scheduled for {_local(config, first)})"
                                if first.source in waiting else "")
        if a.line_of("translation_key"):
            line, said = a.line_of("translation_key"), (
                f"translation_key '{key[0]}' is also used by {other} in the same language "
                f"({a.lang})")
        else:
            line = a.line_of("lang") or 1
            how = "lang: makes this" if a.line_of("lang") else "this file is"
            said = (f"{how} the {a.lang} translation of '{key[0]}' (the key its path "
                    f"gives), and so is {other}: give one of them a translation_key of "
                    "its own")
        if a.source in waiting:
            said += (f" (this one is scheduled for {_local(config, a)}: the build that "
                     "publishes it would fail)")
        reporter.error(a.source, line, said)
    return wrong


def _local(config: Config, a: Article) -> str:
    return f"{a.date.astimezone(config.tz):%Y-%m-%d %H:%M}"


def _written(a: Article) -> tuple[bool, bool]:
    """How much of its translation an article says itself: its key, its language."""
    return bool(a.line_of("translation_key")), bool(a.line_of("lang"))


def keyed(articles: Iterable[Article]) -> dict[str, list[Article]]:
    """The articles by translation_key (as written), those without one left out."""
    groups: dict[str, list[Article]] = defaultdict(list)
    for a in articles:
        if a.translation_key:
            groups[a.translation_key].append(a)
    return groups


def lonely_keys(reporter: Reporter, groups: dict[str, list[Article]]) -> None:
    """A translation_key written by hand that no other article shares, and that is
    one letter off a key other languages share, is a typo that drops the links.
    `groups`: the published articles by key (`keyed`)."""
    lonely = [g[0] for g in groups.values()
              if len(g) == 1 and g[0].line_of("translation_key")]
    if not lonely:
        return
    shared = {k: {a.lang for a in g} for k, g in groups.items() if len(g) > 1}
    near = NearNames(shared)
    folded: dict[str, list[Article]] = defaultdict(list)  # (`Story-1` and `story-1`)
    for key, group in groups.items():
        folded[key.casefold()].extend(group)
    for a in lonely:
        key = a.translation_key or ""
        cased = [o for o in folded[key.casefold()] if o.translation_key != key
                 and o.lang != a.lang]
        if cased:
            other = min(cased, key=lambda o: o.source)
            reporter.warning(a.source, a.line_of("translation_key"),
                             f"translation_key '{key}' is shared by no other article, so "
                             f"this one has no translations; {other.source} has "
                             f"'{other.translation_key}', which differs only in "
                             "capitals (keys are compared as written): write one of them")
            continue
        meant = near.one_letter_off(key)
        if meant is None:  # a digit: `visit-2026-12-05` for `…-06`, of the same days
            meant = next((k for k in near.one_digit_off(key) if a.lang not in shared[k]
                          and any(abs(m.date - a.date) <= _DAYS for m in groups[k])), None)
        if meant is not None and a.lang not in shared[meant]:
            reporter.warning(a.source, a.line_of("translation_key"),
                             f"translation_key '{key}' is shared by no other "
                             f"article, so this one has no translations; did you "
                             f"mean '{meant}'?")
