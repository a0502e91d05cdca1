"""The timeline's best-response column: the record's word, else RECIST from the scans."""

from __future__ import annotations

import re

from nextline.record import PatientFile, patient_file_data
from tests.web.conftest import MARIA


def _cells(html: str) -> list[str]:
    rows = re.findall(
        r"<tr[^>]*><td[^>]*>(?:<span>)?(\d+)(?:</span>)?</td>.*?</td>\s*<td[^>]*>.*?</td><td[^>]*>.*?</td>"
        r"<td[^>]*>(.*?)</td></tr>",
        html,
        re.S,
    )
    return [re.sub(r"<[^>]+>", "", cell).strip() for _, cell in rows]


def _without_best_response(app, person: str) -> None:
    store = app.state.web.store
    file, version = store.get_latest(person)
    data = patient_file_data(file)
    for therapy in data.get("therapies", []):
        therapy.pop("best_response", None)
    store.save(PatientFile.model_validate(data), "test", base=version)


def test_the_column_shows_the_records_word(client) -> None:
    html = client.get(f"/people/{MARIA}/timeline").text
    assert _cells(html) == ["Shrank (PR)"]


def test_a_blank_best_response_is_filled_from_the_scans(app, client) -> None:
    _without_best_response(app, MARIA)
    html = client.get(f"/people/{MARIA}/timeline").text
    assert _cells(html) == ["Shrank (PR) · from the scans"]


def test_a_line_without_scans_says_not_known(app, client) -> None:
    store = app.state.web.store
    file, version = store.get_latest(MARIA)
    data = patient_file_data(file)
    for therapy in data.get("therapies", []):
        therapy.pop("best_response", None)
    data["imaging"] = []
    store.save(PatientFile.model_validate(data), "test", base=version)
    html = client.get(f"/people/{MARIA}/timeline").text
    assert _cells(html) == ["not known"]
