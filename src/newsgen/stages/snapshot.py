"""Every template's source read once, when the build's template environment is made.

A build renders its pages in several processes, each loading the templates it needs
when it first needs them. Read from the disk then, a template saved while the build
runs would be old in some pages and new in others: one output made of two theme
versions. From one snapshot, every page of a build uses the same templates, and the
fingerprints (newsgen.incremental.fingerprint.template_digests) hash those same bytes.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import (
    BaseLoader,
    Environment,
    FileSystemLoader,
    TemplateError,
    TemplateNotFound,
    nodes,
)
from jinja2.loaders import split_template_path

from newsgen.errors import did_you_mean
from newsgen.parse.frontmatter import encoding_problem

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
            # (a byte-order mark some editors save is no text of the page's)
            self.sources[name] = (source.removeprefix("\ufeff"), filename)

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


def failure(exc: BaseException, name: str, env: Environment,
            located: tuple[str, int | None, str]) -> tuple[str, int | None, str, str]:
    """Where a render that raised `exc` failed (`located`: the deepest template line, and
    the site's caller), and its message. Two failures are the site's own template's, said
    there, though the theme's line raised them: one that includes itself (any line of
    the endless recursion), and a macro of the site's own that lacks an argument the
    theme passes to it (`article_card(article)` in templates/macros.html)."""
    path, line, via = located
    message = failure_message(exc, name, env)
    if isinstance(exc, RecursionError) and (own := _names_itself(env, exc) or _looped(
            env, exc)) is not None:
        return f"templates/{own[0]}", own[2], "", message
    found = _NO_KEYWORD.fullmatch(str(exc)) if isinstance(exc, TypeError) else None
    if found and path.startswith("(built-in theme)") and (
            defined := _own_macro(env, found[1])) is not None:
        return (*defined, f" (the theme's {path.rpartition(') ')[2]}:{line} passes "
                          f"{found[2]}=)", message)
    return path, line, via, message


def _own_macro(env: Environment, macro: str) -> tuple[str, int] | None:
    """Where the site's own templates define `macro` (`_chosen`)."""
    chosen = _chosen(env, _definitions(env, macro))
    return (f"templates/{chosen[0]}", chosen[1][0][0]) if chosen else None


Definitions = dict[str, list[tuple[int, tuple[str, ...]]]]  # template -> (line, arguments)


def _chosen(env: Environment, defined: Definitions,
            ) -> tuple[str, list[tuple[int, tuple[str, ...]]]] | None:
    """Of a macro's `defined` places, the site's own template whose macro the theme's
    templates call: `macros.html`, the file they import macros from, or else the one
    template that defines one of that name, or the one of those that `macros.html`
    imports (and hands on: `{% set article_card = cards.article_card %}`)."""
    own = {name: found for name, found in defined.items() if not name.startswith("builtin/")}
    if "macros.html" not in own and len(own) > 1:  # the one that macros.html imports
        source = _own_sources(env).get("macros.html")
        with contextlib.suppress(TemplateError):
            imported = {named.value for node in env.parse(source[0]).find_all(
                (nodes.Import, nodes.FromImport)) if isinstance(
                    named := getattr(node, "template", None), nodes.Const)
            } if source else set()
            own = {name: found for name, found in own.items() if name in imported}
    name = "macros.html" if "macros.html" in own else next(iter(own)) if len(own) == 1 else None
    return (name, own[name]) if name else None


def _definitions(env: Environment, macro: str) -> Definitions:
    """The templates that define a macro named `macro`, the site's own and the theme's
    (as `builtin/…`), with each definition's line and arguments."""
    loader = env.loader
    theme = {name: found for name, found in loader.sources.items() if name.startswith(
        "builtin/") and isinstance(found, tuple)} if isinstance(loader, Snapshot) else {}
    out: Definitions = {}
    for name, (source, _) in sorted({**_own_sources(env), **theme}.items()):
        if macro in source:
            with contextlib.suppress(TemplateError):
                found = [(node.lineno, tuple(arg.name for arg in node.args)) for node in
                         env.parse(source).find_all(nodes.Macro) if node.name == macro]
                if found:
                    out[name] = found
    return out


def _own_sources(env: Environment) -> dict[str, tuple[str, str]]:
    """The site's own templates, by name: their source and file (not the theme's files,
    which a site without a file of that name gets under the same name)."""
    loader = env.loader
    return {name: (found[0], found[1]) for name, found in loader.sources.items()
            if isinstance(found, tuple) and found[1] and not name.startswith("builtin/")
            and Path(found[1]).resolve().parent != _THEME} if isinstance(loader, Snapshot) else {}


def _ran(exc: BaseException) -> Counter[tuple[str, int]]:
    """How often the traceback of `exc` runs through each (file, line)."""
    ran: Counter[tuple[str, int]] = Counter()
    tb = exc.__traceback__
    while tb is not None:
        ran[(tb.tb_frame.f_code.co_filename, tb.tb_lineno)] += 1
        tb = tb.tb_next
    return ran


def failure_message(exc: BaseException, name: str, env: Environment | None = None) -> str:
    """What a render that raised `exc` says, rendering the template `name`."""
    if isinstance(exc, TypeError) and env is not None and (
            found := _NO_KEYWORD.fullmatch(str(exc))):  # `picture(image, size=…)`
        takes = macro_arguments(env, found[1])
        return f"{exc}" + (did_you_mean(found[2], takes, cutoff=0.75) or (
            f" (it takes {', '.join(takes)})" if takes else "") if takes is not None else "")
    if isinstance(exc, TemplateError):
        return str(exc)
    if isinstance(exc, RecursionError):  # `{% extends "article.html" %}` in article.html
        own = _names_itself(env, exc) if env is not None else None
        if own is None:  # (a macro that calls itself, or templates that name each other)
            return ("templates extend, include or call each other without end (a template "
                    "that extends or includes itself, or a macro that calls itself)")
        name, how, _ = own
        advice = (f": to extend the theme's {name}, write {{% extends \"builtin/{name}\" %}}"
                  if how == "extends" and (_THEME / name).is_file() else f" ({name})")
        return ("templates extend, include or call each other without end (a template "
                f"that {how} itself{advice}; or a macro that calls itself)")
    return f"{type(exc).__name__}: {exc}"


_NO_KEYWORD = re.compile(r"macro '(\w+)' takes no keyword argument '(\w+)'")


def macro_arguments(env: Environment, macro: str) -> list[str] | None:
    """The arguments of the macro named `macro`, when every template that defines one of
    that name gives it the same (None otherwise: which one was called is not known); the
    theme's count only when the site's own templates define none (a site's macros.html
    replaces the theme's)."""
    defined = _definitions(env, macro)
    chosen = _chosen(env, defined)
    if chosen is not None and len(chosen[1]) == 1:  # (the one the theme's templates call)
        return list(chosen[1][0][1])
    found: dict[bool, set[tuple[str, ...]]] = {False: set(), True: set()}
    for name, definitions in defined.items():
        found[name.startswith("builtin/")].update(args for _, args in definitions)
    agreed = found[False] or found[True]
    return list(agreed.pop()) if len(agreed) == 1 else None


def _looped(env: Environment, exc: BaseException) -> tuple[str, str, int] | None:
    """The line of the site's own templates that the endless recursion `exc` ran through
    most often (the first of equals): where the loop can be cut, also when it runs
    through the theme's templates (a site's read_also.html including article.html)."""
    own = {file: name for name, (_, file) in _own_sources(env).items()}
    ran = Counter({at: n for at, n in _ran(exc).items() if at[0] in own})
    if not ran or max(ran.values()) < 2:
        return None
    (filename, line), _ = ran.most_common(1)[0]
    return own[filename], "", line


def _names_itself(env: Environment, exc: BaseException) -> tuple[str, str, int] | None:
    """The first of the site's own templates that extends or includes itself on a line
    that the endless recursion `exc` ran through again and again, which, and on what line
    (one that includes itself under a condition that ends is no cause, also when the
    recursion of a macro it calls runs through it)."""
    ran = _ran(exc)
    for name, found in sorted(_own_sources(env).items()):
        with contextlib.suppress(TemplateError):
            for node in env.parse(found[0]).find_all((nodes.Extends, nodes.Include)):
                named = getattr(node, "template", None)
                if isinstance(named, nodes.Const) and named.value == name and (
                        ran[(found[1], node.lineno)] > 1 or isinstance(node, nodes.Extends)
                        and any(f == found[1] for f, _ in ran)):
                    return (name, "extends" if isinstance(node, nodes.Extends)
                            else "includes", node.lineno)
    return None


def missing_macro(message: str, env: Environment) -> str | None:
    """The message for the site's own macros.html when a render failed for want of a macro
    the theme's defines (another name is the importer's typo, said on its line)."""
    found = _NOT_EXPORTED.search(message)
    if found is None or exported(env, "macros.html", own=True) is None:
        return None
    if found[2] not in (exported(env, "builtin/macros.html") or ()):
        return None
    return MISSING_MACRO.format(name=found[2], user=found[1])


def exported(env: Environment, name: str, *, own: bool = False) -> set[str] | None:
    """The names a template module exports: its macros and its top-level `{% set %}`s
    (`{% set pager = b.pager %}`, also inside a top-level `{% if %}`), not what it imports.
    None when it cannot be read, or (`own`) when it is the theme's, not the site's."""
    loader = env.loader
    found = _own_sources(env).get(name) if own else loader.sources.get(name) if isinstance(
        loader, Snapshot) else None
    if not isinstance(found, tuple):
        return None
    try:
        module = env.parse(found[0])
    except TemplateError:
        return None  # said when a page is rendered
    names = {m.name for m in module.find_all(nodes.Macro)}
    top: list[nodes.Node] = list(module.body)
    while top:
        node = top.pop()
        if isinstance(node, nodes.If):
            top += [*node.body, *node.elif_, *node.else_]
        elif isinstance(node, nodes.Assign | nodes.AssignBlock):
            names.update(n.name for n in (node.target, *node.target.find_all(nodes.Name))
                         if isinstance(n, nodes.Name))
    return names


_THEME = Path(__file__).resolve().parent.parent / "theme" / "templates"


class TemplateEncodingError(jinja2.TemplateSyntaxError):
    """A site's template not UTF-8 (line: its first bad byte's) or unreadable (line 0)."""


class SiteTemplates(FileSystemLoader):
    """The site's templates/: a file that is not UTF-8 or cannot be read, said on its line."""

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Any]:
        path = Path(self.searchpath[0], *split_template_path(template))
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as exc:
            line, message = encoding_problem(path.read_bytes(), exc)
            raise TemplateEncodingError(message, line, template, str(path)) from None
        except jinja2.TemplateNotFound:
            raise
        except OSError as exc:  # unreadable: said on its path, with the other errors
            raise TemplateEncodingError(f"cannot read: {exc.strerror or exc}", 0, template,
                                        str(path)) from None
