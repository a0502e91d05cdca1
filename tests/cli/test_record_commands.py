"""The record commands follow the CLI conventions: text, --json, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from nextline.cli import app
from nextline.examples import EXAMPLE_IDS, example_path
from nextline.schemas import SCHEMA_DIR, all_schemas, render

runner = CliRunner()


def _import_all() -> None:
    for example_id in EXAMPLE_IDS:
        assert runner.invoke(app, ["import", str(example_path(example_id))]).exit_code == 0


def test_list_json_gives_id_and_name() -> None:
    _import_all()
    result = runner.invoke(app, ["list", "--json"])
    people = json.loads(result.stdout)
    assert [(p["id"], p["name"], p["versions"]) for p in people] == [
        ("her2-positive-brain", "Aisha (example)", 1),
        ("hr-positive-esr1", "Maria (example)", 1),
        ("triple-negative-brca", "Dana (example)", 1),
    ]


def test_list_when_empty_says_how_to_add_someone() -> None:
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0
    assert "nextline import FILE" in result.stdout


def test_show_prints_the_timeline_with_lines_and_why_they_stopped() -> None:
    result = runner.invoke(
        app, ["show", str(example_path("hr-positive-esr1")), "--as-of", "2024-06-01"]
    )
    assert result.exit_code == 0
    out = result.stdout
    assert "2021-06-15  Line 1: letrozole + palbociclib (until 2024-03-28" in out
    assert "progression" in out
    assert "2024-04-10  Guardant360 CDx (blood): ESR1 Y537S" in out
    assert out.index("2014-05-02") < out.index("2021-06-15") < out.index("2024-03-25")


def test_show_json_has_lines_and_events_up_to_the_as_of_date() -> None:
    result = runner.invoke(
        app, ["show", str(example_path("triple-negative-brca")), "--json", "--as-of", "2024-02-01"]
    )
    data = json.loads(result.stdout)
    assert data["as_of"] == "2024-02-01"
    assert [(line["number"], line["drugs"], line["stop_reason"]) for line in data["lines"]] == [
        (1, ["pembrolizumab", "paclitaxel"], "progression"),
        (2, ["olaparib"], None),
    ]
    assert max(e["date"] for e in data["events"]) <= "2024-02-01"


def test_every_command_accepts_a_stored_id_or_a_file() -> None:
    _import_all()
    by_id = runner.invoke(app, ["show", "her2-positive-brain", "--json", "--as-of", "2025-06-01"])
    by_file = runner.invoke(
        app, ["show", str(example_path("her2-positive-brain")), "--json", "--as-of", "2025-06-01"]
    )
    assert by_id.exit_code == by_file.exit_code == 0
    assert by_id.stdout == by_file.stdout


def test_unknown_id_is_one_clear_message_and_exit_1() -> None:
    result = runner.invoke(app, ["show", "nobody"])
    assert result.exit_code == 1
    assert result.stderr == "nextline: no person with id 'nobody'\n"


def test_bad_as_of_date_is_a_usage_error() -> None:
    result = runner.invoke(app, ["show", "x.yaml", "--as-of", "June"])
    assert result.exit_code == 2
    assert "'June' is not a date (YYYY-MM-DD)" in result.output


def test_check_prints_ok_for_a_valid_file() -> None:
    result = runner.invoke(app, ["check", str(example_path("hr-positive-esr1"))])
    assert result.exit_code == 0
    assert result.stdout.endswith("hr-positive-esr1.yaml: ok, 0 warning(s)\n")


def test_check_reports_warnings_without_failing(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(example_path("hr-positive-esr1").read_text().replace("Ibrance", "Ibranse"))
    result = runner.invoke(app, ["check", str(path)])
    assert result.exit_code == 0
    assert "warning: therapies[4].drugs[1]: unknown drug 'Ibranse'" in result.stdout


def test_export_json_format() -> None:
    _import_all()
    result = runner.invoke(app, ["export", "hr-positive-esr1", "--format", "json"])
    data = json.loads(result.stdout)
    assert data["patient"]["id"] == "hr-positive-esr1"
    assert data["therapies"][4]["drugs"] == ["letrozole", "Ibrance"]


def test_committed_json_schemas_match_the_models() -> None:
    for name, schema in all_schemas().items():
        committed = (SCHEMA_DIR / name).read_text(encoding="utf-8")
        assert committed == render(schema), f"{name} is stale: run `make schema`"


def test_help_lists_the_record_commands() -> None:
    result = runner.invoke(app, ["--help"])
    for command in ("check", "import", "list", "show", "export", "history"):
        assert command in result.stdout
