"""Many writers at once through the API and the forms, on SQLite and PostgreSQL: every
acknowledged write is present afterwards, every refusal is a clear 409 conflict, and no
request ends in a server error."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.web.concurrency_app import app_on
from tests.web.conftest import MARIA, csrf, make_client

WRITERS = 20
ROUNDS = 5


@pytest.fixture
def database(database_url: str | None) -> str | None:
    return database_url


def test_api_and_form_writers_at_once_lose_nothing(tmp_path: Path, database: str | None) -> None:
    app = app_on(tmp_path, database)
    statuses: list[int] = []
    labs: list[int] = []
    questions: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(WRITERS)

    def writer(number: int) -> None:
        client = make_client(app)
        client.get("/people")  # the CSRF cookie
        token = csrf(client)
        start.wait()
        for round_ in range(ROUNDS):
            if number % 2:
                value = 1000 + number * ROUNDS + round_
                response = client.post(
                    f"/api/people/{MARIA}/entries/labs",
                    json={"date": "2025-01-02", "test": "CA 15-3", "value": value, "unit": "U/mL"},
                )
                ok = response.status_code == 201
                with lock:
                    statuses.append(response.status_code)
                    if ok:
                        labs.append(value)
            else:
                question = f"Question {number}-{round_}?"
                response = client.post(
                    f"/people/{MARIA}/questions/add",
                    data={"csrf_token": token, "text": question},
                    follow_redirects=False,
                )
                with lock:
                    statuses.append(response.status_code)
                    if response.status_code == 303:
                        questions.append(question)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(t.is_alive() for t in threads)
    assert sorted(set(statuses)) == [201, 303]  # added ones cannot conflict: all land
    final = app.state.web.store.get(MARIA)
    stored_labs = [lab.value for lab in final.labs if str(lab.date) == "2025-01-02"]
    assert sorted(stored_labs) == sorted(labs)
    assert len(labs) == WRITERS // 2 * ROUNDS
    assert sorted(q.text for q in final.questions if q.text.startswith("Question ")) == sorted(
        questions
    )
    assert len(questions) == WRITERS // 2 * ROUNDS


def test_a_stale_api_import_or_undo_is_a_409_conflict(tmp_path: Path) -> None:
    app = app_on(tmp_path, None)
    client = make_client(app)
    record = client.get(f"/api/people/{MARIA}/record").json()
    added = client.post(
        f"/api/people/{MARIA}/entries/labs",
        json={"date": "2025-01-02", "test": "CA 15-3", "value": 12, "unit": "U/mL"},
    )
    assert added.json()["version"] == 2
    stale = client.post("/api/people?base_version=1", json=record)
    assert stale.status_code == 409
    assert stale.json()["error"]["kind"] == "conflict"
    assert "made on version 1, but version 2 is now the latest" in stale.json()["error"]["message"]
    undo = client.post(f"/api/people/{MARIA}/undo?base_version=1", json={})
    assert undo.status_code == 409
    assert app.state.web.store.latest_version(MARIA) == 2
    assert client.post(f"/api/people/{MARIA}/undo?base_version=2", json={}).json()["version"] == 3


def test_a_form_undo_from_an_old_page_shows_what_changed(tmp_path: Path) -> None:
    app = app_on(tmp_path, None)
    client = make_client(app)
    client.get("/people")
    token = csrf(client)
    for value in (12, 13):
        client.post(
            f"/api/people/{MARIA}/entries/labs",
            json={"date": "2025-01-02", "test": "CA 15-3", "value": value, "unit": "U/mL"},
        )
        if value == 12:
            page = client.get(f"/people/{MARIA}/history").text
            assert '<input type="hidden" name="base_version" value="2">' in page
    response = client.post(f"/people/{MARIA}/undo", data={"csrf_token": token, "base_version": "2"})
    assert response.status_code == 409
    assert "version 3: added to labs through the API" in response.text
    assert app.state.web.store.latest_version(MARIA) == 3


def test_changing_an_entry_on_a_stale_form_reshows_it_with_what_changed(tmp_path: Path) -> None:
    app = app_on(tmp_path, None)
    client = make_client(app)
    client.get("/people")
    token = csrf(client)
    start = {"drugs": "elacestrant", "start": "2024-04-15", "setting": "metastatic"}
    client.post(
        f"/people/{MARIA}/add/treatment-start", data={"csrf_token": token, **start}
    )  # version 2
    index = len(app.state.web.store.get(MARIA).therapies) - 1
    page = client.get(f"/people/{MARIA}/add/treatment-stop").text
    assert '<input type="hidden" name="base_version" value="2">' in page
    client.post(  # someone else saves meanwhile: version 3
        f"/api/people/{MARIA}/entries/labs",
        json={"date": "2025-01-02", "test": "CA 15-3", "value": 12, "unit": "U/mL"},
    )
    stop = {"therapy": str(index), "stop": "2025-05-01", "stop_reason": "toxicity"}
    stale = client.post(
        f"/people/{MARIA}/add/treatment-stop",
        data={"csrf_token": token, "base_version": "2", **stop},
        follow_redirects=False,
    )
    assert stale.status_code == 409
    assert "This record changed while you were editing it" in stale.text
    assert "version 3: added to labs through the API" in stale.text
    assert '<input type="hidden" name="base_version" value="3">' in stale.text
    assert app.state.web.store.latest_version(MARIA) == 3
    again = client.post(
        f"/people/{MARIA}/add/treatment-stop",
        data={"csrf_token": token, "base_version": "3", **stop},
        follow_redirects=False,
    )
    assert again.status_code == 303
    assert str(app.state.web.store.get(MARIA).therapies[index].stop) == "2025-05-01"
