"""The store keeps every version, in SQLite and in PostgreSQL."""

from __future__ import annotations

import pytest

from nextline.errors import NotFound, StoreError
from nextline.examples import example_path
from nextline.record import read_patient_file
from nextline.settings import Settings
from nextline.store import RecordStore, migrate, open_engine, open_store
from nextline.store.engine import table_names


def test_an_edit_is_a_new_version_and_old_versions_stay_readable(store: RecordStore) -> None:
    original = read_patient_file(example_path("hr-positive-esr1"))
    assert store.save(original, "import", base=0) == ("hr-positive-esr1", 1)
    edited = original.model_copy(update={"palliative_care": None})
    assert store.save(edited, "edit: palliative care removed", base=1) == ("hr-positive-esr1", 2)
    assert store.get("hr-positive-esr1") == edited
    assert store.get("hr-positive-esr1", 1) == original
    assert [(v.version, v.note) for v in store.history("hr-positive-esr1")] == [
        (1, "import"),
        (2, "edit: palliative care removed"),
    ]


def test_saving_the_same_content_adds_no_version(store: RecordStore) -> None:
    record = read_patient_file(example_path("her2-positive-brain"))
    store.save(record, "import", base=None)
    assert store.save(record, "import again", base=None) == ("her2-positive-brain", 1)


def test_undo_restores_the_previous_content_as_a_new_version(store: RecordStore) -> None:
    original = read_patient_file(example_path("triple-negative-brca"))
    store.save(original, "import", base=0)
    store.save(original.model_copy(update={"labs": []}), "edit", base=1)
    assert store.undo("triple-negative-brca") == 3
    assert store.get("triple-negative-brca") == original
    assert store.history("triple-negative-brca")[-1].note == "undo: back to version 1"


def test_people_are_listed_by_id(store: RecordStore) -> None:
    for example_id in ("triple-negative-brca", "her2-positive-brain"):
        store.save(read_patient_file(example_path(example_id)), "import", base=None)
    assert [(p.id, p.name, p.versions) for p in store.list()] == [
        ("her2-positive-brain", "Aisha (example)", 1),
        ("triple-negative-brca", "Dana (example)", 1),
    ]


def test_unknown_person_is_not_found(store: RecordStore) -> None:
    with pytest.raises(NotFound, match="no person with id 'nobody'"):
        store.get("nobody")
    with pytest.raises(NotFound):
        store.history("nobody")


def test_sqlite_lives_in_nextline_home(tmp_path: object) -> None:
    settings = Settings()
    engine = open_engine(settings)
    assert str(settings.data_dir).endswith("home")
    assert (settings.data_dir / "nextline.db").exists()
    assert {"people", "record_versions", "alembic_version"} <= set(table_names(engine))
    migrate(engine)  # at head already: a no-op


def test_a_database_that_cannot_be_opened_is_a_clear_error() -> None:
    with pytest.raises(StoreError, match="cannot open the database"):
        open_store(Settings(database_url="postgresql://nobody@/none?host=/nonexistent"))


def test_head_revision_constant_matches_the_migration_scripts() -> None:
    from nextline.store.engine import HEAD_REVISION, alembic_head

    assert alembic_head() == HEAD_REVISION
