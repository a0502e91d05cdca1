"""Record paths read as the entries they point to, never `imaging[3].lesions[1]`."""

from __future__ import annotations

import re

import pytest

from nextline.examples import EXAMPLE_IDS
from nextline.record import PatientFile
from nextline.web.entry_words import cite

FILE = PatientFile.model_validate(
    {
        "nextline": 1,
        "patient": {"id": "p", "sex": "female", "menopausal_status": "unknown"},
        "diagnosis": {},
        "metastases": [{"site": "lymph_nodes"}],
        "therapies": [
            {"drugs": ["letrozole", "ribociclib"], "start": "2024-01-05", "setting": "metastatic"},
            {"kind": "radiation", "site": "spine", "start": "2024-02-01"},
        ],
        "labs": [{"date": "2025-11-02", "test": "CA 15-3", "value": 40, "unit": "U/mL"}],
        "imaging": [
            {
                "date": "2025-11-20",
                "modality": "CT",
                "lesions": [
                    {"id": "liver-1", "role": "target", "longest_mm": 20},
                    {"id": "liver-2", "role": "target", "longest_mm": 12},
                ],
            }
        ],
        "tumor_tests": [{"date": "2023-01-20"}],
        "side_effects": [{"date": "2025-03-01", "term": "diarrhoea", "grade": 2}],
    }
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("imaging[0].lesions[1]", "lesion liver-2 on your CT scan of 20 Nov 2025"),
        ("imaging[0].lesions[1].longest_mm", "lesion liver-2 on your CT scan of 20 Nov 2025"),
        ("imaging[0]", "your CT scan of 20 Nov 2025"),
        (
            "therapies[0], therapies[1]",
            "your letrozole + ribociclib, started 5 Jan 2024, your radiation, started 1 Feb 2024",
        ),
        ("labs[0].value", "your CA 15-3 result of 2 Nov 2025"),
        ("tumor_tests[0]", "your tumor test of 20 Jan 2023"),
        ("side_effects[0]", "your diarrhoea (side effect, 1 Mar 2025)"),
        ("metastases[0]", "the cancer's spread to the lymph nodes on your record"),
        ("patient.menopausal_status", "your menopausal status"),
        ("goals.upcoming_events[0].date", "your goals and preferences"),
        (
            "line 2: imaging[0].lesions[0]: too small",
            "line 2: lesion liver-1 on your CT scan of 20 Nov 2025: too small",
        ),
        ("imaging[7]", "imaging[7]"),  # points nowhere: left as written
        ("imaging[0].lesions[9]", "your CT scan of 20 Nov 2025"),
        ("no path here", "no path here"),
    ],
)
def test_a_path_reads_as_its_entry(text: str, expected: str) -> None:
    assert cite(text, FILE) == expected


def test_without_a_file_the_text_is_unchanged() -> None:
    assert cite("imaging[0]", None) == "imaging[0]"
    assert cite(None, FILE) == ""


@pytest.mark.parametrize("person", EXAMPLE_IDS)
def test_no_page_of_options_or_status_shows_a_record_path(client, person: str) -> None:
    for page in (f"/people/{person}", f"/people/{person}/options"):
        html = client.get(page).text
        assert re.findall(r"\b[a-z_]+\[\d+\]", html) == [], page
        assert "(record: " not in html
