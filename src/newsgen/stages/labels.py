"""The templates' `t()`: a UI label in the page's language, its values checked (a name
misspelt or left out would show `{section}` as written)."""

from __future__ import annotations

import jinja2
from jinja2 import pass_context
from jinja2.runtime import Context as JinjaContext

from newsgen.errors import did_you_mean
from newsgen.parse import i18n


@pass_context
def label(ctx: JinjaContext, key: str, count: int | None = None, **kwargs: object) -> str:
    labels: i18n.Labels = ctx["labels"]
    if key not in labels.values:  # (a template's slip, said on its line)
        raise jinja2.TemplateRuntimeError(f"t('{key}'): no such label"
                                          + did_you_mean(key, i18n.LABEL_KEYS))
    given = {*kwargs, *(["count"] if count is not None else [])}
    if problem := i18n.label_arguments(labels, key, given):  # (else `{section}` is shown)
        raise jinja2.TemplateRuntimeError(problem)
    return labels.get(key, count, **kwargs)
