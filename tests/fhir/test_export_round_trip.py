"""Export as an mCODE Bundle, import it back: the same record; export again: the same bytes."""

from __future__ import annotations

import json

import pytest

from nextline.examples import EXAMPLE_IDS, example_path
from nextline.fhir import ImportOptions
from nextline.fhir.export import dump_bundle, export_bundle
from nextline.knowledge import Knowledge
from nextline.record import patient_file_data, read_patient_file
from tests.fhir.helpers import MBC2, import_data, import_path

MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"


@pytest.mark.parametrize("person", EXAMPLE_IDS)
def test_export_import_gives_back_the_same_record(person: str, kb: Knowledge) -> None:
    file = read_patient_file(example_path(person))
    text = dump_bundle(export_bundle(file, kb))
    result = import_data(json.loads(text), kb, ImportOptions())
    assert result.file is not None
    assert patient_file_data(result.file) == patient_file_data(file)
    assert result.report.not_mapped == []
    assert dump_bundle(export_bundle(result.file, kb)) == text


def test_the_export_uses_mcode_profiles_and_standard_codes(kb: Knowledge) -> None:
    file = read_patient_file(example_path("hr-positive-esr1"))
    bundle = export_bundle(file, kb)
    profiles = {
        p.removeprefix(MCODE)
        for e in bundle["entry"]
        for p in e["resource"].get("meta", {}).get("profile", [])
    }
    assert {
        "mcode-cancer-patient",
        "mcode-primary-cancer-condition",
        "mcode-secondary-cancer-condition",
        "mcode-tumor-marker-test",
        "mcode-cancer-related-medication-request",
        "mcode-ecog-performance-status",
    } <= profiles
    er = next(e["resource"] for e in bundle["entry"] if e["resource"]["id"] == "tumor-test-0-er")
    assert er["code"]["coding"][0]["code"] == "85337-4"
    assert er["valueCodeableConcept"]["coding"][0]["code"] == "LA6576-8"


def test_a_public_bundle_export_is_stable(kb: Knowledge) -> None:
    first = import_path(MBC2, kb)
    assert first.file is not None
    text = dump_bundle(export_bundle(first.file, kb))
    second = import_data(json.loads(text), kb)
    assert second.file is not None
    assert patient_file_data(second.file) == patient_file_data(first.file)
    assert dump_bundle(export_bundle(second.file, kb)) == text


def test_without_nextline_detail_the_standard_codes_still_carry_the_main_facts(
    kb: Knowledge,
) -> None:
    file = read_patient_file(example_path("hr-positive-esr1"))
    bundle = export_bundle(file, kb)
    for entry in bundle["entry"]:
        entry["resource"].pop("extension", None)
    bundle["entry"] = [e for e in bundle["entry"] if e["resource"]["resourceType"] != "Basic"]
    result = import_data(bundle, kb)
    data = result.data
    assert data["tumor_tests"][0]["er"] == {"result": "positive"}
    assert [m["site"] for m in data["metastases"]] == [m.site for m in file.metastases]
    assert (
        [t["drugs"] for t in data["therapies"] if t.get("drugs")][:2]
        == [
            [kb.find_drug(d).name for d in t.drugs]
            for t in file.therapies
            if t.drugs  # type: ignore[union-attr]
        ][:2]
    )
