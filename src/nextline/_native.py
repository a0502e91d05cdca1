"""Which engine modules run compiled, and the guard that never lets a stale build run.

Why: the RECIST engine is the hottest loop of every assessment (issue 17's aim of 5,000
records a second on one core). `scripts/build_native.py` compiles the modules named in
`NATIVE` with mypyc (part of mypy, already a dev tool here) into extension files beside
their sources, and writes `_native_built.json`: the hash of each source as it was compiled.
Python prefers an extension file over the `.py` beside it, so a source edited after the build
would silently run the old code. The finder below stops that: a listed module runs compiled
only when its source still has the hash it was built from; otherwise (or when the build
failed, or `NEXTLINE_PURE_PYTHON` is set) the plain source is imported. It is all or none:
a compiled module imports its compiled siblings directly, past any finder, so one changed
source sends every listed module back to plain Python. The results are the
same either way (tests/test_native.py compares them); only the speed differs.
"""

from __future__ import annotations

import importlib.machinery
import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType

# modules compiled by `scripts/build_native.py`: pure logic, no classes pydantic must describe
NATIVE: tuple[str, ...] = (
    "nextline.assess.recist",
    "nextline.assess.tumor_markers",
    "nextline.assess.blood_counts",
    "nextline.assess.symptoms",
)
BUILT = Path(__file__).with_name("_native_built.json")
PURE_ENV = "NEXTLINE_PURE_PYTHON"


def source_hash(path: Path) -> str:
    """The sha256 of a source file's bytes."""
    import hashlib  # here, not at import: `nextline` is imported by every CLI start-up

    return hashlib.sha256(path.read_bytes()).hexdigest()


def source_hash_of(text: str) -> str:
    """The sha256 of a source text as it is stored (UTF-8)."""
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def built_hashes(record: Path | None = None) -> dict[str, str]:
    """Module -> source hash of the last successful build for this interpreter; {} if none."""
    import json

    record = record or BUILT
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("suffix") != _suffix():
        return {}
    modules = data.get("modules")
    return {str(k): str(v) for k, v in modules.items()} if isinstance(modules, dict) else {}


def _suffix() -> str:
    return importlib.machinery.EXTENSION_SUFFIXES[0]


def runs_compiled(name: str, source: Path, built: dict[str, str]) -> bool:
    """Whether module `name` (source file `source`) may run from its compiled file: only when
    every module of the build still has the source it was compiled from. All or none, since
    a compiled module imports its compiled siblings directly, past this guard."""
    if os.environ.get(PURE_ENV) or name not in built:
        return False
    if not source.with_name(source.stem + _suffix()).exists():
        return False
    folder = source.parents[len(name.split(".")) - 1]  # the folder holding the top package
    try:
        return all(
            source_hash(folder.joinpath(*module.split(".")).with_suffix(".py")) == expected
            for module, expected in built.items()
        )
    except OSError:
        return False


class _StaleGuard:
    """A meta path finder for the `NATIVE` modules only: the plain source unless the compiled
    file was built from exactly this source (every other import passes straight through)."""

    def __init__(self, record: Path | None = None, names: tuple[str, ...] = NATIVE) -> None:
        self._record = record
        self._names = names
        self._built: dict[str, str] | None = None
        self._ok: bool | None = None  # the whole build still matches its sources

    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if name not in self._names or not path:
            return None
        source = Path(path[0]) / (name.rpartition(".")[2] + ".py")
        if not source.exists():
            return None
        if self._built is None:
            self._built = built_hashes(self._record)
        if self._ok is None:
            self._ok = runs_compiled(name, source, self._built)
        if self._ok:
            return None  # the usual finders pick the extension file, preferred over the .py
        import importlib.util

        return importlib.util.spec_from_file_location(name, source)


def install() -> None:
    """Put the guard first on the import path (once per process)."""
    if not any(isinstance(f, _StaleGuard) for f in sys.meta_path):
        sys.meta_path.insert(0, _StaleGuard())


def compiled_now() -> list[str]:
    """The `NATIVE` modules imported so far that run from compiled files."""
    out = []
    for name in NATIVE:
        module = sys.modules.get(name)
        if module is not None and str(getattr(module, "__file__", "")).endswith(_suffix()):
            out.append(name)
    return out
