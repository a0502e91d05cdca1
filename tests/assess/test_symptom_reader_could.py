""" "Couldn't" is "can't" said of a moment ago, and "could be" is a maybe (ninth wave).

The vocabulary spells its signs with "can't" ("can't feel my legs", "can't breathe"); a note
saying "couldn't feel my legs this morning" or "could not move my legs" hid a sign of spinal
cord compression. "could" now reads as "can" (`irregular` in `symptom_vocabulary.yaml`).
"Could be a fit" and "could have been a fit" are kept as possible (asked about, "may mean"),
and "scared I will have a fit" is a worry, not a fit.
"""

from __future__ import annotations

import pytest

from nextline.assess.symptom_reader import read_note
from nextline.knowledge import Knowledge

# (note, signs that must count for sure, signs that must count as possible, signs that
# must not count)
CASES: list[tuple[str, set[str], set[str], set[str]]] = [
    ("couldnt feel my legs this morning", {"leg_weakness_or_numbness"}, set(), set()),
    ("could not feel my legs", {"leg_weakness_or_numbness"}, set(), set()),
    ("couldnt move my legs for an hour", {"leg_weakness_or_numbness"}, set(), set()),
    ("couldnt feel my feet last night", {"leg_weakness_or_numbness"}, set(), set()),
    ("couldnt stand up", {"trouble_walking"}, set(), set()),
    ("couldnt breathe even sitting still", {"breathless_at_rest"}, set(), set()),
    ("could be a fit, she went stiff", set(), {"seizure"}, set()),
    ("could have been a fit", set(), {"seizure"}, set()),
    ("perhaps a small fit", set(), {"seizure"}, set()),
    ("scared I will have a fit", set(), set(), {"seizure"}),
    ("afraid I'll have a fit at work", set(), set(), {"seizure"}),
    ("I can feel my legs fine", set(), set(), {"leg_weakness_or_numbness"}),
    # a word between "a" and "fit"
    ("had a small fit in the night", {"seizure"}, set(), set()),
    ("I think I had a little fit", set(), {"seizure"}, set()),
    ("had a bit of a coughing fit", set(), set(), {"seizure"}),
    ("had a right old coughing fit", set(), set(), {"seizure"}),
]


@pytest.mark.parametrize(("note", "sure", "possible", "must_not"), CASES)
def test_could_reads_as_can_and_could_be_as_maybe(
    kb: Knowledge, note: str, sure: set[str], possible: set[str], must_not: set[str]
) -> None:
    assert kb.assess is not None
    reading = read_note(note, kb.assess.vocabulary, "female")
    found = {f.concept: f.possible for f in reading.findings}
    assert {c for c, maybe in found.items() if not maybe} >= sure, (note, reading.findings)
    assert {c for c, maybe in found.items() if maybe} >= possible, (note, reading.findings)
    assert not (must_not & set(found)), (note, reading.findings)
