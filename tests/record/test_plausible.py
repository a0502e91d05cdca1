"""Lab values outside what a lab can report, in an imported file or FHIR data: kept as written
(a real lab may report them) and reported as a warning that names the path, the value and the
unit that would make it plausible (`record/plausible.py`, called by `build_record`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from nextline.cli import app
from nextline.knowledge import Knowledge
from nextline.record import build_record
from tests.fhir.helpers import PATIENT, SUBJECT, bundle, import_data
from tests.record.builders import make_file, make_record


def _lab(test: str, value: float, unit: str | None, day: str = "2025-05-01") -> dict[str, Any]:
    entry: dict[str, Any] = {"date": day, "test": test, "value": value}
    if unit is not None:
        entry["unit"] = unit
    return entry


def _plausibility(record: Any) -> dict[str, str]:
    return {
        w.path: w.reason
        for w in record.warnings
        if w.severity == "warning" and "outside what a lab reports" in w.reason
    }


def test_an_implausible_value_is_kept_and_warned_about_with_the_unit_that_fits(
    kb: Knowledge,
) -> None:
    record = make_record(
        kb,
        labs=[
            _lab("calcium", 9.6, "mmol/L"),  # mg/dL typed as mmol/L
            _lab("WBC", 6300, "10^9/L"),  # a count per microlitre
            _lab("bilirubin", 250, "mg/dL"),  # µmol/L typed as mg/dL
            _lab("LVEF", 155, "%"),  # nothing fits: asked, no guess
            _lab("ejection fraction", 140, None),  # a percentage without its unit
        ],
    )
    assert _plausibility(record) == {
        "labs[0].value": "9.6 mmol/L is outside what a lab reports for calcium (1 to 16 mg/dL); "
        "9.6 mg/dL would fit: kept as written, check the unit on the report",
        "labs[1].value": "6300 ×10^9/L is outside what a lab reports for WBC (0.03 to 440 "
        "×10^9/L); 6300 /µL = 6.3 ×10^9/L would fit: kept as written, check the unit on the "
        "report",
        "labs[2].value": "250 mg/dL is outside what a lab reports for bilirubin (0 to 26.3 "
        "mg/dL); 250 µmol/L = 14.6 mg/dL would fit: kept as written, check the unit on the "
        "report",
        "labs[3].value": "155 % is outside what a lab reports for LVEF (0 to 100 %): kept as "
        "written, check the unit on the report",
        "labs[4].value": "140 % is outside what a lab reports for LVEF (0 to 100 %): kept as "
        "written, check the unit on the report",
    }
    # nothing is lost or changed: the values stay as the lab (or the person) wrote them
    assert [(v.value, v.unit) for v in record.labs] == [
        (9.6, "mmol/L"),
        (6300, "10^9/L"),
        (250, "mg/dL"),
        (155, "%"),
        (140, None),
    ]
    assert all(w.severity == "warning" for w in record.warnings)


def test_plausible_unranged_and_unknown_values_give_no_plausibility_warning(
    kb: Knowledge,
) -> None:
    record = make_record(
        kb,
        labs=[
            _lab("calcium", 2.45, "mmol/L"),
            _lab("adjusted calcium", 10.2, "mg/dL"),
            _lab("WBC", 0.4, "10^9/L"),  # very low, but reportable
            _lab("total bilirubin", 17, "umol/L"),
            _lab("CA 15-3", 4200, "U/mL"),  # no sourced range: not checked
            _lab("ALT", 3.5, "xULN"),  # a multiple of normal
            _lab("LVEF", 35, "%"),
            _lab("ferritin", 99999, "ng/mL"),  # unknown test: its own warning only
        ],
    )
    assert _plausibility(record) == {}
    assert [w.path for w in record.warnings] == ["labs[7].test"]


def test_fhir_observations_outside_the_range_are_imported_with_the_warning(
    kb: Knowledge,
) -> None:
    calcium = {
        "resourceType": "Observation",
        "id": "ca",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "17861-6"}]},
        "subject": SUBJECT,
        "effectiveDateTime": "2023-02-01T09:30:00Z",
        "valueQuantity": {"value": 10.4, "unit": "mmol/L", "code": "mmol/L"},
    }
    result = import_data(bundle(PATIENT, calcium), kb)
    assert result.file is not None
    record = build_record(result.file, kb, dt.date(2023, 3, 1))
    assert _plausibility(record) == {
        "labs[0].value": "10.4 mmol/L is outside what a lab reports for calcium (1 to 16 "
        "mg/dL); 10.4 mg/dL would fit: kept as written, check the unit on the report"
    }
    assert record.labs[0].value == 10.4


def test_nextline_check_prints_the_warning_and_still_passes(tmp_path: Path) -> None:
    path = tmp_path / "labs.yaml"
    data = make_file(labs=[_lab("WBC", 5200, "10^9/L"), _lab("calcium", 9.4, "mg/dL")])
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 0
    assert (
        "warning: labs[0].value: 5200 ×10^9/L is outside what a lab reports for WBC (0.03 to "
        "440 ×10^9/L); 5200 /µL = 5.2 ×10^9/L would fit" in result.stdout
    )
    assert result.stdout.endswith("labs.yaml: ok, 1 warning(s)\n")
