"""Faults under the store: a read-only database, a full disk, a process killed inside a
write, a lock or secret file left behind by a killed process. Each ends in a clear
`StoreError` (never a raw `OSError` or a driver error), the stored record stays the old
version whole, and the next write works (issue 15, third probe)."""

from __future__ import annotations

import errno
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event
from typer.testing import CliRunner

from nextline.cli import app
from nextline.errors import StoreError
from nextline.examples import example_path
from nextline.record import patient_file_data, read_patient_file
from nextline.settings import Settings
from nextline.store import RecordStore, create_db_engine, open_store

MARIA = "hr-positive-esr1"
runner = CliRunner()


def _renamed(name: str):
    file = read_patient_file(example_path(MARIA))
    return file.model_copy(update={"patient": file.patient.model_copy(update={"name": name})})


@pytest.fixture
def store() -> Iterator[RecordStore]:
    opened = open_store()
    opened.save(read_patient_file(example_path(MARIA)), "import", base=None)
    yield opened
    opened.engine.dispose()


@contextmanager
def failing_at(store: RecordStore, statement: str, error: BaseException) -> Iterator[None]:
    """`error` raised when the store sends a statement starting with `statement`."""

    def hook(_conn, _cursor, sql, *_args):  # type: ignore[no-untyped-def]
        if sql.lstrip().upper().startswith(statement):
            raise error

    event.listen(store.engine, "before_cursor_execute", hook)
    try:
        yield
    finally:
        event.remove(store.engine, "before_cursor_execute", hook)


def _whole(store: RecordStore, before: dict) -> None:
    assert store.latest_version(MARIA) == 1
    assert [v.version for v in store.history(MARIA)] == [1]
    assert patient_file_data(store.get(MARIA)) == before


WRITES = {
    "save": lambda s: s.save(_renamed("Maria Two"), "edit", base=1),
    "import": lambda s: s.save(_renamed("Maria Two"), "import", base=None),
    "update": lambda s: s.update(
        MARIA,
        lambda f: f.model_copy(update={"patient": f.patient.model_copy(update={"name": "U"})}),
        "renamed",
    ),
    "restore": lambda s: s.restore(MARIA, 1, base=2),
}
FAULTS = {
    "disk full (OSError at write)": OSError(errno.ENOSPC, "No space left on device"),
    "disk full (SQLite)": sqlite3.OperationalError("database or disk is full"),
    "read-only (SQLite)": sqlite3.OperationalError("attempt to write a readonly database"),
    "I/O error": OSError(errno.EIO, "Input/output error"),
}
SAYS = {
    "disk full (OSError at write)": "disk is full",
    "disk full (SQLite)": "disk is full",
    "read-only (SQLite)": "read-only",
    "I/O error": "input/output error",
}


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("write", list(WRITES))
def test_a_fault_at_the_version_write_is_a_clear_error_and_keeps_the_old_version(
    store: RecordStore, write: str, fault: str
) -> None:
    before = patient_file_data(store.get(MARIA))
    if write == "restore":
        store.save(_renamed("Maria Two"), "edit", base=1)
        store.engine.dispose()
        before = patient_file_data(store.get(MARIA))
    failing = failing_at(store, "INSERT INTO RECORD_VERSIONS", FAULTS[fault])
    with failing, pytest.raises(StoreError) as refused:
        WRITES[write](store)
    message = str(refused.value).lower()
    assert SAYS[fault] in message
    assert "nothing was stored" in message
    if write == "restore":
        assert store.latest_version(MARIA) == 2
        assert patient_file_data(store.get(MARIA)) == before
        return
    _whole(store, before)
    assert store.save(_renamed("Maria Three"), "edit", base=1) == (MARIA, 2)  # writes again


@pytest.mark.parametrize("fault", ["disk full (OSError at write)", "read-only (SQLite)"])
def test_the_import_command_says_what_happened_without_a_traceback(
    tmp_path: Path, fault: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nextline.store as store_package

    opened = open_store()
    opened.save(read_patient_file(example_path(MARIA)), "import", base=None)
    before = patient_file_data(opened.get(MARIA))
    path = tmp_path / "maria.yaml"
    path.write_text(
        example_path(MARIA).read_text(encoding="utf-8").replace("Maria (example)", "Maria Two")
    )

    real_open = store_package.open_store

    def open_failing(settings=None):  # type: ignore[no-untyped-def]
        opened = real_open(settings)
        event.listen(
            opened.engine,
            "before_cursor_execute",
            lambda _c, _cur, sql, *_a: (
                _raise(FAULTS[fault])
                if sql.lstrip().upper().startswith("INSERT INTO RECORD_VERSIONS")
                else None
            ),
        )
        return opened

    monkeypatch.setattr(store_package, "open_store", open_failing)
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), result.exception
    assert SAYS[fault] in result.stderr.lower()
    monkeypatch.setattr(store_package, "open_store", real_open)
    _whole(open_store(), before)


def _raise(error: BaseException) -> None:
    raise error


def test_a_database_opened_read_only_refuses_a_save_clearly(store: RecordStore) -> None:
    """A real read-only database (SQLite opened with mode=ro, as a file on a read-only
    mount is): the refusal says read-only, not busy."""
    database = store.engine.url.database
    before = patient_file_data(store.get(MARIA))
    read_only = RecordStore(create_db_engine(f"sqlite:///file:{database}?mode=ro&uri=true"))
    with pytest.raises(StoreError) as refused:
        read_only.save(_renamed("Maria Two"), "edit", base=1)
    message = str(refused.value).lower()
    assert "read-only" in message
    assert "busy" not in message
    assert "nothing was stored" in message
    read_only.engine.dispose()
    _whole(store, before)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes a 0400 file regardless")
def test_a_database_file_made_read_only_refuses_a_save_clearly(store: RecordStore) -> None:
    database = Path(str(store.engine.url.database))
    store.engine.dispose()
    database.chmod(0o400)
    try:
        with pytest.raises(StoreError, match="read-only"):
            open_store().save(_renamed("Maria Two"), "edit", base=1)
    finally:
        database.chmod(0o600)


@pytest.mark.parametrize("between", ["UPDATE PEOPLE", "INSERT INTO RECORD_VERSIONS"])
@pytest.mark.parametrize("stop", [KeyboardInterrupt, SystemExit])
def test_a_write_stopped_between_its_statements_leaves_nothing_half_written(
    store: RecordStore, between: str, stop: type[BaseException]
) -> None:
    """Ctrl-C or an exit between the person's row (latest version) and the version row:
    the one transaction is rolled back whole."""
    before = patient_file_data(store.get(MARIA))
    with failing_at(store, between, stop()), pytest.raises(stop):
        store.save(_renamed("Maria Two"), "edit", base=1)
    _whole(store, before)
    assert store.save(_renamed("Maria Three"), "edit", base=1) == (MARIA, 2)


KILLED_WRITER = """
import os, signal, sys
from sqlalchemy import event
from nextline.examples import example_path
from nextline.record import read_patient_file
from nextline.store import open_store

store = open_store()
file = read_patient_file(example_path("hr-positive-esr1"))
file = file.model_copy(update={"patient": file.patient.model_copy(update={"name": "Killed"})})
statement = sys.argv[1]

def hook(_conn, _cursor, sql, *_args):
    if sql.lstrip().upper().startswith(statement):
        os.kill(os.getpid(), signal.SIGKILL)

event.listen(store.engine, "before_cursor_execute", hook)
store.save(file, "edit", base=1)
"""


@pytest.mark.parametrize("between", ["UPDATE PEOPLE", "INSERT INTO RECORD_VERSIONS"])
def test_a_process_killed_inside_a_write_leaves_the_old_version_and_no_stale_lock(
    store: RecordStore, between: str
) -> None:
    """kill -9 while the write lock is held and half the statements are sent: the next
    process reads the old version whole and writes at once (the lock died with the process;
    SQLite's WAL and shared-memory files left behind are not a stale lock)."""
    before = patient_file_data(store.get(MARIA))
    store.engine.dispose()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_WRITER, between], env=env, capture_output=True, timeout=120
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()
    again = open_store()
    _whole(again, before)
    started = time.process_time()
    assert again.save(_renamed("Maria Three"), "edit", base=1) == (MARIA, 2)
    assert time.process_time() - started < 25  # not the 30 s busy timeout of a held lock
    again.engine.dispose()


def test_a_view_secret_left_empty_by_a_killed_process_is_made_again(tmp_path: Path) -> None:
    """A process killed between creating the secret file and writing it leaves it empty:
    the next process makes a new one instead of keeping no views ever again."""
    from nextline.store.views import SECRET_BYTES, SECRET_FILE, view_secret

    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    left = folder / SECRET_FILE
    left.touch(mode=0o600)
    old = time.time() - 3600
    os.utime(left, (old, old))
    secret = view_secret(folder)
    assert secret is not None
    assert len(secret) == SECRET_BYTES
    assert view_secret(folder) == secret  # and kept from then on


def test_a_keep_views_lock_left_by_a_killed_process_is_taken(tmp_path: Path) -> None:
    from nextline.web.keep_views import LOCK_FILE, only_one

    (tmp_path / LOCK_FILE).write_text("")  # left behind: nobody holds it
    with only_one(tmp_path) as holder:
        assert holder is True


def test_settings_data_folder_on_a_full_disk_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The data folder cannot be made (full disk): a StoreError naming the folder."""
    import nextline.store.engine as engine_module

    def full(_folder: Path) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(engine_module, "private_folder", full)
    with pytest.raises(StoreError, match="No space left on device"):
        open_store(Settings(home=tmp_path / "elsewhere"))


def test_a_patient_file_that_cannot_be_read_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An I/O error while reading the file (a failing USB stick, a network share gone)."""
    path = tmp_path / "maria.yaml"
    path.write_bytes(example_path(MARIA).read_bytes())
    real = Path.read_bytes

    def failing(self: Path) -> bytes:
        if self == path:
            raise OSError(errno.EIO, "Input/output error", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", failing)
    result = runner.invoke(app, ["import", str(path)])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), result.exception
    assert "cannot read" in result.stderr
    assert "Input/output error" in result.stderr


def test_an_export_onto_a_full_disk_is_a_clear_error_and_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = open_store()
    opened.save(read_patient_file(example_path(MARIA)), "import", base=None)
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "maria-export.yaml"

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    result = runner.invoke(app, ["export", MARIA, "-o", str(out)])
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), result.exception
    assert "No space left on device" in result.stderr
    assert str(out) in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == []  # no half-written file
