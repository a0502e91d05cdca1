"""The harness the note-voice probes share (issue 11, third and fourth probes): a table row
is one note in a record with the drug and site given, and must raise exactly the red-flag
kinds it lists, each with its urgency (`expect`: short names with E or C)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from nextline.assess import assess_status
from nextline.knowledge import Knowledge
from tests.assess.builders import make_record, therapy

AS_OF = dt.date(2024, 3, 10)
KINDS = {
    "fn": "possible_febrile_neutropenia",
    "mscc": "possible_spinal_cord_compression",
    "neuro": "neurological_change",
    "confusion": "new_confusion",
    "hyperca": "possible_hypercalcemia",
    "pneumonitis": "possible_pneumonitis",
    "clot": "possible_blood_clot",
    "svc": "possible_superior_vena_cava_obstruction",
    "bowel": "possible_bowel_obstruction",
    "diarrhea": "severe_diarrhea",
    "sugar": "high_blood_sugar",
    "rhythm": "heart_rhythm",
    "breathless": "severe_breathlessness",
    "pain": "uncontrolled_pain",
    "bleeding": "bleeding_with_low_platelets",
    "blood_up": "coughing_or_vomiting_blood",
}
URGENCY = {"E": "emergency", "C": "call_now"}


def read_rows(name: str) -> list[dict[str, str]]:
    """The rows of `data/<name>` (columns class, drugs, sites, sex, text, expect)."""
    path = Path(__file__).parent / "data" / name
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def expected(row: dict[str, str]) -> dict[str, str]:
    out = {}
    for item in row["expect"].split():
        short, urgency = item.split(":")
        out[KINDS[short]] = URGENCY[urgency]
    return out


def flags(kb: Knowledge, row: dict[str, str]) -> dict[str, str]:
    sections: dict[str, Any] = {
        "patient": {"id": "voices", "sex": row["sex"], "menopausal_status": "postmenopausal"},
        "symptoms": [{"date": "2024-03-09", "notes": row["text"]}],
    }
    if row["drugs"]:
        sections["therapies"] = [therapy([row["drugs"]])]
    if row["sites"]:
        sections["metastases"] = [{"site": row["sites"], "since": "2024-01-01"}]
    record = make_record(kb, AS_OF, **sections)
    return {f.kind: f.urgency for f in assess_status(record, kb, AS_OF).red_flags}


def params(rows: list[dict[str, str]], still_open: dict[str, str]) -> list[Any]:
    """The rows as test cases; a row still read wrong (in `still_open`, with why) is a strict
    xfail, so a row that starts passing must be moved out."""
    out = []
    for row in rows:
        reason = still_open.get(row["text"])
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(row, marks=marks, id=f"{row['class']}:{row['text'][:40]}"))
    return out


def assert_varied(rows: list[dict[str, str]], still_open: dict[str, str], quiet: int) -> None:
    """At least 150 distinct notes, every class at least 10, at least 1/`quiet` of them
    raising nothing, and every open row in the table."""
    assert len(rows) >= 150
    assert len({r["text"] for r in rows}) == len(rows)
    classes = {r["class"] for r in rows}
    assert all(sum(r["class"] == c for r in rows) >= 10 for c in classes)
    assert sum(not r["expect"] for r in rows) >= len(rows) // quiet
    assert set(still_open) <= {r["text"] for r in rows}
