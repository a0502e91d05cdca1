"""Two readings a record can hold that RECIST 1.1 reads its own way (issue 11, review fixes):
"unequivocal progression" written on a target lesion (a non-target judgement: warn, judge the
target by the sum), and a new spot seen on a bone scan alone (possible progression that needs
confirming by other imaging, not progression). Varied layouts: one or two targets, targets
with nodes, non-target only disease, bone scans alone, bone scans read with a CT, and a
confirmation on a later scan. The default line is letrozole from 2024-02-01."""

from __future__ import annotations

import datetime as dt

from nextline.assess import assess_status
from nextline.knowledge import Knowledge
from tests.assess.builders import lesion, make_record, only_line, scan

BASE = "2024-01-20"
CONFIRM = "recist_new_lesion_bone_scan_needs_confirming"


def grown(lesion_id: str, mm: float | None, **kw: object) -> dict:
    """A lesion marked as clearly grown ("unequivocal progression")."""
    return lesion(lesion_id, mm, status="unequivocal_progression", **kw)  # type: ignore[arg-type]


# --- "unequivocal progression" on a target ----------------------------------------------
def test_target_marked_unequivocal_progression_is_judged_by_the_stable_sum(
    kb: Knowledge,
) -> None:
    line = only_line(
        kb, scan(BASE, lesion("liver-1", 30)), scan("2024-04-20", grown("liver-1", 31))
    )
    point = line.timepoints[0]
    assert (point.overall, point.target, point.non_target, point.rules) == (
        "SD",
        "SD",
        None,
        ("recist_sd",),
    )
    assert line.warnings == (
        "line 1: imaging[1].lesions[0]: target liver-1 is marked 'unequivocal progression', "
        "which RECIST 1.1 uses for non-target lesions only; it is judged by the sum of "
        "diameters instead",
    )


def test_target_marked_unequivocal_progression_while_the_sum_shrinks_30_percent_is_pr(
    kb: Knowledge,
) -> None:
    line = only_line(
        kb,
        scan(BASE, lesion("liver-1", 30), lesion("lung-1", 20, organ="lung")),
        scan("2024-04-20", grown("liver-1", 21), lesion("lung-1", 14, organ="lung")),
    )
    point = line.timepoints[0]
    assert (point.sum_mm, point.overall, point.rule) == (35.0, "PR", "recist_pr")
    assert len(line.warnings) == 1


def test_target_node_marked_unequivocal_progression_with_a_sum_over_20_percent_is_pd_by_sum(
    kb: Knowledge,
) -> None:
    line = only_line(
        kb,
        scan(BASE, lesion("node-1", 20, node=True, organ="axilla")),
        scan("2024-04-20", grown("node-1", 26, node=True, organ="axilla")),
    )
    point = line.timepoints[0]
    assert (point.overall, point.rules, point.non_target) == (
        "PD",
        ("recist_pd_target_sum",),
        None,
    )
    assert "non_target" not in " ".join(point.rules)


def test_target_marked_unequivocal_progression_without_a_size_is_not_evaluable(
    kb: Knowledge,
) -> None:
    line = only_line(
        kb,
        scan(BASE, lesion("liver-1", 30), lesion("lung-1", 20, organ="lung")),
        scan("2024-04-20", grown("liver-1", None), lesion("lung-1", 20, organ="lung")),
    )
    assert (line.timepoints[0].overall, line.timepoints[0].rule) == (
        "NE",
        "recist_ne_target_not_evaluated",
    )


def test_target_marked_twice_is_warned_about_once_and_the_non_target_still_counts(
    kb: Knowledge,
) -> None:
    line = only_line(
        kb,
        scan(BASE, lesion("liver-1", 30), lesion("bone-1", organ="bone", role="non_target")),
        scan("2024-04-20", grown("liver-1", 30), lesion("bone-1", organ="bone", role="non_target")),
        scan(
            "2024-07-20",
            grown("liver-1", 30),
            grown("bone-1", None, organ="bone", role="non_target"),
        ),
    )
    first, second = line.timepoints
    assert (first.overall, second.overall, second.rules) == (
        "SD",
        "PD",
        ("recist_pd_non_target",),
    )
    assert [w for w in line.warnings if "liver-1" in w] == [line.warnings[0]]
    assert len(line.warnings) == 1


# --- a new spot on a bone scan alone ------------------------------------------------------
def ct_and_bone(date: str, liver_mm: float, *bone: dict) -> tuple[dict, dict]:
    """A CT with the liver target and, two days later, a bone scan (one assessment)."""
    day = dt.date.fromisoformat(date) + dt.timedelta(days=2)
    return (
        scan(date, lesion("liver-1", liver_mm)),
        scan(day.isoformat(), *bone, modality="bone scan"),
    )


def test_new_spot_on_the_bone_scan_beside_a_stable_ct_needs_confirming_not_pd(
    kb: Knowledge,
) -> None:
    line = only_line(
        kb,
        *ct_and_bone(BASE, 30),
        *ct_and_bone("2024-04-20", 30, lesion("rib-1", organ="bone", role="new")),
    )
    point = line.timepoints[0]
    assert (point.overall, point.new_lesions, point.unconfirmed_new_lesions) == (
        "SD",
        (),
        ("rib-1",),
    )
    assert point.rules == ("recist_sd", CONFIRM)
    assert "imaging[3].lesions[0]" in point.paths
    assert "needs to be checked with another kind of scan" in point.text
    assert line.best_overall == "SD"


def test_new_spot_on_a_bone_scan_alone_with_bone_only_disease_is_not_progression(
    kb: Knowledge,
) -> None:
    spine = lesion("spine-1", organ="bone", role="non_target")
    line = only_line(
        kb,
        scan(BASE, spine, modality="bone scan"),
        scan(
            "2024-05-01",
            spine,
            lesion("pelvis-1", organ="bone", role="new"),
            lesion("femur-1", organ="bone", role="new"),
            modality="bone scan",
        ),
    )
    point = line.timepoints[0]
    assert (point.overall, point.unconfirmed_new_lesions) == (
        "non_CR_non_PD",
        ("pelvis-1", "femur-1"),
    )
    assert point.rules == ("recist_non_cr_non_pd", CONFIRM)


def test_new_spot_seen_on_the_bone_scan_and_the_ct_of_one_assessment_is_progression(
    kb: Knowledge,
) -> None:
    line = only_line(
        kb,
        *ct_and_bone(BASE, 30),
        scan("2024-04-20", lesion("liver-1", 30), lesion("rib-1", 12, organ="bone", role="new")),
        scan("2024-04-22", lesion("rib-1", organ="bone", role="new"), modality="bone scan"),
    )
    point = line.timepoints[0]
    assert (point.overall, point.new_lesions, point.unconfirmed_new_lesions) == (
        "PD",
        ("rib-1",),
        (),
    )
    assert point.rules == ("recist_pd_new_lesion",)


def test_bone_scan_spot_confirmed_by_a_later_ct_becomes_progression_then(kb: Knowledge) -> None:
    line = only_line(
        kb,
        *ct_and_bone(BASE, 30),
        *ct_and_bone("2024-04-20", 29, lesion("rib-1", organ="bone", role="new")),
        scan("2024-07-20", lesion("liver-1", 29), lesion("rib-1", organ="bone", role="non_target")),
    )
    first, second = line.timepoints
    assert (first.overall, first.unconfirmed_new_lesions) == ("SD", ("rib-1",))
    assert (second.overall, second.new_lesions, second.rule) == (
        "PD",
        ("rib-1",),
        "recist_pd_new_lesion",
    )
    assert line.best_overall == "SD"


def test_bone_scan_spot_seen_again_on_a_later_bone_scan_alone_still_needs_confirming(
    kb: Knowledge,
) -> None:
    line = only_line(
        kb,
        *ct_and_bone(BASE, 30),
        *ct_and_bone("2024-04-20", 30, lesion("rib-1", organ="bone", role="new")),
        *ct_and_bone("2024-07-20", 30, lesion("rib-1", organ="bone", role="new")),
    )
    assert [(p.overall, p.unconfirmed_new_lesions) for p in line.timepoints] == [
        ("SD", ("rib-1",)),
        ("SD", ("rib-1",)),
    ]


def test_new_lesion_on_a_pet_ct_or_mri_is_progression_without_confirming(kb: Knowledge) -> None:
    for modality in ("PET-CT", "MRI", "CT"):
        line = only_line(
            kb,
            scan(BASE, lesion("liver-1", 30)),
            scan(
                "2024-04-20",
                lesion("liver-1", 30),
                lesion("sacrum-1", organ="bone", role="new"),
                modality=modality,
            ),
        )
        point = line.timepoints[0]
        assert (modality, point.overall, point.unconfirmed_new_lesions) == (modality, "PD", ())


def test_bone_scan_spot_does_not_hide_progression_by_the_sum(kb: Knowledge) -> None:
    line = only_line(
        kb,
        *ct_and_bone(BASE, 30),
        *ct_and_bone("2024-04-20", 40, lesion("rib-1", organ="bone", role="new")),
    )
    point = line.timepoints[0]
    assert (point.overall, point.rules, point.unconfirmed_new_lesions) == (
        "PD",
        ("recist_pd_target_sum",),
        ("rib-1",),
    )
    assert "needs to be checked" not in point.text


def test_status_with_an_unconfirmed_bone_scan_spot_is_unclear_and_says_why(kb: Knowledge) -> None:
    record = make_record(
        kb,
        imaging=[
            *ct_and_bone(BASE, 30),
            *ct_and_bone("2024-04-20", 20, lesion("rib-1", organ="bone", role="new")),
        ],
    )
    status = assess_status(record, kb, dt.date(2024, 5, 1))
    assert status.overall == "unclear"
    assert status.headline == (
        "The scan on 2024-04-22 shows a new spot on a bone scan only. It may mean the cancer "
        "is growing on letrozole, but it needs to be checked with another kind of scan (such as "
        "CT, MRI or an X-ray) first (RECIST 1.1). Talk with your team about it."
    )
    recist = next(e for e in status.evidence if e.kind == "recist")
    assert (recist.rule, recist.points_to) == ("recist_pr", "neither")
    assert "eortc_recist" in [s.id for s in status.sources]


def test_status_json_carries_the_unconfirmed_spot_and_the_target_warning(kb: Knowledge) -> None:
    from nextline.assess import status_json

    record = make_record(
        kb,
        imaging=[
            *ct_and_bone(BASE, 30),
            scan("2024-04-20", grown("liver-1", 30)),
            scan("2024-04-22", lesion("rib-1", organ="bone", role="new"), modality="bone scan"),
        ],
    )
    data = status_json(assess_status(record, kb, dt.date(2024, 5, 1)))
    (line,) = data["recist"]  # type: ignore[misc]
    point = line["timepoints"][0]
    assert (point["overall"], point["new_lesions"], point["unconfirmed_new_lesions"]) == (
        "SD",
        [],
        ["rib-1"],
    )
    assert point["rules"] == ["recist_sd", CONFIRM]
    assert data["overall"] == "unclear"
    assert [w for w in data["warnings"] if "unequivocal" in w] == [  # type: ignore[attr-defined]
        "line 1: imaging[2].lesions[0]: target liver-1 is marked 'unequivocal progression', "
        "which RECIST 1.1 uses for non-target lesions only; it is judged by the sum of "
        "diameters instead"
    ]
