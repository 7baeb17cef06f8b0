"""`newsgen import hugo|jekyll SRC DEST`: a Hugo or Jekyll news site as a newsgen site.

The old site is only read. DEST gets `newsgen.yaml`, the posts under `content/` with
newsgen's front matter and converted bodies, and the files the old site served as they
are under `static/`. Every old post URL is kept: by the permalink and slug where newsgen
can give the post the same URL, by an alias (a redirect page) where it cannot. Running
it twice on the same site gives the same files, byte for byte.
"""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from newsgen.errors import Reporter, count, did_you_mean
from newsgen.migrate.common import ConfigBroken, ImportRefused, Moment, Notes, Plan, Post
from newsgen.migrate.place import Spot, choose, settle
from newsgen.migrate.write import Writer, site_config
from newsgen.model.config import Config
from newsgen.parse.config import load_config
from newsgen.parse.config_values import check_language_code, language_tag
from newsgen.parse.readings import path_facts
from newsgen.parse.slugs import slugify
from newsgen.signals import made_whole

__all__ = ["ImportRefused", "ImportResult", "run_import", "summary"]


@dataclass
class ImportResult:
    posts: Counter[str] = field(default_factory=Counter)  # converted, by language
    found: int = 0  # posts found in the old site (converted or not)
    redirects: int = 0  # aliases written (old URLs that get a redirect page)
    kept: int = 0  # posts whose newsgen URL is their old URL
    permalink: str = ""
    warnings: Counter[str] = field(default_factory=Counter)  # by kind
    skipped: Counter[str] = field(default_factory=Counter)
    files: int = 0  # files copied
    unread: Counter[str] = field(default_factory=Counter)  # posts found, not imported: why


def check_places(src: Path, dest: Path) -> None:
    if src.is_file():
        raise ImportRefused(f"the old site '{src}' is a file: name its folder")
    if not src.is_dir():
        near = [p.name for p in src.parent.iterdir() if p.is_dir()] if src.parent.is_dir() else []
        raise ImportRefused(f"no such folder: '{src}'" + did_you_mean(src.name, near))
    if dest.is_file():
        raise ImportRefused(f"'{dest}' is a file: name a new or empty folder")
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ImportRefused(f"'{dest}' exists and is not empty: name a new or empty folder")
    real_src, real_dest = src.resolve(), dest.resolve()
    if real_dest == real_src or real_dest.is_relative_to(real_src):
        raise ImportRefused(f"'{dest}' is inside the old site: name a folder outside it "
                            "(the old site is never written to)")


def run_import(kind: str, src: Path, dest: Path, reporter: Reporter) -> ImportResult:
    """Import the `kind` ("hugo" or "jekyll") site at `src` into the new folder `dest`.
    Raises ImportRefused when it cannot start; problems with posts are warnings."""
    src, dest = Path(os.path.abspath(src)), Path(os.path.abspath(dest))
    check_places(src, dest)
    notes = Notes(reporter)
    try:
        plan = _read_site(kind, src, notes)
    except ConfigBroken as exc:  # in the compiler's form, then a stop
        reporter.error(exc.rel, exc.line, exc.message)
        reporter.print(warnings=False)
        raise ImportRefused("the old site's configuration cannot be read (every URL depends "
                            "on it): nothing was written") from None
    except ImportRefused as exc:
        raise ImportRefused(f"{exc}{site_hint(kind, src)}") from None
    found = len(plan.posts) + plan.unread.total()
    _guess_zone(plan, notes)
    _check_languages(plan, notes)
    _unique_paths(plan.posts)
    with made_whole(dest) as new:  # a stopped import leaves no half site behind
        config = _configure(plan, new, notes, "")
        spots = _spots(plan.posts, config)
        pattern = choose(plan.patterns, spots, config.tz)
        config = _configure(plan, new, notes, pattern)
        spots = _spots(plan.posts, config)
        settle(config.permalink, spots, config.tz)
        result = ImportResult(found=found, permalink="/" + config.permalink,
                              skipped=plan.skipped, unread=plan.unread)
        for post, spot in zip(plan.posts, spots, strict=True):
            post.slug, post.aliases = spot.slug, spot.aliases
            result.kept += spot.kept
            for alias, why in spot.dropped:
                notes.warn(post.source.rel, post.source.line("aliases", "redirect_from"),
                           "old URL", f"no redirect from {alias}: {why}")
        _case_only(plan.posts, spots, notes)
        _translations(plan.posts, notes)
        _distinct_keys(plan.posts, config)
        writer = Writer(plan, src, new, notes, kind)
        written = writer.write_all()
    result.files = writer.copied
    for post in written:
        result.posts[post.lang] += 1
        result.redirects += len(post.aliases)
    result.warnings = notes.kinds
    return result


def _read_site(kind: str, src: Path, notes: Notes) -> Plan:
    if kind == "hugo":
        from newsgen.migrate.hugo import HugoSite

        return HugoSite(src, notes).plan()
    if kind == "jekyll":
        from newsgen.migrate.jekyll import JekyllSite

        return JekyllSite(src, notes).plan()
    raise ImportRefused(f"'{kind}' is not hugo or jekyll")


def site_hint(kind: str, src: Path) -> str:
    """Why `src` may be no `kind` site: the other kind, or the site one folder down."""
    hugo = ("hugo.toml", "hugo.yaml", "hugo.json", "config.toml", "config.yaml")
    marks = {"hugo": hugo, "jekyll": ("_config.yml", "_config.yaml", "_config.toml", "_posts")}
    other = "jekyll" if kind == "hugo" else "hugo"
    if any((src / name).exists() for name in marks[other]) and not any(
            (src / name).exists() for name in marks[kind]):
        return f": it looks like a {other.capitalize()} site: newsgen import {other} {src} …"
    inside = [p for p in sorted(src.iterdir()) if p.is_dir() and any(
        (p / name).exists() for name in marks[kind])] if src.is_dir() else []
    if len(inside) == 1:
        return f": the site seems to be in its folder '{inside[0].name}': import {inside[0]}"
    return ""


def _configure(plan: Plan, dest: Path, notes: Notes, pattern: str) -> Config:
    """Write newsgen.yaml and read it back with newsgen's own reader, so URLs are
    computed from the configuration exactly as newsgen will read it."""
    (dest / "newsgen.yaml").write_text(site_config(plan, pattern), encoding="utf-8")
    reporter = Reporter()
    config = load_config(dest, reporter)
    for problem in reporter.errors:
        notes.warn("newsgen.yaml", problem.line, "config", f"the written configuration: "
                   f"{problem.message}")
    return config


def _prefix(config: Config, code: str) -> str:
    for lang in config.languages:
        if code in (lang.code, getattr(lang, "folder", "")) or (
                lang.is_default and code == config.language):
            return lang.prefix
    return f"{code}/"


def _spots(posts: list[Post], config: Config) -> list[Spot]:
    return [Spot(key=p.source.rel, old_url=p.old_url, prefix=_prefix(config, p.lang),
                 section=slugify(p.section) or "news", when=p.moment.instant, name=p.name,
                 extra_aliases=list(p.extra_aliases)) for p in posts]


def _guess_zone(plan: Plan, notes: Notes) -> None:
    """No time zone named, but the posts' times carry UTC offsets: most of them one
    (`+08:00`), read as the fixed zone of that offset (`Etc/GMT-8`, its sign inverted),
    or several that one zone's daylight saving explains (-08:00 in winter, -07:00 in
    summer: America/Los_Angeles), so newsgen shows times as written, as Hugo shows them,
    and each post keeps its day (and URL). Times without an offset keep their instant
    (UTC); a date alone becomes midnight in that zone, since newsgen reads it so (and
    places the post by that day)."""
    timed = [p for p in plan.posts if p.moment.time_given]
    offsets = Counter(p.moment.written.utcoffset() for p in timed
                      if isinstance(p.moment.written, datetime))
    if plan.timezone or not offsets:
        return
    offset, n = offsets.most_common(1)[0]
    hours = offset.total_seconds() / 3600 if offset is not None else 0.0
    if len(offsets) > 1 and None not in offsets and (found := _fitting_zone(timed)):
        zone, why = found, (f"the posts' times carry the offsets "
                            f"{', '.join(sorted(map(_offset, offsets)))}, as {found}'s "
                            "daylight saving does")
        first = min(timed, key=lambda p: p.source.rel)
    elif hours and hours.is_integer() and -12 <= hours <= 14 and n >= 0.8 * len(timed):
        zone = f"Etc/GMT{-int(hours):+d}"
        why = f"the posts' times carry the offset {_offset(offset)} ({n:,} of {len(timed):,})"
        first = min((p for p in timed if isinstance(p.moment.written, datetime)
                     and p.moment.written.utcoffset() == offset), key=lambda p: p.source.rel)
    else:
        return
    plan.timezone, plan.tz = zone, ZoneInfo(zone)
    for post in plan.posts:
        written = post.moment.written
        if isinstance(written, datetime):
            if written.tzinfo is None:
                post.moment = Moment(post.moment.instant, post.moment.instant, True)
        else:  # a date alone is midnight in the site's zone, as newsgen reads it
            midnight = datetime(written.year, written.month, written.day, tzinfo=plan.tz)
            post.moment = Moment(written, midnight, False)
    notes.warn(first.source.rel, first.source.line("date"), "time zone",
               f"{why} and the old site names no time zone: newsgen.yaml gets timezone: "
               f"{zone}, so times show as written; put the site's own zone there if it "
               "has one")


def _offset(offset: timedelta | None) -> str:
    minutes = int((offset or timedelta()).total_seconds() // 60)
    return f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


# Zones a newsroom most often is in, tried first: many zones share one history of offsets
# (America/Detroit, America/New_York), and the name in newsgen.yaml should be the known one.
_KNOWN_ZONES = (
    "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
    "America/Anchorage", "America/Halifax", "America/Mexico_City", "America/Sao_Paulo",
    "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin",
    "Europe/Madrid", "Europe/Rome", "Europe/Warsaw", "Europe/Kyiv", "Europe/Athens",
    "Europe/Istanbul", "Europe/Moscow", "Asia/Jerusalem", "Asia/Tehran", "Asia/Ashgabat",
    "Australia/Sydney", "Australia/Melbourne", "Australia/Adelaide", "Pacific/Auckland")


def _fitting_zone(timed: list[Post]) -> str | None:
    """The zone whose offset at each post's instant is the offset the post was written
    with (known zones first, then the others by name), or None."""
    from zoneinfo import ZoneInfoNotFoundError, available_timezones

    pairs = list({(w.astimezone(UTC), w.utcoffset()) for p in timed
                  if isinstance(w := p.moment.written, datetime) and w.tzinfo is not None})
    others = sorted(z for z in available_timezones() if "/" in z and not z.startswith(
        ("Etc/", "posix/", "right/", "US/", "Canada/", "Brazil/", "Mexico/", "Chile/")))
    for name in dict.fromkeys((*_KNOWN_ZONES, *others)):
        try:
            zone = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue
        if all(at.astimezone(zone).utcoffset() == offset for at, offset in pairs):
            return name
    return None


def _check_languages(plan: Plan, notes: Notes) -> None:
    """A post in a language newsgen has no data for is imported in the default one; codes
    that name one language (`EN`, `en`; `zh_cn`, `zh-CN`) are written one way."""
    spelled = {language_tag(plan.language): plan.language}
    for post in sorted(plan.posts, key=lambda p: p.source.rel):
        post.lang = spelled.setdefault(language_tag(post.lang), post.lang)
    for post in plan.posts:
        if post.lang != plan.language and check_language_code(post.lang) is not None:
            notes.warn(post.source.rel, None, "language", f"'{post.lang}' is not a language "
                       f"newsgen knows; imported as {plan.language}")
            post.lang = plan.language
    codes = {plan.language, *plan.languages}
    for post in plan.posts:
        if slugify(post.section) in codes:  # /de/ is the de home page, not a section
            notes.warn(post.source.rel, None, "section", f"the section '{post.section}' "
                       "would share its folder with a language: imported into 'news'")
            post.section = "news"
    used = sorted({p.lang for p in plan.posts} - {plan.language})
    plan.languages = {c: plan.languages.get(c, {"title": plan.title}) for c in used}


def _unique_paths(posts: list[Post]) -> None:
    """Two posts never write one file: the second gets `-2` in its name."""
    seen: set[str] = set()
    for post in sorted(posts, key=lambda p: p.source.rel):
        stem, number = post.new_path.removesuffix(".md"), 1
        while post.new_path.lower() in seen:
            number += 1
            post.new_path = f"{stem}-{number}.md"
        seen.add(post.new_path.lower())


def _case_only(posts: list[Post], spots: list[Spot], notes: Notes) -> None:
    """Said once: old URLs that differ from the new ones only in capitals."""
    found = [post for post, spot in zip(posts, spots, strict=True)
             if any(alias.lower() == "/" + spot.url.lower() for alias in spot.aliases)]
    if found:
        notes.warn(found[0].source.rel, None, "old URL", f"{len(found):,} old URL"
                   f"{'s differ' if len(found) > 1 else ' differs'} from the new one only in "
                   "capitals (/x/Title/ and /x/title/): the redirect pages work on servers "
                   "that tell capitals apart, but build on a disk that does (not macOS's or "
                   "Windows' default)")


def _translations(posts: list[Post], notes: Notes) -> None:
    """Posts of one group in several languages share a translation_key (one per
    language: a second post of a language in the group keeps none)."""
    groups: dict[str, list[Post]] = {}
    for post in sorted(posts, key=lambda p: p.source.rel):
        if post.group is not None:
            groups.setdefault(post.group, []).append(post)
    for group, members in sorted(groups.items()):
        if len({p.lang for p in members}) < 2:
            continue
        key = group.replace("/_posts/", "/").rsplit(".", 1)[0] if "." in group.rsplit(
            "/", 1)[-1] else group
        seen: set[str] = set()
        for post in members:
            if post.lang in seen:
                notes.warn(post.source.rel, None, "translation",
                           f"another {post.lang} post is a translation of '{group}' too; "
                           "this one is imported without translation_key")
                continue
            seen.add(post.lang)
            post.translation_key = key


def _distinct_keys(posts: list[Post], config: Config) -> None:
    """A post without translation_key has its path, without the language, as one
    (newsgen.parse.readings): where that is the key of another post of its language (a
    group's, or a renamed file's), it is given a key of its own: its path, language and
    all, numbered when that is taken too."""
    keys: dict[tuple[str, str], int] = {}
    implicit = {}
    for post in posts:
        key = post.translation_key or path_facts(
            config, post.new_path.removeprefix("content/")).translation_key
        implicit[id(post)] = key
        keys[(post.lang, key)] = keys.get((post.lang, key), 0) + 1
    for post in posts:
        if not post.translation_key and keys[(post.lang, implicit[id(post)])] > 1:
            own, number = post.new_path.removeprefix("content/").rsplit(".", 1)[0], 1
            key = own
            while (post.lang, key) in keys:  # a default-language path is its implicit key
                number += 1
                key = f"{own}-{number}"
            post.translation_key = key
            keys[(post.lang, key)] = 1


def copy_file(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def _one(what: str) -> str:
    """"pages (about, index)" of one: "page (about, index)"; "theme files" "theme file"."""
    return re.sub(r"^((?:\w+ )?\w+?)s\b", r"\1", what)


def summary(result: ImportResult, dest: str) -> str:
    """What the import did, in a few lines for the terminal."""
    by_lang = ", ".join(f"{lang} {n:,}" for lang, n in sorted(
        result.posts.items(), key=lambda kv: (-kv[1], kv[0])))
    total = sum(result.posts.values())
    lines = [f"newsgen: imported {total:,} of {result.found:,} posts into {dest}"
             + (f" ({by_lang})" if by_lang else ""),
             f"newsgen: permalink {result.permalink}: {count(result.kept, 'post')} "
             f"{'keeps its' if result.kept == 1 else 'keep their'} "
             f"old URL; {count(result.redirects, 'old URL')} "
             f"{'gets' if result.redirects == 1 else 'get'} a redirect page "
             "(aliases)"]
    if result.unread:
        why = ", ".join(f"{n:,} {what}" for what, n in sorted(
            result.unread.items(), key=lambda kv: (-kv[1], kv[0])))
        lines.append(f"newsgen: {count(result.unread.total(), 'post')} not imported: {why}")
    if result.files:
        lines.append(f"newsgen: {count(result.files, 'file')} copied (images, downloads, "
                     "page bundles' files)")
    if result.warnings:
        kinds = ", ".join(f"{kind} {n:,}" for kind, n in sorted(
            result.warnings.items(), key=lambda kv: (-kv[1], kv[0])))
        lines.append(f"newsgen: {count(sum(result.warnings.values()), 'warning')}: {kinds}")
    if result.skipped:
        left = ", ".join(f"{n:,} {_one(what) if n == 1 else what}" for what, n in sorted(
            result.skipped.items(), key=lambda kv: (-kv[1], kv[0])))
        lines.append(f"newsgen: not imported: {left}; the site uses newsgen's own theme")
    return "\n".join(lines)
