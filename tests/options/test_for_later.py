"""While a treatment for metastatic disease still works, the options for after it are for
later: `may_fit` "for later, if your current treatment stops working", never `fits`; carrying
on with it comes first. Options that help now (radiation, bone-strengthening medicine,
trials, palliative care) are untouched. "Working" is what `status` says: no recorded
growth and no growth on the running line's scans (RECIST 1.1).

Varied people: each subtype, a line too young to have a scan, a switch for side effects
(a step for now), a dose lowered as a new entry, a planned break, ovarian suppression alone,
and growth on scans (not working: the earlier rules apply)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nextline.knowledge import Knowledge
from nextline.options import OptionsResult
from nextline.options.rules import LATER
from tests.options.builders import drug, options_for, texts, tumor

AS_OF = dt.date(2026, 11, 1)
HR = tumor("2025-06-05", ihc="1+")
HER2 = tumor("2025-06-05", er=0, pr=0, ihc="3+")
TNBC = tumor("2025-06-05", er=0, pr=0, ihc="0")
CARE = ("clinical_trial", "palliative_care")


def _opts(kb: Knowledge, **kwargs: Any) -> OptionsResult:
    kwargs.setdefault("metastatic_since", "2025-06-01")
    kwargs.setdefault("tumor_tests", [HR])
    return options_for(kb, as_of=AS_OF, **kwargs)


def _scan(day: str, mm: float, baseline: bool = False) -> dict[str, Any]:
    return {
        "date": day,
        "modality": "CT",
        "baseline": baseline,
        "lesions": [{"id": "liver-1", "organ": "liver", "role": "target", "longest_mm": mm}],
    }


def _later(result: OptionsResult, option_id: str) -> bool:
    option = result.option(option_id)
    return option.verdict == "may_fit" and any(
        t.startswith(LATER) for t in texts(result, option_id)
    )


def _systemic_on_the_table(result: OptionsResult) -> list[str]:
    return [
        o.id
        for o in result.options
        if o.kind == "systemic" and o.verdict != "does_not_fit" and o.group != "current"
    ]


def _assert_all_for_later(result: OptionsResult) -> None:
    on_table = _systemic_on_the_table(result)
    assert on_table, "the person should have options for later"
    assert [o for o in on_table if not _later(result, o)] == []
    first = result.options[0]
    assert (first.id, first.verdict) == ("continue_current_treatment", "fits")
    for option_id in CARE:
        assert result.option(option_id).verdict == "fits"
    assert any("has not stopped working" in note for note in result.notes)


def test_her2_positive_on_thp_with_shrinking_scans(kb: Knowledge) -> None:
    result = _opts(
        kb,
        tumor_tests=[HER2],
        therapies=[drug("trastuzumab", "pertuzumab", "docetaxel", start="2025-06-10")],
        imaging=[_scan("2025-06-03", 30, baseline=True), _scan("2026-09-01", 18)],
    )
    _assert_all_for_later(result)
    for option_id in ("trastuzumab_deruxtecan", "tucatinib_trastuzumab_capecitabine"):
        assert _later(result, option_id)
    assert "trastuzumab + pertuzumab + docetaxel" in texts(result, "continue_current_treatment")[0]


def test_hr_positive_on_ai_cdk_too_early_for_a_scan(kb: Knowledge) -> None:
    """Status "unclear" (no scan yet) is not "not working": still for later."""
    result = _opts(kb, therapies=[drug("anastrozole", "ribociclib", start="2026-10-01")])
    _assert_all_for_later(result)
    assert _later(result, "fulvestrant_abemaciclib")
    assert _later(result, "capecitabine")
    # anastrozole alone would not follow an aromatase inhibitor that stopped working
    assert result.option("exemestane").verdict == "may_fit"
    assert result.option("letrozole_abemaciclib").verdict == "does_not_fit"


def test_triple_negative_on_first_chemo(kb: Knowledge) -> None:
    result = _opts(
        kb,
        tumor_tests=[TNBC],
        therapies=[drug("paclitaxel", start="2025-06-10")],
        metastases=[{"site": "bone"}],
    )
    _assert_all_for_later(result)
    assert result.option("bone_modifying_agent").verdict in ("fits", "may_fit")
    assert not any(t.startswith(LATER) for t in texts(result, "bone_modifying_agent"))
    # another taxane would not follow paclitaxel once it stops working
    assert result.option("docetaxel").verdict == "does_not_fit"
    assert "you are on paclitaxel now" in texts(result, "docetaxel")[0]


def test_growth_on_scans_is_not_working(kb: Knowledge) -> None:
    result = _opts(
        kb,
        therapies=[drug("letrozole", "palbociclib", start="2025-06-10")],
        imaging=[_scan("2025-06-03", 30, baseline=True), _scan("2026-09-01", 45)],
    )
    assert not any(t.startswith(LATER) for o in result.options for t in texts(result, o.id))
    assert result.option("continue_current_treatment").verdict == "may_fit"
    assert result.option("fulvestrant_abemaciclib").verdict == "may_fit"


def test_a_new_place_of_spread_since_it_began_is_not_working(kb: Knowledge) -> None:
    """Shrinking scans, then a lung metastasis recorded: `status` says "not clear yet" (a
    new lesion is growth under RECIST 1.1), so options no longer say "carry on, it has not
    stopped working" (it did, before the tenth wave's review). A new brain metastasis alone
    is the exception the vignettes pin: the treatment carries on beside brain treatment."""
    result = _opts(
        kb,
        therapies=[drug("letrozole", "palbociclib", start="2025-06-10")],
        imaging=[_scan("2025-06-03", 30, baseline=True), _scan("2026-09-01", 18)],
        metastases=[
            {"site": "liver", "since": "2025-06-01"},
            {"site": "lung", "since": "2026-10-01"},
        ],
    )
    assert not any(t.startswith(LATER) for o in result.options for t in texts(result, o.id))
    assert result.option("continue_current_treatment").verdict == "may_fit"
    assert result.option("fulvestrant_abemaciclib").verdict == "may_fit"
    assert not any("has not stopped working" in note for note in result.notes)


def test_nothing_running_leaves_carry_on_last(kb: Knowledge) -> None:
    result = _opts(
        kb,
        therapies=[
            drug(
                "letrozole",
                "palbociclib",
                start="2025-06-10",
                stop="2026-08-01",
                reason="progression",
            )
        ],
    )
    assert result.option("fulvestrant_abemaciclib").verdict == "fits"
    assert result.options[-1].id == "continue_current_treatment"
    assert result.options[-1].verdict == "does_not_fit"


def test_ovarian_suppression_alone_is_not_a_treatment_to_wait_on(kb: Knowledge) -> None:
    result = _opts(
        kb, menopausal="premenopausal", therapies=[drug("goserelin", start="2025-06-05")]
    )
    assert result.option("letrozole_palbociclib").verdict == "fits"
    assert result.option("continue_current_treatment").verdict == "does_not_fit"


def test_a_pending_switch_for_side_effects_is_a_step_for_now(kb: Knowledge) -> None:
    result = _opts(
        kb,
        therapies=[
            drug("letrozole", start="2025-06-10"),
            drug("abemaciclib", start="2025-06-10", stop="2025-08-01", reason="toxicity"),
        ],
    )
    assert result.option("letrozole_palbociclib").verdict == "fits"
    assert not any(t.startswith(LATER) for t in texts(result, "letrozole_palbociclib"))
    assert _later(result, "fulvestrant_abemaciclib") is False  # abemaciclib: side effects
    assert _later(result, "capecitabine")


def test_a_lower_dose_written_as_a_new_entry_rules_nothing_out(kb: Knowledge) -> None:
    result = _opts(
        kb,
        therapies=[
            drug("anastrozole", start="2025-06-10"),
            drug("abemaciclib", start="2025-06-10", stop="2025-08-01", reason="toxicity"),
            drug("abemaciclib", start="2025-08-02"),
        ],
        side_effects=[
            {"date": "2025-07-20", "term": "diarrhea", "grade": 3, "therapy": "abemaciclib"}
        ],
    )
    _assert_all_for_later(result)
    said = [t for o in result.options for t in texts(result, o.id)]
    assert not any("stopped for side effects" in t for t in said)


def test_a_planned_break_keeps_the_treatment_to_start_again(kb: Knowledge) -> None:
    result = _opts(
        kb,
        therapies=[
            drug("letrozole", "palbociclib", start="2025-06-10", stop="2026-06-01", reason="break")
        ],
    )
    restart = result.option("letrozole_palbociclib")
    assert restart.verdict == "fits"
    assert any("paused for a planned break" in t for t in texts(result, "letrozole_palbociclib"))
    carry_on = result.option("continue_current_treatment")
    assert carry_on.verdict == "fits" and "paused" in texts(result, carry_on.id)[0]
    assert _later(result, "everolimus_exemestane")
    assert _later(result, "capecitabine")


def test_growth_during_a_break_is_growth_on_the_paused_treatment(kb: Knowledge) -> None:
    result = _opts(
        kb,
        therapies=[
            drug("letrozole", "palbociclib", start="2025-06-10", stop="2026-06-01", reason="break")
        ],
        imaging=[_scan("2025-06-03", 30, baseline=True), _scan("2026-09-01", 45)],
    )
    assert not any(t.startswith(LATER) for o in result.options for t in texts(result, o.id))
    # as for a running treatment growing on scans: the team weighs going on or changing, and
    # the options for after it are on the table once they confirm (session 11: they were
    # "does not fit", the paused treatment never counting as stopped working)
    assert result.option("continue_current_treatment").verdict == "may_fit"
    assert result.option("fulvestrant_abemaciclib").verdict == "may_fit"
    assert result.option("everolimus_exemestane").verdict == "may_fit"
