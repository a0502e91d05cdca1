"""The history page: undo and redo one step per press, restore any version in one click."""

from __future__ import annotations

from nextline.record import patient_file_data
from tests.web.conftest import MARIA, csrf

HISTORY = f"/people/{MARIA}/history"


def _post(client, path: str, data: dict[str, str]):
    back = {} if "/add/" in path else {"next": HISTORY}
    return client.post(
        path, data={"csrf_token": csrf(client), **back, **data}, follow_redirects=False
    )


def _add_lab(client, value: str, base: int):
    response = _post(
        client,
        f"/people/{MARIA}/add/lab",
        {
            "date": "2025-05-0" + value[0],
            "test": "CEA",
            "value": value,
            "unit": "ng/mL",
            "base_version": str(base),
        },
    )
    assert response.status_code == 303, response.text


def _cea(app, version: int | None = None) -> list[float]:
    file = app.state.web.store.get(MARIA, version)
    return [lab.value for lab in file.labs if lab.test == "CEA" and str(lab.date) >= "2025-05-01"]


def _notes(app) -> list[str]:
    return [v.note for v in app.state.web.store.history(MARIA)]


def test_undo_twice_then_redo_once_from_the_history_page(app, client) -> None:
    for base, value in enumerate(("1.5", "2.5", "3.5"), start=1):
        _add_lab(client, value, base)
    page = client.get(HISTORY).text
    assert "Undo (back to version 3)" in page
    assert "Redo" not in page
    response = _post(client, f"/people/{MARIA}/undo", {"base_version": "4"})
    assert response.headers["location"] == f"{HISTORY}?undone=5"
    assert _post(client, f"/people/{MARIA}/undo", {"base_version": "5"}).status_code == 303
    assert _cea(app) == [1.5]
    page = client.get(HISTORY + "?undone=6").text
    assert "Undone: the record is back as it was (now version 6)." in page
    assert "Undo (back to version 1)" in page
    assert "Redo (forward to version 3)" in page
    response = _post(client, f"/people/{MARIA}/redo", {"base_version": "6"})
    assert response.headers["location"] == f"{HISTORY}?redone=7"
    assert "Redone: the change is back (now version 7)." in client.get(HISTORY + "?redone=7").text
    assert _cea(app) == [1.5, 2.5]
    assert _notes(app)[4:] == [
        "undo: back to version 3",
        "undo: back to version 2",
        "redo: forward to version 3",
    ]
    # each version holds what its note says
    assert [_cea(app, v) for v in range(1, 8)] == [
        [],
        [1.5],
        [1.5, 2.5],
        [1.5, 2.5, 3.5],
        [1.5, 2.5],
        [1.5],
        [1.5, 2.5],
    ]


def test_a_new_edit_after_undo_removes_the_redo_button(app, client) -> None:
    _add_lab(client, "1.5", 1)
    _add_lab(client, "2.5", 2)
    _post(client, f"/people/{MARIA}/undo", {"base_version": "3"})
    assert "Redo (forward to version 3)" in client.get(HISTORY).text
    _add_lab(client, "7.5", 4)
    assert "Redo" not in client.get(HISTORY).text
    response = _post(client, f"/people/{MARIA}/redo", {"base_version": "5"})
    assert response.status_code == 404
    assert "There is nothing to redo" in response.text
    assert app.state.web.store.latest_version(MARIA) == 5


def test_restore_brings_back_an_old_version_in_one_click(app, client) -> None:
    original = patient_file_data(app.state.web.store.get(MARIA, 1))
    _add_lab(client, "1.5", 1)
    _add_lab(client, "2.5", 2)
    page = client.get(HISTORY).text
    assert ">Restore version 1</button>" in page
    assert ">Restore version 3</button>" not in page  # the latest is already current
    response = _post(client, f"/people/{MARIA}/restore/1", {"base_version": "3"})
    assert response.headers["location"] == f"{HISTORY}?restored=4"
    assert patient_file_data(app.state.web.store.get(MARIA)) == original
    assert _notes(app)[-1] == "restored version 1"
    assert "Restored: the record is as it was in that version (now version 4)." in (
        client.get(HISTORY + "?restored=4").text
    )


def test_stale_or_impossible_steps_are_refused_clearly(app, client) -> None:
    _add_lab(client, "1.5", 1)
    _add_lab(client, "2.5", 2)
    for path in ("undo", "redo", "restore/1"):
        response = _post(client, f"/people/{MARIA}/{path}", {"base_version": "2"})
        assert response.status_code == 409, path
        assert "This record changed since the page was shown" in response.text
        assert "version 3: added a lab result" in response.text
    missing = _post(client, f"/people/{MARIA}/restore/99", {"base_version": "3"})
    assert missing.status_code == 404
    assert "There is no such version of this record." in missing.text
    unknown = _post(client, "/people/nobody/undo", {})
    assert unknown.status_code == 404
    assert app.state.web.store.latest_version(MARIA) == 3


def test_steps_need_the_page_token(app, client) -> None:
    _add_lab(client, "1.5", 1)
    for path in ("undo", "redo", "restore/1"):
        response = client.post(f"/people/{MARIA}/{path}", data={}, follow_redirects=False)
        assert response.status_code == 403
    assert app.state.web.store.latest_version(MARIA) == 2


def test_the_dashboard_undo_box_says_where_the_next_press_goes(app, client) -> None:
    _add_lab(client, "1.5", 1)
    _add_lab(client, "2.5", 2)
    page = client.get(f"/people/{MARIA}").text
    assert "Undo this change" in page
    assert f'href="/people/{MARIA}/history">All changes' in page
    _post(client, f"/people/{MARIA}/undo", {"base_version": "3"})
    page = client.get(f"/people/{MARIA}").text
    assert "Undo one more change" in page
    assert "Undo this change" not in page
