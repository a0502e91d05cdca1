"""Text from a record is printed as written, never read as Rich markup: a test or a name like
`[/bold]` neither crashes a command nor changes its styling."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from nextline.cli import app
from nextline.examples import example_path

runner = CliRunner()

MARKUP = ["[/bold]", "[bold red]Eve[/]", "[/]", "[link=http://x]y[/link]", "[[x]]", "a[/b"]


@pytest.fixture(params=MARKUP)
def markup_file(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str]:
    data = yaml.safe_load(example_path("hr-positive-esr1").read_text(encoding="utf-8"))
    text = request.param
    data["patient"]["name"] = f"Maria {text}"
    data["labs"].append({"date": "2024-01-01", "test": f"odd {text} test", "value": 3})
    path = tmp_path / "markup.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path, text


def test_import_list_show_and_brief_print_markup_as_text(markup_file) -> None:
    path, text = markup_file
    imported = runner.invoke(app, ["import", str(path)])
    assert imported.exit_code == 0, imported.output
    assert f"unknown test 'odd {text} test'" in " ".join(imported.output.split())
    listed = runner.invoke(app, ["list"], env={"COLUMNS": "200"})
    assert listed.exit_code == 0, listed.output
    assert f"Maria {text}" in listed.output
    shown = runner.invoke(app, ["show", "hr-positive-esr1"])
    assert shown.exit_code == 0, shown.output
    assert shown.output.startswith(f"Maria {text} (hr-positive-esr1)")
    brief = runner.invoke(app, ["brief", str(path), "--as-of", "2025-06-01"])
    assert brief.exit_code == 0, brief.output
    assert brief.output.startswith(f"Maria {text}, as of 2025-06-01")
