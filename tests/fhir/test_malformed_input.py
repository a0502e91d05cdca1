"""Malformed input is handled resource by resource; whole-file problems get a clear error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nextline.errors import RecordInvalid
from nextline.fhir import MAX_BUNDLE_BYTES, BundleTooLarge, read_fhir
from nextline.knowledge import Knowledge
from tests.fhir.helpers import (
    DATA,
    PATIENT,
    SUBJECT,
    bundle,
    import_data,
    import_path,
    med,
    reasons,
)


def test_a_broken_entry_is_skipped_and_the_rest_imported(kb: Knowledge) -> None:
    broken = {"resourceType": "Observation", "id": "bad", "status": "final", "subject": SUBJECT}
    data = bundle(PATIENT, broken, med("m1", "3002", "cyclophosphamide", "2020-01-01"))
    data["entry"].append({"fullUrl": "urn:uuid:x"})  # an entry without a resource
    result = import_data(data, kb)
    assert result.file is not None
    assert reasons(result) == {
        "entry[1] Observation/bad": "not valid FHIR R4, skipped (code is required and missing)",
        "entry[3]": "the entry has no resource",
    }
    assert result.data["therapies"] == [{"drugs": ["cyclophosphamide"], "start": "2020-01-01"}]


def test_a_dangling_reference_is_reported(kb: Knowledge) -> None:
    orphan = med("m1", "3002", "cyclophosphamide", "2020-01-01")
    orphan["subject"] = {"reference": "Patient/nobody"}
    by_ref = {
        "resourceType": "MedicationRequest",
        "id": "m2",
        "status": "active",
        "intent": "order",
        "medicationReference": {"reference": "Medication/missing"},
        "subject": SUBJECT,
        "authoredOn": "2020-02-01",
    }
    result = import_data(bundle(PATIENT, orphan, by_ref), kb)
    assert reasons(result) == {
        "MedicationStatement/m1": "its subject Patient/nobody is not in the bundle (dangling "
        "reference)",
        "MedicationRequest/m2": "its medication Medication/missing is not in the bundle (dangling "
        "reference)",
    }
    assert "therapies" not in result.data


def test_a_medication_reference_to_a_medication_in_the_bundle_is_followed(kb: Knowledge) -> None:
    medication = {
        "resourceType": "Medication",
        "id": "ful",
        "code": {
            "coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "727762"}]
        },
    }
    request = {
        "resourceType": "MedicationRequest",
        "id": "m2",
        "status": "active",
        "intent": "order",
        "medicationReference": {"reference": "Medication/ful"},
        "subject": SUBJECT,
        "authoredOn": "2020-02-01",
    }
    result = import_data(bundle(PATIENT, medication, request), kb)
    assert result.data["therapies"] == [{"drugs": ["fulvestrant"], "start": "2020-02-01"}]


def test_an_unknown_code_system_is_reported(kb: Knowledge) -> None:
    condition = {
        "resourceType": "Condition",
        "id": "c1",
        "code": {
            "coding": [{"system": "http://example.org/my-codes", "code": "BC-2"}],
            "text": "breast cancer",
        },
        "subject": SUBJECT,
    }
    drug = med("m1", "3002", "x", "2020-01-01")
    drug["medicationCodeableConcept"] = {
        "coding": [{"system": "http://example.org/drugs", "code": "42"}],
        "text": "Ibrance",
    }
    result = import_data(bundle(PATIENT, condition, drug), kb)
    assert reasons(result) == {
        "Condition/c1": "condition 'breast cancer' (http://example.org/my-codes) is not a breast "
        "cancer or a comorbidity nextline reads",
        "MedicationStatement/m1": "medication 'Ibrance' has no RxNorm code "
        "(http://example.org/drugs); the name alone is not trusted",
    }


def test_a_wrong_rxnorm_code_is_not_imported(kb: Knowledge) -> None:
    unknown = med("m1", "999999999", "palbociclib 125 MG Oral Capsule", "2020-01-01")
    disagreeing = med("m2", "3002", "palbociclib 125 MG Oral Capsule", "2020-01-01")
    result = import_data(bundle(PATIENT, unknown, disagreeing), kb)
    assert reasons(result) == {
        "MedicationStatement/m1": "RxNorm 999999999 ('palbociclib 125 MG Oral Capsule') is not in "
        "nextline's offline table; the text is not trusted to choose a drug",
        "MedicationStatement/m2": "RxNorm 3002 and its text disagree",
    }
    assert [n.reason for n in result.report.inconsistent] == [
        "RxNorm 3002 is cyclophosphamide, but its text says 'palbociclib 125 MG Oral Capsule'; "
        "not imported until one of them is corrected"
    ]
    assert "therapies" not in result.data


def test_a_non_fhir_json_file_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "notes.json"
    path.write_text(json.dumps({"patient": "x", "labs": []}))
    with pytest.raises(RecordInvalid) as caught:
        read_fhir(path)
    assert caught.value.problems[0].reason == (
        "not a FHIR resource or Bundle: no `resourceType` at the top"
    )
    with pytest.raises(RecordInvalid):
        read_fhir(DATA / "synthea-breast-cancer-cohort-csv" / "medications.csv")


def test_a_100_mb_bundle_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:
        handle.write(b'{"resourceType": "Bundle", "type": "collection", "entry": [')
        handle.truncate(100_000_000)  # sparse: 100 MB on paper, nothing written
    with pytest.raises(BundleTooLarge) as caught:
        read_fhir(path)
    assert str(caught.value) == (
        f"{path}: this FHIR bundle is 100.0 MB, over the 50 MB limit for one JSON bundle; "
        "nothing was read or stored. Export it as NDJSON (FHIR Bulk Data, one resource per "
        "line), which is read line by line with no total limit."
    )
    assert MAX_BUNDLE_BYTES == 50_000_000


def test_ndjson_over_the_bundle_limit_is_streamed_line_by_line(
    tmp_path: Path, kb: Knowledge
) -> None:
    path = tmp_path / "export.ndjson"
    padding = b" " * 1_000_000 + b"\n"
    with path.open("wb") as handle:
        handle.write(json.dumps(PATIENT).encode() + b"\n")
        for _ in range(55):  # 55 MB of blank lines: over the JSON bundle limit
            handle.write(padding)
        handle.write(b"{not json\n")
        handle.write(json.dumps(med("m1", "1601380", "x", "2021-03-01")).encode() + b"\n")
    assert path.stat().st_size > MAX_BUNDLE_BYTES
    result = import_path(path, kb)
    assert result.file is not None
    assert result.data["therapies"] == [{"drugs": ["palbociclib"], "start": "2021-03-01"}]
    assert [n.resource for n in result.report.not_mapped] == ["line 57"]


def test_a_partial_date_is_not_completed(kb: Knowledge) -> None:
    result = import_data(bundle(PATIENT, med("m1", "3002", "x", "2020-03")), kb)
    assert "therapies" not in result.data
    # A known medicine is asked for with the month the record gives (not dropped unseen).
    asked = [n.reason for n in result.report.needs if n.resource == "MedicationStatement/m1"]
    assert asked == [
        "cyclophosphamide is in the record, but its start date '2020-03' gives only the year "
        "or month; add it with the day it began"
    ]


def test_her2_ihc_and_fish_of_one_day_make_one_her2_result(kb: Knowledge) -> None:
    def her2(rid: str, loinc: str, answer: str) -> dict[str, object]:
        return {
            "resourceType": "Observation",
            "id": rid,
            "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": loinc}]},
            "subject": SUBJECT,
            "effectiveDateTime": "2022-05-04",
            "valueCodeableConcept": {
                "coding": [{"system": "http://snomed.info/sct", "code": answer}]
            },
        }

    ihc = her2("ihc", "85319-2", "260385009")
    fish = her2("fish", "85318-4", "260385009")
    result = import_data(bundle(PATIENT, ihc, fish), kb)
    assert result.data["tumor_tests"] == [
        {"date": "2022-05-04", "her2": {"result": "negative", "ish": "not_amplified"}}
    ]


def test_ndjson_whose_first_line_is_too_long_to_sniff_is_still_read(
    tmp_path: Path, kb: Knowledge
) -> None:
    patient = {**PATIENT, "text": {"status": "generated", "div": "<div>" + "x" * 70_000 + "</div>"}}
    path = tmp_path / "export.json"
    lines = [patient, med("m1", "3002", "cyclophosphamide", "2020-01-01")]
    path.write_text("".join(json.dumps(r) + "\n" for r in lines))
    result = import_path(path, kb)
    assert result.data["therapies"] == [{"drugs": ["cyclophosphamide"], "start": "2020-01-01"}]


def test_malformed_json_names_the_place(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"resourceType": "Bundle", "entry": [\n  {"resource": }\n]}')
    with pytest.raises(RecordInvalid) as caught:
        read_fhir(path)
    assert caught.value.problems[0].reason == (
        "malformed JSON at line 2, column 16: Expecting value"
    )
