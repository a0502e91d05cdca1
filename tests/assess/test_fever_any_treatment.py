"""A fever of 38 °C or more, or shaking chills, is a call-now flag whatever the treatment
(issue 11, tenth wave): Cancer.Net tells people with cancer to call their care team right
away for either, because cancer and its treatment weaken the body's defences. Before, a
fever raised a flag only during chemotherapy or an antibody-drug conjugate, with low
neutrophils, or on a CDK4/6 inhibitor: 39.2 °C with shivering on letrozole, or any fever
with no treatment recorded, raised nothing (6 of the 7 rows of class `fever` off
chemotherapy in `data/fever_any_treatment.csv` were silent; the seventh, on ribociclib, was
already a call now). During chemotherapy it stays an emergency.

Each row must raise exactly the kinds listed (short names of
`test_symptom_reader_voices_s10.KINDS`); the quiet rows guard the usual wordings that do not
mean a fever now."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from nextline.knowledge import Knowledge
from tests.assess.test_symptom_reader_voices_s10 import expected, flags

ROWS = list(
    csv.DictReader(
        (Path(__file__).parent / "data" / "fever_any_treatment.csv").open(encoding="utf-8")
    )
)


@pytest.mark.parametrize("row", ROWS, ids=[f"{r['class']}:{r['text'][:40]}" for r in ROWS])
def test_note_raises_exactly_its_flags(kb: Knowledge, row: dict[str, str]) -> None:
    assert flags(kb, row) == expected(row)
