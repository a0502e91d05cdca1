"""The quick reading path (stdlib sqlite3) gives exactly what the store gives, and steps
aside whenever anything is unusual, so the ordinary path migrates and reports errors."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from nextline.examples import EXAMPLE_IDS, example_path
from nextline.record import patient_file_data, read_patient_file, validate_patient_data
from nextline.settings import Settings
from nextline.store import open_store
from nextline.store.quick_read import embedded_database, latest_content


def _stored() -> None:
    store = open_store()
    for example_id in EXAMPLE_IDS:
        store.save(read_patient_file(example_path(example_id)), "import", base=None)
    store.engine.dispose()


def test_quick_read_gives_the_stores_latest_version_for_every_person() -> None:
    _stored()
    store = open_store()
    store.save(store.get("hr-positive-esr1"), "same content", base=1)  # adds no version
    for example_id in EXAMPLE_IDS:
        found = latest_content(example_id)
        assert found is not None
        content, version = found
        expected, expected_version = store.get_latest(example_id)
        assert version == expected_version
        quick = validate_patient_data(json.loads(content), example_id)
        assert patient_file_data(quick) == patient_file_data(expected)
    store.engine.dispose()


def test_quick_read_follows_a_new_version() -> None:
    _stored()
    store = open_store()
    file = store.get("triple-negative-brca")
    patient = file.patient.model_copy(update={"name": "Dana (edited)"})
    store.save(file.model_copy(update={"patient": patient}), "rename", base=1)
    found = latest_content("triple-negative-brca")
    assert found is not None
    assert found[1] == 2
    assert json.loads(found[0])["patient"]["name"] == "Dana (edited)"
    store.engine.dispose()


def test_embedded_database_is_where_the_settings_put_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings_path = Settings().effective_database_url.removeprefix("sqlite:///")
    assert embedded_database() == Path(settings_path)
    monkeypatch.delenv("NEXTLINE_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert embedded_database() == Settings().data_dir / "nextline.db"
    assert embedded_database() == tmp_path / "xdg" / "nextline" / "nextline.db"
    monkeypatch.setenv("nextline_home", str(tmp_path / "lower"))  # read case-insensitively
    assert Settings().data_dir == tmp_path / "lower"
    assert embedded_database() == tmp_path / "lower" / "nextline.db"


def test_steps_aside_for_another_database(monkeypatch: pytest.MonkeyPatch) -> None:
    _stored()
    monkeypatch.setenv("NEXTLINE_DATABASE_URL", "postgresql://nobody@/none")
    assert embedded_database() is None
    assert latest_content("hr-positive-esr1") is None


def test_steps_aside_when_there_is_no_database_yet(tmp_path: Path) -> None:
    assert latest_content("hr-positive-esr1") is None
    assert not (tmp_path / "home").exists()  # and creates nothing


def test_steps_aside_for_a_person_not_stored() -> None:
    _stored()
    assert latest_content("nobody-here") is None


def test_steps_aside_when_the_schema_is_not_at_head() -> None:
    _stored()
    database = embedded_database()
    assert database is not None
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0001_initial'")
    assert latest_content("hr-positive-esr1") is None
    with sqlite3.connect(database) as connection:
        connection.execute("DROP TABLE alembic_version")
    assert latest_content("hr-positive-esr1") is None


def test_steps_aside_for_a_file_that_is_not_a_database() -> None:
    database = embedded_database()
    assert database is not None
    database.parent.mkdir(parents=True)
    database.write_bytes(b"not a database" * 100)
    assert latest_content("hr-positive-esr1") is None


def test_reading_a_stored_person_from_the_cli_path_imports_no_sqlalchemy() -> None:
    _stored()
    code = (
        "import sys, datetime as dt\n"
        "from nextline.cli._common import load\n"
        "r = load('her2-positive-brain', dt.date(2025, 3, 1))\n"
        "print(r.id, 'sqlalchemy' in sys.modules, 'pydantic_settings' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["her2-positive-brain", "False", "False"]
