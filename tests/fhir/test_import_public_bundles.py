"""Every public mCODE bundle imports with the facts a reader of it would expect, and a report
of the rest."""

from __future__ import annotations

import datetime as dt

import pytest

from nextline.fhir import ImportOptions
from nextline.fhir._people import MultiplePeople
from nextline.knowledge import Knowledge
from nextline.record import build_record
from tests.fhir.helpers import (
    DATA,
    JENNY,
    MBC1,
    MBC2,
    bundle,
    import_data,
    import_path,
    load_json,
    reasons,
)


def test_mbc_patient01_without_help_reports_what_it_needs(kb: Knowledge) -> None:
    result = import_path(MBC1, kb, ImportOptions())
    assert result.file is not None  # a woman's record without menopausal status imports
    assert result.file.patient.menopausal_status == "unknown"
    needs = [n.reason for n in result.report.needs]
    assert needs[0].startswith("menopausal status is not in the bundle and is never guessed")
    assert "kept as unknown" in needs[0]
    # The breast cancer Condition has no onset: the date it was found is asked for.
    assert needs[1].startswith("the date the breast cancer was first diagnosed is not in")
    assert needs[2].startswith("the bundle shows metastatic disease but not since when")
    assert needs[3].startswith("5 tumor test result(s) have no date")
    assert reasons(result)["Observation/mCODETrialMatchingTumorMarkerPatientExample01"] == (
        "ER positive: no date in the bundle"
    )


def test_mbc_patient01_maps_receptors_sites_and_drugs_as_ingredients(kb: Knowledge) -> None:
    options = ImportOptions(
        menopausal_status="postmenopausal",
        metastatic_since=dt.date(2019, 4, 1),
        undated_tests_on=dt.date(2019, 3, 15),
    )
    result = import_path(MBC1, kb, options)
    assert result.file is not None
    data = result.data
    assert data["patient"] == {
        "id": "mcodetrialmatchingpatientexample01",
        "name": "Patient B TrialMatching",
        "birth_date": "1959-01-01",
        "sex": "female",
        "menopausal_status": "postmenopausal",
    }
    assert data["diagnosis"] == {
        "histology": "ductal",
        "stage_at_first_diagnosis": "IV",
        "presentation": "de_novo",
        "metastatic_since": "2019-04-01",
    }
    assert data["tumor_tests"] == [
        {
            "date": "2019-03-15",
            "er": {"result": "positive"},
            "pr": {"result": "positive"},
            "her2": {"result": "negative"},
            "variants": [{"gene": "ESR1"}, {"gene": "PIK3CA"}],
        }
    ]
    assert data["metastases"] == [
        {"site": "lymph_nodes", "location": "axillary"},
        {"site": "liver"},
        {"site": "bone"},
    ]
    # Leuprolide and fulvestrant are "completed" with no stop: they end before the next
    # treatment; abemaciclib is "active" from the same day, so it is its own entry.
    assert data["therapies"] == [
        {
            "drugs": ["leuprolide", "fulvestrant"],
            "start": "2019-04-01",
            "setting": "metastatic",
            "stop": "2019-05-31",
        },
        {"drugs": ["abemaciclib"], "start": "2019-04-01", "setting": "metastatic"},
        {"drugs": ["fulvestrant", "ribociclib"], "start": "2019-06-01", "setting": "metastatic"},
    ]
    assert data["performance"] == [{"date": "2019-04-01", "ecog": 1}]
    record = build_record(result.file, kb, dt.date(2020, 1, 1))
    assert [line.drug_names for line in record.lines] == [
        ["leuprolide", "fulvestrant", "abemaciclib", "ribociclib"]
    ]
    assert record.er(dt.date(2020, 1, 1)).status == "positive"
    provenance = {m.path: m.resource for m in result.report.mapped}
    assert provenance["tumor_tests[0].er"] == (
        "Observation/mCODETrialMatchingTumorMarkerPatientExample01"
    )
    assert provenance["therapies[2]"] == (
        "MedicationStatement/mCODETrialMatchingCancerMedicationStatement04PatientExample01, "
        "MedicationStatement/mCODETrialMatchingCancerMedicationStatement05PatientExample01"
    )
    assert reasons(result)["Observation/mCODETrialMatchingTumorMarker04PatientExample01"] == (
        "Microsatellite instability [Presence] in Tissue by Immune stain: microsatellite "
        "instability is not part of the patient format yet"
    )
    asked = [n.reason for n in result.report.needs if "marked completed" in n.reason]
    assert asked == [
        f"{drug} is marked completed with no stop date; it was taken to end before the next "
        "treatment began (2019-06-01), so its stop is set to 2019-05-31. Please give the real "
        "stop date"
        for drug in ("leuprolide", "fulvestrant")
    ]


def test_mbc_patient02_maps_eleven_drug_codes_surgery_and_radiation(kb: Knowledge) -> None:
    result = import_path(MBC2, kb)
    assert result.file is not None
    therapies = result.data["therapies"]
    drugs = [t["drugs"] for t in therapies if "drugs" in t]
    assert drugs == [
        ["exemestane"],
        ["zoledronic acid"],
        ["anastrozole"],
        ["letrozole"],
        ["palbociclib", "fulvestrant"],
        ["capecitabine"],
        ["tamoxifen", "abemaciclib"],
        ["gemcitabine"],
        ["alpelisib"],
    ]
    assert [t for t in therapies if t.get("drugs") == ["zoledronic acid"]] == [
        {"drugs": ["zoledronic acid"], "start": "2019-06-01", "setting": "supportive"}
    ]
    assert therapies[0] == {
        "kind": "surgery",
        "date": "2019-03-01",
        "notes": "Lumpectomy of breast (procedure)",
    }
    radiation = [(t["date"], t["site"]) for t in therapies if t.get("kind") == "radiation"]
    assert radiation == [
        ("2019-04-01", "Right breast structure (body structure)"),
        ("2019-04-01", "Right breast structure (body structure)"),
        ("2019-05-01", "Bone structure of right acetabulum (body structure)"),
        ("2019-11-01", "Structure of lumbar vertebral column (body structure)"),
    ]
    assert result.data["metastases"] == [{"site": "bone"}]
    assert reasons(result)["Observation/mCODETrialMatchingTumorMarker05PatientExample02"] == (
        "Tumor mutation burden [Interpretation]: tumor mutation burden is not part of the "
        "patient format yet"
    )


def test_jenny_m_full_bundle(kb: Knowledge) -> None:
    result = import_path(JENNY, kb)
    assert result.file is not None
    data = result.data
    assert data["diagnosis"] == {
        "first_diagnosed": "2018-03-16",
        "stage_at_first_diagnosis": "IIB",
        "laterality": "left",  # SNOMED CT 353431000119107: "... of female left breast"
    }
    assert data["tumor_tests"] == [
        {
            "date": "2018-03-10",
            "er": {"result": "positive"},
            "pr": {"result": "negative"},
            "her2": {"result": "negative"},
        },
        {
            "date": "2018-03-15",
            "variants": [
                {
                    "gene": "PALB2",
                    "alteration": "NM_024675.3(PALB2):c.3549C>A (p.Tyr1183Ter)",
                    "origin": "somatic",
                }
            ],
        },
    ]
    assert data["assessments"] == [{"date": "2018-11-01", "disease_status": "improved"}]
    assert data["performance"] == [{"date": "2018-04-12", "ecog": 0}]
    assert [(t.get("drugs"), t.get("start") or t.get("date")) for t in data["therapies"]] == [
        (["cyclophosphamide", "doxorubicin"], "2018-04-01"),
        (None, "2018-04-01"),
        (None, "2018-08-15"),
        (["paclitaxel"], "2018-04-12"),
        (["anastrozole"], "2018-09-30"),
    ]
    assert data["therapies"][2] == {
        "kind": "radiation",
        "start": "2018-08-15",
        "stop": "2018-10-25",
        "site": "Chest Wall Structure (body structure)",
    }
    assert "metastatic_since" not in data["diagnosis"]  # cM0: not metastatic
    # LOINC 26499-4 (Neutrophils [#/volume] in Blood) is one of the ANC codes nextline knows
    # (lab_tests.yaml `also_loinc`): imported as written, value and unit as the bundle has them.
    assert "Observation/us-core-observation-lab-neutrophils-jenny-m" not in reasons(result)
    assert data["labs"] == [
        {
            "date": "2018-05-20",
            "test": "ANC",
            "value": 3000,
            "unit": "10*3/uL",
            "ref_low": 2500,
            "ref_high": 5000,
        }
    ]
    assert [n.reason for n in result.report.inconsistent] == [
        "the condition's stage summary says IIIC, the stage group observation says IIB; "
        "IIB was kept"
    ]


def test_jenny_m_split_bundles_skip_the_empty_resources_one_by_one(kb: Knowledge) -> None:
    folder = DATA / "mcode-coverage-checker-jenny-m"
    patient = load_json(folder / "patientBundle.json")["entry"]
    counts = {}
    for name in (
        "assessmentBundle",
        "diseaseBundle",
        "genomicsBundle",
        "outcomeBundle",
        "treatmentBundle",
        "patientBundle",
    ):
        data = load_json(folder / f"{name}.json")
        data["entry"] = [*patient, *data["entry"]] if name != "patientBundle" else data["entry"]
        result = import_data(data, kb)
        assert result.file is not None, name
        invalid = [n for n in result.report.not_mapped if "not valid FHIR R4" in n.reason]
        counts[name] = (len(invalid), len(result.report.mapped))
    assert counts == {
        "assessmentBundle": (3, 3),
        # the primary cancer is read leniently (a bad extension date); its code says the
        # left breast (laterality)
        "diseaseBundle": (7, 6),
        "genomicsBundle": (3, 3),
        "outcomeBundle": (2, 3),
        "treatmentBundle": (4, 5),  # the doxorubicin dose joins its request
        "patientBundle": (0, 2),
    }


def test_ig_stu1_examples_read_together_as_one_lung_cancer_patient(kb: Knowledge) -> None:
    folder = DATA / "hl7-mcode-ig-stu1-examples"
    resources = [load_json(p) for p in sorted(folder.glob("*.json"))]
    with pytest.raises(MultiplePeople, match="mCODEPatientExample01 \\(male, born 1951\\)"):
        import_data(bundle(*resources), kb)
    one = ImportOptions(menopausal_status="postmenopausal", patient="mCODEPatientExample01")
    result = import_data(bundle(*resources), kb, one)
    assert result.report.resources_read == 28
    assert result.data["patient"]["id"] == "mcodepatientexample01"
    got = reasons(result)
    assert got["Condition/mCODEPrimaryCancerConditionExample01"] == (
        "other cancer: not imported (Non-small cell lung cancer (disorder))"
    )
    tied = "other cancer: not imported (tied to Non-small cell lung cancer (disorder)"
    assert got["Condition/mCODESecondaryCancerConditionExample01"].startswith(tied)
    assert got["Procedure/mCODECancerRelatedSurgicalProcedureExample01"].startswith(tied)
    assert got["Observation/mCODETNMClinicalStageGroupExample01"].startswith(
        "other cancer: not imported (stage IIIC is not tied to the breast cancer"
    )
    assert got["MedicationStatement/mCODECancerRelatedMedicationStatementExample01"].startswith(
        "RxNorm 349472 ('gefitinib"
    )
    assert result.data.get("metastases") is None  # the brain metastasis is the lung cancer's


def test_extraction_fixtures_nonconformant_entries_are_reported_not_fatal(kb: Knowledge) -> None:
    folder = DATA / "mcode-extraction-framework-fixtures"
    for name in (
        "searchsetBundleWithMultipleEntries",
        "condition-bundle",
        "masked-patient-bundle",
        "csv-medication-request-bundle",
        "primary-cancer-condition",
        "secondary-cancer-condition",
    ):
        result = import_path(folder / f"{name}.json", kb)
        assert result.report.mapped == []
        defects = result.report.not_mapped + result.report.inconsistent
        assert all(
            "not valid FHIR R4" in n.reason or "dangling reference" in n.reason for n in defects
        ), name
        assert any("not valid FHIR R4" in n.reason for n in defects), name
    staging = load_json(folder / "csv-staging-bundle.json")
    staging["entry"].insert(
        0,
        {
            "fullUrl": "urn:uuid:mrn-1",
            "resource": {"resourceType": "Patient", "id": "mrn-1", "gender": "female"},
        },
    )
    result = import_data(staging, kb)
    assert result.data["diagnosis"] == {"stage_at_first_diagnosis": "IIIC"}
    status = load_json(folder / "csv-cancer-disease-status-bundle.json")
    status["entry"].insert(0, staging["entry"][0])
    result = import_data(status, kb)
    assert list(reasons(result).values()) == [
        "disease status 'Cancer in complete remission(finding)' is not "
        "improved/stable/worsened/undetermined"
    ]
