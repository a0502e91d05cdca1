"""A full disk or a read-only database under a web form or the API: the page says what
happened (503, the store's own words), never a traceback, and the record is unchanged."""

from __future__ import annotations

import errno
import sqlite3

import pytest
from sqlalchemy import event

from nextline.record import patient_file_data
from tests.web.conftest import MARIA, csrf

FAULTS = {
    "disk full": (OSError(errno.ENOSPC, "No space left on device"), "disk is full"),
    "read-only": (sqlite3.OperationalError("attempt to write a readonly database"), "read-only"),
}
LAB = {"date": "2025-05-01", "test": "CA 15-3", "value": "64.5", "unit": "U/mL"}


def _failing(app, error: BaseException) -> None:
    def hook(_conn, _cursor, sql, *_args):  # type: ignore[no-untyped-def]
        if sql.lstrip().upper().startswith("INSERT INTO RECORD_VERSIONS"):
            raise error

    event.listen(app.state.web.store.engine, "before_cursor_execute", hook)


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_form_saved_onto_a_failing_store_says_why_and_keeps_the_record(
    app, client, fault: str
) -> None:
    before = patient_file_data(app.state.web.store.get(MARIA))
    error, says = FAULTS[fault]
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


@pytest.mark.parametrize("fault", list(FAULTS))
def test_an_api_post_onto_a_failing_store_answers_one_error_shape(app, client, fault) -> None:
    error, says = FAULTS[fault]
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
