"""`bench_assess.py --parts`: every part of `assess_status` is printed with its CPU per
record, and the status's own work is measured with the parts' results looked up, after which
the engine is the real one again (the look-ups are undone). Tiny N; timings never checked."""

from __future__ import annotations

import re

import pytest

from nextline.assess import recist
from nextline.assess import status as status_module
from tests.bench_scripts import load_bench

PARTS = (
    "RECIST: grouping scans into assessments",
    "RECIST: every line (grouping included)",
    "red flags",
    "tumor markers",
    "blood counts",
    "symptoms",
    "the rest: status, smaller parts, running together",
    "of it, the status itself (parts' results kept)",
)


def test_parts_prints_each_part_and_the_status_s_own_work(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bench = load_bench("bench_assess.py")
    bench.main(["--records", "4", "--scans", "6", "--repeats", "1", "--parts"])
    out = capsys.readouterr().out
    missing = [
        part
        for part in PARTS
        if not re.search(rf"^\s+{re.escape(part)}\s+-?[\d,]+\.\d µs \(-?\d+%\)$", out, re.M)
    ]
    assert missing == []
    # the parts' look-ups are gone: the status module reads the real engines again
    assert status_module.assess_grouped is recist.assess_grouped
    assert status_module.grouped_scans is recist.grouped_scans
