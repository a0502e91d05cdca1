"""Importing into a person already stored adds what is new and shows conflicts; nothing stored
is overwritten."""

from __future__ import annotations

from nextline.fhir import ImportReport
from nextline.fhir.merge import merge_into
from nextline.knowledge import Knowledge
from nextline.record import validate_patient_data
from tests.fhir.helpers import JENNY, import_path


def test_merge_adds_new_entries_and_keeps_stored_values_on_conflict(kb: Knowledge) -> None:
    result = import_path(JENNY, kb)
    assert result.file is not None
    stored_data = {
        "nextline": 1,
        "patient": {
            "id": "cancer-patient-jenny-m",
            "birth_date": "1965-01-02",
            "sex": "female",
            "menopausal_status": "premenopausal",
        },
        "diagnosis": {"first_diagnosed": "2018-03-16", "histology": "lobular"},
        "performance": [{"date": "2018-04-12", "ecog": 1}],
        "tumor_tests": [
            {
                "date": "2018-03-10",
                "er": {"result": "positive"},
                "pr": {"result": "negative"},
                "her2": {"result": "negative"},
            }
        ],
    }
    stored = validate_patient_data(stored_data)
    report = ImportReport(source="test")
    merged = merge_into(stored, result.data, report)
    assert merged["patient"]["birth_date"] == "1965-01-02"
    assert merged["patient"]["menopausal_status"] == "premenopausal"
    assert merged["diagnosis"] == {
        "first_diagnosed": "2018-03-16",
        "histology": "lobular",
        "stage_at_first_diagnosis": "IIB",
        "laterality": "left",  # from the code: "female left breast"
    }
    assert merged["performance"] == [{"date": "2018-04-12", "ecog": 1}]
    assert len(merged["tumor_tests"]) == 2  # the same test once, the variant test added
    assert [(c.resource, c.reason) for c in report.conflicts] == [
        ("patient.birth_date", "stored '1965-01-02', bundle says '1965-01-01'"),
        ("patient.menopausal_status", "stored 'premenopausal', bundle says 'postmenopausal'"),
        (
            "performance {'date': '2018-04-12'}",
            "stored {'date': '2018-04-12', 'ecog': 1}, bundle says {'date': '2018-04-12', "
            "'ecog': 0}",
        ),
    ]
    assert validate_patient_data(merged).therapies[0].drugs == ["cyclophosphamide", "doxorubicin"]


def _stored(status: str) -> dict[str, object]:
    return {
        "nextline": 1,
        "patient": {"id": "p1", "sex": "female", "menopausal_status": status},
        "diagnosis": {},
    }


def test_an_unknown_menopausal_status_never_conflicts_with_a_stored_one(kb: Knowledge) -> None:
    from nextline.fhir import ImportOptions
    from tests.fhir.helpers import PATIENT, bundle, import_data

    result = import_data(bundle(PATIENT), kb, ImportOptions())
    assert result.data["patient"]["menopausal_status"] == "unknown"
    assert any(n.reason.startswith("menopausal status") for n in result.report.needs)
    merged = merge_into(validate_patient_data(_stored("premenopausal")), result.data, result.report)
    assert merged["patient"]["menopausal_status"] == "premenopausal"
    assert result.report.conflicts == []
    assert not any(n.reason.startswith("menopausal status") for n in result.report.needs)


def test_a_known_status_fills_a_stored_unknown_one(kb: Knowledge) -> None:
    from tests.fhir.helpers import PATIENT, POST, bundle, import_data

    result = import_data(bundle(PATIENT), kb, POST)
    merged = merge_into(validate_patient_data(_stored("unknown")), result.data, result.report)
    assert merged["patient"]["menopausal_status"] == "postmenopausal"
    assert result.report.conflicts == []
