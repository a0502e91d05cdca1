"""The trial match of a report runs in a second process (`report.aside`), and the report is
the same as when it runs in this one; a failing or unreadable child changes nothing."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from nextline.errors import NextlineError
from nextline.examples import example_path
from nextline.knowledge import Knowledge
from nextline.record import load_record
from nextline.report import Aside, write_report
from nextline.report.aside import can_fork

linux_only = pytest.mark.skipif(not can_fork(), reason="fork is used on Linux only")


@linux_only
def test_the_step_runs_in_another_process_and_its_result_comes_back() -> None:
    aside = Aside(lambda: {"pid": os.getpid(), "matches": [{"nct_id": "NCT00000001"}]})
    assert aside.forked is True
    found = aside.result()
    assert found["pid"] != os.getpid()
    assert found["matches"] == [{"nct_id": "NCT00000001"}]
    assert aside.forked is False


def test_without_fork_the_step_runs_here() -> None:
    aside = Aside(lambda: os.getpid(), fork=False)
    assert aside.forked is False
    assert aside.result() == os.getpid()


@linux_only
def test_a_step_that_fails_in_the_child_is_run_here_and_its_error_raised_here() -> None:
    parent = os.getpid()

    def step() -> int:
        if os.getpid() != parent:
            raise RuntimeError("only in the child")
        return 7

    assert Aside(step).result() == 7

    def always_fails() -> int:
        raise NextlineError("the catalog cannot be read")

    with pytest.raises(NextlineError, match="the catalog cannot be read"):
        Aside(always_fails).result()


@linux_only
def test_a_result_that_cannot_be_sent_back_is_computed_here() -> None:
    parent = os.getpid()
    # A lambda cannot be pickled: the child fails to send it, so the parent computes it.
    made_in = Aside(lambda: lambda: os.getpid() == parent).result()
    assert made_in() is True


@linux_only
def test_cancel_stops_the_child_and_reaps_it() -> None:
    import time

    aside = Aside(lambda: time.sleep(600))
    pid = aside._pid
    assert pid is not None
    aside.cancel()
    assert aside.forked is False
    with pytest.raises(ChildProcessError):  # reaped: no such child any more
        os.waitpid(pid, os.WNOHANG)


@pytest.mark.parametrize(
    ("person", "day"),
    [("hr-positive-esr1", dt.date(2024, 4, 15)), ("triple-negative-brca", dt.date(2024, 8, 21))],
)
def test_a_report_with_the_match_aside_is_the_report_with_the_match_here(
    kb: Knowledge, tmp_path: Path, person: str, day: dt.date
) -> None:
    from nextline.cli.plan_cmds import match_trials_if_available

    record = load_record(example_path(person), kb, day)
    here = match_trials_if_available(record, kb, day)
    assert here["matches"], "the bundled catalog has trials for every example"
    plain = write_report(record, kb, day, tmp_path / "plain.html", trials=here)
    aside = Aside(lambda: match_trials_if_available(record, kb, day))
    overlapped = write_report(record, kb, day, tmp_path / "aside.html", trials=aside)
    assert aside.forked is False  # waited for
    assert overlapped.read_bytes() == plain.read_bytes()
    assert here["matches"][0]["nct_id"] in plain.read_text(encoding="utf-8")


def test_a_wrong_file_type_stops_the_child_too(kb: Knowledge, tmp_path: Path) -> None:
    import time

    day = dt.date(2024, 8, 21)
    record = load_record(example_path("triple-negative-brca"), kb, day)
    aside = Aside(lambda: time.sleep(600))
    with pytest.raises(NextlineError, match=r"must end in \.pdf or \.html"):
        write_report(record, kb, day, tmp_path / "out.docx", trials=aside)
    assert aside.forked is False
    assert list(tmp_path.iterdir()) == []
