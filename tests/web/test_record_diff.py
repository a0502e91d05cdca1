"""What replacing one record with another would change, per part, in plain words: entries
matched by content (order does not matter), then by identity (same test and day: changed)."""

from __future__ import annotations

import pytest

from nextline.examples import EXAMPLE_IDS, example_path
from nextline.record import PatientFile, read_patient_file
from nextline.web.entry_words import entry_words
from nextline.web.record_diff import record_changes


def _file(person: str) -> PatientFile:
    return read_patient_file(example_path(person))


def _with(file: PatientFile, **update: object) -> PatientFile:
    return file.model_copy(update=update)


@pytest.mark.parametrize("person", EXAMPLE_IDS)
def test_a_record_against_itself_or_reordered_changes_nothing(person) -> None:
    file = _file(person)
    assert record_changes(file, file) == []
    shuffled = _with(file, labs=list(reversed(file.labs)), imaging=file.imaging[::-1])
    assert record_changes(file, shuffled) == []


@pytest.mark.parametrize("person", EXAMPLE_IDS)
def test_a_changed_value_is_one_entry_changed_not_one_removed_and_one_added(person) -> None:
    file = _file(person)
    labs = list(file.labs)
    labs[-1] = labs[-1].model_copy(update={"value": labs[-1].value + 5})
    (change,) = record_changes(file, _with(file, labs=labs))
    assert change.section == "labs"
    assert (change.added, change.removed) == ([], [])
    assert len(change.changed) == 1 and str(labs[-1].test) in change.changed[0]


def test_added_and_removed_are_named_per_section() -> None:
    file = _file("triple-negative-brca")
    new = _with(file, symptoms=file.symptoms[1:], metastases=[*file.metastases[:1]])
    changes = {c.section: c for c in record_changes(file, new)}
    assert sorted(changes) == ["metastases", "symptoms"]
    assert len(changes["symptoms"].removed) == 1 and changes["symptoms"].added == []
    assert changes["metastases"].removed == [entry_words(file, "metastases", 1)]
    assert changes["symptoms"].removed == [entry_words(file, "symptoms", 0)]


def test_one_part_changed_names_its_fields_and_one_emptied_is_removed() -> None:
    file = _file("hr-positive-esr1")
    patient = file.patient.model_copy(update={"name": "Another Name"})
    changes = {c.section: c for c in record_changes(file, _with(file, patient=patient, goals=None))}
    assert changes["patient"].changed == ["About the person: name"]
    assert changes["goals"].removed == ["Goals and preferences"]
    back = {c.section: c for c in record_changes(_with(file, goals=None), file)}
    assert back["goals"].added == ["Goals and preferences"]
