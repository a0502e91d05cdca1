"""Each test to consider, kept by what it reads, is the suggestion worked out afresh.

`list_options` keeps each test's suggestion (or that it is not suggested) by the numbers of
its rules' answers and the facts `engine._GAP_READS` names for its kind of missing result
(`engine._tests`). That is right only if `_test_gap` reads nothing else: these tests run it
for every test of the knowledge base and varied people through a proxy that writes down each
fact read, and compare the kept suggestions with fresh ones while the tables are emptied
every few people (their bound).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, get_args

import pytest

from nextline.knowledge import Knowledge, options_schema
from nextline.options import list_options
from nextline.options._facts import compute_facts, forget_lookups
from nextline.options.engine import _GAP_READS, _compile, _Memo, _test_gap
from nextline.record import PatientRecord
from tests.options.varied import Recording, varied_people


@pytest.fixture(scope="module")
def people(kb: Knowledge) -> list[tuple[PatientRecord, dt.date]]:
    return varied_people(kb, 160, seed=5151)


def test_every_kind_of_missing_result_says_what_it_reads() -> None:
    kinds = get_args(options_schema.TestToConsider.model_fields["missing"].annotation)
    assert set(kinds) == set(_GAP_READS)


def test_a_missing_result_is_worked_out_from_what_its_kind_names_alone(
    kb: Knowledge, people: list[tuple[PatientRecord, dt.date]]
) -> None:
    assert kb.options is not None
    beyond: set[tuple[str, str]] = set()
    suggested: set[str] = set()
    for record, as_of in people:
        facts = compute_facts(record, kb, as_of)
        for test in kb.options.tests.values():
            proxy = Recording(facts)
            if _test_gap(test, proxy) is not None:  # type: ignore[arg-type]
                suggested.add(test.id)
            beyond |= {(test.id, name) for name in proxy.read - set(_GAP_READS[test.missing])}
    assert beyond == set()
    assert len(suggested) >= 4  # the people reach most tests' missing results


def test_kept_suggestions_equal_fresh_ones_with_the_tables_emptied_often(
    kb: Knowledge, people: list[tuple[PatientRecord, dt.date]], monkeypatch: pytest.MonkeyPatch
) -> None:
    c = _compile(kb)

    def cold(record: PatientRecord, as_of: dt.date) -> list[dict[str, Any]]:
        c.memo.clear()
        c.answers.clear()
        forget_lookups()
        return [t.to_json() for t in list_options(record, kb, as_of).tests_to_consider]

    fresh = [cold(record, as_of) for record, as_of in people]
    assert sum(bool(tests) for tests in fresh) > len(people) // 4
    monkeypatch.setattr(_Memo, "LISTS_MAX", 7)
    c.memo.clear()
    kept = []
    for record, as_of in reversed(people):
        c.memo.tests.clear()  # each person's tests from the kept suggestions, one by one
        kept.append([t.to_json() for t in list_options(record, kb, as_of).tests_to_consider])
        assert all(len(table) <= 7 for table in c.memo.test_parts)
    assert list(reversed(kept)) == fresh
    assert any(len(table) > 1 for table in c.memo.test_parts)
