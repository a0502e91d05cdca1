"""Optimistic concurrency: many writers at once on one person, on SQLite and PostgreSQL.

Every acknowledged write must be present afterwards, and every refusal must be a `Conflict`
(never a lost update, never a database error)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

import pytest

from nextline.errors import Conflict, NotFound
from nextline.examples import example_path
from nextline.record import PatientFile, patient_file_data, read_patient_file
from nextline.record.parse import validate_patient_data
from nextline.store import RecordStore

PERSON = "hr-positive-esr1"
WRITERS = 20
ROUNDS = 5


def _with_lab(file: PatientFile, value: int) -> PatientFile:
    data = patient_file_data(file)
    data["labs"] = [
        *data.get("labs", []),
        {"date": "2025-01-02", "test": "CA 15-3", "value": value, "unit": "U/mL"},
    ]
    return validate_patient_data(data, "test")


def _lab_values(file: PatientFile) -> list[float]:
    return [lab.value for lab in file.labs if str(lab.date) == "2025-01-02"]


def _run_writers(work: Callable[[int, int], Any]) -> list[BaseException]:
    """`work(writer, round)` from WRITERS threads at once; returns every exception raised."""
    errors: list[BaseException] = []
    start = threading.Barrier(WRITERS)
    lock = threading.Lock()

    def writer(number: int) -> None:
        start.wait()
        for round_ in range(ROUNDS):
            try:
                work(number, round_)
            except BaseException as exc:  # collected and asserted on below
                with lock:
                    errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(t.is_alive() for t in threads)
    return errors


def test_twenty_writers_adding_entries_lose_nothing(store: RecordStore) -> None:
    store.save(read_patient_file(example_path(PERSON)), "import", base=0)
    acknowledged: dict[int, int] = {}

    def add(writer: int, round_: int) -> None:
        value = 1000 + writer * ROUNDS + round_
        acknowledged[value] = store.update(PERSON, lambda f: _with_lab(f, value), "add a lab")

    assert _run_writers(add) == []
    assert len(acknowledged) == WRITERS * ROUNDS
    assert sorted(acknowledged.values()) == list(range(2, WRITERS * ROUNDS + 2))
    final = store.get(PERSON)
    assert sorted(_lab_values(final)) == sorted(acknowledged)
    for value, version in acknowledged.items():
        assert value in _lab_values(store.get(PERSON, version))


def test_twenty_writers_with_stale_bases_are_refused_clearly_and_never_lost(
    store: RecordStore,
) -> None:
    store.save(read_patient_file(example_path(PERSON)), "import", base=0)
    acknowledged: list[int] = []

    def add(writer: int, round_: int) -> None:
        value = 1000 + writer * ROUNDS + round_
        file, version = store.get_latest(PERSON)
        store.save(_with_lab(file, value), "add a lab", base=version)
        acknowledged.append(value)

    errors = _run_writers(add)
    assert [type(e) for e in errors] == [Conflict] * len(errors)
    assert all("nothing was stored" in str(e) for e in errors)
    assert len(acknowledged) + len(errors) == WRITERS * ROUNDS
    assert sorted(_lab_values(store.get(PERSON))) == sorted(acknowledged)
    assert store.latest_version(PERSON) == 1 + len(acknowledged)


def test_undo_beside_adds_takes_back_exactly_the_latest_version(store: RecordStore) -> None:
    original = read_patient_file(example_path(PERSON))
    store.save(original, "import", base=0)
    store.save(_with_lab(original, 1), "first lab", base=1)

    def work(writer: int, round_: int) -> None:
        if writer % 4 == 0:
            # NotFound: every earlier change already taken back (a clear refusal)
            with contextlib.suppress(NotFound):
                store.undo(PERSON)
        else:
            value = 1000 + writer * ROUNDS + round_
            store.update(PERSON, lambda f: _with_lab(f, value), "add a lab")

    assert _run_writers(work) == []
    history = store.history(PERSON)
    assert [v.version for v in history] == list(range(1, len(history) + 1))
    assert sum(not v.note.startswith("undo") for v in history) == 2 + WRITERS * ROUNDS * 3 // 4
    files = {v.version: store.get(PERSON, v.version) for v in history}
    for info in history[2:]:
        before = _lab_values(files[info.version - 1])
        if info.note.startswith("undo"):
            # each undo goes one step back: to a version named in its note, with its content
            target = int(info.note.removeprefix("undo: back to version "))
            assert target < info.version - 1
            assert files[info.version] == files[target]
        else:
            # an add is built on the version just before it: nothing saved meanwhile is lost
            after = _lab_values(files[info.version])
            assert after[: len(before)] == before
            assert len(after) == len(before) + 1


def test_a_stale_save_and_a_stale_undo_name_the_versions(store: RecordStore) -> None:
    original = read_patient_file(example_path(PERSON))
    store.save(original, "import", base=0)
    store.save(_with_lab(original, 1), "lab", base=1)
    with pytest.raises(Conflict, match=r"made on version 1, but version 2 is now the latest"):
        store.save(_with_lab(original, 2), "lab", base=1)
    with pytest.raises(Conflict, match="nothing was stored"):
        store.undo(PERSON, base=1)
    with pytest.raises(Conflict, match=r"someone is already stored as 'hr-positive-esr1'"):
        store.save(original, "new person", base=0)
    assert store.latest_version(PERSON) == 2
    assert store.undo(PERSON, base=2) == 3
    assert store.get(PERSON) == original


@pytest.mark.parametrize("version", [10**23, 2**31, -1])
def test_a_version_past_the_column_is_not_found(store: RecordStore, version: int) -> None:
    from nextline.errors import NotFound

    store.save(read_patient_file(example_path(PERSON)), "import", base=0)
    with pytest.raises(NotFound, match="no record version"):
        store.get(PERSON, version)
