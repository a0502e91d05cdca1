"""Red flags from structured fields and the words of symptom notes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from nextline.assess import assess_status
from nextline.assess.red_flags import note_mentions
from nextline.knowledge import Knowledge
from tests.assess.builders import make_record, therapy

D = dt.date
AS_OF = D(2024, 3, 10)


def flags(kb: Knowledge, *reports: dict[str, Any], **sections: Any) -> list[tuple[str, str]]:
    record = make_record(kb, symptoms=list(reports), **sections)
    return [(f.kind, f.urgency) for f in assess_status(record, kb, AS_OF).red_flags]


def report(date: str = "2024-03-09", **fields: Any) -> dict[str, Any]:
    return {"date": date, **fields}


BONE = {"metastases": [{"site": "bone", "since": "2024-01-01"}]}
BRAIN = {"metastases": [{"site": "brain", "since": "2024-01-01"}]}
FN = [("possible_febrile_neutropenia", "emergency")]


def test_fever_of_38_on_chemotherapy_is_possible_febrile_neutropenia(kb: Knowledge) -> None:
    chemo = {"therapies": [therapy(["paclitaxel"])]}
    assert flags(kb, report(temperature_c=38.0), **chemo) == FN


def test_fever_of_37_9_on_chemotherapy_is_not_a_red_flag(kb: Knowledge) -> None:
    assert flags(kb, report(temperature_c=37.9), therapies=[therapy(["paclitaxel"])]) == []


def test_fever_with_low_neutrophils_off_chemotherapy_is_a_red_flag(kb: Knowledge) -> None:
    labs = [{"date": "2024-03-01", "test": "ANC", "value": 800, "unit": "/uL"}]
    assert flags(kb, report(temperature_c=38.5), labs=labs) == FN


def test_fever_with_neutrophils_of_1_0_off_chemotherapy_is_not(kb: Knowledge) -> None:
    labs = [{"date": "2024-03-01", "test": "ANC", "value": 1.0, "unit": "10^9/L"}]
    assert flags(kb, report(temperature_c=38.5), labs=labs) == []


def test_fever_with_low_neutrophils_from_weeks_ago_is_not(kb: Knowledge) -> None:
    labs = [{"date": "2024-02-20", "test": "ANC", "value": 0.5, "unit": "10^9/L"}]
    assert flags(kb, report(temperature_c=38.5), labs=labs) == []


def test_chemotherapy_stopped_within_four_weeks_still_counts(kb: Knowledge) -> None:
    chemo = [therapy(["docetaxel"], "2023-12-01", "2024-02-15", "completed")]
    assert flags(kb, report(temperature_c=38.2), therapies=chemo) == FN


def test_back_pain_with_weak_legs_and_bone_metastases_is_possible_cord_compression(
    kb: Knowledge,
) -> None:
    note = report(notes="New back pain since Sunday and my legs feel weak")
    assert flags(kb, note, **BONE) == [("possible_spinal_cord_compression", "emergency")]


def test_back_pain_without_bone_metastases_is_not_cord_compression(kb: Knowledge) -> None:
    assert flags(kb, report(notes="back pain and numb feet")) == []


def test_back_pain_with_no_weakness_is_not_cord_compression(kb: Knowledge) -> None:
    assert flags(kb, report(notes="back pain, no weakness or numbness"), **BONE) == []


def test_seizure_with_brain_metastases_is_a_neurological_red_flag(kb: Knowledge) -> None:
    hits = flags(kb, report(notes="had a seizure this morning"), **BRAIN)
    assert hits == [("neurological_change_brain_metastases", "call_now")]


def test_headache_before_brain_metastases_were_known_is_not_flagged(kb: Knowledge) -> None:
    late = {"metastases": [{"site": "brain", "since": "2024-03-10"}]}
    assert flags(kb, report(notes="headaches, worse in the morning"), **late) == []


def test_breathlessness_scored_7_is_severe(kb: Knowledge) -> None:
    hits = flags(kb, report(esas={"shortness_of_breath": 7}))
    assert hits == [("severe_breathlessness", "emergency")]


def test_breathlessness_scored_6_is_not_a_red_flag(kb: Knowledge) -> None:
    assert flags(kb, report(esas={"shortness_of_breath": 6}, notes="out of breath on stairs")) == []


def test_pain_scored_8_or_not_controlled_is_uncontrolled_pain(kb: Knowledge) -> None:
    assert flags(kb, report(esas={"pain": 8})) == [("uncontrolled_pain", "call_now")]
    assert flags(kb, report(notes="Pain not controlled by the tablets")) == [
        ("uncontrolled_pain", "call_now")
    ]


@pytest.mark.parametrize(
    ("lab", "expected"),
    [
        ({"value": 12.1, "unit": "mg/dL"}, [("confusion_with_high_calcium", "emergency")]),
        ({"value": 3.05, "unit": "mmol/L"}, [("confusion_with_high_calcium", "emergency")]),
        ({"value": 11.0, "unit": "mg/dL"}, []),
        (
            {"value": 10.9, "unit": "mg/dL", "ref_high": 10.5},
            [("confusion_with_high_calcium", "emergency")],
        ),
    ],
)
def test_confusion_with_high_calcium(
    kb: Knowledge, lab: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    labs = [{"date": "2024-03-08", "test": "calcium", **lab}]
    assert flags(kb, report(notes="husband says she is confused"), labs=labs) == expected


def test_red_flags_older_than_14_days_are_not_shown(kb: Knowledge) -> None:
    assert flags(kb, report("2024-02-24", esas={"pain": 9})) == []
    assert flags(kb, report("2024-02-25", esas={"pain": 9})) == [("uncontrolled_pain", "call_now")]


def test_red_flags_are_ordered_emergency_first(kb: Knowledge) -> None:
    hits = flags(kb, report(esas={"pain": 9, "shortness_of_breath": 8}))
    assert hits == [("severe_breathlessness", "emergency"), ("uncontrolled_pain", "call_now")]


@pytest.mark.parametrize(
    ("note", "phrase", "expected"),
    [
        ("My legs feel WEAK", "weak", True),
        ("weakness in the arm", "weak", True),
        ("tweaked my back", "weak", False),
        ("no weakness", "weak", False),
        ("not numb at all", "numb", False),
        ("a number of things", "numb", False),
        ("I am confused today", "confus*", True),
        ("a bladderwrack tea", "bladder", False),
    ],
)
def test_note_mentions_matches_word_starts_and_skips_negations(
    note: str, phrase: str, expected: bool
) -> None:
    assert note_mentions(note, phrase) is expected
