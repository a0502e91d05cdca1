"""The three example people over real trials of the bundled catalog (ClinicalTrials.gov,
January 2026): trials each person cannot join, with the criterion that rules them out, and
trials that fit, with the criterion that fits. No trial that needs a receptor status, HER2
category, alteration or treatment history the person does not have is `likely_eligible`."""

from __future__ import annotations

import datetime as dt

import pytest

from nextline.examples import example_path
from nextline.knowledge import Knowledge
from nextline.record import load_record
from nextline.trials.catalog import load_default_catalog
from nextline.trials.kind import ENROLS_METASTATIC
from nextline.trials.matching import TrialMatch, match_trials

AS_OF = {
    "hr-positive-esr1": dt.date(2024, 4, 15),
    "her2-positive-brain": dt.date(2025, 3, 1),
    "triple-negative-brca": dt.date(2024, 8, 25),
}

# (NCT id, start of the deciding criterion's text, its type, its verdict)
RULED_OUT = {
    "hr-positive-esr1": [
        # "advanced solid tumor ... for which there are no further standard therapeutic
        # options available" (the criterion is named by its first constraint, the stage; the
        # part not met is the standard options: fulvestrant-based ones remain for her). Moved
        # from FITS in session 9, when the wording was first read.
        ("NCT05546268", "Have a selected advanced solid tumor", "disease_stage", "not_met"),
        ("NCT05086692", "Breast cancer studied: Triple Negative", "triple_negative", "not_met"),
        ("NCT05826964", "Prior exposure to CDK4/6i ≤12 months", "prior_therapy", "met"),
        ("NCT04090567", "Study title: Overcoming PARP Inhibitor", "alteration", "not_met"),
        ("NCT05455619", "Patient has identified PI3K pathway alteration", "alteration", "not_met"),
        (
            "NCT06263543",
            "Received at least 1 but no more than 4 prior systemic chemotherapy",
            "prior_lines",
            "not_met",
        ),
        ("NCT06625515", "BRCA1 or BRCA2 deficient, HER2 negative", "her2", "not_met"),
        (
            "NCT05748834",
            "Study title: Phase 2 Single Arm Trial With a Safety Lead-in of Tucatinib",
            "her2",
            "not_met",
        ),
        (
            "NCT05579366",
            "Participants with known or suspected deleterious germline or somatic BRCA",
            "alteration",
            "not_met",
        ),
        (
            "NCT06538389",
            "Currently taking a third-generation aromatase inhibitor",
            "prior_therapy",
            "not_met",
        ),
        ("NCT05996107", "Prior history of CDK4/6 inhibitor therapy", "prior_therapy", "met"),
        (
            "NCT05464810",
            "Biopsy proven hormone receptor positive, HER2 negative stage I-III",
            "her2",
            "not_met",
        ),
        (
            "NCT06224673",
            "Participants must have received at least one prior line of chemotherapy",
            "prior_lines",
            "not_met",
        ),
    ],
    "her2-positive-brain": [
        # "relapsed/refractory" while standard HER2 options fit (the options engine)
        ("NCT06253871", "Have relapsed/refractory HER2-altered", "her2", "not_met"),
        ("NCT06188520", "Breast cancer studied: ER+ HER2- Advanced", "her2", "not_met"),
        ("NCT06263543", "Study title: SERIES", "hormone_receptor", "not_met"),
        ("NCT04090567", "Study title: Overcoming PARP Inhibitor", "alteration", "not_met"),
        ("NCT06242470", "Prior treatment with any B7-H3 targeted agent", "prior_therapy", "met"),
        ("NCT05546268", "Breast cancer studied: HR-positive, HER2-negative", "her2", "not_met"),
        ("NCT06778863", "Tumors must harbor a TP53 R175H", "alteration", "not_met"),
        ("NCT05107674", "Breast cancer studied: Triple Negative", "triple_negative", "not_met"),
        (
            "NCT06016738",
            "Study title: A Phase 3 Randomized, Open-Label Study of OP-1250",
            "her2",
            "not_met",
        ),
        (
            "NCT06686394",
            "Evidence of spinal cord compression or brain metastases",
            "brain_metastases",
            "met",
        ),
        ("NCT06348134", "Chemotherapy-naïve patients", "prior_therapy", "not_met"),
        (
            "NCT05325632",
            "Participants must have histologically confirmed clinical stage I- III",
            "her2",
            "not_met",
        ),
        ("NCT06760637", "Study title: AN INTERVENTIONAL, OPEN-LABEL", "her2", "not_met"),
    ],
    "triple-negative-brca": [
        # "progressed despite all standard therapies": sacituzumab govitecan remains for her
        (
            "NCT05827614",
            "Locally advanced or metastatic non-resectable",
            "standard_options",
            "not_met",
        ),
        # "refractory to all standard therapies" while standard options fit (options engine)
        (
            "NCT06625515",
            "Refractory to or relapsed after all standard therapies",
            "standard_options",
            "not_met",
        ),
        ("NCT06999187", "Study title: A Phase 1a/1b", "standard_options", "not_met"),
        (
            "NCT06760637",
            "Documented estrogen receptor (ER) and/or progesterone receptor",
            "hormone_receptor",
            "not_met",
        ),
        ("NCT06188520", "Breast cancer studied: ER+ HER2- Advanced", "her2", "not_met"),
        ("NCT05573126", "Biopsy-proven AR+ and ER+ breast cancer", "hormone_receptor", "not_met"),
        ("NCT06778863", "Tumors must harbor a TP53 R175H", "alteration", "not_met"),
        ("NCT06055881", "Patients with triple negative disease", "triple_negative", "met"),
        ("NCT05546268", "Breast cancer studied: HR-positive, HER2-negative", "her2", "not_met"),
        (
            "NCT06841354",
            "Has TNBC with evaluable tumor programmed death ligand 1",
            "triple_negative",
            "met",
        ),
        ("NCT06224673", "Pathologically documented HER2-low locally advanced", "her2", "not_met"),
        (
            "NCT05748834",
            "Study title: Phase 2 Single Arm Trial With a Safety Lead-in of Tucatinib",
            "her2",
            "not_met",
        ),
        (
            "NCT05514717",
            "Breast cancer studied: HER2-positive Breast Cancer; HER2 Low",
            "her2",
            "not_met",
        ),
        (
            "NCT06150664",
            "Patients must have received prior sacituzumab govitecan",
            "prior_therapy",
            "not_met",
        ),
        (
            "NCT06016738",
            "Study title: A Phase 3 Randomized, Open-Label Study of OP-1250",
            "her2",
            "not_met",
        ),
    ],
}

FITS = {
    "hr-positive-esr1": [
        ("NCT06732336", "Study title: HER2-PET Imaging", "her2"),
        ("NCT06545331", "Breast cancer studied: Hormone-receptor-positive", "hormone_receptor"),
        (
            "NCT06525766",
            "Study title: Single Arm Pilot Trial of Adaptive Therapy",
            "hormone_receptor",
        ),
        ("NCT06188520", "Breast cancer studied: ER+ HER2- Advanced", "her2"),
        ("NCT06016738", "ER+, HER2- locally advanced or metastatic breast cancer", "her2"),
        ("NCT06374459", "Study title: A Phase Ib/II Trial of Zunsemetinib", "her2"),
        ("NCT06590857", "Histologically confirmed, ER+, HER2-negative", "her2"),
        ("NCT04862663", "Histologically confirmed HR+/ HER2- breast cancer", "her2"),
        (
            "NCT06678269",
            "Documented estrogen receptor (ER) positive and/or progesterone",
            "hormone_receptor",
        ),
    ],
    "her2-positive-brain": [
        ("NCT05514717", "Breast cancer studied: HER2-positive Breast Cancer; HER2 Low", "her2"),
        (
            "NCT05892068",
            "Study title: Window of Opportunity Analysis of Pre-Operative Tucatinib",
            "her2",
        ),
        ("NCT06844669", "Breast cancer studied: HER2-positive Breast Cancer", "her2"),
    ],
    "triple-negative-brca": [
        ("NCT05086692", "Breast cancer studied: Triple Negative", "triple_negative"),
        ("NCT06657222", "Breast cancer studied: TNBC", "triple_negative"),
        ("NCT04389632", "Breast cancer studied: HER2 Negative Breast Neoplasms", "her2"),
        (
            "NCT06400472",
            "Breast cancer studied: Triple Negative Breast Neoplasms",
            "triple_negative",
        ),
        ("NCT05902988", "Breast cancer studied: Triple Negative", "triple_negative"),
        ("NCT06545331", "Breast cancer studied: Hormone-receptor-positive", "hormone_receptor"),
        ("NCT04573231", "Study title: Evaluation of Prostate Specific Membrane Antigen", "her2"),
        (
            "NCT05787587",
            "Participant must have progressed on at least one prior line",
            "prior_lines",
        ),
    ],
}


@pytest.fixture(scope="module")
def catalog_trials() -> dict[str, object]:
    return {t.nct_id: t for t in load_default_catalog().trials}


def _matches(
    person: str, ids: list[str], kb: Knowledge, catalog_trials: dict[str, object]
) -> dict[str, TrialMatch]:
    record = load_record(example_path(person), kb, AS_OF[person])
    trials = [catalog_trials[i] for i in ids]
    found = match_trials(record, kb, trials, AS_OF[person], include_ineligible=True)  # type: ignore[arg-type]
    return {m.trial.nct_id: m for m in found}


SUBTYPE = {"hormone_receptor", "her2", "triple_negative"}


def _kind(kind: str) -> str:
    """Receptor, HER2 and triple-negative statements are read together ("HR+/HER2-"): the
    criterion is named after the first of them."""
    return "subtype" if kind in SUBTYPE else kind


def _criterion(match: TrialMatch, starts: str):  # type: ignore[no-untyped-def]
    hits = [c for c in match.criteria if c.text.startswith(starts)]
    assert hits, f"{match.trial.nct_id}: no criterion starting {starts!r}"
    return hits[0]


@pytest.mark.parametrize("person", sorted(RULED_OUT))
def test_trials_ruled_out_by_biology_or_history_are_likely_ineligible(
    person: str, kb: Knowledge, catalog_trials: dict[str, object]
) -> None:
    cases = RULED_OUT[person]
    matches = _matches(person, [c[0] for c in cases], kb, catalog_trials)
    wrong = []
    for nct, starts, kind, verdict in cases:
        match = matches[nct]
        if match.verdict == "likely_ineligible" and match.population not in ENROLS_METASTATIC:
            continue  # ruled out before its criteria: the study is not for metastatic cancer
        criterion = _criterion(match, starts)
        got = (match.verdict, _kind(criterion.type), criterion.verdict)
        if got != ("likely_ineligible", _kind(kind), verdict):
            wrong.append((nct, got))
    assert wrong == []


@pytest.mark.parametrize("person", sorted(FITS))
def test_trials_that_fit_are_kept_with_the_criterion_that_fits(
    person: str, kb: Knowledge, catalog_trials: dict[str, object]
) -> None:
    cases = FITS[person]
    matches = _matches(person, [c[0] for c in cases], kb, catalog_trials)
    wrong = []
    for nct, starts, kind in cases:
        match = matches[nct]
        criterion = _criterion(match, starts)
        if match.verdict == "likely_ineligible" or (
            _kind(criterion.type),
            criterion.verdict,
        ) != (_kind(kind), "met"):
            wrong.append((nct, match.verdict, criterion.type, criterion.verdict, match.reasons))
    assert wrong == []


@pytest.mark.parametrize("person", sorted(AS_OF))
def test_no_likely_eligible_breast_trial_needs_biology_or_history_the_person_lacks(
    person: str, kb: Knowledge
) -> None:
    catalog = load_default_catalog(breast_only=True)
    record = load_record(example_path(person), kb, AS_OF[person])
    matches = match_trials(record, kb, catalog.trials, AS_OF[person])
    key = {
        "hormone_receptor",
        "her2",
        "triple_negative",
        "alteration",
        "prior_therapy",
        "prior_lines",
    }
    against = []
    for match in matches:
        if match.verdict != "likely_eligible":
            continue
        for c in match.criteria:
            if (
                c.cohort is None
                and c.type in key
                and c.verdict != "met"
                and (c.section == "inclusion")
            ):
                against.append((match.trial.nct_id, c.text[:80], c.verdict))
    assert against == []
