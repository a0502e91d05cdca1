"""A fresh store per test, on SQLite and (when the run has one) on a private PostgreSQL
schema, so every store behaviour is checked on both databases."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from nextline.settings import Settings
from nextline.store import RecordStore, create_db_engine, open_store

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")  # set by scripts/with-postgres


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest) -> Iterator[RecordStore]:
    if request.param == "sqlite":
        yield open_store()
        return
    if not POSTGRES_URL:
        pytest.skip("no PostgreSQL: run through `make test` (scripts/with-postgres starts one)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_db_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{POSTGRES_URL}&options=-csearch_path%3D{schema}"
    opened = open_store(Settings(database_url=url))
    yield opened
    opened.engine.dispose()
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()
