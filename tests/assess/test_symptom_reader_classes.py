"""The note reader's rules that are not a wording of one sign, each checked on a class of
notes rather than one example: a person-trigger whose next word begins a sign, irregular
forms meeting their stems, a temperature named by the thermometer after it, a negation that
is part of a written wording. (The phrasing table, `symptom_phrasings.csv`, holds the
everyday wordings.)"""

from __future__ import annotations

import pytest

from nextline.assess.symptom_reader import read_note, read_temperature
from nextline.knowledge import Knowledge


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("my husband had a fit last night", "seizure"),
        ("hubby fainted at the blood test", "fainting_or_palpitations"),
        ("my husband gets breathless on the stairs", "breathlessness"),
        ("my neighbour can't walk far", "trouble_walking"),
        ("the baby wet himself again", "bladder_or_bowel_change"),
        ("my son had chest pain at football", "chest_pain"),
    ],
)
def test_a_sign_that_begins_at_the_word_after_someone_else_is_theirs(
    kb: Knowledge, text: str, concept: str
) -> None:
    assert kb.assess is not None
    reading = read_note(text, kb.assess.vocabulary, "female")
    assert reading.has(concept) is None
    assert any(d.concept == concept and d.why == "about someone else" for d in reading.dismissed)


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("my husband says I had a fit", "seizure"),
        ("hubby found me collapsed in the hall", "fainting_or_palpitations"),
        ("my son says I've been confused all week", "new_confusion"),
    ],
)
def test_someone_else_telling_what_happened_to_the_writer_still_counts(
    kb: Knowledge, text: str, concept: str
) -> None:
    assert kb.assess is not None
    assert read_note(text, kb.assess.vocabulary, "female").has(concept) is not None


@pytest.mark.parametrize("text", ["tummy ache all day", "stomach ache all day", "my abdomen hurts"])
def test_an_irregular_form_meets_the_stem_of_its_word(kb: Knowledge, text: str) -> None:
    assert kb.assess is not None
    assert read_note(text, kb.assess.vocabulary, "female").has("belly_pain") is not None


@pytest.mark.parametrize(
    ("text", "celsius"),
    [
        ("38.1 on the ear thermometer", 38.1),
        ("38.6 by the forehead thermometer", 38.6),
        ("101.2 on my thermometer", 38.4),
        ("21 on the room thermometer", None),
        ("took 2 paracetamol at 10 with the thermometer", None),
        ("38.4 this morning", None),  # a bare number is not read as a temperature
    ],
)
def test_a_temperature_named_by_the_thermometer_after_it(text: str, celsius: float | None) -> None:
    found = read_temperature(text)
    assert (found[0] if found else None) == celsius


@pytest.mark.parametrize(
    ("text", "celsius"),
    [
        ("my temp is 37.9 then 38.2", 38.2),
        ("temp 38.1, 38.4 now", 38.4),
        ("temp 37.5 at 6am then 38.3 at 9", 38.3),
        ("temp 37.5, 40 minutes later it was 37.6", 37.5),
        ("temp 37.1, 39 mg of something", 37.1),
        ("temp 36.8. 39 is my age", 36.8),
    ],
)
def test_readings_in_a_row_are_all_temperatures(text: str, celsius: float) -> None:
    found = read_temperature(text)
    assert found is not None
    assert found[0] == celsius


def test_a_thermometer_reading_about_someone_else_does_not_count(kb: Knowledge) -> None:
    assert kb.assess is not None
    vocab = kb.assess.vocabulary
    assert read_note("38.9 on the ear thermometer", vocab, "female").temperature_c == 38.9
    assert read_note("grandson has 38.9 on the thermometer", vocab, "female").temperature_c is None


@pytest.mark.parametrize(
    ("text", "concept", "found"),
    [
        ("so breathless I can't even talk", "breathless_at_rest", True),
        ("painkillers aren't touching it", "uncontrolled_pain", True),
        ("can't control my bladder anymore", "bladder_or_bowel_change", True),
        ("legs don't feel numb", "leg_weakness_or_numbness", False),
        ("my legs are not weak", "leg_weakness_or_numbness", False),
    ],
)
def test_a_negation_inside_a_written_wording_is_the_wording(
    kb: Knowledge, text: str, concept: str, found: bool
) -> None:
    assert kb.assess is not None
    assert (read_note(text, kb.assess.vocabulary, "female").has(concept) is not None) is found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("confusion can be a sign of high calcium", False),
        ("face drooping is a sign of a stroke", False),
        ("mum is very confused, which can be a sign of high calcium", True),
        ("mum had a fit, could mean the cancer has spread", True),
        ("she's confused, may mean her calcium is high", True),
        ("face drooping is listed in the leaflet", False),
        ("mum had a fit, the website says call 999", True),
    ],
)
def test_what_a_sign_can_mean_in_general_is_not_the_sign(
    kb: Knowledge, text: str, found: bool
) -> None:
    assert kb.assess is not None
    reading = read_note(text, kb.assess.vocabulary, "female")
    assert bool(reading.findings) is found, reading.findings


@pytest.mark.parametrize(
    ("text", "concept", "found"),
    [
        ("she had a fit that went away after 2 minutes", "seizure", True),
        ("the fit has stopped but she's very sleepy", "seizure", True),
        ("her face drooped but it's gone now", "speech_or_face_change", True),
        ("the fever has gone", "fever_or_chills", False),
        ("headache has settled", "severe_headache", False),
    ],
)
def test_a_fit_or_a_face_change_that_has_stopped_still_happened(
    kb: Knowledge, text: str, concept: str, found: bool
) -> None:
    assert kb.assess is not None
    reading = read_note(text, kb.assess.vocabulary, "female")
    assert (reading.has(concept) is not None) is found


def test_a_rule_that_names_an_unknown_sign_in_not_for_is_refused(kb: Knowledge) -> None:
    from pydantic import ValidationError

    from nextline.knowledge.symptom_schema import SymptomVocabularyFile

    assert kb.assess is not None
    data = kb.assess.vocabulary.model_dump()
    data["context"][0]["not_for"] = ["seizure", "a_fit_of_giggles"]
    with pytest.raises(ValidationError, match=r"not_for names no sign.*a_fit_of_giggles"):
        SymptomVocabularyFile.model_validate(data)


def test_every_wording_stays_whole_when_tidied(kb: Knowledge) -> None:
    """A wording is tidied as a note is: a run of 100 characters without a space would be
    cut at its marks, and "a|b|c" alternatives would no longer be read as one word."""
    assert kb.assess is not None
    too_long = [
        phrase
        for concept in kb.assess.vocabulary.concepts
        for phrase in (*concept.phrases, *concept.not_phrases)
        if any(len(word) >= 100 for word in phrase.split())
    ]
    assert too_long == []


@pytest.mark.parametrize(
    "text",
    ["the oxycodone isn't touching it", "tramadol not helping", "fentanyl isn't working"],
)
def test_one_wording_names_several_medicines(kb: Knowledge, text: str) -> None:
    assert kb.assess is not None
    reading = read_note(text, kb.assess.vocabulary, "female")
    assert reading.has("uncontrolled_pain") is not None
