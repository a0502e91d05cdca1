"""Fixtures for the trial catalog tests: a fresh trial store per test, on SQLite and (when
`scripts/with-postgres` provides one) on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from nextline.settings import Settings
from nextline.store import create_db_engine
from nextline.trials.store import TrialStore, open_trial_store

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")  # set by scripts/with-postgres
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(params=["sqlite", "postgresql"])
def trial_store(request: pytest.FixtureRequest) -> Iterator[TrialStore]:
    if request.param == "sqlite":
        yield open_trial_store()
        return
    if not POSTGRES_URL:
        pytest.skip("no PostgreSQL: run through `make test` (scripts/with-postgres starts one)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_db_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{POSTGRES_URL}&options=-csearch_path%3D{schema}"
    store = open_trial_store(Settings(database_url=url))
    yield store
    store.engine.dispose()
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture
def sqlite_trial_store() -> TrialStore:
    return open_trial_store()
