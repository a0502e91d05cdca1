"""Uploading a patient file or FHIR data from the web app (`web/upload.py`, `web/uploading.py`):
the CLI's import, its report and its questions; nothing stored when the file is refused; the
CSRF token checked before the body is parsed; the upload's own size limit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from nextline.examples import EXAMPLE_IDS, example_path
from nextline.web.gate import UPLOAD_LIMIT
from nextline.web.uploading import safe_name
from tests.fhir.helpers import JENNY, MBC1, PATIENT, bundle
from tests.web.conftest import csrf, make_app, make_client

MBC1_ID = "mcodetrialmatchingpatientexample01"


@pytest.fixture
def empty_app(tmp_path: Path):
    return make_app(tmp_path / "home", people=(), trials=False)


@pytest.fixture
def empty_client(empty_app):
    with make_client(empty_app) as c:
        c.get("/people")
        yield c


def _upload(client, name: str, content: bytes, into: str | None = None, **fields: str):
    url = f"/people/{into}/upload" if into else "/people/upload"
    return client.post(
        url,
        params={"csrf_token": csrf(client)},
        files={"file": (name, content, "application/octet-stream")},
        data=fields,
        follow_redirects=False,
    )


def _people(app) -> list[str]:
    return [p.id for p in app.state.web.store.list()]


def _example_data(person_id: str) -> dict:
    return yaml.safe_load(example_path(person_id).read_text(encoding="utf-8"))


@pytest.mark.parametrize("person_id", EXAMPLE_IDS)
def test_a_yaml_patient_file_starts_a_new_record(empty_app, empty_client, person_id) -> None:
    response = _upload(empty_client, f"{person_id}.yaml", example_path(person_id).read_bytes())
    assert response.status_code == 200, response.text
    assert _people(empty_app) == [person_id]
    history = empty_app.state.web.store.history(person_id)
    assert [v.version for v in history] == [1]
    assert history[0].note == f"uploaded {person_id}.yaml in the web app"
    assert f'href="/people/{person_id}"' in response.text
    assert "version 1" in response.text


def test_a_json_patient_file_is_read_as_json(empty_app, empty_client) -> None:
    data = _example_data("triple-negative-brca")
    data["patient"]["name"] = "Ruth Example"
    response = _upload(empty_client, "ruth.json", json.dumps(data, default=str).encode())
    assert response.status_code == 200, response.text
    assert empty_app.state.web.store.get("triple-negative-brca").patient.name == "Ruth Example"


def test_a_fhir_bundle_shows_the_import_report_and_asks_what_it_lacks(
    empty_app, empty_client
) -> None:
    response = _upload(empty_client, "portal-export.json", MBC1.read_bytes())
    assert response.status_code == 200, response.text
    html = response.text
    assert "18 resources read" in html
    assert "What was read from the file" in html
    assert "Still to add or check" in html
    assert "menopausal status is not in the bundle and is never guessed" in html
    stored = empty_app.state.web.store.get(MBC1_ID)
    assert stored.patient.menopausal_status == "unknown"
    assert "portal-export.json" in empty_app.state.web.store.history(MBC1_ID)[0].note
    dashboard = empty_client.get(f"/people/{MBC1_ID}")
    assert 'id="ask-menopause"' in dashboard.text


def test_fhir_ndjson_is_read_line_by_line(empty_app, empty_client) -> None:
    entries = json.loads(JENNY.read_text(encoding="utf-8"))["entry"]
    lines = "\n".join(json.dumps(e["resource"]) for e in entries) + "\n"
    response = _upload(empty_client, "export.ndjson", lines.encode())
    assert response.status_code == 200, response.text
    assert "resources read" in response.text
    assert len(_people(empty_app)) == 1


def test_fhir_for_a_stored_person_is_merged_on_the_version_it_merged_into(
    empty_app, empty_client
) -> None:
    assert _upload(empty_client, "a.json", MBC1.read_bytes()).status_code == 200
    store = empty_app.state.web.store
    first = store.get(MBC1_ID)
    answered = first.model_copy(
        update={"patient": first.patient.model_copy(update={"menopausal_status": "postmenopausal"})}
    )
    store.save(answered, "answered", base=1)
    again = _upload(empty_client, "b.json", MBC1.read_bytes())
    assert again.status_code == 200, again.text
    assert "was added to" in again.text
    # The merge kept what the person answered; the file's "unknown" did not overwrite it.
    assert store.get(MBC1_ID).patient.menopausal_status == "postmenopausal"
    assert len(store.history(MBC1_ID)) in (2, 3)


BAD_FILES = [
    ("broken.yaml", b"patient: [unclosed\n", "malformed YAML"),
    ("broken.json", b'{"nextline": 1, "patient": ', "malformed JSON"),
    ("photo.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
    ("empty.yaml", b"   \n", "empty"),
    ("list.yaml", b"- a\n- b\n", "mapping of sections"),
    ("latin1.yaml", "patient:\n  name: Jos\u00e9\n".encode("latin-1"), "not UTF-8"),
    ("fhir-nosex.json", json.dumps(bundle({**PATIENT, "gender": None})).encode(), "patient.sex"),
    (
        "two-people.json",
        json.dumps(bundle(PATIENT, {**PATIENT, "id": "p2"})).encode(),
        "holds 2 people",
    ),
]


@pytest.mark.parametrize(("name", "content", "said"), BAD_FILES)
def test_a_refused_file_names_the_reason_and_stores_nothing(
    empty_app, empty_client, name, content, said
) -> None:
    response = _upload(empty_client, name, content)
    assert response.status_code == 422, response.text
    assert "Nothing was stored" in response.text
    assert said in response.text
    assert _people(empty_app) == []


def test_a_file_of_several_people_asks_which_one_in_words(empty_app, empty_client) -> None:
    two = json.dumps(bundle(PATIENT, {**PATIENT, "id": "p2", "birthDate": "1971-02-03"}))
    response = _upload(empty_client, "registry.json", two.encode())
    assert response.status_code == 422
    assert "--patient" not in response.text
    assert "<code>patient</code>" in response.text
    assert 'name="patient"' in response.text
    assert _people(empty_app) == []
    chosen = _upload(empty_client, "registry.json", two.encode(), patient="p2")
    assert chosen.status_code == 200, chosen.text
    stored = empty_app.state.web.store.get("p2")
    assert stored.patient.birth_date is not None and stored.patient.birth_date.year == 1971


def test_a_schema_error_names_the_field(empty_app, empty_client) -> None:
    data = _example_data("hr-positive-esr1")
    data["patient"]["sex"] = "sometimes"
    data["labs"][0]["date"] = "2025-13-45"
    response = _upload(empty_client, "maria.yaml", yaml.safe_dump(data).encode())
    assert response.status_code == 422
    assert "<code>patient.sex</code>" in response.text
    assert "<code>labs[0].date</code>" in response.text
    assert _people(empty_app) == []


def test_a_new_file_never_overwrites_a_stored_person(empty_app, empty_client) -> None:
    raw = example_path("her2-positive-brain").read_bytes()
    assert _upload(empty_client, "a.yaml", raw).status_code == 200
    data = _example_data("her2-positive-brain")
    data["patient"]["name"] = "Someone Else"
    response = _upload(empty_client, "b.yaml", yaml.safe_dump(data, sort_keys=False).encode())
    assert response.status_code == 422
    assert "<code>patient.id</code>" in response.text
    assert "already stored" in response.text
    store = empty_app.state.web.store
    assert len(store.history("her2-positive-brain")) == 1
    assert store.get("her2-positive-brain").patient.name != "Someone Else"


def test_from_a_persons_page_the_file_is_a_new_version_of_them(app, client) -> None:
    person = "hr-positive-esr1"
    store = app.state.web.store
    data = _example_data(person)
    data["patient"]["id"] = "whatever-the-file-says"
    data["patient"]["name"] = "Maria From File"
    form = client.get(f"/people/{person}/upload").text
    assert 'name="base_version" value="1"' in form
    raw = yaml.safe_dump(data, sort_keys=False).encode()
    asked = _upload(client, "mine.yaml", raw, into=person, base_version="1")
    assert asked.status_code == 200, asked.text
    assert "Replace the record with this file?" in asked.text
    assert len(store.history(person)) == 1  # nothing stored before the choice
    response = _upload(client, "mine.yaml", raw, into=person, base_version="1", replace="yes")
    assert response.status_code == 200, response.text
    assert store.get(person).patient.name == "Maria From File"
    assert [v.version for v in store.history(person)] == [1, 2]
    assert "whatever-the-file-says" not in [p.id for p in store.list()]
    # the same file sent again from the old page (its answer lost): it landed, nothing more
    again = _upload(client, "mine.yaml", raw, into=person, base_version="1", replace="yes")
    assert again.status_code == 200, again.text
    assert len(store.history(person)) == 2
    # another file from the old page is refused at either step
    data["patient"]["name"] = "Maria Other"
    other = yaml.safe_dump(data, sort_keys=False).encode()
    for extra in ({}, {"replace": "yes"}):
        stale = _upload(client, "mine.yaml", other, into=person, base_version="1", **extra)
        assert stale.status_code == 409
        assert "changed since you opened this page" in stale.text
        assert len(store.history(person)) == 2
        assert store.get(person).patient.name == "Maria From File"


def test_fhir_from_a_persons_page_merges_into_them(app, client) -> None:
    person = "triple-negative-brca"
    store = app.state.web.store
    response = _upload(client, "portal.json", MBC1.read_bytes(), into=person, base_version="1")
    assert response.status_code == 200, response.text
    assert "was added to" in response.text
    assert MBC1_ID not in [p.id for p in store.list()]
    assert len(store.history(person)) == 2
    stale = _upload(client, "portal.json", MBC1.read_bytes(), into=person, base_version="1")
    assert stale.status_code == 409
    assert len(store.history(person)) == 2


def test_the_token_is_checked_before_the_body_is_parsed(empty_app, empty_client, monkeypatch):
    from starlette.requests import Request

    def parsed(*_a, **_k):
        raise AssertionError("the body was parsed before the token was checked")

    monkeypatch.setattr(Request, "form", parsed)
    raw = example_path("hr-positive-esr1").read_bytes()
    for params in ({}, {"csrf_token": "x" * 43}):
        response = empty_client.post(
            "/people/upload",
            params=params,
            files={"file": ("a.yaml", raw)},
            data={"csrf_token": csrf(empty_client)},  # in the body only: too late to count
        )
        assert response.status_code == 403
        assert "did not come from this page" in response.text
    assert _people(empty_app) == []


def test_a_session_less_upload_is_refused_by_the_gate(empty_app) -> None:
    with make_client(empty_app) as fresh:
        response = fresh.post(
            "/people/upload", files={"file": ("a.yaml", example_path(EXAMPLE_IDS[0]).read_bytes())}
        )
    assert response.status_code == 403
    assert _people(empty_app) == []


def test_an_upload_may_exceed_the_form_limit_but_not_its_own(empty_app, empty_client) -> None:
    from nextline.web.gate import FORM_LIMIT

    raw = example_path("hr-positive-esr1").read_bytes()
    padded = raw + b"\n# " + b"x" * (FORM_LIMIT + 1000) + b"\n"
    response = _upload(empty_client, "big.yaml", padded)
    assert response.status_code == 200, response.text[:500]
    too_big = _upload(empty_client, "huge.yaml", b"#" * (UPLOAD_LIMIT + 1))
    assert too_big.status_code == 413
    assert "nothing was stored" in too_big.text
    assert _people(empty_app) == ["hr-positive-esr1"]
    assert len(empty_app.state.web.store.history("hr-positive-esr1")) == 1


def test_the_upload_forms_are_offered(empty_client, app, client) -> None:
    people = empty_client.get("/people").text
    assert 'enctype="multipart/form-data"' in people
    assert 'action="/people/upload?csrf_token=' in people
    assert 'type="file"' in people
    add = client.get("/people/hr-positive-esr1/add").text
    assert 'href="/people/hr-positive-esr1/upload"' in add


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd.yaml", "passwd.yaml"),
        ("C:\\Users\\ana\\mi registro.json", "mi-registro.json"),
        ("", "upload"),
        (None, "upload"),
        ("<script>.yaml", "script-.yaml"),
    ],
)
def test_the_file_name_is_made_safe(given, expected) -> None:
    assert safe_name(given) == expected
