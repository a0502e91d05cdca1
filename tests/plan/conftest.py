"""The example people as of the day after their latest record entry (when the questions
matter most): hr-positive-esr1 after its progression and ESR1 result, her2-positive-brain
after trastuzumab deruxtecan stopped, triple-negative-brca the day after the fever."""

from __future__ import annotations

import datetime as dt

import pytest

from nextline.examples import example_path
from nextline.knowledge import Knowledge
from nextline.plan import Briefing, build_briefing
from nextline.record import load_record

VISIT_DAYS = {
    "hr-positive-esr1": dt.date(2024, 4, 15),
    "her2-positive-brain": dt.date(2025, 3, 1),
    "triple-negative-brca": dt.date(2024, 8, 21),
}


@pytest.fixture(scope="session")
def briefings(kb: Knowledge) -> dict[str, Briefing]:
    out = {}
    for person, day in VISIT_DAYS.items():
        record = load_record(example_path(person), kb, day)
        out[person] = build_briefing(record, kb, day)
    return out
