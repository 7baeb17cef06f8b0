"""A Jekyll site's languages: which is the default, and how the old site spells each one's
folder, which its URLs keep."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from typing import Any

from newsgen.migrate.common import Source, scalar_text
from newsgen.parse.config_values import check_language_code, language_tag

Found = list[tuple[Source, list[str], bool]]  # each post, the folders above it, a draft?


def language_first(template: str, lang: str) -> bool:
    """A permalink that starts with the language `lang` (`/ja/:year/…`), in any spelling."""
    head, _, rest = template.lstrip("/").partition("/")
    return bool(rest) and language_tag(head) == language_tag(lang)


def past_language(template: str) -> str:
    """A permalink without its first folder, the language's (`/ja/:year/…` → `/:year/…`)."""
    return "/" + template.lstrip("/").partition("/")[2]


def spellings(found: Found, folders: set[str], site_template: str,
              defaults_for: Callable[[str], dict[str, Any]]) -> dict[str, str]:
    """Each language's folder (by BCP 47 tag) as the old site spells it: as its posts'
    URLs start (`/pt-br/…`), else as the folders above `_posts` (`zh_CN/_posts`), else
    as most posts' `lang` (`zh_CN` or `zh-CN`: one language, one folder, whose name a
    disk that ignores case cannot hold twice). Ties go to the name first in order."""
    in_urls, in_folders, in_lang = Counter[str](), Counter[str](), Counter[str]()
    for source, above, _ in found:
        defaults = defaults_for(source.rel)
        folder = above[0] if above and above[0] in folders else None
        written = scalar_text(source.get("lang")) or scalar_text(defaults.get("lang"))
        raw = written or folder
        if not raw:
            continue
        in_lang.update([written] if written else [])
        if folder and language_tag(folder) == language_tag(raw):
            in_folders[folder] += 1
        template = str(source.get("permalink") or defaults.get("permalink") or "")
        template = template or site_template
        if language_first(template, raw):
            in_urls[template.lstrip("/").partition("/")[0]] += 1
        elif folder and template.lstrip("/").startswith(":categories") and above[0] == folder:
            in_urls[folder.lower()] += 1  # (Jekyll's URLs spell categories in small letters)
    out: dict[str, str] = {}
    for counted in (in_urls, in_folders, in_lang):  # the first to spell a language
        for raw, _ in sorted(counted.items(), key=lambda kv: (-kv[1], kv[0])):
            out.setdefault(language_tag(raw), raw)
    return out


def default_language(config: dict[Any, Any], declared: list[str], found: Found,
                     folders: set[str]) -> str:
    """The site's language: as its configuration names it, else the first it declares,
    else English when posts lie outside the language folders, else the most posts'."""
    for key in ("default_lang", "default_language", "lang", "language", "locale"):
        code = (scalar_text(config.get(key)) or "").lower()
        if key == "locale":  # en_US: the language
            code = re.split(r"[-_]", code)[0]
        if code and check_language_code(code) is None:
            return code
    if declared and check_language_code(declared[0]) is None and "en" not in declared:
        return declared[0].lower()
    if "en" in folders or not folders or any(  # posts outside the language folders
            not a or a[0] not in folders for _, a, _ in found):
        return "en"
    counts = Counter(a[0] for _, a, _ in found if a and a[0] in folders)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
