"""A person with a long record, for layout tests: ten lines of therapy, many labs and scans,
long drug names, and notes with long unbroken words and web addresses (the things that push a
page wider than a phone). Built from Maria's example so it stays valid as the format grows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nextline.examples import example_path
from nextline.record import patient_file_data, read_patient_file
from tests.web.conftest import MARIA

LONG_PERSON = "long-record"

# A web address and a word with no place to break: both must wrap, never widen the page.
LONG_URL = (
    "https://www.example.org/patients/records/2025/very-long-path/"
    "with-many-segments/and-a-query?that=never&has=a&space=anywhere&at=all"
)
LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 2

# Ten metastatic lines, one after another, with the longest drug names the knowledge base has.
LINES: list[list[str]] = [
    ["letrozole", "palbociclib"],
    ["fulvestrant", "capivasertib"],
    ["exemestane", "everolimus"],
    ["elacestrant"],
    ["trastuzumab deruxtecan"],
    ["sacituzumab govitecan"],
    ["datopotamab deruxtecan"],
    ["capecitabine"],
    ["protein-bound paclitaxel"],
    ["eribulin"],
]


def long_record_data() -> dict[str, Any]:
    """Patient-file data (not yet validated) for the long record."""
    data = patient_file_data(read_patient_file(example_path(MARIA)))
    data["patient"].update(
        id=LONG_PERSON,
        name="Maximiliana Featherstonehaugh-Wolfeschlegelsteinhausenbergerdorff (test)",
    )
    start = dt.date(2021, 6, 15)
    therapies = [t for t in data["therapies"] if t.get("setting") != "metastatic"]
    for number, drugs in enumerate(LINES):
        begin = start + dt.timedelta(days=120 * number)
        line: dict[str, Any] = {
            "setting": "metastatic",
            "drugs": drugs,
            "start": begin.isoformat(),
            "notes": f"line {number + 1}: see {LONG_URL} and {LONG_WORD}",
        }
        if number < len(LINES) - 1:
            line.update(
                stop=(begin + dt.timedelta(days=110)).isoformat(), stop_reason="progression"
            )
        therapies.append(line)
    data["therapies"] = therapies
    labs = list(data["labs"])
    for month in range(24):
        day = (dt.date(2021, 7, 1) + dt.timedelta(days=30 * month)).isoformat()
        labs += [
            {"date": day, "test": "CA 15-3", "value": 40 + month * 3, "unit": "U/mL"},
            {"date": day, "test": "ALT", "value": 20 + month % 7, "unit": "U/L"},
            {"date": day, "test": "hemoglobin", "value": 11.5, "unit": "g/dL"},
        ]
    data["labs"] = labs
    data["symptoms"].append(
        {
            "date": "2025-05-01",
            "esas": {"pain": 4, "tiredness": 6},
            "notes": f"read {LONG_URL}; the word was {LONG_WORD}",
        }
    )
    data["side_effects"].append(
        {
            "date": "2024-01-10",
            "term": "palmar-plantar erythrodysesthesia syndrome",
            "grade": 2,
            "therapy": "capecitabine",
            "notes": LONG_WORD,
        }
    )
    data["care_team"].append(
        {
            "role": "medical_oncologist",
            "name": "Dr. Wolfeschlegelsteinhausenbergerdorff",
            "phone": "+1 215 555 0199",
            "organization": "TheComprehensiveCancerCenterOfTheVeryLongNamedUniversityHospital",
        }
    )
    data.setdefault("appointments", []).append(
        {"date": "2025-06-20", "what": "scan", "notes": f"bring {LONG_URL}"}
    )
    data.setdefault("assessments", []).append(
        {
            "date": "2025-05-02",
            "by": "Dr. Wolfeschlegelsteinhausenbergerdorff",
            "disease_status": "worsened",
            "notes": LONG_WORD,
        }
    )
    data["goals"]["upcoming_events"].append({"date": "2025-08-30", "what": LONG_WORD})
    return data
