"""Pydantic's plugin loader, answered without `importlib.metadata` while plugins are off.

Why: the `nextline` command turns pydantic plugins off (`PYDANTIC_DISABLE_PLUGINS`, see
`cli.main`). Pydantic then loads no plugin, but the module that would look for them
(`pydantic.plugin._loader`) still imports `importlib.metadata` when the first validator or
serializer is built, and that import alone cost `nextline options` and `questions` more
than a tenth of `nextline --help`'s whole time.

`plugins_off_loader()` puts a small stand-in for that module in `sys.modules`. Its
`get_plugins()` gives what pydantic's gives while the setting says plugins are off (no
plugins), and whenever it does not (the setting changed), or anything else is asked of the
module, the real module is loaded, takes the stand-in's place, and answers. So pydantic
behaves exactly as with its own loader; only the unused import is skipped.
`tests/cli/test_pydantic_plugins.py` checks the stand-in against pydantic's own loader and
that pydantic asks nothing else of it.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
import types
from collections.abc import Iterable
from typing import Any

LOADER = "pydantic.plugin._loader"
# the values pydantic's `get_plugins` reads as "every plugin off"
ALL_OFF = ("__all__", "1", "true")


def _real() -> types.ModuleType:
    """Pydantic's own loader module, loaded now (once) and put in the stand-in's place."""
    current = sys.modules.get(LOADER)
    if current is not None and not isinstance(current, _StandIn):
        return current
    import pydantic.plugin

    spec = importlib.machinery.PathFinder.find_spec(LOADER, list(pydantic.plugin.__path__))
    if spec is None or spec.loader is None:  # pragma: no cover - pydantic without it
        raise ImportError(f"no module named {LOADER!r}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[LOADER] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(LOADER, None)
        raise
    pydantic.plugin._loader = module  # type: ignore[attr-defined]
    return module


class _StandIn(types.ModuleType):
    """`pydantic.plugin._loader` until something other than "no plugins" is asked of it."""

    def get_plugins(self) -> Iterable[Any]:
        if os.getenv("PYDANTIC_DISABLE_PLUGINS") in ALL_OFF:
            return ()
        plugins: Iterable[Any] = _real().get_plugins()
        return plugins

    def __getattr__(self, name: str) -> Any:
        if name == "__path__":  # asked by every `from ... import`: a module, not a package
            raise AttributeError(name)
        return getattr(_real(), name)


def plugins_off_loader() -> bool:
    """Put the stand-in in place when plugins are off and pydantic's loader is not loaded
    yet; whether it is now in place."""
    if os.getenv("PYDANTIC_DISABLE_PLUGINS") not in ALL_OFF:
        return False
    current = sys.modules.get(LOADER)
    if current is None:
        current = sys.modules[LOADER] = _StandIn(LOADER, __doc__)
    return isinstance(current, _StandIn)
