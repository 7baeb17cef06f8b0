"""The check of the articles' site links after a patch: the dev server checks again only
the articles a save changed.

Every build checks each article's links to this site's paths against every path it
publishes (newsgen.stages.site_links). In the dev server that was a pass over every
article's links and a dict of every published path at each save: at 100,000 articles,
about half a second of a save's second. A patch that keeps the site's shape
(newsgen.incremental.relink, `replan`) keeps the plan's pages, so:

- the published paths are those of the last build, while the site's files and the image
  variants are (`published`);
- what the check says of an article depends only on the article, its body and what it
  is checked against: the published paths and the linker's held, expired and broken
  articles, which a patch keeps (a change to any of those links the whole site anew).
  An article and a body that are the same objects as at the last check (the server's
  reading keeps the unchanged ones: newsgen.incremental.reading) say the same again.

One thing of the check is not the article's own: a "did you mean …?" hint is given to
the first `LIMIT` links that ask for one, in the articles' order. Each article's asks
are kept with what it said; after a save, the asks of the articles that ask are
counted again in the articles' order, and one whose share of the hints changed (one
before it asked more, or fewer, past the limit) is checked again, after as many asks
as a full build makes before it.
`tests/test_relink.py` holds the diagnostics after random saves to a clean build's.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from newsgen.errors import Diagnostic, Reporter
from newsgen.model.content import Article
from newsgen.model.site import Site
from newsgen.parse.markup import Body
from newsgen.stages import site_links
from newsgen.stages.kinds import Page
from newsgen.stages.plan import outputs
from newsgen.stages.references import Placed
from newsgen.stages.site_links import SiteLinks, dead_site_links


@dataclass
class Checked:
    """The last check of a plan's site links: what it was made with (the checker holds
    the published paths and the linker's held, expired and broken articles), at which
    patch of the linked site, and what each article said."""

    links: SiteLinks
    linker: object
    generation: int  # newsgen.incremental.linked.Linked.generation
    # by source: the article and body checked, what it said, how many times it asked
    # for a "did you mean …?" hint, and after how many asks of other articles
    said: dict[str, tuple[Article, Body | None, list[Diagnostic], int, int]]
    asked: int  # by all articles
    noisy: dict[str, list[Diagnostic]]  # the articles that said something
    asking: set[str] = field(default_factory=set)  # those that asked for any
    order: dict[str, int] = field(default_factory=dict)  # the articles' places


@dataclass
class Kept:
    """What a plan kept in this process keeps of the checks (newsgen.incremental.replan)."""

    files: tuple[object, ...] | None = None  # the site's files and the image variants
    published: dict[str, str] | None = None  # ... and every path published with them
    checked: Checked | None = None


def published(kept: Kept | None, site: Site, pages: list[Page],
              made: Collection[str]) -> dict[str, str]:
    """Every path the build publishes (newsgen.stages.plan.outputs): the same dict as the
    last build's while the plan's pages (`kept` is theirs), the site's files and the
    image variants are the same."""
    if kept is None:
        return outputs(site, pages, made)
    files = (site.assets, frozenset(made))
    if kept.published is None or kept.files != files:
        kept.files, kept.published = files, outputs(site, pages, made)
    return kept.published


def check(kept: Kept | None, linker: object, generation: int, site: Site,
          articles: list[Article], bodies: Mapping[str, Body], found: Mapping[str, str],
          reporter: Reporter, placed: Iterable[Placed], broken: Collection[str],
          changed: Iterable[Article] | None = None) -> None:
    """Check every article's site links against `found` (newsgen.stages.site_links).
    When `kept` holds the check of the patch before (`generation` - 1) with the same
    linker and published paths, only the articles `changed` since (when not known: those
    that are not the same objects as then) are checked again, and the others say again
    what they said, unless the hints they were given change (`_hinted`)."""
    if kept is None:
        dead_site_links(site, articles, bodies, found, reporter, placed, broken)
        return
    last = kept.checked
    kept.checked = None  # (until this check is whole)
    again: Checked | None = None
    if (last is not None and last.linker is linker and last.links.published is found
            and last.generation == generation - 1):
        if changed is None:
            changed = [a for a in articles
                       if (before := last.said.get(a.source)) is None
                       or before[0] is not a or before[1] is not bodies.get(a.source)]
        for a in changed:  # (each as if first: all its hints)
            _one(last, a, bodies.get(a.source), 0)
        asked = 0  # the asks again, in the articles' order (the others take no hint)
        for source in sorted(last.asking, key=last.order.__getitem__):
            a, body, _, asks, then = last.said[source]
            if _hinted(asks, then) != _hinted(asks, asked):  # its share changed
                _one(last, a, body, asked)
            asked += asks
        again = last
    if again is None:
        links = SiteLinks(site, found, placed, broken)
        again = Checked(links, linker, generation, {}, 0, {},
                        order={a.source: i for i, a in enumerate(articles)})
        for a in articles:
            _one(again, a, bodies.get(a.source), again.asked)
    again.generation = generation
    kept.checked = again
    for diagnostics in again.noisy.values():
        reporter.extend(diagnostics)


def _hinted(asks: int, before: int) -> int:
    """How many of an article's `asks` for a hint get one, after `before` asks of the
    articles before it (a build gives the first `LIMIT`)."""
    return max(0, min(asks, site_links.LIMIT - before))


def _one(checked: Checked, a: Article, body: Body | None, before: int) -> None:
    """Check `a` again, after `before` asks for a hint, and keep what it says."""
    heard = Reporter()
    checked.links.near.given = before
    checked.links.check(a, body, heard)
    asks = checked.links.near.given - before
    kept = checked.said.get(a.source)
    checked.asked += asks - (kept[3] if kept is not None else 0)
    checked.said[a.source] = (a, body, heard.diagnostics, asks, before)
    if heard.diagnostics:
        checked.noisy[a.source] = heard.diagnostics
    else:
        checked.noisy.pop(a.source, None)
    if asks:
        checked.asking.add(a.source)
    else:
        checked.asking.discard(a.source)
