"""Plausibility of typed lab values and drug names: asked about, with the likely meaning."""

from __future__ import annotations

import dataclasses

import pytest

from nextline.knowledge import Knowledge, load_knowledge
from nextline.knowledge.schema import PlausibleRange, SourceRef
from nextline.web.plausibility import check_lab, closest_drug, known_drug_names
from nextline.web.vocab import lab_units


def _kb_with(ranges: dict[str, tuple[float, float]]) -> Knowledge:
    """The built-in knowledge with made-up ranges for some tests (the check, not the data)."""
    kb = load_knowledge()
    tests = dict(kb.lab_tests)
    for test_id, (low, high) in ranges.items():
        source = [SourceRef(id="loinc")]
        tests[test_id] = tests[test_id].model_copy(
            update={"plausible": PlausibleRange(low=low, high=high, sources=source)}
        )
    return dataclasses.replace(kb, lab_tests=tests)


KB = _kb_with({"platelets": (1, 5000), "hemoglobin": (2, 25), "creatinine": (0.1, 40)})
UNITS = lab_units(KB)


@pytest.mark.parametrize(
    ("test", "value", "unit", "meant"),
    [
        ("platelets", "16000", "10^9/L", "16000 /µL = 16 ×10^9/L"),
        ("PLT", "240000", "10^9/L", "240000 /µL = 240 ×10^9/L"),
        ("haemoglobin", "110", "g/dL", "110 g/L = 11 g/dL"),
        ("WBC", "5200", "10^9/L", "5200 /µL = 5.2 ×10^9/L"),
        ("creatinine", "88", "mg/dL", "88 µmol/L = 0.995 mg/dL"),
    ],
)
def test_a_unit_mix_up_is_asked_about_and_names_the_unit_that_fits(
    test: str, value: str, unit: str, meant: str
) -> None:
    odd = check_lab(KB, test, value, unit, UNITS)
    assert odd is not None
    assert odd.question().startswith("Is this right?")
    assert f"Did you mean {meant}?" in odd.question()


def test_a_value_no_unit_explains_is_asked_about_without_a_guess() -> None:
    odd = check_lab(KB, "platelets", "0.2", "10^9/L", UNITS)
    assert odd is not None
    assert odd.question() == (
        "Is this right? 0.2 ×10^9/L is outside what a lab reports for platelets (1 to 5000 "
        "×10^9/L). Check the unit on the report, or tick the box to keep it as typed."
    )


@pytest.mark.parametrize(
    ("test", "value", "unit"),
    [
        ("platelets", "16", "10^9/L"),  # low, but real
        ("platelets", "16000", "/uL"),  # the same in another unit
        ("hemoglobin", "110", "g/L"),
        ("WBC", "0.4", "10^9/L"),
        ("CA 15-3", "99999", "U/mL"),  # no range in the knowledge: not checked
        ("ALT", "3", "xULN"),  # a multiple of normal is not a quantity
        ("unknown test", "5", "g/L"),
        ("platelets", "many", "10^9/L"),  # not a number: the importer refuses it
        ("platelets", "16000", "mg/dL"),  # wrong kind of unit: the importer refuses it
        ("platelets", "16000", None),
    ],
)
def test_plausible_or_unchecked_values_pass(test: str, value: str, unit: str | None) -> None:
    assert check_lab(KB, test, value, unit, UNITS) is None


def test_every_plausible_range_in_the_knowledge_is_in_the_canonical_unit_and_sourced() -> None:
    kb = load_knowledge()
    ranged = {t.id: t.plausible for t in kb.lab_tests.values() if t.plausible is not None}
    assert {"wbc", "platelets", "hemoglobin", "anc", "calcium", "bilirubin", "lvef"} <= set(ranged)
    for test_id, plausible in ranged.items():
        assert plausible.sources, test_id
        assert all(ref.id in kb.sources and ref.section for ref in plausible.sources), test_id
        assert 0 <= plausible.low < plausible.high
    # a percentage of a whole: 0 to 100 by definition
    assert (ranged["lvef"].low, ranged["lvef"].high) == (0, 100)


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("elacestrent", "elacestrant"),
        ("Elacestrant ", None),  # known: nothing to ask
        ("letrozol", "letrozole"),
        ("abemaciclb", "abemaciclib"),
        ("fulvestrnt", "fulvestrant"),
        ("capecitabin", "capecitabine"),
        ("Kisquali", "ribociclib"),  # a misspelt brand means its generic
        ("trastuzumab deruxtecn", "trastuzumab deruxtecan"),
        ("paracetamol", None),  # not a cancer medicine: nothing close
        ("vitamin d", None),
        ("", None),
    ],
)
def test_a_misspelt_drug_gets_the_closest_known_name(written: str, meant: str | None) -> None:
    assert closest_drug(KB, written) == meant


def test_the_drug_list_holds_generic_and_brand_names() -> None:
    names = known_drug_names(KB)
    assert "elacestrant" in names and "Orserdu" in names
    assert names == sorted(names, key=str.lower)
