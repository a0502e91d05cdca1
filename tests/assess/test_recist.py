"""RECIST 1.1 (Eisenhauer et al. 2009): one case per rule, and one on each side of every
threshold. The default line is letrozole from 2024-02-01; the baseline scan is on 2024-01-20."""

from __future__ import annotations

import datetime as dt

from nextline.assess import group_assessments
from nextline.assess.recist import best_overall
from nextline.knowledge import Knowledge
from nextline.record import PatientFile
from tests.assess.builders import START, lesion, only_line, recist, scan, therapy

BASE = "2024-01-20"


def two_targets(date: str, a: float | None, b: float | None, *extra: dict, **kw) -> dict:
    return scan(date, lesion("liver-1", a), lesion("lung-1", b, organ="lung"), *extra, **kw)


def test_recist_partial_response_at_exactly_30_percent_below_baseline(kb: Knowledge) -> None:
    line = only_line(kb, two_targets(BASE, 30, 20), two_targets("2024-04-20", 21, 14))
    point = line.timepoints[0]
    assert (point.sum_mm, point.change_from_baseline_pct) == (35.0, -30.0)
    assert (point.overall, point.rule) == ("PR", "recist_pr")


def test_recist_29_percent_below_baseline_is_stable_disease(kb: Knowledge) -> None:
    line = only_line(kb, two_targets(BASE, 30, 20), two_targets("2024-04-20", 21.5, 14))
    point = line.timepoints[0]
    assert (point.sum_mm, point.change_from_baseline_pct) == (35.5, -29.0)
    assert (point.overall, point.rule) == ("SD", "recist_sd")


def test_recist_exactly_20_percent_and_5_mm_over_nadir_is_progression(kb: Knowledge) -> None:
    line = only_line(kb, two_targets(BASE, 15, 10), two_targets("2024-04-20", 18, 12))
    point = line.timepoints[0]
    assert (point.sum_mm, point.nadir_mm, point.change_from_nadir_pct) == (30.0, 25.0, 20.0)
    assert (point.overall, point.rule, point.rules) == (
        "PD",
        "recist_pd_target_sum",
        ("recist_pd_target_sum",),
    )


def test_recist_exactly_20_percent_but_4_mm_is_not_progression(kb: Knowledge) -> None:
    line = only_line(kb, two_targets(BASE, 10, 10), two_targets("2024-04-20", 12, 12))
    point = line.timepoints[0]
    assert (point.sum_mm, point.change_from_nadir_pct) == (24.0, 20.0)
    assert point.overall == "SD"


def test_recist_5_mm_but_under_20_percent_is_not_progression(kb: Knowledge) -> None:
    line = only_line(kb, two_targets(BASE, 20, 10), two_targets("2024-04-20", 25, 10))
    point = line.timepoints[0]
    assert (point.sum_mm, point.change_from_nadir_pct) == (35.0, 16.7)
    assert point.overall == "SD"


def test_recist_just_under_20_percent_over_nadir_is_not_progression(kb: Knowledge) -> None:
    line = only_line(kb, two_targets(BASE, 30, 20), two_targets("2024-04-20", 39.9, 20))
    assert (line.timepoints[0].change_from_nadir_pct, line.timepoints[0].overall) == (19.8, "SD")


def test_recist_nadir_includes_the_baseline(kb: Knowledge) -> None:
    line = only_line(kb, two_targets(BASE, 30, 10), two_targets("2024-04-20", 38, 10))
    point = line.timepoints[0]
    assert (point.nadir_mm, point.change_from_baseline_pct, point.overall) == (40.0, 20.0, "PD")


def test_recist_progression_is_measured_from_the_nadir_not_the_baseline(kb: Knowledge) -> None:
    line = only_line(
        kb,
        two_targets(BASE, 30, 20),
        two_targets("2024-04-20", 20, 10),
        two_targets("2024-07-20", 24, 12),
    )
    first, second = line.timepoints
    assert (first.overall, first.sum_mm) == ("PR", 30.0)
    assert (second.sum_mm, second.nadir_mm, second.change_from_nadir_pct) == (36.0, 30.0, 20.0)
    assert (second.change_from_baseline_pct, second.overall) == (-28.0, "PD")


def test_recist_new_lesion_is_progression_even_when_sum_shrinks(kb: Knowledge) -> None:
    line = only_line(
        kb,
        two_targets(BASE, 30, 20),
        two_targets("2024-04-20", 15, 10, lesion("liver-9", 6, role="new")),
    )
    point = line.timepoints[0]
    assert (point.target, point.change_from_baseline_pct) == ("PR", -50.0)
    assert (point.overall, point.rule, point.new_lesions) == (
        "PD",
        "recist_pd_new_lesion",
        ("liver-9",),
    )
    assert "imaging[1].lesions[2]" in point.paths


def test_recist_unequivocal_non_target_progression_is_progression(kb: Knowledge) -> None:
    bone = lesion("bone-1", organ="bone", role="non_target", status="present")
    grown = lesion("bone-1", organ="bone", role="non_target", status="unequivocal_progression")
    line = only_line(kb, two_targets(BASE, 30, 20, bone), two_targets("2024-04-20", 30, 20, grown))
    point = line.timepoints[0]
    assert (point.target, point.non_target) == ("SD", "PD")
    assert (point.overall, point.rule) == ("PD", "recist_pd_non_target")


def test_recist_complete_response_needs_targets_gone_and_nodes_under_10_mm(kb: Knowledge) -> None:
    base = scan(BASE, lesion("liver-1", 30), lesion("node-1", 20, organ="lymph node", node=True))
    after = scan("2024-04-20", lesion("liver-1", 0), lesion("node-1", 9.9, node=True))
    point = only_line(kb, base, after).timepoints[0]
    assert (point.sum_mm, point.overall, point.rule) == (9.9, "CR", "recist_cr")


def test_recist_node_of_exactly_10_mm_is_not_complete_response(kb: Knowledge) -> None:
    base = scan(BASE, lesion("liver-1", 30), lesion("node-1", 20, organ="lymph node", node=True))
    after = scan("2024-04-20", lesion("liver-1", 0), lesion("node-1", 10, node=True))
    point = only_line(kb, base, after).timepoints[0]
    assert (point.change_from_baseline_pct, point.overall) == (-80.0, "PR")


def test_recist_targets_gone_with_non_target_present_is_partial_response(kb: Knowledge) -> None:
    bone = lesion("bone-1", organ="bone", role="non_target", status="present")
    line = only_line(kb, two_targets(BASE, 30, 20, bone), two_targets("2024-04-20", 0, 0, bone))
    point = line.timepoints[0]
    assert (point.target, point.non_target) == ("CR", "non_CR_non_PD")
    assert (point.overall, point.rule) == ("PR", "recist_pr_targets_gone_non_targets_remain")


def test_recist_target_not_evaluated_is_not_evaluable(kb: Knowledge) -> None:
    after = two_targets("2024-04-20", 25, None)
    after["lesions"][1]["not_evaluated"] = True
    point = only_line(kb, two_targets(BASE, 30, 20), after).timepoints[0]
    assert (point.target, point.overall, point.rule, point.sum_mm) == (
        "NE",
        "NE",
        "recist_ne_target_not_evaluated",
        None,
    )


def test_recist_missing_target_still_progression_when_the_rest_shows_it(kb: Knowledge) -> None:
    after = scan("2024-04-20", lesion("liver-1", 65))  # lung-1 not on this scan
    point = only_line(kb, two_targets(BASE, 30, 20), after).timepoints[0]
    assert (point.sum_mm, point.change_from_nadir_pct, point.overall) == (65.0, 30.0, "PD")


def test_recist_too_small_to_measure_counts_as_5_mm(kb: Knowledge) -> None:
    after = scan(
        "2024-04-20", lesion("liver-1", too_small=True), lesion("lung-1", 20, organ="lung")
    )
    point = only_line(kb, two_targets(BASE, 20, 20), after).timepoints[0]
    assert (point.sum_mm, point.change_from_baseline_pct, point.overall) == (25.0, -37.5, "PR")


def test_recist_all_targets_too_small_is_not_complete_response(kb: Knowledge) -> None:
    after = scan(
        "2024-04-20",
        lesion("liver-1", too_small=True),
        lesion("lung-1", organ="lung", too_small=True),
    )
    point = only_line(kb, two_targets(BASE, 20, 20), after).timepoints[0]
    assert (point.sum_mm, point.overall) == (10.0, "PR")


def test_recist_non_target_only_disease_gone_is_complete_response(kb: Knowledge) -> None:
    present = lesion("bone-1", organ="bone", role="non_target", status="present")
    gone = lesion("bone-1", organ="bone", role="non_target", status="absent")
    line = only_line(kb, scan(BASE, present), scan("2024-04-20", gone))
    point = line.timepoints[0]
    assert (point.sum_mm, point.target, point.overall, point.rule) == (
        None,
        None,
        "CR",
        "recist_cr_non_target",
    )


def test_recist_non_target_not_evaluated_without_targets_is_not_evaluable(kb: Knowledge) -> None:
    present = lesion("lung-1", organ="lung", role="non_target", status="present")
    line = only_line(kb, scan(BASE, present), scan("2024-04-20"))
    assert (line.timepoints[0].non_target, line.timepoints[0].overall) == ("NE", "NE")


def test_recist_non_target_not_all_evaluated_does_not_spoil_partial_response(
    kb: Knowledge,
) -> None:
    brain = lesion("brain-1", 6, organ="brain", role="non_target", status="present")
    line = only_line(kb, two_targets(BASE, 30, 20, brain), two_targets("2024-04-20", 15, 10))
    point = line.timepoints[0]
    assert (point.non_target, point.overall) == ("NE", "PR")


def test_recist_bone_only_disease_is_not_measurable_and_says_so(kb: Knowledge) -> None:
    bone = lesion("bone-1", organ="bone", role="non_target", status="present")
    line = only_line(kb, scan(BASE, bone), scan("2024-04-20", bone))
    assert (line.measurable, line.baseline_sum_mm) == (False, None)
    assert line.timepoints[0].overall == "non_CR_non_PD"
    assert line.warnings == (
        "line 1: bone-only disease is not measurable by RECIST 1.1; other evidence "
        "(symptoms, markers, bone scans, your team's view) matters more",
    )


def test_recist_target_rules_broken_give_warnings_not_failures(kb: Knowledge) -> None:
    base = scan(
        BASE,
        lesion("liver-1", 30),
        lesion("liver-2", 25),
        lesion("liver-3", 8),
        lesion("node-1", 12, organ="lymph node", node=True),
        lesion("lung-1", 20, organ="lung"),
        lesion("lung-2", 20, organ="lung"),
    )
    line = only_line(kb, base, scan("2024-04-20", *base["lesions"]))
    assert line.warnings == (
        "line 1: 6 target lesions at baseline; RECIST 1.1 allows at most 5",
        "line 1: imaging[0].lesions[2]: lesion liver-3 is 8 mm; a target needs at least 10 mm",
        "line 1: imaging[0].lesions[3]: node node-1 is 12 mm short axis; a target node needs "
        "at least 15 mm",
        "line 1: 3 targets in liver (liver-1, liver-2, liver-3); RECIST 1.1 allows at most 2 "
        "per organ",
    )
    assert (line.baseline_sum_mm, line.timepoints[0].overall) == (115.0, "SD")


def test_recist_scans_14_days_apart_are_one_assessment_dated_by_the_latest(
    kb: Knowledge,
) -> None:
    line = only_line(
        kb,
        scan("2024-01-06", lesion("liver-1", 30)),
        scan("2024-01-20", lesion("lung-1", 20, organ="lung"), modality="MRI"),
        two_targets("2024-04-20", 15, 10),
    )
    assert (line.baseline_date, line.baseline_sum_mm) == (dt.date(2024, 1, 20), 50.0)
    assert line.baseline_paths == ("imaging[0]", "imaging[1]")


def test_recist_scans_15_days_apart_are_two_assessments(kb: Knowledge) -> None:
    file = PatientFile.model_validate(
        {
            "nextline": 1,
            "patient": {"id": "p", "sex": "female", "menopausal_status": "postmenopausal"},
            "diagnosis": {},
            "imaging": [
                scan("2024-01-05", lesion("liver-1", 30)),
                scan("2024-01-20", lesion("lung-1", 20, organ="lung")),
            ],
        }
    )
    groups = group_assessments(file.imaging, dt.date(2025, 1, 1), 5.0)
    assert [(g.date, g.scan_paths) for g in groups] == [
        (dt.date(2024, 1, 5), ("imaging[0]",)),
        (dt.date(2024, 1, 20), ("imaging[1]",)),
    ]


def test_recist_different_assessment_labels_are_not_grouped(kb: Knowledge) -> None:
    line = only_line(
        kb,
        two_targets("2024-01-10", 30, 20, assessment="screening"),
        two_targets("2024-01-13", 40, 20, assessment="cycle 1"),
        two_targets("2024-04-20", 15, 10),
    )
    # Both are before the start; the later one is the baseline on its own.
    assert (line.baseline_date, line.baseline_sum_mm) == (dt.date(2024, 1, 13), 60.0)


def test_recist_baseline_is_the_last_assessment_on_or_before_the_start(kb: Knowledge) -> None:
    line = only_line(
        kb,
        two_targets("2023-10-01", 50, 50),
        two_targets("2024-02-01", 30, 20),
        two_targets("2024-04-20", 15, 10),
    )
    assert (line.baseline_date, line.baseline_sum_mm) == (dt.date(2024, 2, 1), 50.0)
    assert [p.date for p in line.timepoints] == [dt.date(2024, 4, 20)]


def test_recist_scan_marked_baseline_wins_over_an_earlier_one(kb: Knowledge) -> None:
    line = only_line(
        kb,
        two_targets("2023-12-01", 50, 50),
        two_targets("2024-02-05", 30, 20, baseline=True),
        two_targets("2024-04-20", 15, 10),
    )
    assert (line.baseline_date, line.baseline_sum_mm) == (dt.date(2024, 2, 5), 50.0)
    assert line.timepoints[0].change_from_baseline_pct == -50.0


def test_recist_lesion_new_before_a_later_lines_baseline_is_its_non_target(
    kb: Knowledge,
) -> None:
    responses = recist(
        kb,
        two_targets("2023-01-10", 30, 20),
        two_targets("2023-09-10", 30, 20, lesion("brain-1", 8, organ="brain", role="new")),
        two_targets("2024-04-20", 25, 18, lesion("brain-1", 8, organ="brain", role="new")),
        therapies=[
            therapy(["letrozole"], "2023-01-15", "2023-09-20", "progression"),
            therapy(["fulvestrant"], "2023-10-01"),
        ],
    )
    first, second = responses
    assert (first.timepoints[0].overall, first.timepoints[0].rule) == ("PD", "recist_pd_new_lesion")
    assert (second.baseline_date, second.non_targets) == (dt.date(2023, 9, 10), ("brain-1",))
    assert (second.timepoints[0].new_lesions, second.timepoints[0].overall) == ((), "SD")


def test_recist_scans_after_a_line_stopped_are_not_its_follow_ups(kb: Knowledge) -> None:
    line = only_line(
        kb,
        two_targets(BASE, 30, 20),
        two_targets("2024-04-20", 15, 10),
        two_targets("2024-09-20", 60, 60),
        therapies=[therapy(["letrozole"], START, "2024-06-01", "toxicity")],
    )
    assert [p.date for p in line.timepoints] == [dt.date(2024, 4, 20)]


def test_recist_line_without_a_scan_before_it_cannot_be_measured(kb: Knowledge) -> None:
    line = only_line(kb, two_targets("2024-04-20", 15, 10))
    assert (line.baseline_date, line.timepoints, line.best_overall) == (None, (), None)
    assert line.warnings == (
        "line 1: no scan on or before its start (2024-02-01); its response cannot be "
        "measured by RECIST",
    )


def test_recist_best_overall_response_stops_at_the_first_progression(kb: Knowledge) -> None:
    line = only_line(
        kb,
        two_targets(BASE, 30, 20),
        two_targets("2024-04-20", 25, 20),  # SD
        two_targets("2024-07-20", 35, 20),  # PD: 55 vs nadir 45
        two_targets("2024-10-20", 0, 0),  # CR after PD does not count
    )
    assert [p.overall for p in line.timepoints] == ["SD", "PD", "CR"]
    assert line.best_overall == "SD"
    assert best_overall(line.timepoints[1:2]) == "PD"
    assert best_overall(()) is None
