"""The scans grouped once per record (issue 17) read exactly as the plain readings they
replaced: `assess_grouped` on `grouped_scans` against `assess_lines` and `assess_one_line`;
the latest scan date against the maximum of the scan dates; new lesions before a baseline
(found through `GroupedScans.with_new`) against a walk over every earlier assessment; the
quick `_round_1` against `round(x, 1)`; the RECIST evidence's sources, kept per combination
of rules, against the citations worked out afresh.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from nextline.assess import assess_status
from nextline.assess import recist as recist_module
from nextline.assess.recist import (
    NEW_ON_BONE_SCAN_ONLY,
    assess_grouped,
    assess_lines,
    assess_one_line,
    grouped_scans,
)
from nextline.assess.status import _cites_by_rule, _recist_evidence
from nextline.knowledge import Knowledge
from nextline.record import PatientFile, PatientRecord, build_record
from tests.assess.builders import AS_OF, lesion, make_record, scan, therapy
from tests.assess.varied_histories import as_of_dates, varied_file

BUILT_AS_OF = dt.date(2026, 1, 1)


def _varied(kb: Knowledge, n: int) -> list[tuple[PatientRecord, list[dt.date]]]:
    out = []
    for i in range(n):
        rng = random.Random(1000 + i)  # other people than the stored digests' own
        record = build_record(PatientFile.model_validate(varied_file(rng, i)), kb, BUILT_AS_OF)
        out.append((record, as_of_dates(rng)))
    return out


def test_lines_read_from_scans_grouped_once_equal_each_plain_reading(kb: Knowledge) -> None:
    assert kb.assess is not None
    rules = kb.assess.recist
    differ = []
    checked = 0
    for record, days in _varied(kb, 40):
        for day in days:
            lines = record.lines_as_of(day)
            grouped = grouped_scans(record.imaging, rules, day)
            fast = assess_grouped(lines, grouped, rules, day)
            if fast != assess_lines(lines, record.imaging, rules, day):
                differ.append((record.id, day, "assess_lines"))
            started = [line for line in lines if line.start <= day]
            one_by_one = [
                assess_one_line(lines, p, record.imaging, rules, day) for p in range(len(started))
            ]
            if fast != one_by_one:
                differ.append((record.id, day, "assess_one_line"))
            checked += len(fast)
    assert differ == []
    assert checked > 100  # the people do have lines to read


def test_latest_scan_is_the_latest_scan_date_on_or_before_the_day(kb: Knowledge) -> None:
    differ = []
    for record, days in _varied(kb, 40):
        for day in days:
            dates = [one.date for one in record.imaging if one.date <= day]
            expected = max(dates) if dates else None
            if assess_status(record, kb, day).latest_scan != expected:
                differ.append((record.id, day))
    assert differ == []


def test_latest_scan_with_scans_out_of_order_and_after_the_day(kb: Knowledge) -> None:
    record = make_record(
        kb,
        therapies=[therapy(["letrozole"], "2024-02-01")],
        imaging=[
            scan("2024-06-01", lesion("a", 20)),
            scan("2024-01-20", lesion("a", 30)),
            scan("2024-06-05", lesion("a", 21)),  # read with 06-01 as one assessment
            scan("2024-03-01", lesion("a", 25)),
            scan("2025-01-01", lesion("a", 40)),  # after the day asked about
        ],
    )
    assert assess_status(record, kb, dt.date(2024, 12, 1)).latest_scan == dt.date(2024, 6, 5)
    assert assess_status(record, kb, dt.date(2024, 1, 19)).latest_scan is None


def _new_before(record: PatientRecord, kb: Knowledge, day: dt.date) -> list[set[str]]:
    """For each line, the ids marked new on an assessment before its baseline, found by a
    walk over every earlier assessment (the reading before `with_new`)."""
    assert kb.assess is not None
    grouped = grouped_scans(record.imaging, kb.assess.recist, day)
    out = []
    for line in assess_grouped(record.lines_as_of(day), grouped, kb.assess.recist, day):
        out.append(
            {
                lesion_id
                for one in grouped.assessments
                if line.baseline_date is not None and one.date < line.baseline_date
                for lesion_id in one.new_ids
                if lesion_id not in line.targets
            }
        )
    return out


def test_lesions_new_before_a_baseline_are_its_non_targets(kb: Knowledge) -> None:
    record = make_record(
        kb,
        therapies=[
            therapy(["letrozole"], "2024-01-25", stop="2024-05-01", stop_reason="progression"),
            therapy(["capecitabine"], "2024-05-03"),
        ],
        imaging=[
            scan("2024-01-20", lesion("a", 30)),
            scan("2024-03-01", lesion("a", 31), lesion("new-1", 8, role="new")),
            scan("2024-04-28", lesion("a", 40), lesion("new-2", 9, role="new")),
            scan("2024-07-01", lesion("a", 38), lesion("new-3", 7, role="new")),
        ],
    )
    assert kb.assess is not None
    day = dt.date(2024, 12, 1)
    first, second = assess_lines(record.lines_as_of(day), record.imaging, kb.assess.recist, day)
    assert first.non_targets == ()
    # line 2's baseline is 2024-04-28: new-1 came before it, new-2 is on it, new-3 after
    assert second.baseline_date == dt.date(2024, 4, 28)
    assert second.non_targets == ("new-2", "new-1")
    assert second.timepoints[-1].new_lesions == ("new-3",)
    assert [
        set(line.non_targets) >= ids
        for line, ids in zip((first, second), _new_before(record, kb, day), strict=True)
    ] == [True, True]


def test_new_lesions_before_baselines_in_varied_histories(kb: Knowledge) -> None:
    assert kb.assess is not None
    missing = []
    for record, days in _varied(kb, 40):
        for day in days:
            lines = assess_lines(record.lines_as_of(day), record.imaging, kb.assess.recist, day)
            for line, ids in zip(lines, _new_before(record, kb, day), strict=True):
                if not ids <= set(line.non_targets):
                    missing.append((record.id, day, line.line, sorted(ids)))
    assert missing == []


EDGES = [
    0.0,
    -0.0,
    0.05,
    -0.05,
    0.04,
    -0.04,
    0.15,
    0.25,
    -0.25,
    2.675,
    1.45,
    -1.45,
    12.35,
    99.95,
    -99.95,
    100.0,
    -33.33333333333333,
    1e-300,
    -1e-300,
    5e-324,
    1e14 + 0.05,
    1e15,
    -1e16,
    1e300,
    math.inf,
    -math.inf,
]


def _same(a: float, b: float) -> bool:
    """The same float, the sign of a zero included (JSON writes -0.0 and 0.0 apart)."""
    return repr(a) == repr(b)


def test_round_1_gives_round_to_one_decimal_on_edges() -> None:
    assert [x for x in EDGES if not _same(recist_module._round_1(x), round(x, 1))] == []
    assert math.isnan(recist_module._round_1(math.nan))


@settings(max_examples=2000, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_round_1_gives_round_to_one_decimal_for_any_float(x: float) -> None:
    assert _same(recist_module._round_1(x), round(x, 1))


@settings(max_examples=1000, deadline=None)
@given(
    st.integers(min_value=-100_000, max_value=100_000),
    st.integers(min_value=1, max_value=100_000),
)
def test_round_1_gives_round_to_one_decimal_for_percent_changes(a: int, b: int) -> None:
    # the engine's inputs: changes between sums held in tenths of a millimetre
    x = (a / 10 - b / 10) / (b / 10) * 100
    assert _same(recist_module._round_1(x), round(x, 1))


def test_recist_evidence_sources_are_each_rules_citations_once_in_order(kb: Knowledge) -> None:
    assert kb.assess is not None
    rules = kb.assess.recist
    by_rule = _cites_by_rule(rules)
    combinations = {fired for _, fired in recist_module._OVERALL.values()}
    combinations |= {(*fired, NEW_ON_BONE_SCAN_ONLY) for fired in combinations}
    record = make_record(
        kb,
        therapies=[therapy(["letrozole"], "2024-01-25")],
        imaging=[scan("2024-01-20", lesion("a", 30)), scan("2024-04-01", lesion("a", 20))],
    )
    assert kb.assess is not None
    [line] = assess_lines(record.lines_as_of(AS_OF), record.imaging, rules, AS_OF)
    point = line.timepoints[-1]
    wrong = []
    for fired in sorted(combinations):
        asked = dataclasses.replace(point, rule=fired[0], rules=fired)
        expected = tuple(dict.fromkeys(c for rule in fired for c in by_rule[rule]))
        for _ in range(2):  # worked out, then kept
            if _recist_evidence(asked, 1, by_rule, rules).sources != expected:
                wrong.append(fired)
    assert wrong == []
    assert len(combinations) > 10
