"""A bandit-style check, run in CI: Jinja autoescaping stays on, and content can become
markup only through the few reviewed places (Markdown bodies, the table of contents,
JSON-LD built by json_for_script)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "newsgen"
TEMPLATE_DIRS = [SRC / "theme" / "templates", ROOT / "templates"]
# (file, function or property) pairs allowed to wrap a string in Markup.
MARKUP_ALLOWED = {("views.py", "body"), ("views.py", "toc"), ("views.py", "json_ld"),
                  ("views.py", "breadcrumbs_json_ld"), ("structured.py", "collection_page")}


def _python_files() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def test_every_jinja_environment_autoescapes() -> None:
    found = 0
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Environment":
                found += 1
                autoescape = {kw.arg: kw.value for kw in node.keywords}.get("autoescape")
                assert isinstance(autoescape, ast.Constant) and autoescape.value is True, (
                    f"{path.name}:{node.lineno}: Environment without autoescape=True")
    assert found >= 1


def test_markup_is_made_only_in_reviewed_places() -> None:
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef):
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Markup":
                    assert (path.name, func.name) in MARKUP_ALLOWED, (
                        f"{path.name}:{node.lineno}: Markup() in {func.name}")


def test_templates_never_turn_escaping_off() -> None:
    checked = 0
    for folder in TEMPLATE_DIRS:
        for template in sorted(folder.rglob("*.html")):
            text = template.read_text(encoding="utf-8")
            checked += 1
            assert not re.search(r"\|\s*safe\b", text), f"{template}: |safe"
            assert not re.search(r"autoescape\s+false", text, re.I), f"{template}: autoescape"
            assert "Markup(" not in text
    assert checked >= 8


def test_yaml_is_never_loaded_unsafely() -> None:
    for path in _python_files():
        text = path.read_text(encoding="utf-8")
        assert "yaml.load(" not in text and "yaml.unsafe_load" not in text, path
        assert "FullLoader" not in text and "UnsafeLoader" not in text, path
