"""The site's own templates compiled without rendering anything: their syntax and
encoding problems, for a build that stops before it renders (a `newsgen.yaml` that
cannot be read), so that every error is still said in one run."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import jinja2

from newsgen.errors import Reporter
from newsgen.stages.render import TemplateEncodingError, make_environment


def check_templates(root: Path, names: Iterable[str], reporter: Reporter) -> None:
    """Compile each of `names` (paths under the site: `templates/base.html`)."""
    env = make_environment(root)
    for rel in names:
        name = rel[len("templates/"):]
        if not name.endswith((".html", ".xml", ".txt", ".j2")):
            continue
        try:
            env.get_template(name)
        except TemplateEncodingError as exc:
            reporter.error(rel, exc.lineno, exc.message or "not UTF-8 text")
        except jinja2.TemplateSyntaxError as exc:
            reporter.error(rel, exc.lineno, f"template syntax: {exc.message}")
        except (jinja2.TemplateError, OSError):
            continue  # said when a page is rendered (a missing include: by its page)
