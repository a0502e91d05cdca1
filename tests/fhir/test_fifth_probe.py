"""Issue 13, fifth probe (s12): 28 inputs in shapes from the UK, Australia, Canada, EU IPS
documents, FHIR R5, blood count panels, reference ranges, imaging, genomics reports,
radiotherapy courses and HER2 written in words (`data/unseen5/cases.yaml`), each written with
what it must give before the importer was changed for it. Each goes through the path
`nextline import` takes: `read_fhir`, `import_fhir`, the patient-file validation."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from nextline.cli import app
from nextline.knowledge import Knowledge
from tests.fhir.test_fourth_probe import wrong_in

PROBE = Path(__file__).parent / "data" / "unseen5"
TABLE = yaml.safe_load((PROBE / "cases.yaml").read_text(encoding="utf-8"))
AS_OF = dt.date.fromisoformat(TABLE["as_of"])
CASES: list[dict[str, Any]] = TABLE["cases"]


def _param(case: dict[str, Any]) -> Any:
    """A case the importer still reads wrong carries `xfail: why` in the table; it must
    keep failing (strict) until the reason is dealt with."""
    marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if "xfail" in case else []
    return pytest.param(case, marks=marks, id=str(case["file"]))


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_fifth_probe_export(case: dict[str, Any], kb: Knowledge) -> None:
    assert wrong_in(case, kb, PROBE, AS_OF) == []


def test_the_probe_has_at_least_twenty_five_inputs() -> None:
    files = {case["file"] for case in CASES}
    assert len(files) >= 25
    assert all((PROBE / name).exists() for name in files)


def test_through_the_command_an_r5_bulk_export_is_stored_with_its_courses() -> None:
    """`nextline import` on the R5 NDJSON: both MedicationUsage courses are stored, and the
    report says the file was written in R5."""
    runner = CliRunner(env={"COLUMNS": "200"})
    name = "27_r5_ndjson_medication_usage.ndjson"
    args = ["import", str(PROBE / name), "--as-of", TABLE["as_of"]]
    args += ["--menopausal-status", "postmenopausal"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert "written in FHIR R5" in result.stdout + result.stderr
    shown = json.loads(runner.invoke(app, ["export", "r527", "--format", "json"]).stdout)
    assert [t["drugs"] for t in shown["therapies"]] == [["letrozole"], ["fulvestrant"]]
