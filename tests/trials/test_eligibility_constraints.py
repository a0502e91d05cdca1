"""Reading single criteria into constraints: receptors, HER2 categories, alterations,
treatment history with negation and time windows, lines, brain metastases, ECOG, age, sex,
menopause, and lab thresholds with units and × ULN."""

from __future__ import annotations

import pytest

from nextline.knowledge import Knowledge
from nextline.trials.eligibility import Constraint, ParsedEligibility, parse_eligibility
from nextline.trials.eligibility.extract import read_criterion
from nextline.trials.eligibility.split import RawCriterion


def read(text: str, kb: Knowledge, section: str = "inclusion") -> list[list[str]]:
    criterion = read_criterion(RawCriterion(text, section, None, None), kb)  # type: ignore[arg-type]
    return [[c.describe() for c in group] for group in criterion.groups]


def only(text: str, kb: Knowledge, section: str = "inclusion") -> Constraint:
    criterion = read_criterion(RawCriterion(text, section, None, None), kb)  # type: ignore[arg-type]
    assert len(criterion.constraints) == 1, criterion.constraints
    return criterion.constraints[0]


def test_hr_positive_her2_negative_is_one_group(kb: Knowledge) -> None:
    assert read("Histologically confirmed HR+/HER2- advanced breast cancer", kb) == [
        ["HR positive", "HER2 negative", "disease: advanced"]
    ]


def test_alternatives_joined_by_or_are_separate_groups(kb: Knowledge) -> None:
    assert read("HER2 positive (IHC 3+) or triple negative breast cancer", kb) == [
        ["HER2 positive"],
        ["triple-negative"],
    ]


def test_her2_low_or_ultralow_is_one_constraint_with_both(kb: Knowledge) -> None:
    c = only("HER2-low or HER2-ultralow status", kb)
    assert (c.type, c.statuses) == ("her2", ("low", "ultralow"))


def test_her2_ihc_zero(kb: Knowledge) -> None:
    c = only("HER2 IHC 0 by central testing", kb)
    assert (c.type, c.statuses) == ("her2", ("zero",))


def test_conflicting_subtypes_in_a_list_are_alternatives(kb: Knowledge) -> None:
    assert read("Tumor types: HR-positive breast cancer, TNBC", kb) == [
        ["HR positive"],
        ["triple-negative"],
    ]


def test_gene_list_is_one_alteration_in_any(kb: Knowledge) -> None:
    c = only("Documented PIK3CA/AKT1/PTEN alteration", kb)
    assert (c.type, c.genes, c.germline, c.negated) == (
        "alteration",
        ("PIK3CA", "AKT1", "PTEN"),
        False,
        False,
    )


def test_germline_brca_and_wild_type_negation(kb: Knowledge) -> None:
    c = only("Known deleterious germline BRCA1/2 mutation", kb)
    assert (c.genes, c.germline) == (("BRCA1", "BRCA2"), True)
    wild = only("Patients must be BRCA wild-type", kb)
    assert (wild.genes, wild.negated) == (("BRCA1", "BRCA2"), True)


def test_her2_mutation_is_an_erbb2_alteration(kb: Knowledge) -> None:
    c = only("Documented activating HER2 mutation", kb)
    assert (c.type, c.genes) == ("alteration", ("ERBB2",))


def test_prior_class_with_examples_is_one_constraint(kb: Knowledge) -> None:
    c = only(
        "Progressed on a prior CDK4/6 inhibitor (palbociclib, ribociclib or abemaciclib) "
        "in the metastatic setting",
        kb,
    )
    assert (c.type, c.class_ids, c.drug_ids, c.setting) == (
        "prior_therapy",
        ("cdk46_inhibitor",),
        ("palbociclib", "ribociclib", "abemaciclib"),
        "metastatic",
    )


def test_no_prior_therapy_is_negated(kb: Knowledge) -> None:
    c = only("No prior treatment with fulvestrant", kb)
    assert (c.drug_ids, c.negated) == (("fulvestrant",), True)


def test_allowed_therapy_is_not_a_requirement(kb: Knowledge) -> None:
    assert read("Prior CDK4/6 inhibitor exposure is allowed", kb) == []


def test_must_not_in_exclusion_restates_what_excludes(kb: Knowledge) -> None:
    c = only(
        "Patients may not have received chemotherapy within 14 days of the first dose",
        kb,
        "exclusion",
    )
    assert (c.families, c.negated, c.within_days) == (("chemotherapy",), False, 14)


def test_window_in_months_is_days(kb: Knowledge) -> None:
    c = only("Prior exposure to CDK4/6i within 12 months prior to enrollment", kb, "exclusion")
    assert c.within_days == 365


def test_relapse_after_adjuvant_therapy_counts_from_its_end(kb: Knowledge) -> None:
    c = only(
        "Recurrence during or within 12 months after the last dose of adjuvant endocrine therapy",
        kb,
    )
    assert (c.families, c.relapse_within_days, c.within_days, c.setting) == (
        ("endocrine",),
        365,
        None,
        "early",
    )


def test_progression_within_months_of_starting_counts_from_its_start(kb: Knowledge) -> None:
    c = only("Progression within 6 months of starting a CDK4/6 inhibitor", kb, "exclusion")
    assert (c.class_ids, c.progressed_within_days) == (("cdk46_inhibitor",), 183)


def test_hypersensitivity_is_not_treatment_history(kb: Knowledge) -> None:
    assert read("Known hypersensitivity to paclitaxel", kb, "exclusion") == []


def of_type(text: str, kind: str, kb: Knowledge, section: str = "inclusion") -> Constraint:
    criterion = read_criterion(RawCriterion(text, section, None, None), kb)  # type: ignore[arg-type]
    found = [c for c in criterion.constraints if c.type == kind]
    assert len(found) == 1, criterion.constraints
    return found[0]


def test_lines_range_and_ceiling(kb: Knowledge) -> None:
    c = of_type(
        "At least 1 but no more than 3 prior lines of therapy for metastatic disease",
        "prior_lines",
        kb,
    )
    assert (c.type, c.minimum, c.maximum) == ("prior_lines", 1, 3)
    chemo = of_type(
        "No more than 2 prior lines of chemotherapy for advanced disease", "prior_lines", kb
    )
    assert (chemo.maximum, chemo.minimum, chemo.families) == (2, None, ("chemotherapy",))
    more = of_type(
        "More than one line of prior treatment in the advanced setting",
        "prior_lines",
        kb,
        "exclusion",
    )
    assert (more.minimum, more.maximum) == (2, None)


def test_brain_metastases_states(kb: Knowledge) -> None:
    active = only("Active or untreated brain metastases", kb, "exclusion")
    assert (active.type, active.statuses) == ("brain_metastases", ("active",))
    carve = only("Known brain metastases unless treated and stable for 4 weeks", kb, "exclusion")
    assert carve.statuses == ("active",)
    anyb = only("Known brain metastases", kb, "exclusion")
    assert anyb.statuses == ("any",)
    intact = only("Must have at least 1 intact brain metastasis on MRI", kb)
    assert (intact.statuses, intact.negated) == (("active",), False)
    assert read("Patients with treated, stable brain metastases are eligible", kb) == []


def test_ecog_forms(kb: Knowledge) -> None:
    for text, low, high in [
        ("ECOG performance status 0-1", 0, 1),
        ("ECOG performance status of 0, 1, or 2", 0, 2),
        ("Eastern Cooperative Oncology Group (ECOG) ≤ 1", None, 1),
        ("Performance status of 0 or 1 on the ECOG scale", 0, 1),
    ]:
        c = only(text, kb)
        assert (c.scale, c.minimum, c.maximum) == ("ecog", low, high), text


def test_karnofsky(kb: Knowledge) -> None:
    c = only("Karnofsky performance status ≥ 70%", kb)
    assert (c.scale, c.minimum) == ("karnofsky", 70)


def test_age_forms(kb: Knowledge) -> None:
    assert (only("Age ≥ 18 years", kb).minimum) == 18
    c = only("Aged 18 to 75 years", kb)
    assert (c.minimum, c.maximum) == (18, 75)
    assert only("18 years of age or older", kb).minimum == 18
    assert read("Disease-free for at least 5 years", kb) == []


def test_labs_with_units_and_uln(kb: Knowledge) -> None:
    anc = only("Absolute neutrophil count (ANC) ≥ 1,500/mcL", kb)
    assert (anc.test_id, anc.minimum, anc.unit) == ("anc", 1.5, "10^9/L")
    plt = only("Platelets ≥ 100 x 10^9/L", kb)
    assert (plt.test_id, plt.minimum) == ("platelets", 100)
    bili = only("Total bilirubin ≤ 1.5 × ULN", kb)
    assert (bili.test_id, bili.maximum, bili.unit, bili.soft) == ("bilirubin", 1.5, "xULN", False)
    crea = only("Serum creatinine ≤ 1.5 mg/dL or creatinine clearance ≥ 60 mL/min", kb)
    assert (crea.test_id, crea.maximum, crea.soft) == ("creatinine", 1.5, True)
    hb = only("Hemoglobin ≥ 9 g/dL", kb)
    assert (hb.test_id, hb.minimum) == ("hemoglobin", 9)


def test_sex_and_menopause(kb: Knowledge) -> None:
    assert only("Female sex", kb).statuses == ("female",)
    assert read("Men and women are eligible", kb) == []
    meno = only("Postmenopausal women", kb)
    assert meno.statuses == ("postmenopausal",)
    ofs = only("Postmenopausal, or premenopausal with ovarian suppression", kb)
    assert ofs.statuses == ("perimenopausal", "postmenopausal", "premenopausal")


def test_early_stage_and_metastatic_exclusion(kb: Knowledge) -> None:
    assert only("Stage I-III invasive breast cancer", kb).statuses == ("early",)
    assert only("Distant metastatic disease", kb, "exclusion").statuses == ("advanced",)


def test_unread_key_topic_is_named(kb: Knowledge) -> None:
    criterion = read_criterion(
        RawCriterion(
            "Tumor must be HER2 status evaluable by central review", "inclusion", None, None
        ),
        kb,
    )
    assert (criterion.groups, criterion.topics) == ((), ("her2",))


def test_other_cancer_criteria_in_a_basket_are_scoped(kb: Knowledge) -> None:
    criterion = read_criterion(
        RawCriterion("Platinum-resistant ovarian cancer", "inclusion", None, None), kb
    )
    assert criterion.cohort == "other cancer types"


def test_parsed_eligibility_round_trips_as_json(kb: Knowledge) -> None:
    text = (
        "Inclusion Criteria:\n* HR+/HER2- breast cancer\n* ECOG 0-1\n"
        "Exclusion Criteria:\n* Prior fulvestrant\n"
    )
    parsed = parse_eligibility(text, kb)
    again = ParsedEligibility.model_validate_json(parsed.model_dump_json())
    assert again == parsed
    assert [c.type for c in parsed.criteria] == [
        "hormone_receptor",
        "performance_status",
        "prior_therapy",
    ]


@pytest.mark.parametrize("text", ["", "   ", "Inclusion Criteria:\n"])
def test_empty_text_parses_to_nothing(text: str, kb: Knowledge) -> None:
    assert parse_eligibility(text, kb).criteria == ()


def test_a_huge_bracket_run_in_a_criterion_is_scoped_in_bounded_time() -> None:
    from nextline.trials.eligibility.nlp import MAX_SCOPED_CHARS, Mention, scope

    text = "No prior fulvestrant " + "(" * 100_000
    mentions = [Mention(9, 20, "drug"), Mention(len(text) - 5, len(text), "noise")]
    found = scope(text, mentions)
    assert len(text) > MAX_SCOPED_CHARS
    assert found[0].negated is True
    assert found[1].categories == frozenset()
