"""Two writers and faults through the store API, in cases the other concurrency tests do not
cover: a save, an update, an undo or a delete that fails after its first write (the store
keeps the old version whole), the same person added twice at once, a change that refuses
itself inside `update`, and the command line (another process) racing in-process saves on one
SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from nextline.errors import Conflict, NotFound
from nextline.examples import example_path
from nextline.record import PatientFile, patient_file_data, read_patient_file
from nextline.record.parse import validate_patient_data
from nextline.settings import Settings
from nextline.store import RecordStore, open_store

PERSON = "hr-positive-esr1"


def _with_lab(file: PatientFile, value: int) -> PatientFile:
    data = patient_file_data(file)
    data["labs"] = [
        *data.get("labs", []),
        {"date": "2025-01-02", "test": "CA 15-3", "value": value, "unit": "U/mL"},
    ]
    return validate_patient_data(data, "test")


def _values(file: PatientFile) -> list[float]:
    return [lab.value for lab in file.labs if str(lab.date) == "2025-01-02"]


class Injected(Exception):
    pass


@pytest.fixture
def two_versions(store: RecordStore) -> RecordStore:
    original = read_patient_file(example_path(PERSON))
    store.save(original, "import", base=0)
    store.save(_with_lab(original, 1), "first lab", base=1)
    return store


@pytest.mark.parametrize("how", ["save", "update", "update-locked", "undo", "restore", "delete"])
def test_a_write_that_fails_after_its_first_statement_keeps_the_old_version_whole(
    two_versions: RecordStore, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = two_versions
    before = (store.get(PERSON), store.history(PERSON), store.list())
    original_add = RecordStore._add_version

    def add_then_fail(*args, **kwargs):  # type: ignore[no-untyped-def]
        original_add(*args, **kwargs)  # the person's row and the new version are written
        raise Injected("the process died mid-save")

    monkeypatch.setattr(RecordStore, "_add_version", staticmethod(add_then_fail))
    if how == "update-locked":
        monkeypatch.setattr("nextline.store.records.OPTIMISTIC_ATTEMPTS", 0)
    with pytest.raises(Injected):
        if how == "save":
            store.save(_with_lab(store.get(PERSON), 2), "lab", base=2)
        elif how in ("update", "update-locked"):
            store.update(PERSON, lambda f: _with_lab(f, 2), "lab")
        elif how == "undo":
            store.undo(PERSON, base=2)
        elif how == "restore":
            store.restore(PERSON, 1, base=2)
        else:
            from sqlalchemy.orm import Session

            original_delete = Session.delete

            def delete_then_fail(self, instance):  # type: ignore[no-untyped-def]
                original_delete(self, instance)
                self.flush()
                raise Injected("the process died mid-delete")

            monkeypatch.setattr(Session, "delete", delete_then_fail)
            store.delete(PERSON)
    assert (store.get(PERSON), store.history(PERSON), store.list()) == before
    assert store.latest_version(PERSON) == 2
    monkeypatch.undo()
    assert store.update(PERSON, lambda f: _with_lab(f, 3), "lab") == 3  # and it still works
    assert _values(store.get(PERSON)) == [1, 3]


def test_the_same_person_added_twice_at_once_is_stored_once(store: RecordStore) -> None:
    original = read_patient_file(example_path(PERSON))
    results: list[object] = []
    start = threading.Barrier(2)

    def add(value: int) -> None:
        start.wait()
        try:
            results.append(store.save(_with_lab(original, value), "new person", base=0))
        except Conflict as exc:
            results.append(exc)

    threads = [threading.Thread(target=add, args=(v,)) for v in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(refused) == 1
    assert f"someone is already stored as {PERSON!r}" in str(refused[0])
    assert [v.version for v in store.history(PERSON)] == [1]
    assert len(_values(store.get(PERSON))) == 1


def test_a_change_that_refuses_itself_in_update_is_refused_at_once(
    two_versions: RecordStore,
) -> None:
    store = two_versions
    calls: list[int] = []

    def change(file: PatientFile) -> PatientFile:
        calls.append(1)
        raise Conflict(PERSON, 1, 2)

    with pytest.raises(Conflict, match="made on version 1"):
        store.update(PERSON, change, "stale")
    assert calls == [1]  # not retried as if it had lost a race
    assert store.latest_version(PERSON) == 2


def test_a_save_or_undo_on_a_deleted_person_says_it_was_deleted(two_versions: RecordStore) -> None:
    store = two_versions
    file = store.get(PERSON)
    store.delete(PERSON)
    for attempt in (
        lambda: store.save(file, "old tab", base=2),
        lambda: store.undo(PERSON, base=2),
        lambda: store.update(PERSON, lambda f: f, "old tab"),
    ):
        with pytest.raises((Conflict, NotFound)) as refused:
            attempt()
        assert PERSON in str(refused.value)
        if isinstance(refused.value, Conflict):
            assert "deleted" in str(refused.value)
    assert not store.exists(PERSON)


def test_the_command_line_import_racing_saves_in_this_process(tmp_path: Path) -> None:
    """`nextline import` in other processes beside adds here, on one SQLite file: every
    command ends in success or a clear error, the history has no gap, every version reads
    whole, and every acknowledged add is in the version it was acknowledged as."""
    home = tmp_path / "home"
    store = open_store(Settings(home=home))
    try:
        source = example_path(PERSON)
        store.save(read_patient_file(source), "import", base=0)
        env = {**os.environ, "NEXTLINE_HOME": str(home)}
        acked: dict[int, int] = {}
        errors: list[BaseException] = []

        def adder() -> None:
            for value in range(100, 130):
                try:
                    acked[value] = store.update(PERSON, lambda f, v=value: _with_lab(f, v), "lab")
                except BaseException as exc:
                    errors.append(exc)

        thread = threading.Thread(target=adder)
        thread.start()
        runs = [
            subprocess.run(
                [sys.executable, "-m", "nextline", "import", str(source)],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            for _ in range(2)
        ]
        thread.join(timeout=120)
        assert errors == []
        for run in runs:
            assert "Traceback" not in run.stderr
            assert run.returncode == 0, run.stderr
        history = store.history(PERSON)
        assert [v.version for v in history] == list(range(1, len(history) + 1))
        for value, version in acked.items():
            assert value in _values(store.get(PERSON, version))
        for info in history:
            store.get(PERSON, info.version)  # each version whole and valid
    finally:
        store.engine.dispose()
