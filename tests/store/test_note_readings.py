"""Symptom notes read once are not read again by the next command: the same red flags, no
spaCy; each person's readings in their own private file, gone when the person is deleted."""

from __future__ import annotations

import json
import pickle
import stat
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from nextline.assess import symptom_reader
from nextline.cli import app
from nextline.examples import EXAMPLE_IDS, example_path
from nextline.knowledge import cache
from nextline.knowledge.base import _load_cached
from nextline.store import note_readings, open_store
from nextline.store.quick_read import embedded_database

runner = CliRunner()
IN_WINDOW = {  # a date inside each example's symptom-note window
    "hr-positive-esr1": "2024-03-25",
    "her2-positive-brain": "2023-11-10",
    "triple-negative-brca": "2024-08-20",
}


pytestmark = pytest.mark.usefixtures("fresh_knowledge_memo")


def _import_all() -> None:
    for example_id in EXAMPLE_IDS:
        assert runner.invoke(app, ["import", str(example_path(example_id))]).exit_code == 0


def _status(person: str) -> str:
    result = runner.invoke(app, ["status", person, "--as-of", IN_WINDOW[person], "--json"])
    assert result.exit_code == 0, result.output
    return result.stdout


def _notes_file(person: str) -> Path:
    database = embedded_database()
    assert database is not None
    return note_readings._file(note_readings.notes_folder(database), person)


def _kept(person: str) -> dict[Any, Any]:
    data = _notes_file(person).read_bytes()
    return dict(pickle.loads(data[data.index(b"\n", len(cache.MAGIC)) + 1 :]))


class _NoReading:
    def __init__(self, *_: object) -> None:
        raise AssertionError("the note was read again")


@pytest.mark.parametrize("person", EXAMPLE_IDS)
def test_a_note_read_once_gives_the_same_status_without_reading_it_again(
    person: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _import_all()
    first = _status(person)
    assert _kept(person), person
    _load_cached.cache_clear()  # a fresh process: new knowledge object, empty memo
    monkeypatch.setattr(symptom_reader, "_Reader", _NoReading)
    assert _status(person) == first


def test_the_readings_file_is_private_and_holds_only_that_persons_notes() -> None:
    _import_all()
    _status("hr-positive-esr1")
    _status("triple-negative-brca")  # same process: the memo holds both people's notes
    path = _notes_file("triple-negative-brca")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    texts = {text for text, _sex in _kept("triple-negative-brca")}
    assert "dry cough, out of breath on stairs" in texts
    assert "fever and chills since this morning" in texts
    hers = {text for text, _sex in _kept("hr-positive-esr1")}
    assert "more tired than usual; dull ache under the right ribs" in hers
    assert texts.isdisjoint(hers)


def test_deleting_a_person_removes_their_readings() -> None:
    _import_all()
    _status("her2-positive-brain")
    _status("hr-positive-esr1")
    assert _notes_file("her2-positive-brain").exists()
    store = open_store()
    store.delete("her2-positive-brain")
    store.engine.dispose()
    assert not _notes_file("her2-positive-brain").exists()
    assert _notes_file("hr-positive-esr1").exists()


def test_readings_of_another_key_are_ignored_and_replaced(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _import_all()
    person = "hr-positive-esr1"
    first = _status(person)
    path = _notes_file(person)
    wrong = {key: "planted" for key in _kept(person)}
    path.write_bytes(cache.MAGIC + b"0" * 64 + b"\n" + pickle.dumps(wrong))
    _load_cached.cache_clear()
    assert _status(person) == first
    assert all(v != "planted" for v in _kept(person).values())


def test_nothing_is_kept_for_a_patient_file_read_by_path(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["status", str(example_path("hr-positive-esr1")), "--as-of", "2024-03-25", "--json"]
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["overall"]
    assert not (tmp_path / "home" / "cache" / "notes").exists()


def test_nothing_is_kept_beside_another_database(monkeypatch: pytest.MonkeyPatch) -> None:
    _import_all()
    monkeypatch.setenv("NEXTLINE_DATABASE_URL", "postgresql://nobody@/none")
    assert embedded_database() is None
    from nextline.knowledge import load_knowledge

    note_readings.open_for("hr-positive-esr1", load_knowledge())
    assert note_readings._pending == []
