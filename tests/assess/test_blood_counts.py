"""Blood counts before a chemotherapy cycle, against the FDA label thresholds (converted
units, per-drug overrides, defaults)."""

from __future__ import annotations

import datetime as dt

from nextline.assess import assess_status
from nextline.knowledge import Knowledge
from tests.assess.builders import make_record, therapy

D = dt.date
AS_OF = D(2024, 3, 5)


def counts(
    kb: Knowledge, drugs: list[str], *labs: tuple[str, float, str], date: str = "2024-03-01"
):  # type: ignore[no-untyped-def]
    record = make_record(
        kb,
        therapies=[therapy(drugs)],
        labs=[{"date": date, "test": t, "value": v, "unit": u} for t, v, u in labs],
    )
    return assess_status(record, kb, AS_OF).blood_counts


def test_counts_exactly_at_the_paclitaxel_threshold_usually_allow_treatment(kb: Knowledge) -> None:
    result = counts(kb, ["paclitaxel"], ("ANC", 1500, "cells/mm3"), ("platelets", 100, "10^9/L"))
    assert (result.ready_for_chemo, result.below_threshold, result.chemo_drugs) == (
        True,
        (),
        ("paclitaxel",),
    )
    assert result.message == (
        "Blood counts on 2024-03-01: ANC 1.5 × 10^9/L (1,500/mm3), at least 1.5 asked for; "
        "platelets 100 × 10^9/L (100,000/mm3), at least 100 asked for. Counts usually allow "
        "treatment with paclitaxel."
    )


def test_counts_just_under_the_paclitaxel_threshold_may_delay(kb: Knowledge) -> None:
    result = counts(kb, ["paclitaxel"], ("ANC", 1.49, "10^9/L"), ("platelets", 150, "10^9/L"))
    assert (result.ready_for_chemo, result.below_threshold) == (False, ("ANC",))
    assert result.message.endswith(
        "ANC 1.49 × 10^9/L (1,490/mm3) is under the level the label of paclitaxel asks for: "
        "your team may delay or adjust the next dose."
    )


def test_counts_eribulin_label_allows_lower_platelets_than_the_default(kb: Knowledge) -> None:
    result = counts(kb, ["eribulin"], ("ANC", 1.2, "10^9/L"), ("platelets", 80, "10^9/L"))
    assert (result.ready_for_chemo, result.below_threshold) == (True, ())
    assert [(v.test, v.min, v.threshold_from) for v in result.values] == [
        ("anc", 1.0, "eribulin"),
        ("platelets", 75.0, "eribulin"),
    ]


def test_counts_use_the_strictest_drug_of_a_combination(kb: Knowledge) -> None:
    result = counts(
        kb, ["gemcitabine", "paclitaxel"], ("ANC", 2.0, "10^9/L"), ("platelets", 90, "10^9/L")
    )
    assert (result.ready_for_chemo, result.below_threshold) == (False, ("platelets",))
    assert result.chemo_drugs == ("gemcitabine", "paclitaxel")


def test_counts_chemotherapy_without_its_own_rule_uses_the_defaults(kb: Knowledge) -> None:
    result = counts(kb, ["capecitabine"], ("ANC", 1.4, "10^9/L"), ("platelets", 120, "10^9/L"))
    assert [(v.test, v.min, v.threshold_from) for v in result.values] == [
        ("anc", 1.5, "default"),
        ("platelets", 100.0, "default"),
    ]
    assert result.ready_for_chemo is False


def test_counts_not_chemotherapy_is_not_judged(kb: Knowledge) -> None:
    result = counts(
        kb, ["letrozole", "palbociclib"], ("ANC", 0.9, "10^9/L"), ("platelets", 80, "10^9/L")
    )
    assert (result.ready_for_chemo, result.below_threshold, result.chemo_drugs) == (
        None,
        ("ANC", "platelets"),
        (),
    )


def test_counts_missing_a_needed_count_is_not_judged(kb: Knowledge) -> None:
    result = counts(kb, ["paclitaxel"], ("ANC", 2.0, "10^9/L"))
    assert (result.ready_for_chemo, result.below_threshold) == (None, ())
    assert result.message.endswith("Not every count paclitaxel needs is recorded (platelets).")


def test_counts_older_than_30_days_are_not_judged(kb: Knowledge) -> None:
    result = counts(
        kb, ["paclitaxel"], ("ANC", 2.0, "10^9/L"), ("platelets", 150, "10^9/L"), date="2024-02-03"
    )
    assert (result.ready_for_chemo, result.stale, result.date) == (None, True, D(2024, 2, 3))


def test_counts_hemoglobin_is_shown_without_a_threshold(kb: Knowledge) -> None:
    result = counts(kb, ["paclitaxel"], ("hemoglobin", 89, "g/L"))
    (hb,) = result.values
    assert (hb.value, hb.unit, hb.min, hb.below) == (8.9, "g/dL", None, False)


def test_counts_for_a_chemotherapy_that_has_stopped_say_so(kb: Knowledge) -> None:
    record = make_record(
        kb,
        therapies=[therapy(["paclitaxel"], "2024-01-01", "2024-03-02", "toxicity")],
        labs=[
            {"date": "2024-03-01", "test": "ANC", "value": 2.0, "unit": "10^9/L"},
            {"date": "2024-03-01", "test": "platelets", "value": 150, "unit": "10^9/L"},
        ],
    )
    result = assess_status(record, kb, AS_OF).blood_counts
    assert (result.ready_for_chemo, result.line) == (True, 1)
    assert result.message.endswith(
        "Counts usually allow treatment with paclitaxel. (That treatment stopped on "
        "2024-03-02; these are shown against its limits.)"
    )


# --- a low count is said first (issue 11, review fix) ------------------------------------
def test_counts_low_anc_with_platelets_missing_says_the_low_count_first(kb: Knowledge) -> None:
    result = counts(kb, ["paclitaxel"], ("ANC", 0.8, "10^9/L"))
    assert (result.ready_for_chemo, result.below_threshold) == (False, ("ANC",))
    assert result.message == (
        "Blood counts on 2024-03-01: ANC 0.8 × 10^9/L (800/mm3), at least 1.5 asked for. "
        "ANC 0.8 × 10^9/L (800/mm3) is under the level the label of paclitaxel asks for: your "
        "team may delay or adjust the next dose. Not every count paclitaxel needs is recorded "
        "(platelets)."
    )


def test_counts_low_platelets_with_anc_missing_says_the_low_count_first(kb: Knowledge) -> None:
    result = counts(kb, ["eribulin"], ("plt", 60, "K/uL"))
    assert (result.ready_for_chemo, result.below_threshold) == (False, ("platelets",))
    low_at = result.message.index("platelets 60 × 10^9/L (60,000/mm3) is under the level")
    missing_at = result.message.index("Not every count eribulin needs is recorded (anc)")
    assert low_at < missing_at


def test_counts_low_anc_of_a_combination_comes_before_the_missing_platelets(kb: Knowledge) -> None:
    result = counts(
        kb,
        ["gemcitabine", "docetaxel"],
        ("ANC", 1.1, "10^9/L"),
        ("hemoglobin", 7.9, "g/dL"),
    )
    assert result.below_threshold == ("ANC",)
    assert result.message.endswith(
        "ANC 1.1 × 10^9/L (1,100/mm3) is under the level the label of gemcitabine, docetaxel "
        "asks for: your team may delay or adjust the next dose. Not every count gemcitabine, "
        "docetaxel needs is recorded (platelets)."
    )


def test_counts_old_and_low_say_the_low_count_before_the_age(kb: Knowledge) -> None:
    result = counts(
        kb, ["paclitaxel"], ("ANC", 1.0, "10^9/L"), ("platelets", 150, "10^9/L"), date="2024-01-20"
    )
    assert (result.ready_for_chemo, result.stale) == (None, True)
    low_at = result.message.index("ANC 1 × 10^9/L (1,000/mm3) is under the level")
    old_at = result.message.index("These counts are more than 30 days old")
    assert low_at < old_at


def test_counts_missing_but_none_low_is_still_not_judged(kb: Knowledge) -> None:
    result = counts(kb, ["trastuzumab deruxtecan"], ("platelets", 120, "10^9/L"))
    assert (result.ready_for_chemo, result.below_threshold) == (None, ())
    assert "under the level" not in result.message
