"""Storage at the edge: people's versioned records (and, later, the trial catalog), in
SQLite by default or PostgreSQL through `NEXTLINE_DATABASE_URL`."""

from __future__ import annotations

from nextline.settings import Settings
from nextline.store.engine import create_db_engine, migrate, open_engine
from nextline.store.records import PersonSummary, RecordStore, VersionInfo


def open_store(settings: Settings | None = None) -> RecordStore:
    """The record store for these settings (schema migrated to head)."""
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
