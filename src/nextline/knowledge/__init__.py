"""Clinical knowledge as versioned, sourced data: drugs, classes, lab tests, and the rules
the engines read. Loaded and checked once by `load_knowledge()`.

The names are imported when first asked for (PEP 562), not with the package: a command that
only needs the knowledge cache's key (`store.record_cache`, for `nextline show`) should not
build the hundred-odd schema classes the knowledge base itself is made of.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nextline import lazy_exports

if TYPE_CHECKING:
    from nextline.knowledge.base import KB_VERSION, Knowledge, load_knowledge, name_key
    from nextline.knowledge.schema import Drug, DrugClass, LabTest, Source, SourceRef

# public name -> the module that defines it
_WHERE = {
    "KB_VERSION": "base",
    "Drug": "schema",
    "DrugClass": "schema",
    "Knowledge": "base",
    "LabTest": "schema",
    "Source": "schema",
    "SourceRef": "schema",
    "load_knowledge": "base",
    "name_key": "base",
}


def __getattr__(name: str) -> Any:
    return lazy_exports.load(__name__, _WHERE, globals(), name)


def __dir__() -> list[str]:
    return lazy_exports.listing(_WHERE, globals())


__all__ = [
    "KB_VERSION",
    "Drug",
    "DrugClass",
    "Knowledge",
    "LabTest",
    "Source",
    "SourceRef",
    "load_knowledge",
    "name_key",
]
