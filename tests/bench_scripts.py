"""Load a script from `bench/` as a module, for the tests that run its short profile or
reuse its invented people (the scripts are run by path, not installed as a package)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[1] / "bench"


def load_bench(relative: str, name: str | None = None) -> ModuleType:
    """`bench/<relative>` executed as module `name` (the file's stem by default), registered
    in `sys.modules` first: dataclasses and pickles look their module up by name."""
    path = BENCH / relative
    spec = importlib.util.spec_from_file_location(name or path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
