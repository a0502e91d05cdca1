"""Deleting a person removes them and every version, and nobody else."""

from __future__ import annotations

import pytest

from nextline.errors import NotFound
from nextline.examples import example_path
from nextline.record import read_patient_file
from nextline.store import RecordStore


def test_delete_removes_every_version_and_keeps_the_others(store: RecordStore) -> None:
    maria = read_patient_file(example_path("hr-positive-esr1"))
    dana = read_patient_file(example_path("triple-negative-brca"))
    store.save(maria, "import", base=None)
    store.save(maria.model_copy(update={"labs": []}), "edit", base=None)
    store.save(dana, "import", base=None)
    assert store.delete("hr-positive-esr1") == 2
    assert [p.id for p in store.list()] == ["triple-negative-brca"]
    assert not store.exists("hr-positive-esr1")
    with pytest.raises(NotFound):
        store.get("hr-positive-esr1")
    with pytest.raises(NotFound):
        store.delete("hr-positive-esr1")
    # the same id can start again from version 1
    assert store.save(maria, "again", base=0) == ("hr-positive-esr1", 1)
