"""`nextline kb check` and `nextline kb drugs`."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from nextline.cli import app

runner = CliRunner(env={"COLUMNS": "200"})
FIXTURES = Path(__file__).parents[1] / "knowledge"


def test_kb_check_passes_on_the_built_in_knowledge() -> None:
    result = runner.invoke(app, ["kb", "check", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["ok"] is True
    # + vepdegestrant, larotrectinib, selpercatinib (issue 12); MMAE, disitamab vedotin (issue 18)
    assert data["counts"]["drugs"] == 66
    assert data["counts"]["regimens"] == 54  # + 19 regimens (issue 12)


def test_kb_check_names_the_defect_and_exits_1() -> None:
    result = runner.invoke(app, ["kb", "check", str(FIXTURES / "broken" / "unknown_group")])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        "error: regimens.letrozole.first_line: unknown group 'hormones'"
    )
    assert result.stdout.splitlines()[-1].endswith("unknown_group: 1 problem(s)")


def test_kb_drugs_json_lists_every_drug_with_its_names() -> None:
    result = runner.invoke(app, ["kb", "drugs", "--json"])
    assert result.exit_code == 0
    drugs = {d["id"]: d for d in json.loads(result.stdout)["drugs"]}
    # + vepdegestrant, larotrectinib, selpercatinib (issue 12); MMAE, disitamab vedotin (issue 18)
    assert len(drugs) == 66
    assert drugs["pertuzumab_trastuzumab_hyaluronidase"]["contains"] == [
        "pertuzumab",
        "trastuzumab",
    ]
    assert drugs["trastuzumab"]["biosimilars"] == [
        "Kanjinti",
        "Trazimera",
        "Ogivri",
        "Ontruzant",
        "Herzuma",
        "Hercessi",
    ]


def test_kb_drugs_text_is_a_table() -> None:
    result = runner.invoke(app, ["kb", "drugs"])
    assert result.exit_code == 0
    assert "elacestrant" in result.stdout
    assert "Drugs (knowledge checked 2026-12-01)" in result.stdout
