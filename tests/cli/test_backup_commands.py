"""`nextline backup` and `nextline restore` from the command line: counts, JSON, and the
refusal to overwrite a store that holds people (exit 1, one clear line, nothing lost)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nextline.cli import app
from nextline.examples import example_path

runner = CliRunner()


def test_backup_then_restore_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEXTLINE_HOME", str(tmp_path / "first"))
    for example in ("hr-positive-esr1", "triple-negative-brca"):
        assert runner.invoke(app, ["import", str(example_path(example))]).exit_code == 0
    out = tmp_path / "backup.db"
    done = runner.invoke(app, ["backup", str(out)])
    assert done.exit_code == 0, done.output
    assert done.output.startswith("Backed up 2 people (2 record versions) to ")
    monkeypatch.setenv("NEXTLINE_HOME", str(tmp_path / "second"))
    restored = runner.invoke(app, ["restore", str(out), "--json"])
    assert restored.exit_code == 0, restored.output
    assert json.loads(restored.output)["people"] == 2
    listed = runner.invoke(app, ["list", "--json"])
    assert {p["id"] for p in json.loads(listed.output)} == {
        "hr-positive-esr1",
        "triple-negative-brca",
    }
    again = runner.invoke(app, ["restore", str(out)])
    assert again.exit_code == 1
    assert "already holds 2 people" in again.output
    assert "--replace" in again.output
