"""The people search finds a name typed in any case, with or without its accents, on both
databases (`Person.search_name`, written with the name), follows renames, undos and
restores, and people stored before the column existed are found once the store migrates
(`0007_people_search_name`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import text

from nextline.examples import example_path
from nextline.record import patient_file_data, read_patient_file, validate_patient_data
from nextline.store import RecordStore, create_db_engine
from nextline.store.engine import _alembic_config, fold_text, migrate

NAMES = {
    "ana": "Ana Núñez-O'Brien",
    "ursula": "ÚRSULA STRAẞE",
    "zoe": "Zoë Ångström",
    "chloe": "Chloé Dupré",
    "li": "李小龙",
    "omar": "Ömer Çelik",
    "plain": "Plain Person",
}
# what a person types -> who they mean
TYPED = {
    "nunez": ["ana"],
    "NÚÑEZ": ["ana"],
    "o'brien": ["ana"],
    "strasse": ["ursula"],
    "Straße": ["ursula"],
    "angstrom": ["zoe"],
    "zoe": ["zoe"],
    "dupre": ["chloe"],
    "CHLOE": ["chloe"],
    "小龙": ["li"],
    "omer celik": ["omar"],
    "person": ["plain"],
    "STR": ["ursula", "zoe"],  # every name that holds it, folded ("ẞ" is "ss", "Å" is "a")
}


def _file(person: str, name: str):
    base = patient_file_data(read_patient_file(example_path("hr-positive-esr1")))
    return validate_patient_data(
        {**base, "patient": {**base["patient"], "id": person, "name": name}}
    )


def _found(store: RecordStore, typed: str) -> list[str]:
    return [p.id for p in store.list_page(offset=0, limit=50, name=typed)[0]]


def _engine(database_url: str | None, tmp_path: Path):
    return create_db_engine(database_url or f"sqlite:///{tmp_path / 'nextline.db'}")


@pytest.mark.parametrize("typed", sorted(TYPED))
def test_a_name_is_found_as_people_type_it_on_both_databases(
    typed: str, database_url: str | None, tmp_path: Path
) -> None:
    engine = _engine(database_url, tmp_path)
    migrate(engine)
    store = RecordStore(engine)
    for person, name in NAMES.items():
        store.save(_file(person, name), "import", base=None)
    assert _found(store, typed) == TYPED[typed]
    engine.dispose()


def test_the_search_follows_a_rename_and_its_undo(database_url: str | None, tmp_path: Path) -> None:
    engine = _engine(database_url, tmp_path)
    migrate(engine)
    store = RecordStore(engine)
    store.save(_file("ana", "Ana Núñez"), "import", base=None)
    store.update(
        "ana",
        lambda f: f.model_copy(
            update={"patient": f.patient.model_copy(update={"name": "Ana Peña"})}
        ),
        "renamed",
    )
    assert _found(store, "pena") == ["ana"]
    assert _found(store, "nunez") == []
    store.undo("ana")
    assert _found(store, "nunez") == ["ana"]
    assert _found(store, "pena") == []
    engine.dispose()


def _upgrade_to(engine, revision: str) -> None:
    from alembic import command

    config = _alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def test_people_stored_before_the_column_are_found_after_the_migration(
    database_url: str | None, tmp_path: Path
) -> None:
    engine = _engine(database_url, tmp_path)
    _upgrade_to(engine, "0006_dashboard_pages")
    now = dt.datetime(2026, 1, 1)
    with engine.begin() as connection:
        for person, name in [*NAMES.items(), ("nameless", None)]:
            connection.execute(
                text(
                    "INSERT INTO people (id, name, created_at, updated_at, latest_version) "
                    "VALUES (:id, :name, :now, :now, 1)"
                ),
                {"id": person, "name": name, "now": now},
            )
    migrate(engine)
    store = RecordStore(engine)
    for typed, people in TYPED.items():
        assert _found(store, typed) == people, typed
    assert _found(store, "nameless") == ["nameless"]  # by its id
    with engine.connect() as connection:
        folded = dict(connection.execute(text("SELECT id, search_name FROM people")).all())
    assert folded == {**{p: fold_text(n) for p, n in NAMES.items()}, "nameless": ""}
    engine.dispose()


def test_an_offset_past_the_end_gives_the_last_page_when_asked(
    database_url: str | None, tmp_path: Path
) -> None:
    engine = _engine(database_url, tmp_path)
    migrate(engine)
    store = RecordStore(engine)
    assert store.list_page(offset=50, limit=3, past_end_last=True) == ([], 0)  # no one yet
    for person, name in NAMES.items():
        store.save(_file(person, name), "import", base=None)
    everyone = sorted(NAMES)
    for offset in (7, 8, 9, 300):
        shown, total = store.list_page(offset=offset, limit=3, past_end_last=True)
        assert ([p.id for p in shown], total) == (everyone[6:], 7)
        assert store.list_page(offset=offset, limit=3) == ([], 7)
    shown, _ = store.list_page(offset=3, limit=3, past_end_last=True)  # not past: as asked
    assert [p.id for p in shown] == everyone[3:6]
    shown, total = store.list_page(offset=40, limit=2, name="str", past_end_last=True)
    assert ([p.id for p in shown], total) == (["ursula", "zoe"], 2)
    engine.dispose()
