"""`nextline options`: text for people, JSON (matching schema/options.schema.json) for machines."""

from __future__ import annotations

import json

import jsonschema
from typer.testing import CliRunner

from nextline.cli import app
from nextline.examples import example_path
from nextline.schemas import SCHEMA_DIR

runner = CliRunner(env={"COLUMNS": "200"})
ESR1 = str(example_path("hr-positive-esr1"))


def test_options_json_follows_the_contract_and_its_schema() -> None:
    result = runner.invoke(app, ["options", ESR1, "--as-of", "2025-10-15", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    schema = json.loads((SCHEMA_DIR / "options.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    assert data["patient"] == "hr-positive-esr1"
    assert data["as_of"] == "2025-10-15"
    assert data["kb_version"] == "2026-12-01"
    by_id = {o["id"]: o for o in data["options"]}
    assert by_id["elacestrant"]["verdict"] == "fits"
    assert by_id["trastuzumab_deruxtecan"]["drugs"] == ["trastuzumab deruxtecan"]
    # a blood test alone missed no PIK3CA/AKT1/PTEN change for sure: a tissue test may settle it
    assert by_id["capivasertib_fulvestrant"]["verdict"] == "may_fit"
    assert by_id["capivasertib_fulvestrant"]["needs"] == [
        "a test of tumor tissue (a biopsy) for PIK3CA/AKT1/PTEN"
    ]
    assert by_id["pembrolizumab_chemotherapy"]["drug_choices"] == [
        ["paclitaxel"],
        ["protein-bound paclitaxel"],
        ["gemcitabine", "carboplatin"],
    ]
    assert by_id["clinical_trial"]["kind"] == "trial"
    assert by_id["elacestrant"]["sources"][0]["id"] == "fda_label_elacestrant"


def test_options_text_shows_groups_verdicts_and_why() -> None:
    result = runner.invoke(app, ["options", ESR1, "--as-of", "2025-10-15"])
    assert result.exit_code == 0
    out = result.stdout
    assert "They are not advice and not a ranking." in out
    assert "Fits  elacestrant" in out
    assert "    because: ESR1 Y537S found (tumor_tests[2])" in out
    assert "Does not fit" not in out  # hidden unless --all
    assert "option(s) do not fit; `--all` shows each with its reason." in out


def test_options_all_explains_what_does_not_fit() -> None:
    result = runner.invoke(app, ["options", ESR1, "--as-of", "2025-10-15", "--all"])
    assert "Does not fit  letrozole (or another aromatase inhibitor) + palbociclib" in result.stdout
    assert "    because: the cancer grew on palbociclib (therapies[4])" in result.stdout
    assert (
        "    partner choices: paclitaxel or protein-bound paclitaxel or gemcitabine + carboplatin"
        in (result.stdout)
    )


def test_options_accepts_a_stored_id() -> None:
    assert runner.invoke(app, ["import", ESR1]).exit_code == 0
    by_id = runner.invoke(app, ["options", "hr-positive-esr1", "--as-of", "2025-10-15", "--json"])
    by_file = runner.invoke(app, ["options", ESR1, "--as-of", "2025-10-15", "--json"])
    assert by_id.exit_code == 0
    assert json.loads(by_id.stdout) == json.loads(by_file.stdout)


def test_options_for_an_unknown_id_is_one_clear_message() -> None:
    result = runner.invoke(app, ["options", "nobody"])
    assert result.exit_code == 1
    assert "no person with id 'nobody'" in result.stderr


def test_options_shows_tests_to_ask_about() -> None:
    result = runner.invoke(
        app,
        ["options", ESR1, "--as-of", "2024-04-01"],
    )
    assert result.exit_code == 0
    assert "Tests to ask about" in result.stdout
    assert "ESR1 test on a blood sample taken since the last progression" in result.stdout
