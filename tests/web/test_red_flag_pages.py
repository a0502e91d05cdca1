"""The symptom form's tick boxes raise red flags, and the emergency box is the first thing on
the page after saving and on every page of that person while the report is recent."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from fastapi.testclient import TestClient

from nextline.record import patient_file_data
from tests.web.conftest import csrf, field_errors, make_app, make_client, versions

TRIPLE = "triple-negative-brca"


def _post_symptoms(client: TestClient, pairs: list[tuple[str, str]]):
    body: dict[str, list[str]] = {"csrf_token": [csrf(client)]}
    for name, value in pairs:
        body.setdefault(name, []).append(value)
    return client.post(f"/people/{TRIPLE}/add/symptoms", data=body, follow_redirects=False)


def _first_section(html: str) -> str:
    main = html.split('<main id="main"', 1)[1]
    found = re.search(r'<section class="([^"]+)"', main)
    assert found is not None
    return found.group(1)


def test_ticked_signs_are_stored_and_the_dashboard_opens_on_the_emergency(app, client) -> None:
    response = _post_symptoms(
        client,
        [
            ("date", "2025-05-30"),
            ("signs", "back_or_neck_pain"),
            ("signs", "leg_weakness_or_numbness"),
            ("stools_per_day", "2"),
        ],
    )
    assert response.status_code == 303
    stored = patient_file_data(app.state.web.store.get(TRIPLE))["symptoms"][-1]
    assert stored == {
        "date": "2025-05-30",
        "signs": ["back_or_neck_pain", "leg_weakness_or_numbness"],
        "stools_per_day": 2,
    }
    page = client.get(response.headers["location"]).text
    assert _first_section(page).startswith("red-flags")
    assert 'data-kind="possible_spinal_cord_compression"' in page
    assert "Emergency: call now" in page


def test_the_emergency_box_is_on_every_page_of_the_person(app, client) -> None:
    _post_symptoms(client, [("date", "2025-05-30"), ("notes", "had a fit this morning")])
    for page in ("timeline", "options", "questions", "supportive-care", "add"):
        html = client.get(f"/people/{TRIPLE}/{page}").text
        assert _first_section(html) == "red-flags banner", page
        assert 'data-kind="neurological_change"' in html, page
    other = client.get("/people/hr-positive-esr1/timeline").text
    assert 'data-kind="neurological_change"' not in other


def test_the_box_goes_once_the_report_is_older_than_the_look_back(tmp_path: Path) -> None:
    later = make_app(tmp_path / "home", as_of=dt.date(2025, 6, 20), trials=False)
    with make_client(later) as client:
        client.get("/people")
        _post_symptoms(client, [("date", "2025-06-01"), ("signs", "seizure")])
        assert (
            'data-kind="neurological_change"' not in client.get(f"/people/{TRIPLE}/timeline").text
        )
        _post_symptoms(client, [("date", "2025-06-19"), ("signs", "seizure")])
        assert 'data-kind="neurological_change"' in client.get(f"/people/{TRIPLE}/timeline").text


def test_a_negated_note_raises_no_box(app, client) -> None:
    _post_symptoms(client, [("date", "2025-05-30"), ("notes", "no fever, no numbness or weakness")])
    assert "red-flags" not in client.get(f"/people/{TRIPLE}/timeline").text


def test_bad_stools_and_unknown_signs_are_refused_and_nothing_is_stored(app, client) -> None:
    before = versions(app, TRIPLE)
    response = _post_symptoms(
        client, [("date", "2025-05-30"), ("stools_per_day", "lots"), ("signs", "hiccups")]
    )
    assert response.status_code == 422
    errors = field_errors(response.text)
    assert "stools_per_day" in errors
    assert any(name.startswith("signs") for name in errors)
    assert versions(app, TRIPLE) == before


def test_an_unknown_menopausal_status_is_asked_for_on_the_dashboard(app, client) -> None:
    from nextline.record import PatientFile

    file = app.state.web.store.get(TRIPLE)
    data = patient_file_data(file)
    data["patient"]["menopausal_status"] = "unknown"
    app.state.web.store.save(PatientFile.model_validate(data), "imported", base=None)
    page = client.get(f"/people/{TRIPLE}").text
    assert 'id="ask-menopause"' in page
    refused = client.post(
        f"/people/{TRIPLE}/menopausal-status",
        data={"csrf_token": csrf(client), "menopausal_status": "sometimes"},
        follow_redirects=False,
    )
    assert refused.status_code == 422
    saved = client.post(
        f"/people/{TRIPLE}/menopausal-status",
        data={"csrf_token": csrf(client), "menopausal_status": "premenopausal"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert app.state.web.store.get(TRIPLE).patient.menopausal_status == "premenopausal"
    assert 'id="ask-menopause"' not in client.get(f"/people/{TRIPLE}").text


def test_no_page_shows_a_command_line_to_the_person(app, client) -> None:
    for path in ("/people", f"/people/{TRIPLE}", f"/people/{TRIPLE}/trials"):
        html = client.get(path).text
        assert "<code>nextline" not in html, path
        assert ".venv/bin" not in html, path
