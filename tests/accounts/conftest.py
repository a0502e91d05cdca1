"""Fixtures for the accounts core: a fresh database on SQLite and PostgreSQL
(`database_url`), a clock the test moves, a cheap argon2id hasher (same algorithm, fewer
rounds, so the tests stay fast) and a `sleep` that only records how long it was asked to wait."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from nextline.accounts.store import AccountStore
from nextline.settings import Settings
from nextline.store import open_engine
from nextline.store.tables import Person

START = dt.datetime(2026, 12, 6, 9, 0, 0)
PEOPLE = ("maria", "joan", "ada")
PASSWORD = "correct horse battery"


class Clock:
    """Naive UTC time that only moves when the test says so."""

    def __init__(self, now: dt.datetime = START) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine(database_url: str | None, tmp_path: object) -> Iterator[Engine]:
    settings = Settings(database_url=database_url) if database_url else Settings()
    opened = open_engine(settings)
    with Session(opened) as session, session.begin():
        for person_id in PEOPLE:
            session.add(
                Person(
                    id=person_id, name=None, created_at=START, updated_at=START, latest_version=0
                )
            )
    yield opened
    opened.dispose()


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def accounts(
    engine: Engine, clock: Clock, waits: list[float], hasher: PasswordHasher
) -> AccountStore:
    return AccountStore(engine, clock=clock, hasher=hasher, sleep=waits.append)
