"""The JSON API: the same contracts as the command line's `--json`, documented in OpenAPI;
writes validated like the importer, all or nothing."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from nextline.cli import app as cli_app
from nextline.examples import example_path
from nextline.record import read_patient_file
from tests.web.conftest import AS_OF, MARIA, versions


def _cli_json(app, *args: str) -> object:
    """Run the CLI against the same store and return its parsed `--json` output."""
    result = CliRunner().invoke(
        cli_app, list(args), env={"NEXTLINE_HOME": str(app.state.web.settings.home)}
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_people_matches_nextline_list(app, client) -> None:
    assert client.get("/api/people").json() == _cli_json(app, "list", "--json")


def test_show_matches_nextline_show(app, client) -> None:
    api = client.get(f"/api/people/{MARIA}?as_of=2025-06-01").json()
    assert api == _cli_json(app, "show", MARIA, "--as-of", "2025-06-01", "--json")
    assert api["lines"][0]["drugs"] == ["letrozole", "palbociclib"]


def test_history_matches_nextline_history(app, client) -> None:
    assert client.get(f"/api/people/{MARIA}/history").json() == _cli_json(
        app, "history", MARIA, "--json"
    )


def test_status_matches_nextline_status(app, client) -> None:
    api = client.get(f"/api/people/{MARIA}/status?as_of=2025-06-01").json()
    assert api == _cli_json(app, "status", MARIA, "--as-of", "2025-06-01", "--json")
    assert api["overall"] == "no_current_treatment"


def test_options_matches_the_engine(app, client) -> None:
    from nextline.options import list_options
    from nextline.record import build_record

    state = app.state.web
    expected = list_options(
        build_record(state.store.get(MARIA), state.kb, AS_OF), state.kb, AS_OF
    ).to_json()
    assert client.get(f"/api/people/{MARIA}/options").json() == expected


def test_questions_and_brief_match_the_plan(app, client) -> None:
    questions = client.get(f"/api/people/{MARIA}/questions").json()
    assert questions == _cli_json(app, "questions", MARIA, "--as-of", "2025-06-01", "--json")
    with_trials = client.get(f"/api/people/{MARIA}/questions?trials=true").json()
    assert with_trials == _cli_json(
        app, "questions", MARIA, "--as-of", "2025-06-01", "--json", "--trials"
    )
    brief = client.get(f"/api/people/{MARIA}/brief").json()
    assert brief == _cli_json(app, "brief", MARIA, "--as-of", "2025-06-01", "--json")
    assert brief["patient"] == MARIA
    assert brief["as_of"] == "2025-06-01"
    assert [q["id"] for q in brief["questions"]] == [q["id"] for q in questions["questions"]]


def test_the_record_comes_back_as_stored(app, client) -> None:
    from nextline.record import patient_file_data

    expected = patient_file_data(read_patient_file(example_path(MARIA)))
    assert client.get(f"/api/people/{MARIA}/record").json() == expected


def test_import_stores_a_new_person(app, client) -> None:
    data = {
        "nextline": 1,
        "patient": {"id": "lee", "sex": "male"},
        "diagnosis": {"metastatic_since": "2024-01-02"},
    }
    response = client.post("/api/people", json=data)
    assert response.status_code == 201
    assert response.json() == {"id": "lee", "version": 1, "warnings": []}
    assert client.get("/api/people/lee/record").json() == data


def test_import_of_a_bad_file_names_every_problem_and_stores_nothing(app, client) -> None:
    bad = {
        "nextline": 1,
        "patient": {"id": "lee", "sex": "female"},
        "diagnosis": {},
        "labs": [{"date": "2025-01-01", "test": "CEA", "value": "high", "unit": "ng/mL"}],
    }
    response = client.post("/api/people", json=bad)
    assert response.status_code == 422
    assert response.json() == {
        "error": {
            "status": 422,
            "kind": "record_invalid",
            "message": "1 problem; nothing was stored"
            if False
            else response.json()["error"]["message"],
            "problems": [
                {
                    "path": "patient",
                    "reason": "menopausal_status is required when sex is female "
                    "(use unknown when it is not known)",
                    "severity": "error",
                },
                {
                    "path": "labs[0].value",
                    "reason": "Input should be a valid number, unable to parse string as a number "
                    "(got 'high')",
                    "severity": "error",
                },
            ],
        }
    }
    assert [p["id"] for p in client.get("/api/people").json()] == [
        "her2-positive-brain",
        "hr-positive-esr1",
        "triple-negative-brca",
    ]


def test_an_empty_diagnosis_is_stored_and_read_back(app, client) -> None:
    data = {"nextline": 1, "patient": {"id": "lee", "sex": "male"}, "diagnosis": {}}
    response = client.post("/api/people", json=data)
    assert response.status_code in (200, 201)
    assert response.json()["id"] == "lee"
    assert client.get("/api/people/lee").status_code == 200


@pytest.mark.parametrize("body", ["[1, 2]", "not json", '"text"'])
def test_import_needs_a_json_object(client, body: str) -> None:
    response = client.post(
        "/api/people", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["kind"] == "request_invalid"


def test_adding_an_entry(app, client) -> None:
    entry = {"date": "2025-05-01", "test": "CEA", "value": 3.1, "unit": "ng/mL"}
    response = client.post(f"/api/people/{MARIA}/entries/labs", json=entry)
    assert response.status_code == 201
    assert response.json() == {"id": MARIA, "version": 2, "warnings": []}
    assert client.get(f"/api/people/{MARIA}/record").json()["labs"][-1] == entry


@pytest.mark.parametrize(
    ("section", "entry", "path", "reason"),
    [
        (
            "labs",
            {"date": "2025-05-01", "test": "CEA", "value": 3, "unit": "kg"},
            "labs[11].unit",
            "cannot convert 'kg' to 'ng/mL' for CEA",
        ),
        (
            "symptoms",
            {"date": "2025-05-01", "esas": {"pain": 12}},
            "symptoms[1].esas.pain",
            "Input should be less than or equal to 10 (got 12)",
        ),
        (
            "recipes",
            {"name": "soup"},
            "section",
            "'recipes' is not one of: tumor_tests, germline_tests, metastases, therapies, "
            "labs, imaging, performance, symptoms, side_effects, care_team, assessments, "
            "comorbidities, appointments, questions",
        ),
    ],
)
def test_a_bad_entry_is_refused_at_its_path(app, client, section, entry, path, reason) -> None:
    response = client.post(f"/api/people/{MARIA}/entries/{section}", json=entry)
    assert response.status_code == 422
    assert response.json()["error"]["problems"] == [
        {"path": path, "reason": reason, "severity": "error"}
    ]
    assert versions(app) == 1


def test_undo_through_the_api(app, client) -> None:
    client.post(
        f"/api/people/{MARIA}/entries/labs",
        json={"date": "2025-05-01", "test": "CEA", "value": 3.1, "unit": "ng/mL"},
    )
    response = client.post(f"/api/people/{MARIA}/undo", json={})
    assert response.json() == {"id": MARIA, "version": 3, "warnings": []}
    assert len(client.get(f"/api/people/{MARIA}/record").json()["labs"]) == 11


def test_the_summary_pdf(client) -> None:
    response = client.get(f"/api/people/{MARIA}/summary.pdf")
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_a_bad_as_of_is_a_field_error(client) -> None:
    response = client.get(f"/api/people/{MARIA}/status?as_of=yesterday")
    assert response.status_code == 422
    assert response.json()["error"]["problems"][0]["path"] == "as_of"


def test_openapi_documents_every_api_route(client) -> None:
    from tests.web.conftest import all_routes

    spec = client.get("/api/openapi.json").json()
    assert spec["info"]["title"] == "nextline"
    documented = {
        (m.upper(), "/api" + p if not p.startswith("/api") else p)
        for p, item in spec["paths"].items()
        for m in item
    }
    api_routes = {(m, p) for m, p in all_routes() if p.startswith("/api")}
    assert api_routes <= documented
    assert "/people/{person_id}" not in spec["paths"]  # HTML pages are not part of the API
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert "<code>/api/people/{person_id}/status</code>" in docs.text
    assert "cdn" not in docs.text.lower() and '<script src="http' not in docs.text
