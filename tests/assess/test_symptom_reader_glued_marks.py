"""A mark typed against a word's edge ("-fever", "weak- no", "had a fit~") hid the word.

spaCy's tokenizer splits some marks from a word (a full stop, a comma, a bracket) but keeps
others on it ("weak-", "-fever", "fit~", "numb|"), and a word with a mark on it matches no
wording. Lists typed on a phone with a dash for a bullet, and notes that trail off with a dash
or a tilde, are how people write, so these notes hid their emergencies. The reader now sets
such a mark apart from the word (`symptom_reader.tidy`), and a dash or slash set apart ends a
negation's reach as a spaced one always did. The same class: a full stop, semicolon, colon or
bracket typed with no space ("no fever.had a fit", "had a fit(2x)"), and a letter held down
("confuseddd", "numbbb"), which the reader now matches by the word it stands for.
"""

from __future__ import annotations

import pytest

from nextline.assess.symptom_reader import tidy
from nextline.knowledge import Knowledge
from tests.assess.note_signs import assert_signs

# (note, signs it must find, signs it must not find)
CASES: list[tuple[str, set[str], set[str]]] = [
    ("-fever 39.1\n-legs numb", {"leg_weakness_or_numbness"}, set()),
    ("-had a fit this morning", {"seizure"}, set()),
    ("my legs are weak- no bleeding", {"leg_weakness_or_numbness"}, {"bleeding"}),
    ("legs weak/ cant walk properly", {"leg_weakness_or_numbness"}, set()),
    ("mum had a fit~ very scared", {"seizure"}, set()),
    ("she had a fit+ hit her head", {"seizure"}, set()),
    ("so confused|dont know where i am", {"new_confusion"}, set()),
    ("legs weak+numb since sat", {"leg_weakness_or_numbness"}, set()),
    ("~coughing up blood", {"bleeding"}, set()),
    ("/chest pain since last night", {"chest_pain"}, set()),
    ("numb legs^^", {"leg_weakness_or_numbness"}, set()),
    ("no fever- had a fit", {"seizure"}, {"fever_or_chills"}),
    ("-no fever\n-no fits", set(), {"fever_or_chills", "seizure"}),
    ("no fits~ no bleeding~", set(), {"seizure", "bleeding"}),
    ("denies chest pain/", set(), {"chest_pain"}),
    ("-not confused", set(), {"new_confusion"}),
    # a full stop, semicolon or colon typed with no space after it, between words
    ("no fever.had a fit", {"seizure"}, {"fever_or_chills"}),
    ("legs numb.cant walk", {"leg_weakness_or_numbness", "trouble_walking"}, set()),
    ("no fever;had a fit", {"seizure"}, {"fever_or_chills"}),
    ("chest pain:started last night", {"chest_pain"}, set()),
    ("no fever.no fits", set(), {"fever_or_chills", "seizure"}),
    # a bracket against a word
    ("had a fit(2x)", {"seizure"}, set()),
    ("legs numb(since sat)", {"leg_weakness_or_numbness"}, set()),
    ("(no fits)had a fall", set(), {"seizure"}),
    # a letter held down for feeling
    ("confuseddd", {"new_confusion"}, set()),
    ("legs are numbbb", {"leg_weakness_or_numbness"}, set()),
    ("chest painnn", {"chest_pain"}, set()),
    ("coughing up bloood", {"bleeding"}, set()),
    ("had a fittt", {"seizure"}, set()),
    ("not confuseddd at all", set(), {"new_confusion"}),
    ("no chest painnn", set(), {"chest_pain"}),
]


@pytest.mark.parametrize(("note", "must", "must_not"), CASES)
def test_a_mark_against_a_word_does_not_hide_it(
    kb: Knowledge, note: str, must: set[str], must_not: set[str]
) -> None:
    assert_signs(kb, note, must, must_not)


@pytest.mark.parametrize(
    ("written", "tidied"),
    [
        ("fever/cough, 38.5", "fever/cough, 38.5"),  # inside a word pair: as written
        ("pain 8/10", "pain 8/10"),  # numbers keep their marks
        ("temp -2 outside", "temp -2 outside"),
        ("weak- no", "weak - no"),
        ("-fever", "- fever"),
        ("fit~", "fit ~"),
        ("and/or", "and/or"),
        ("weak+numb", "weak + numb"),
        ("fever.had", "fever. had"),
        ("fever;39.4", "fever; 39.4"),
        ("fit(2x)", "fit (2x)"),
        ("(no)had", "(no) had"),
        ("10:30 e.g. 38.5 a.m.", "10:30 e.g. 38.5 a.m."),
    ],
)
def test_only_a_mark_at_a_words_edge_is_set_apart(written: str, tidied: str) -> None:
    assert tidy(written) == tidied
