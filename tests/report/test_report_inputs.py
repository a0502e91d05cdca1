"""`nextline report` gathers the engines, charts, trial match and briefing in a second
process (`report.inputs`) while it loads WeasyPrint: the report is byte for byte the one made
all in this process, for each example on several days, with and without trials, and when the
child fails; a wrong file type stops the child too."""

from __future__ import annotations

import datetime as dt
import os
import pickle
from pathlib import Path

import pytest

from nextline.errors import NextlineError
from nextline.examples import EXAMPLE_IDS, example_path
from nextline.knowledge import Knowledge
from nextline.record import load_record
from nextline.report import Aside, build_report, render_html, write_report
from nextline.report.aside import can_fork
from nextline.report.inputs import gather_inputs
from tests.plan.conftest import VISIT_DAYS

linux_only = pytest.mark.skipif(not can_fork(), reason="fork is used on Linux only")


def _match(record_id: str, kb: Knowledge, day: dt.date) -> object:
    from nextline.cli.plan_cmds import match_trials_if_available

    record = load_record(example_path(record_id), kb, day)
    return match_trials_if_available(record, kb, day)


@pytest.mark.parametrize("person", EXAMPLE_IDS)
@pytest.mark.parametrize("later", [0, 120])
def test_gathered_aside_is_the_report_made_here(
    kb: Knowledge, tmp_path: Path, person: str, later: int
) -> None:
    day = VISIT_DAYS[person] + dt.timedelta(days=later)
    record = load_record(example_path(person), kb, day)
    matches = _match(person, kb, day)
    here = write_report(record, kb, day, tmp_path / "here.html", trials=matches)
    gathered = Aside(lambda: gather_inputs(record, kb, day, lambda: matches))
    aside = write_report(record, kb, day, tmp_path / "aside.html", gathered=gathered)
    assert gathered.forked is False  # waited for
    assert aside.read_bytes() == here.read_bytes()
    # and the same as the report built in one go (`build_report`, the web app's way)
    whole = render_html(build_report(record, kb, day, trials=matches), kb)
    assert aside.read_text(encoding="utf-8") == whole


@pytest.mark.parametrize("person", EXAMPLE_IDS)
def test_without_trials_the_report_says_they_were_not_matched(
    kb: Knowledge, tmp_path: Path, person: str
) -> None:
    day = VISIT_DAYS[person]
    record = load_record(example_path(person), kb, day)
    inputs = gather_inputs(record, kb, day)
    assert inputs.briefing.trials is None
    assert "trials" in inputs.briefing.unavailable
    here = write_report(record, kb, day, tmp_path / "here.html")
    aside = write_report(
        record, kb, day, tmp_path / "aside.html", gathered=Aside(lambda: inputs, fork=False)
    )
    assert aside.read_bytes() == here.read_bytes()


def test_the_gathered_inputs_cross_a_pipe_unchanged(kb: Knowledge) -> None:
    person = "her2-positive-brain"
    day = VISIT_DAYS[person]
    record = load_record(example_path(person), kb, day)
    inputs = gather_inputs(record, kb, day, lambda: _match(person, kb, day))
    back = pickle.loads(pickle.dumps(inputs, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == inputs
    assert [c.title for c in back.charts] == [c.title for c in inputs.charts]
    assert back.briefing.trials is not None and back.briefing.trials["matches"]


@linux_only
def test_a_child_that_fails_leaves_the_work_to_this_process(kb: Knowledge, tmp_path: Path) -> None:
    person = "triple-negative-brca"
    day = VISIT_DAYS[person]
    record = load_record(example_path(person), kb, day)
    parent = os.getpid()

    def match() -> object:
        if os.getpid() != parent:
            raise RuntimeError("the catalog cannot be read in the child")
        return None

    gathered = Aside(lambda: gather_inputs(record, kb, day, match))
    aside = write_report(record, kb, day, tmp_path / "aside.html", gathered=gathered)
    here = write_report(record, kb, day, tmp_path / "here.html")
    assert aside.read_bytes() == here.read_bytes()


@linux_only
def test_a_wrong_file_type_stops_the_gathering_child(kb: Knowledge, tmp_path: Path) -> None:
    import time

    day = VISIT_DAYS["hr-positive-esr1"]
    record = load_record(example_path("hr-positive-esr1"), kb, day)
    gathered = Aside(lambda: (time.sleep(600), gather_inputs(record, kb, day))[1])
    with pytest.raises(NextlineError, match=r"must end in \.pdf or \.html"):
        write_report(record, kb, day, tmp_path / "out.docx", gathered=gathered)
    assert gathered.forked is False
    assert list(tmp_path.iterdir()) == []
