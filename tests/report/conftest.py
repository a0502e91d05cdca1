"""The three example people's reports, written once per session (each PDF takes a second or
two; several test modules read them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nextline.examples import example_path
from nextline.knowledge import Knowledge
from nextline.record import load_record
from nextline.report import write_report
from tests.plan.conftest import VISIT_DAYS


@pytest.fixture(scope="session")
def pdfs(kb: Knowledge, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each example's report as a PDF, as of its visit day (no trial matching)."""
    folder = tmp_path_factory.mktemp("reports")
    out = {}
    for person, day in VISIT_DAYS.items():
        record = load_record(example_path(person), kb, day)
        out[person] = write_report(record, kb, day, folder / f"{person}.pdf")
    return out
