"""Trials with cohorts, parts or arms are judged per cohort: each cohort's verdict is the
shared criteria plus that cohort's own; the trial's verdict is the best cohort's, named,
with that cohort's reasons and open questions. Real texts from the bundled catalog (cut to
the criteria that matter) and synthetic ones."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from nextline.knowledge import Knowledge
from nextline.trials.cohorts import cohort_keys
from nextline.trials.matching import match_trials
from tests.trials.test_matching import make_record, make_trial, match_one

# NCT06224673 (ARX788, phase 2), inclusion criteria as registered: lab lines, measurable
# disease and each cohort's second sentence (its HR+ / HR- cut-offs) left out.
ARX788 = (
    "Inclusion Criteria:\n\n"
    "* Male or female participants age 18 years or greater with ability to provide written "
    "informed consent for the study.\n"
    "* Eastern Cooperative Oncology Group (ECOG) score of 0-2.\n"
    "* Pathologically documented HER2-low locally advanced unresectable or metastatic breast "
    "cancer (MBC). NOTE: human epidermal growth factor receptor 2 (HER2)-low status determined "
    "by HER2 immunohistochemistry (IHC) 1+ or 2+ and no evidence of HER2 gene amplification by "
    "in situ hybridization (ISH)/fluorescence in situ hybridization (FISH).\n\n"
    "  * Cohort 1: Participants with hormone receptor positive (HR+)/HER2-low locally advanced "
    "unresectable or MBC.\n"
    "  * Cohort 2: Participants with hormone receptor negative (HR-)/HER2-low locally advanced "
    "unresectable or MBC.\n"
)

# NCT04606446 (PF-07248144), the parts of phase 2 as registered, trimmed.
PARTS_2A_2B = (
    "Inclusion Criteria:\n\n"
    "* Part 2A (ER+HER2- breast cancer 2L+, monotherapy) Histological or cytological diagnosis "
    "of locally advanced or metastatic ER+HER2- breast cancer. Participants must have received "
    "a prior CDK4/6 inhibitor.\n"
    "* Part 2C (triple-negative breast cancer, monotherapy) Histological or cytological "
    "diagnosis of metastatic triple-negative breast cancer.\n"
    "* Eastern Cooperative Oncology Group (ECOG) Performance Status PS 0 or 1\n"
)


def _tnbc_her2_low(kb: Knowledge, **extra: Any) -> Any:
    return make_record(
        kb,
        tumor_tests=[
            {
                "date": "2022-01-10",
                "er": {"result": "negative", "percent": 0},
                "pr": {"result": "negative", "percent": 0},
                "her2": {"ihc": "1+"},
            }
        ],
        **extra,
    )


def test_a_person_who_fits_cohort_one_is_judged_on_cohort_one(kb: Knowledge) -> None:
    m = match_one(make_record(kb), make_trial(ARX788, nct_id="NCT06224673"), kb)
    assert m.verdict == "likely_eligible"
    assert m.cohort == (
        "Cohort 1: Participants with hormone receptor positive (HR+)/HER2-low locally advanced "
        "unresectable or MBC"
    )
    assert m.reasons == ()
    by_name = {c.key: c.verdict for c in m.cohorts}
    assert by_name == {"cohort 1": "likely_eligible", "cohort 2": "likely_ineligible"}


def test_a_person_who_fails_cohort_one_is_eligible_through_cohort_two(kb: Knowledge) -> None:
    m = match_one(_tnbc_her2_low(kb), make_trial(ARX788, nct_id="NCT06224673"), kb)
    assert m.verdict == "likely_eligible"
    assert m.cohort is not None and m.cohort.startswith("Cohort 2: ")
    # the other cohort's unmet criterion is not a reason against the trial
    assert m.reasons == ()
    two = next(c for c in m.cohorts if c.key == "cohort 2")
    one = next(c for c in m.cohorts if c.key == "cohort 1")
    assert (two.verdict, one.verdict) == ("likely_eligible", "likely_ineligible")
    assert one.reasons[0].startswith("Not met: Cohort 1: Participants with hormone receptor")


def test_a_person_who_fails_every_cohort_is_not_eligible(kb: Knowledge) -> None:
    trial = make_trial(PARTS_2A_2B, nct_id="NCT04606446")
    her2_positive = make_record(
        kb,
        tumor_tests=[
            {
                "date": "2022-01-10",
                "er": {"result": "positive", "percent": 90},
                "her2": {"ihc": "3+"},
            }
        ],
    )
    m = match_one(her2_positive, trial, kb)
    assert m.verdict == "likely_ineligible"
    assert m.cohort is None
    assert [c.verdict for c in m.cohorts] == ["likely_ineligible", "likely_ineligible"]
    # one reason per cohort, each naming it
    assert [r.split(" — ")[0] for r in m.reasons] == ["Part 2A", "Part 2C"]


def test_the_part_that_fits_is_named_with_its_description(kb: Knowledge) -> None:
    m = match_one(make_record(kb), make_trial(PARTS_2A_2B, nct_id="NCT04606446"), kb)
    assert m.cohort == "Part 2A (ER+HER2- breast cancer 2L+, monotherapy)"
    assert m.as_json()["cohort"] == m.cohort
    assert "fits Part 2A (ER+HER2- breast cancer 2L+, monotherapy)" in m.summary()
    tnbc = match_one(_tnbc_her2_low(kb), make_trial(PARTS_2A_2B, nct_id="NCT04606446"), kb)
    assert tnbc.cohort == "Part 2C (triple-negative breast cancer, monotherapy)"


def test_what_to_find_out_comes_from_the_best_cohort_only(kb: Knowledge) -> None:
    trial = make_trial(
        "Inclusion Criteria:\n* Metastatic breast cancer\n"
        "* Cohort A:\n  * HR-positive breast cancer\n  * Documented ESR1 mutation\n"
        "* Cohort B:\n  * Triple-negative breast cancer\n  * Germline BRCA1 or BRCA2 mutation\n"
    )
    m = match_one(make_record(kb), trial, kb)
    assert m.verdict == "possibly_eligible"
    assert m.cohort == "Cohort A"
    assert m.to_find_out == ("A tumor or blood (liquid biopsy) test for changes in ESR1",)
    assert not any("BRCA" in line for line in m.to_find_out)


def test_shared_criteria_still_rule_out_whatever_the_cohort(kb: Knowledge) -> None:
    trial = make_trial(
        "Inclusion Criteria:\n* Metastatic breast cancer\n* ECOG 0-1\n"
        "* Cohort A:\n  * HR-positive breast cancer\n"
        "* Cohort B:\n  * Triple-negative breast cancer\n"
        "Exclusion Criteria:\n* Prior treatment with a CDK4/6 inhibitor\n"
    )
    m = match_one(make_record(kb), trial, kb)
    assert m.verdict == "likely_ineligible"
    assert m.reasons[0].startswith("Exclusion applies: Prior treatment with a CDK4/6")
    assert {c.verdict for c in m.cohorts} == {"likely_ineligible"}


def test_a_cohort_named_with_others_applies_to_each(kb: Knowledge) -> None:
    # the DATO-BASE shape (NCT06176261): "Cohorts A and B", "Cohort B and C"
    trial = make_trial(
        "Inclusion Criteria:\n* Metastatic breast cancer, HER2-negative\n"
        "* Cohorts A and B: Triple-negative breast cancer\n"
        "* Cohort A: Germline BRCA1 or BRCA2 mutation\n"
        "* Cohort C: HR-positive breast cancer\n"
    )
    tnbc = _tnbc_her2_low(kb)
    m = match_one(tnbc, trial, kb)
    assert [c.key for c in m.cohorts] == ["cohort a", "cohort b", "cohort c"]
    verdicts = {c.key: c.verdict for c in m.cohorts}
    assert verdicts["cohort c"] == "likely_ineligible"
    assert verdicts["cohort b"] == "likely_eligible"
    assert m.cohort == "Cohort B"
    assert m.verdict == "likely_eligible"


def test_one_cohort_alone_cannot_rule_a_trial_out(kb: Knowledge) -> None:
    # with a single named part, the rest of the study may be open to others
    trial = make_trial(
        "Inclusion Criteria:\n* HR-positive breast cancer\n"
        "* Key inclusion criteria only for phase III:\n  * Triple-negative breast cancer\n"
    )
    m = match_one(make_record(kb), trial, kb)
    assert m.verdict == "possibly_eligible"
    assert m.cohorts == ()


def test_a_cohort_whose_own_criteria_cannot_be_read_is_at_best_possible(kb: Knowledge) -> None:
    trial = make_trial(
        "Inclusion Criteria:\n* HR-positive metastatic breast cancer\n"
        "* Arm 1: Triple-negative breast cancer\n"
        "* Arm 2: Participants enrolled at the sponsor's discretion after review of archival "
        "tissue by the central laboratory\n"
    )
    m = match_one(make_record(kb), trial, kb)
    assert m.verdict == "possibly_eligible"
    assert m.cohort is not None and m.cohort.startswith("Arm 2")
    assert m.to_find_out[0].startswith("Ask the study team: Arm 2: Participants enrolled")


def test_cohorts_are_in_the_json_contract(kb: Knowledge) -> None:
    from nextline.trials.match_contract import MatchOut

    m = match_one(_tnbc_her2_low(kb), make_trial(ARX788, nct_id="NCT06224673"), kb)
    out = m.as_json()
    MatchOut.model_validate(out)
    cohorts = out["cohorts"]
    assert isinstance(cohorts, list)
    assert [(c["name"][:8], c["verdict"]) for c in cohorts] == [
        ("Cohort 1", "likely_ineligible"),
        ("Cohort 2", "likely_eligible"),
    ]
    assert cohorts[0]["reasons"] and cohorts[1]["reasons"] == []


@pytest.mark.parametrize(
    ("label", "keys"),
    [
        ("Cohort A", ("cohort a",)),
        ("Cohorts A and B", ("cohort a", "cohort b")),
        ("Cohort B and C", ("cohort b", "cohort c")),
        ("Cohort A2/B1/B2", ("cohort a2", "cohort b1", "cohort b2")),
        ("Cohorts A1/A2/C", ("cohort a1", "cohort a2", "cohort c")),
        ("Part 2B", ("part 2b",)),
        (
            "Part 1 (Safety Expansion) and Part 2 (Dose Expansion) Inclusion Criteria",
            ("part 1", "part 2"),
        ),
        ("Key inclusion criteria only for phase III", ("phase 3",)),
        ("Phase I", ("phase 1",)),
        ("For phase 2 cohort", ("phase 2",)),
        ("Phase 1 and Phase 2 Inclusion Criteria", ("phase 1", "phase 2")),
        (
            "Inclusion Criteria for Cohort 1 (Stage 1 [and Stage 2, only where indicated])",
            ("cohort 1",),
        ),
        (
            "Additional Exclusion Criteria for Giredestrant + Ipatasertib Arm (Cohort 1, Stage 1)",
            ("cohort 1",),
        ),
        ("For Module 2 only", ("module 2",)),
        ("Arm 3 ONLY", ("arm 3",)),
        ("DOSE-EXPANSION PHASE", ("dose expansion",)),
        ("Dose Escalation", ("dose escalation",)),
        ("Treatment Cohort", ("treatment cohort",)),
        ("Single agent arm", ("single agent arm",)),
        # not cohorts: conditions, definitions, steps everyone goes through
        ("If the patient has ER+ or PR+ (>1% on IHC) metastatic breast cancer", ()),
        ("Postmenopausal status is defined as", ()),
        ("Meets one of the following criteria", ()),
        ("PRE-REGISTRATION", ()),
        ("NOTE: As a part of the Oncology Patient Enrollment Network (OPEN) registration", ()),
        ("other cancer types", ()),
        ("Participants must have histologically confirmed metastatic or unresectable", ()),
    ],
)
def test_cohort_keys_of_a_label(label: str, keys: tuple[str, ...]) -> None:
    assert cohort_keys(label) == keys


@pytest.mark.parametrize(
    ("label", "keys"),
    [
        ("For Cohorts F, H, I", ("cohort f", "cohort h", "cohort i")),
        ("Arm I and Arm II", ("arm 1", "arm 2")),
        ("Participants in Cohort B-1 and Cohort B-2", ("cohort b1", "cohort b2")),
        ("No more than 5 lines of prior therapy for the dose escalation and expansion phases", ()),
    ],
)
def test_cohort_identifiers_are_read_as_written(label: str, keys: tuple[str, ...]) -> None:
    assert cohort_keys(label) == keys


def _example(person: str, as_of: dt.date, kb: Knowledge) -> Any:
    from nextline.examples import example_path
    from nextline.record import load_record

    return load_record(example_path(person), kb, as_of)


def test_a_cohort_for_another_cancer_is_not_a_way_in(kb: Knowledge) -> None:
    # NCT05787587 as registered: Module 1 needs BRCA1/2 or HRD alterations, Module 2 is for
    # endometrial cancer. A person with breast cancer whose tumor test found no BRCA1/2
    # change fits neither.
    from nextline.trials.catalog import load_default_catalog

    trial = load_default_catalog().get("NCT05787587")
    as_of = dt.date(2024, 4, 15)
    m = match_trials(
        _example("hr-positive-esr1", as_of, kb), kb, [trial], as_of, include_ineligible=True
    )[0]
    assert m.verdict == "likely_ineligible"
    assert [(c.key, c.verdict) for c in m.cohorts] == [
        ("module 1", "likely_ineligible"),
        ("module 2", "likely_ineligible"),
    ]
    assert m.reasons[1] == (
        "Module 2 — Not for you: this part of the study is for people with other cancers"
    )
    assert match_trials(_example("hr-positive-esr1", as_of, kb), kb, [trial], as_of) == []


def test_every_cohort_of_a_real_basket_is_judged(kb: Knowledge) -> None:
    # NCT06465069 as registered: Cohorts A1 and C take triple-negative breast cancer once
    # every standard therapy that fits has been used; Cohorts A2/B1/B2 are for urothelial
    # carcinoma. After one line, standard options remain for this person, so no cohort fits.
    from nextline.trials.catalog import load_default_catalog

    trial = load_default_catalog().get("NCT06465069")
    as_of = dt.date(2024, 8, 25)
    record = _example("triple-negative-brca", as_of, kb)
    m = match_trials(record, kb, [trial], as_of, include_ineligible=True)[0]
    assert [(c.key, c.verdict) for c in m.cohorts] == [
        ("cohort a1", "likely_ineligible"),
        ("cohort a2", "likely_ineligible"),
        ("cohort b1", "likely_ineligible"),
        ("cohort b2", "likely_ineligible"),
        ("cohort c", "likely_ineligible"),
    ]
    a1 = m.cohorts[0]
    assert a1.reasons[0].startswith("Not met: Cohort A1/C: Individual has received all standard")
    assert m.cohorts[1].reasons == (
        "Not for you: this part of the study is for people with other cancers",
    )
    tnbc = next(c for c in m.criteria if c.text.startswith("Cohort A1: urothelial carcinoma"))
    assert (tnbc.type, tnbc.verdict) == ("triple_negative", "met")


def test_a_condition_for_other_people_inside_a_cohort_does_not_rule_it_out(kb: Knowledge) -> None:
    # the NCT04969835 shape: within a phase, a rule for people with another cancer
    trial = make_trial(
        "Inclusion Criteria:\n* Metastatic breast cancer\n"
        "* Phase 1a:\n  * Triple-negative breast cancer\n"
        "* In Phase 1b, patients must meet the following additional criteria:\n"
        "  * Patients with high grade soft tissue sarcoma must not have previously received "
        "a CDK4/6 inhibitor.\n"
        "  * HR-positive breast cancer\n"
    )
    m = match_one(make_record(kb), trial, kb)
    assert m.verdict == "possibly_eligible"
    assert m.cohort == "Phase 1B"
    one_b = next(c for c in m.cohorts if c.key == "phase 1b")
    assert (one_b.verdict, one_b.reasons) == ("possibly_eligible", ())


def test_a_list_of_tumour_types_in_a_cohort_is_a_list_of_alternatives(kb: Knowledge) -> None:
    trial = make_trial(
        "Inclusion Criteria:\n* Metastatic cancer\n"
        "* Part A: patients with one of these metastatic tumours:\n"
        "  * Soft tissue sarcoma: progressive after one line\n"
        "  * HR-positive breast cancer after a CDK4/6 inhibitor\n"
        "* Part B:\n  * Triple-negative breast cancer\n"
    )
    tnbc = match_one(_tnbc_her2_low(kb), trial, kb)
    part_a = next(c for c in tnbc.cohorts if c.key == "part a")
    assert part_a.verdict == "possibly_eligible"  # one alternative failing is not decisive
    assert tnbc.cohort == "Part B"


def test_cohorts_named_at_two_levels_never_make_a_trial_likely(kb: Knowledge) -> None:
    # the NCT06257264 shape: "Part 1" / "Part 2" and "Monotherapy" / "Triple combination
    # cohorts": which holds which is not written down
    trial = make_trial(
        "Inclusion Criteria:\n* HR-positive metastatic breast cancer\n"
        "* Part 1:\n  * Triple-negative breast cancer\n"
        "* Part 2:\n  * Triple-negative breast cancer\n"
        "* For triple combination cohorts:\n  * Prior CDK4/6 inhibitor\n"
    )
    m = match_one(make_record(kb), trial, kb)
    assert m.verdict == "possibly_eligible"
    assert [c.verdict for c in m.cohorts] == [
        "likely_ineligible",
        "likely_ineligible",
        "possibly_eligible",
    ]
