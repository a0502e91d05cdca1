"""Implausible lab values that arrive whole (an uploaded file, an API entry) are not refused:
they are saved as written and the warning names the path, the value and the unit that fits.
The lab form asks first instead (tests/web/test_checked_forms.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from nextline.examples import example_path
from tests.web.conftest import MARIA, csrf, field_errors, make_app, make_client, versions

CALCIUM_WARNING = (
    "9.6 mmol/L is outside what a lab reports for calcium (1 to 16 mg/dL); 9.6 mg/dL would "
    "fit: kept as written, check the unit on the report"
)


@pytest.fixture
def empty_client(tmp_path: Path):
    app = make_app(tmp_path / "home", people=(), trials=False)
    with make_client(app) as c:
        c.get("/people")
        yield app, c


def test_an_uploaded_file_is_saved_and_its_report_names_the_implausible_value(
    empty_client,
) -> None:
    app, client = empty_client
    data = yaml.safe_load(example_path(MARIA).read_text(encoding="utf-8"))
    data["labs"].append({"date": "2025-05-20", "test": "calcium", "value": 9.6, "unit": "mmol/L"})
    index = len(data["labs"]) - 1
    response = client.post(
        "/people/upload",
        params={"csrf_token": csrf(client)},
        files={"file": ("maria.yaml", yaml.safe_dump(data).encode(), "application/x-yaml")},
        follow_redirects=False,
    )
    assert response.status_code == 200, response.text
    assert f"<code>labs[{index}].value</code>: {CALCIUM_WARNING}" in response.text
    stored = app.state.web.store.get(MARIA)
    assert stored.labs[index].value == 9.6 and stored.labs[index].unit == "mmol/L"


def test_the_api_saves_an_implausible_entry_and_returns_the_warning(app, client) -> None:
    entry = {"date": "2025-05-20", "test": "calcium", "value": 9.6, "unit": "mmol/L"}
    response = client.post(f"/api/people/{MARIA}/entries/labs", json=entry)
    assert response.status_code == 201
    body = response.json()
    assert body["version"] == 2
    labs = client.get(f"/api/people/{MARIA}/record").json()["labs"]
    path = f"labs[{len(labs) - 1}].value"
    assert {"path": path, "reason": CALCIUM_WARNING, "severity": "warning"} in body["warnings"]
    assert labs[-1] == entry


def test_the_lab_form_asks_about_a_calcium_mix_up_and_saves_only_once_confirmed(
    app, client
) -> None:
    typed = {"date": "2025-05-20", "test": "calcium", "value": "9.6", "unit": "mmol/L"}
    url = f"/people/{MARIA}/add/lab"
    response = client.post(url, data={"csrf_token": csrf(client), **typed}, follow_redirects=False)
    assert response.status_code == 422
    assert field_errors(response.text)["value"].startswith(
        "Is this right? 9.6 mmol/L is outside what a lab reports for calcium (1 to 16 mg/dL). "
        "Did you mean 9.6 mg/dL?"
    )
    assert versions(app) == 1
    typed["unit"] = "mg/dL"  # the suggested unit: saved without asking
    response = client.post(url, data={"csrf_token": csrf(client), **typed}, follow_redirects=False)
    assert response.status_code == 303
    assert versions(app) == 2
