"""Everyday wordings of cord-compression signs found missing in the ninth wave: lost feeling
in the legs, numbness when wiping (saddle numbness, NICE NG234), not having passed urine all
day; and the same words said of nothing, or denied."""

from __future__ import annotations

import pytest

from nextline.assess.symptom_reader import read_note
from nextline.knowledge import Knowledge

CASES: list[tuple[str, str, bool]] = [
    ("lost feeling in my legs", "leg_weakness_or_numbness", True),
    ("lost the feeling in both legs since lunch", "leg_weakness_or_numbness", True),
    ("my legs just went and I fell", "leg_weakness_or_numbness", True),
    ("numb when I wipe", "leg_weakness_or_numbness", True),
    ("cant feel anything when I wipe", "leg_weakness_or_numbness", True),
    ("not been for a wee all day", "bladder_or_bowel_change", True),
    ("havent been for a wee since last night", "bladder_or_bowel_change", True),
    ("no wee since this morning", "bladder_or_bowel_change", True),
    ("have not lost feeling in my legs", "leg_weakness_or_numbness", False),
    ("no numbness when I wipe", "leg_weakness_or_numbness", False),
    ("been for a wee fine", "bladder_or_bowel_change", False),
]


@pytest.mark.parametrize(("note", "concept", "found"), CASES)
def test_wording(kb: Knowledge, note: str, concept: str, found: bool) -> None:
    assert kb.assess is not None
    reading = read_note(note, kb.assess.vocabulary, "female")
    assert (reading.has(concept) is not None) is found, (reading.findings, reading.dismissed)
