"""What a template gets for a name or an attribute that is not there: an error when it
is used (templates run with Jinja's `StrictUndefined`), said where it was made.

`{% set who = article.autors %}` on line 3 and `{{ who }}` on line 6 fail on line 6,
which shows no typo; `Missing` remembers the template and line it was made on, so the
error names line 3 (and the line that used it). An attribute of one of newsgen's views
gets the closest attribute the view has: `'autors'; did you mean 'authors'?`.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NoReturn

from jinja2 import ChainableUndefined, Environment, StrictUndefined, Undefined, UndefinedError

from newsgen.errors import closest
from newsgen.stages.typos import NearNames


class Misnamed(UndefinedError):
    """An undefined value used; `where`: the template file and line that made it."""

    def __init__(self, message: str, where: tuple[str, int] | None) -> None:
        super().__init__(message)
        self.where = where


class Missing(StrictUndefined):
    __slots__ = ("_where",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._where = _template_line()

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise Misnamed(self._undefined_message + _guess(self), self._where)


def _rebind(cls: type[Undefined], use: Callable[..., Any]) -> None:
    """Jinja's Undefined fails every use (`{{ x }}`, `x + 1`, `x == y`, …) in one function,
    which its operators are bound to itself: in `cls`, they are bound to `use` instead."""
    for name in dir(cls):
        if getattr(cls, name) is Undefined._fail_with_undefined_error:
            setattr(cls, name, use)
    cls.__round__ = cls.__abs__ = use  # type: ignore[attr-defined]  # (`round`, `abs`)


_rebind(Missing, Missing._fail_with_undefined_error)


def _guess(value: Undefined) -> str:
    """"; did you mean 'x'?" for an attribute or key a view or a mapping does have."""
    name, obj = value._undefined_name, value._undefined_obj
    if not isinstance(name, str) or value._undefined_hint:
        return ""
    if isinstance(obj, Mapping):
        choices = [k for k in obj if isinstance(k, str)]
    elif type(obj).__module__.startswith("newsgen."):
        choices = [n for n in dir(obj) if not n.startswith("_")]
    else:
        return ""
    guess = NearNames(choices).one_letter_off(name) or closest(name, choices, cutoff=0.8)
    return f"; did you mean '{guess}'?" if guess else ""


def _template_line() -> tuple[str, int] | None:
    """The template file and line running now: the nearest compiled template's frame."""
    return next(((file, line) for file, line, _ in _template_frames()), None)


Frame = tuple[str, "int | None", str]  # a template file, its line, what runs (as Jinja's
# tracebacks name it: "top-level template code", "block 'x'", or "template": a macro)


def _template_frames() -> Iterator[tuple[str, int, str]]:
    """The compiled templates' frames running now, the innermost first."""
    frame = sys._getframe(2)
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None and template.filename:
            code = frame.f_code.co_name
            yield (template.filename, template.get_corresponding_lineno(frame.f_lineno),
                   "top-level template code" if code == "root" else
                   f"block {code[6:]!r}" if code.startswith("block_") else "template")
        frame = frame.f_back  # type: ignore[assignment]


def called_from(frames: list[Frame]) -> str:
    """" (from templates/article.html:4)": the site's template that called the macro or
    included the file where the innermost of `frames` runs; or "". `frames`: the outermost
    first, each file as messages name it, after one that only names the page's template."""
    path, _, kind = frames[-1]
    top = [f[2].startswith("top-level") for f in frames]
    # Top-level code is a called file's only inside a block or a macro: before that, the
    # page's own templates, each extending the next, run theirs.
    if not (kind == "template" or (top[-1] and not all(top[1:]))):
        return ""
    i = len(frames) - 1  # a macro called by another of its file: where the first was called
    while i > 2 and frames[i - 1][2] == "template" and frames[i - 1][0] == frames[i][0]:
        i -= 1
    if i < 2 or (frames[i - 1][0] != path and any(f[0] == path for f in frames[1:i - 1])):
        return ""  # (the body of a {% call %}, called back from the macro: said on its line)
    for at in range(i - 1, 0, -1):  # a theme's template called it: the site's that called that
        if frames[at][0].startswith("templates/") and (at == i - 1 or not top[at]):
            return f" (from {frames[at][0]}:{frames[at][1]})"
        if top[at]:  # (a page's template that rendered the block: no caller of it)
            break
    return ""


def made_at(where: tuple[str, int], path: str, used: tuple[str, int | None],
            via: str) -> tuple[str, int, str]:
    """The place to name for an undefined value made at `where` (shown as `path`) and
    `used` elsewhere: where it was made, and " (used at …)" after the caller's `via`."""
    if (path, where[1]) == used:
        return path, where[1], via
    if via.startswith(f" (from {path}:"):  # made in the caller, used in what it calls
        via = ""
    at = f"line {used[1]}" if used[0] == path else f"{used[0]}:{used[1]}"
    return path, where[1], f"{via} (used at {at})"


# A second render of a page that failed for an undefined value notes every such value
# instead of raising the first one: one run says all of a page's misspelled values, also
# those the first one hid (a slip in base.html, which every page shows first, hid every
# slip of article.html's blocks).
_noted: list[tuple[tuple[str, int] | None, list[Frame], str]] | None = None


class Noted(ChainableUndefined):
    __slots__ = ("_where",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._where = _template_line()

    def _note(self) -> None:
        # (`first` of a noted value, which is empty here, is no slip of its own)
        if _noted is not None and not (self._undefined_hint or "").endswith("sequence was empty."):
            _noted.append((self._where, list(_template_frames()),
                           self._undefined_message + _guess(self)))

    def __str__(self) -> str:
        self._note()
        return ""

    def __iter__(self) -> Iterator[Any]:
        self._note()
        return iter(())

    def __bool__(self) -> bool:
        self._note()
        return False

    def __len__(self) -> int:
        self._note()
        return 0

    def _used(self, *args: Any, **kwargs: Any) -> Noted:  # `x + 1`, `x > 5`, `x()`: noted,
        self._note()  # and the render goes on past it
        return self

    def __int__(self) -> int:  # type: ignore[override]
        self._note()
        return 0

    def __float__(self) -> float:  # type: ignore[override]
        self._note()
        return 0.0

    def __complex__(self) -> complex:  # type: ignore[override]
        self._note()
        return 0j

    def __eq__(self, other: object) -> bool:  # (ChainableUndefined's compare quietly)
        self._note()
        return False

    def __ne__(self, other: object) -> bool:
        self._note()
        return True

    __hash__ = ChainableUndefined.__hash__


_rebind(Noted, Noted._used)  # every other use Undefined fails, noted instead


def undefined_json(value: object) -> object:
    """What `tojson` writes of a value JSON has no form for: an undefined one fails (or is
    noted) as any other use of it does, not as "Object of type Missing is not JSON
    serializable"."""
    if isinstance(value, Noted):
        value._note()
        return None
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")

# The environment a page is rendered again in, one per build's environment and kept on
# it (an overlay refers to its environment: a weak map to it would never let go of
# either): its own templates, so that what they keep (an `{% import %}` without context
# is made once and kept by its template) never holds a noted value for a strict render.
_NOTING = "newsgen_noting"


Slip = tuple[str, "int | None", str]  # a template file, its line, the message


def every_slip(env: Environment, name: str, values: dict[str, Any], page: str,
               shown: Callable[[str], str]) -> tuple[Slip, ...]:
    """Each undefined value that rendering the page `page` (with the template `name` and
    `values`) uses, from a render where each is noted, not raised, in an environment of
    its own. `shown`: a template's file as messages name it."""
    global _noted
    noting = getattr(env, _NOTING, None)
    if noting is None:
        noting = env.overlay(undefined=Noted)
        setattr(env, _NOTING, noting)
    _noted = []
    try:
        with contextlib.suppress(Exception):  # a failure of another kind: said once fixed
            noting.get_template(name).render(values)
    finally:
        noted, _noted = _noted, None
    slips: dict[Slip, None] = {}
    for made, frames, message in noted:
        if made is not None:
            path = shown(made[0])
            chain = [("", None, ""), *((shown(f), n, kind) for f, n, kind in reversed(frames))]
            at = chain[-1][:2] if frames else (path, made[1])
            path, line, via = made_at(made, path, at, called_from(chain) if frames else "")
            slips[path, line, f"while rendering /{page}{via}: {message}"] = None
    return tuple(slips)
