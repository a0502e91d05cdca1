"""Small cases, one per rule and per edge, each written from the source it cites.

Each builds a record through the real record pipeline (`tests.options.builders.person`)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from nextline.errors import KnowledgeInvalid
from nextline.knowledge import Knowledge
from nextline.options import list_options
from tests.options.builders import drug, options_for, person, texts, tumor

AI_PALBO_PROGRESSED = drug(
    "letrozole", "palbociclib", start="2021-02-01", stop="2023-06-01", reason="progression"
)
TNBC = tumor(er=0, pr=0, ihc="0", ultralow=False)
HER2_POS = tumor(er=0, pr=0, ihc="3+")
HER2_LOW_HR_POS = tumor(ihc="1+")


# --- hr_status ----------------------------------------------------------------------------
def test_hr_negative_rules_out_hormone_therapy(kb: Knowledge) -> None:
    result = options_for(kb, tumor_tests=[TNBC])
    assert result.option("tamoxifen").verdict == "does_not_fit"
    assert texts(result, "tamoxifen") == ["HR-negative: this needs HR-positive"]


def test_hr_not_tested_is_a_question_not_a_no(kb: Knowledge) -> None:
    result = options_for(kb, tumor_tests=[tumor(er=None, pr=None)])
    option = result.option("tamoxifen")
    assert option.verdict == "may_fit"
    assert option.needs == ("ER and PR test results",)


def test_er_low_counts_as_hormone_receptor_positive(kb: Knowledge) -> None:
    result = options_for(kb, tumor_tests=[tumor(er=5, pr=0)])
    assert result.option("tamoxifen").verdict == "fits"
    assert texts(result, "tamoxifen")[0].startswith("HR-positive (ER low): ER-low")


# --- her2_category_in ---------------------------------------------------------------------
def test_her2_negative_without_ihc_score_leaves_her2_low_options_open(kb: Knowledge) -> None:
    test = tumor(ihc=None)
    test["her2"] = {"result": "negative"}
    result = options_for(kb, tumor_tests=[test], therapies=[AI_PALBO_PROGRESSED])
    tdxd = result.option("trastuzumab_deruxtecan")
    assert tdxd.verdict == "may_fit"
    assert tdxd.needs == ("the HER2 IHC score (0, 1+ or 2+)",)
    assert result.option("capecitabine").verdict == "fits"
    assert [(t.id, t.rests_on) for t in result.tests_to_consider] == [
        ("esr1_since_progression", None),
        ("pik3ca_akt1_pten", None),
        ("germline_brca_palb2", None),
        ("her2_ihc_score", "tumor_tests[0]"),
    ]


def test_her2_ihc_0_without_ultralow_word_asks_a_pathologist(kb: Knowledge) -> None:
    result = options_for(
        kb, tumor_tests=[tumor(ihc="0", ultralow=None)], therapies=[AI_PALBO_PROGRESSED]
    )
    tdxd = result.option("trastuzumab_deruxtecan")
    assert tdxd.verdict == "may_fit"
    assert tdxd.needs == (
        "a pathologist's look for faint HER2 staining (HER2-ultralow or HER2-zero)",
    )
    assert "her2_ultralow_review" in [t.id for t in result.tests_to_consider]


def test_her2_ultralow_opens_trastuzumab_deruxtecan_only_from_its_approval(
    kb: Knowledge,
) -> None:
    ultralow = [tumor(ihc="0", ultralow=True)]
    before = options_for(
        kb, dt.date(2025, 1, 26), tumor_tests=ultralow, therapies=[AI_PALBO_PROGRESSED]
    )
    after = options_for(
        kb, dt.date(2025, 1, 27), tumor_tests=ultralow, therapies=[AI_PALBO_PROGRESSED]
    )
    assert before.option("trastuzumab_deruxtecan").verdict == "does_not_fit"
    assert after.option("trastuzumab_deruxtecan").verdict == "fits"
    assert ("HER2-ultralow", "tumor_tests[0]") in [
        (r.text, r.rests_on) for r in after.option("trastuzumab_deruxtecan").reasons
    ]


def test_her2_equivocal_asks_for_an_ish_test(kb: Knowledge) -> None:
    result = options_for(kb, tumor_tests=[tumor(er=0, pr=0, ihc="2+")])
    option = result.option("docetaxel_trastuzumab_pertuzumab")
    assert option.verdict == "may_fit"
    assert option.needs == ("a HER2 ISH (gene) test to settle the result",)


def test_her2_zero_rules_out_her2_targeted_drugs(kb: Knowledge) -> None:
    result = options_for(kb, tumor_tests=[TNBC])
    assert texts(result, "docetaxel_trastuzumab_pertuzumab") == [
        "HER2-zero: this needs HER2-positive"
    ]


# --- alteration_detected --------------------------------------------------------------------
def test_esr1_negative_before_last_progression_is_stale(kb: Knowledge) -> None:
    old_negative = tumor("2022-01-10", er=None, pr=None, ihc=None, not_detected=["ESR1"])
    result = options_for(kb, tumor_tests=[tumor(), old_negative], therapies=[AI_PALBO_PROGRESSED])
    option = result.option("elacestrant")
    assert option.verdict == "may_fit"
    assert option.needs == ("an ESR1 test on a blood sample taken since the last progression",)
    assert "esr1_since_progression" in [t.id for t in result.tests_to_consider]


def test_esr1_never_tested_may_fit_and_is_a_test_to_consider(kb: Knowledge) -> None:
    result = options_for(kb, therapies=[AI_PALBO_PROGRESSED])
    assert result.option("elacestrant").verdict == "may_fit"
    suggestion = next(t for t in result.tests_to_consider if t.id == "esr1_since_progression")
    assert suggestion.detail == "no ESR1 result since the last progression on record"


def test_esr1_negative_after_progression_does_not_fit(kb: Knowledge) -> None:
    fresh = tumor("2023-06-20", er=None, pr=None, ihc=None, not_detected=["ESR1"])
    result = options_for(kb, tumor_tests=[tumor(), fresh], therapies=[AI_PALBO_PROGRESSED])
    assert result.option("elacestrant").verdict == "does_not_fit"
    assert texts(result, "elacestrant") == ["ESR1: no change found"]


def test_esr1_found_on_an_older_sample_still_counts(kb: Knowledge) -> None:
    found = tumor(
        "2022-01-10", er=None, pr=None, ihc=None, variants=[{"gene": "ESR1", "alteration": "D538G"}]
    )
    result = options_for(kb, tumor_tests=[tumor(), found], therapies=[AI_PALBO_PROGRESSED])
    assert result.option("elacestrant").verdict == "fits"
    assert "ESR1 D538G found" in texts(result, "elacestrant")


def test_akt1_opens_capivasertib_but_not_alpelisib(kb: Knowledge) -> None:
    ngs = tumor(
        "2023-06-20",
        er=None,
        pr=None,
        ihc=None,
        variants=[{"gene": "AKT1", "alteration": "E17K"}],
        not_detected=["PIK3CA"],
    )
    result = options_for(kb, tumor_tests=[tumor(), ngs], therapies=[AI_PALBO_PROGRESSED])
    assert result.option("capivasertib_fulvestrant").verdict == "fits"
    assert result.option("alpelisib_fulvestrant").verdict == "does_not_fit"
    assert texts(result, "alpelisib_fulvestrant") == ["PIK3CA: no change found"]


def test_untested_pik3ca_is_a_question_for_the_team(kb: Knowledge) -> None:
    result = options_for(kb, therapies=[AI_PALBO_PROGRESSED])
    option = result.option("alpelisib_fulvestrant")
    assert option.verdict == "may_fit"
    assert option.needs == ("a PIK3CA test on a tumor or blood sample",)


# --- relapse_within_months_of_adjuvant and any_of ------------------------------------------
def test_capivasertib_fits_on_early_relapse_after_adjuvant_hormone_therapy(kb: Knowledge) -> None:
    ngs = tumor("2021-01-20", er=None, pr=None, ihc=None, variants=[{"gene": "PTEN"}])
    result = options_for(
        kb,
        tumor_tests=[tumor(), ngs],
        therapies=[
            drug(
                "anastrozole",
                setting="adjuvant",
                start="2017-01-01",
                stop="2020-06-01",
                reason="completed",
            )
        ],
    )
    option = result.option("capivasertib_fulvestrant")
    assert option.verdict == "fits"
    assert ("the cancer came back 7 months after finishing anastrozole", "therapies[0]") in [
        (r.text, r.rests_on) for r in option.reasons
    ]


def test_late_relapse_after_adjuvant_does_not_count_as_endocrine_resistance(
    kb: Knowledge,
) -> None:
    ngs = tumor("2021-01-20", er=None, pr=None, ihc=None, variants=[{"gene": "PIK3CA"}])
    result = options_for(
        kb,
        tumor_tests=[tumor(), ngs],
        therapies=[
            drug(
                "anastrozole",
                setting="adjuvant",
                start="2014-01-01",
                stop="2019-01-01",
                reason="completed",
            )
        ],
    )
    assert result.option("inavolisib_palbociclib_fulvestrant").verdict == "does_not_fit"
    assert texts(result, "inavolisib_palbociclib_fulvestrant") == [
        "the cancer came back 24 months after finishing anastrozole: this needs a return "
        "within 12 months"
    ]


def test_relapse_during_adjuvant_tamoxifen_is_progression_on_it(kb: Knowledge) -> None:
    result = options_for(
        kb,
        therapies=[
            drug(
                "tamoxifen",
                setting="adjuvant",
                start="2019-01-01",
                stop="2021-01-10",
                reason="progression",
            )
        ],
    )
    assert result.option("tamoxifen").verdict == "does_not_fit"
    assert result.option("fulvestrant_abemaciclib").verdict == "fits"


def test_her2_low_tdxd_after_early_relapse_from_adjuvant_chemotherapy(kb: Knowledge) -> None:
    chemo = drug(
        "docetaxel",
        "cyclophosphamide",
        setting="adjuvant",
        start="2020-03-01",
        stop="2020-08-01",
        reason="completed",
    )
    soon = options_for(kb, tumor_tests=[tumor(er=0, pr=0, ihc="1+")], therapies=[chemo])
    late = options_for(
        kb,
        tumor_tests=[tumor(er=0, pr=0, ihc="1+")],
        therapies=[chemo],
        metastatic_since="2021-06-01",
    )
    assert soon.option("trastuzumab_deruxtecan").verdict == "fits"
    assert late.option("trastuzumab_deruxtecan").verdict == "does_not_fit"


# --- germline_pathogenic ------------------------------------------------------------------
def test_germline_brca2_opens_olaparib_after_chemotherapy(kb: Knowledge) -> None:
    result = options_for(
        kb,
        tumor_tests=[TNBC],
        germline_tests=[
            {
                "date": "2021-02-01",
                "genes_tested": ["BRCA1", "BRCA2"],
                "variants": [{"gene": "BRCA2", "classification": "pathogenic"}],
            }
        ],
        therapies=[drug("paclitaxel", start="2021-02-01", stop="2021-09-01", reason="progression")],
    )
    assert result.option("olaparib").verdict == "fits"
    assert "inherited BRCA2 change" in texts(result, "olaparib")


def test_germline_vus_is_not_a_detection(kb: Knowledge) -> None:
    result = options_for(
        kb,
        tumor_tests=[TNBC],
        germline_tests=[
            {
                "date": "2021-02-01",
                "genes_tested": ["BRCA1", "BRCA2"],
                "variants": [{"gene": "BRCA1", "classification": "vus"}],
            }
        ],
    )
    assert result.option("talazoparib").verdict == "does_not_fit"
    assert texts(result, "talazoparib") == ["no inherited BRCA1 or BRCA2 change found"]


def test_a_somatic_brca1_change_does_not_open_parp_inhibitors(kb: Knowledge) -> None:
    somatic = tumor(
        "2021-01-20", er=0, pr=0, ihc="0", variants=[{"gene": "BRCA1", "origin": "somatic"}]
    )
    result = options_for(
        kb,
        tumor_tests=[somatic],
        germline_tests=[{"date": "2021-02-01", "genes_tested": ["BRCA1", "BRCA2"]}],
    )
    assert result.option("talazoparib").verdict == "does_not_fit"


def test_germline_not_tested_is_a_question_and_a_test_to_consider(kb: Knowledge) -> None:
    result = options_for(kb, tumor_tests=[TNBC])
    option = result.option("talazoparib")
    assert option.verdict == "may_fit"
    assert option.needs == ("inherited (germline) testing of BRCA1, BRCA2",)
    assert "germline_brca_palb2" in [t.id for t in result.tests_to_consider]


def test_olaparib_for_hr_positive_needs_prior_hormone_therapy(kb: Knowledge) -> None:
    result = options_for(
        kb,
        germline_tests=[
            {
                "date": "2021-02-01",
                "genes_tested": ["BRCA1", "BRCA2"],
                "variants": [{"gene": "BRCA1", "classification": "pathogenic"}],
            }
        ],
        therapies=[
            drug("capecitabine", start="2021-02-01", stop="2021-09-01", reason="progression")
        ],
    )
    assert result.option("olaparib").verdict == "does_not_fit"
    assert texts(result, "olaparib") == [
        "HR-positive (ER positive): this needs HR-negative; and no record of hormone "
        "(endocrine) therapy"
    ]


# --- pdl1_cps_at_least ----------------------------------------------------------------------
def test_pdl1_below_10_rules_out_pembrolizumab(kb: Knowledge) -> None:
    test = tumor(er=0, pr=0, ihc="0", ultralow=False, pdl1={"assay": "22C3", "cps": 5})
    result = options_for(kb, tumor_tests=[test])
    assert texts(result, "pembrolizumab_chemotherapy") == ["PD-L1 CPS 5: this needs CPS 10 or more"]


def test_pdl1_exactly_10_is_enough(kb: Knowledge) -> None:
    test = tumor(er=0, pr=0, ihc="0", ultralow=False, pdl1={"assay": "22C3", "cps": 10})
    result = options_for(kb, tumor_tests=[test])
    assert result.option("pembrolizumab_chemotherapy").verdict == "fits"


def test_pdl1_missing_for_tnbc_may_fit_and_is_a_test_to_consider(kb: Knowledge) -> None:
    result = options_for(kb, tumor_tests=[TNBC])
    assert result.option("pembrolizumab_chemotherapy").needs == ("a PD-L1 test (22C3, CPS)",)
    assert "pdl1_for_triple_negative" in [t.id for t in result.tests_to_consider]


# --- menopausal status, ovarian suppression, sex ----------------------------------------------
def test_premenopausal_without_ovarian_suppression_may_fit_with_it_started(kb: Knowledge) -> None:
    # MONALEESA-7: ovarian suppression is started together with the AI + CDK4/6 inhibitor,
    # so its absence from the record is a question, not a reason it cannot fit.
    result = options_for(kb, menopausal="premenopausal")
    option = result.option("letrozole_palbociclib")
    assert option.verdict == "may_fit"
    assert (
        "premenopausal: this is given with ovarian suppression "
        "(a GnRH agonist such as goserelin, or removal of the ovaries)"
    ) in texts(result, "letrozole_palbociclib")
    assert any("ovarian suppression started with it" in need for need in option.needs)


def test_premenopausal_with_goserelin_running_fits(kb: Knowledge) -> None:
    result = options_for(
        kb, menopausal="premenopausal", therapies=[drug("Zoladex", start="2021-01-10")]
    )
    option = result.option("letrozole_palbociclib")
    assert option.verdict == "fits"
    assert ("ovarian suppression on record", "therapies[0]") in [
        (r.text, r.rests_on) for r in option.reasons
    ]


def test_ovaries_removed_counts_as_ovarian_suppression(kb: Knowledge) -> None:
    result = options_for(
        kb,
        menopausal="premenopausal",
        therapies=[
            {"kind": "surgery", "technique": "bilateral oophorectomy", "date": "2021-01-20"}
        ],
    )
    assert result.option("letrozole_ribociclib").verdict == "fits"


@pytest.mark.parametrize(
    ("entry", "suppressed"),
    [
        ({"kind": "surgery", "site": "both ovaries", "technique": "laparoscopic BSO"}, True),
        ({"kind": "surgery", "technique": "bilateral salpingo-oophorectomy"}, True),
        ({"kind": "surgery", "site": "ovaries", "technique": "removed"}, True),
        ({"kind": "radiation", "site": "ovaries", "technique": "ovarian ablation"}, True),
        ({"kind": "surgery", "site": "left ovary", "technique": "oophorectomy"}, False),
        ({"kind": "surgery", "site": "ovary", "technique": "ovarian cystectomy"}, False),
        ({"kind": "surgery", "site": "left breast", "technique": "mastectomy"}, False),
        ({"kind": "radiation", "site": "spine T10", "technique": "SBRT"}, False),
        # the ovaries named as kept (session 11: these counted as removed)
        (
            {"kind": "surgery", "site": "uterus", "technique": "hysterectomy, ovaries preserved"},
            False,
        ),
        (
            {"kind": "surgery", "site": "ovaries", "technique": "ovarian-sparing hysterectomy"},
            False,
        ),
        ({"kind": "surgery", "technique": "TAH, both ovaries left in place"}, False),
        (
            {"kind": "radiation", "site": "pelvis, ovaries shielded", "technique": "palliative"},
            False,
        ),
        ({"kind": "surgery", "technique": "hysterectomy preserving both ovaries"}, False),
        ({"kind": "surgery", "site": "uterus preserved", "technique": "BSO"}, True),
    ],
)
def test_ovaries_removed_or_ablated_however_written(
    kb: Knowledge, entry: dict[str, str], suppressed: bool
) -> None:
    """Surgery or radiation that ends the ovaries' work, in the words letters use for it;
    one ovary or a cyst is not ovarian suppression (ABC4: ovarian ablation or suppression)."""
    result = options_for(
        kb, menopausal="premenopausal", therapies=[{**entry, "date": "2021-01-20"}]
    )
    assert result.option("letrozole_ribociclib").verdict == ("fits" if suppressed else "may_fit")


@pytest.mark.parametrize("name", ["Lupron", "Eligard", "Camcevi", "leuprolide acetate", "Zoladex"])
def test_gnrh_agonists_by_brand_count_as_ovarian_suppression(kb: Knowledge, name: str) -> None:
    result = options_for(
        kb,
        menopausal="premenopausal",
        therapies=[drug(name, start="2021-01-10"), AI_PALBO_PROGRESSED],
    )
    assert result.option("fulvestrant_abemaciclib").verdict == "fits"
    assert result.option("alpelisib_fulvestrant").verdict != "fits"  # studied after menopause


def test_men_are_covered_where_the_label_says_so(kb: Knowledge) -> None:
    esr1 = tumor("2023-06-20", er=None, pr=None, ihc=None, variants=[{"gene": "ESR1"}])
    result = options_for(
        kb,
        sex="male",
        menopausal=None,
        tumor_tests=[tumor(), esr1],
        therapies=[AI_PALBO_PROGRESSED],
    )
    assert result.option("elacestrant").verdict == "fits"
    assert result.option("everolimus_exemestane").verdict == "does_not_fit"
    assert texts(result, "everolimus_exemestane") == ["male: this is for female patients"]


def test_oophorectomy_is_an_option_before_menopause_only(kb: Knowledge) -> None:
    pre = options_for(kb, menopausal="premenopausal")
    post = options_for(kb)
    assert pre.option("oophorectomy").verdict == "fits"
    assert post.option("oophorectomy").verdict == "does_not_fit"


# --- prior_class_received, not_received -------------------------------------------------------
def test_hormone_therapy_stopped_for_side_effects_has_not_stopped_working(kb: Knowledge) -> None:
    result = options_for(
        kb,
        therapies=[drug("anastrozole", start="2021-02-01", stop="2021-05-01", reason="toxicity")],
    )
    assert result.option("fulvestrant_abemaciclib").verdict == "does_not_fit"
    assert texts(result, "fulvestrant_abemaciclib") == [
        "had anastrozole, but it has not stopped working; this needs endocrine therapy that "
        "stopped working"
    ]


def test_neratinib_needs_two_her2_targeted_lines(kb: Knowledge) -> None:
    one = [
        drug(
            "trastuzumab",
            "pertuzumab",
            "docetaxel",
            start="2021-02-01",
            stop="2022-02-01",
            reason="progression",
        )
    ]
    two = [*one, drug("Kadcyla", start="2022-02-15", stop="2023-01-01", reason="progression")]
    assert (
        options_for(kb, tumor_tests=[HER2_POS], therapies=one)
        .option("neratinib_capecitabine")
        .verdict
        == "does_not_fit"
    )
    assert (
        options_for(kb, tumor_tests=[HER2_POS], therapies=two)
        .option("neratinib_capecitabine")
        .verdict
        == "fits"
    )


def test_first_line_her2_regimen_fits_with_no_prior_treatment(kb: Knowledge) -> None:
    result = options_for(kb, tumor_tests=[HER2_POS])
    option = result.option("docetaxel_trastuzumab_pertuzumab")
    assert option.verdict == "fits"
    assert "no HER2-targeted treatment or chemotherapy for metastatic disease yet" in [
        r.text for r in option.reasons
    ]


def test_phesgo_counts_as_trastuzumab_and_pertuzumab(kb: Knowledge) -> None:
    therapies = [
        drug("Phesgo", "docetaxel", start="2021-02-01", stop="2022-06-01", reason="progression"),
    ]
    result = options_for(kb, tumor_tests=[HER2_POS], therapies=therapies)
    assert result.option("docetaxel_trastuzumab_pertuzumab").verdict == "does_not_fit"
    assert any(
        "pertuzumab, trastuzumab, and hyaluronidase" in text and "HER2-targeted" in text
        for text in texts(result, "docetaxel_trastuzumab_pertuzumab")
    )
    assert result.option("ado_trastuzumab_emtansine").verdict == "fits"  # had trastuzumab
    assert result.option("tucatinib_trastuzumab_capecitabine").verdict == "fits"


# --- not_progressed_on_class and intolerance ---------------------------------------------------
def test_progression_on_a_taxane_rules_out_the_other_taxanes(kb: Knowledge) -> None:
    result = options_for(
        kb,
        tumor_tests=[TNBC],
        therapies=[drug("docetaxel", start="2021-02-01", stop="2021-08-01", reason="progression")],
    )
    assert result.option("paclitaxel").verdict == "does_not_fit"
    assert result.option("protein_bound_paclitaxel").verdict == "does_not_fit"


def test_adjuvant_taxane_completed_does_not_rule_out_taxanes(kb: Knowledge) -> None:
    result = options_for(
        kb,
        tumor_tests=[TNBC],
        therapies=[
            drug(
                "docetaxel",
                setting="adjuvant",
                start="2019-02-01",
                stop="2019-06-01",
                reason="completed",
            )
        ],
    )
    assert result.option("paclitaxel").verdict == "fits"


def test_intolerance_rules_out_the_drug_not_its_class(kb: Knowledge) -> None:
    therapies = [
        drug("letrozole", "palbociclib", start="2021-02-01", stop="2021-05-01", reason="toxicity"),
        drug("anastrozole", start="2021-05-10", stop="2023-01-01", reason="progression"),
    ]
    side_effects = [
        {"date": "2021-04-20", "term": "neutropenia", "grade": 4, "therapy": "palbociclib"}
    ]
    result = options_for(kb, therapies=therapies, side_effects=side_effects)
    assert result.option("fulvestrant_palbociclib").verdict == "does_not_fit"
    assert texts(result, "fulvestrant_palbociclib") == [
        "palbociclib was stopped for side effects (that rules out this drug, not its class)"
    ]
    assert result.option("fulvestrant_ribociclib").verdict == "fits"
    assert result.option("fulvestrant_abemaciclib").verdict == "fits"


def test_a_combination_stopped_for_side_effects_asks_which_drug(kb: Knowledge) -> None:
    therapies = [
        drug("letrozole", "palbociclib", start="2021-02-01", stop="2021-05-01", reason="toxicity"),
        drug("anastrozole", start="2021-05-10", stop="2023-01-01", reason="progression"),
    ]
    result = options_for(kb, therapies=therapies)
    option = result.option("fulvestrant_palbociclib")
    assert option.verdict == "may_fit"
    # in plain words, not the record's path (the web page and the command line alike)
    assert option.needs == ("which drug of letrozole + palbociclib caused the side effects",)


# --- min_prior_lines ---------------------------------------------------------------------------
def test_sacituzumab_needs_two_treatments_one_for_metastatic_disease(kb: Knowledge) -> None:
    one_line = [drug("capecitabine", start="2021-02-01", stop="2021-08-01", reason="progression")]
    early = drug(
        "doxorubicin",
        "cyclophosphamide",
        setting="neoadjuvant",
        start="2019-01-01",
        stop="2019-04-01",
        reason="completed",
    )
    assert (
        options_for(kb, tumor_tests=[TNBC], therapies=one_line)
        .option("sacituzumab_govitecan")
        .verdict
        == "does_not_fit"
    )
    assert (
        options_for(kb, tumor_tests=[TNBC], therapies=[early, *one_line])
        .option("sacituzumab_govitecan")
        .verdict
        == "fits"
    )
    assert (
        options_for(kb, tumor_tests=[TNBC], therapies=[early])
        .option("sacituzumab_govitecan")
        .verdict
        == "does_not_fit"
    )


# --- site_present, brain_lesions_at_most, symptom_at_least ------------------------------------
def test_bone_metastases_bring_bone_medicine_and_urgent_warning_signs(kb: Knowledge) -> None:
    result = options_for(kb, metastases=[{"site": "bone", "since": "2021-01-01"}])
    bma = result.option("bone_modifying_agent")
    assert bma.verdict == "may_fit"
    assert bma.drugs == ("zoledronic acid", "denosumab")
    assert result.option("spinal_cord_compression_urgent").verdict == "may_fit"


def test_many_brain_metastases_point_away_from_radiosurgery(kb: Knowledge) -> None:
    result = options_for(kb, metastases=[{"site": "brain", "since": "2021-01-01", "lesions": 12}])
    assert result.option("stereotactic_radiosurgery_brain").verdict == "does_not_fit"
    assert result.option("whole_brain_radiation").verdict == "may_fit"


def test_unknown_number_of_brain_metastases_is_asked(kb: Knowledge) -> None:
    result = options_for(kb, metastases=[{"site": "brain", "since": "2021-01-01"}])
    assert (
        "the number of brain metastases on a recent MRI"
        in result.option("stereotactic_radiosurgery_brain").needs
    )


def test_painful_bone_metastasis_fits_palliative_radiation(kb: Knowledge) -> None:
    result = options_for(
        kb,
        metastases=[{"site": "bone", "since": "2021-01-01"}],
        symptoms=[{"date": "2025-09-01", "esas": {"pain": 7}}],
    )
    option = result.option("palliative_radiation_bone")
    assert option.verdict == "may_fit"
    assert option.needs == ("whether the pain comes from a bone metastasis, and where",)
    assert ("pain 7/10 on 2025-09-01", "symptoms[0]") in [
        (r.text, r.rests_on) for r in result.option("palliative_radiation_bone").reasons
    ]


# --- cautions: shown, never silent exclusions --------------------------------------------------
def test_lung_disease_is_a_caution_on_trastuzumab_deruxtecan_not_an_exclusion(
    kb: Knowledge,
) -> None:
    result = options_for(
        kb,
        tumor_tests=[HER2_LOW_HR_POS],
        therapies=[AI_PALBO_PROGRESSED],
        comorbidities=[{"condition": "Interstitial lung disease"}],
    )
    option = result.option("trastuzumab_deruxtecan")
    assert option.verdict == "fits"
    conditional = [c for c in option.cautions if c.rests_on is not None]
    assert [(c.id, c.rests_on) for c in conditional] == [("lung_disease_ild", "comorbidities[0]")]
    assert conditional[0].sources[0].id == "fda_label_trastuzumab_deruxtecan"


def test_diabetes_is_a_caution_on_pi3k_and_akt_inhibitors(kb: Knowledge) -> None:
    ngs = tumor("2023-06-20", er=None, pr=None, ihc=None, variants=[{"gene": "PIK3CA"}])
    result = options_for(
        kb,
        tumor_tests=[tumor(), ngs],
        therapies=[AI_PALBO_PROGRESSED],
        comorbidities=[{"condition": "type 2 diabetes"}],
    )
    for option_id in ("capivasertib_fulvestrant", "alpelisib_fulvestrant"):
        option = result.option(option_id)
        assert option.verdict == "fits"
        assert [c.id for c in option.cautions] == ["diabetes_high_blood_sugar"]


def test_low_heart_pumping_is_a_caution_on_her2_drugs(kb: Knowledge) -> None:
    therapies = [
        drug(
            "trastuzumab",
            "pertuzumab",
            "docetaxel",
            start="2021-02-01",
            stop="2022-02-01",
            reason="progression",
        )
    ]
    result = options_for(
        kb,
        tumor_tests=[HER2_POS],
        therapies=therapies,
        labs=[{"date": "2025-09-01", "test": "LVEF", "value": 45, "unit": "%"}],
    )
    option = result.option("trastuzumab_deruxtecan")
    assert option.verdict == "fits"
    assert [(c.id, c.rests_on) for c in option.cautions if c.rests_on] == [
        ("heart_pumping_low", "labs[0]")
    ]


def test_missing_heart_check_is_a_caution_on_first_line_her2_treatment(kb: Knowledge) -> None:
    result = options_for(kb, tumor_tests=[HER2_POS])
    option = result.option("docetaxel_trastuzumab_pertuzumab")
    assert option.verdict == "fits"
    assert [c.id for c in option.cautions] == [
        "heart_check_needed",
        "heart_checks_during_her2_treatment",
    ]


# --- tests to consider, grouping, contract -----------------------------------------------------
def test_her2_tested_only_before_spread_suggests_a_new_biopsy(kb: Knowledge) -> None:
    result = options_for(kb, tumor_tests=[tumor("2015-03-01")])
    assert "her2_retest_new_biopsy" in [t.id for t in result.tests_to_consider]


def test_triple_negative_options_start_with_immunotherapy(kb: Knowledge) -> None:
    result = options_for(kb, tumor_tests=[TNBC])
    assert result.subtype == "triple_negative"
    assert result.options[0].group == "immunotherapy"


def test_json_contract_keys_and_drug_names(kb: Knowledge) -> None:
    data = options_for(kb, tumor_tests=[HER2_POS]).to_json()
    assert list(data)[:4] == ["patient", "as_of", "kb_version", "subtype"]
    assert data["kb_version"] == kb.version
    option = next(o for o in data["options"] if o["id"] == "tucatinib_trastuzumab_capecitabine")
    assert option["drugs"] == ["tucatinib", "trastuzumab", "capecitabine"]
    assert {"id", "name", "kind", "drugs", "verdict", "reasons", "needs", "sources"} <= set(option)
    assert option["kind"] == "systemic"


def test_the_engine_is_pure_and_the_as_of_date_decides(kb: Knowledge) -> None:
    record = person(
        kb,
        as_of=dt.date(2025, 10, 1),
        tumor_tests=[HER2_LOW_HR_POS],
        therapies=[AI_PALBO_PROGRESSED],
    )
    first = list_options(record, kb, dt.date(2025, 10, 1))
    again = list_options(record, kb, dt.date(2025, 10, 1))
    earlier = list_options(record, kb, dt.date(2022, 1, 1))
    assert first == again
    assert first.option("fulvestrant_abemaciclib").verdict == "fits"
    # on 2022-01-01 letrozole + palbociclib was still running: nothing had stopped working,
    # so fulvestrant + abemaciclib was for later
    assert earlier.option("fulvestrant_abemaciclib").verdict == "may_fit"
    assert any(
        r.text.startswith("for later") for r in earlier.option("fulvestrant_abemaciclib").reasons
    )


def test_a_drug_given_before_without_progression_is_shown_with_its_entry(kb: Knowledge) -> None:
    result = options_for(
        kb,
        tumor_tests=[TNBC],
        therapies=[
            drug(
                "capecitabine",
                setting="adjuvant",
                start="2019-02-01",
                stop="2019-08-01",
                reason="completed",
            )
        ],
    )
    assert ("had capecitabine before, and it did not stop working", "therapies[0]") in [
        (r.text, r.rests_on) for r in result.option("capecitabine").reasons
    ]
    assert "not given before" in texts(result, "vinorelbine")


def test_a_knowledge_base_without_options_is_a_clear_error(kb: Knowledge) -> None:
    bare = dataclasses.replace(kb, options=None)
    with pytest.raises(KnowledgeInvalid) as caught:
        list_options(person(kb), bare, dt.date(2025, 10, 1))
    assert str(caught.value.problems[0]) == (
        "error: regimens.yaml: the knowledge base has no options"
    )


def test_no_bone_pain_means_no_radiation_for_pain(kb: Knowledge) -> None:
    result = options_for(
        kb,
        metastases=[{"site": "bone", "since": "2021-01-01"}],
        symptoms=[{"date": "2025-09-01", "esas": {"pain": 0}}],
    )
    assert result.option("palliative_radiation_bone").verdict == "does_not_fit"
    assert texts(result, "palliative_radiation_bone") == [
        "pain 0/10 on 2025-09-01: this is for pain of at least 1/10"
    ]
