"""People: a record started without inventing an id (birth date or year), examples offered
apart from one's own, export, and delete with a typed confirmation."""

from __future__ import annotations

import pytest

from nextline.errors import NotFound
from nextline.record import decode_patient_data, patient_file_data, validate_patient_data
from nextline.web.people_admin import derive_id
from tests.web.conftest import MARIA, csrf, field_errors, make_app, make_client


def _post(client, path: str, data: dict[str, str]):
    return client.post(path, data={"csrf_token": csrf(client), **data}, follow_redirects=False)


@pytest.mark.parametrize(
    ("name", "taken", "expected"),
    [
        ("Ana María López", set(), "ana-maria-lopez"),
        ("O'Brien, Mary-Kate", set(), "o-brien-mary-kate"),
        ("  Zoë  ", set(), "zoe"),
        ("李雷", set(), "person"),
        (None, set(), "person"),
        ("Ana", {"ana"}, "ana-2"),
        ("Ana", {"ana", "ana-2", "ana-3"}, "ana-4"),
        ("x" * 200, set(), "x" * 60),
    ],
)
def test_an_id_is_derived_from_the_name_and_unique(name, taken, expected) -> None:
    assert derive_id(name, taken.__contains__) == expected


@pytest.fixture
def empty(tmp_path):
    app = make_app(tmp_path / "h", people=(), trials=False)
    with make_client(app) as client:
        client.get("/people")
        yield app, client


def test_a_person_with_a_full_birth_date_gets_the_right_age(empty) -> None:
    app, client = empty
    html = client.get("/people/start").text
    assert 'name="patient.id"' not in html
    response = _post(
        client,
        "/people/start",
        {
            "patient.name": "Ana",
            "patient.birth": "1964-12-20",
            "patient.sex": "female",
            "patient.menopausal_status": "postmenopausal",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/people/ana"
    stored = patient_file_data(app.state.web.store.get("ana"))
    assert stored["patient"] == {
        "id": "ana",
        "name": "Ana",
        "birth_date": "1964-12-20",
        "sex": "female",
        "menopausal_status": "postmenopausal",
    }
    # as of 1 June 2025: 60, not yet 61
    assert "Age 60 ·" in client.get("/people/ana").text


def test_a_year_alone_is_still_accepted_and_names_never_collide(empty) -> None:
    app, client = empty
    typed = {"patient.name": "Ana", "patient.birth": "1964", "patient.sex": "female"}
    typed["patient.menopausal_status"] = "unknown"
    assert _post(client, "/people/start", typed).headers["location"] == "/people/ana"
    # another Ana (not the same form posted twice: `test_double_post`)
    second = _post(client, "/people/start", {**typed, "patient.birth": "1971", "patient.id": "ana"})
    assert second.headers["location"] == "/people/ana-2"  # a posted id is ignored
    assert app.state.web.store.get("ana-2").patient.birth_year == 1971


@pytest.mark.parametrize(
    ("typed", "field", "reason"),
    [
        (
            {"patient.birth": "12/03/1964"},
            "patient-birth",
            "write the year (1964) or the full date as year-month-day (1964-03-12)",
        ),
        (
            {"patient.birth": "1964-02-30"},
            "patient-birth",
            "'1964-02-30' is not a date on the calendar: write it as year-month-day, such as "
            "2025-03-14",
        ),
        (
            {"patient.birth": "1850"},
            "patient-birth",
            "1850 is less than this can be: at least 1900",
        ),
        (
            {"patient.sex": "other"},
            "patient-sex",
            "Input should be 'female' or 'male' (got 'other')",
        ),
    ],
)
def test_a_bad_new_person_shows_the_reason_and_stores_nothing(empty, typed, field, reason) -> None:
    app, client = empty
    data = {"patient.name": "Bea", "patient.sex": "female", "patient.menopausal_status": "unknown"}
    response = _post(client, "/people/start", {**data, **typed})
    assert response.status_code == 422
    assert field_errors(response.text) == {field: reason}
    assert app.state.web.store.list() == []


def test_examples_are_offered_apart_and_added_only_when_chosen(empty) -> None:
    app, client = empty
    html = client.get("/people").text
    assert "Try it with an example" in html
    assert html.count('name="example"') == 3
    assert 'class="people-list"' not in html
    response = _post(client, "/people/examples", {"example": MARIA})
    assert response.headers["location"] == f"/people/{MARIA}"
    assert [p.id for p in app.state.web.store.list()] == [MARIA]
    html = client.get("/people").text
    assert html.count('name="example"') == 2 and f'value="{MARIA}"' not in html
    assert _post(client, "/people/examples", {"example": "someone-else"}).status_code == 422
    assert [p.id for p in app.state.web.store.list()] == [MARIA]


def test_the_menu_shows_no_api(client) -> None:
    assert 'href="/api/docs"' not in client.get("/people").text


def test_the_export_reads_back_as_the_same_record(app, client) -> None:
    response = client.get(f"/people/{MARIA}/record.yaml")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == f'attachment; filename="{MARIA}.yaml"'
    back = validate_patient_data(decode_patient_data(response.content))
    assert back == app.state.web.store.get(MARIA)


def test_delete_offers_an_export_first_and_needs_the_name_typed(app, client) -> None:
    html = client.get(f"/people/{MARIA}/delete").text
    assert f'href="/people/{MARIA}/record.yaml"' in html
    name = app.state.web.store.get(MARIA).patient.name
    response = _post(client, f"/people/{MARIA}/delete", {"confirm_name": "Mar"})
    assert response.status_code == 422
    assert field_errors(response.text) == {
        "confirm_name": f"type {name} exactly to delete this record".replace("'", "'")
    }
    assert app.state.web.store.exists(MARIA)
    response = _post(client, f"/people/{MARIA}/delete", {"confirm_name": f" {name.upper()} "})
    assert response.status_code == 303
    assert response.headers["location"] == "/people?deleted=1"
    assert not app.state.web.store.exists(MARIA)
    with pytest.raises(NotFound):
        app.state.web.store.history(MARIA)
    assert "The record was deleted." in client.get(response.headers["location"]).text
    assert client.get(f"/people/{MARIA}").status_code == 404
