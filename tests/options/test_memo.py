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
from nextline.options.engine import _compile
from nextline.record import PatientRecord
from tests.options.varied import varied_people


@pytest.fixture(scope="module")
def people(kb: Knowledge) -> list[tuple[PatientRecord, dt.date]]:
    return varied_people(kb, 160)


def _cold(kb: Knowledge, record: PatientRecord, as_of: dt.date) -> dict[str, Any]:
    _compile(kb).memo.clear()
    _compile(kb).answers.clear()
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
    memo.clear()
    for (record, as_of), want in zip(people[:60], expected, strict=True):
        assert list_options(record, kb, as_of).to_json() == want
        assert len(memo.options) + len(memo.cautions) + len(memo.lists) <= 50
