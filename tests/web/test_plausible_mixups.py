"""The usual unit mix-ups: each typed value is either plausible (no question) or asked about,
naming the one unit that makes it plausible. Written before the ranking of suggestions and
the ranges existed.

Two tables. The first runs against the ranges in the built-in knowledge (the data and the
rule together). The second checks the rule for platelets, hemoglobin and ANC (with
their sourced ranges) and for the tests whose range is not sourced yet (creatinine, glucose,
albumin), with made-up ranges of the right size: for those it says nothing about the data."""

from __future__ import annotations

import dataclasses

import pytest

from nextline.knowledge import Knowledge, load_knowledge
from nextline.knowledge.schema import PlausibleRange, SourceRef
from nextline.web.plausibility import check_lab
from nextline.web.vocab import lab_units

# (test as typed, value, unit, the suggestion; None: plausible or not checked, no question)
WITH_THE_KNOWLEDGE = [
    # white cells: a count per microlitre typed with a x10^9/L unit
    ("WBC", "6300", "10^9/L", "6300 /µL = 6.3 ×10^9/L"),
    ("white cell count", "11200", "10^3/uL", "11200 /µL = 11.2 ×10^9/L"),
    ("leukocytes", "6.3", "10^3/uL", None),
    ("WBC", "0.4", "10^9/L", None),  # very low, but a lab reports it
    # calcium: mg/dL typed with mmol/L
    ("calcium", "9.6", "mmol/L", "9.6 mg/dL"),
    ("total calcium", "10.4", "mmol/L", "10.4 mg/dL"),
    ("serum calcium", "2.4", "mmol/L", None),
    ("calcium", "10.1", "mg/dL", None),
    ("Ca", "14.8", "mg/dL", None),  # high, but reportable
    # bilirubin: µmol/L typed with mg/dL
    ("bilirubin", "250", "mg/dL", "250 µmol/L = 14.6 mg/dL"),
    ("total bilirubin", "68", "mg/dL", "68 µmol/L = 3.98 mg/dL"),
    ("total bilirubin", "17", "umol/L", None),
    ("bilirubin", "0.8", "mg/dL", None),
    ("bilirubin", "0.2", "mg/dL", None),  # below one assay's limit, yet a common result
    ("total bilirubin", "3", "umol/L", None),
    # not checked: no sourced range, or not a quantity
    ("CA 15-3", "850", "U/mL", None),
    ("CEA", "3.2", "ng/mL", None),
    ("AST", "2.5", "xULN", None),
]

MADE_UP = {
    "creatinine": (0.1, 40),
    "glucose": (10, 1000),
    "albumin": (0.5, 10),
}

FOR_THE_RULE = [
    # platelets: a count per microlitre typed with a x10^9/L (or x10^3/uL) unit
    ("platelets", "16000", "10^9/L", "16000 /µL = 16 ×10^9/L"),
    ("PLT", "250000", "10^3/uL", "250000 /µL = 250 ×10^9/L"),
    ("platelet count", "180", "10^9/L", None),
    ("platelets", "180000", "/uL", None),
    ("thrombocytes", "9", "10^9/L", None),
    # hemoglobin: g/L typed with g/dL
    ("hemoglobin", "110", "g/dL", "110 g/L = 11 g/dL"),
    ("Hb", "95", "g/dL", "95 g/L = 9.5 g/dL"),
    ("haemoglobin", "123", "g/L", None),
    ("HGB", "12.3", "g/dL", None),
    # creatinine: µmol/L typed with mg/dL
    ("creatinine", "88", "mg/dL", "88 µmol/L = 0.995 mg/dL"),
    ("creat", "150", "mg/dL", "150 µmol/L = 1.7 mg/dL"),
    ("creatinine", "0.9", "mg/dL", None),
    ("serum creatinine", "80", "umol/L", None),
    # glucose: mg/dL typed with mmol/L
    ("glucose", "95", "mmol/L", "95 mg/dL"),
    ("blood glucose", "140", "mmol/L", "140 mg/dL"),
    ("glucose", "5.4", "mmol/L", None),
    ("glucose", "99", "mg/dL", None),
    # albumin: g/L typed with g/dL
    ("albumin", "38", "g/dL", "38 g/L = 3.8 g/dL"),
    ("albumin", "3.8", "g/dL", None),
    # neutrophils: a count per microlitre with a x10^9/L unit
    ("ANC", "2500", "10^9/L", "2500 /µL = 2.5 ×10^9/L"),
    ("neutrophils", "0.4", "10^9/L", None),
]


def _with_made_up_ranges(kb: Knowledge) -> Knowledge:
    tests = dict(kb.lab_tests)
    for test_id, (low, high) in MADE_UP.items():
        assert tests[test_id].plausible is None, f"{test_id} has a range now: test it for real"
        source = [SourceRef(id="loinc")]
        tests[test_id] = tests[test_id].model_copy(
            update={"plausible": PlausibleRange(low=low, high=high, sources=source)}
        )
    return dataclasses.replace(kb, lab_tests=tests)


KB = load_knowledge()
RULE_KB = _with_made_up_ranges(KB)


def _check(kb: Knowledge, test: str, value: str, unit: str, meant: str | None) -> None:
    odd = check_lab(kb, test, value, unit, lab_units(kb))
    if meant is None:
        assert odd is None, odd.question() if odd else ""
        return
    assert odd is not None, f"{value} {unit} of {test} was not asked about"
    question = odd.question()
    assert question.startswith("Is this right?")
    # one suggestion only (the smallest step away from the unit typed), exactly this one
    assert f"Did you mean {meant}?" in question


@pytest.mark.parametrize(("test", "value", "unit", "meant"), WITH_THE_KNOWLEDGE)
def test_a_usual_mix_up_is_asked_about_with_the_ranges_in_the_knowledge(
    test: str, value: str, unit: str, meant: str | None
) -> None:
    _check(KB, test, value, unit, meant)


@pytest.mark.parametrize(("test", "value", "unit", "meant"), FOR_THE_RULE)
def test_the_unit_that_fits_is_the_usual_mix_up(
    test: str, value: str, unit: str, meant: str | None
) -> None:
    _check(RULE_KB, test, value, unit, meant)


def test_an_ejection_fraction_over_100_percent_is_asked_about_without_a_guess() -> None:
    odd = check_lab(KB, "LVEF", "155", "%", lab_units(KB))
    assert odd is not None
    assert "Did you mean" not in odd.question()
    assert check_lab(KB, "ejection fraction", "55", "%", lab_units(KB)) is None


def test_the_tables_are_varied() -> None:
    cases = WITH_THE_KNOWLEDGE + FOR_THE_RULE
    assert len(cases) >= 20
    assert len({c[0].lower() for c in cases}) >= 20
    assert sum(c[3] is None for c in cases) >= 10
    assert sum(c[3] is not None for c in cases) >= 10
