"""No import circles in the trials package: between `matching` and `prepared`, and between
`catalog` and `store` (nor anywhere else among the trials modules). Imports inside functions
count (a lazy import only hides a circle); imports under `TYPE_CHECKING` do not (they never
run). Each of those modules is also imported alone, in a fresh interpreter."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import nextline.trials

PACKAGE = Path(nextline.trials.__file__).parent
PREFIX = "nextline.trials."


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    parts = parts[:-1] if parts[-1] == "__init__" else parts
    return "nextline.trials" + "".join(f".{p}" for p in parts)


def _runtime_imports(tree: ast.AST) -> set[str]:
    """Every module named by an import that can run (all but `if TYPE_CHECKING:` blocks)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        named = _runtime_imports(ast.parse(path.read_text(encoding="utf-8")))
        graph[name] = {m for m in named if m in modules and m != name}
    return graph


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, ()))
    return False


@pytest.mark.parametrize(("a", "b"), [("matching", "prepared"), ("catalog", "store")])
def test_no_import_circle_between(a: str, b: str) -> None:
    graph = _graph()
    first, second = PREFIX + a, PREFIX + b
    assert not (_reaches(graph, first, second) and _reaches(graph, second, first))


def test_no_module_of_the_matcher_imports_itself_in_a_circle() -> None:
    graph = _graph()
    top = ["matching", "prepared", "catalog", "catalog_model", "store", "cohorts", "find_out"]
    circles = [
        (PREFIX + name, other)
        for name in top
        for other in graph[PREFIX + name]
        if _reaches(graph, other, PREFIX + name)
    ]
    assert circles == []


def test_the_circle_finder_finds_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _reaches(graph, "a", "c") and _reaches(graph, "c", "a")
    assert not _reaches(graph, "a", "d")
    tree = ast.parse(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import x.hidden\n"
        "def f():\n    from x.lazy import y\n"
    )
    assert _runtime_imports(tree) == {"typing", "typing.TYPE_CHECKING", "x.lazy", "x.lazy.y"}


@pytest.mark.parametrize("module", ["matching", "prepared", "catalog", "store"])
def test_each_module_imports_alone(module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", f"import {PREFIX}{module}"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
