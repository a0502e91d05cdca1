"""Charts at the edges of the calendar: an as-of date near year 9999 (the API accepts any
date, and a fuzzed `summary.pdf?as_of=9998-01-06` answered 500) pads its axes past the
last date Python holds; the axes are held inside it instead, and every example's report is
written, PDF and HTML."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from nextline.examples import EXAMPLE_IDS, example_path
from nextline.knowledge import Knowledge
from nextline.record import load_record
from nextline.report import write_report
from nextline.report.svg import date_ticks, shifted

FAR = [dt.date(9998, 1, 6), dt.date(9999, 12, 1), dt.date(9999, 12, 31)]


def test_shifting_a_date_stays_inside_the_calendar() -> None:
    assert shifted(dt.date(2024, 1, 31), dt.timedelta(days=1)) == dt.date(2024, 2, 1)
    assert shifted(dt.date(9999, 12, 20), dt.timedelta(days=30)) == dt.date.max
    assert shifted(dt.date(1, 1, 20), -dt.timedelta(days=120)) == dt.date.min


@pytest.mark.parametrize("most", [2, 5, 8])
@pytest.mark.parametrize(
    ("lo", "hi"),
    [
        (dt.date(9990, 3, 1), dt.date.max),
        (dt.date(9999, 11, 2), dt.date.max),
        (dt.date.min, dt.date(1, 6, 30)),
        (dt.date(1990, 1, 1), dt.date.max),
    ],
)
def test_date_ticks_up_to_the_last_day_python_holds(lo: dt.date, hi: dt.date, most: int) -> None:
    ticks = date_ticks(lo, hi, most)
    assert 0 < len(ticks) <= max(most, 2)
    assert all(lo <= day <= hi for day, _ in ticks)
    assert [day for day, _ in ticks] == sorted({day for day, _ in ticks})


@pytest.mark.parametrize("day", FAR, ids=str)
@pytest.mark.parametrize("person", EXAMPLE_IDS)
def test_every_example_writes_its_report_on_a_far_date(
    kb: Knowledge, tmp_path: Path, person: str, day: dt.date
) -> None:
    record = load_record(example_path(person), kb, day)
    for suffix in (".pdf", ".html"):
        written = write_report(record, kb, day, tmp_path / f"summary{suffix}", trials=None)
        assert Path(written).stat().st_size > 1000
