"""Tumor markers: trend within the line, change from the line's nadir, supporting only,
with the early-flare caveat (ASCO 2007: first 4-6 weeks of a new therapy)."""

from __future__ import annotations

import datetime as dt

from nextline.assess import assess_status
from nextline.knowledge import Knowledge
from nextline.record import PatientRecord
from tests.assess.builders import make_record

D = dt.date


def ca153(date: str, value: float, unit: str = "U/mL") -> dict:
    return {"date": date, "test": "CA 15-3", "value": value, "unit": unit}


def test_markers_hr_positive_line_1_from_its_nadir(
    kb: Knowledge, examples: dict[str, PatientRecord]
) -> None:
    status = assess_status(examples["hr-positive-esr1"], kb, D(2024, 3, 27))
    (marker,) = status.markers
    # 96 before the start (2021-05-25), lowest 28 (2022-06-02), latest 78 (2024-03-20):
    # (78 - 28) / 28 = +178.6 %; (78 - 96) / 96 = -18.8 %.
    assert (marker.test, marker.line, marker.trend) == ("ca_15_3", 1, "rising")
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
    status = assess_status(record, kb, D(2024, 3, 5))
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
    status = assess_status(record, kb, D(2024, 3, 20))
    (marker,) = status.markers
    assert marker.in_flare_window is False  # day 42
    evidence = next(e for e in status.evidence if e.kind == "marker")
    assert (evidence.points_to, evidence.rule) == ("not_working", "marker_trend_supporting_only")
    assert [c.id for c in evidence.sources] == [
        "asco_biomarkers_mbc_2015",
        "asco_tumor_markers_2007",
        "asco_tumor_markers_2007",
    ]


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
