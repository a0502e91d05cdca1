"""`match_trials`: criterion answers with their record entries, trial verdicts (never
ineligible on unknowns alone), exclusion logic with negation, what to find out, ranking and
distance. Small explicit people and trials."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nextline.knowledge import Knowledge
from nextline.record import PatientRecord
from nextline.record.build import build_record
from nextline.record.file_models import PatientFile
from nextline.trials.geo import Point
from nextline.trials.matching import TrialMatch, match_trials
from nextline.trials.models import Site, Trial

AS_OF = dt.date(2025, 3, 1)


def make_record(kb: Knowledge, **extra: Any) -> PatientRecord:
    """A woman, 55, HR+ HER2-low metastatic breast cancer, one line (letrozole +
    palbociclib) that stopped on progression; fields in `extra` replace the defaults."""
    data: dict[str, Any] = {
        "nextline": 1,
        "patient": {
            "id": "p",
            "birth_date": "1970-01-15",
            "sex": "female",
            "menopausal_status": "postmenopausal",
            "location": {"country": "US", "postal_code": "19104"},
        },
        "diagnosis": {"metastatic_since": "2022-01-10"},
        "tumor_tests": [
            {
                "date": "2022-01-10",
                "er": {"result": "positive", "percent": 90},
                "pr": {"result": "positive", "percent": 30},
                "her2": {"ihc": "1+"},
            }
        ],
        "metastases": [{"site": "bone", "since": "2022-01-10"}],
        "therapies": [
            {
                "setting": "metastatic",
                "drugs": ["letrozole", "palbociclib"],
                "start": "2022-02-01",
                "stop": "2025-01-20",
                "stop_reason": "progression",
            }
        ],
        "performance": [{"date": "2025-02-01", "ecog": 1}],
        "labs": [{"date": "2025-02-01", "test": "ANC", "value": 2.1, "unit": "10^9/L"}],
    }
    data.update(extra)
    return build_record(PatientFile.model_validate(data), kb, AS_OF)


def make_trial(criteria: str, **extra: Any) -> Trial:
    fields: dict[str, Any] = {
        "nct_id": "NCT00000001",
        "title": "A study in breast cancer",
        "conditions": ["Metastatic Breast Cancer"],
        "status": "RECRUITING",
        "phases": ["PHASE2"],
        "eligibility_text": criteria,
    }
    fields.update(extra)
    return Trial(**fields)


def match_one(record: PatientRecord, trial: Trial, kb: Knowledge, **kw: Any) -> TrialMatch:
    found = match_trials(record, kb, [trial], AS_OF, include_ineligible=True, **kw)
    assert len(found) == 1
    return found[0]


def criterion(match: TrialMatch, starts: str) -> Any:
    return next(c for c in match.criteria if c.text.startswith(starts))


def test_all_read_criteria_met_is_likely_eligible_with_evidence(kb: Knowledge) -> None:
    trial = make_trial(
        "Inclusion Criteria:\n* HR+/HER2- metastatic breast cancer\n"
        "* Prior CDK4/6 inhibitor in the metastatic setting\n* ECOG 0-1\n"
        "Exclusion Criteria:\n* Active brain metastases\n"
    )
    m = match_one(make_record(kb), trial, kb)
    assert m.verdict == "likely_eligible"
    cdk = criterion(m, "Prior CDK4/6")
    assert (cdk.verdict, cdk.path) == ("met", "therapies[0]")
    assert cdk.detail == "letrozole, palbociclib, 2022-02-01 to 2025-01-20"
    ecog = criterion(m, "ECOG")
    assert (ecog.verdict, ecog.path, ecog.detail) == (
        "met",
        "performance[0]",
        "ECOG 1 on 2025-02-01",
    )
    brain = criterion(m, "Active brain")
    assert (brain.section, brain.verdict) == ("exclusion", "not_met")
    assert m.reasons == ()


def test_an_unmet_requirement_is_likely_ineligible_with_the_reason(kb: Knowledge) -> None:
    trial = make_trial("Inclusion Criteria:\n* Triple-negative breast cancer\n")
    m = match_one(make_record(kb), trial, kb)
    assert m.verdict == "likely_ineligible"
    assert m.reasons == (
        "Not met: Triple-negative breast cancer (ER positive, PR positive, HER2 low)",
    )


def test_a_met_exclusion_is_likely_ineligible(kb: Knowledge) -> None:
    trial = make_trial(
        "Inclusion Criteria:\n* HR-positive breast cancer\n"
        "Exclusion Criteria:\n* Prior treatment with a CDK4/6 inhibitor\n"
    )
    m = match_one(make_record(kb), trial, kb)
    assert m.verdict == "likely_ineligible"
    assert criterion(m, "Prior treatment with a CDK4/6").verdict == "met"


def test_negated_exclusion_is_read_as_written(kb: Knowledge) -> None:
    # "No prior X" under exclusions: excluded when the person has NOT had X
    trial = make_trial(
        "Inclusion Criteria:\n* HR-positive breast cancer\n"
        "Exclusion Criteria:\n* No prior endocrine therapy\n"
    )
    m = match_one(make_record(kb), trial, kb)
    assert criterion(m, "No prior endocrine").verdict == "not_met"
    assert m.verdict == "likely_eligible"


def test_unknowns_alone_never_rule_a_trial_out(kb: Knowledge) -> None:
    trial = make_trial(
        "Inclusion Criteria:\n* HR-positive breast cancer\n"
        "* Documented ESR1 mutation\n* Platelets ≥ 100,000/mcL\n"
    )
    m = match_one(make_record(kb), trial, kb)
    assert m.verdict == "possibly_eligible"
    assert criterion(m, "Documented ESR1").verdict == "unknown"
    assert m.to_find_out == (
        "A tumor or blood (liquid biopsy) test for changes in ESR1",
        "A recent platelets result",
    )


def test_a_negative_gene_test_rules_out_a_required_alteration(kb: Knowledge) -> None:
    record = make_record(
        kb,
        tumor_tests=[
            {
                "date": "2022-01-10",
                "er": {"result": "positive", "percent": 90},
                "her2": {"ihc": "1+"},
            },
            {"date": "2025-01-25", "specimen": "blood", "variants": [], "not_detected": ["ESR1"]},
        ],
    )
    trial = make_trial("Inclusion Criteria:\n* Documented ESR1 mutation\n")
    m = match_one(record, trial, kb)
    esr1 = criterion(m, "Documented ESR1")
    assert (esr1.verdict, esr1.path, m.verdict) == (
        "not_met",
        "tumor_tests[1]",
        "likely_ineligible",
    )


def test_a_recently_finished_treatment_is_a_waiting_time_not_a_barrier(kb: Knowledge) -> None:
    trial = make_trial(
        "Inclusion Criteria:\n* HR-positive breast cancer\n"
        "Exclusion Criteria:\n* Endocrine therapy within 60 days before the "
        "first dose\n"
    )
    m = match_one(make_record(kb), trial, kb)
    washout = criterion(m, "Endocrine therapy within")
    assert washout.verdict == "unknown"
    assert washout.detail == (
        "letrozole, palbociclib, last given 2025-01-20; the study asks for a gap of 60 days "
        "after the last dose"
    )
    assert m.verdict == "possibly_eligible"


def test_treated_stable_brain_metastases_pass_an_active_only_exclusion(kb: Knowledge) -> None:
    record = make_record(
        kb, metastases=[{"site": "brain", "since": "2023-01-01", "treated": "SRS", "stable": True}]
    )
    trial = make_trial(
        "Inclusion Criteria:\n* HR-positive breast cancer\n"
        "Exclusion Criteria:\n* Active or untreated brain metastases\n"
        "* Known brain metastases unless treated and stable\n"
    )
    m = match_one(record, trial, kb)
    assert [c.verdict for c in m.criteria if c.section == "exclusion"] == ["not_met", "not_met"]
    plain = make_trial(
        "Inclusion Criteria:\n* HR-positive breast cancer\n"
        "Exclusion Criteria:\n* Known brain metastases\n"
    )
    assert match_one(record, plain, kb).verdict == "likely_ineligible"


def test_cohort_only_criteria_cannot_rule_a_trial_out(kb: Knowledge) -> None:
    trial = make_trial(
        "Inclusion Criteria:\n* HR-positive breast cancer\n"
        "* Cohort B:\n  * Triple-negative breast cancer\n"
    )
    m = match_one(make_record(kb), trial, kb)
    assert criterion(m, "Triple-negative").verdict == "not_met"
    assert m.verdict == "possibly_eligible"


def test_study_record_conditions_age_and_sex(kb: Knowledge) -> None:
    other = make_trial(
        "Inclusion Criteria:\n* Age ≥ 18\n",
        conditions=["Prostate Cancer"],
        title="A prostate study",
    )
    assert match_one(make_record(kb), other, kb).reasons == (
        "Not for you: this study is for people with other cancers",
    )
    men = make_trial("Inclusion Criteria:\n* HR-positive breast cancer\n", sex="MALE")
    assert match_one(make_record(kb), men, kb).reasons == (
        "Not met: Sex: male (study record) (female)",
    )
    young = make_trial("Inclusion Criteria:\n* HR-positive breast cancer\n", maximum_age_years=50.0)
    assert match_one(make_record(kb), young, kb).verdict == "likely_ineligible"


def test_ranking_puts_verdict_first_then_score(kb: Knowledge) -> None:
    good = make_trial(
        "Inclusion Criteria:\n* HR+/HER2- breast cancer\n", nct_id="NCT00000002", phases=["PHASE3"]
    )
    weaker = make_trial(
        "Inclusion Criteria:\n* HR+/HER2- breast cancer\n",
        nct_id="NCT00000003",
        phases=["PHASE1"],
        status="NOT_YET_RECRUITING",
    )
    unsure = make_trial(
        "Inclusion Criteria:\n* Documented ESR1 mutation\n", nct_id="NCT00000004", phases=["PHASE3"]
    )
    found = match_trials(make_record(kb), kb, [unsure, weaker, good], AS_OF)
    assert [(m.trial.nct_id, m.verdict) for m in found] == [
        ("NCT00000002", "likely_eligible"),
        ("NCT00000003", "likely_eligible"),
        ("NCT00000004", "possibly_eligible"),
    ]
    assert found[0].score > found[1].score


def test_likely_ineligible_trials_are_left_out_unless_asked(kb: Knowledge) -> None:
    trial = make_trial("Inclusion Criteria:\n* Triple-negative breast cancer\n")
    assert match_trials(make_record(kb), kb, [trial], AS_OF) == []


def test_distance_to_the_nearest_site_and_within_filter(kb: Knowledge) -> None:
    sites = [
        Site(facility="Far", city="Seattle", country="United States"),
        Site(
            facility="Near",
            city="Philadelphia",
            country="United States",
            latitude=39.95,
            longitude=-75.16,
        ),
    ]
    trial = make_trial("Inclusion Criteria:\n* HR+/HER2- breast cancer\n", sites=sites)
    m = match_one(make_record(kb), trial, kb)
    assert [s.facility for s in m.sites] == ["Near", "Far"]
    assert m.nearest_km is not None and m.nearest_km < 10
    assert m.sites[1].distance_km is not None and 3_700 < m.sites[1].distance_km < 3_900
    boston = Point(42.36, -71.06, "US")
    assert match_trials(make_record(kb), kb, [trial], AS_OF, near=boston, within_km=100) == []
    assert len(match_trials(make_record(kb), kb, [trial], AS_OF, near=boston, within_km=500)) == 1


def test_country_only_sites_are_kept_in_the_same_country(kb: Knowledge) -> None:
    here = make_trial(
        "Inclusion Criteria:\n* HR+/HER2- breast cancer\n",
        nct_id="NCT00000005",
        sites=[Site(country="United States")],
    )
    abroad = make_trial(
        "Inclusion Criteria:\n* HR+/HER2- breast cancer\n",
        nct_id="NCT00000006",
        sites=[Site(country="France")],
    )
    found = match_trials(make_record(kb), kb, [here, abroad], AS_OF, within_km=200)
    assert [(m.trial.nct_id, m.nearest_km, m.in_country) for m in found] == [
        ("NCT00000005", None, True)
    ]


def test_json_item_follows_the_contract(kb: Knowledge) -> None:
    trial = make_trial(
        "Inclusion Criteria:\n* ECOG 0-1\n",
        sites=[Site(facility="X", city="Paris", country="France")],
    )
    item = match_one(make_record(kb), trial, kb).as_json()
    assert sorted(item) == [
        "cohort",
        "cohorts",
        "criteria",
        "nct_id",
        "phase",
        "population",
        "purpose",
        "reasons",
        "score",
        "sites",
        "status",
        "summary",
        "title",
        "to_find_out",
        "verdict",
    ]
    assert item["phase"] == "PHASE2"
    ecog = next(c for c in item["criteria"] if c["text"] == "ECOG 0-1")
    assert ecog == {
        "text": "ECOG 0-1",
        "section": "inclusion",
        "type": "performance_status",
        "verdict": "met",
        "evidence": {"path": "performance[0]", "detail": "ECOG 1 on 2025-02-01"},
    }
    assert item["sites"][0]["facility"] == "X"


def _facts(record: PatientRecord, kb: Knowledge) -> Any:
    from nextline.trials._facts import PatientFacts

    return PatientFacts.build(record, kb, AS_OF)


def test_her2_categories_against_each_requested_status(kb: Knowledge) -> None:
    from nextline.trials.eligibility import Constraint

    cases = {  # record HER2 -> verdict for positive, negative, low, ultralow, zero, expressing
        "3+": ["met", "not_met", "not_met", "not_met", "not_met", "met"],
        "1+": ["not_met", "met", "met", "not_met", "not_met", "met"],
        "0": ["not_met", "met", "not_met", "unknown", "met", "unknown"],
    }
    for ihc, expected in cases.items():
        record = make_record(
            kb,
            tumor_tests=[
                {
                    "date": "2022-01-10",
                    "er": {"result": "positive", "percent": 90},
                    "her2": {"ihc": ihc},
                }
            ],
        )
        facts = _facts(record, kb)
        got = [
            facts.answer(Constraint(type="her2", statuses=(s,))).verdict
            for s in ("positive", "negative", "low", "ultralow", "zero", "expressing")
        ]
        assert got == expected, ihc


def test_relapse_and_progression_windows(kb: Knowledge) -> None:
    from nextline.trials.eligibility import Constraint

    record = make_record(
        kb,
        therapies=[
            {
                "setting": "adjuvant",
                "drugs": ["anastrozole"],
                "start": "2019-01-01",
                "stop": "2021-06-01",
                "stop_reason": "completed",
            },
            {
                "setting": "metastatic",
                "drugs": ["letrozole", "palbociclib"],
                "start": "2022-02-01",
                "stop": "2022-06-01",
                "stop_reason": "progression",
            },
        ],
    )
    facts = _facts(record, kb)
    early_relapse = Constraint(
        type="prior_therapy", families=("endocrine",), setting="early", relapse_within_days=365
    )
    assert facts.answer(early_relapse).verdict == "met"  # relapse 2022-01-10, 7 months after
    late = early_relapse.model_copy(update={"relapse_within_days": 90})
    assert facts.answer(late).verdict == "not_met"
    primary = Constraint(
        type="prior_therapy", class_ids=("cdk46_inhibitor",), progressed_within_days=183
    )
    assert facts.answer(primary).verdict == "met"  # progression after 4 months
    assert facts.answer(primary.model_copy(update={"progressed_within_days": 90})).verdict == (
        "not_met"
    )


def test_lines_counted_by_family(kb: Knowledge) -> None:
    from nextline.trials.eligibility import Constraint

    facts = _facts(make_record(kb), kb)
    chemo = Constraint(type="prior_lines", minimum=1, families=("chemotherapy",))
    assert (facts.answer(chemo).verdict, facts.answer(chemo).detail) == (
        "not_met",
        "0 lines of chemotherapy for advanced disease",
    )
    endo = Constraint(type="prior_lines", maximum=1, families=("endocrine",))
    assert facts.answer(endo).verdict == "met"


def test_birth_year_only_is_unknown_at_an_age_boundary(kb: Knowledge) -> None:
    from nextline.trials.eligibility import Constraint

    record = make_record(
        kb,
        patient={
            "id": "p",
            "birth_year": 1960,
            "sex": "female",
            "menopausal_status": "postmenopausal",
        },
    )
    facts = _facts(record, kb)
    assert facts.answer(Constraint(type="age", maximum=64)).verdict == "unknown"  # 64 or 65
    assert facts.answer(Constraint(type="age", minimum=18)).verdict == "met"


def test_the_cohort_that_fits_is_named(kb: Knowledge) -> None:
    trial = make_trial(
        "Inclusion Criteria:\n* Metastatic breast cancer\n"
        "* Cohort A:\n  * Triple-negative breast cancer\n"
        "* Cohort B:\n  * HR-positive, HER2-negative breast cancer\n"
        "  * Progression on a prior CDK4/6 inhibitor\n"
    )
    m = match_one(make_record(kb), trial, kb)
    assert m.cohort == "Cohort B"
    assert m.as_json()["cohort"] == "Cohort B"
    tnbc_only = make_trial(
        "Inclusion Criteria:\n* Metastatic breast cancer\n"
        "* Cohort A:\n  * Triple-negative breast cancer\n"
    )
    assert match_one(make_record(kb), tnbc_only, kb).cohort is None
