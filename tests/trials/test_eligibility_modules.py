"""The eligibility package has no import circles: each module imports on its own in a fresh
interpreter, and no module imports (even inside a function) a module that imports it back."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import nextline.trials.eligibility as eligibility

PACKAGE = Path(eligibility.__file__).parent
PREFIX = "nextline.trials.eligibility"


def _modules() -> list[str]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out.append(".".join((PREFIX, *parts)))
    return out


def _imports(module: str) -> set[str]:
    """The eligibility modules `module` imports, at the top or inside functions."""
    rel = module.removeprefix(PREFIX).lstrip(".").replace(".", "/")
    path = PACKAGE / rel / "__init__.py" if (PACKAGE / rel).is_dir() else PACKAGE / f"{rel}.py"
    known = set(_modules())
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        found |= {n for n in names if n in known and n != module and n != PREFIX}
    return found


def test_the_module_list_holds_the_readers() -> None:
    modules = _modules()
    for name in ("extract", "grammar", "study_record", "readers.registry", "readers.lines"):
        assert f"{PREFIX}.{name}" in modules


def test_no_eligibility_module_imports_one_that_imports_it_back() -> None:
    graph = {m: _imports(m) for m in _modules()}
    circles = []
    for start in graph:
        stack = [(start, (start,))]
        while stack:
            node, path = stack.pop()
            for nxt in graph[node]:
                if nxt == start:
                    circles.append(" -> ".join((*path, nxt)))
                elif nxt not in path and len(path) < len(graph):
                    stack.append((nxt, (*path, nxt)))
    assert circles == []


def test_each_eligibility_module_imports_alone() -> None:
    # one interpreter; before each import every eligibility module is forgotten, so each
    # is imported first, as a command importing only it would
    script = (
        "import importlib, sys\n"
        "failed = []\n"
        f"for name in {_modules()!r}:\n"
        f"    for loaded in [m for m in sys.modules if m.startswith({PREFIX!r})]:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception as error:\n"
        "        failed.append(f'{name}: {error!r}')\n"
        "print('\\n'.join(failed))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == ""


def test_the_reader_table_names_each_family_once_with_one_kind_of_reader() -> None:
    from nextline.trials.eligibility.readers import READERS

    names = [r.name for r in READERS]
    assert len(names) == len(set(names))
    assert [r.name for r in READERS if (r.find is None) == (r.read is None)] == []
    for family in ("receptors", "alterations", "therapies", "lines", "brain", "stage"):
        assert family in names
    # the lines reader claims "2 prior endocrine therapies" before therapies are named
    assert names.index("lines") < names.index("therapies")
