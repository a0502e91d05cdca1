"""In server mode, whoever makes a new record owns it, and a new record never lands on, merges
into, or reveals a person stored by someone else — whichever way it is made: the start form,
an example, a patient file or FHIR upload, or the API import."""

from __future__ import annotations

import json

import pytest

from nextline.accounts.principal import Role
from nextline.examples import example_path
from nextline.record import patient_file_data, read_patient_file
from tests.web.accounts_setup import DANA, Server, client_as, server_mode
from tests.web.conftest import MARIA, csrf, make_app, make_client


@pytest.fixture
def server(tmp_path) -> Server:
    return server_mode(make_app(tmp_path / "home", people=(MARIA, DANA), trials=False))


def _maria_file(**patient: str) -> dict:
    data = patient_file_data(read_patient_file(example_path(MARIA)))
    data["patient"].update(patient)
    return json.loads(json.dumps(data, default=str))


def _untouched(server: Server) -> tuple:
    store = server.app.state.web.store
    return len(store.history(MARIA)), len(store.history(DANA)), server.accounts.members(MARIA)


def _roles_of(server: Server, username: str) -> dict[str, Role]:
    info = server.accounts.account(server.ids[username])
    assert info is not None
    return dict(info.roles)


def test_the_start_form_makes_the_creator_the_owner(server) -> None:
    norole = client_as(server, "norole")
    response = norole.post(
        "/people/start",
        data={
            "csrf_token": csrf(norole),
            "patient.name": "Maria (example)",
            "patient.sex": "female",
            "patient.menopausal_status": "postmenopausal",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    made = response.headers["location"].removeprefix("/people/")
    assert made == "maria-example"
    assert _roles_of(server, "norole") == {made: Role.OWNER}
    assert norole.get(f"/people/{made}").status_code == 200
    # and nobody else sees it
    assert client_as(server, "caregiver").get(f"/people/{made}").status_code == 404


def test_an_api_import_naming_someone_elses_person_becomes_a_new_person(server) -> None:
    before = _untouched(server)
    norole = client_as(server, "norole")
    response = norole.post("/api/people", json=_maria_file(name="Not Maria"))
    assert response.status_code == 201, response.text
    made = response.json()["id"]
    assert made not in (MARIA, DANA) and made.startswith(MARIA)
    assert _untouched(server) == before
    assert _roles_of(server, "norole") == {made: Role.OWNER}
    # the owner's own import of her own person is still a new version of it
    owner = client_as(server, "owner")
    again = owner.post("/api/people", json=_maria_file(name="Maria, renamed"))
    assert again.status_code == 201
    assert again.json()["id"] == MARIA
    assert server.app.state.web.store.get(MARIA).patient.name == "Maria, renamed"
    # a caregiver (may change Maria) imports onto her too; a clinician link may not import
    assert client_as(server, "clinician").post("/api/people", json=_maria_file()).status_code == 403


def test_an_uploaded_patient_file_naming_someone_elses_person_becomes_a_new_person(
    server,
) -> None:
    before = _untouched(server)
    norole = client_as(server, "norole")
    text = json.dumps(_maria_file(name="Uploaded"))
    response = norole.post(
        f"/people/upload?csrf_token={csrf(norole)}",
        files={"file": ("maria.json", text.encode(), "application/json")},
    )
    assert response.status_code == 200, response.text
    assert _untouched(server) == before
    roles = _roles_of(server, "norole")
    assert len(roles) == 1
    (made,) = roles
    assert made != MARIA and made.startswith(MARIA)
    assert server.app.state.web.store.get(made).patient.name == "Uploaded"


def test_an_example_someone_else_stored_is_a_copy_of_ones_own(server) -> None:
    before = _untouched(server)
    norole = client_as(server, "norole")
    page = norole.get("/people").text
    assert f'name="example" value="{MARIA}"' in page  # offered: this account has no Maria
    response = norole.post(
        "/people/examples",
        data={"csrf_token": csrf(norole), "example": MARIA},
        follow_redirects=False,
    )
    assert response.status_code == 303
    made = response.headers["location"].removeprefix("/people/")
    assert made != MARIA and made.startswith(MARIA)
    assert _untouched(server) == before
    assert _roles_of(server, "norole") == {made: Role.OWNER}
    # the owner of the stored example simply opens it
    owner = client_as(server, "owner")
    mine = owner.post(
        "/people/examples",
        data={"csrf_token": csrf(owner), "example": MARIA},
        follow_redirects=False,
    )
    assert mine.headers["location"] == f"/people/{MARIA}"


def test_in_local_mode_an_import_still_replaces_the_stored_person(tmp_path) -> None:
    app = make_app(tmp_path / "home", people=(MARIA,), trials=False)
    with make_client(app) as local:
        response = local.post("/api/people", json=_maria_file(name="Replaced"))
    assert response.json()["id"] == MARIA
    assert app.state.web.store.get(MARIA).patient.name == "Replaced"
