"""A probe of criterion reading on sentences and people no earlier test used (session 9).

Each row is one criterion as registries write it, with what a research nurse would answer
for three invented people. "met" for an exclusion means the exclusion applies. An expected
value with "!" accepts anything but that verdict: where the record cannot settle it, asking
("unknown") is right, and only the wrong certainty is an error.

People (as of 2025-03-01):
- amy: 46, premenopausal on goserelin; ER+/PR+, HER2 IHC 0 (not ultralow); liver and bone;
  letrozole + ribociclib (progressed), then capecitabine (running); PIK3CA H1047R, ESR1 not
  found; germline BRCA1/2 negative; ANC 1.8, bilirubin 0.8 mg/dL (ULN 1.2); ECOG 0.
- bea: 64, postmenopausal; triple-negative, HER2 IHC 1+; germline BRCA1; paclitaxel +
  pembrolizumab, sacituzumab govitecan, eribulin (each progressed, last stopped 2025-01-10);
  brain metastases treated with SRS, stable, off steroids; ANC 1200/mm3, bilirubin 2.0 mg/dL
  (ULN 1.2); ECOG 1.
- cal: a man of 71; ER+/PR+, HER2 IHC 3+; bone-only disease found 2025-01, no treatment yet;
  no measured target lesion; ECOG 1; no labs, no gene tests.
"""

from __future__ import annotations

from typing import Any

import pytest

from nextline.knowledge import Knowledge
from nextline.record import PatientRecord
from tests.trials.probe_harness import cases, check_reading, read_rows
from tests.trials.test_matching import make_record, make_trial, match_one

_AMY: dict[str, Any] = {
    "patient": {
        "id": "amy",
        "birth_date": "1978-06-02",
        "sex": "female",
        "menopausal_status": "premenopausal",
        "location": {"country": "US", "postal_code": "98101"},
    },
    "diagnosis": {"metastatic_since": "2023-03-14"},
    "tumor_tests": [
        {
            "date": "2023-03-14",
            "er": {"result": "positive", "percent": 95},
            "pr": {"result": "positive", "percent": 40},
            "her2": {"ihc": "0", "ultralow": False},
        },
        {
            "date": "2024-11-20",
            "test_name": "tissue NGS",
            "variants": [{"gene": "PIK3CA", "alteration": "H1047R", "origin": "somatic"}],
            "not_detected": ["ESR1", "AKT1", "PTEN"],
        },
    ],
    "germline_tests": [{"date": "2023-04-01", "genes_tested": ["BRCA1", "BRCA2"]}],
    "metastases": [
        {"site": "liver", "since": "2023-03-14"},
        {"site": "bone", "since": "2023-03-14"},
    ],
    "therapies": [
        {
            "setting": "metastatic",
            "drugs": ["letrozole", "ribociclib", "goserelin"],
            "start": "2023-04-01",
            "stop": "2024-11-15",
            "stop_reason": "progression",
        },
        {"setting": "metastatic", "drugs": ["goserelin"], "start": "2024-11-16"},
        {"setting": "metastatic", "drugs": ["capecitabine"], "start": "2024-12-05"},
    ],
    "imaging": [
        {
            "date": "2025-02-10",
            "modality": "CT",
            "lesions": [{"id": "liver-1", "organ": "liver", "role": "target", "longest_mm": 24}],
        }
    ],
    "performance": [{"date": "2025-02-10", "ecog": 0}],
    "labs": [
        {"date": "2025-02-20", "test": "ANC", "value": 1.8, "unit": "10^9/L"},
        {"date": "2025-02-20", "test": "platelets", "value": 210, "unit": "10^9/L"},
        {
            "date": "2025-02-20",
            "test": "bilirubin",
            "value": 0.8,
            "unit": "mg/dL",
            "ref_high": 1.2,
        },
    ],
}

_BEA: dict[str, Any] = {
    "patient": {
        "id": "bea",
        "birth_date": "1960-09-30",
        "sex": "female",
        "menopausal_status": "postmenopausal",
        "location": {"country": "US", "postal_code": "30303"},
    },
    "diagnosis": {"metastatic_since": "2023-01-20"},
    "tumor_tests": [
        {
            "date": "2023-01-20",
            "er": {"result": "negative", "percent": 0},
            "pr": {"result": "negative", "percent": 0},
            "her2": {"ihc": "1+"},
        }
    ],
    "germline_tests": [
        {
            "date": "2023-02-01",
            "genes_tested": ["BRCA1", "BRCA2", "PALB2"],
            "variants": [
                {"gene": "BRCA1", "alteration": "c.5266dupC", "classification": "pathogenic"}
            ],
        }
    ],
    "metastases": [
        {"site": "lung", "since": "2023-01-20"},
        {
            "site": "brain",
            "since": "2024-06-20",
            "treated": "SRS",
            "stable": True,
            "on_steroids": False,
        },
    ],
    "therapies": [
        {
            "setting": "metastatic",
            "drugs": ["paclitaxel", "pembrolizumab"],
            "start": "2023-02-10",
            "stop": "2023-10-20",
            "stop_reason": "progression",
        },
        {
            "setting": "metastatic",
            "drugs": ["sacituzumab govitecan"],
            "start": "2023-11-01",
            "stop": "2024-06-15",
            "stop_reason": "progression",
        },
        {
            "setting": "metastatic",
            "drugs": ["eribulin"],
            "start": "2024-07-01",
            "stop": "2025-01-10",
            "stop_reason": "progression",
        },
    ],
    "imaging": [
        {
            "date": "2025-01-08",
            "modality": "CT",
            "lesions": [{"id": "lung-1", "organ": "lung", "role": "target", "longest_mm": 31}],
        }
    ],
    "performance": [{"date": "2025-02-15", "ecog": 1}],
    "labs": [
        {"date": "2025-02-15", "test": "ANC", "value": 1200, "unit": "cells/mm3"},
        {
            "date": "2025-02-15",
            "test": "bilirubin",
            "value": 2.0,
            "unit": "mg/dL",
            "ref_high": 1.2,
        },
    ],
}

_CAL: dict[str, Any] = {
    "patient": {
        "id": "cal",
        "birth_date": "1953-11-11",
        "sex": "male",
        "location": {"country": "US", "postal_code": "60611"},
    },
    "diagnosis": {"metastatic_since": "2025-01-15"},
    "tumor_tests": [
        {
            "date": "2025-01-15",
            "er": {"result": "positive", "percent": 80},
            "pr": {"result": "positive", "percent": 20},
            "her2": {"ihc": "3+"},
        }
    ],
    "metastases": [{"site": "bone", "since": "2025-01-15"}],
    "therapies": [],
    "imaging": [
        {
            "date": "2025-01-15",
            "modality": "CT",
            "lesions": [{"id": "bone-1", "organ": "bone", "role": "non_target"}],
        }
    ],
    "performance": [{"date": "2025-01-20", "ecog": 1}],
    "labs": [],
}

PEOPLE = {"amy": _AMY, "bea": _BEA, "cal": _CAL}

INC, EXC = "Inclusion", "Exclusion"
# (section, criterion, {person: expected verdict}); "!x" means "anything but x"
ROWS: list[tuple[str, str, dict[str, str]]] = [
    # --- quantifiers ------------------------------------------------------------------
    (
        INC,
        "No more than one prior chemotherapy regimen for metastatic disease",
        {"amy": "met", "bea": "not_met", "cal": "met"},
    ),
    (
        INC,
        "At least 1 but not more than 3 prior lines of systemic therapy for advanced disease",
        {"amy": "met", "bea": "met", "cal": "not_met"},
    ),
    (
        INC,
        "Received 2 to 4 prior lines of therapy in the metastatic setting",
        {"amy": "met", "bea": "met", "cal": "not_met"},
    ),
    (
        INC,
        "Participants must have had no more than 1 line of endocrine therapy for advanced disease",
        {"amy": "met", "bea": "met", "cal": "met"},
    ),
    (
        EXC,
        "More than 1 prior line of chemotherapy for metastatic breast cancer",
        {"amy": "not_met", "bea": "met", "cal": "not_met"},
    ),
    (
        INC,
        "Have received a maximum of three prior cytotoxic regimens for metastatic disease",
        {"amy": "met", "bea": "met", "cal": "met"},
    ),
    (
        INC,
        "Must have received at least two prior lines of systemic therapy for metastatic disease",
        {"amy": "met", "bea": "met", "cal": "not_met"},
    ),
    (
        INC,
        "Previously untreated for metastatic disease (no prior systemic therapy in the "
        "advanced setting)",
        {"amy": "not_met", "bea": "not_met", "cal": "met"},
    ),
    (
        INC,
        "Patients must have received between one and three prior regimens for advanced breast "
        "cancer",
        {"amy": "met", "bea": "met", "cal": "not_met"},
    ),
    (
        EXC,
        "Received three or more prior lines of therapy for metastatic disease",
        {"amy": "not_met", "bea": "met", "cal": "not_met"},
    ),
    (
        INC,
        "Up to one prior line of chemotherapy in the advanced setting is permitted",
        {"amy": "!not_met", "cal": "!not_met"},
    ),
    # --- conditions ---------------------------------------------------------------------
    (
        INC,
        "If premenopausal, must agree to ovarian suppression with a GnRH agonist",
        {"amy": "!not_met", "bea": "!not_met", "cal": "!not_met"},
    ),
    (
        INC,
        "Premenopausal or perimenopausal women must be willing to receive goserelin for the "
        "duration of the study",
        {"amy": "!not_met", "bea": "!not_met", "cal": "!not_met"},
    ),
    (INC, "Men must be willing to take an LHRH agonist", {"amy": "!not_met", "cal": "!not_met"}),
    (
        INC,
        "Women of childbearing potential must have a negative serum pregnancy test within 7 "
        "days before the first dose",
        {"amy": "!not_met", "bea": "!not_met", "cal": "!not_met"},
    ),
    (
        INC,
        "For patients with HER2-positive disease, prior trastuzumab is required",
        {"amy": "!not_met", "bea": "!not_met"},
    ),
    (
        EXC,
        "Patients who are postmenopausal must not be receiving hormone replacement therapy",
        {"amy": "!met", "bea": "!met"},
    ),
    (
        INC,
        "Male patients must be on a GnRH agonist for at least 28 days before the first dose",
        {"amy": "!not_met", "bea": "!not_met"},
    ),
    # --- disjunctions --------------------------------------------------------------------
    (
        INC,
        "ER+ and/or PR+ breast cancer per ASCO/CAP guidelines",
        {"amy": "met", "bea": "not_met", "cal": "met"},
    ),
    (
        INC,
        "Estrogen receptor positive or progesterone receptor positive (≥1% staining)",
        {"amy": "met", "bea": "not_met", "cal": "met"},
    ),
    (
        INC,
        "Triple-negative breast cancer and/or a germline BRCA1 or BRCA2 mutation",
        {"amy": "not_met", "bea": "met"},
    ),
    (
        INC,
        "Postmenopausal status, defined as prior bilateral oophorectomy, or age ≥ 60, or age "
        "< 60 and amenorrheic for 12 months",
        {"amy": "!met", "bea": "met"},
    ),
    (
        INC,
        "HR-positive/HER2-negative or triple-negative metastatic breast cancer",
        {"amy": "met", "bea": "met", "cal": "not_met"},
    ),
    # --- HER2 wording --------------------------------------------------------------------
    (
        INC,
        "HER2-negative (IHC 0, 1+, or 2+ with negative ISH)",
        {"amy": "met", "bea": "met", "cal": "not_met"},
    ),
    (
        INC,
        "HER2-low expression, defined as IHC 1+ or IHC 2+/ISH-",
        {"amy": "not_met", "bea": "met", "cal": "not_met"},
    ),
    (INC, "HER2 IHC 0 by local testing", {"amy": "met", "bea": "not_met", "cal": "not_met"}),
    (
        INC,
        "HER2 overexpression (IHC 3+) or gene amplification (ISH ratio ≥ 2.0)",
        {"amy": "not_met", "bea": "not_met", "cal": "met"},
    ),
    (
        INC,
        "HER2-low or HER2-ultralow (IHC 0 with membrane staining) disease",
        {"amy": "not_met", "bea": "met", "cal": "not_met"},
    ),
    (
        EXC,
        "HER2-positive breast cancer as defined by ASCO/CAP guidelines",
        {"amy": "not_met", "bea": "not_met", "cal": "met"},
    ),
    (
        INC,
        "Documented HER2 status of IHC 2+ and ISH not amplified",
        {"amy": "not_met", "bea": "not_met", "cal": "not_met"},
    ),
    (
        INC,
        "HER2-null breast cancer (IHC 0 without any membrane staining)",
        {"amy": "met", "bea": "not_met", "cal": "not_met"},
    ),
    # --- washouts ------------------------------------------------------------------------
    (
        EXC,
        "Chemotherapy within 14 days before the first dose of study drug",
        {"amy": "unknown", "bea": "not_met", "cal": "not_met"},
    ),
    (
        EXC,
        "Any investigational agent within 5 half-lives or 28 days, whichever is shorter, "
        "prior to randomization",
        {"amy": "!met", "bea": "!met", "cal": "!met"},
    ),
    (
        INC,
        "At least 21 days must have elapsed since the last dose of chemotherapy",
        {"amy": "unknown", "bea": "met", "cal": "met"},
    ),
    (
        EXC,
        "Endocrine therapy within 2 weeks prior to cycle 1 day 1 (ongoing GnRH agonist is "
        "permitted)",
        {"amy": "!met", "bea": "not_met", "cal": "not_met"},
    ),
    (
        EXC,
        "Received a CDK4/6 inhibitor within 4 weeks before enrolment",
        {"amy": "not_met", "bea": "not_met", "cal": "not_met"},
    ),
    (
        EXC,
        "Systemic anticancer therapy within 3 weeks or 5 half-lives, whichever is longer, "
        "before the first dose",
        {"amy": "unknown", "bea": "not_met", "cal": "not_met"},
    ),
    # --- labs ----------------------------------------------------------------------------
    (
        INC,
        "Absolute neutrophil count (ANC) ≥ 1.5 x 10^9/L",
        {"amy": "met", "bea": "not_met", "cal": "unknown"},
    ),
    (INC, "ANC >= 1500/mm3", {"amy": "met", "bea": "not_met", "cal": "unknown"}),
    (
        INC,
        "Neutrophils ≥ 1,500 cells/µL without growth factor support within 7 days",
        {"amy": "met", "bea": "not_met"},
    ),
    (
        INC,
        "Total bilirubin ≤ 1.5 x ULN (≤ 3 x ULN for patients with Gilbert's syndrome)",
        {"amy": "met", "bea": "!met"},
    ),
    (
        INC,
        "Serum bilirubin ≤ 1.5 times the upper limit of normal",
        {"amy": "met", "bea": "not_met", "cal": "unknown"},
    ),
    (INC, "Platelet count ≥ 100,000/mm³", {"amy": "met", "cal": "unknown"}),
    (INC, "Absolute neutrophil count of at least 1.0 × 10⁹/L", {"amy": "met", "bea": "met"}),
    # --- brain metastases ----------------------------------------------------------------
    (
        EXC,
        "Known active central nervous system metastases and/or carcinomatous meningitis",
        {"amy": "not_met", "bea": "not_met", "cal": "not_met"},
    ),
    (
        EXC,
        "Untreated or symptomatic brain metastases; patients with previously treated brain "
        "metastases that are stable for ≥ 4 weeks are eligible",
        {"amy": "not_met", "bea": "not_met"},
    ),
    (EXC, "Leptomeningeal disease", {"amy": "not_met", "bea": "not_met"}),
    (
        INC,
        "Stable brain metastases are allowed if treated ≥ 4 weeks prior to enrollment and off "
        "steroids",
        {"amy": "!not_met", "bea": "!not_met", "cal": "!not_met"},
    ),
    (
        EXC,
        "Any history of brain metastases, treated or untreated",
        {"amy": "not_met", "bea": "met"},
    ),
    (
        INC,
        "Patients with brain metastases must have completed local therapy",
        {"amy": "!not_met", "bea": "!not_met"},
    ),
    # --- measurable disease / bone-only ---------------------------------------------------
    (INC, "Measurable disease per RECIST v1.1", {"amy": "met", "bea": "met", "cal": "unknown"}),
    (
        INC,
        "At least one measurable lesion or bone-only disease with at least one lytic lesion",
        {"amy": "met", "bea": "met", "cal": "!not_met"},
    ),
    (
        INC,
        "Evaluable disease (measurable or non-measurable) as per RECIST 1.1",
        {"amy": "!not_met", "bea": "!not_met", "cal": "!not_met"},
    ),
    (EXC, "Bone-only disease", {"amy": "!met", "bea": "!met", "cal": "!not_met"}),
    # --- prior drug classes ---------------------------------------------------------------
    (
        INC,
        "Disease progression on or after a CDK4/6 inhibitor in combination with endocrine therapy",
        {"amy": "met", "bea": "not_met", "cal": "not_met"},
    ),
    (EXC, "Prior treatment with an oral SERD", {"amy": "not_met", "bea": "not_met"}),
    (
        EXC,
        "Prior treatment with fulvestrant or any other SERD",
        {"amy": "not_met", "bea": "not_met"},
    ),
    (
        EXC,
        "Prior treatment with an antibody-drug conjugate containing a topoisomerase I "
        "inhibitor payload",
        {"amy": "not_met", "bea": "met", "cal": "not_met"},
    ),
    (
        INC,
        "Prior treatment with at least one CDK4/6 inhibitor (palbociclib, ribociclib or "
        "abemaciclib)",
        {"amy": "met", "bea": "not_met", "cal": "not_met"},
    ),
    (EXC, "Previous treatment with a PARP inhibitor", {"amy": "not_met", "bea": "not_met"}),
    (
        INC,
        "Received prior taxane therapy in any setting",
        {"amy": "not_met", "bea": "met", "cal": "not_met"},
    ),
    (EXC, "Prior therapy with capecitabine", {"amy": "met", "bea": "not_met"}),
    (
        EXC,
        "Prior exposure to a topo-I ADC such as trastuzumab deruxtecan",
        {"amy": "not_met", "bea": "met"},
    ),
    # --- refractory -----------------------------------------------------------------------
    (
        INC,
        "Disease refractory to or intolerant of all available standard therapies",
        {"cal": "not_met"},
    ),
    (
        INC,
        "Relapsed or refractory metastatic breast cancer with no standard treatment options "
        "available",
        {"cal": "not_met"},
    ),
    (INC, "Patients for whom no standard-of-care therapy exists", {"cal": "not_met"}),
    # --- alterations ----------------------------------------------------------------------
    (
        INC,
        "Documented ESR1 mutation in ctDNA or tissue",
        {"amy": "not_met", "bea": "unknown", "cal": "unknown"},
    ),
    (INC, "PIK3CA H1047R or E545K mutation", {"amy": "met", "bea": "unknown"}),
    (
        INC,
        "Germline BRCA1 or BRCA2 pathogenic or likely pathogenic variant",
        {"amy": "not_met", "bea": "met", "cal": "unknown"},
    ),
    # --- age, sex, menopause, performance -------------------------------------------------
    (INC, "Female or male, aged 18 years or older", {"amy": "met", "bea": "met", "cal": "met"}),
    (INC, "Women aged 18-65 years", {"amy": "met", "bea": "met", "cal": "not_met"}),
    (INC, "Postmenopausal women", {"amy": "not_met", "bea": "met", "cal": "!met"}),
    (INC, "Pre- or perimenopausal women", {"amy": "met", "bea": "not_met"}),
    (INC, "ECOG performance status of 0 or 1", {"amy": "met", "bea": "met", "cal": "met"}),
    (INC, "ECOG PS ≤ 2 or Karnofsky ≥ 60%", {"amy": "met", "bea": "met", "cal": "met"}),
    (INC, "ECOG performance status 0", {"amy": "met", "bea": "not_met", "cal": "not_met"}),
    (EXC, "Women who are pregnant or breastfeeding", {"amy": "!met", "bea": "!met"}),
]

CASES = cases(ROWS)


@pytest.fixture(scope="module")
def people(kb: Knowledge) -> dict[str, PatientRecord]:
    return {name: make_record(kb, **data) for name, data in PEOPLE.items()}


def verdict(kb: Knowledge, record: PatientRecord, section: str, text: str) -> str:
    """The verdict of one criterion for one person, as the matcher gives it."""
    trial = make_trial(f"{section} Criteria:\n\n* {text}\n")
    found = match_one(record, trial, kb)
    # the study record's own criteria come first; the text's one criterion is the last
    return str(found.criteria[-1].verdict)


@pytest.fixture(scope="module")
def readings(kb: Knowledge, people: dict[str, PatientRecord]) -> dict[tuple[int, str], str]:
    """Every row's verdict for every person: each row is one study of one criterion."""
    return read_rows(kb, people, ROWS, 9)


@pytest.mark.parametrize(("row", "who", "want"), CASES)
def test_a_new_sentence_reads_as_a_nurse_would(
    readings: dict[tuple[int, str], str], row: int, who: str, want: str
) -> None:
    check_reading(readings, ROWS, row, who, want)


def test_one_row_read_alone_reads_the_same(
    kb: Knowledge, people: dict[str, PatientRecord], readings: dict[tuple[int, str], str]
) -> None:
    """Reading the rows together changes nothing: one row, matched on its own."""
    section, text, expected = ROWS[1]
    for who in expected:
        assert verdict(kb, people[who], section, text) == readings[(1, who)]


def test_the_probe_is_broad() -> None:
    assert len(ROWS) >= 60
    assert len({name for _, _, expected in ROWS for name in expected}) == 3


# --- cohort-scoped criteria: a study with parts is judged per part --------------------------
COHORT_TEXTS = {
    "headings": (
        "Inclusion Criteria:\n\nCohort A (HR+/HER2-):\n\n"
        "* ER-positive and/or PR-positive, HER2-negative breast cancer\n"
        "* Progressed on a CDK4/6 inhibitor\n\nCohort B (TNBC):\n\n"
        "* Triple-negative breast cancer\n"
        "* At least one prior line of chemotherapy for metastatic disease\n\n"
        "Cohort C (HER2+):\n\n* HER2-positive breast cancer\n"
        "* No prior systemic therapy for metastatic disease\n\n"
        "Exclusion Criteria:\n\n* Leptomeningeal disease\n"
    ),
    "inline parts": (
        "Inclusion Criteria:\n\n* Metastatic breast cancer\n"
        "* Part 1 (dose escalation): any subtype, at least 2 prior lines of therapy for "
        "metastatic disease\n"
        "* Part 2 (expansion, HER2-low): HER2 IHC 1+ or 2+/ISH-negative, 1 to 3 prior lines\n"
        "* Part 3 (expansion, HER2-positive): HER2-positive, untreated metastatic disease\n"
    ),
    "arms": (
        "Inclusion Criteria:\n\n* Histologically confirmed metastatic breast cancer\n"
        "* Arm 1: premenopausal women with ER+ disease receiving ovarian suppression\n"
        "* Arm 2: men with ER-positive breast cancer\n"
        "* Arm 3: postmenopausal women with triple-negative disease\n"
    ),
}
# (study, person): {cohort key: verdict a nurse would give}
COHORT_ROWS: dict[tuple[str, str], dict[str, str]] = {
    ("headings", "amy"): {"cohort a": "likely_eligible", "cohort b": "likely_ineligible"},
    ("headings", "bea"): {"cohort a": "likely_ineligible", "cohort b": "likely_eligible"},
    ("headings", "cal"): {"cohort b": "likely_ineligible", "cohort c": "likely_eligible"},
    ("inline parts", "amy"): {"part 2": "likely_ineligible", "part 3": "likely_ineligible"},
    ("inline parts", "bea"): {"part 2": "likely_eligible", "part 3": "likely_ineligible"},
    ("inline parts", "cal"): {"part 1": "likely_ineligible", "part 3": "likely_eligible"},
    ("arms", "amy"): {"arm 2": "likely_ineligible", "arm 3": "likely_ineligible"},
    ("arms", "bea"): {"arm 1": "likely_ineligible", "arm 3": "likely_eligible"},
    ("arms", "cal"): {"arm 2": "likely_eligible", "arm 3": "likely_ineligible"},
}


@pytest.mark.parametrize(("study", "who"), sorted(COHORT_ROWS))
def test_each_cohort_is_judged_on_its_own_criteria(
    kb: Knowledge, people: dict[str, PatientRecord], study: str, who: str
) -> None:
    found = match_one(people[who], make_trial(COHORT_TEXTS[study]), kb)
    got = {c.key: c.verdict for c in found.cohorts}
    for key, want in COHORT_ROWS[(study, who)].items():
        assert got[key] == want, f"{study} / {who} / {key}: {got}"
    assert found.verdict == "likely_eligible"  # the best part fits, and is named
    assert found.cohort is not None
