"""Medications to therapies: ingredients by RxNorm code, start/stop/stop reason, doses folded
into courses, and `setting: metastatic` only once the bundle shows metastatic disease."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nextline.knowledge import Knowledge
from nextline.record import build_record
from tests.fhir.helpers import DATA, PATIENT, SUBJECT, bundle, import_data, load_json, med

RX = "http://www.nlm.nih.gov/research/umls/rxnorm"


def dose(rid: str, code: str, day: str, **extra: Any) -> dict[str, Any]:
    return {
        "resourceType": "MedicationAdministration",
        "id": rid,
        "status": "completed",
        "medicationCodeableConcept": {"coding": [{"system": RX, "code": code}]},
        "subject": SUBJECT,
        "effectiveDateTime": day,
        **extra,
    }


def test_doses_become_courses_split_by_a_long_gap(kb: Knowledge) -> None:
    doses = [
        dose(f"d{i}", "583214", day)
        for i, day in enumerate(
            ["2020-01-06", "2020-01-13", "2020-01-20", "2020-09-01", "2020-09-08"]
        )
    ]
    result = import_data(bundle(PATIENT, *doses), kb)
    assert result.data["therapies"] == [
        {"drugs": ["paclitaxel"], "start": "2020-01-06", "stop": "2020-01-20"},
        {"drugs": ["paclitaxel"], "start": "2020-09-01"},
    ]
    provenance = {m.path: m.resource for m in result.report.mapped}
    assert provenance["therapies[1]"] == (
        "MedicationAdministration/d3, MedicationAdministration/d4"
    )


def test_a_dose_given_under_an_imported_request_joins_it(kb: Knowledge) -> None:
    folder = DATA / "mcode-coverage-checker-jenny-m"
    data = load_json(folder / "treatmentBundle.json")
    data["entry"] = load_json(folder / "patientBundle.json")["entry"] + data["entry"]
    result = import_data(data, kb)
    drugs = [t for t in result.data["therapies"] if t.get("drugs")]
    # The request's dose (doseAndRate.doseQuantity) is read since the third probe (s10).
    assert drugs == [
        {
            "drugs": ["doxorubicin"],
            "start": "2018-04-01",
            "doses": [{"drug": "doxorubicin", "dose": 105.96, "unit": "mg"}],
        }
    ]
    provenance = [m.resource for m in result.report.mapped if m.path.startswith("therapies")]
    assert (
        "MedicationRequest/cancer-related-medication-request-doxorubicin-jenny-m, "
        "MedicationAdministration/cancer-related-medication-admin-doxorubicin-jenny-m"
    ) in provenance


def test_request_period_and_stop_reasons_are_read(kb: Knowledge) -> None:
    request = {
        "resourceType": "MedicationRequest",
        "id": "r1",
        "status": "completed",
        "intent": "order",
        "medicationCodeableConcept": {"coding": [{"system": RX, "code": "199224"}]},
        "subject": SUBJECT,
        "authoredOn": "2019-12-20",
        "statusReason": {"coding": [{"system": "http://snomed.info/sct", "code": "182992009"}]},
        "dosageInstruction": [
            {"timing": {"repeat": {"boundsPeriod": {"start": "2020-01-01", "end": "2021-06-30"}}}}
        ],
    }
    unknown_reason = med("m2", "1873983", "x", "2021-07-01")
    unknown_reason["statusReason"] = [{"text": "insurance"}]
    result = import_data(bundle(PATIENT, request, unknown_reason), kb)
    assert result.data["therapies"] == [
        {
            "drugs": ["anastrozole"],
            "start": "2020-01-01",
            "stop": "2021-06-30",
            "stop_reason": "completed",
        },
        {"drugs": ["ribociclib"], "start": "2021-07-01"},
    ]
    assert [n.reason for n in result.report.inconsistent] == [
        "stop reason 'insurance' is not one nextline reads; left out"
    ]


def test_setting_is_metastatic_only_from_the_first_dated_metastasis(kb: Knowledge) -> None:
    liver = {
        "resourceType": "Condition",
        "id": "met",
        "code": {"coding": [{"system": "http://snomed.info/sct", "code": "94381002"}]},
        "subject": SUBJECT,
        "onsetDateTime": "2021-02-01",
    }
    early = med("m1", "198240", "x", "2018-01-01")
    later = med("m2", "727762", "x", "2021-03-01")
    result = import_data(bundle(PATIENT, liver, early, later), kb)
    assert result.data["diagnosis"] == {"metastatic_since": "2021-02-01"}
    assert result.data["therapies"] == [
        {"drugs": ["tamoxifen"], "start": "2018-01-01"},
        {"drugs": ["fulvestrant"], "start": "2021-03-01", "setting": "metastatic"},
    ]
    assert result.data["metastases"] == [{"site": "liver", "since": "2021-02-01"}]


def test_labs_are_read_by_loinc_with_units_and_reference_range(kb: Knowledge) -> None:
    def lab(rid: str, loinc: str, value: float, unit: str, **extra: Any) -> dict[str, Any]:
        return {
            "resourceType": "Observation",
            "id": rid,
            "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": loinc}]},
            "subject": SUBJECT,
            "effectiveDateTime": "2023-02-01T09:30:00Z",
            "valueQuantity": {
                "value": value,
                "unit": unit,
                "system": "http://unitsofmeasure.org",
                "code": unit,
            },
            **extra,
        }

    marker = lab("ca", "6875-9", 48.0, "U/mL", referenceRange=[{"high": {"value": 30}}])
    anc = lab("anc", "751-8", 1.2, "10*3/uL")
    result = import_data(bundle(PATIENT, marker, anc), kb)
    assert result.data["labs"] == [
        {"date": "2023-02-01", "test": "CA 15-3", "value": 48.0, "unit": "U/mL", "ref_high": 30},
        {"date": "2023-02-01", "test": "ANC", "value": 1.2, "unit": "10*3/uL"},
    ]
    assert result.file is not None
    record = build_record(result.file, kb, dt.date(2023, 3, 1))
    assert [(v.test_id, v.canonical_value, v.uln_multiple) for v in record.labs] == [
        ("ca_15_3", 48.0, 1.6),
        ("anc", 1.2, None),
    ]
