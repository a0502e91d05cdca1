"""Hostile and absurd input through the API and forms: refused clearly, nothing stored."""

from __future__ import annotations

import pytest

from tests.web.conftest import MARIA, versions


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e309", "-4"])
def test_the_api_refuses_a_lab_value_that_is_not_a_real_measurement(app, client, token) -> None:
    body = '{"date": "2025-01-02", "test": "CA 15-3", "value": VALUE, "unit": "U/mL"}'
    body = body.replace("VALUE", token)
    response = client.post(
        f"/api/people/{MARIA}/entries/labs",
        content=body,
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["kind"] == "record_invalid"
    assert [p["path"] for p in error["problems"]] == [
        f"labs[{len(app.state.web.store.get(MARIA).labs)}].value"
    ]
    assert versions(app) == 1


def test_the_api_refuses_a_long_note_instead_of_cutting_it(app, client) -> None:
    note = "n" * 5001
    response = client.post(
        f"/api/people/{MARIA}/entries/symptoms", json={"date": "2025-01-02", "notes": note}
    )
    assert response.status_code == 422
    [problem] = response.json()["error"]["problems"]
    assert problem["reason"].startswith("String should have at most 5000 characters")
    assert versions(app) == 1


@pytest.mark.parametrize("version", ["1" * 23, "2147483648", "99999999999"])
def test_a_huge_version_is_a_4xx_never_a_500(client, version: str) -> None:
    response = client.get(f"/api/people/{MARIA}/record?version={version}")
    assert response.status_code == 422
    assert response.json()["error"]["kind"] == "request_invalid"


def test_the_store_answers_not_found_for_a_version_past_the_column(app) -> None:
    from nextline.errors import NotFound

    with pytest.raises(NotFound, match="no record version"):
        app.state.web.store.get(MARIA, 10**23)


@pytest.mark.parametrize("path", ["status", "options", "questions", "brief", ""])
@pytest.mark.parametrize("as_of", ["2024-04-01", "2022-01-01", "2021-06-16"])
def test_an_as_of_read_shows_the_record_as_of_that_day_never_422(client, path, as_of) -> None:
    url = f"/api/people/{MARIA}/{path}".rstrip("/")
    response = client.get(f"{url}?as_of={as_of}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body.get("as_of", as_of) == as_of


def test_as_of_status_matches_the_cli(client) -> None:
    import json

    from typer.testing import CliRunner

    from nextline.cli import app as cli_app
    from nextline.examples import example_path

    api = client.get(f"/api/people/{MARIA}/status?as_of=2024-04-01").json()
    cli = CliRunner().invoke(
        cli_app, ["status", str(example_path(MARIA)), "--as-of", "2024-04-01", "--json"]
    )
    assert cli.exit_code == 0, cli.output
    assert api == json.loads(cli.stdout)


@pytest.mark.parametrize("method", ["TRACE", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("path", ["/api/people", f"/api/people/{MARIA}", f"/people/{MARIA}"])
def test_undeclared_methods_are_405(client, method: str, path: str) -> None:
    response = client.request(method, path, headers={"content-type": "text/plain"})
    assert response.status_code == 405


@pytest.mark.parametrize("as_of", ["1.9e-202", "0", "1717000000", "2024-4-1", "2024-02-30"])
def test_an_as_of_that_is_not_a_date_is_a_422(client, as_of: str) -> None:
    response = client.get(f"/api/people/{MARIA}/status?as_of={as_of}")
    assert response.status_code == 422
    assert [p["path"] for p in response.json()["error"]["problems"]] == ["as_of"]


def test_an_undo_without_a_body_is_accepted_but_a_form_body_is_not(app, client) -> None:
    client.post(
        f"/api/people/{MARIA}/entries/labs",
        json={"date": "2025-01-02", "test": "CA 15-3", "value": 3, "unit": "U/mL"},
    )
    form = client.post(f"/api/people/{MARIA}/undo", data={"x": "1"})
    assert form.status_code == 415
    assert client.post(f"/api/people/{MARIA}/undo").json()["version"] == 3
