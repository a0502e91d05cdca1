"""A checklist answered "no" is a "no": "Fever: No", "Seizures: none", "Fever N, Chills N".

Nurses, navigators and caregivers paste checklists into notes (a symptom review, a phone
triage form). The answer comes after the sign, where no ConText trigger looks, so every
"no" answered raised the sign: a pasted form of ten answers "no" raised every emergency, and
a safety net that cries wolf is stopped being read. The reader now takes an answer right
after a sign (after a colon, a dash or an equals sign, or nothing), ending its clause, as the
sign denied; "yes" and anything else leave the sign as it was.
"""

from __future__ import annotations

import pytest

from nextline.knowledge import Knowledge
from tests.assess.note_signs import assert_signs

# (note, signs it must find, signs it must not find)
CASES: list[tuple[str, set[str], set[str]]] = [
    ("Fever: No", set(), {"fever_or_chills"}),
    ("Fever: no. Chills: no. Seizure: none", set(), {"fever_or_chills", "seizure"}),
    ("fever - no", set(), {"fever_or_chills"}),
    ("Fever: N", set(), {"fever_or_chills"}),
    ("Fever: denies", set(), {"fever_or_chills"}),
    ("Seizures: none", set(), {"seizure"}),
    ("Seizure: nil", set(), {"seizure"}),
    ("Chest pain: negative", set(), {"chest_pain"}),
    ("Confusion: absent", set(), {"new_confusion"}),
    ("Fever N, Chills N, Cough Y", {"new_cough"}, {"fever_or_chills"}),
    ("Fever: No\nSeizure: Yes", {"seizure"}, {"fever_or_chills"}),
    ("Fever: No Seizure: Yes", {"seizure"}, {"fever_or_chills"}),
    (
        "leg weakness: no\nwet myself: yes",
        {"bladder_or_bowel_change"},
        {"leg_weakness_or_numbness"},
    ),
    ("Chills - N  Confusion - Y", {"new_confusion"}, {"fever_or_chills"}),
    # an answer "yes", or words that are not an answer, leave the sign as it was
    ("Fever: yes", {"fever_or_chills"}, set()),
    ("Seizure: yes, this morning", {"seizure"}, set()),
    ("had a fit: no idea why", {"seizure"}, set()),
    ("Fever:\nno", {"fever_or_chills"}, set()),  # on another line: not an answer to it
    ("I had a fit no one saw", {"seizure"}, set()),
    ("chest pain no better with the spray", {"chest_pain"}, set()),
]


@pytest.mark.parametrize(("note", "must", "must_not"), CASES)
def test_a_checklist_answered_no_is_a_no(
    kb: Knowledge, note: str, must: set[str], must_not: set[str]
) -> None:
    assert_signs(kb, note, must, must_not)
