"""The treatment history kept by what it is worked out from is the history worked out afresh.

`compute_facts` keeps what the rules read of a person's treatment history (the treatments
as given, the drugs, classes and families had, what stopped for side effects or may have
stopped working, the last progression, ovarian suppression, endocrine sensitivity) keyed by
the treatment entries as seen on the as-of date, that date, when the cancer spread and the
line growing on its scans (`_facts._History`). These tests check that:

- for invented people (every kind of history, surgery, ovarian suppression, side effects,
  people whose running line grows on scans) at dates on both sides of their treatments, the
  kept history equals the history worked out with nothing kept, in any order, and while the
  table is emptied every few people (its bound);
- people with the same treatments but a different date of spread, or a different as-of date,
  get their own history (the key holds both).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nextline.knowledge import Knowledge
from nextline.options import _facts
from nextline.options._facts import Facts, compute_facts, forget_lookups
from nextline.record import PatientFile, PatientRecord, build_record, validate_patient_data
from tests.bench_scripts import load_bench
from tests.options.varied import invented_people, varied_people

# Every fact worked out from the history (`_facts._History`).
_FROM_HISTORY = _facts._History._fields


def _history_of(facts: Facts) -> tuple[Any, ...]:
    return tuple(getattr(facts, name) for name in _FROM_HISTORY)


def _fresh(record: PatientRecord, kb: Knowledge, as_of: dt.date) -> tuple[Any, ...]:
    forget_lookups()
    return _history_of(compute_facts(record, kb, as_of))


@pytest.fixture(scope="module")
def growing(kb: Knowledge) -> list[tuple[PatientRecord, dt.date]]:
    """People with scans, some of whose running line grows on them (`bench_assess`)."""
    module = load_bench("bench_assess.py", "bench_assess_people")
    rng = random.Random(11)
    people = []
    for i in range(30):
        data = module.synthetic_file(rng, i, rng.randint(6, 14))
        record = build_record(PatientFile.model_validate(data), kb, dt.date(2026, 1, 1))
        for day in (dt.date(2022, 3, 1), dt.date(2022, 9, 1), dt.date(2023, 2, 1)):
            people.append((record, day))
    return people


@pytest.fixture(scope="module")
def people(kb: Knowledge) -> list[tuple[PatientRecord, dt.date]]:
    return varied_people(kb, 120, seed=7373)


def test_the_people_reach_every_kind_of_history(
    kb: Knowledge,
    people: list[tuple[PatientRecord, dt.date]],
    growing: list[tuple[PatientRecord, dt.date]],
) -> None:
    """The comparisons below are worth making only if the people reach each input."""
    facts = [compute_facts(record, kb, as_of) for record, as_of in [*people, *growing]]
    assert sum(bool(f.given) for f in facts) > 50 and any(not f.given for f in facts)
    assert any(f.stopped_for_side_effects for f in facts)
    assert any(f.probably_stopped for f in facts)  # a running line growing on its scans
    assert any(f.suppression_path for f in facts)
    assert len({f.endocrine.status for f in facts if f.endocrine is not None}) >= 3
    assert any(g.progressed for f in facts for g in f.given)


def test_a_kept_history_is_the_history_worked_out_afresh(
    kb: Knowledge,
    people: list[tuple[PatientRecord, dt.date]],
    growing: list[tuple[PatientRecord, dt.date]],
) -> None:
    everyone = [*people, *growing]
    fresh = [_fresh(record, kb, as_of) for record, as_of in everyone]
    forget_lookups()
    kept = [_history_of(compute_facts(r, kb, as_of)) for r, as_of in reversed(everyone)]
    assert len(_facts._lookups(kb).histories) < len(everyone)  # some histories are shared
    assert list(reversed(kept)) == fresh


def test_the_same_treatments_spread_or_seen_on_another_day_are_another_history(
    kb: Knowledge,
) -> None:
    def record(metastatic_since: str) -> PatientRecord:
        data = {
            "nextline": 1,
            "patient": {"id": "h", "sex": "female", "menopausal_status": "postmenopausal"},
            "diagnosis": {"metastatic_since": metastatic_since},
            "therapies": [
                {
                    "setting": "adjuvant",
                    "drugs": ["anastrozole"],
                    "start": "2015-01-01",
                    "stop": "2019-12-01",
                    "stop_reason": "completed",
                },
                {
                    "setting": "metastatic",
                    "drugs": ["letrozole", "palbociclib"],
                    "start": "2021-02-01",
                    "stop": "2023-06-01",
                    "stop_reason": "progression",
                },
            ],
        }
        return build_record(validate_patient_data(data), kb, dt.date(2025, 1, 1))

    forget_lookups()
    early, late = record("2020-09-01"), record("2021-01-15")
    day, before = dt.date(2025, 1, 1), dt.date(2022, 1, 1)
    seen = [compute_facts(r, kb, d) for r, d in ((early, day), (late, day), (early, before))]
    assert seen[0].endocrine != seen[1].endocrine  # relapse within or after adjuvant years
    assert seen[0].last_progression == dt.date(2023, 6, 1)
    assert seen[2].last_progression == dt.date(2020, 9, 1)  # not yet grown on the second
    for (r, d), facts in zip(((early, day), (late, day), (early, before)), seen, strict=True):
        assert _history_of(facts) == _fresh(r, kb, d)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_kept_histories_equal_fresh_ones_for_invented_people_with_the_table_bounded(
    kb: Knowledge,
    people: list[tuple[PatientRecord, dt.date]],
    data: st.DataObject,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    invented = invented_people(kb, data)
    fresh = [_fresh(record, kb, as_of) for record, as_of in invented]
    limit = data.draw(st.integers(1, 30))
    monkeypatch.setattr(_facts, "_HISTORIES_MAX", limit)
    forget_lookups()
    for record, as_of in [*people[:40], *invented]:  # kept histories others could share
        compute_facts(record, kb, as_of)
        assert len(_facts._lookups(kb).histories) <= limit
    warm = [_history_of(compute_facts(r, kb, as_of)) for r, as_of in reversed(invented)]
    assert fresh == list(reversed(warm))
