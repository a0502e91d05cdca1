"""`nextline report` keeps the readings of the symptom notes it read, as `status` does, even
though part of its work runs in a second process: the next command does not read them again.
(A report whose status were computed in a forked child would lose them: the child's memo
dies with it.)"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from nextline.assess import symptom_reader
from nextline.cli import app, plan_cmds
from nextline.examples import example_path
from nextline.knowledge import cache
from nextline.knowledge.base import _load_cached
from nextline.store import note_readings
from nextline.store.quick_read import embedded_database

runner = CliRunner()
PERSON, IN_WINDOW = "triple-negative-brca", "2024-08-20"  # inside her symptom-note window


pytestmark = pytest.mark.usefixtures("fresh_knowledge_memo")


def _kept() -> dict[Any, Any]:
    database = embedded_database()
    assert database is not None
    path = note_readings._file(note_readings.notes_folder(database), PERSON)
    data = path.read_bytes()
    return dict(pickle.loads(data[data.index(b"\n", len(cache.MAGIC)) + 1 :]))


class _NoReading:
    def __init__(self, *_: object) -> None:
        raise AssertionError("the note was read again")


def test_a_pdf_report_keeps_the_notes_it_read_for_the_next_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert runner.invoke(app, ["import", str(example_path(PERSON))]).exit_code == 0
    # the trial match runs aside as by default; an empty catalog keeps the test quick
    monkeypatch.setattr(
        plan_cmds, "match_trials_if_available", lambda *_: {"catalog": None, "matches": []}
    )
    out = tmp_path / "summary.pdf"
    done = runner.invoke(app, ["report", PERSON, "--as-of", IN_WINDOW, "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert out.read_bytes().startswith(b"%PDF")
    texts = {text for text, _sex in _kept()}
    assert "fever and chills since this morning" in texts
    _load_cached.cache_clear()  # a fresh process: new knowledge object, empty memo
    monkeypatch.setattr(symptom_reader, "_Reader", _NoReading)
    status = runner.invoke(app, ["status", PERSON, "--as-of", IN_WINDOW, "--json"])
    assert status.exit_code == 0, status.output
