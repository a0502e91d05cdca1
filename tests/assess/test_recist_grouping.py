"""How scans are grouped into assessments: one scan read in one pass, several scans read
with the latest reading of each lesion winning (the two paths of `group_assessments`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nextline.assess import group_assessments
from nextline.record import PatientFile
from tests.assess.builders import lesion, scan

AS_OF = dt.date(2025, 1, 1)


def imaging(*scans: dict[str, Any]) -> PatientFile:
    return PatientFile.model_validate(
        {
            "nextline": 1,
            "patient": {"id": "p", "sex": "female", "menopausal_status": "postmenopausal"},
            "diagnosis": {},
            "imaging": list(scans),
        }
    )


def test_one_scan_lists_its_new_and_clearly_grown_lesions() -> None:
    file = imaging(
        scan(
            "2024-03-01",
            lesion("liver-1", 30),
            lesion("bone-1", organ="bone", role="non_target", status="unequivocal_progression"),
            lesion("lung-9", 8, organ="lung", role="new"),
            baseline=True,
        )
    )
    [group] = group_assessments(file.imaging, AS_OF, 5.0)
    assert (group.date, group.scan_paths, group.marked_baseline) == (
        dt.date(2024, 3, 1),
        ("imaging[0]",),
        True,
    )
    assert list(group.lesions) == ["liver-1", "bone-1", "lung-9"]
    assert group.new_ids == ("lung-9",)
    assert group.progressed == (("bone-1", "non_target", "imaging[0].lesions[1]"),)
    assert (group.size("liver-1"), group.size("bone-1"), group.size("nowhere")) == (
        30.0,
        None,
        None,
    )


def test_scans_read_together_keep_each_lesions_latest_reading() -> None:
    file = imaging(
        scan(
            "2024-03-01",
            lesion("liver-1", 30),
            lesion("lung-9", 8, organ="lung", role="new"),
        ),
        scan(
            "2024-03-08",
            lesion("lung-9", organ="lung", role="non_target", status="unequivocal_progression"),
            lesion("liver-2", too_small=True),
            baseline=True,
        ),
    )
    [group] = group_assessments(file.imaging, AS_OF, 5.0)
    assert (group.date, group.scan_paths, group.marked_baseline) == (
        dt.date(2024, 3, 8),
        ("imaging[0]", "imaging[1]"),
        True,
    )
    # lung-9 was new on the first scan, a non-target on the later one: the later one wins
    assert group.new_ids == ()
    assert group.progressed == (("lung-9", "non_target", "imaging[1].lesions[0]"),)
    assert group.lesions["lung-9"][1:] == (1, 0)
    assert (group.size("liver-1"), group.size("liver-2")) == (30.0, 5.0)


def test_scans_out_of_file_order_are_read_by_date_and_later_scans_are_left_out() -> None:
    file = imaging(
        scan("2024-06-01", lesion("liver-1", 20)),
        scan("2024-01-01", lesion("liver-1", 30)),
        scan("2025-02-01", lesion("liver-1", 10)),
    )
    groups = group_assessments(file.imaging, AS_OF, 5.0)
    assert [(g.date, g.scan_paths, g.size("liver-1")) for g in groups] == [
        (dt.date(2024, 1, 1), ("imaging[1]",), 30.0),
        (dt.date(2024, 6, 1), ("imaging[0]",), 20.0),
    ]
