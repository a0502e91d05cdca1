"""The quick paths of `compute_facts` give what the record's own views give (issue 17).

`_facts._lines_as_of` skips rebuilding a line that had stopped with every entry started,
`_facts._receptors` reads ER, PR and HER2 in one pass into named tuples, and
`endocrine_sensitivity` answers at once when there is no hormone therapy. For varied
invented people at dates before, during and after their treatments, each equals the
record's view (`PatientRecord.lines_as_of`, `er`, `pr`, `her2`) or the full computation.
"""

from __future__ import annotations

import datetime as dt

import pytest

from nextline.facts import EndocrineSensitivity, endocrine_sensitivity
from nextline.knowledge import Knowledge
from nextline.options._facts import _lines_as_of, _receptors
from nextline.record import PatientRecord
from tests.options.varied import DATES, varied_people

_MORE_DATES = (*DATES, dt.date(2021, 3, 1), dt.date(2022, 9, 1), dt.date(2024, 1, 1))


@pytest.fixture(scope="module")
def people(kb: Knowledge) -> list[tuple[PatientRecord, dt.date]]:
    return varied_people(kb, 120, seed=5150)


def test_lines_as_of_equals_the_records_view_at_every_date(
    people: list[tuple[PatientRecord, dt.date]],
) -> None:
    kept = rebuilt = 0
    for record, _ in people:
        for day in _MORE_DATES:
            quick, full = _lines_as_of(record, day), record.lines_as_of(day)
            assert quick == full, (record.id, day)
            for a, b in zip(quick, record.lines, strict=False):
                if a is b:
                    kept += 1
                else:
                    rebuilt += 1
    assert kept > 50 and rebuilt > 50  # both paths are taken


def test_receptors_equal_the_records_view(people: list[tuple[PatientRecord, dt.date]]) -> None:
    categories = set()
    for record, _ in people:
        for day in _MORE_DATES:
            tumor = sorted(
                ((i, t) for i, t in enumerate(record.file.tumor_tests) if t.date <= day),
                key=lambda pair: (pair[1].date, pair[0]),
            )
            er, pr, her2 = _receptors(tumor)
            for quick, full in (
                (er, record.er(day)),
                (pr, record.pr(day)),
                (her2, record.her2(day)),
            ):
                assert (quick.status, quick.date, quick.test_index) == (
                    full.status,
                    full.date,
                    full.test_index,
                ), (record.id, day)
            categories.add(her2.status)
    assert {"positive", "low"} <= categories and len(categories) >= 4


def test_no_hormone_therapy_is_the_same_answer_as_before() -> None:
    for since in (None, dt.date(2021, 1, 1)):
        assert endocrine_sensitivity([], since) == EndocrineSensitivity(
            "no_hormone_therapy", "no hormone therapy on record yet", None
        )
