"""Shared helpers for the FHIR tests: the copied public data, and small bundle builders."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from nextline.fhir import ImportOptions, ImportResult, import_fhir, read_fhir
from nextline.fhir.reading import fhir_from_data
from nextline.knowledge import Knowledge

DATA = Path(__file__).parent / "data"
MBC1 = DATA / "mcode-ctm-app-mbc-patients" / "TrialMatching_Patient01.json"
MBC2 = DATA / "mcode-ctm-app-mbc-patients" / "TrialMatching_Patient02.json"
JENNY = DATA / "mcode-coverage-checker-jenny-m" / "fullBundle.json"
POST = ImportOptions(menopausal_status="postmenopausal")


def import_path(path: Path, kb: Knowledge, options: ImportOptions = POST) -> ImportResult:
    return import_fhir(read_fhir(path), kb, options)


def import_data(data: Any, kb: Knowledge, options: ImportOptions = POST) -> ImportResult:
    return import_fhir(fhir_from_data(data, "test"), kb, options)


def bundle(*resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "id": "test",
        "type": "collection",
        "entry": [{"resource": r} for r in resources],
    }


PATIENT = {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1960-05-01"}
SUBJECT = {"reference": "Patient/p1"}


def med(rid: str, code: str, display: str, start: str, **extra: Any) -> dict[str, Any]:
    return {
        "resourceType": "MedicationStatement",
        "id": rid,
        "status": "active",
        "medicationCodeableConcept": {
            "coding": [
                {
                    "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                    "code": code,
                    "display": display,
                }
            ]
        },
        "subject": SUBJECT,
        "effectiveDateTime": start,
        **extra,
    }


def reasons(result: ImportResult) -> dict[str, str]:
    return {n.resource: n.reason for n in result.report.not_mapped}


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))
