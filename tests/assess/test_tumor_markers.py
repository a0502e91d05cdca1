"""Tumor markers: trend within the line, change from the line's nadir, supporting only,
with the early-flare caveat (ASCO 2007: first 4-6 weeks of a new therapy), and a rise that
counts only at or past the knowledge base's sourced `meaningful_rise_pct` over the nadir.

The shipped knowledge base holds no such number yet (none could be checked against its
source), so a rise there is `slightly_rising` and counted neither way; the rule itself is
proved on copies of the knowledge base given a number (`with_rise`), labelled as test-only."""

from __future__ import annotations

import datetime as dt

from nextline.assess import assess_status
from nextline.knowledge import Knowledge
from nextline.record import PatientRecord
from tests.assess.builders import make_record, with_rise

D = dt.date


def ca153(date: str, value: float, unit: str = "U/mL") -> dict:
    return {"date": date, "test": "CA 15-3", "value": value, "unit": unit}


def test_markers_hr_positive_line_1_from_its_nadir(
    kb: Knowledge, examples: dict[str, PatientRecord]
) -> None:
    status = assess_status(examples["hr-positive-esr1"], kb, D(2024, 3, 27))
    (marker,) = status.markers
    # 96 before the start (2021-05-25), lowest 28 (2022-06-02), latest 78 (2024-03-20):
    # (78 - 28) / 28 = +178.6 %; (78 - 96) / 96 = -18.8 %. No sourced size of a meaningful
    # rise is shipped, so the rise is shown and not counted.
    assert (marker.test, marker.line, marker.trend) == ("ca_15_3", 1, "slightly_rising")
    assert (marker.baseline and marker.baseline.value, marker.nadir.value, marker.latest.value) == (
        96.0,
        28.0,
        78.0,
    )
    assert (marker.change_from_nadir_pct, marker.change_from_baseline_pct) == (178.6, -18.8)
    assert (marker.nadir.date, marker.nadir.path) == (D(2022, 6, 2), "labs[2]")
    assert marker.in_flare_window is False


def test_markers_rise_in_the_first_six_weeks_is_flagged_as_possible_flare(kb: Knowledge) -> None:
    record = make_record(kb, labs=[ca153("2024-01-25", 30), ca153("2024-03-01", 45)])
    status = assess_status(record, with_rise(kb, 25), D(2024, 3, 5))
    (marker,) = status.markers
    # Line start 2024-02-01; 2024-03-01 is day 29, under 42 days.
    assert (marker.trend, marker.change_from_nadir_pct, marker.in_flare_window) == (
        "rising",
        50.0,
        True,
    )
    evidence = next(e for e in status.evidence if e.kind == "marker")
    assert (evidence.points_to, evidence.supporting_only) == ("neither", True)
    assert marker.text.endswith(
        "This value is from the first 6 weeks of the treatment, when an early rise can be a "
        "false alarm (a flare)."
    )


def test_markers_rise_after_six_weeks_points_to_not_working_but_only_supports(
    kb: Knowledge,
) -> None:
    record = make_record(kb, labs=[ca153("2024-01-25", 30), ca153("2024-03-14", 45)])
    status = assess_status(record, with_rise(kb, 25), D(2024, 3, 20))
    (marker,) = status.markers
    assert marker.in_flare_window is False  # day 42
    evidence = next(e for e in status.evidence if e.kind == "marker")
    assert (evidence.points_to, evidence.rule) == (
        "not_working",
        "marker_meaningful_rise_supporting_only",
    )
    assert [(c.id, c.section) for c in evidence.sources][-1] == (
        "asco_tumor_markers_2007",
        "test-only number",
    )
    assert "That is a rise of at least 25 %, the size counted as meaningful." in marker.text


def test_markers_falling_point_to_working(kb: Knowledge) -> None:
    record = make_record(kb, labs=[ca153("2024-01-25", 80), ca153("2024-05-01", 40)])
    status = assess_status(record, kb, D(2024, 5, 5))
    (marker,) = status.markers
    assert (marker.trend, marker.change_from_baseline_pct, marker.change_from_nadir_pct) == (
        "falling",
        -50.0,
        0.0,
    )
    assert next(e for e in status.evidence if e.kind == "marker").points_to == "working"


def test_markers_before_the_previous_line_do_not_count(kb: Knowledge) -> None:
    record = make_record(
        kb,
        therapies=[
            {
                "setting": "metastatic",
                "drugs": ["letrozole"],
                "start": "2023-01-01",
                "stop": "2023-12-20",
                "stop_reason": "progression",
            },
            {"setting": "metastatic", "drugs": ["fulvestrant"], "start": "2024-01-01"},
        ],
        labs=[ca153("2022-12-20", 10), ca153("2023-12-15", 60), ca153("2024-04-01", 50)],
    )
    (marker,) = assess_status(record, kb, D(2024, 4, 5)).markers
    assert [p.value for p in marker.values] == [60.0, 50.0]
    assert (marker.line, marker.trend) == (2, "falling")


def test_markers_single_value_has_no_trend_and_no_evidence(kb: Knowledge) -> None:
    record = make_record(
        kb, labs=[{"date": "2024-03-01", "test": "CEA", "value": 6.1, "unit": "ng/mL"}]
    )
    status = assess_status(record, kb, D(2024, 3, 5))
    (marker,) = status.markers
    assert (marker.test, marker.trend, marker.text) == (
        "cea",
        "single",
        "CEA was 6.1 ng/mL on 2024-03-01; one value in this treatment, so no trend yet.",
    )
    assert [e for e in status.evidence if e.kind == "marker"] == []


# --- a rise counts only past the sourced meaningful change (issue 11, review fix) --------
def trend_of(kb: Knowledge, *values: float, pct: float | None = 25, test: str = "CA 15-3"):  # type: ignore[no-untyped-def]
    """The marker of a line (letrozole from 2024-02-01) with one value every 60 days from
    2024-01-25, read on 2024-12-01 (well past the flare window)."""
    days = [D(2024, 1, 25) + dt.timedelta(days=60 * i) for i in range(len(values))]
    labs = [
        {"date": d.isoformat(), "test": test, "value": v, "unit": "U/mL"}
        for d, v in zip(days, values, strict=True)
    ]
    know = with_rise(kb, pct) if pct is not None else kb
    status = assess_status(make_record(kb, labs=labs), know, D(2024, 12, 1))
    (marker,) = status.markers
    points = [e.points_to for e in status.evidence if e.kind == "marker"]
    return marker, points


def test_markers_rise_under_the_threshold_is_slightly_rising_and_counts_neither_way(
    kb: Knowledge,
) -> None:
    marker, points = trend_of(kb, 30, 36)  # +20 %
    assert (marker.trend, marker.change_from_nadir_pct, points) == (
        "slightly_rising",
        20.0,
        ["neither"],
    )
    assert (
        "less than the 25 % rise counted as meaningful, so it is shown but not counted"
        in marker.text
    )


def test_markers_rise_of_exactly_the_threshold_is_rising(kb: Knowledge) -> None:
    marker, points = trend_of(kb, 30, 37.5)  # +25 %
    assert (marker.trend, marker.change_from_nadir_pct, points) == ("rising", 25.0, ["not_working"])


def test_markers_small_step_up_from_a_low_nadir_is_not_counted(kb: Knowledge) -> None:
    marker, points = trend_of(kb, 30, 20, 24)  # +20 % over the nadir 20
    assert (marker.trend, marker.nadir.value, points) == ("slightly_rising", 20.0, ["neither"])


def test_markers_small_steps_that_add_up_past_the_threshold_are_rising(kb: Knowledge) -> None:
    marker, points = trend_of(kb, 30, 20, 22, 24, 26)  # +30 % over the nadir 20, +8 % a step
    assert (marker.trend, marker.change_from_nadir_pct, points) == ("rising", 30.0, ["not_working"])


def test_markers_a_fall_after_a_big_rise_is_falling(kb: Knowledge) -> None:
    marker, points = trend_of(kb, 20, 40, 38)
    assert (marker.trend, points) == ("falling", ["working"])


def test_markers_threshold_is_the_one_in_the_knowledge_base(kb: Knowledge) -> None:
    series = (30, 42)  # +40 %
    assert [trend_of(kb, *series, pct=pct)[0].trend for pct in (10, 40, 40.1, 50)] == [
        "rising",
        "rising",
        "slightly_rising",
        "slightly_rising",
    ]


def test_markers_cea_in_another_unit_is_compared_after_conversion(kb: Knowledge) -> None:
    labs = [
        {"date": "2024-01-25", "test": "carcinoembryonic antigen", "value": 3.0, "unit": "ng/mL"},
        {"date": "2024-06-01", "test": "CEA", "value": 4.0, "unit": "ug/L"},
    ]
    status = assess_status(make_record(kb, labs=labs), with_rise(kb, 25), D(2024, 6, 5))
    (marker,) = status.markers
    assert (marker.test, marker.trend, marker.change_from_nadir_pct) == ("cea", "rising", 33.3)


def test_markers_without_a_sourced_threshold_no_rise_is_counted(kb: Knowledge) -> None:
    assert kb.assess is not None and kb.assess.markers.meaningful_rise_pct is None
    marker, points = trend_of(kb, 30, 120, pct=None)  # +300 %
    assert (marker.trend, points) == ("slightly_rising", ["neither"])
    assert marker.text == (
        "CA 15-3 was 120 U/mL on 2024-03-25, going up; +300 % from its lowest in this "
        "treatment (30 U/mL on 2024-01-25, the nadir). nextline does not yet hold a published "
        "rule for how big a rise matters, so this rise is shown but not counted. Tumor markers "
        "support what scans show; they never show growth on their own."
    )
