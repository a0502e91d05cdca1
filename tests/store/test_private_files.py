"""Health data is private to its owner: the data folder is 0700 and the database, its WAL
and shared-memory files, and every file written with `-o` are 0600, whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nextline.cli import app
from nextline.examples import example_path
from nextline.record import read_patient_file
from nextline.settings import Settings
from nextline.store import open_store
from nextline.store.files import write_private

runner = CliRunner()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=[0o022, 0o002, 0o000])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    before = os.umask(request.param)
    yield request.param
    os.umask(before)


def test_the_data_folder_and_database_files_are_private(tmp_path: Path, umask: int) -> None:
    home = tmp_path / "deep" / "home"
    store = open_store(Settings(home=home))
    store.save(read_patient_file(example_path("hr-positive-esr1")), "import", base=None)
    with store.engine.connect():  # WAL and SHM exist while a connection is open
        files = sorted(p.name for p in home.iterdir())
        assert files == ["nextline.db", "nextline.db-shm", "nextline.db-wal"]
        assert {name: _mode(home / name) for name in files} == dict.fromkeys(files, 0o600)
    assert _mode(home) == 0o700


def test_an_existing_open_data_folder_and_database_are_tightened(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    os.chmod(home, 0o755)
    (home / "nextline.db").touch()
    os.chmod(home / "nextline.db", 0o644)
    open_store(Settings(home=home))
    assert (_mode(home), _mode(home / "nextline.db")) == (0o700, 0o600)


def test_export_and_report_files_are_private(tmp_path: Path, umask: int) -> None:
    person = str(example_path("triple-negative-brca"))
    for args in (
        ["export", person, "-o", str(tmp_path / "dana.yaml")],
        ["export", person, "--format", "json", "-o", str(tmp_path / "dana.json")],
        ["report", person, "--as-of", "2024-08-21", "-o", str(tmp_path / "dana.html")],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    # `home` is NEXTLINE_HOME (conftest), where the knowledge cache may go
    written = sorted(p.name for p in tmp_path.iterdir() if p.name != "home")
    assert written == ["dana.html", "dana.json", "dana.yaml"]
    assert {name: _mode(tmp_path / name) for name in written} == dict.fromkeys(written, 0o600)


def test_writing_over_an_open_file_leaves_it_private(tmp_path: Path) -> None:
    out = tmp_path / "old.yaml"
    out.write_text("old")
    os.chmod(out, 0o666)
    write_private(out, b"new")
    assert (out.read_bytes(), _mode(out), sorted(p.name for p in tmp_path.iterdir())) == (
        b"new",
        0o600,
        ["old.yaml"],
    )
