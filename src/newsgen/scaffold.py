"""`newsgen new` (a draft article) and `newsgen init` (a new site that builds at once)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import yaml

from newsgen.model.config import CONFIG_NAME, Config
from newsgen.parse.config import section_hint, section_names
from newsgen.parse.config_values import as_language_code, language_hint
from newsgen.parse.slugs import section_slug, slug_or_fallback
from newsgen.signals import made_whole


class ScaffoldError(Exception):
    pass


def _yaml_text(value: str) -> str:
    """A YAML scalar that reads back as exactly this string."""
    dumped: str = yaml.safe_dump(value, allow_unicode=True, default_style='"', width=10_000)
    return dumped.strip().removesuffix("...").strip()


def new_article(config: Config, title: str, section: str, lang: str | None,
                now: datetime) -> Path:
    """Write a draft article; returns its path. Refuses to overwrite anything."""
    if not title.strip():
        raise ScaffoldError("the title is empty")
    sec_slug = section_slug(section)
    section_title = section
    if not sec_slug:
        raise ScaffoldError(f"section '{section}' gives an empty slug")
    codes = [lc.code for lc in config.languages]
    if lang is not None:  # spelt as the site likes (`zh_cn`, `zh-CN`, `RU`): one language
        written, lang = lang, as_language_code(lang)
        spelt = [lc.folder or lc.code for lc in config.languages]  # as newsgen.yaml has them
        if lang not in codes:
            raise ScaffoldError(
                f"'{written}' is not a language of this site (configured: "
                f"{', '.join(spelt)}){language_hint(written, spelt)}")
    if config.sections is not None:
        names = section_names(config.sections)
        found = names.get(sec_slug)
        if found is None:
            known = [s.slug for s in config.sections]
            raise ScaffoldError(f"'{section}' is not a section of this site "
                                f"(sections: {', '.join(known)}){section_hint(section, names)}")
        match = found[1]
        # The section as the article's language names it.
        sec_slug = match.slug
        section_title = match.titles.get(lang or config.language, match.title)
    slug = slug_or_fallback(title, seed=title)
    folder = config.root / "content"
    spelt_as = config.language_config(lang).folder or lang if lang is not None else None
    if spelt_as is not None and lang != config.language:  # its folder, as newsgen.yaml has it
        folder = folder / spelt_as
    path = folder / sec_slug / f"{slug}.md"
    local = now.astimezone(config.tz)
    lines = [
        "---",
        f"title: {_yaml_text(title.strip())}",
        f"date: {local.strftime('%Y-%m-%d %H:%M')}",
        f"section: {_yaml_text(section_title)}",
    ]
    if spelt_as is not None:
        lines.append(f"lang: {spelt_as}")
    lines += [
        "tags: []",
        "draft: true",
        "---",
        "",
        "Write the article here. Remove `draft: true` when it is ready to publish.",
        "",
    ]
    where = path.parent.relative_to(config.root).as_posix()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise ScaffoldError(f"cannot make the folder {where}: a file of that name is in the "
                            "way") from None
    except OSError as exc:
        raise ScaffoldError(f"cannot make the folder {where}: {exc.strerror}") from None
    try:
        with open(path, "x", encoding="utf-8") as fh:
            fh.write("\n".join(lines))
    except FileExistsError:
        raise ScaffoldError(f"{path.relative_to(config.root).as_posix()} already exists; "
                            "choose another title or edit that file") from None
    except OSError as exc:  # a file where a folder goes, no permission, a full disk
        raise ScaffoldError(f"cannot write {path.relative_to(config.root).as_posix()}: "
                            f"{exc.strerror}") from None
    return path


CONFIG_TEMPLATE = """\
# newsgen site configuration. Every key is optional; see the newsgen README.
title: {title}
description: "News from our newsroom"
# The address the site will be published at (feeds and sitemaps need it).
base_url: "https://example.org/"
language: en
timezone: UTC
sections:
  - {{slug: general, title: General}}
per_page: 20
read_also:
  limit: 6
  fill: true
"""

WELCOME = """\
---
title: "Welcome to your news site"
date: {date}
section: General
tags: [newsgen]
author: The newsroom
---

This is the first article of your site. Edit it in `content/general/welcome.md`,
or write a new one with:

    newsgen new "My first story" --section General

Then preview the site with `newsgen serve --watch --drafts` and open
http://127.0.0.1:8000/, or build it with `newsgen build`.
"""


def init_site(target: Path, now: datetime) -> list[Path]:
    """Create a minimal site that builds at once. Refuses a non-empty folder."""
    try:
        return _init_site(target, now)
    except OSError as exc:  # under a file, on a read-only disk, without permission
        raise ScaffoldError(f"cannot create the site in {target}: {exc.strerror} "
                            f"({exc.filename})") from None


def _init_site(target: Path, now: datetime) -> list[Path]:
    if target.exists() and not target.is_dir():
        raise ScaffoldError(f"{target} already exists and is a file, not a folder")
    if target.exists() and any(target.iterdir()):
        raise ScaffoldError(f"{target} already exists and is not empty")
    title = target.resolve().name.replace("-", " ").replace("_", " ").strip().title() or "News"
    with made_whole(target) as new:  # a stopped init leaves no half site behind
        return [target / path.relative_to(new) for path in _write_site(new, now, title)]


def _write_site(target: Path, now: datetime, title: str) -> list[Path]:
    files = {
        target / CONFIG_NAME: CONFIG_TEMPLATE.format(title=_yaml_text(title)),
        target / "content" / "general" / "welcome.md": WELCOME.format(
            date=now.strftime("%Y-%m-%d %H:%M")),
    }
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for folder in ("templates", "static"):
        (target / folder).mkdir(parents=True, exist_ok=True)
    return list(files)
