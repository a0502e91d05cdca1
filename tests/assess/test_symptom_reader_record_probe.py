"""The note reader's rules added after the probe of whole records
(`test_red_flags_unseen_records.py`), each on a class of notes: a thing that is confusing is
not a confused person; "his"/"her" before a sign is another person's body when that is the
other sex; a severe pain score written in a note; red urine or black stools with a food or
medicine that colours them named in the same sentence; CTCAE terms, as side effects are
recorded."""

from __future__ import annotations

import pytest

from nextline.assess.symptom_reader import read_note
from nextline.knowledge import Knowledge

# (note, sex of the person with the cancer, sign, counts)
CASES = [
    # confusing things vs a confused person
    ("the rota is so confusing", "female", "new_confusion", False),
    ("the letters from the hospital are confusing", "female", "new_confusion", False),
    ("this new app is really confusing", "male", "new_confusion", False),
    ("the instructions were a bit confusing", "female", "new_confusion", False),
    ("I'm confused and muddled today", "female", "new_confusion", True),
    ("she keeps confusing our names", "female", "new_confusion", True),
    ("he is confusing day and night", "male", "new_confusion", True),
    # another person's body by the pronoun
    ("my grandad had a stroke and his face drooped", "female", "speech_or_face_change", False),
    ("his face drooped and his speech was slurred", "female", "speech_or_face_change", False),
    ("her legs are numb after the long drive", "male", "leg_weakness_or_numbness", False),
    ("my wife had a fit and her arm went weak", "male", "seizure", False),
    ("his face drooped on one side", "male", "speech_or_face_change", True),
    ("mum had a fit and her arm went weak", "female", "seizure", True),
    ("her face has dropped on one side", "female", "speech_or_face_change", True),
    ("no fever and her legs are weak", "female", "leg_weakness_or_numbness", True),
    # a severe pain score written in a note (ESAS-r 7 or more)
    ("back pain 8/10 today", "female", "uncontrolled_pain", True),
    ("rib pain is 9 out of 10 tonight", "female", "uncontrolled_pain", True),
    ("pain score 7 this morning", "male", "uncontrolled_pain", True),
    ("7/10 pain in my hip", "female", "uncontrolled_pain", True),
    ("hip pain 5/10 today", "female", "uncontrolled_pain", False),
    ("pain 3 out of 10, much better", "female", "uncontrolled_pain", False),
    ("no pain at all, 0/10", "female", "uncontrolled_pain", False),
    # colour explained by a food or medicine in the same sentence
    ("beetroot made my pee pink", "female", "bleeding", False),
    ("beetroot for tea and now my wee is red", "female", "bleeding", False),
    ("black poo since starting the iron tablets", "female", "bleeding", False),
    ("on ferrous sulphate, poo is black", "male", "bleeding", False),
    ("my wee is red", "female", "bleeding", True),
    ("black tarry poo this morning", "female", "bleeding", True),
    ("I'm not on iron tablets and my poo is black", "female", "bleeding", True),
    ("no beetroot but my wee is red", "female", "bleeding", True),
    ("ate beetroot yesterday but there is blood in my wee today", "female", "bleeding", True),
    ("iron tablets and gums bleeding", "female", "bleeding", True),
    # CTCAE terms, as a side effect is recorded
    ("Pyrexia", "female", "fever_or_chills", True),
    ("Dyspnoea", "male", "breathlessness", True),
    ("Syncope", "female", "fainting_or_palpitations", True),
    ("Epistaxis", "female", "bleeding", True),
    ("Haematuria", "female", "bleeding", True),
    ("Keratitis", "female", "eye_pain", True),
    ("Osteonecrosis of jaw", "female", "jaw_pain", True),
    ("Muscle weakness lower limb", "female", "leg_weakness_or_numbness", True),
    ("Urinary retention", "male", "bladder_or_bowel_change", True),
    ("no dyspnoea at rest or on exertion", "female", "breathlessness", False),
    ("denies epistaxis or haematuria", "female", "bleeding", False),
    ("syncope in 2019", "female", "fainting_or_palpitations", False),
]


@pytest.mark.parametrize(("text", "sex", "concept", "counts"), CASES)
def test_the_probe_rules(kb: Knowledge, text: str, sex: str, concept: str, counts: bool) -> None:
    assert kb.assess is not None
    found = read_note(text, kb.assess.vocabulary, sex).has(concept)
    assert (found is not None) == counts
