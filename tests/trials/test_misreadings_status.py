"""Issue 18, three misreadings found in review (MORPHEUS NCT04802759, ARX788 NCT06224673):

- "Inability to determine ESR1 mutation status" is about a test result being unavailable,
  not about having the alteration: never an alteration constraint, left as a topic to ask.
- "HbA1c ≥6.4 % for the ESR1m enriched Arm only": a gene or receptor that names an arm or
  cohort is the label of a part of the study, not a requirement for the person.
- "ER ≥ 10 % and/or PR ≥ 10 % and HER2 low": the "and/or" binds the hormone receptors only;
  "and HER2 low" is required as well, in every alternative.

Each case is a variation of the same class of error, written before the fix, and failed
before it (the contrasts below guard what must still be read)."""

from __future__ import annotations

from typing import Any

import pytest

from nextline.knowledge import Knowledge
from nextline.trials.eligibility.extract import read_criterion
from nextline.trials.eligibility.models import Criterion
from nextline.trials.eligibility.split import RawCriterion
from tests.trials.test_matching import criterion, make_record, make_trial, match_one

HR_POSITIVE_HER2_LOW: dict[str, Any] = {
    "date": "2022-01-10",
    "er": {"result": "positive", "percent": 90},
    "pr": {"result": "positive", "percent": 30},
    "her2": {"ihc": "1+"},
}
HR_NEGATIVE_HER2_LOW: dict[str, Any] = {
    "date": "2022-01-10",
    "er": {"result": "negative", "percent": 0},
    "pr": {"result": "negative", "percent": 0},
    "her2": {"ihc": "1+"},
}
HR_POSITIVE_HER2_ZERO: dict[str, Any] = {
    "date": "2022-01-10",
    "er": {"result": "positive", "percent": 90},
    "pr": {"result": "positive", "percent": 30},
    "her2": {"ihc": "0"},
}


def _read(kb: Knowledge, text: str, section: str = "inclusion") -> Criterion:
    return read_criterion(RawCriterion(text=text, section=section, group=None, cohort=None), kb)  # type: ignore[arg-type]


def _types(read: Criterion) -> list[list[str]]:
    return [sorted(c.type for c in group) for group in read.groups]


def _with_gene(gene: str) -> list[dict[str, Any]]:
    variant = {"gene": gene, "origin": "somatic", "alteration": "mutated"}
    return [HR_POSITIVE_HER2_LOW, {"date": "2024-05-01", "variants": [variant]}]


def _verdict(
    kb: Knowledge, text: str, tests: list[dict[str, Any]], section: str = "Inclusion"
) -> str:
    trial = make_trial(f"{section} Criteria:\n\n* {text}\n")
    found = match_one(make_record(kb, tumor_tests=tests), trial, kb)
    return str(criterion(found, text[:30]).verdict)


# --- 1. an unavailable test result is not the alteration ------------------------------------

UNKNOWN_STATUS = [
    (
        "ESR1m enriched Arm only: Inability to determine ESR1 mutation status based on valid "
        "results from either central testing of blood or from pre-existing test results (from "
        "blood or tumor tissue) that confirm the presence of an ESR1 mutation.",
        "ESR1",
    ),
    (
        "Inability to confirm biomarker eligibility based on valid results from either central "
        "testing of blood or local testing of blood or tumor tissue that documents one of the "
        "protocol-defined PIK3CA mutations",
        "PIK3CA",
    ),
    ("Unable to determine BRCA1/2 mutation status", "BRCA1"),
    ("Patients whose PIK3CA mutation status is unknown", "PIK3CA"),
    ("Unknown ESR1 mutation status at screening", "ESR1"),
    ("ESR1 mutation status not available or not evaluable in ctDNA", "ESR1"),
    ("Indeterminate or unknown gBRCA status", "BRCA1"),
    ("PIK3CA mutation testing failed or was not evaluable", "PIK3CA"),
    ("Tumors in which PIK3CA mutation could not be assessed", "PIK3CA"),
    ("Patients not tested for germline BRCA1/2 mutations", "BRCA1"),
    ("BRCA1/2 mutation status has not been determined", "BRCA1"),
]


@pytest.mark.parametrize(("text", "gene"), UNKNOWN_STATUS)
def test_an_unknown_test_result_is_not_an_alteration_constraint(
    kb: Knowledge, text: str, gene: str
) -> None:
    read = _read(kb, text, section="exclusion")
    assert [c for c in read.constraints if c.type == "alteration"] == []
    assert "alteration" in read.topics  # left to ask about, never guessed


@pytest.mark.parametrize(("text", "gene"), UNKNOWN_STATUS)
def test_a_person_with_the_alteration_is_not_excluded_by_an_unknown_status(
    kb: Knowledge, text: str, gene: str
) -> None:
    assert _verdict(kb, text, _with_gene(gene), section="Exclusion") == "unknown"


@pytest.mark.parametrize(
    ("text", "gene"),
    [
        ("Known ESR1 mutation detected in ctDNA", "ESR1"),
        ("Tumor must have a PIK3CA mutation determined by an FDA-approved test", "PIK3CA"),
        ("Documented germline BRCA1 or BRCA2 mutation as determined by a certified lab", "BRCA1"),
        ("ESR1 mutation status: mutated, by central testing of ctDNA", "ESR1"),
    ],
)
def test_a_determined_alteration_is_still_read(kb: Knowledge, text: str, gene: str) -> None:
    read = _read(kb, text)
    assert [gene in c.genes for c in read.constraints if c.type == "alteration"] == [True]


def test_a_negative_result_is_a_result_not_an_unknown(kb: Knowledge) -> None:
    """ "not detected" is an answer from a test that was done: it stays read."""
    read = _read(kb, "ESR1 mutation not detected in ctDNA")
    alterations = [c for c in read.constraints if c.type == "alteration"]
    assert [(c.genes, c.negated) for c in alterations] == [(("ESR1",), True)]


# --- 2. a gene or receptor that labels an arm is not a requirement --------------------------


@pytest.mark.parametrize(
    ("text", "section", "kept"),
    [
        (
            "Fasting glucose ≥126 mg/dL or ≥7.0 mmol/L and HbA1c ≥5.7% (or HbA1c ≥6.4% for the "
            "ESR1m enriched Arm only)",
            "exclusion",
            None,
        ),
        ("LVEF < 50% (for the HER2-positive cohort only)", "exclusion", None),
        ("Platelets ≥ 75,000/µL for the BRCA-mutated cohort only", "inclusion", "lab"),
        (
            "Absolute neutrophil count ≥ 1.5 x 10^9/L (≥ 1.0 x 10^9/L in the PIK3CA-mutant arm)",
            "inclusion",
            "lab",
        ),
        ("QTcF > 470 ms (ESR1-mutated cohort only)", "exclusion", None),
        ("Hemoglobin ≥ 9 g/dL; ≥ 8 g/dL for patients in the TNBC group", "inclusion", "lab"),
    ],
)
def test_a_gene_or_receptor_naming_an_arm_is_not_a_requirement(
    kb: Knowledge, text: str, section: str, kept: str | None
) -> None:
    read = _read(kb, text, section=section)
    types = {c.type for c in read.constraints}
    assert types & {"alteration", "her2", "hormone_receptor", "triple_negative"} == set()
    assert set(read.topics) & {"alteration", "her2", "triple_negative"} == set()
    if kept is not None:
        assert kept in types


def test_an_arm_label_does_not_exclude_a_person_with_that_gene(kb: Knowledge) -> None:
    text = (
        "Fasting glucose ≥126 mg/dL and HbA1c ≥5.7% (or HbA1c ≥6.4% for the ESR1m enriched "
        "Arm only)"
    )
    assert _verdict(kb, text, _with_gene("ESR1"), section="Exclusion") != "met"


@pytest.mark.parametrize(
    ("text", "gene"),
    [
        ("Cohort B: PIK3CA-mutated tumor by local testing", "PIK3CA"),
        ("Tumor with an ESR1 mutation (enrolled in cohort 2)", "ESR1"),
    ],
)
def test_a_gene_required_of_a_cohort_is_still_read(kb: Knowledge, text: str, gene: str) -> None:
    read = _read(kb, text)
    assert [gene in c.genes for c in read.constraints if c.type == "alteration"] == [True]


# --- 3. "ER and/or PR ... and HER2" -------------------------------------------------------

HR_AND_HER2 = [
    "HR+ status defined as estrogen receptor >= 10% and/or progesterone receptor ≥ 10% and "
    "HER2 low.",
    "Cohort 1: Participants with hormone receptor positive (HR+)/HER2-low locally advanced "
    "unresectable or MBC. HR+ status defined as estrogen receptor >= 10% and/or progesterone "
    "receptor ≥ 10% and HER2 low.",
    "HR-positive (ER ≥ 1% or PR ≥ 1%) and HER2-low breast cancer",
    "Hormone receptor positive disease (ER or PgR ≥ 1%, by local testing) and HER2 low (IHC 1+ "
    "or 2+/ISH-negative)",
]


@pytest.mark.parametrize("text", HR_AND_HER2)
def test_and_or_inside_the_hormone_receptors_keeps_her2_required(kb: Knowledge, text: str) -> None:
    read = _read(kb, text)
    receptor_groups = [
        sorted(c.type for c in g if c.type in ("hormone_receptor", "her2")) for g in read.groups
    ]
    # one alternative per hormone receptor once a threshold spells them out ("ER ≥ 1 % or
    # PR ≥ 1 %", read since session 10): HER2 stays in every one
    assert receptor_groups
    assert all(group == ["her2", "hormone_receptor"] for group in receptor_groups)


@pytest.mark.parametrize("text", HR_AND_HER2)
def test_her2_low_alone_does_not_meet_an_hr_positive_her2_low_criterion(
    kb: Knowledge, text: str
) -> None:
    assert _verdict(kb, text, [HR_NEGATIVE_HER2_LOW]) == "not_met"
    assert _verdict(kb, text, [HR_POSITIVE_HER2_ZERO]) == "not_met"
    assert _verdict(kb, text, [HR_POSITIVE_HER2_LOW]) == "met"


@pytest.mark.parametrize(
    "text",
    [
        "ER-positive and/or PR-positive and HER2-negative breast cancer",
        "Hormone receptor positive (estrogen receptor positive [ER+] and/or progesterone "
        "receptor positive [PR+]), HER2-negative",
        "ER+ or PR+, and HER2-negative disease",
        "HER2-negative and ER-positive or PR-positive tumour",
    ],
)
def test_either_hormone_receptor_goes_with_the_her2_status(kb: Knowledge, text: str) -> None:
    read = _read(kb, text)
    pairs = sorted(
        tuple(
            sorted(
                f"{c.receptor or c.type}:{'/'.join(c.statuses)}"
                for c in g
                if c.type == "her2" or c.receptor in ("er", "pr")
            )
        )
        for g in read.groups
    )
    assert pairs == [("er:positive", "her2:negative"), ("her2:negative", "pr:positive")]


@pytest.mark.parametrize(
    ("text", "groups"),
    [
        ("HR+/HER2- or triple-negative breast cancer", 2),
        ("HER2-positive or HER2-low metastatic breast cancer", 1),
        ("ER-positive or PR-positive breast cancer", 2),
        ("Estrogen-receptor positive (ER+) and/or progesterone-receptor positive (PR+)", 2),
    ],
)
def test_a_real_alternative_between_subtypes_still_splits(
    kb: Knowledge, text: str, groups: int
) -> None:
    assert len(_read(kb, text).groups) == groups


# NCT06224673 (ARX788) as registered, with each cohort's second sentence (its HR+ / HR-
# cut-offs), which the "and/or" misreading used to turn into "HER2-low alone fits cohort 1".
ARX788_COHORTS = (
    "Inclusion Criteria:\n\n"
    "* Pathologically documented HER2-low locally advanced unresectable or metastatic breast "
    "cancer (MBC).\n\n"
    "  * Cohort 1: Participants with hormone receptor positive (HR+)/HER2-low locally advanced "
    "unresectable or MBC. HR+ status defined as estrogen receptor \\>= 10% and/or progesterone "
    "receptor ≥ 10% and HER2 low.\n"
    "  * Cohort 2: Participants with hormone receptor negative (HR-)/HER2-low locally advanced "
    "unresectable or MBC. Considered HR- if estrogen receptor (ER) and progesterone receptor "
    "(PR) \\< 10% and HER2-low.\n"
)


def test_her2_low_alone_fits_only_the_hr_negative_cohort(kb: Knowledge) -> None:
    record = make_record(kb, tumor_tests=[HR_NEGATIVE_HER2_LOW])
    m = match_one(record, make_trial(ARX788_COHORTS, nct_id="NCT06224673"), kb)
    by_key = {c.key: c.verdict for c in m.cohorts}
    assert by_key == {"cohort 1": "likely_ineligible", "cohort 2": "likely_eligible"}
    assert m.cohort is not None and m.cohort.startswith("Cohort 2: ")


def test_hr_positive_her2_low_fits_only_the_hr_positive_cohort(kb: Knowledge) -> None:
    record = make_record(kb, tumor_tests=[HR_POSITIVE_HER2_LOW])
    m = match_one(record, make_trial(ARX788_COHORTS, nct_id="NCT06224673"), kb)
    by_key = {c.key: c.verdict for c in m.cohorts}
    assert by_key == {"cohort 1": "likely_eligible", "cohort 2": "likely_ineligible"}
