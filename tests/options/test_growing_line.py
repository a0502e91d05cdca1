""" "Is the running line growing on its scans?" is read from that line's RECIST alone; the
answer is the whole status's (`assess_status` says not_working for the running line) for
every person and date tried: invented people with growing, shrinking and new lesions, and
the three examples across their histories."""

from __future__ import annotations

import datetime as dt
import random

from nextline.assess import assess_status
from nextline.examples import EXAMPLE_IDS, example_path
from nextline.knowledge import Knowledge
from nextline.options._facts import _line_growing_on_scans
from nextline.record import PatientFile, PatientRecord, build_record, load_record
from tests.bench_scripts import load_bench


def _whole_status_says(record: PatientRecord, kb: Knowledge, day: dt.date) -> int | None:
    current = record.current_line(day)
    if current is None or not any(current.start <= s.date <= day for s in record.imaging):
        return None
    status = assess_status(record, kb, day)
    growing = status.overall == "not_working" and status.current_line is not None
    return current.number if growing else None


def _invented(kb: Knowledge, n: int) -> list[PatientRecord]:
    module = load_bench("bench_assess.py", "bench_assess_people")
    rng = random.Random(3)
    return [
        build_record(
            PatientFile.model_validate(module.synthetic_file(rng, i, rng.randint(6, 14))),
            kb,
            dt.date(2026, 1, 1),
        )
        for i in range(n)
    ]


def test_the_running_line_reading_agrees_with_the_whole_status(kb: Knowledge) -> None:
    cases: list[tuple[str, PatientRecord, dt.date]] = []
    for i, record in enumerate(_invented(kb, 40)):
        for day in (dt.date(2022, 3, 1), dt.date(2022, 9, 1), dt.date(2023, 2, 1)):
            cases.append((f"invented-{i}@{day}", record, day))
    for example in EXAMPLE_IDS:
        record = load_record(example_path(example), kb, dt.date(2025, 6, 1))
        for year in range(2019, 2026):
            for month in (1, 4, 7, 10):
                day = dt.date(year, month, 15)
                cases.append((f"{example}@{day}", record, day))
    differ = [
        name
        for name, record, day in cases
        if _line_growing_on_scans(record, kb, day) != _whole_status_says(record, kb, day)
    ]
    assert differ == []
    answers = {_line_growing_on_scans(record, kb, day) for _, record, day in cases}
    assert None in answers and len(answers) > 1  # both answers are reached
