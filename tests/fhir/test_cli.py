"""`nextline import BUNDLE` and `nextline export ID --format fhir`."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from nextline.cli import app
from nextline.fhir.reading import fhir_from_data
from tests.fhir.helpers import JENNY, MBC1

runner = CliRunner(env={"COLUMNS": "200"})
PERSON = "mcodetrialmatchingpatientexample01"


def test_import_without_menopausal_status_stores_it_as_unknown_and_asks() -> None:
    result = runner.invoke(app, ["import", str(MBC1)])
    assert result.exit_code == 0, result.stderr
    assert "menopausal status is not in the bundle and is never guessed" in result.stderr
    assert "kept as unknown" in result.stderr
    shown = runner.invoke(app, ["export", PERSON, "--format", "json"]).stdout
    assert json.loads(shown)["patient"]["menopausal_status"] == "unknown"


def test_import_with_supplied_facts_stores_the_person() -> None:
    args = [
        "import",
        str(MBC1),
        "--menopausal-status",
        "postmenopausal",
        "--metastatic-since",
        "2019-04-01",
        "--undated-tests-date",
        "2019-03-15",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{PERSON}\n"
    assert "18 resources read" in result.stderr
    shown = json.loads(
        runner.invoke(app, ["show", PERSON, "--json", "--as-of", "2020-01-01"]).stdout
    )
    assert [line["drugs"] for line in shown["lines"]] == [
        ["leuprolide", "fulvestrant", "abemaciclib", "ribociclib"]
    ]
    again = runner.invoke(app, args)
    assert again.exit_code == 0
    history = json.loads(runner.invoke(app, ["history", PERSON, "--json"]).stdout)
    assert len(history) == 1  # the same bundle again adds nothing
    assert history[0]["note"].startswith("import from TrialMatching_Patient01.json (FHIR Bundle")


def test_import_writes_the_report_with_provenance(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    args = ["import", str(JENNY), "--menopausal-status", "postmenopausal", "--report", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    report = json.loads(out.read_text())
    assert report["bundle_id"] == "mcode-patient-bundle-jenny-m"
    assert report["resources_read"] == 43
    assert {
        "path": "tumor_tests[0].er",
        "resource": "Observation/tumor-marker-test-er-jenny-m",
        "what": "ER positive",
    } in report["mapped"]


def test_import_into_an_existing_person_shows_conflicts(tmp_path: Path) -> None:
    assert (
        runner.invoke(
            app, ["import", str(JENNY), "--menopausal-status", "postmenopausal"]
        ).exit_code
        == 0
    )
    data = json.loads(JENNY.read_text())
    patient = next(
        e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == "Patient"
    )
    patient["birthDate"] = "1965-02-02"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(data))
    result = runner.invoke(app, ["import", str(changed)])
    assert result.exit_code == 0, result.stderr
    assert "patient.birth_date: stored '1965-01-01', bundle says '1965-02-02'" in result.stderr
    exported = json.loads(
        runner.invoke(app, ["export", "cancer-patient-jenny-m", "--format", "json"]).stdout
    )
    assert exported["patient"]["birth_date"] == "1965-01-01"


def test_export_format_fhir_writes_a_bundle_that_imports_back(tmp_path: Path) -> None:
    runner.invoke(app, ["import", str(JENNY), "--menopausal-status", "postmenopausal"])
    out = tmp_path / "jenny.fhir.json"
    result = runner.invoke(
        app, ["export", "cancer-patient-jenny-m", "--format", "fhir", "-o", str(out)]
    )
    assert result.exit_code == 0
    bundle = json.loads(out.read_text())
    assert bundle["resourceType"] == "Bundle"
    assert fhir_from_data(bundle).bundle_id == "nextline-cancer-patient-jenny-m"
    again = runner.invoke(app, ["import", str(out)])
    assert again.exit_code == 0
    assert again.stdout == "cancer-patient-jenny-m\n"
    assert "(version" not in again.stderr  # nothing new: the same record came back


def test_export_rejects_an_unknown_format() -> None:
    result = runner.invoke(app, ["export", "x", "--format", "xml"])
    assert result.exit_code == 2
    assert "use yaml, json or fhir" in result.stderr


def test_importing_again_with_the_status_fills_in_unknown() -> None:
    assert runner.invoke(app, ["import", str(MBC1)]).exit_code == 0
    again = runner.invoke(app, ["import", str(MBC1), "--menopausal-status", "premenopausal"])
    assert again.exit_code == 0, again.stderr
    assert "Conflicts" not in again.stderr
    shown = json.loads(runner.invoke(app, ["export", PERSON, "--format", "json"]).stdout)
    assert shown["patient"]["menopausal_status"] == "premenopausal"
