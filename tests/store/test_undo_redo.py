"""Undo and redo walk the history one step per press; restore brings back any version.

On SQLite and PostgreSQL (the `store` fixture), plus the pure walk over notes."""

from __future__ import annotations

import pytest

from nextline.errors import Conflict, NotFound
from nextline.examples import example_path
from nextline.record import PatientFile, patient_file_data, read_patient_file
from nextline.record.parse import validate_patient_data
from nextline.store import RecordStore
from nextline.store.steps import Steps, walk

PERSON = "hr-positive-esr1"


def _with_lab(file: PatientFile, value: float) -> PatientFile:
    data = patient_file_data(file)
    data["labs"] = [
        *data.get("labs", []),
        {"date": "2025-03-04", "test": "CA 15-3", "value": value, "unit": "U/mL"},
    ]
    return validate_patient_data(data, "test")


def _values(file: PatientFile) -> list[float]:
    return [lab.value for lab in file.labs if str(lab.date) == "2025-03-04"]


def _three_edits(store: RecordStore) -> list[PatientFile]:
    """Versions 1..4: the example, then labs 10, 20, 30 added one at a time."""
    files = [read_patient_file(example_path(PERSON))]
    store.save(files[0], "import", base=0)
    for n, value in enumerate((10, 20, 30), start=1):
        files.append(_with_lab(files[-1], value))
        store.save(files[-1], f"added lab {value}", base=n)
    return files


def _last_note(store: RecordStore) -> str:
    return store.history(PERSON)[-1].note


def test_each_undo_goes_one_step_further_back(store: RecordStore) -> None:
    files = _three_edits(store)
    assert store.undo(PERSON, base=4) == 5
    assert _last_note(store) == "undo: back to version 3"
    assert store.get(PERSON) == files[2]
    assert store.undo(PERSON, base=5) == 6
    assert _last_note(store) == "undo: back to version 2"
    assert _values(store.get(PERSON)) == [10]
    assert store.undo(PERSON, base=6) == 7
    assert _last_note(store) == "undo: back to version 1"
    assert store.get(PERSON) == files[0]
    with pytest.raises(NotFound):
        store.undo(PERSON, base=7)
    assert store.latest_version(PERSON) == 7


def test_redo_walks_forward_again_one_step_per_press(store: RecordStore) -> None:
    files = _three_edits(store)
    store.undo(PERSON)
    store.undo(PERSON)
    assert store.redo(PERSON, base=6) == 7
    assert _last_note(store) == "redo: forward to version 3"
    assert store.get(PERSON) == files[2]
    assert store.redo(PERSON, base=7) == 8
    assert _last_note(store) == "redo: forward to version 4"
    assert store.get(PERSON) == files[3]
    with pytest.raises(NotFound):
        store.redo(PERSON)
    # and undo after a redo goes back from where the redo went
    store.undo(PERSON)
    assert _last_note(store) == "undo: back to version 3"
    assert _values(store.get(PERSON)) == [10, 20]


def test_a_new_edit_after_undos_ends_the_redo_chain(store: RecordStore) -> None:
    files = _three_edits(store)
    store.undo(PERSON)
    store.undo(PERSON)
    assert store.steps(PERSON) == Steps(undo_to=1, redo_to=3)
    store.save(_with_lab(store.get(PERSON), 99), "added lab 99", base=6)
    assert store.steps(PERSON).redo_to is None
    with pytest.raises(NotFound):
        store.redo(PERSON)
    # undo now takes back the new edit, to what the record was before it (version 2 again)
    store.undo(PERSON)
    assert _last_note(store) == "undo: back to version 2"
    assert store.get(PERSON) == files[1]


def test_nothing_to_undo_or_redo_on_a_first_version(store: RecordStore) -> None:
    store.save(read_patient_file(example_path(PERSON)), "import", base=0)
    assert store.steps(PERSON) == Steps(None, None)
    with pytest.raises(NotFound):
        store.undo(PERSON)
    with pytest.raises(NotFound):
        store.redo(PERSON)
    assert store.latest_version(PERSON) == 1


def test_restore_is_one_new_version_with_that_content(store: RecordStore) -> None:
    files = _three_edits(store)
    store.undo(PERSON)
    assert store.restore(PERSON, 2, base=5) == 6
    assert _last_note(store) == "restored version 2"
    assert store.get(PERSON) == files[1]
    # a restore is an ordinary change: it ends the redo chain and can be undone
    assert store.steps(PERSON) == Steps(undo_to=3, redo_to=None)  # version 5 held 3
    store.undo(PERSON)
    assert store.get(PERSON) == files[2]
    # restoring what the record already holds adds nothing
    assert store.restore(PERSON, 3) == 7
    assert store.latest_version(PERSON) == 7


def test_restore_of_a_missing_version_is_not_found(store: RecordStore) -> None:
    _three_edits(store)
    for version in (0, 9, -1):
        with pytest.raises(NotFound):
            store.restore(PERSON, version)
    assert store.latest_version(PERSON) == 4


def test_stale_undo_redo_and_restore_are_refused_and_add_nothing(store: RecordStore) -> None:
    _three_edits(store)
    store.undo(PERSON)
    for act in (
        lambda: store.undo(PERSON, base=3),
        lambda: store.redo(PERSON, base=3),
        lambda: store.restore(PERSON, 1, base=4),
    ):
        with pytest.raises(Conflict):
            act()
    assert store.latest_version(PERSON) == 5
    # the same undo from version 4 again (a double click) is the one already done: no second
    assert store.undo(PERSON, base=4) == 5
    assert store.latest_version(PERSON) == 5


@pytest.mark.parametrize(
    ("notes", "expected"),
    [
        ([], Steps(None, None)),
        (["import"], Steps(None, None)),
        (["import", "edit", "edit"], Steps(2, None)),
        (["import", "edit", "edit", "undo: back to version 2"], Steps(1, 3)),
        (
            ["import", "edit", "edit", "undo: back to version 2", "undo: back to version 1"],
            Steps(None, 2),
        ),
        (
            ["import", "edit", "undo: back to version 1", "redo: forward to version 2"],
            Steps(1, None),
        ),
        # the old undo, which took back the undo before it: an ordinary change, not a jump
        (
            ["import", "edit", "edit", "undo: back to version 2", "undo: back to version 3"],
            Steps(2, None),
        ),
        # an imported note that looks like an undo but fits nothing is an ordinary change
        (["import", "undo: back to version 7"], Steps(1, None)),
        (["import", "edit", "redo: forward to version 2"], Steps(2, None)),
        (
            ["import", "edit", "undo: back to version 1", "edit", "redo: forward to version 2"],
            Steps(4, None),
        ),
    ],
)
def test_the_walk_over_notes(notes: list[str], expected: Steps) -> None:
    assert walk(enumerate(notes, start=1)) == expected


def test_the_listed_name_follows_a_rename_and_its_undo(store: RecordStore) -> None:
    first = read_patient_file(example_path(PERSON))
    store.save(first, "import", base=0)
    data = patient_file_data(first)
    data["patient"]["name"] = "Maria Renamed"
    store.save(validate_patient_data(data, "test"), "renamed", base=1)
    assert [p.name for p in store.list()] == ["Maria Renamed"]
    store.undo(PERSON, base=2)
    assert [p.name for p in store.list()] == [first.patient.name]
