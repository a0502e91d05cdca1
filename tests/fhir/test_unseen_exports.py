"""FHIR inputs the importer had never seen (issue 13 re-checked): hand-written the way EHRs,
labs, registries and bulk exports write them, one person each, with the facts each must give
and what must be reported and kept out (`data/unseen/cases.yaml`). Each goes through the path
`nextline import` takes: `read_fhir`, `import_fhir`, then the patient-file validation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from nextline.cli import app
from nextline.errors import RecordInvalid
from nextline.fhir import ImportOptions, ImportResult, import_fhir, read_fhir
from nextline.knowledge import Knowledge
from nextline.record import validate_record

UNSEEN = Path(__file__).parent / "data" / "unseen"
TABLE = yaml.safe_load((UNSEEN / "cases.yaml").read_text(encoding="utf-8"))
AS_OF = dt.date.fromisoformat(TABLE["as_of"])
CASES: list[dict[str, Any]] = TABLE["cases"]


def _id(case: dict[str, Any]) -> str:
    patient = (case.get("options") or {}).get("patient")
    return str(case["file"]) + (f"[{patient}]" if patient else "")


def _options(case: dict[str, Any]) -> ImportOptions:
    raw = dict(case.get("options") or {})
    return ImportOptions(
        menopausal_status=raw.get("menopausal_status"),
        patient=raw.get("patient"),
        today=AS_OF,
    )


def _get(data: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(data, list):
            data = data[int(part)]
        elif isinstance(data, dict) and part in data:
            data = data[part]
        else:
            raise KeyError(path)
    return data


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def _receptor(value: dict[str, Any]) -> str:
    text = str(value.get("result") or "")
    if value.get("percent") is not None:
        text += "/" + _number(value["percent"])
    return text


def tumor_lines(data: dict[str, Any]) -> list[str]:
    lines = []
    for test in data.get("tumor_tests", []):
        parts = [str(test["date"])]
        for key in ("er", "her2", "pr"):
            if key not in test:
                continue
            value = test[key]
            if key == "her2":
                shown = ",".join(f"{k}:{v}" for k, v in sorted(value.items()))
            else:
                shown = _receptor(value)
            parts.append(f"{key}={shown}")
        lines.append(" ".join(parts))
    return lines


def therapy_lines(data: dict[str, Any]) -> list[str]:
    lines = []
    for item in data.get("therapies", []):
        if item.get("kind", "drug") != "drug":
            lines.append(f"{item['kind']} {item.get('date') or item.get('start')}")
            continue
        text = "+".join(sorted(item["drugs"])) + f" {item['start']}..{item.get('stop') or ''}"
        if item.get("setting"):
            text += f" {item['setting']}"
        lines.append(text)
    return lines


def metastasis_lines(data: dict[str, Any]) -> list[str]:
    return [f"{m['site']} {m.get('since') or ''}".strip() for m in data.get("metastases", [])]


def lab_lines(data: dict[str, Any]) -> list[str]:
    return [
        f"{lab['test']} {_number(lab['value'])} {lab.get('unit', '')} {lab['date']}"
        for lab in data.get("labs", [])
    ]


def _notes(result: ImportResult) -> dict[str, list[Any]]:
    r = result.report
    return {"not_mapped": r.not_mapped, "needs": r.needs, "inconsistent": r.inconsistent}


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_unseen_export(case: dict[str, Any], kb: Knowledge) -> None:
    source = read_fhir(UNSEEN / case["file"])
    if "error" in case:
        with pytest.raises(RecordInvalid) as caught:
            import_fhir(source, kb, _options(case))
        assert case["error"] in str(caught.value)
        return
    result = import_fhir(source, kb, _options(case))
    data = result.data
    for path, value in (case.get("facts") or {}).items():
        assert _get(data, path) == value, path
    for path in case.get("absent") or []:
        with pytest.raises(KeyError):
            _get(data, path)
    for key, lines in (
        ("tumor", tumor_lines),
        ("therapies", therapy_lines),
        ("metastases", metastasis_lines),
        ("labs", lab_lines),
    ):
        if key in case:
            assert sorted(lines(data)) == sorted(case[key]), key
    notes = _notes(result)
    for line in case.get("reported") or []:
        section, resource, words = (part.strip() for part in line.split("|"))
        found = [n for n in notes[section] if resource in n.resource and words in n.reason]
        assert found, f"{section}: nothing for {resource} saying {words!r}: {notes[section]}"
    # Every line of the report names the resource (or the input) and a reason.
    for section, listed in notes.items():
        for note in listed:
            assert note.resource.strip() and not note.resource.endswith("/?"), (section, note)
            assert note.reason.strip(), (section, note)
    valid = case.get("valid")
    if valid is True:
        validate_record(data, kb, AS_OF, case["file"])
    elif isinstance(valid, str):
        with pytest.raises(RecordInvalid) as refused:
            validate_record(data, kb, AS_OF, case["file"])
        assert valid in str(refused.value)


def test_the_table_covers_enough_inputs() -> None:
    files = {case["file"] for case in CASES}
    assert len(files) >= 25
    assert all((UNSEEN / name).exists() for name in files)


@pytest.mark.parametrize(
    ("name", "extra", "person"),
    [
        ("05_transaction_no_ids.json", [], "0d4f6c4e-1b2a-4c1e-9d6e-5f00a1b2c301"),
        ("21_future_dates.json", [], "f21"),
        ("26_bulk_folder", ["--patient", "reg-002"], "reg-002"),
    ],
)
def test_nextline_import_stores_them(name: str, extra: list[str], person: str) -> None:
    """The same files through the command itself: stored, the report printed, no
    traceback (a future date no longer refuses the whole record)."""
    runner = CliRunner(env={"COLUMNS": "200"})
    args = ["import", str(UNSEEN / name), "--menopausal-status", "premenopausal", *extra]
    result = runner.invoke(app, [*args, "--as-of", TABLE["as_of"]])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == person
    assert "Traceback" not in result.stderr
    shown = runner.invoke(app, ["export", person, "--format", "json"])
    assert shown.exit_code == 0, shown.stderr
