"""`nextline questions`, `nextline brief` and `nextline report` follow the CLI conventions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nextline.cli import app
from nextline.examples import example_path

runner = CliRunner()
DANA = str(example_path("triple-negative-brca"))


def test_questions_text_lists_the_call_now_notice_first_with_why() -> None:
    result = runner.invoke(app, ["questions", DANA, "--as-of", "2024-08-21"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert lines[0] == "Call your care team now"
    assert lines[1].startswith("1. Please call your care team now about this: A temperature")
    words = " ".join(result.stdout.split())  # the terminal wraps long lines
    assert "Why: Do not wait for your next visit. Ask who to call at night and on weekends." in (
        words
    )
    assert "Can you refer me to a palliative care team (care for comfort and symptoms)?" in words


def test_questions_json_gives_ids_groups_and_why() -> None:
    result = runner.invoke(app, ["questions", DANA, "--as-of", "2024-08-21", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["patient"] == "triple-negative-brca"
    assert data["as_of"] == "2024-08-21"
    first = data["questions"][0]
    assert (first["group"], first["urgency"], first["template"]) == (
        "urgent",
        "emergency",
        "red_flag_call_now",
    )
    assert data["personal_questions"] == []


def test_brief_json_is_the_whole_briefing() -> None:
    result = runner.invoke(app, ["brief", DANA, "--as-of", "2024-08-21", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["status"]["overall"] == "no_current_treatment"
    assert [t["id"] for t in data["supportive_care"]["topics"]] == [
        "palliative_care",
        "treatment_break",
        "practical_matters",
    ]
    assert "sacituzumab_govitecan" in [r["option_id"] for r in data["goals"]["rows"]]


def test_brief_text_names_the_person_and_the_date() -> None:
    result = runner.invoke(app, ["brief", DANA, "--as-of", "2024-08-21"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "Dana (example), as of 2024-08-21"


def test_report_refuses_an_unknown_file_type(tmp_path: Path) -> None:
    out = tmp_path / "dana.docx"
    result = runner.invoke(app, ["report", DANA, "-o", str(out)])
    assert result.exit_code == 1
    assert "must end in .pdf or .html" in result.output
    # nothing written (the `home` folder is the test's NEXTLINE_HOME, where caches live)
    assert [p.name for p in tmp_path.iterdir() if p.name != "home"] == []


def test_report_html_is_written_and_its_path_printed(tmp_path: Path) -> None:
    out = tmp_path / "dana.html"
    result = runner.invoke(app, ["report", DANA, "-o", str(out), "--as-of", "2024-08-21"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out)
    html = out.read_text(encoding="utf-8")
    assert '<h1 class="person">Dana (example)</h1>' in html
    # trials to ask about are matched by default, from the bundled catalog: the first ones
    # `trials match` lists lead the report's table
    matched = runner.invoke(app, ["trials", "match", DANA, "--as-of", "2024-08-21", "--json"])
    assert matched.exit_code == 0, matched.output
    first = [m["nct_id"] for m in json.loads(matched.stdout)["matches"][:3]]
    assert len(first) == 3
    table = html[html.index("Clinical trials to ask about") :]
    assert [table.index(nct) for nct in first] == sorted(table.index(nct) for nct in first)
    assert "not run for this summary" not in html


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils missing")
def test_report_pdf_from_a_stored_id(tmp_path: Path) -> None:
    assert runner.invoke(app, ["import", DANA]).exit_code == 0
    out = tmp_path / "dana.pdf"
    result = runner.invoke(
        app, ["report", "triple-negative-brca", "-o", str(out), "--as-of", "2024-08-21"]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:5] == b"%PDF-"
