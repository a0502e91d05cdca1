"""`nextline trials changes`: the last match is kept per person (a file named by a hash of
the id), and a later run lists the trials new since then and those that no longer fit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from nextline.cli import trials_match_cmd
from nextline.trials.history import (
    Snapshot,
    compare,
    load_snapshot,
    save_snapshot,
)
from nextline.trials.models import Trial
from tests.trials.conftest import serve_catalog


def test_compare_lists_new_gone_and_moved() -> None:
    before = Snapshot(
        "2026-01-01",
        "2026-01-01",
        {"NCT1": "likely_eligible", "NCT2": "possibly_eligible"},
        {"NCT1": "one", "NCT2": "two"},
    )
    now = Snapshot(
        "2026-02-01",
        "2026-02-01",
        {"NCT2": "likely_eligible", "NCT3": "possibly_eligible"},
        {"NCT2": "two", "NCT3": "three"},
    )
    found = compare(before, now)
    assert found.since == "2026-01-01"
    assert found.new == [("NCT3", "three", "possibly_eligible")]
    assert found.gone == [("NCT1", "one")]
    assert found.moved == [("NCT2", "two", "possibly_eligible", "likely_eligible")]
    assert compare(None, now).since is None


def test_a_snapshot_is_kept_under_a_name_that_does_not_name_the_person(tmp_path: Path) -> None:
    snap = Snapshot("2026-01-01", None, {"NCT1": "likely_eligible"}, {"NCT1": "one"})
    save_snapshot(tmp_path, "maria-rivera", snap)
    files = list((tmp_path / "trial-matches").iterdir())
    assert len(files) == 1
    assert "maria" not in files[0].name
    assert load_snapshot(tmp_path, "maria-rivera") == snap
    assert load_snapshot(tmp_path, "someone-else") is None


def test_an_unreadable_snapshot_is_treated_as_none(tmp_path: Path) -> None:
    save_snapshot(tmp_path, "p", Snapshot("2026-01-01", None, {}, {}))
    next((tmp_path / "trial-matches").iterdir()).write_text("{not json", encoding="utf-8")
    assert load_snapshot(tmp_path, "p") is None


def _app() -> typer.Typer:
    app = typer.Typer()
    trials = typer.Typer()
    trials_match_cmd.register(trials)
    app.add_typer(trials, name="trials")
    return app


def _trial(nct: str, criteria: str) -> Trial:
    return Trial(
        nct_id=nct,
        title=f"Study {nct} in metastatic breast cancer",
        conditions=["Metastatic Breast Cancer"],
        status="RECRUITING",
        phases=["PHASE2"],
        eligibility_text=criteria,
    )


def test_changes_after_a_new_test_result(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from nextline.trials import catalog as catalog_module

    trials = [
        _trial("NCT00000021", "Inclusion Criteria:\n* HR-positive breast cancer\n"),
        _trial("NCT00000022", "Inclusion Criteria:\n* Triple-negative breast cancer\n"),
    ]
    catalog = catalog_module.Catalog(trials=trials, source="test", updated=None)
    serve_catalog(monkeypatch, catalog)
    person = tmp_path / "p.yaml"
    base = (
        "nextline: 1\npatient: {id: p-changes, birth_year: 1970, sex: female, "
        "menopausal_status: postmenopausal}\ndiagnosis: {metastatic_since: 2024-01-01}\n"
        "metastases: [{site: bone, since: 2024-01-01}]\n"
    )
    person.write_text(base, encoding="utf-8")
    runner = CliRunner()
    first = runner.invoke(_app(), ["trials", "changes", str(person), "--as-of", "2025-01-01"])
    assert first.exit_code == 0, first.output
    assert "No earlier match was kept" in first.output
    # a biopsy shows triple-negative disease: the HR+ study no longer fits
    person.write_text(
        base + "tumor_tests:\n  - {date: 2024-12-01, er: {result: negative}, "
        "pr: {result: negative}, her2: {ihc: '0'}}\n",
        encoding="utf-8",
    )
    second = runner.invoke(
        _app(), ["trials", "changes", str(person), "--as-of", "2025-01-02", "--json"]
    )
    assert second.exit_code == 0, second.output
    data = json.loads(second.output)
    assert data["since"] == "2025-01-01"
    assert [g["nct_id"] for g in data["no_longer_fit"]] == ["NCT00000021"]
    assert [m["nct_id"] for m in data["verdict_changed"]] == ["NCT00000022"]
