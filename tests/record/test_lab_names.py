"""Lab names as labs print them (issue 11, review fix): aliases and LOINC codes from
`lab_tests.yaml`, specimen words and bracketed abbreviations folded away, and names of a
different test (ionized calcium, neutrophils %) never read as the one they resemble."""

from __future__ import annotations

import pytest

from nextline.knowledge import Knowledge
from tests.record.builders import make_record

# (as a lab prints it, the test it means) - varied printers, cases and punctuation
RECOGNISED = [
    ("Calcium", "calcium"),
    ("CALCIUM, TOTAL", "calcium"),
    ("Ca", "calcium"),
    ("Total Ca", "calcium"),
    ("Calcium (serum)", "calcium"),
    ("S-Calcium", "calcium"),
    ("Calcium level", "calcium"),
    ("17861-6", "calcium"),
    ("2000-8", "calcium"),
    ("Adjusted calcium", "calcium_corrected"),
    ("ADJ CA", "calcium_corrected"),
    ("Corrected Calcium", "calcium_corrected"),
    ("Calcium (corrected)", "calcium_corrected"),
    ("Calcium, corrected for albumin", "calcium_corrected"),
    ("Albumin-adjusted calcium", "calcium_corrected"),
    ("Corrected Calcium (Ca)", "calcium_corrected"),
    ("29265-6", "calcium_corrected"),
    ("ANC", "anc"),
    ("Absolute neutrophils", "anc"),
    ("Neutrophils, absolute", "anc"),
    ("Absolute Neutrophil Count (ANC)", "anc"),
    ("NEUT#", "anc"),
    ("Neut #", "anc"),
    ("Neutrophils (x10^9/L)", "anc"),
    ("Neut abs", "anc"),
    ("26499-4", "anc"),
    ("751-8", "anc"),
    ("PLT", "platelets"),
    ("Platelet count", "platelets"),
    ("Platelets (auto)", "platelets"),
    ("26515-7", "platelets"),
    ("Hb", "hemoglobin"),
    ("Haemoglobin", "hemoglobin"),
    ("Hemoglobin (Hgb)", "hemoglobin"),
    ("WCC", "wbc"),
    ("White cell count", "wbc"),
    ("Albumin", "albumin"),
    ("Albumin, serum", "albumin"),
    ("Albumin (g/L)", "albumin"),
    ("CA 15.3", "ca_15_3"),
    ("CA153", "ca_15_3"),
    ("Ca 15-3", "ca_15_3"),
    ("CA 27-29", "ca_27_29"),
    ("BR 27.29", "ca_27_29"),
    ("Carcino-embryonic antigen", "cea"),
]

# Ionised calcium is its own test (fifth probe: the hypercalcaemia flag reads it, CTCAE v5
# grades it), never the total calcium it resembles.
IONISED = ["Ionized calcium", "Calcium (ionized)", "Calcium, ionised (mmol/L)", "iCa"]

# Names of another test, or of nothing nextline knows: never read as a known test.
NOT_RECOGNISED = [
    "Neutrophils %",
    "Neutrophils (%)",
    "Lymphocytes",
    "Calcium (CEA)",
    "Urine calcium",
]


@pytest.mark.parametrize(("written", "test_id"), RECOGNISED)
def test_lab_name_as_printed_is_recognised(kb: Knowledge, written: str, test_id: str) -> None:
    found = kb.find_lab_test(written)
    assert (written, found.id if found else None) == (written, test_id)


@pytest.mark.parametrize("written", NOT_RECOGNISED)
def test_lab_name_of_another_test_is_not_read_as_a_known_one(kb: Knowledge, written: str) -> None:
    found = kb.find_lab_test(written)
    assert (written, found.id if found else None) == (written, None)


def test_every_alias_and_loinc_code_in_the_lab_table_finds_its_own_test(kb: Knowledge) -> None:
    wrong = [
        (test.id, name)
        for test in kb.lab_tests.values()
        for name in [test.name, test.loinc, *test.also_loinc, *test.aliases]
        if (found := kb.find_lab_test(name)) is None or found.id != test.id
    ]
    assert wrong == []


def test_adjusted_calcium_in_mmol_per_litre_is_read_in_mg_per_dl(kb: Knowledge) -> None:
    record = make_record(
        kb,
        labs=[
            {"date": "2025-05-01", "test": "Adjusted Calcium", "value": 2.85, "unit": "mmol/L"},
            {"date": "2025-05-01", "test": "Ca", "value": 2.4, "unit": "mmol/L"},
            {"date": "2025-05-01", "test": "Albumin (serum)", "value": 25, "unit": "g/L"},
        ],
    )
    corrected, total, albumin = record.labs
    assert (corrected.test_id, corrected.canonical_value, corrected.canonical_unit) == (
        "calcium_corrected",
        11.42223,
        "mg/dL",
    )
    assert (total.test_id, total.canonical_value) == ("calcium", 9.61872)
    assert (albumin.test_id, albumin.canonical_value) == ("albumin", 2.5)


def test_lab_given_only_by_a_second_loinc_code_is_recognised(kb: Knowledge) -> None:
    record = make_record(
        kb, labs=[{"date": "2025-05-01", "loinc": "26499-4", "value": 800, "unit": "/uL"}]
    )
    (anc,) = record.labs
    assert (anc.test_id, anc.name, anc.loinc, anc.canonical_value) == ("anc", "ANC", "751-8", 0.8)


@pytest.mark.parametrize("written", IONISED)
def test_ionised_calcium_is_its_own_test_never_total_calcium(kb: Knowledge, written: str) -> None:
    found = kb.find_lab_test(written)
    assert (written, found.id if found else None) == (written, "calcium_ionized")


def test_ionised_calcium_in_mg_dl_is_converted_to_mmol_l(kb: Knowledge) -> None:
    record = make_record(
        kb, labs=[{"date": "2025-05-01", "test": "Ionized calcium", "value": 6.0, "unit": "mg/dL"}]
    )
    (lab,) = record.labs
    assert (lab.test_id, lab.canonical_unit) == ("calcium_ionized", "mmol/L")
    assert lab.canonical_value is not None and round(lab.canonical_value, 2) == 1.5
    assert record.warnings == ()
