"""The package map of ARCHITECTURE.md, enforced: dependencies point one way, no import
cycles (also under TYPE_CHECKING), and no module over 400 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "newsgen"

# Lower layers never import higher ones. Packages of the same layer do not import each
# other; modules of one package may import each other (without cycles).
LAYERS: dict[str, float] = {
    "errors": 0, "hashing": 0, "signals": 0,
    "model": 1,
    "parse": 2,
    "stages": 3, "output": 3,
    "incremental": 4,
    "build": 5, "outcome": 5.5,
    "dev": 6, "scaffold": 6, "migrate": 6,
    "cli": 7,
    "__main__": 8, "__init__": 8,
}
LIMIT = 400


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        found["newsgen." + ".".join(parts) if parts != ("__init__",) else "newsgen"] = path
    return found


def group(module: str) -> str:
    """The layer name of a module: its package below newsgen, or its own name."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports(path: Path, module: str, known: dict[str, Path]) -> set[str]:
    """The newsgen modules `module` imports, anywhere in the file (TYPE_CHECKING too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names if alias.name.startswith("newsgen"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            if not base.startswith("newsgen"):
                continue
            for alias in node.names:
                name = f"{base}.{alias.name}"
                out.add(name if name in known else base)
    return {m for m in out if m in known and m != module}


GRAPH = {m: imports(p, m, modules()) for m, p in modules().items()}


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_point_down(module: str) -> None:
    mine = group(module)
    assert mine in LAYERS, f"{module}: put it in a package of the map (ARCHITECTURE.md)"
    wrong = []
    for target in sorted(GRAPH[module]):
        theirs = group(target)
        if theirs == mine or target == "newsgen":
            continue
        if LAYERS[theirs] >= LAYERS[mine]:
            wrong.append(f"{target} ({theirs}, layer {LAYERS[theirs]})")
    assert not wrong, f"{module} ({mine}, layer {LAYERS[mine]}) imports upward or across: {wrong}"


def test_no_import_cycles() -> None:
    done: set[str] = set()
    path: list[str] = []

    def visit(module: str) -> None:
        if module in path:
            cycle = path[path.index(module):] + [module]
            raise AssertionError("import cycle: " + " -> ".join(cycle))
        if module in done:
            return
        path.append(module)
        for target in sorted(GRAPH[module]):
            if target != "newsgen":
                visit(target)
        path.pop()
        done.add(module)

    for module in sorted(GRAPH):
        visit(module)


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_module_is_over_400_lines(module: str) -> None:
    lines = len(modules()[module].read_text(encoding="utf-8").splitlines())
    assert lines <= LIMIT, f"{module} has {lines} lines; split it by concern"


def test_the_architecture_document_names_every_module() -> None:
    text = (SRC.parent.parent / "ARCHITECTURE.md").read_text(encoding="utf-8")
    missing = [m for m, p in modules().items()
               if p.name != "__init__.py" and f"{p.relative_to(SRC).as_posix()}" not in text]
    assert not missing, f"ARCHITECTURE.md does not describe {missing}"


def test_the_live_reload_server_knows_nothing_of_newsgen() -> None:
    """newsgen.dev.livereload is handed a folder and a rebuild callable; it imports no
    other part of newsgen but its own page helpers (which import none), so any generator
    could use the two."""
    assert GRAPH["newsgen.dev.livereload"] <= {"newsgen.dev.pages"}
    assert GRAPH["newsgen.dev.pages"] == set()
