"""The configuration's labels check: a language without a catalog or `strings` for some
labels shows them in English, and a build says which. Apart from `newsgen.parse.config`
because a build with nothing to do does not run it: reading the catalogs took 25 ms of
such a build (0.4 s at 10,000 articles), which replays the warnings of the build it
found instead (the catalogs are part of newsgen, the configuration part of the key).
"""

from __future__ import annotations

from newsgen.errors import Reporter
from newsgen.hashing import digest
from newsgen.model.config import CONFIG_NAME, Config
from newsgen.parse import i18n
from newsgen.parse.config_values import language_tag
from newsgen.parse.yamltree import YamlError, YMap, parse


def missing_labels(config: Config, reporter: Reporter) -> None:
    """A language without a catalog or `strings` for some labels shows them in English:
    say which, once per language at its line, and how to give them."""
    lines: dict[str, int] | None = None
    for lang in config.languages:
        missing = i18n.make_labels(lang.code, lang.strings)[1]
        if not missing:
            continue
        if lines is None:
            lines = _language_lines(config)
        name = lang.folder or lang.code
        count = (f"all {len(missing)} labels" if len(missing) == len(i18n.LABEL_KEYS)
                 else f"{len(missing)} labels")
        reporter.warning(CONFIG_NAME, lines.get(lang.code),
                         f"language '{name}': no translation for {count} "
                         f"({', '.join(missing)}); using English (set "
                         f"languages.{name}.strings.<label> for each)")


def _language_lines(config: Config) -> dict[str, int]:
    """The line of each language's key under `languages:`, read again from the bytes the
    configuration was read from (none when the file has changed since)."""
    try:
        data = (config.root / CONFIG_NAME).read_bytes()
        node = parse(data.decode("utf-8-sig")) if digest(data) == config.read_as else None
    except (OSError, UnicodeDecodeError, YamlError):
        return {}
    langs = node.get("languages") if isinstance(node, YMap) else None
    if not isinstance(langs, YMap):
        return {}
    return {language_tag(key.text): key.line for key, _ in reversed(langs.items)}
