"""The three example people get the lists an oncologist would call right (issue 4, done-when)."""

from __future__ import annotations

import datetime as dt

from nextline.examples import example_path
from nextline.knowledge import Knowledge
from nextline.options import Option, OptionsResult, list_options
from nextline.record import load_record


def _options(kb: Knowledge, person: str, as_of: dt.date) -> OptionsResult:
    return list_options(load_record(example_path(person), kb, as_of), kb, as_of)


def _reasons(option: Option) -> list[tuple[str, str | None]]:
    return [(r.text, r.rests_on) for r in option.reasons]


# --- hr-positive-esr1: HR+, HER2-low, ESR1 Y537S, progressed on letrozole + palbociclib -------
ESR1_AS_OF = dt.date(2025, 10, 15)  # after the imlunestrant approval (2025-09-25)


def test_esr1_elacestrant_fits_on_the_esr1_mutation(kb: Knowledge) -> None:
    option = _options(kb, "hr-positive-esr1", ESR1_AS_OF).option("elacestrant")
    assert option.verdict == "fits"
    assert ("ESR1 Y537S found", "tumor_tests[2]") in _reasons(option)
    assert (
        "had letrozole for metastatic disease, which stopped working",
        "therapies[4]",
    ) in _reasons(option)
    assert option.drugs == ("elacestrant",)


def test_esr1_imlunestrant_fits_after_its_approval(kb: Knowledge) -> None:
    option = _options(kb, "hr-positive-esr1", ESR1_AS_OF).option("imlunestrant")
    assert option.verdict == "fits"
    assert ("ESR1 Y537S found", "tumor_tests[2]") in _reasons(option)


def test_esr1_capivasertib_and_alpelisib_ask_for_a_tissue_test_after_a_blood_negative(
    kb: Knowledge,
) -> None:
    # Re-pinned (issue 12): the only PIK3CA/AKT1/PTEN result is a blood test (Guardant360),
    # which misses some of these changes; ASCO suggests a tissue test, so these may fit.
    result = _options(kb, "hr-positive-esr1", ESR1_AS_OF)
    capivasertib = result.option("capivasertib_fulvestrant")
    alpelisib = result.option("alpelisib_fulvestrant")
    assert capivasertib.verdict == "may_fit"
    assert capivasertib.needs == ("a test of tumor tissue (a biopsy) for PIK3CA/AKT1/PTEN",)
    assert alpelisib.verdict == "may_fit"
    assert alpelisib.needs == ("a test of tumor tissue (a biopsy) for PIK3CA",)


def test_esr1_letrozole_with_a_cdk46_inhibitor_does_not_fit_after_progression(
    kb: Knowledge,
) -> None:
    result = _options(kb, "hr-positive-esr1", ESR1_AS_OF)
    option = result.option("letrozole_palbociclib")
    assert option.verdict == "does_not_fit"
    grew_on_ai = (
        "the cancer grew on letrozole, an aromatase inhibitor (the cancer is resistant to it)",
        "therapies[4]",
    )
    assert grew_on_ai in _reasons(option)
    assert ("the cancer grew on palbociclib", "therapies[4]") in _reasons(option)
    for other in ("letrozole_ribociclib", "letrozole_abemaciclib"):
        assert result.option(other).verdict == "does_not_fit"
        assert grew_on_ai in _reasons(result.option(other))


def test_esr1_trastuzumab_deruxtecan_fits_as_her2_low_after_endocrine_therapy(
    kb: Knowledge,
) -> None:
    option = _options(kb, "hr-positive-esr1", ESR1_AS_OF).option("trastuzumab_deruxtecan")
    assert option.verdict == "fits"
    assert option.indication == "her2_low_or_ultralow_after_endocrine"
    assert ("HER2-low", "tumor_tests[1]") in _reasons(option)
    assert option.group == "adc"


def test_esr1_before_imlunestrant_approval_only_elacestrant_is_standard(kb: Knowledge) -> None:
    result = _options(kb, "hr-positive-esr1", dt.date(2024, 5, 1))
    assert result.option("elacestrant").verdict == "fits"
    imlunestrant = result.option("imlunestrant")
    assert imlunestrant.verdict == "does_not_fit"
    assert _reasons(imlunestrant) == [
        (
            "not approved in the U.S. for this use until 2025-09-25; before that, only in "
            "clinical trials",
            None,
        )
    ]
    # the HER2-low-after-endocrine-therapy use came on 2025-01-27; before it, T-DXd needed
    # chemotherapy for metastatic disease first
    tdxd = result.option("trastuzumab_deruxtecan")
    assert tdxd.verdict == "does_not_fit"
    assert tdxd.indication == "her2_low_after_chemotherapy"


def test_esr1_groups_follow_the_hr_positive_order(kb: Knowledge) -> None:
    result = _options(kb, "hr-positive-esr1", ESR1_AS_OF)
    groups = list(dict.fromkeys(o.group for o in result.options))
    assert groups == [
        "endocrine_targeted",
        "parp_inhibitor",
        "adc",
        "chemotherapy",
        "immunotherapy",
        "anti_her2",
        "tumor_agnostic",
        "local",
        "supportive",
        "trials",
        "care",
        "current",  # nothing running now: "carry on" does not apply, so it goes last
    ]
    assert result.subtype == "hr_positive_her2_negative"
    assert result.next_line == 2
    assert result.tests_to_consider == ()


# --- her2-positive-brain: HER2+, brain metastases, progressed on T-DXd -----------------------
HER2_AS_OF = dt.date(2025, 3, 15)


def test_her2_tucatinib_trastuzumab_capecitabine_fits(kb: Knowledge) -> None:
    option = _options(kb, "her2-positive-brain", HER2_AS_OF).option(
        "tucatinib_trastuzumab_capecitabine"
    )
    assert option.verdict == "fits"
    assert option.drugs == ("tucatinib", "trastuzumab", "capecitabine")
    assert ("HER2-positive", "tumor_tests[0]") in _reasons(option)


def test_her2_trastuzumab_deruxtecan_does_not_fit_after_progression_on_it(kb: Knowledge) -> None:
    option = _options(kb, "her2-positive-brain", HER2_AS_OF).option("trastuzumab_deruxtecan")
    assert option.verdict == "does_not_fit"
    assert _reasons(option) == [("the cancer grew on trastuzumab deruxtecan", "therapies[3]")]


def test_her2_first_line_regimens_do_not_fit_after_first_line(kb: Knowledge) -> None:
    option = _options(kb, "her2-positive-brain", HER2_AS_OF).option(
        "docetaxel_trastuzumab_pertuzumab"
    )
    assert option.verdict == "does_not_fit"
    assert any(
        "a HER2-targeted treatment (the cancer grew on one" in text and "therapies[1]" in path
        for text, path in _reasons(option)
    )


def test_her2_brain_radiosurgery_may_fit_for_two_brain_metastases(kb: Knowledge) -> None:
    result = _options(kb, "her2-positive-brain", HER2_AS_OF)
    srs = result.option("stereotactic_radiosurgery_brain")
    assert srs.verdict == "may_fit"
    assert ("2 brain metastases", "metastases[2]") in _reasons(srs)
    assert result.option("bone_modifying_agent").verdict == "does_not_fit"
    assert result.subtype == "her2_positive"
    assert result.options[0].group == "anti_her2"


# --- triple-negative-brca: TNBC, germline BRCA1, progressed on pembrolizumab and olaparib -----
TN_AS_OF = dt.date(2024, 9, 1)


def test_tnbc_sacituzumab_fits_after_two_treatments(kb: Knowledge) -> None:
    option = _options(kb, "triple-negative-brca", TN_AS_OF).option("sacituzumab_govitecan")
    assert option.verdict == "fits"
    assert ("3 earlier treatments", "therapies[4], therapies[5]") in _reasons(option)


def test_tnbc_parp_inhibitors_do_not_fit_after_progression_on_olaparib(kb: Knowledge) -> None:
    result = _options(kb, "triple-negative-brca", TN_AS_OF)
    for parp in ("olaparib", "talazoparib"):
        assert result.option(parp).verdict == "does_not_fit"
        assert _reasons(result.option(parp)) == [
            ("the cancer grew on olaparib, a PARP inhibitor", "therapies[5]")
        ]


def test_tnbc_trastuzumab_deruxtecan_does_not_fit_when_her2_zero(kb: Knowledge) -> None:
    option = _options(kb, "triple-negative-brca", TN_AS_OF).option("trastuzumab_deruxtecan")
    assert option.verdict == "does_not_fit"
    assert _reasons(option) == [("HER2-zero: this needs HER2-low", "tumor_tests[1]")]


def test_tnbc_pembrolizumab_does_not_fit_after_progression_and_taxanes_neither(
    kb: Knowledge,
) -> None:
    result = _options(kb, "triple-negative-brca", TN_AS_OF)
    assert result.option("pembrolizumab_chemotherapy").verdict == "does_not_fit"
    assert _reasons(result.option("paclitaxel")) == [
        ("the cancer grew on paclitaxel, a taxane (paclitaxel or docetaxel)", "therapies[4]")
    ]
    assert result.option("carboplatin").verdict == "fits"
    assert result.options[0].group == "immunotherapy"


def test_tnbc_treatment_break_notes_what_the_person_is_considering(kb: Knowledge) -> None:
    option = _options(kb, "triple-negative-brca", TN_AS_OF).option("treatment_break")
    assert option.verdict == "may_fit"
    assert ("a treatment break is something being considered", "goals.considering") in _reasons(
        option
    )
