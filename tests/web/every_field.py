"""An invented person whose record fills every field of the patient file at least once
(`test_every_field_record_fills_every_field` proves it, so a field added to the format must be
added here too), and a walk over the model's fields.

Why: a correction that drops a value its form does not show is only caught by a record that
holds that value. The examples leave many fields empty (HER2-ultralow, MSI, a lesion too small
to measure, a dose's route, ...)."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel

from nextline.record.file_models import PatientFile

EVERY_FIELD: dict[str, Any] = {
    "nextline": 1,
    "patient": {
        "id": "every-field",
        "name": "Rosa Ferreira",
        "birth_date": "1969-08-14",
        "birth_year": 1969,
        "sex": "female",
        "menopausal_status": "postmenopausal",
        "location": {"country": "PT", "postal_code": "1000-001", "city": "Lisboa"},
    },
    "diagnosis": {
        "first_diagnosed": "2019-04-02",
        "laterality": "right",
        "stage_at_first_diagnosis": "IIIA",
        "metastatic_since": "2023-09-20",
        "presentation": "recurrent",
        "histology": "lobular",
        "pathologic_response": "residual",
    },
    "tumor_tests": [
        {
            "date": "2019-04-02",
            "specimen": "primary",
            "test_name": "core biopsy pathology",
            "er": {"result": "positive", "percent": 95},
            "pr": {"result": "low", "percent": 5},
            "her2": {"ihc": "0", "ultralow": True, "result": "negative"},
            "ki67": 20,
        },
        {
            "date": "2023-09-25",
            "specimen": "liver biopsy",
            "her2": {"ihc": "2+", "ish": "not_amplified"},
            "pdl1": {"assay": "22C3", "cps": 12, "ic_percent": 2, "tps_percent": 1},
            "msi": "high",
            "mmr": "deficient",
            "tmb_mut_per_mb": 14.5,
            "variants": [
                {"gene": "PIK3CA", "alteration": "E545K", "origin": "somatic"},
                {"gene": "CDH1", "alteration": "Q706*", "origin": "unknown"},
                {"gene": "MLH1", "alteration": "loss", "origin": "germline"},
            ],
            "not_detected": ["ESR1", "AKT1"],
        },
    ],
    "germline_tests": [
        {
            "date": "2019-06-10",
            "genes_tested": ["BRCA1", "BRCA2", "PALB2", "MLH1"],
            "variants": [{"gene": "MLH1", "alteration": "c.1852_1854del", "classification": "vus"}],
        }
    ],
    "metastases": [
        {
            "site": "liver",
            "since": "2023-09-20",
            "lesions": 2,
            "max_size_mm": 31,
            "location": "right lobe",
        },
        {
            "site": "brain",
            "since": "2024-02-01",
            "resolved": "2024-11-01",
            "lesions": 1,
            "max_size_mm": 8,
            "location": "left cerebellum",
            "symptomatic": True,
            "treated": "SRS",
            "stable": True,
            "mass_effect": True,
            "on_steroids": True,
        },
    ],
    "therapies": [
        {
            "kind": "surgery",
            "setting": "adjuvant",
            "date": "2019-10-01",
            "site": "right breast and axilla",
            "technique": "mastectomy",
            "notes": "after chemotherapy",
        },
        {
            "kind": "drug",
            "setting": "metastatic",
            "drugs": ["letrozole", "ribociclib"],
            "doses": [
                {
                    "drug": "ribociclib",
                    "dose": 600,
                    "unit": "mg",
                    "route": "by mouth",
                    "schedule": "3 weeks on, 1 week off",
                }
            ],
            "start": "2023-10-01",
            "stop": "2024-09-01",
            "stop_reason": "progression",
            "best_response": "PR",
            "dose_changes": [
                {
                    "date": "2023-12-01",
                    "drug": "ribociclib",
                    "change": "reduced",
                    "reason": "low neutrophils",
                }
            ],
            "notes": "first line",
        },
        {
            "kind": "radiation",
            "setting": "metastatic",
            "site": "brain",
            "technique": "SRS",
            "start": "2024-02-10",
            "stop": "2024-02-12",
            "notes": "three sessions",
        },
    ],
    "labs": [
        {
            "date": "2024-09-01",
            "test": "ALT",
            "loinc": "1742-6",
            "value": 40,
            "unit": "U/L",
            "ref_low": 7,
            "ref_high": 35,
        }
    ],
    "imaging": [
        {
            "date": "2024-09-01",
            "modality": "CT",
            "impression": "liver lesions larger",
            "baseline": True,
            "assessment": "restaging",
            "lesions": [
                {"id": "L1", "organ": "liver", "role": "target", "longest_mm": 31},
                {
                    "id": "N1",
                    "organ": "axilla",
                    "node": True,
                    "role": "target",
                    "short_axis_mm": 16,
                },
                {"id": "P1", "organ": "peritoneum", "role": "non_target", "status": "present"},
                {"id": "L2", "organ": "liver", "role": "target", "too_small_to_measure": True},
                {"id": "B1", "organ": "bone", "role": "non_target", "not_evaluated": True},
            ],
        }
    ],
    "performance": [{"date": "2024-09-01", "ecog": 1}],
    "symptoms": [
        {
            "date": "2024-09-05",
            "esas": {
                "pain": 2,
                "tiredness": 4,
                "drowsiness": 1,
                "nausea": 0,
                "appetite": 3,
                "shortness_of_breath": 1,
                "depression": 2,
                "anxiety": 3,
                "wellbeing": 3,
            },
            "temperature_c": 36.9,
            "spo2_percent": 97,
            "signs": ["back_or_neck_pain"],
            "stools_per_day": 2,
            "notes": "a dull ache in the lower back",
        }
    ],
    "side_effects": [
        {
            "date": "2023-11-20",
            "term": "neutropenia",
            "grade": 3,
            "therapy": "ribociclib",
            "resolved": "2023-12-10",
            "notes": "dose lowered",
        }
    ],
    "goals": {
        "priorities": ["quality_of_life", "time_at_home"],
        "avoid": ["hair_loss"],
        "prefer": ["oral"],
        "open_to_trials": True,
        "travel_limit_km": 120,
        "considering": ["treatment_break"],
        "upcoming_events": [{"date": "2025-08-15", "what": "son's wedding"}],
    },
    "care_team": [
        {
            "role": "medical_oncologist",
            "name": "Dr. Almeida",
            "phone": "+351 21 000 0000",
            "organization": "Lisbon cancer centre",
        }
    ],
    "palliative_care": {"involved": True, "since": "2024-03-01"},
    "assessments": [
        {
            "date": "2024-09-10",
            "by": "Dr. Almeida",
            "disease_status": "worsened",
            "visceral_crisis": False,
            "notes": "growth in the liver",
        }
    ],
    "comorbidities": [{"condition": "hypertension", "since": "2015-01-01", "notes": "tablets"}],
    "appointments": [{"date": "2025-06-10", "what": "oncology visit", "notes": "scan results"}],
    "questions": [
        {
            "text": "Is a trial open to me?",
            "order": 0,
            "answered": True,
            "answer": "two to look at",
            "added": "2025-05-01",
            "source_id": "trials-open",
        }
    ],
}


def _inner_models(annotation: Any) -> list[type[BaseModel]]:
    """The models an annotation holds (`list[Lesion]`, `Her2Result | None`, ...)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
        return [m for arg in typing.get_args(annotation) for m in _inner_models(arg)]
    return []


def leaf_paths(model: type[BaseModel] = PatientFile, prefix: str = "") -> set[str]:
    """Every field of the patient file that holds a value, as a dotted path without list
    positions (`imaging.lesions.too_small_to_measure`)."""
    out: set[str] = set()
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        inner = _inner_models(info.annotation)
        if inner:
            for sub in inner:
                out |= leaf_paths(sub, path + ".")
        else:
            out.add(path)
    return out


def filled_paths(file: PatientFile) -> set[str]:
    """The leaf paths that hold a value other than the default somewhere in `file`."""
    from nextline.record import patient_file_data

    out: set[str] = set()

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, f"{path}.{key}" if path else key)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for inner in value:
                walk(inner, path)
        else:
            out.add(path)

    walk(patient_file_data(file), "")
    return out


__all__ = ["EVERY_FIELD", "filled_paths", "leaf_paths"]
