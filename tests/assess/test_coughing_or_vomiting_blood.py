"""Coughing up or vomiting blood is a red flag of its own (issue 11, tenth wave).

Before, both were only `bleeding`, which raises a flag with low platelets or during
chemotherapy: a person on letrozole who vomited blood, or coughed up blood and was
breathless, got no flag at all (15 of the 15 notes with a sign in this table were missed).
Vomiting blood needs emergency care (NHS; MedlinePlus); coughing up blood needs a check the
same day, and emergency care with breathlessness or chest pain (NHS).

Each row of `data/coughing_or_vomiting_blood.csv` is one note in a record with the drug and
site given, and must raise exactly the kinds listed (the short names of
`test_symptom_reader_voices_s10.KINDS`): the quiet rows guard against "sick of blood
tests" and "blood pressure fine; a bit of a cough"."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from nextline.knowledge import Knowledge
from tests.assess.test_symptom_reader_voices_s10 import expected, flags

ROWS = list(
    csv.DictReader(
        (Path(__file__).parent / "data" / "coughing_or_vomiting_blood.csv").open(encoding="utf-8")
    )
)


def test_the_table_has_both_signs_and_quiet_notes() -> None:
    assert sum("blood_up:E" in r["expect"] for r in ROWS) >= 8
    assert sum("blood_up:C" in r["expect"] for r in ROWS) >= 4
    assert sum(not r["expect"] for r in ROWS) >= 5


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['class']}:{r['text'][:40]}" for r in ROWS])
def test_note_raises_exactly_its_flags(kb: Knowledge, row: dict[str, str]) -> None:
    assert flags(kb, row) == expected(row)


def test_bleeding_during_chemotherapy_is_still_raised_beside_it(kb: Knowledge) -> None:
    """The new signs are bleeding too: on chemotherapy the bleeding flag stays."""
    row = {"drugs": "paclitaxel", "sites": "", "sex": "female", "text": "coughed up blood"}
    assert flags(kb, row) == {
        "coughing_or_vomiting_blood": "call_now",
        "bleeding_with_low_platelets": "call_now",
    }
