"""The importer's modules import each other one way only: the flow (`importer`) uses the
mappers, the mappers use the shared state (`_state`), and nothing imports back up."""

from __future__ import annotations

import ast
from pathlib import Path

import nextline.fhir

FHIR = Path(nextline.fhir.__file__).parent
# Each module, and the modules of the package it may import (directly or inside a function).
ALLOWED = {
    "_state": {"_fhirdata", "report", "tables"},
    "_lenient": set(),
    "_people": {"_fhirdata", "reading"},
    "_versions": {"_fhirdata", "_state"},
    "_conditions": {"_fhirdata", "_state", "report", "tables"},
    "_observations": {"_fhirdata", "_results", "_state", "_vitals", "report", "tables"},
    "_vitals": {"_state"},
    "_results": set(),
    "_treatments": {"_fhirdata", "_state", "report", "tables"},
}


def _package_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "nextline.fhir":
                found |= {alias.name for alias in node.names}
            elif node.module.startswith("nextline.fhir."):
                found.add(node.module.removeprefix("nextline.fhir.").split(".")[0])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("nextline.fhir."):
                    found.add(alias.name.removeprefix("nextline.fhir.").split(".")[0])
    return found


def test_the_importer_modules_import_one_way() -> None:
    for module, allowed in ALLOWED.items():
        used = _package_imports(FHIR / f"{module}.py")
        assert used <= allowed, f"{module} imports {sorted(used - allowed)}"


def test_the_flow_is_the_only_module_that_uses_the_mappers() -> None:
    mappers = {"_conditions", "_observations", "_treatments", "_people", "_lenient"}
    for path in FHIR.glob("*.py"):
        if path.stem in ("importer", *mappers):
            continue
        used = _package_imports(path) & mappers
        if path.stem == "__init__":
            used -= {"_people"}  # re-exports its error, `MultiplePeople`
        assert not used, path.name
