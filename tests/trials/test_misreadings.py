"""Each misreading listed in issue 18, as a person and a criterion: quantifiers, conditions,
disjunctions, negative tests of a required alteration, hard unknowns, HER2 and sex wording,
washouts, therapy settings. Every case failed before the fix; several phrasings per rule."""

from __future__ import annotations

from typing import Any

import pytest

from nextline.knowledge import Knowledge
from tests.trials.test_matching import criterion, make_record, make_trial, match_one

UNTREATED: dict[str, Any] = {"therapies": []}


def _verdict(kb: Knowledge, text: str, section: str = "Inclusion", **record: Any) -> str:
    trial = make_trial(f"{section} Criteria:\n\n* {text}\n")
    found = match_one(make_record(kb, **record), trial, kb)
    return str(criterion(found, text[:30]).verdict)


# --- quantifiers ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Must not have received more than 3 lines of systemic therapy for metastatic disease",
        "No more than 1 prior chemotherapy regimen for metastatic disease",
        "No more than one prior chemotherapy for metastatic disease.",
        "Patients may have received up to 2 prior lines of chemotherapy for metastatic disease",
    ],
)
def test_a_ceiling_is_met_by_fewer_lines(kb: Knowledge, text: str) -> None:
    assert _verdict(kb, text) == "met"


def test_at_least_one_prior_line_is_not_met_by_an_untreated_person(kb: Knowledge) -> None:
    text = "Progressed after at least one but no more than 3 prior lines of therapy for MBC"
    assert _verdict(kb, text, **UNTREATED) == "not_met"


# --- conditions ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Premenopausal women and men must be receiving an LHRH agonist",
        "Male and pre- or peri-menopausal female participants must be willing to take a GnRH "
        "agonist",
        "Female participants can be pre-, peri- or postmenopausal",
        "Male subjects must agree to not freeze or donate sperm during the study",
    ],
)
def test_a_condition_that_does_not_apply_to_her_is_not_held_against_her(
    kb: Knowledge, text: str
) -> None:
    assert _verdict(kb, text) != "not_met"


@pytest.mark.parametrize(
    "text",
    [
        "Female participant is lactating",
        "Women who are breast feeding",
        "Pregnant or breastfeeding women",
    ],
)
def test_pregnancy_and_lactation_exclusions_do_not_fire_on_female_sex(
    kb: Knowledge, text: str
) -> None:
    assert _verdict(kb, text, section="Exclusion") != "met"


# --- disjunctions -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Postmenopausal, defined as age ≥ 60 years or age < 60 with no menses for 12 months",
        "Female subjects must either be of non-reproductive potential (post-menopausal by "
        "history: ≥ 60 years old and no menses for ≥1 year; OR history of hysterectomy)",
    ],
)
def test_an_age_inside_a_menopause_definition_is_not_an_age_limit(kb: Knowledge, text: str) -> None:
    assert _verdict(kb, text) != "not_met"


def test_er_and_or_pr_positive_is_met_by_er_positive_pr_negative(kb: Knowledge) -> None:
    tests = [
        {
            "date": "2022-01-10",
            "er": {"result": "positive", "percent": 90},
            "pr": {"result": "negative", "percent": 0},
            "her2": {"ihc": "1+"},
        }
    ]
    text = (
        "Breast cancer that is hormone receptor positive (estrogen receptor and/or "
        "progesterone receptor positive)"
    )
    assert _verdict(kb, text, tumor_tests=tests) == "met"


# --- HER2 wording ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "HER2-low (IHC 1+ or 2+ without amplification) metastatic breast cancer",
        "HER2-low status determined by IHC 1+ or 2+ and no evidence of HER2 gene amplification",
    ],
)
def test_her2_low_by_ihc_is_met_by_ihc_1_plus(kb: Knowledge, text: str) -> None:
    assert _verdict(kb, text) == "met"


def test_prior_anti_her2_therapy_is_found_in_the_history(kb: Knowledge) -> None:
    therapies = [
        {
            "setting": "metastatic",
            "drugs": ["trastuzumab", "pertuzumab", "docetaxel"],
            "start": "2022-02-01",
            "stop": "2024-06-01",
            "stop_reason": "progression",
        }
    ]
    tests = [{"date": "2022-01-10", "er": {"result": "negative"}, "her2": {"ihc": "3+"}}]
    text = "Prior treatment with at least 1 line of anti-HER2 therapy for metastatic disease"
    assert _verdict(kb, text, therapies=therapies, tumor_tests=tests) == "met"


# --- therapy settings and double negatives -------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Has received prior chemotherapy for unresectable locally advanced or metastatic "
        "breast cancer",
        "Prior endocrine therapy in the metastatic setting is not allowed",
        "Prior chemotherapy in the metastatic setting",
    ],
)
def test_an_exclusion_for_a_prior_therapy_does_not_apply_without_it(
    kb: Knowledge, text: str
) -> None:
    assert _verdict(kb, text, section="Exclusion", **UNTREATED) == "not_met"


def test_no_prior_systemic_therapy_for_metastatic_disease_is_met_when_untreated(
    kb: Knowledge,
) -> None:
    text = (
        "No prior systemic anticancer therapy for metastatic or advanced disease "
        "(chemotherapy, targeted therapy or endocrine therapy)"
    )
    assert _verdict(kb, text, **UNTREATED) == "met"


# --- hard unknowns ----------------------------------------------------------------------------
def test_unknown_measurable_disease_makes_the_trial_possible_and_is_asked_first(
    kb: Knowledge,
) -> None:
    trial = make_trial(
        "Inclusion Criteria:\n\n* ER-positive, HER2-negative metastatic breast cancer\n"
        "* Measurable disease per RECIST 1.1\n"
    )
    record = make_record(kb)  # bone-only, no scan with measured lesions
    found = match_one(record, trial, kb)
    assert found.verdict == "possibly_eligible"
    assert "measured" in found.to_find_out[0]


# --- either/or between whole clauses --------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Prior treatment with at least 1 line of endocrine therapy for metastatic disease or "
        "relapsed within 6 months of completion of adjuvant chemotherapy",
        "Relapse within 12 months of adjuvant chemotherapy, or progression on at least one "
        "endocrine therapy for metastatic disease",
    ],
)
def test_either_of_two_histories_is_enough(kb: Knowledge, text: str) -> None:
    assert _verdict(kb, text) == "met"  # letrozole + palbociclib for metastatic disease


def test_a_stage_named_only_as_where_a_sample_may_come_from_is_not_a_stage_limit(
    kb: Knowledge,
) -> None:
    text = (
        "HER2-low metastatic breast cancer. HER2 status can be documented from any tumor "
        "sample (early-stage or metastatic)."
    )
    assert _verdict(kb, text) == "met"


@pytest.mark.parametrize(
    "text",
    [
        "Measurable disease. Bone only disease allowed if associated with a soft tissue "
        "component that is measurable by RECIST 1.1",
        "Measurable disease per RECIST 1.1; bone-only disease is eligible provided a lytic "
        "lesion is measurable",
    ],
)
def test_a_bone_only_carve_out_that_still_asks_for_a_measurable_part_is_read(
    kb: Knowledge, text: str
) -> None:
    trial = make_trial(f"Inclusion Criteria:\n\n* {text}\n")
    found = match_one(make_record(kb), trial, kb)
    got = criterion(found, text[:30])
    assert (got.type, got.verdict) == ("measurable_disease", "unknown")


# --- counting endocrine therapies; ovarian suppression alone ---------------------------------
SUPPRESSION_AFTER: dict[str, Any] = {
    "therapies": [
        {
            "setting": "metastatic",
            "drugs": ["goserelin", "letrozole", "palbociclib"],
            "start": "2022-02-01",
            "stop": "2025-01-20",
            "stop_reason": "progression",
        },
        {"setting": "metastatic", "drugs": ["goserelin"], "start": "2025-01-20"},
    ],
}


@pytest.mark.parametrize(
    "text",
    [
        "Patients must have received at least 2 prior endocrine therapies, including a CDK4/6 "
        "inhibitor, in the metastatic setting",
        "At least two prior lines of endocrine therapy for metastatic disease",
    ],
)
def test_ovarian_suppression_alone_is_not_a_second_endocrine_therapy(
    kb: Knowledge, text: str
) -> None:
    assert _verdict(kb, text, **SUPPRESSION_AFTER) == "not_met"


def test_ongoing_ovarian_suppression_is_not_recent_anticancer_therapy(kb: Knowledge) -> None:
    text = "Any anticancer therapy within 14 days before the first dose"
    assert _verdict(kb, text, section="Exclusion", **SUPPRESSION_AFTER) == "not_met"


def test_an_allowance_in_another_sentence_does_not_turn_a_minimum_into_a_ceiling(
    kb: Knowledge,
) -> None:
    text = (
        "Participants must have received at least one prior line of chemotherapy or ADC "
        "therapy for metastatic disease. Prior checkpoint inhibitor therapy is allowed."
    )
    assert _verdict(kb, text) == "not_met"  # endocrine therapy + CDK4/6 inhibitor only


def test_a_platelet_count_per_microlitre_written_with_the_wrong_unit_is_read_per_microlitre(
    kb: Knowledge,
) -> None:
    labs = [{"date": "2025-02-01", "test": "platelets", "value": 210, "unit": "10^9/L"}]
    assert _verdict(kb, "Platelets ≥ 100,000 x 10^9/L", labs=labs) == "met"


# --- "refractory to standard therapy", judged against the options engine --------------------
@pytest.mark.parametrize(
    "text",
    [
        "Disease refractory to or intolerant of all available standard therapy",
        "No standard therapy available or standard therapy has failed",
        "Patients for whom no effective standard treatment exists",
        "Has exhausted all available standard of care therapies",
    ],
)
def test_refractory_to_standard_therapy_is_not_met_while_standard_options_remain(
    kb: Knowledge, text: str
) -> None:
    # letrozole + palbociclib stopped working: fulvestrant-based options still fit
    trial = make_trial(f"Inclusion Criteria:\n\n* {text}\n")
    found = match_one(make_record(kb), trial, kb)
    got = criterion(found, text[:30])
    assert (got.type, got.verdict) == ("standard_options", "not_met")
    assert "fulvestrant" in got.detail


def test_refractory_in_the_title_is_judged_too(kb: Knowledge) -> None:
    trial = make_trial(
        "Inclusion Criteria:\n\n* Metastatic breast cancer\n",
        title="Drug X in relapsed or refractory solid tumours",
    )
    found = match_one(make_record(kb), trial, kb)
    assert found.verdict == "likely_ineligible"
    assert criterion(found, "Study title").type == "standard_options"


def test_progression_on_the_most_recent_therapy_needs_a_therapy(kb: Knowledge) -> None:
    text = "Progression on or after the most recent systemic therapy for advanced disease"
    assert _verdict(kb, text, **UNTREATED) == "not_met"
    assert _verdict(kb, text) == "met"


def test_a_trial_judged_the_best_option_by_the_investigator_is_unknown_not_failed(
    kb: Knowledge,
) -> None:
    text = (
        "Metastatic solid tumors treated with prior standard therapy or where in the opinion "
        "of the Investigator, a clinical trial is the best option for the next treatment"
    )
    trial = make_trial(f"Inclusion Criteria:\n\n* {text}\n")
    found = match_one(make_record(kb), trial, kb)
    assert criterion(found, text[:30]).verdict == "unknown"
    assert found.verdict == "possibly_eligible"


@pytest.mark.parametrize(
    "text",
    [
        "Any solid tumor with progression on or after or intolerance to most recent systemic "
        "therapy",
        "Must have progressed following prior standard therapy",
    ],
)
def test_progression_on_a_previous_therapy_is_not_met_by_an_untreated_person(
    kb: Knowledge, text: str
) -> None:
    assert _verdict(kb, text, **UNTREATED) == "not_met"


def test_a_heading_for_all_arms_is_not_a_cohort(kb: Knowledge) -> None:
    trial = make_trial(
        "Inclusion Criteria All Arms:\n\n* Patients must have a confirmed ESR1 mutation\n"
    )
    record = make_record(
        kb,
        tumor_tests=[
            {
                "date": "2022-01-10",
                "er": {"result": "positive"},
                "her2": {"ihc": "1+"},
                "not_detected": ["ESR1"],
            }
        ],
    )
    found = match_one(record, trial, kb)
    assert criterion(found, "Patients must have").cohort is None
    assert found.verdict == "likely_ineligible"


def test_progression_on_the_latest_therapy_is_unknown_while_it_is_still_working(
    kb: Knowledge,
) -> None:
    ongoing = {
        "therapies": [
            {
                "setting": "metastatic",
                "drugs": ["letrozole", "palbociclib"],
                "start": "2022-02-01",
            }
        ]
    }
    text = "Progression on or after the most recent systemic therapy"
    assert _verdict(kb, text, **ongoing) == "unknown"


def test_a_brain_lesion_needing_immediate_treatment_is_an_active_one(kb: Knowledge) -> None:
    text = "Any brain lesion thought to require immediate local therapy"
    brain = {
        "metastases": [
            {"site": "brain", "since": "2023-01-10", "treated": "SRS", "stable": True},
        ]
    }
    assert _verdict(kb, text, section="Exclusion", **brain) == "not_met"


TNBC: dict[str, Any] = {
    "tumor_tests": [
        {
            "date": "2022-01-10",
            "er": {"result": "negative"},
            "pr": {"result": "negative"},
            "her2": {"ihc": "0"},
        }
    ]
}


@pytest.mark.parametrize(
    "text",
    [
        "Advanced HER2-negative breast cancer. Estrogen receptor positive (ER+) patients must "
        "have progressed on a prior endocrine therapy.",
        "Metastatic HER2-negative breast cancer. HR-positive participants should have received "
        "endocrine therapy with a CDK4/6 inhibitor.",
    ],
)
def test_a_sentence_binding_only_some_people_is_not_a_requirement_for_all(
    kb: Knowledge, text: str
) -> None:
    assert _verdict(kb, text, **TNBC) == "met"


def test_a_sentence_that_only_allows_something_leaves_the_rest_answerable(
    kb: Knowledge,
) -> None:
    text = (
        "Metastatic adenocarcinoma of the breast not amenable to curative therapy. Note: "
        "patients relapsing while on adjuvant tamoxifen or AI are eligible for this study."
    )
    assert _verdict(kb, text) == "met"


def test_steroids_for_brain_metastases_exclude_only_metastases_needing_steroids(
    kb: Knowledge,
) -> None:
    text = (
        "Ongoing use of systemic corticosteroids for control of symptoms of brain metastases "
        "at a total daily dose of >2 mg of dexamethasone"
    )
    brain = {
        "metastases": [
            {"site": "brain", "since": "2023-01-10", "treated": "SRS", "stable": True},
        ]
    }
    assert _verdict(kb, text, section="Exclusion", **brain) == "not_met"
