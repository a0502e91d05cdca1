"""Fixtures for the trial catalog tests: a fresh trial store per test, on SQLite and (when
`scripts/with-postgres` provides one) on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from nextline.settings import Settings
from nextline.trials.store import TrialStore, open_trial_store

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def trial_store(database_url: str | None) -> Iterator[TrialStore]:
    store = open_trial_store(Settings(database_url=database_url) if database_url else None)
    yield store
    store.engine.dispose()


@pytest.fixture
def sqlite_trial_store() -> TrialStore:
    return open_trial_store()
