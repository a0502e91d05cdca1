"""ESAS-r trends with severity bands (Selby 2010), and new or worse side effects."""

from __future__ import annotations

import datetime as dt

import pytest

from nextline.assess import assess_status
from nextline.assess.symptoms import band
from nextline.knowledge import Knowledge
from tests.assess.builders import make_record

D = dt.date


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (0, "none"),
        (1, "mild"),
        (3, "mild"),
        (4, "moderate"),
        (6, "moderate"),
        (7, "severe"),
        (10, "severe"),
    ],
)
def test_esas_bands(kb: Knowledge, score: int, expected: str) -> None:
    assert kb.assess is not None
    assert band(score, kb.assess.esas) == expected


def test_esas_trend_compares_the_latest_score_with_the_one_before(kb: Knowledge) -> None:
    record = make_record(
        kb,
        symptoms=[
            {"date": "2024-02-10", "esas": {"pain": 2, "nausea": 5}},
            {"date": "2024-03-01", "esas": {"pain": 5}},
        ],
    )
    status = assess_status(record, kb, D(2024, 3, 5))
    trends = {t.item: t for t in status.symptoms}
    pain = trends["pain"]
    assert (pain.score, pain.band, pain.previous_score, pain.change, pain.path) == (
        5,
        "moderate",
        2,
        3,
        "symptoms[1].esas.pain",
    )
    assert (trends["nausea"].score, trends["nausea"].change) == (5, None)
    texts = [e.text for e in status.evidence if e.kind == "symptom"]
    assert texts == [
        "Pain scored 5 out of 10 on 2024-03-01 (moderate), up from 2 on 2024-02-10.",
        "Nausea scored 5 out of 10 on 2024-02-10 (moderate).",
    ]


def test_side_effects_in_the_line_are_new_or_worse(kb: Knowledge) -> None:
    record = make_record(
        kb,
        side_effects=[
            {"date": "2023-06-01", "term": "fatigue", "grade": 1},
            {"date": "2024-02-20", "term": "Fatigue", "grade": 2},
            {"date": "2024-02-25", "term": "diarrhea", "grade": 1, "resolved": "2024-03-01"},
            {"date": "2024-03-01", "term": "rash", "grade": 1},
        ],
    )
    status = assess_status(record, kb, D(2024, 3, 5))
    assert [(s.term, s.grade, s.change, s.previous_grade, s.path) for s in status.side_effects] == [
        ("Fatigue", 2, "worse", 1, "side_effects[1]"),
        ("rash", 1, "new", None, "side_effects[3]"),
    ]
