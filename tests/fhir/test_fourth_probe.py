"""Issue 13, fourth probe on files from real systems (s11): 28 inputs in shapes no earlier
probe tried, written with what each must give before the importer was changed for them, and
6 variants written after the fixes to check each rule beyond its first input
(`data/unseen4/cases.yaml`). Each goes through the path `nextline import` takes:
`read_fhir`, `import_fhir`, the patient-file validation."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from nextline.cli import app
from nextline.errors import RecordInvalid
from nextline.fhir import ImportOptions, import_fhir, read_fhir
from nextline.knowledge import Knowledge
from nextline.record import validate_record
from tests.fhir.test_third_probe import symptom_lines
from tests.fhir.test_unseen_exports import (
    _get,
    _notes,
    lab_lines,
    metastasis_lines,
    therapy_lines,
    tumor_lines,
)

PROBE = Path(__file__).parent / "data" / "unseen4"
TABLE = yaml.safe_load((PROBE / "cases.yaml").read_text(encoding="utf-8"))
AS_OF = dt.date.fromisoformat(TABLE["as_of"])
CASES: list[dict[str, Any]] = TABLE["cases"]
SECTIONS = {
    "tumor": tumor_lines,
    "therapies": therapy_lines,
    "metastases": metastasis_lines,
    "labs": lab_lines,
    "symptoms": symptom_lines,
}


def _options(case: dict[str, Any], as_of: dt.date = AS_OF) -> ImportOptions:
    raw = dict(case.get("options") or {})
    return ImportOptions(
        menopausal_status=raw.get("menopausal_status"), patient=raw.get("patient"), today=as_of
    )


def wrong_in(
    case: dict[str, Any], kb: Knowledge, probe: Path = PROBE, as_of: dt.date = AS_OF
) -> list[str]:
    """What the import of one input gets wrong against its row of the table (empty: right).
    Used by the tests of the fourth and fifth probes, and to count the wrong inputs before
    and after a change."""
    options = _options(case, as_of)
    try:
        source = read_fhir(probe / case["file"])
        if "error" in case:
            try:
                import_fhir(source, kb, options)
            except RecordInvalid as exc:
                return [] if case["error"] in str(exc) else [f"error says {exc}"]
            return [f"no error saying {case['error']!r}"]
        result = import_fhir(source, kb, options)
    except Exception as exc:
        return [f"{type(exc).__name__}: {exc}"]
    data, wrong = result.data, []
    for path, value in (case.get("facts") or {}).items():
        try:
            got = _get(data, path)
        except (KeyError, IndexError):
            got = "(missing)"
        if got != value:
            wrong.append(f"{path} is {got!r}, not {value!r}")
    for path in case.get("absent") or []:
        with contextlib.suppress(KeyError, IndexError):
            wrong.append(f"{path} is {_get(data, path)!r}, should be absent")
    for key, lines in SECTIONS.items():
        if key in case and sorted(lines(data)) != sorted(case[key]):
            wrong.append(f"{key}: {sorted(lines(data))} not {sorted(case[key])}")
    notes = _notes(result)
    for line in case.get("reported") or []:
        section, resource, words = (part.strip() for part in line.split("|"))
        if not [n for n in notes[section] if resource in n.resource and words in n.reason]:
            wrong.append(f"{section}: nothing for {resource} saying {words!r}")
    for section, listed in notes.items():
        wrong += [
            f"{section}: a note without resource or reason: {n}"
            for n in listed
            if not (n.resource.strip() and n.reason.strip())
        ]
    if case.get("valid") is True:
        try:
            validate_record(data, kb, as_of, case["file"])
        except RecordInvalid as exc:
            wrong.append(f"not a valid patient file: {exc}")
    return wrong


@pytest.mark.parametrize("case", CASES, ids=lambda c: str(c["file"]))
def test_fourth_probe_export(case: dict[str, Any], kb: Knowledge) -> None:
    assert wrong_in(case, kb) == []


def test_the_probe_has_at_least_twenty_five_inputs() -> None:
    files = {case["file"] for case in CASES}
    assert len(files) >= 25
    assert all((PROBE / name).exists() for name in files)


def test_through_the_command_a_transaction_response_stores_nothing() -> None:
    runner = CliRunner(env={"COLUMNS": "200"})
    args = ["import", str(PROBE / "23_transaction_response.json"), "--as-of", TABLE["as_of"]]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "holds no resources" in result.stderr and "transaction-response" in result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads(runner.invoke(app, ["list", "--json"]).stdout) == []


def test_through_the_command_the_recorded_menopausal_status_is_stored() -> None:
    """No --menopausal-status: the ICHOM Observation gives it, and it is not asked again."""
    runner = CliRunner(env={"COLUMNS": "200"})
    args = ["import", str(PROBE / "20_ichom_menopause_before.json"), "--as-of", TABLE["as_of"]]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert "menopausal status is not in the bundle" not in result.stderr
    shown = runner.invoke(app, ["export", "i20", "--format", "json"])
    assert json.loads(shown.stdout)["patient"]["menopausal_status"] == "premenopausal"
