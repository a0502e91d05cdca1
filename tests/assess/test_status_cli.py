"""`nextline status FILE|ID [--as-of DATE] [--json]`: the contract, text, and errors."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from nextline.assess import status_schema
from nextline.cli import app
from nextline.examples import example_path
from nextline.schemas import SCHEMA_DIR, render
from nextline.schemas import status_schema as committed_status_schema

runner = CliRunner()
TNBC = str(example_path("triple-negative-brca"))
CONTRACT = {
    "patient",
    "as_of",
    "overall",
    "current_line",
    "recist",
    "markers",
    "blood_counts",
    "red_flags",
    "evidence",
    "warnings",
}


def test_status_json_keeps_the_contract_keys() -> None:
    result = runner.invoke(app, ["status", TNBC, "--as-of", "2024-08-20", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= CONTRACT
    assert (data["patient"], data["as_of"], data["overall"], data["current_line"]) == (
        "triple-negative-brca",
        "2024-08-20",
        "no_current_treatment",
        None,
    )
    assert [(f["kind"], f["date"], f["urgency"]) for f in data["red_flags"]] == [
        ("possible_febrile_neutropenia", "2024-08-20", "emergency")
    ]
    counts = data["blood_counts"]
    assert (counts["date"], counts["ready_for_chemo"], counts["below_threshold"]) == (
        "2024-08-12",
        None,
        ["ANC", "platelets"],
    )
    line_2 = data["recist"][1]
    assert (line_2["line"], line_2["baseline_date"], line_2["best_overall"]) == (
        2,
        "2024-01-03",
        "SD",
    )
    assert [
        (
            t["date"],
            t["sum_mm"],
            t["change_from_baseline_pct"],
            t["change_from_nadir_pct"],
            t["overall"],
            t["rule"],
        )
        for t in line_2["timepoints"]
    ] == [
        ("2024-04-15", 43.0, 2.4, 2.4, "SD", "recist_sd"),
        ("2024-08-14", 57.0, 35.7, 35.7, "PD", "recist_pd_target_sum"),
    ]


def test_status_json_schema_lists_the_contract_and_is_committed() -> None:
    schema = status_schema()
    assert set(schema["required"]) >= CONTRACT  # type: ignore[arg-type]
    committed = (SCHEMA_DIR / "status.schema.json").read_text(encoding="utf-8")
    assert committed == render(committed_status_schema())


def test_status_text_puts_the_red_flag_first_with_what_to_do() -> None:
    result = runner.invoke(app, ["status", TNBC, "--as-of", "2024-08-20"])
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0]
    assert first.startswith("GO TO EMERGENCY / CALL NOW (2024-08-20): fever or chills")
    assert "Call your care team's 24-hour number now." in " ".join(result.stdout.split())
    assert "No treatment running" in result.stdout


def test_status_of_a_stored_person_by_id() -> None:
    assert runner.invoke(app, ["import", TNBC]).exit_code == 0
    result = runner.invoke(
        app, ["status", "triple-negative-brca", "--as-of", "2025-06-01", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["red_flags"] == []


def test_status_bad_date_names_the_option() -> None:
    result = runner.invoke(app, ["status", TNBC, "--as-of", "20-08-2024"])
    assert result.exit_code == 2
    assert "'20-08-2024' is not a date (YYYY-MM-DD)" in result.output


def test_status_unknown_person_is_a_clear_error() -> None:
    result = runner.invoke(app, ["status", "nobody-here"])
    assert result.exit_code == 1
    assert "nobody-here" in result.output
