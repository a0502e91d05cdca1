"""Storage at the edge: people's versioned records (and, later, the trial catalog), in
SQLite by default or PostgreSQL through `NEXTLINE_DATABASE_URL`.

The names below are imported when first used (PEP 562), so `nextline.store.quick_read` can
serve a reading command without importing SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nextline.settings import Settings
    from nextline.store.engine import create_db_engine, migrate, open_engine
    from nextline.store.records import PersonSummary, RecordStore, VersionInfo

_LAZY = {
    "create_db_engine": "nextline.store.engine",
    "migrate": "nextline.store.engine",
    "open_engine": "nextline.store.engine",
    "PersonSummary": "nextline.store.records",
    "RecordStore": "nextline.store.records",
    "VersionInfo": "nextline.store.records",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


def open_store(settings: Settings | None = None) -> RecordStore:
    """The record store for these settings (schema migrated to head)."""
    from nextline.settings import Settings
    from nextline.store.engine import open_engine
    from nextline.store.records import RecordStore

    return RecordStore(open_engine(settings or Settings()))


__all__ = [
    "PersonSummary",
    "RecordStore",
    "VersionInfo",
    "create_db_engine",
    "migrate",
    "open_engine",
    "open_store",
]
