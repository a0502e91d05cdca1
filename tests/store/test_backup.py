"""`nextline backup` / `nextline restore`: a restore into an empty store gives back every
version of every person, the accounts and the audit log, on SQLite and PostgreSQL; a store
that holds people is never replaced unless asked, and bad files are refused clearly."""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from nextline.accounts.audit import AuditEntry, entries, record
from nextline.errors import StoreError
from nextline.examples import EXAMPLE_IDS, example_path
from nextline.record import PatientFile, patient_file_data, read_patient_file
from nextline.record.parse import validate_patient_data
from nextline.settings import Settings
from nextline.store import RecordStore, open_store
from nextline.store.backup import backup, restore
from tests.conftest import POSTGRES_URL


def _with_lab(file: PatientFile) -> PatientFile:
    data = patient_file_data(file)
    data["labs"] = [
        *data.get("labs", []),
        {"date": "2025-01-02", "test": "CA 15-3", "value": 31, "unit": "U/mL"},
    ]
    return validate_patient_data(data, "test")


def _fill(store: RecordStore) -> dict[tuple[str, int], str]:
    """The three examples, each edited twice and undone once; every version's content."""
    for example in EXAMPLE_IDS:
        file = read_patient_file(example_path(example))
        person_id, _ = store.save(file, "imported", base=None)
        store.update(person_id, _with_lab, "a lab added")
        store.undo(person_id)
    record(
        store.engine,
        AuditEntry(
            dt.datetime(2026, 12, 6, 9, 0),
            EXAMPLE_IDS[0],
            "this computer",
            "local",
            None,
            "read",
            "GET /people/{person_id}",
            "127.0.0.1",
        ),
    )
    return _contents(store)


def _contents(store: RecordStore) -> dict[tuple[str, int], str]:
    with store.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT person_id, version, content FROM record_versions")
        ).all()
    return {(r[0], r[1]): r[2] for r in rows}


def test_sqlite_round_trip_gives_back_every_version(tmp_path: Path) -> None:
    source = open_store(Settings(home=tmp_path / "a"))
    before = _fill(source)
    assert len(before) == 9  # three people, three versions each
    out = tmp_path / "nextline-backup.db"
    summary = backup(Settings(home=tmp_path / "a"), out)
    assert (summary.people, summary.versions) == (3, 9)
    assert out.stat().st_mode & 0o777 == 0o600
    target_settings = Settings(home=tmp_path / "b")
    restored = restore(target_settings, out)
    assert (restored.people, restored.versions) == (3, 9)
    target = open_store(target_settings)
    assert _contents(target) == before
    for person in EXAMPLE_IDS:
        assert [v.version for v in target.history(person)] == [
            v.version for v in source.history(person)
        ]
        assert target.get_latest(person) == source.get_latest(person)
    assert [e.what for e in entries(target.engine, EXAMPLE_IDS[0])] == ["GET /people/{person_id}"]


def test_a_store_with_people_is_kept_unless_replace_is_asked(tmp_path: Path) -> None:
    source = open_store(Settings(home=tmp_path / "a"))
    _fill(source)
    out = tmp_path / "backup.db"
    backup(Settings(home=tmp_path / "a"), out)
    other = Settings(home=tmp_path / "b")
    store = open_store(other)
    store.save(read_patient_file(example_path(EXAMPLE_IDS[1])), "mine", base=None)
    with pytest.raises(StoreError, match="already holds 1 person"):
        restore(other, out)
    assert [p.id for p in store.list()] == [EXAMPLE_IDS[1]]
    restore(other, out, replace=True)
    assert len(open_store(other).list()) == 3
    kept = list((tmp_path / "b").glob("nextline.db.before-restore-*"))
    assert len(kept) == 1
    with sqlite3.connect(kept[0]) as old:
        assert old.execute("SELECT id FROM people").fetchall() == [(EXAMPLE_IDS[1],)]


def test_bad_backup_files_are_refused_and_the_store_untouched(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "s")
    open_store(settings)
    not_backup = tmp_path / "notes.txt"
    not_backup.write_text("hello")
    with pytest.raises(StoreError, match="not a nextline backup"):
        restore(settings, not_backup)
    foreign = tmp_path / "other.db"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE things (x)")
    with pytest.raises(StoreError, match="not a nextline backup"):
        restore(settings, foreign)
    damaged = tmp_path / "damaged.db"
    backup(settings, damaged)
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 4096] = b"\xff" * 4096
    damaged.write_bytes(bytes(data))
    with pytest.raises(StoreError, match=r"damaged|cannot be read"):
        restore(settings, damaged)
    with pytest.raises(StoreError, match="does not exist"):
        backup(settings, tmp_path / "missing" / "b.db")
    newer = tmp_path / "newer.db"
    backup(settings, newer)
    with sqlite3.connect(newer) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    with pytest.raises(StoreError, match="newer nextline"):
        restore(settings, newer)


@pytest.mark.skipif(not POSTGRES_URL, reason="no PostgreSQL: run through `make test`")
def test_postgres_round_trip_into_an_empty_database(tmp_path: Path) -> None:
    from nextline.store import create_db_engine

    assert POSTGRES_URL is not None
    schema = f"b_{uuid.uuid4().hex[:10]}"
    database = f"r_{uuid.uuid4().hex[:10]}"
    admin = create_db_engine(POSTGRES_URL)
    with admin.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.execute(text(f"CREATE SCHEMA {schema}"))
        connection.execute(text(f"CREATE DATABASE {database}"))
    source_settings = Settings(database_url=f"{POSTGRES_URL}&options=-csearch_path%3D{schema}")
    target_url = POSTGRES_URL.replace("@/postgres?", f"@/{database}?")
    target_settings = Settings(database_url=f"{target_url}&options=-csearch_path%3D{schema}")
    try:
        source = open_store(source_settings)
        before = _fill(source)
        out = tmp_path / "pg.dump"
        summary = backup(source_settings, out)
        assert (summary.database, summary.people, summary.versions) == ("postgresql", 3, 9)
        assert out.read_bytes().startswith(b"PGDMP")
        source.engine.dispose()
        restored = restore(target_settings, out)
        assert (restored.people, restored.versions) == (3, 9)
        target = open_store(target_settings)
        assert _contents(target) == before
        assert len(entries(target.engine, EXAMPLE_IDS[0])) == 1
        with pytest.raises(StoreError, match="already holds 3 people"):
            restore(target_settings, out)
        restore(target_settings, out, replace=True)
        assert _contents(open_store(target_settings)) == before
        with pytest.raises(StoreError, match="is a postgresql backup, but this store is sqlite"):
            restore(Settings(home=tmp_path / "lite"), out)
        target.engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.execute(text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()
