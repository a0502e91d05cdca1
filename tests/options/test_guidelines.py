"""Issue 12: options that reason the way the guidelines do. One test (or a few) per point of
the issue; the vignette suite (test_vignettes.py) covers many more people."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nextline.knowledge import Knowledge
from nextline.options import OptionsResult
from tests.options.builders import drug, options_for, texts, tumor

AS_OF = dt.date(2026, 11, 1)
BACK = "2025-06-01"


def _opts(kb: Knowledge, **kwargs: Any) -> OptionsResult:
    kwargs.setdefault("metastatic_since", BACK)
    kwargs.setdefault("tumor_tests", [tumor("2025-06-05", ihc="1+")])
    return options_for(kb, as_of=AS_OF, **kwargs)


def _needs(result: OptionsResult, option_id: str) -> tuple[str, ...]:
    return result.option(option_id).needs


# --- endocrine resistance, and early relapse after an adjuvant drug --------------------------
def test_relapse_within_12_months_of_adjuvant_ai_counts_as_stopped_working(kb: Knowledge) -> None:
    adjuvant = drug("anastrozole", start="2019-01-01", stop="2024-12-01", setting="adjuvant")
    result = _opts(kb, therapies=[adjuvant])
    assert result.option("fulvestrant_palbociclib").verdict == "fits"
    reasons = texts(result, "fulvestrant_palbociclib")
    assert "had anastrozole before or after surgery, which stopped working" in reasons
    assert result.option("letrozole_palbociclib").verdict == "does_not_fit"
    assert texts(result, "letrozole_palbociclib") == [
        "the cancer grew on anastrozole, an aromatase inhibitor (the cancer is resistant to it)"
    ]
    assert result.endocrine_sensitivity is not None
    assert result.endocrine_sensitivity.status == "secondary_resistance"
    assert result.to_json()["endocrine_sensitivity"]["rests_on"] == "therapies[0]"


def test_relapse_long_after_adjuvant_ai_keeps_first_line_ai_options(kb: Knowledge) -> None:
    adjuvant = drug("anastrozole", start="2015-01-01", stop="2020-01-01", setting="adjuvant")
    result = _opts(kb, therapies=[adjuvant])
    assert result.option("letrozole_ribociclib").verdict == "fits"
    assert result.endocrine_sensitivity is not None
    assert result.endocrine_sensitivity.status == "sensitive"


def test_relapse_4_months_after_adjuvant_tdm1_rules_out_tdm1(kb: Knowledge) -> None:
    her2 = tumor("2025-06-05", er=0, pr=0, ihc="3+")
    adjuvant = drug(
        "ado-trastuzumab emtansine", start="2024-06-01", stop="2025-02-01", setting="adjuvant"
    )
    result = _opts(kb, tumor_tests=[her2], therapies=[adjuvant])
    assert result.option("ado_trastuzumab_emtansine").verdict == "does_not_fit"
    assert "the cancer grew on ado-trastuzumab emtansine" in texts(
        result, "ado_trastuzumab_emtansine"
    )
    assert result.option("trastuzumab_deruxtecan").verdict == "fits"


# --- regimens, not drugs ------------------------------------------------------------------------
def test_one_line_of_trastuzumab_and_pertuzumab_is_one_regimen(kb: Knowledge) -> None:
    her2 = tumor("2025-06-05", er=0, pr=0, ihc="3+")
    therapies = [
        drug("trastuzumab", start="2025-06-10", stop="2026-06-01", reason="progression"),
        drug("pertuzumab", start="2025-06-10", stop="2026-06-01", reason="progression"),
    ]
    result = _opts(kb, tumor_tests=[her2], therapies=therapies)
    assert result.option("neratinib_capecitabine").verdict == "does_not_fit"


def test_early_anti_her2_treatment_counts_as_one_regimen(kb: Knowledge) -> None:
    her2 = tumor("2025-06-05", er=0, pr=0, ihc="3+")
    therapies = [
        drug(
            "trastuzumab",
            "pertuzumab",
            start="2020-01-01",
            stop="2020-05-01",
            setting="neoadjuvant",
        ),
        drug("trastuzumab", start="2020-06-01", stop="2021-01-01", setting="adjuvant"),
        drug("pertuzumab", start="2020-06-01", stop="2021-01-01", setting="adjuvant"),
    ]
    result = _opts(kb, tumor_tests=[her2], therapies=therapies)
    margetuximab = result.option("margetuximab_chemotherapy")
    assert margetuximab.verdict == "does_not_fit"
    assert any("two HER2-targeted treatments" in r.text for r in margetuximab.reasons)


# --- a switch for side effects is not a new line --------------------------------------------------
def test_abemaciclib_stopped_for_side_effects_keeps_the_ai_and_other_cdk46(kb: Knowledge) -> None:
    therapies = [
        drug("anastrozole", "abemaciclib", start="2025-06-10", stop="2025-09-01", reason="toxicity")
    ]
    side = [{"date": "2025-08-20", "term": "diarrhea", "grade": 3, "therapy": "abemaciclib"}]
    result = _opts(kb, therapies=therapies, side_effects=side)
    assert result.option("letrozole_palbociclib").verdict == "fits"
    assert any(
        "a switch for side effects is not a new line" in t
        for t in texts(result, "letrozole_palbociclib")
    )
    assert result.option("letrozole_abemaciclib").verdict == "does_not_fit"


# --- options follow the status -----------------------------------------------------------------
def _scan(day: str, mm: float, baseline: bool = False) -> dict[str, Any]:
    return {
        "date": day,
        "modality": "CT",
        "baseline": baseline,
        "lesions": [{"id": "liver-1", "organ": "liver", "role": "target", "longest_mm": mm}],
    }


def test_growth_on_scans_makes_post_progression_options_may_fit(kb: Knowledge) -> None:
    running = drug("letrozole", "palbociclib", start="2025-06-10")
    result = _opts(
        kb,
        therapies=[running],
        imaging=[_scan("2025-06-03", 30, baseline=True), _scan("2026-09-01", 42)],
    )
    option = result.option("fulvestrant_abemaciclib")
    assert option.verdict == "may_fit"
    assert any(
        "if your team confirms it has stopped working" in t
        for t in texts(result, "fulvestrant_abemaciclib")
    )
    assert any("has stopped working" in n for n in option.needs)
    assert any("may have stopped working" in note for note in result.notes)
    assert result.to_json()["notes"] == list(result.notes)


def test_no_growth_on_scans_keeps_post_progression_options_for_later(kb: Knowledge) -> None:
    """Without growth the running line still works: options for after it are for later
    (`may_fit` with why), never `fits`, and carrying on with it comes first."""
    running = drug("letrozole", "palbociclib", start="2025-06-10")
    result = _opts(
        kb,
        therapies=[running],
        imaging=[_scan("2025-06-03", 30, baseline=True), _scan("2026-09-01", 28)],
    )
    option = result.option("fulvestrant_abemaciclib")
    assert option.verdict == "may_fit"
    assert any(
        t.startswith("for later, if your current treatment stops working")
        for t in texts(result, "fulvestrant_abemaciclib")
    )
    assert result.options[0].id == "continue_current_treatment"
    assert result.options[0].verdict == "fits"
    assert not any("may have stopped working" in note for note in result.notes)
    assert any("has not stopped working" in note for note in result.notes)


# --- menopause, ovarian suppression, men ---------------------------------------------------------
def test_unknown_menopausal_status_asks_instead_of_ruling_out(kb: Knowledge) -> None:
    result = _opts(kb, menopausal="unknown")
    for option_id in ("letrozole_palbociclib", "fulvestrant_ribociclib", "anastrozole"):
        assert result.option(option_id).verdict == "may_fit"
        assert "needs your menopausal status (before, around or after menopause)" in _needs(
            result, option_id
        )


def test_premenopausal_excluded_rules_apply(kb: Knowledge) -> None:
    result = _opts(kb, menopausal="premenopausal")
    assert result.option("fulvestrant_ribociclib").verdict == "does_not_fit"
    assert texts(result, "fulvestrant_ribociclib") == [
        "premenopausal: this is for women after menopause"
    ]
    suppressed = _opts(
        kb,
        menopausal="premenopausal",
        therapies=[drug("goserelin", start="2025-06-05")],
    )
    assert suppressed.option("fulvestrant_ribociclib").verdict == "may_fit"


def test_capivasertib_before_menopause_needs_ovarian_suppression(kb: Knowledge) -> None:
    tests = [tumor("2025-06-05", ihc="1+", variants=[{"gene": "AKT1", "alteration": "E17K"}])]
    grew = drug(
        "letrozole", "palbociclib", start="2025-06-10", stop="2026-06-01", reason="progression"
    )
    result = _opts(kb, menopausal="premenopausal", tumor_tests=tests, therapies=[grew])
    option = result.option("capivasertib_fulvestrant")
    assert option.verdict == "may_fit"
    assert any("ovarian suppression started with it" in need for need in option.needs)
    with_gnrh = _opts(
        kb,
        menopausal="premenopausal",
        tumor_tests=tests,
        therapies=[drug("leuprolide", start="2025-06-05"), grew],
    )
    assert with_gnrh.option("capivasertib_fulvestrant").verdict == "fits"


def test_a_man_gets_an_aromatase_inhibitor_with_a_gnrh_agonist(kb: Knowledge) -> None:
    result = _opts(kb, sex="male", menopausal=None)
    option = result.option("letrozole_ribociclib")
    assert option.verdict == "may_fit"
    assert option.needs == (
        "a GnRH agonist alongside the aromatase inhibitor (ASCO, male breast cancer)",
    )
    assert result.option("tamoxifen").verdict == "fits"


# --- line limits --------------------------------------------------------------------------------
def test_inavolisib_is_for_people_with_no_treatment_for_advanced_disease(kb: Knowledge) -> None:
    tests = [tumor("2025-06-05", ihc="0", variants=[{"gene": "PIK3CA", "alteration": "H1047R"}])]
    adjuvant = drug("letrozole", start="2023-01-01", setting="adjuvant")
    first = _opts(kb, tumor_tests=tests, therapies=[adjuvant])
    assert first.option("inavolisib_palbociclib_fulvestrant").verdict == "fits"
    later = _opts(
        kb,
        tumor_tests=tests,
        therapies=[
            adjuvant,
            drug("capecitabine", start="2025-06-10", stop="2026-01-01", reason="progression"),
        ],
    )
    assert later.option("inavolisib_palbociclib_fulvestrant").verdict == "does_not_fit"


# --- visceral crisis ------------------------------------------------------------------------------
def test_visceral_crisis_puts_chemotherapy_first_and_rules_out_hormone_therapy_alone(
    kb: Knowledge,
) -> None:
    crisis = [{"date": "2025-06-20", "disease_status": "worsened", "visceral_crisis": True}]
    result = _opts(kb, assessments=crisis)
    assert result.option("anastrozole").verdict == "does_not_fit"
    assert result.option("letrozole_ribociclib").verdict == "may_fit"
    first_group = next(o.group for o in result.options if o.verdict != "does_not_fit")
    assert first_group == "chemotherapy"
    assert any("visceral crisis" in note for note in result.notes)
    assert texts(result, "anastrozole")[0].startswith("a visceral crisis is on record")


def test_ecog_3_or_4_is_a_caution_on_chemotherapy_and_a_note(kb: Knowledge) -> None:
    low = _opts(kb, performance=[{"date": "2026-10-01", "ecog": 3}])
    cautions = {c.id: c.rests_on for c in low.option("capecitabine").cautions}
    assert cautions["low_activity_ecog_3_4"] == "performance[0]"
    assert "low_activity_ecog_3_4" not in {c.id for c in low.option("anastrozole").cautions}
    assert any("ECOG 3 or 4" in note for note in low.notes)
    active = _opts(
        kb,
        performance=[
            {"date": "2026-01-01", "ecog": 3},
            {"date": "2026-10-01", "ecog": 1},
        ],
    )
    assert "low_activity_ecog_3_4" not in {c.id for c in active.option("capecitabine").cautions}
    assert active.notes == ()


# --- biomarker nuances ----------------------------------------------------------------------------
def test_er_low_lets_triple_negative_options_may_fit(kb: Knowledge) -> None:
    result = _opts(kb, tumor_tests=[tumor("2025-06-05", er=3, pr=0, ihc="0", pdl1={"cps": 20})])
    option = result.option("pembrolizumab_chemotherapy")
    assert option.verdict == "may_fit"
    assert option.needs == (
        "your team's view on treating your ER-low cancer like a triple-negative one",
    )
    assert result.option("letrozole_palbociclib").verdict == "fits"


def test_a_blood_test_alone_does_not_close_pik3ca_options(kb: Knowledge) -> None:
    blood = tumor(
        "2026-08-01",
        er=None,
        pr=None,
        ihc=None,
        specimen="plasma",
        test_name="ctDNA panel",
        not_detected=["PIK3CA", "AKT1", "PTEN"],
    )
    grew = drug(
        "letrozole", "palbociclib", start="2025-06-10", stop="2026-06-01", reason="progression"
    )
    result = _opts(kb, tumor_tests=[tumor("2025-06-05", ihc="1+"), blood], therapies=[grew])
    assert result.option("capivasertib_fulvestrant").verdict == "may_fit"
    assert _needs(result, "capivasertib_fulvestrant") == (
        "a test of tumor tissue (a biopsy) for PIK3CA/AKT1/PTEN",
    )
    tissue = dict(blood, specimen="liver biopsy", test_name="FoundationOne CDx")
    closed = _opts(kb, tumor_tests=[tumor("2025-06-05", ihc="1+"), tissue], therapies=[grew])
    assert closed.option("capivasertib_fulvestrant").verdict == "does_not_fit"


def test_tumor_agnostic_options_need_a_fusion_not_any_change(kb: Knowledge) -> None:
    grew = drug("capecitabine", start="2025-06-10", stop="2026-05-01", reason="progression")
    fusion = tumor(
        "2025-06-05",
        er=0,
        pr=0,
        ihc="0",
        variants=[{"gene": "RET", "alteration": "CCDC6-RET fusion"}],
    )
    assert _opts(kb, tumor_tests=[fusion], therapies=[grew]).option("selpercatinib").verdict == (
        "fits"
    )
    point = tumor(
        "2025-06-05", er=0, pr=0, ihc="0", variants=[{"gene": "RET", "alteration": "V804M"}]
    )
    result = _opts(kb, tumor_tests=[point], therapies=[grew])
    assert result.option("selpercatinib").verdict == "may_fit"
    assert _needs(result, "selpercatinib") == (
        "whether the change is a fusion or rearrangement (ask the lab or your team)",
    )
    untested = _opts(kb, therapies=[grew])
    assert untested.option("larotrectinib").verdict == "may_fit"
    assert any("NTRK1/NTRK2/NTRK3 test" in n for n in _needs(untested, "larotrectinib"))


# --- partner choices, off-label, cautions ---------------------------------------------------------
def test_combinations_name_their_partner_choices(kb: Knowledge) -> None:
    result = _opts(kb, tumor_tests=[tumor("2025-06-05", er=0, pr=0, ihc="0", pdl1={"cps": 12})])
    option = result.to_json()["options"]
    pembro = next(o for o in option if o["id"] == "pembrolizumab_chemotherapy")
    assert pembro["drugs"] == ["pembrolizumab"]
    assert pembro["drug_choices"] == [
        ["paclitaxel"],
        ["protein-bound paclitaxel"],
        ["gemcitabine", "carboplatin"],
    ]


def test_used_but_not_fda_approved_for_breast_cancer_is_said(kb: Knowledge) -> None:
    result = _opts(kb, tumor_tests=[tumor("2025-06-05", er=0, pr=0, ihc="0", pdl1={"cps": 1})])
    assert result.option("gemcitabine_carboplatin").not_fda_approved_for_breast == ("carboplatin",)
    assert result.option("capecitabine").not_fda_approved_for_breast == ()


def test_label_warnings_are_cautions_for_everyone(kb: Knowledge) -> None:
    her2 = _opts(kb, tumor_tests=[tumor("2025-06-05", er=80, pr=10, ihc="3+")])
    hr = _opts(kb)
    tnbc = _opts(kb, tumor_tests=[tumor("2025-06-05", er=0, pr=0, ihc="0", pdl1={"cps": 1})])

    def ids(result: OptionsResult, option_id: str) -> set[str]:
        return {c.id for c in result.option(option_id).cautions}

    assert "heart_rhythm_qt" in ids(hr, "letrozole_ribociclib")
    assert "heart_checks_during_her2_treatment" in ids(her2, "docetaxel_trastuzumab_pertuzumab")
    assert "heart_checks_during_her2_treatment" in ids(her2, "lapatinib_letrozole")
    assert {"liver_warning"} <= ids(her2, "lapatinib_letrozole")
    assert {"lung_inflammation_watch", "eye_checks"} <= ids(tnbc, "datopotamab_deruxtecan")
    assert "dpyd_before_capecitabine" in ids(hr, "capecitabine")


# --- tumour-agnostic: MSI-high / dMMR / TMB-high ----------------------------------------------
def _tnbc_after_chemo(kb: Knowledge, **markers: Any) -> OptionsResult:
    tested = tumor("2025-06-05", er=0, pr=0, ihc="0", **markers)
    chemo = drug("paclitaxel", start="2025-07-01", stop="2026-03-01", reason="progression")
    return _opts(kb, tumor_tests=[tested], therapies=[chemo])


def test_msi_high_or_dmmr_after_treatment_opens_pembrolizumab(kb: Knowledge) -> None:
    for markers in ({"msi": "high"}, {"mmr": "deficient"}):
        result = _tnbc_after_chemo(kb, **markers)
        assert result.option("pembrolizumab_msi_high").verdict == "fits"
    stable = _tnbc_after_chemo(kb, msi="stable", mmr="proficient")
    assert stable.option("pembrolizumab_msi_high").verdict == ("does_not_fit")


def test_tmb_of_10_or_more_opens_pembrolizumab_and_9_does_not(kb: Knowledge) -> None:
    high = _tnbc_after_chemo(kb, tmb_mut_per_mb=10)
    low = _tnbc_after_chemo(kb, tmb_mut_per_mb=9.5)
    assert high.option("pembrolizumab_tmb_high").verdict == "fits"
    assert low.option("pembrolizumab_tmb_high").verdict == "does_not_fit"


def test_without_an_msi_or_tmb_result_the_test_is_what_is_needed(kb: Knowledge) -> None:
    result = _tnbc_after_chemo(kb)
    option = result.option("pembrolizumab_msi_high")
    assert option.verdict == "may_fit"
    assert any("MSI/MMR" in need for need in option.needs)
