"""Questions before saving: an implausible lab value, a misspelt drug, and a new medicine while
a treatment runs. Without an answer the form comes back asking, and nothing is stored."""

from __future__ import annotations

import pytest

from nextline.record import patient_file_data
from tests.web.conftest import MARIA, csrf, field_errors, versions


def _post(client, path: str, data: dict[str, str]):
    return client.post(path, data={"csrf_token": csrf(client), **data}, follow_redirects=False)


def _stored(app) -> dict:
    return patient_file_data(app.state.web.store.get(MARIA))


LAB = f"/people/{MARIA}/add/lab"
START = f"/people/{MARIA}/add/treatment-start"


def test_an_implausible_lab_value_asks_and_saves_only_once_confirmed(app, client) -> None:
    typed = {"date": "2025-05-01", "test": "WBC", "value": "5200", "unit": "10^9/L"}
    response = _post(client, LAB, typed)
    assert response.status_code == 422
    assert field_errors(response.text) == {
        "value": "Is this right? 5200 ×10^9/L is outside what a lab reports for WBC (0.03 to "
        "440 ×10^9/L). Did you mean 5200 /µL = 5.2 ×10^9/L? Check the unit on the report, or "
        "tick the box to keep it as typed."
    }
    assert 'name="confirm" value="yes"' in response.text
    assert 'value="5200"' in response.text  # kept as typed
    assert versions(app) == 1
    response = _post(client, LAB, {**typed, "confirm": "yes"})
    assert response.status_code == 303
    assert _stored(app)["labs"][-1] == {
        "date": "2025-05-01",
        "test": "WBC",
        "value": 5200.0,
        "unit": "10^9/L",
    }


@pytest.mark.parametrize(
    ("test", "value", "unit", "meant"),
    [
        ("platelets", "16000", "10^9/L", "16000 /µL = 16 ×10^9/L"),  # the issue's own example
        ("Hb", "118", "g/dL", "118 g/L = 11.8 g/dL"),
        ("ANC", "1900", "10^9/L", "1900 /µL = 1.9 ×10^9/L"),
    ],
)
def test_the_usual_blood_count_mix_ups_are_asked_about_with_the_sourced_ranges(
    app, client, test: str, value: str, unit: str, meant: str
) -> None:
    typed = {"date": "2025-05-01", "test": test, "value": value, "unit": unit}
    response = _post(client, LAB, typed)
    assert response.status_code == 422
    question = field_errors(response.text)["value"]
    assert question.startswith("Is this right?")
    assert f"Did you mean {meant}?" in question
    assert versions(app) == 1  # nothing stored until the person confirms or corrects


def test_changing_to_the_suggested_unit_saves_without_asking(app, client) -> None:
    typed = {"date": "2025-05-01", "test": "white cell count", "value": "5200", "unit": "/uL"}
    response = _post(client, LAB, typed)
    assert response.status_code == 303
    assert _stored(app)["labs"][-1]["unit"] == "/uL"
    assert 'name="confirm"' not in client.get(LAB).text


def test_a_misspelt_drug_asks_did_you_mean_and_the_names_can_be_kept(app, client) -> None:
    typed = {"drugs": "fulvestrant, elacestrent", "start": "2025-04-02", "setting": "metastatic"}
    response = _post(client, START, typed)
    assert response.status_code == 422
    assert field_errors(response.text) == {
        "drugs": "'elacestrent' is not a medicine we know. Did you mean elacestrant? Correct the "
        "name, or tick the box to keep it as typed."
    }
    assert 'name="confirm_drugs"' in response.text
    assert versions(app) == 1
    response = _post(client, START, {**typed, "confirm_drugs": "yes"})
    assert response.status_code == 303
    assert _stored(app)["therapies"][-1]["drugs"] == ["fulvestrant", "elacestrent"]


def test_the_drug_input_suggests_known_names_as_you_type(client) -> None:
    html = client.get(START).text
    assert 'list="drug-names"' in html
    assert '<option value="elacestrant">' in html and '<option value="Kisqali">' in html


def _start_a_line(client) -> None:
    response = _post(
        client,
        START,
        {"drugs": "letrozole, ribociclib", "start": "2025-01-10", "setting": "metastatic"},
    )
    assert response.status_code == 303


def test_a_new_medicine_while_a_line_runs_asks_whether_it_replaces_or_joins(app, client) -> None:
    _start_a_line(client)
    before = _stored(app)
    html = client.get(START).text
    assert "letrozole + ribociclib (since 10 Jan 2025) is still running" in html
    response = _post(client, START, {"drugs": "elacestrant", "start": "2025-05-01"})
    assert response.status_code == 422
    assert field_errors(response.text) == {
        "running": "letrozole + ribociclib is still running. Does this new medicine replace it, "
        "or is it added to it?"
    }
    assert _stored(app) == before


def test_replacing_stops_the_running_treatment_with_its_reason(app, client) -> None:
    _start_a_line(client)
    count = len(_stored(app)["therapies"])
    response = _post(
        client,
        START,
        {
            "drugs": "elacestrant",
            "start": "2025-05-01",
            "setting": "metastatic",
            "running": "replace",
            "replace_reason": "progression",
        },
    )
    assert response.status_code == 303, field_errors(response.text)
    therapies = _stored(app)["therapies"]
    assert len(therapies) == count + 1
    assert therapies[count - 1] == {
        "setting": "metastatic",
        "drugs": ["letrozole", "ribociclib"],
        "start": "2025-01-10",
        "stop": "2025-05-01",
        "stop_reason": "progression",
    }
    assert therapies[-1] == {
        "setting": "metastatic",
        "drugs": ["elacestrant"],
        "start": "2025-05-01",
    }
    record = app.state.web.record(MARIA)
    import datetime as dt

    line = record.current_line(dt.date(2025, 5, 20))
    assert line is not None and [d.name for d in line.drugs] == ["elacestrant"]


def test_joining_keeps_the_running_treatment_going(app, client) -> None:
    _start_a_line(client)
    response = _post(
        client,
        START,
        {"drugs": "goserelin", "start": "2025-02-01", "setting": "metastatic", "running": "join"},
    )
    assert response.status_code == 303
    therapies = _stored(app)["therapies"]
    assert therapies[-2].get("stop") is None
    assert therapies[-1]["drugs"] == ["goserelin"]


def test_replacing_needs_a_reason_and_a_start_after_the_running_one(app, client) -> None:
    _start_a_line(client)
    before = _stored(app)
    response = _post(
        client,
        START,
        {"drugs": "elacestrant", "start": "2024-12-01", "running": "replace"},
    )
    assert response.status_code == 422
    assert field_errors(response.text) == {
        "replace_reason": "say why the current treatment stops",
        "start": "starts before the treatment it replaces began (2025-01-10)",
    }
    assert _stored(app) == before


def test_a_supportive_medicine_during_a_line_is_not_asked_about(app, client) -> None:
    _start_a_line(client)
    response = _post(
        client, START, {"drugs": "denosumab", "start": "2025-02-01", "setting": "supportive"}
    )
    assert response.status_code == 303
    assert _stored(app)["therapies"][-2].get("stop") is None
