"""Writers meeting backups, restores and a locked or read-only store (issue 15, fourth probe):
a backup taken while people write is whole; a write landing while a restore runs is never in
neither place; a locked store answers a clear "busy" within its wait, on SQLite and
PostgreSQL alike, and stores nothing; a read-only PostgreSQL says so."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, text

from nextline.errors import StoreError
from nextline.examples import example_path
from nextline.record import read_patient_file
from nextline.settings import Settings
from nextline.store import RecordStore, open_store
from nextline.store import backup as backups
from nextline.store import engine as engines
from tests.store.test_two_writers import PERSON, _values, _with_lab


def _sqlite_store(home: Path) -> RecordStore:
    store = open_store(Settings(home=home))
    store.save(read_patient_file(example_path(PERSON)), "import", base=0)
    return store


def test_a_backup_taken_while_people_write_is_whole_and_loses_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = _sqlite_store(home)
    acked: dict[int, int] = {}
    done = threading.Event()

    def writer() -> None:
        for value in range(200, 215):
            acked[value] = store.update(PERSON, lambda f, v=value: _with_lab(f, v), "lab")
        done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    copies = []
    while not done.is_set() and len(copies) < 3:
        copies.append(backups.backup(Settings(home=home), tmp_path / f"b{len(copies)}.db"))
    thread.join(timeout=60)
    for copy in copies:
        with sqlite3.connect(copy.path) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        restored = open_store(Settings(home=tmp_path / f"r-{copy.path.stem}"))
        backups.restore(Settings(home=tmp_path / f"r-{copy.path.stem}"), copy.path)
        latest = restored.get(PERSON)  # the newest version in the copy reads whole
        held = _values(latest)
        assert held == sorted(held)  # a prefix of the adds, in order
        restored.engine.dispose()
    assert set(acked) <= set(_values(store.get(PERSON)))
    store.engine.dispose()


def test_a_write_landing_while_a_restore_runs_is_kept_somewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A web edit acknowledged after the restore kept the current store aside but before the
    backup was copied in: it must be in the kept copy or wait and land on the restored store,
    never be in neither."""
    home = tmp_path / "home"
    store = _sqlite_store(home)
    saved = backups.backup(Settings(home=home), tmp_path / "saved.db")
    acked: list[int] = []
    keep = backups._backup_sqlite

    def keep_then_someone_writes(database: Path, out: Path) -> backups.BackupSummary:
        kept = keep(database, out)
        writer = threading.Thread(
            target=lambda: acked.append(
                store.update(PERSON, lambda f: _with_lab(f, 777), "lab from the web")
            )
        )
        writer.start()
        writer.join(timeout=0.5)  # the write lands now, or waits for the restore to finish
        threading.Thread(target=writer.join, daemon=True).start()
        kept_aside.append((kept, writer))
        return kept

    kept_aside: list[tuple[backups.BackupSummary, threading.Thread]] = []
    monkeypatch.setattr(backups, "_backup_sqlite", keep_then_someone_writes)
    backups.restore(Settings(home=home), saved.path, replace=True)
    ((kept, writer),) = kept_aside
    writer.join(timeout=30)
    assert acked, "the write was never acknowledged"
    in_store = 777 in _values(store.get(PERSON))
    aside = open_store(Settings(home=tmp_path / "aside"))
    backups.restore(Settings(home=tmp_path / "aside"), kept.path)
    in_kept = 777 in _values(aside.get(PERSON))
    aside.engine.dispose()
    store.engine.dispose()
    assert in_store or in_kept


@contextmanager
def another_program_locks(engine: Engine) -> Iterator[None]:
    """Another program holds the store's lock while the block runs: a SQLite connection of
    its own in an exclusive transaction, or a PostgreSQL session locking the people table."""
    if engine.dialect.name == "sqlite":
        holder = sqlite3.connect(str(engine.url.database), timeout=0)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            holder.rollback()
            holder.close()
        return
    with engine.connect() as connection:
        connection.execute(text("LOCK TABLE people IN ACCESS EXCLUSIVE MODE"))
        try:
            yield
        finally:
            connection.rollback()


def _short_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engines, "LOCK_WAIT_SECONDS", 0.3)


def test_a_store_locked_by_another_program_is_a_clear_busy_error(
    store: RecordStore, monkeypatch: pytest.MonkeyPatch, database_url: str | None
) -> None:
    """Another program (a backup tool, a second app, a stuck session) holds the store's write
    lock: a save waits a bounded time, then says the database is busy and stores nothing."""
    _short_wait(monkeypatch)
    locked_store = open_store(Settings(database_url=database_url) if database_url else None)
    locked_store.save(read_patient_file(example_path(PERSON)), "import", base=0)
    with another_program_locks(locked_store.engine), pytest.raises(StoreError) as refused:
        locked_store.update(PERSON, lambda f: _with_lab(f, 5), "lab")
    assert "busy" in str(refused.value)
    assert "nothing was stored" in str(refused.value)
    assert 5 not in _values(locked_store.get(PERSON))
    locked_store.engine.dispose()


def test_a_read_only_postgresql_says_read_only_and_stores_nothing(
    database_url: str | None,
) -> None:
    if database_url is None:
        pytest.skip("PostgreSQL only (SQLite read-only: tests/store/test_store_faults.py)")
    store = open_store(Settings(database_url=database_url))
    store.save(read_patient_file(example_path(PERSON)), "import", base=0)

    @event.listens_for(store.engine, "begin")
    def read_only(connection):  # type: ignore[no-untyped-def]
        connection.exec_driver_sql("SET TRANSACTION READ ONLY")

    with pytest.raises(StoreError) as refused:
        store.update(PERSON, lambda f: _with_lab(f, 6), "lab")
    assert "read-only" in str(refused.value)
    assert "nothing was stored" in str(refused.value)
    event.remove(store.engine, "begin", read_only)
    assert 6 not in _values(store.get(PERSON))
    store.engine.dispose()


def test_a_whole_file_imported_over_entries_added_since_says_what_it_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`nextline import maria.yaml` after the web app added a lab to Maria: the file replaces
    the record (an import is the whole record), and the command says that the version it
    replaced held an entry the file does not, and where it still is."""
    from typer.testing import CliRunner

    from nextline.cli import app as cli

    home = tmp_path / "home"
    monkeypatch.setenv("NEXTLINE_HOME", str(home))
    store = _sqlite_store(home)
    store.update(PERSON, lambda f: _with_lab(f, 321), "added a lab result")
    run = CliRunner().invoke(cli, ["import", str(example_path(PERSON))])
    assert run.exit_code == 0, run.stderr
    assert "replaced version 2, which held 1 entry that the file does not (1 in labs)" in (
        run.stderr
    )
    assert f"nextline export {PERSON} --version 2" in run.stderr
    assert 321 in _values(store.get(PERSON, 2))
    again = CliRunner().invoke(cli, ["import", str(example_path(PERSON))])
    assert "replaced" not in again.stderr  # nothing more was replaced
    store.engine.dispose()
