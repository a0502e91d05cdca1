"""A scan marked `baseline: true` for the next line belongs to that line, not to the one
before it (found by the tenth wave's web-record stories: a man restaged on the day his first
line stopped lost that line's progression).

A marked scan is the baseline of the line whose start it is nearest; on the day a line stops
and the next begins, it is the next line's. Before, any marked scan dated after the previous
line's start and on or before a line's end was that line's: the restaging scan on the stop
day became the stopped line's baseline, so the line had no follow-up and its growth was lost.
"""

from __future__ import annotations

import datetime as dt

import pytest

from nextline.knowledge import Knowledge
from tests.assess.builders import lesion, recist, scan, therapy

AS_OF = dt.date(2025, 3, 1)


def _lines(kb: Knowledge, marked_on: str, second_start: str, first_stop: str = "2024-09-01"):
    return recist(
        kb,
        scan("2024-01-20", lesion("a", 30)),  # before line 1
        scan("2024-05-01", lesion("a", 40)),  # line 1 grows: PD
        scan(marked_on, lesion("a", 45), lesion("b", 20), baseline=True),  # restaging
        scan("2024-12-01", lesion("a", 30), lesion("b", 10)),  # line 2 shrinks
        as_of=AS_OF,
        therapies=[
            therapy(["letrozole"], "2024-02-01", first_stop, "progression"),
            therapy(["fulvestrant"], second_start),
        ],
    )


@pytest.mark.parametrize(
    ("marked_on", "second_start"),
    [
        ("2024-09-01", "2024-09-01"),  # restaged on the stop day, next line the same day
        ("2024-09-01", "2024-09-03"),  # restaged on the stop day, next line two days on
        ("2024-08-28", "2024-09-02"),  # restaged a few days before the stop
    ],
)
def test_the_restaging_scan_is_the_next_lines_baseline(
    kb: Knowledge, marked_on: str, second_start: str
) -> None:
    first, second = _lines(kb, marked_on, second_start)
    assert first.baseline_date == dt.date(2024, 1, 20)
    assert first.best_overall == "PD"
    assert first.timepoints[0].date == dt.date(2024, 5, 1)
    assert first.timepoints[0].overall == "PD"
    assert second.baseline_date == dt.date.fromisoformat(marked_on)
    assert second.baseline_sum_mm == 65.0
    assert second.timepoints[-1].overall == "PR"


def test_a_marked_scan_nearer_the_first_lines_start_stays_its_baseline(kb: Knowledge) -> None:
    """A scan marked baseline a week after line 1 began is line 1's (nearest its start)."""
    first, second = recist(
        kb,
        scan("2024-01-20", lesion("a", 30)),
        scan("2024-02-08", lesion("a", 32), baseline=True),
        scan("2024-05-01", lesion("a", 20)),
        as_of=AS_OF,
        therapies=[
            therapy(["letrozole"], "2024-02-01", "2024-09-01", "progression"),
            therapy(["fulvestrant"], "2024-09-02"),
        ],
    )
    assert first.baseline_date == dt.date(2024, 2, 8)
    assert first.timepoints[0].overall == "PR"
    assert second.baseline_date == dt.date(2024, 5, 1)  # the last scan before it started


def test_a_single_line_keeps_its_marked_baseline_after_its_start(kb: Knowledge) -> None:
    (only,) = recist(
        kb,
        scan("2024-01-20", lesion("a", 30)),
        scan("2024-02-10", lesion("a", 34), baseline=True),
        scan("2024-05-01", lesion("a", 44)),
        as_of=AS_OF,
    )
    assert only.baseline_date == dt.date(2024, 2, 10)
    assert only.timepoints[0].overall == "PD"
