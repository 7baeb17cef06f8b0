"""Translations: the published articles that share a `translation_key`, one per
language, and the mistakes that lose them (two in one language, a key mistyped)."""

from __future__ import annotations

from collections import defaultdict

from newsgen.errors import Reporter
from newsgen.model.config import Config
from newsgen.model.site import Entry
from newsgen.stages.typos import NearNames


def translation_groups(config: Config, reporter: Reporter,
                       entries: list[Entry]) -> dict[str, list[Entry]]:
    """Each entry's translations (by its source), in the order of the site's languages."""
    groups: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        if e.article.translation_key:
            groups[e.article.translation_key].append(e)
    _lonely_keys(reporter, groups)
    order = {lang.code: i for i, lang in enumerate(config.languages)}
    out: dict[str, list[Entry]] = {}
    for key, group in groups.items():
        by_lang: dict[str, Entry] = {}
        for e in sorted(group, key=lambda e: e.article.source):
            first = by_lang.get(e.lang)
            if first is not None:
                reporter.error(
                    e.article.source, e.article.line_of("translation_key"),
                    f"translation_key '{key}' is also used by {first.article.source} "
                    f"in the same language ({e.lang})")
                continue
            by_lang[e.lang] = e
        members = sorted(by_lang.values(), key=lambda e: order.get(e.lang, 99))
        for e in members:
            out[e.article.source] = [m for m in members if m is not e]
    return out


def _lonely_keys(reporter: Reporter, groups: dict[str, list[Entry]]) -> None:
    """A translation_key written by hand that no other article shares, and that is
    one letter off a key other languages share, is a typo that drops the links."""
    lonely = [g[0] for g in groups.values()
              if len(g) == 1 and g[0].article.line_of("translation_key")]
    if not lonely:
        return
    shared = {k: {e.lang for e in g} for k, g in groups.items() if len(g) > 1}
    near = NearNames(shared)
    for e in lonely:
        key = e.article.translation_key or ""
        meant = near.one_letter_off(key)
        if meant is not None and e.lang not in shared[meant]:
            reporter.warning(e.article.source, e.article.line_of("translation_key"),
                             f"translation_key '{key}' is shared by no other "
                             f"article, so this one has no translations; did you "
                             f"mean '{meant}'?")
