"""Options looked up in the engine's memo are exactly the options built afresh.

`list_options` keeps each option it builds, keyed by everything the option is built from
(`engine._Memo`), and hands it to the next person who answers the same way. These tests
build varied invented people (every subtype and HER2 category, gene and germline results,
treatments stopped for growth or for side effects, cautions from comorbidities, heart scans
and ECOG, goals, palliative care, a visceral crisis) at dates on both sides of approval
dates, and compare each result with the memo warm and with the memo emptied before the call.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from nextline.knowledge import Knowledge
from nextline.options import list_options
from nextline.options._facts import forget_lookups
from nextline.options.engine import _compile
from nextline.record import PatientRecord, build_record, validate_patient_data
from tests.options.varied import varied_people


@pytest.fixture(scope="module")
def people(kb: Knowledge) -> list[tuple[PatientRecord, dt.date]]:
    return varied_people(kb, 160)


def _cold(kb: Knowledge, record: PatientRecord, as_of: dt.date) -> dict[str, Any]:
    _compile(kb).memo.clear()
    _compile(kb).answers.clear()
    forget_lookups()  # the kept histories too (`_facts._History`)
    return list_options(record, kb, as_of).to_json()


def test_an_option_from_the_memo_is_the_option_built_afresh(
    kb: Knowledge, people: list[tuple[PatientRecord, dt.date]]
) -> None:
    cold = [_cold(kb, record, as_of) for record, as_of in people]
    for record, as_of in people:  # warm the memo with everyone
        list_options(record, kb, as_of)
    assert len(_compile(kb).memo.options) > 0
    warm = [list_options(record, kb, as_of).to_json() for record, as_of in reversed(people)]
    changed = [
        people[i][0].id for i, (a, b) in enumerate(zip(cold, reversed(warm), strict=True)) if a != b
    ]
    assert changed == []


def test_the_varied_people_reach_what_the_memo_keys_on(
    kb: Knowledge, people: list[tuple[PatientRecord, dt.date]]
) -> None:
    """The comparison above is worth making only if the people reach every input of a key:
    each verdict, cautions, a side-effect check, a not-yet-approved use, extra reasons."""
    results = [list_options(record, kb, as_of) for record, as_of in people]
    options = [o for r in results for o in r.options]
    assert {o.verdict for o in options} == {"fits", "may_fit", "does_not_fit"}
    cautions = {c.id for o in options for c in o.cautions}
    assert len(cautions) >= 5
    texts = [reason.text for o in options for reason in o.reasons]
    assert any("stopped for side effects" in t for t in texts)
    assert any(t.startswith("not approved in the U.S. for this use until") for t in texts)
    assert any("clinical trials" in t and t.startswith("said to be") for t in texts)
    assert {r.subtype for r in results} >= {
        "her2_positive",
        "hr_positive_her2_negative",
        "triple_negative",
    }


def test_the_memo_stays_bounded_and_right_when_it_is_emptied(
    kb: Knowledge, people: list[tuple[PatientRecord, dt.date]], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = [_cold(kb, record, as_of) for record, as_of in people[:60]]
    memo = _compile(kb).memo
    monkeypatch.setattr(type(memo), "MAX", 50)  # fewer than one person's options
    monkeypatch.setattr(type(memo), "LISTS_MAX", 7)
    memo.clear()
    for (record, as_of), want in zip(people[:60], expected, strict=True):
        assert list_options(record, kb, as_of).to_json() == want
        assert len(memo.options) + len(memo.cautions) <= 50
        assert len(memo.lists) <= 7
    for (record, as_of), want in zip(people[:60], expected, strict=True):  # seen again
        assert list_options(record, kb, as_of).to_json() == want


_AS_OF = dt.date(2025, 10, 1)


def _base_person() -> dict[str, Any]:
    """HR-positive and HER2-positive, after menopause, with a first line stopped for side
    effects: heart scans and lung disease bear on the HER2 drugs that may come next."""
    return {
        "nextline": 1,
        "patient": {"id": "one-fact", "sex": "female", "menopausal_status": "postmenopausal"},
        "diagnosis": {"metastatic_since": "2021-01-01"},
        "tumor_tests": [
            {
                "date": "2021-01-05",
                "er": {"percent": 90},
                "pr": {"percent": 40},
                "her2": {"ihc": "3+"},
            }
        ],
        "metastases": [{"site": "liver", "since": "2021-01-01"}],
        "therapies": [
            {
                "setting": "metastatic",
                "drugs": ["docetaxel", "trastuzumab", "pertuzumab"],
                "start": "2021-02-01",
                "stop": "2021-05-01",
                "stop_reason": "toxicity",
            },
        ],
    }


_TRIPLE_NEGATIVE = [
    {"date": "2021-01-05", "er": {"percent": 0}, "pr": {"percent": 0}, "her2": {"ihc": "0"}}
]

# Pairs of additions to the same person that differ in one fact options read besides the
# rules' answers; the second of each pair must never get the first one's kept list.
_ONE_FACT_APART: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "ECOG": (  # a triple-negative cancer, for which chemotherapy alone may fit
        {"tumor_tests": _TRIPLE_NEGATIVE, "performance": [{"date": "2024-02-01", "ecog": 1}]},
        {"tumor_tests": _TRIPLE_NEGATIVE, "performance": [{"date": "2024-02-01", "ecog": 3}]},
    ),
    "heart scan result": (
        {"labs": [{"date": "2024-01-10", "test": "LVEF", "value": 62, "unit": "%"}]},
        {"labs": [{"date": "2024-01-10", "test": "LVEF", "value": 40, "unit": "%"}]},
    ),
    "heart scan on record": (
        {},
        {"labs": [{"date": "2024-01-10", "test": "LVEF", "value": 62, "unit": "%"}]},
    ),
    "comorbidity": ({}, {"comorbidities": [{"condition": "interstitial lung disease"}]}),
    "open to trials": ({"goals": {"open_to_trials": True}}, {"goals": {"open_to_trials": False}}),
    "considering a break": (
        {"goals": {"considering": []}},
        {"goals": {"considering": ["treatment_break"]}},
    ),
    "palliative care": (
        {"palliative_care": {"involved": False}},
        {"palliative_care": {"involved": True}},
    ),
    "drug named in side effects": (
        {},
        {
            "side_effects": [
                {"date": "2021-04-20", "term": "neuropathy", "grade": 3, "therapy": "docetaxel"}
            ]
        },
    ),
}


@pytest.mark.parametrize("fact", sorted(_ONE_FACT_APART))
def test_people_one_fact_apart_never_share_a_kept_list(kb: Knowledge, fact: str) -> None:
    first, second = (
        build_record(validate_patient_data({**_base_person(), **more}), kb, _AS_OF)
        for more in _ONE_FACT_APART[fact]
    )
    want = _cold(kb, second, _AS_OF)
    # the fact changes the options this person sees, not only the notes for the whole page
    assert _cold(kb, first, _AS_OF)["options"] != want["options"]
    list_options(first, kb, _AS_OF)  # kept
    assert list_options(second, kb, _AS_OF).to_json() == want


def test_a_date_either_side_of_an_approval_never_shares_a_kept_list(kb: Knowledge) -> None:
    """For each use approved after this person's history began: the day before and the day
    it was approved give different lists, and neither takes the other's."""
    record = build_record(validate_patient_data(_base_person()), kb, _AS_OF)
    assert kb.options is not None
    approvals = sorted(
        i.approved
        for r in kb.options.regimens.values()
        for i in r.indications
        if i.approved is not None and i.approved > dt.date(2021, 6, 1)
    )
    assert approvals
    for day in approvals:
        before, after = day - dt.timedelta(days=1), day
        want = _cold(kb, record, after)
        assert _cold(kb, record, before) != want
        list_options(record, kb, before)
        assert list_options(record, kb, after).to_json() == want
