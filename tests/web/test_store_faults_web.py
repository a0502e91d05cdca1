"""A full disk, a read-only or a busy database under a web form or the API, on SQLite and on
PostgreSQL (each with its own driver's error): the page says what happened (503, the
store's own words), never a traceback, and the record is unchanged."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from nextline.record import patient_file_data
from tests.web.concurrency_app import app_on
from tests.web.conftest import MARIA, csrf

SQLITE_FAULTS = {
    "disk full": (OSError(errno.ENOSPC, "No space left on device"), "disk is full"),
    "read-only": (sqlite3.OperationalError("attempt to write a readonly database"), "read-only"),
    "busy": (sqlite3.OperationalError("database is locked"), "busy"),
}
FAULTS = list(SQLITE_FAULTS)
LAB = {"date": "2025-05-01", "test": "CA 15-3", "value": "64.5", "unit": "U/mL"}


def _postgres_faults() -> dict[str, tuple[BaseException, str]]:
    """The errors PostgreSQL's driver raises for the same three faults."""
    from psycopg import errors

    return {
        "disk full": (
            errors.DiskFull('could not extend file "base/16384/16385": No space left on device'),
            "disk is full",
        ),
        "read-only": (
            errors.ReadOnlySqlTransaction("cannot execute INSERT in a read-only transaction"),
            "read-only",
        ),
        "busy": (errors.LockNotAvailable("canceling statement due to lock timeout"), "busy"),
    }


@pytest.fixture
def app(tmp_path: Path, database_url: str | None) -> Any:
    return app_on(tmp_path, database_url)


def _fault(app: Any, fault: str) -> tuple[BaseException, str]:
    if app.state.web.store.engine.dialect.name == "postgresql":
        return _postgres_faults()[fault]
    return SQLITE_FAULTS[fault]


def _failing(app, error: BaseException) -> None:
    def hook(_conn, _cursor, sql, *_args):  # type: ignore[no-untyped-def]
        if sql.lstrip().upper().startswith("INSERT INTO RECORD_VERSIONS"):
            raise error

    event.listen(app.state.web.store.engine, "before_cursor_execute", hook)


@pytest.mark.parametrize("fault", FAULTS)
def test_a_form_saved_onto_a_failing_store_says_why_and_keeps_the_record(
    app, client, fault: str
) -> None:
    before = patient_file_data(app.state.web.store.get(MARIA))
    error, says = _fault(app, fault)
    _failing(app, error)
    response = client.post(
        f"/people/{MARIA}/add/lab",
        data={"csrf_token": csrf(client), "base_version": "1", **LAB},
        follow_redirects=False,
    )
    assert response.status_code == 503
    assert says in response.text
    assert "nothing was stored" in response.text
    assert "Traceback" not in response.text
    assert app.state.web.store.latest_version(MARIA) == 1
    assert patient_file_data(app.state.web.store.get(MARIA)) == before


@pytest.mark.parametrize("fault", FAULTS)
def test_an_api_post_onto_a_failing_store_answers_one_error_shape(app, client, fault) -> None:
    error, says = _fault(app, fault)
    _failing(app, error)
    response = client.post(
        f"/api/people/{MARIA}/entries/labs",
        json={"date": "2025-05-01", "test": "CA 15-3", "value": 64.5, "unit": "U/mL"},
        headers={"X-CSRF-Token": csrf(client)},
    )
    assert response.status_code == 503
    body = response.json()["error"]
    assert body["kind"] == "store_error"
    assert says in body["message"]
    assert app.state.web.store.latest_version(MARIA) == 1


def test_a_form_saved_while_another_program_locks_the_store_says_busy(
    tmp_path: Path, database_url: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real lock held by another program (not an injected error): the form waits a
    bounded time, then answers 503 "busy", and nothing is stored (PostgreSQL used to wait
    forever)."""
    from nextline.store import engine as engines
    from tests.store.test_writers_meet_store import another_program_locks
    from tests.web.conftest import make_client

    monkeypatch.setattr(engines, "LOCK_WAIT_SECONDS", 0.3)
    app = app_on(tmp_path, database_url)
    client = make_client(app)
    client.get("/people")
    store = app.state.web.store
    with another_program_locks(store.engine):
        response = client.post(
            f"/people/{MARIA}/add/lab",
            data={"csrf_token": csrf(client), "base_version": "1", **LAB},
            follow_redirects=False,
        )
    assert response.status_code == 503, response.text[:300]
    assert "busy" in response.text and "nothing was stored" in response.text
    assert store.latest_version(MARIA) == 1
