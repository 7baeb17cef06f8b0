"""Every template's source read once, when the build's template environment is made.

A build renders its pages in several processes, each loading the templates it needs
when it first needs them. Read from the disk then, a template saved while the build
runs would be old in some pages and new in others: one output made of two theme
versions. From one snapshot, every page of a build uses the same templates, and the
fingerprints (newsgen.incremental.fingerprint.template_digests) hash those same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from jinja2 import BaseLoader, Environment, TemplateNotFound

Sources = dict[str, "tuple[str, str | None] | Exception"]


class Snapshot(BaseLoader):
    """`sources`: another environment's (a worker started afresh gets its parent's)."""

    def __init__(self, loader: BaseLoader, env: Environment,
                 sources: Sources | None = None) -> None:
        self.loader = loader
        # name -> (source, file name), or the error reading it gave (raised when asked)
        self.sources: Sources = dict(sources) if sources is not None else {}
        for name in loader.list_templates() if sources is None else ():
            try:
                source, filename, _ = loader.get_source(env, name)
            except TemplateNotFound:
                continue
            except Exception as exc:  # noqa: BLE001 - said when a page uses it
                self.sources[name] = exc
                continue
            self.sources[name] = (source, filename)

    def get_source(self, environment: Environment, template: str,
                   ) -> tuple[str, str | None, Callable[[], bool] | None]:
        found = self.sources.get(template)
        if found is None:  # a name no loader lists (it raises TemplateNotFound)
            return self.loader.get_source(environment, template)
        if isinstance(found, Exception):
            raise found
        return found[0], found[1], _always

    def list_templates(self) -> list[str]:
        return sorted(self.sources)


def _always() -> bool:
    return True


# A template importing a macro that the site's own macros.html does not define (the
# theme's defines every one): said on the site's file, once per importer, whichever page
# found it.
_NOT_EXPORTED = re.compile(r"the template 'macros\.html' \(imported on line \d+ in "
                           r"'(?:builtin/)?([^']*)'\) does not export the requested name "
                           r"'([^']+)'")
MISSING_MACRO = ("defines no macro '{name}', which {user} imports: define it (copy it from "
                 "the theme's macros.html)")


def missing_macro(message: str, env: Environment) -> str | None:
    """The message for the site's own macros.html when a render failed for want of a
    macro (none when the site has none: then the importer named one the theme lacks)."""
    found = _NOT_EXPORTED.search(message)
    loader = env.loader
    source = loader.sources.get("macros.html") if isinstance(loader, Snapshot) else None
    theirs = loader.sources.get("builtin/macros.html") if isinstance(loader, Snapshot) else None
    if not found or not isinstance(source, tuple) or source[1] is None or (
            Path(source[1]).resolve().parent == _THEME) or not isinstance(theirs, tuple) or (
            re.search(r"\{%-?\s*macro\s+" + re.escape(found[2]) + r"\s*\(", theirs[0]) is None):
        return None  # (a name the theme's has not: the importer's typo, said on its line)
    return MISSING_MACRO.format(name=found[2], user=found[1])


_THEME = Path(__file__).resolve().parent.parent / "theme" / "templates"
