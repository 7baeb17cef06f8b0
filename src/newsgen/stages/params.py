"""Free-form front matter and config values (`article.params`, `site.params`) as
templates see them.

Templates run with `StrictUndefined`, so that a misspelt variable is an error. A
free-form key is optional by nature: one article sets `kicker:`, the next does not,
and `{% if article.params.kicker %}` must not fail the build on the second. So a key
that is not there is an empty, false value here, at any depth.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import ChainableUndefined


class Params(dict[str, Any]):
    """A mapping whose missing keys, by attribute or by index, are Jinja's
    `ChainableUndefined`: empty when printed, false in a test, empty in a loop, and
    so is any attribute of it (`article.params.box.label` without a `box`)."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # copy, pickle and friends probe for these
            raise AttributeError(name)
        return self[name]

    def __getitem__(self, key: str) -> Any:
        return _wrapped(dict.__getitem__(self, key))

    def __missing__(self, key: str) -> Any:
        return ChainableUndefined(obj=self, name=key)


def _wrapped(value: Any) -> Any:
    if isinstance(value, Mapping) and not isinstance(value, Params):
        return Params(value)
    if isinstance(value, list | tuple) and any(isinstance(v, Mapping) for v in value):
        return [_wrapped(v) for v in value]  # a list of mappings: `{% for x in … %}`
    return value
