"""A correction or deletion must not leave behind a fact that the removed or changed entry
made (the fourth probe of issue 16, tests/web/s11_stories.py found two of them):

- a treatment that replaced the running one stopped it on its own start date. Deleting it (it
  never happened) left the old line stopped "because the cancer grew"; correcting its start
  date left the old line stopped on the wrong day.
- a lesion is "new" on the scan where it was first seen, and an existing (non-target) lesion
  on the scans after. Taking it off that scan (it was typed on the wrong one), or deleting the
  scan, left no scan where it was new: a new lesion, which alone means the cancer grew
  (RECIST 1.1), silently disappeared. Adding it to the earlier scan left it "new" twice.
- a new lesion on a bone scan has no size (bone scans do not measure): the form refused it
  unless the person pretended it was "still there".

Each case is entered through the forms from an empty store and then read back from the store.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.conftest import csrf, field_errors, make_app, make_client
from tests.web.story_harness import Story

LINE = "letrozole, palbociclib"


@pytest.fixture(scope="module")
def opened(tmp_path_factory) -> Iterator[tuple[Any, Any]]:
    """One app over an empty store for the module; each case is a person of its own."""
    app = make_app(tmp_path_factory.mktemp("linked") / "home", people=(), trials=False)
    with make_client(app) as client:
        client.get("/people")
        yield client, app


@pytest.fixture
def story(opened, request) -> Story:
    client, app = opened
    s = Story(client, app)
    s.start(
        **{
            "patient.name": f"Case {request.node.name}",
            "patient.birth": "1960",
            "patient.sex": "female",
            "patient.menopausal_status": "postmenopausal",
            "diagnosis.metastatic_since": "2024-01-01",
        }
    )
    return s


def _line(s: Story) -> None:
    s.add("treatment-start", {"drugs": LINE, "start": "2024-01-10", "setting": "metastatic"})


def _replaced(s: Story) -> None:
    """Line 1, then capecitabine replacing it on 1 June 2024 (the cancer grew)."""
    _line(s)
    s.add(
        "treatment-start",
        {
            "drugs": "capecitabine",
            "start": "2024-06-01",
            "setting": "metastatic",
            "running": "replace",
            "replace_reason": "progression",
        },
    )


def _therapies(s: Story) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = s.stored()["therapies"]
    return found


def _delete(s: Story, section: str, index: int, typed: dict[str, str]) -> Any:
    page = s.client.get(f"/people/{s.person}/entries/{section}/{index}/delete")
    assert page.status_code == 200
    version = re.search(r'name="base_version" value="(\d+)"', page.text)
    assert version
    return s.client.post(
        f"/people/{s.person}/entries/{section}/{index}/delete",
        data={"csrf_token": csrf(s.client), "base_version": version.group(1), **typed},
        follow_redirects=False,
    )


# --- a treatment that replaced another ----------------------------------------------------


def test_the_delete_page_names_the_treatment_it_stopped(story) -> None:
    _replaced(story)
    page = story.client.get(f"/people/{story.person}/entries/therapies/1/delete").text
    assert "letrozole + palbociclib" in page
    assert "stopped on 1 June 2024" in page.replace("1 Jun 2024", "1 June 2024")


def test_deleting_a_replacing_treatment_that_never_happened_restarts_the_old_one(story) -> None:
    _replaced(story)
    response = _delete(story, "therapies", 1, {"replaced": "running"})
    assert response.status_code == 303, field_errors(response.text)
    assert _therapies(story) == [
        {"drugs": ["letrozole", "palbociclib"], "setting": "metastatic", "start": "2024-01-10"}
    ]


def test_deleting_a_replacing_treatment_can_keep_the_old_one_stopped(story) -> None:
    _replaced(story)
    response = _delete(story, "therapies", 1, {"replaced": "stopped"})
    assert response.status_code == 303, field_errors(response.text)
    assert _therapies(story) == [
        {
            "drugs": ["letrozole", "palbociclib"],
            "setting": "metastatic",
            "start": "2024-01-10",
            "stop": "2024-06-01",
            "stop_reason": "progression",
        }
    ]


def test_deleting_a_replacing_treatment_asks_before_anything_is_stored(story) -> None:
    _replaced(story)
    before = story._versions()
    response = _delete(story, "therapies", 1, {})
    assert response.status_code == 422
    assert "letrozole + palbociclib" in field_errors(response.text)["replaced"]
    assert story._versions() == before


def test_deleting_a_treatment_that_replaced_nothing_asks_nothing(story) -> None:
    _line(story)
    story.add(
        "treatment-start", {"drugs": "denosumab", "start": "2024-02-01", "setting": "supportive"}
    )
    assert _delete(story, "therapies", 1, {}).status_code == 303
    assert [t["drugs"] for t in _therapies(story)] == [["letrozole", "palbociclib"]]


def test_a_line_stopped_on_its_own_is_not_asked_about(story) -> None:
    """The old line stopped by the stop form, and the next one started later: deleting the
    next one is not asked about (it did not stop the old one)."""
    _line(story)
    story.add("treatment-stop", {"therapy": "0", "stop": "2024-05-20", "stop_reason": "toxicity"})
    story.add(
        "treatment-start", {"drugs": "anastrozole", "start": "2024-06-01", "setting": "metastatic"}
    )
    assert _delete(story, "therapies", 1, {}).status_code == 303
    assert _therapies(story)[0]["stop"] == "2024-05-20"


def test_correcting_the_start_of_a_replacing_treatment_moves_the_old_stop(story) -> None:
    _replaced(story)
    story.correct("therapies", 1, {"start": "2024-06-08"}, "start date typo")
    assert story.failed() == []
    old, new = _therapies(story)
    assert new["start"] == "2024-06-08"
    assert (old["stop"], old["stop_reason"]) == ("2024-06-08", "progression")


def test_correcting_another_field_leaves_the_old_stop(story) -> None:
    _replaced(story)
    story.correct("therapies", 1, {"notes": "1250 mg/m2 twice a day"}, "a note")
    old, new = _therapies(story)
    assert old["stop"] == "2024-06-01" and new["notes"] == "1250 mg/m2 twice a day"


# --- a lesion first seen on one scan ---------------------------------------------------------


def _baseline(s: Story, size: str | None = "30", what: str = "") -> None:
    """A baseline CT with one measured liver lesion, L1."""
    lesion = {"id": "L1", "organ": "liver", "role": "target", "size_mm": size}
    typed = {f"lesions[0].{k}": v for k, v in lesion.items() if v is not None}
    s.add("scan", {"date": "2024-01-05", "modality": "CT", **typed}, what)


def _scans(s: Story) -> None:
    """A baseline CT, a CT where the lung spot LU1 was typed as new, and a later CT."""
    _baseline(s)
    s.add(
        "scan",
        {
            "date": "2024-04-01",
            "modality": "CT",
            "lesions[0].longest_mm": "28",
            "lesions[1].id": "LU1",
            "lesions[1].organ": "lung",
            "lesions[1].role": "new",
            "lesions[1].size_mm": "6",
        },
    )
    s.add(
        "scan",
        {
            "date": "2024-07-01",
            "modality": "CT",
            "lesions[0].longest_mm": "27",
            "lesions[1].status": "present",
        },
    )


def _roles(s: Story) -> list[dict[str, str]]:
    return [{x["id"]: x["role"] for x in scan["lesions"]} for scan in s.stored()["imaging"]]


def test_a_new_lesion_taken_off_the_wrong_scan_is_new_on_the_next(story) -> None:
    _scans(story)
    story.correct("imaging", 1, {"lesions[1].id": ""}, "LU1 was on the July scan")
    assert story.failed() == []
    assert _roles(story) == [
        {"L1": "target"},
        {"L1": "target"},
        {"L1": "target", "LU1": "new"},
    ]


def test_deleting_the_scan_a_lesion_was_new_on_keeps_it_new(story) -> None:
    _scans(story)
    assert _delete(story, "imaging", 1, {}).status_code == 303
    assert _roles(story) == [{"L1": "target"}, {"L1": "target", "LU1": "new"}]


def test_a_new_lesion_added_to_an_earlier_scan_is_not_new_twice(story) -> None:
    _scans(story)
    story.correct(
        "imaging",
        0,
        {
            "lesions[1].id": "LU1",
            "lesions[1].organ": "lung",
            "lesions[1].role": "non_target",
            "lesions[1].status": "present",
        },
        "LU1 was there from the start",
    )
    assert story.failed() == []
    assert _roles(story) == [
        {"L1": "target", "LU1": "non_target"},
        {"L1": "target", "LU1": "non_target"},
        {"L1": "target", "LU1": "non_target"},
    ]


def test_a_lesion_kept_on_its_first_scan_stays_as_it_was(story) -> None:
    _scans(story)
    story.correct("imaging", 1, {"lesions[1].longest_mm": "7"}, "LU1 size")
    assert _roles(story)[1:] == [
        {"L1": "target", "LU1": "new"},
        {"L1": "target", "LU1": "non_target"},
    ]


@pytest.mark.parametrize(
    ("modality", "row"),
    [
        ("bone scan", {"id": "B3", "organ": "rib"}),
        ("PET-CT", {"id": "P2", "organ": "left adrenal"}),
        ("MRI", {"id": "BR4", "organ": "brain"}),
    ],
)
def test_a_new_lesion_needs_no_size(story, modality, row) -> None:
    story.add(
        "scan",
        {
            "date": "2024-01-05",
            "modality": modality,
            "lesions[0].id": "X1",
            "lesions[0].organ": "spine",
            "lesions[0].role": "non_target",
            "lesions[0].status": "present",
        },
    )
    typed = {f"lesions[1].{k}": v for k, v in row.items()}
    story.add(
        "scan",
        {
            "date": "2024-04-01",
            "modality": modality,
            "lesions[0].status": "present",
            **typed,
            "lesions[1].role": "new",
        },
    )
    assert story.failed() == []
    assert story.stored()["imaging"][1]["lesions"][1] == {**row, "role": "new"}


def test_a_measured_lesion_with_no_size_is_still_asked_about(story) -> None:
    _baseline(story, None, "target with no size")
    assert [s.status for s in story.steps[1:]] == [422]
    assert "size" in story.steps[1].errors["lesions-0-size_mm"]


def test_a_scan_date_moved_past_the_next_moves_new_with_it(story) -> None:
    """The April scan's date was a typo for August: LU1 is first seen in July now."""
    _scans(story)
    story.correct("imaging", 1, {"date": "2024-08-01"}, "scan date typo")
    assert story.failed() == []
    by_date = {
        s["date"]: {x["id"]: x["role"] for x in s["lesions"]} for s in story.stored()["imaging"]
    }
    assert by_date == {
        "2024-01-05": {"L1": "target"},
        "2024-07-01": {"L1": "target", "LU1": "new"},
        "2024-08-01": {"L1": "target", "LU1": "non_target"},
    }
