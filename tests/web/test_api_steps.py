"""Redo and restore through the JSON API, beside undo: each a new version, refused on a stale
`base_version` (409, nothing stored), 404 when there is nothing to step to."""

from __future__ import annotations

import pytest

from tests.web.conftest import MARIA

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

LAB = {"date": "2025-05-01", "test": "CEA", "value": 3.1, "unit": "ng/mL"}


def _labs(client) -> int:
    return len(client.get(f"/api/people/{MARIA}/record").json()["labs"])


def _notes(client) -> list[str]:
    return [v["note"] for v in client.get(f"/api/people/{MARIA}/history").json()]


def test_undo_then_redo_puts_the_change_back(client) -> None:
    client.post(f"/api/people/{MARIA}/entries/labs", json=LAB)  # version 2: 12 labs
    assert client.post(f"/api/people/{MARIA}/undo?base_version=2", json={}).status_code == 200
    assert _labs(client) == 11
    response = client.post(f"/api/people/{MARIA}/redo?base_version=3", json={})
    assert response.status_code == 200
    assert response.json() == {"id": MARIA, "version": 4, "warnings": []}
    assert _labs(client) == 12
    assert _notes(client)[-1] == "redo: forward to version 2"


def test_redo_with_nothing_undone_is_a_404_and_stores_nothing(client) -> None:
    response = client.post(f"/api/people/{MARIA}/redo", json={})
    assert response.status_code == 404
    assert response.json()["error"]["kind"] == "not_found"
    assert len(_notes(client)) == 1


def test_a_stale_redo_is_refused(client) -> None:
    client.post(f"/api/people/{MARIA}/entries/labs", json=LAB)
    client.post(f"/api/people/{MARIA}/undo", json={})  # version 3
    response = client.post(f"/api/people/{MARIA}/redo?base_version=2", json={})
    assert response.status_code == 409
    assert response.json()["error"]["kind"] == "conflict"
    assert len(_notes(client)) == 3
    assert _labs(client) == 11


def test_restore_brings_back_an_old_version_as_a_new_one(client) -> None:
    client.post(f"/api/people/{MARIA}/entries/labs", json=LAB)  # 2
    client.post(f"/api/people/{MARIA}/entries/labs", json={**LAB, "value": 4.2})  # 3
    response = client.post(f"/api/people/{MARIA}/restore/1?base_version=3", json={})
    assert response.status_code == 200
    assert response.json() == {"id": MARIA, "version": 4, "warnings": []}
    assert _labs(client) == 11
    assert _notes(client)[-1] == "restored version 1"
    # A restore is an ordinary change: it can be undone, back to version 3's content.
    client.post(f"/api/people/{MARIA}/undo?base_version=4", json={})
    assert _labs(client) == 13


def test_restoring_what_the_record_already_holds_stores_nothing(client) -> None:
    response = client.post(f"/api/people/{MARIA}/restore/1", json={})
    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert len(_notes(client)) == 1


@pytest.mark.parametrize(
    ("path", "status", "kind"),
    [
        ("restore/7", 404, "not_found"),
        ("restore/0", 422, "request_invalid"),
        ("restore/abc", 422, "request_invalid"),
        ("restore/1?base_version=-1", 422, "request_invalid"),
    ],
)
def test_a_bad_restore_names_the_reason_and_stores_nothing(client, path, status, kind) -> None:
    response = client.post(f"/api/people/{MARIA}/{path}", json={})
    assert response.status_code == status
    assert response.json()["error"]["kind"] == kind
    assert len(_notes(client)) == 1


def test_a_stale_restore_is_refused(client) -> None:
    client.post(f"/api/people/{MARIA}/entries/labs", json=LAB)
    response = client.post(f"/api/people/{MARIA}/restore/1?base_version=1", json={})
    assert response.status_code == 409
    assert _labs(client) == 12


def test_redo_and_restore_are_documented_with_their_answers(client) -> None:
    spec = client.get("/api/openapi.json").json()
    for path in ("/api/people/{person_id}/redo", "/api/people/{person_id}/restore/{version}"):
        post = spec["paths"][path]["post"]
        assert post["responses"]["200"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/SavedOut"
        }
        assert {"404", "409", "422"} <= set(post["responses"])
        assert [p["name"] for p in post["parameters"] if p["in"] == "query"] == ["base_version"]
