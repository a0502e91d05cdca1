"""A sign misspelt is still the sign: "had a siezure", "very confussed", "vommiting blood".

People write notes on a phone, often tired or frightened, and caregivers write in a hurry;
the vocabulary holds each sign's words spelt right, so one slip of a finger hid an emergency.
The reader now reads a word that is no English word (pyspellchecker's English word list) and
is one edit (a letter left out, added, changed or two swapped; two edits for a long word)
away from one word of the vocabulary as that word. A real English word is never changed
("never" stays "never", not "fever"; "painted" stays "painted", not "fainted"), and a word
near two vocabulary words of different meaning is left as written.
"""

from __future__ import annotations

import pytest

from nextline.knowledge import Knowledge
from tests.assess.note_signs import assert_signs

# (note, sex, signs it must find, signs it must not find)
CASES: list[tuple[str, str, set[str], set[str]]] = [
    ("had a siezure this morning", "female", {"seizure"}, set()),
    ("she had a seisure", "male", set(), {"seizure"}),  # someone else, as spelt right
    ("mum had a sezure at tea time", "female", set(), set()),
    ("very confussed and sleepy", "female", {"new_confusion"}, set()),
    ("bleading from my gums wont stop", "female", {"bleeding"}, set()),
    ("caughing up blood", "female", {"bleeding"}, set()),
    ("really bad chest pian", "female", {"chest_pain"}, set()),
    ("breathles even sitting down", "female", {"breathlessness"}, set()),
    ("palpatations and dizzy", "female", {"fainting_or_palpitations"}, set()),
    ("slured speech since lunch", "female", {"speech_or_face_change"}, set()),
    ("vommiting blood", "female", {"bleeding"}, set()),
    ("swolen left leg, hot and red", "female", {"one_swollen_leg"}, set()),
    ("shaking chils all night", "female", {"fever_or_chills"}, set()),
    ("high temprature and shivery", "female", {"fever_or_chills"}, set()),
    ("uncontroled pain even with morphine", "female", {"uncontrolled_pain"}, set()),
    ("diarhoea 10 times today", "female", {"diarrhea"}, set()),
    # negated, as spelt right
    ("no siezures since the new tablets started", "female", set(), {"seizure"}),
    ("not confussed at all", "female", set(), {"new_confusion"}),
    ("no bleading", "female", set(), {"bleeding"}),
    # real words near a sign's word stay what they are
    ("I never had a temperature", "female", set(), {"fever_or_chills"}),
    ("I painted the kitchen today", "female", set(), {"fainting_or_palpitations"}),
    ("making soup, feeling fine", "female", set(), {"fever_or_chills"}),
    ("went for a walk, lovely week", "female", set(), {"leg_weakness_or_numbness"}),
]


@pytest.mark.parametrize(("note", "sex", "must", "must_not"), CASES)
def test_a_misspelt_sign_is_read_as_the_sign(
    kb: Knowledge, note: str, sex: str, must: set[str], must_not: set[str]
) -> None:
    assert_signs(kb, note, must, must_not, sex)
