"""Names a package exports, imported from their module the first time they are asked for.

Why one helper: `nextline.record`, `nextline.knowledge` and `nextline.assess` each export
names from several modules, and importing all of them costs a reading command more than its
own work. Each package keeps a table (name -> module) and delegates its module-level
`__getattr__` and `__dir__` here (PEP 562); a name once loaded is stored in the package, so
later reads are plain attribute reads.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, MutableMapping
from typing import Any


def load(
    package: str, where: Mapping[str, str], namespace: MutableMapping[str, Any], name: str
) -> Any:
    """The exported `name` of `package`, imported from its module and kept in `namespace`."""
    module = where.get(name)
    if module is None:
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{package}.{module}"), name)
    namespace[name] = value
    return value


def listing(where: Mapping[str, str], namespace: Mapping[str, Any]) -> list[str]:
    """What `dir(package)` shows: what is loaded and what can be."""
    return sorted({*namespace, *where})
