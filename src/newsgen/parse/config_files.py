"""Checks of the configuration against the site's files: what it names must be there."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from newsgen.errors import Reporter, did_you_mean
from newsgen.model.config import CONFIG_NAME, Config
from newsgen.parse.config import line_of_key


def check_stylesheets(config: Config, outputs: set[str], reporter: Reporter) -> None:
    """Each `extra_css` names a file the output will have (`outputs`: its files), and so
    does `publisher.logo` when it is a site path; a logo URL is an http(s) one."""
    for path in config.extra_css:
        if path not in outputs:
            hint = did_you_mean(path, sorted(o for o in outputs if o.endswith(".css")))
            reporter.error(CONFIG_NAME, line_of_key(config.root / CONFIG_NAME, "extra_css"),
                           f"extra_css: no file '{path}' in static/ or content/{hint}")
    logo = (config.publisher.logo or "").strip()
    if not logo:
        return
    problem = None
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:|//", logo):
        if not re.match(r"https?://[^/\s]", logo, re.I):
            problem = f"'{logo}' is no http(s) URL; give one, or a file's site path"
    elif logo.lstrip("/") not in outputs and not resources.files("newsgen").joinpath(
            "theme", "static", *logo.lstrip("/").split("/")).is_file():  # the theme's own
        near = did_you_mean(logo.lstrip("/"), sorted(outputs))
        problem = f"no file '{logo}' in static/ or content/{near}"
    if problem:
        reporter.error(CONFIG_NAME, _line_of_nested(config.root / CONFIG_NAME, "publisher",
                                                    "logo"), f"publisher.logo: {problem}")


def _line_of_nested(path: Path, group: str, key: str) -> int | None:
    """The line of `group.key` (`publisher:` then an indented `logo:`, or `{logo: …}`)."""
    line = line_of_key(path, group)
    if line is None:
        return None
    lines = path.read_text(encoding="utf-8-sig").split("\n")  # (not at U+2028: see yamltree)
    if key in lines[line - 1]:
        return line
    for number in range(line + 1, len(lines) + 1):
        text = lines[number - 1]
        if text.strip() and not text[0].isspace():
            break
        if text.strip().startswith(f"{key}:"):
            return number
    return line
