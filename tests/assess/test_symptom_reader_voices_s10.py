"""Notes in voices and shapes the earlier probes did not try (issue 11, third probe): a carer's
or a nurse's third person and abbreviations ("pt c/o SOB", "LOC this am"), phone shorthand
and capitals, a sign that changes over time, a sign asked as a question, numbers written in
words or with a decimal comma, and plain wordings of the emergencies of metastatic breast
cancer.

Each row of `data/voices_s10.csv` is one note in a record with the drug and site given, and
must raise exactly the red-flag kinds listed, each with its urgency: a kind missing is a
missed emergency, a wrong urgency a wrong answer, any other kind a false alarm. The rows were
written before the fixes, in rounds: 190 first, then 25 guards of the new rules (class
`guard`), then 32 more in the same classes, written after the first fixes and before
running them; how many failed then is in the CHANGELOG."""

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
ROWS: list[dict[str, str]] = list(
    csv.DictReader((Path(__file__).parent / "data" / "voices_s10.csv").open(encoding="utf-8"))
)
KINDS = {
    "fn": "possible_febrile_neutropenia",
    "mscc": "possible_spinal_cord_compression",
    "neuro": "neurological_change",
    "confusion": "new_confusion",
    "hyperca": "possible_hypercalcemia",
    "pneumonitis": "possible_pneumonitis",
    "clot": "possible_blood_clot",
    "diarrhea": "severe_diarrhea",
    "sugar": "high_blood_sugar",
    "rhythm": "heart_rhythm",
    "breathless": "severe_breathlessness",
    "pain": "uncontrolled_pain",
    "bleeding": "bleeding_with_low_platelets",
    "blood_up": "coughing_or_vomiting_blood",
}
URGENCY = {"E": "emergency", "C": "call_now"}
# Rows still read wrong, each kept as a test that fails until it is fixed (strict xfail: a
# row that starts passing must be moved out of here), with why it is not fixed yet.
OPEN = {
    "pt vomiting ++, headache worse on lying flat": "a headache worse lying down: no public "
    "source verified for it as a warning sign; headache and vomiting are read only within "
    "one clause",
    "headache that's worse when I lie down": "a headache worse lying down: no public source "
    "verified for it as a warning sign",
    "breathless since Tuesday, now even sitting still": "'even sitting still' after a comma "
    "is not tied back to the breathlessness of the clause before",
    "no seizures for three years until today when she had one": "'had one' refers back to "
    "a negated word; the reader does not resolve what 'one' stands for",
    "I'm a nurse and see seizures at work all the time": "signs seen in one's work are not "
    "told apart from the writer's own",
    "Dad (my carer) had chest pain yesterday": "'my' inside a bracket after 'Dad' is read as "
    "the writer coming back in",
    "no back pain before, but since Thursday it's terrible and my legs are numb": "'it' "
    "refers back to a negated sign; the reader does not resolve what 'it' stands for",
    "fever last week, none since": "a sign said to be over after a comma is kept as possible "
    "and asked about (the eighth wave's rule, as for 'was confused yesterday, fine now'); "
    "whether a fever a week ago, gone since, should still raise an emergency is a clinical "
    "choice left open",
}


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


def test_the_table_is_varied_enough() -> None:
    """At least 150 notes, every class at least 10, a third of them raising nothing."""
    assert len(ROWS) >= 150
    assert len({r["text"] for r in ROWS}) == len(ROWS)
    classes = {r["class"] for r in ROWS}
    assert all(sum(r["class"] == c for r in ROWS) >= 10 for c in classes)
    assert sum(not r["expect"] for r in ROWS) >= len(ROWS) // 4


def _param(row: dict[str, str]) -> Any:
    reason = OPEN.get(row["text"])
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(row, marks=marks, id=f"{row['class']}:{row['text'][:40]}")


def test_every_open_row_is_in_the_table() -> None:
    assert set(OPEN) <= {r["text"] for r in ROWS}


@pytest.mark.parametrize("row", [_param(r) for r in ROWS])
def test_note_raises_exactly_its_flags(kb: Knowledge, row: dict[str, str]) -> None:
    assert flags(kb, row) == expected(row)
