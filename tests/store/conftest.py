"""A fresh store per test, on SQLite and (when the run has one) on a private PostgreSQL
schema, so every store behaviour is checked on both databases (`database_url`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nextline.knowledge.base import _load_cached
from nextline.settings import Settings
from nextline.store import RecordStore, open_store


@pytest.fixture
def store(database_url: str | None) -> Iterator[RecordStore]:
    opened = open_store(Settings(database_url=database_url) if database_url else None)
    yield opened
    opened.engine.dispose()


@pytest.fixture
def fresh_knowledge() -> Iterator[None]:
    """A new knowledge object per test (the in-process memo of `load_knowledge` emptied
    before and after), as a new command would load it."""
    _load_cached.cache_clear()
    yield
    _load_cached.cache_clear()
