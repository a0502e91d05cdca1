"""Correcting an older scan: its form shows that scan's own date, kind, impression and
lesions (not the latest scan's), and saving replaces exactly that scan."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from nextline.examples import EXAMPLE_IDS
from nextline.record import patient_file_data
from tests.web.browser_form import form_fields
from tests.web.conftest import MARIA, field_errors

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _send(client, url: str, sent: list[tuple[str, str]]):
    return client.post(
        url,
        content=urlencode(sent),
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )


def _values(client, url: str) -> dict[str, str]:
    return {f.name: f.value for f in form_fields(client.get(url).text)}


@pytest.mark.parametrize("person", EXAMPLE_IDS)
def test_each_scan_form_shows_that_scan_itself(app, client, person) -> None:
    scans = patient_file_data(app.state.web.store.get(person))["imaging"]
    for index, scan in enumerate(scans):
        shown = _values(client, f"/people/{person}/entries/imaging/{index}/correct")
        assert shown["date"] == scan["date"]
        assert shown["modality"] == scan["modality"]
        assert shown["impression"] == scan.get("impression", "")
        for row, lesion in enumerate(scan.get("lesions", [])):
            assert shown[f"lesions[{row}].id"] == lesion["id"]
            assert shown[f"lesions[{row}].role"] == lesion["role"]
            size = lesion.get("short_axis_mm" if lesion.get("node") else "longest_mm")
            key = "short_axis_mm" if lesion.get("node") else "longest_mm"
            assert shown[f"lesions[{row}].{key}"] == ("" if size is None else str(float(size)))
        assert f"lesions[{len(scan.get('lesions', []))}].id" in shown  # a blank row to add one
        assert shown[f"lesions[{len(scan.get('lesions', []))}].id"] == ""


def _fields(client, url: str) -> list[tuple[str, str]]:
    return [(f.name, f.value) for f in form_fields(client.get(url).text)]


def test_a_size_on_the_first_scan_is_corrected_there_only(app, client) -> None:
    store = app.state.web.store
    before = patient_file_data(store.get(MARIA))
    url = f"/people/{MARIA}/entries/imaging/0/correct"
    sent = [(k, "30" if k == "lesions[0].longest_mm" else v) for k, v in _fields(client, url)]
    assert _send(client, url, sent).status_code == 303
    after = patient_file_data(store.get(MARIA))
    assert after["imaging"][0]["lesions"][0]["longest_mm"] == 30
    assert after["imaging"][0]["lesions"][1:] == before["imaging"][0]["lesions"][1:]
    assert after["imaging"][1:] == before["imaging"][1:]
    assert store.history(MARIA)[-1].note == "corrected your CT scan of 20 May 2021"


def test_a_lesion_is_taken_out_by_emptying_its_name_and_added_in_a_blank_row(app, client):
    store = app.state.web.store
    before = patient_file_data(store.get(MARIA))["imaging"][1]
    url = f"/people/{MARIA}/entries/imaging/1/correct"
    sent = []
    for k, v in _fields(client, url):
        if k.startswith("lesions[1]."):  # liver-2: not on this scan after all
            v = "" if not k.endswith((".role",)) else v
        if k == "lesions[4].id":
            v = "lung-1"
        elif k == "lesions[4].organ":
            v = "lung"
        elif k == "lesions[4].role":
            v = "non_target"
        elif k == "lesions[4].status":
            v = "present"
        sent.append((k, v))
    response = _send(client, url, sent)
    assert response.status_code == 303, response.text[:400]
    lesions = patient_file_data(store.get(MARIA))["imaging"][1]["lesions"]
    assert [x["id"] for x in lesions] == ["liver-1", "node-1", "bone-1", "lung-1"]
    assert lesions[:3] == [before["lesions"][0], *before["lesions"][2:]]
    assert lesions[3] == {
        "id": "lung-1",
        "organ": "lung",
        "role": "non_target",
        "status": "present",
    }


@pytest.mark.parametrize(
    ("name", "value", "field", "reason_part"),
    [
        ("lesions[2].short_axis_mm", "nine", "lesions-2-short_axis_mm", "number"),
        ("date", "", "date", "needed"),
        ("date", "2031-01-01", "date", "has not come yet"),
        ("modality", "x-ray vision", "modality", "Input should be"),
    ],
)
def test_a_wrong_scan_correction_names_the_field_and_stores_nothing(
    app, client, name, value, field, reason_part
) -> None:
    store = app.state.web.store
    url = f"/people/{MARIA}/entries/imaging/2/correct"
    sent = [(k, value if k == name else v) for k, v in _fields(client, url)]
    response = _send(client, url, sent)
    assert response.status_code == 422
    errors = field_errors(response.text)
    assert field in errors and reason_part in errors[field], errors
    assert store.latest_version(MARIA) == 1
