"""The fields no form could set before (HER2-ultralow, MSI, MMR, TMB, the PD-L1 test and its
scores, a scan's baseline mark and its reading group, a lesion too small to measure or not
checked, a dose's route, a lab's lower limit, the oxygen level, what surgery found after
treatment before it, the kind of operation): each is set through its form, corrected, cleared,
and refused with the field named and nothing stored when it is wrong."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import make_app, make_client
from tests.web.story_harness import Story

AS_OF = dt.date(2025, 6, 1)


@pytest.fixture
def story(tmp_path: Path) -> Iterator[Story]:
    app = make_app(tmp_path / "home", as_of=AS_OF, people=(), trials=False)
    with make_client(app) as client:
        client.get("/people")
        s = Story(client, app)
        s.start(**{"patient.sex": "female", "patient.menopausal_status": "postmenopausal"})
        yield s


def _refused(story: Story, field: str) -> str:
    """The last step was refused with an error at `field`, and nothing was stored."""
    step = story.steps[-1]
    assert (step.status, step.saved) == (422, False), step
    assert field in step.errors, step.errors
    return step.errors[field]


def test_immunotherapy_markers_and_her2_ultralow(story: Story) -> None:
    story.add(
        "tumor-test",
        {
            "date": "2025-03-01",
            "specimen": "liver biopsy",
            "her2.ihc": "0",
            "her2.ultralow": "true",
            "pdl1.assay": "22C3",
            "pdl1.cps": "12",
            "msi": "high",
            "mmr": "deficient",
            "tmb_mut_per_mb": "14.5",
        },
    )
    assert story.failed() == []
    test = story.stored()["tumor_tests"][0]
    assert test["her2"] == {"ihc": "0", "ultralow": True}
    assert test["pdl1"] == {"assay": "22C3", "cps": 12.0}
    assert (test["msi"], test["mmr"], test["tmb_mut_per_mb"]) == ("high", "deficient", 14.5)

    # corrected: another assay and score, MSI taken off ("not tested"), HER2-zero
    story.correct(
        "tumor_tests",
        0,
        {
            "pdl1.assay": "SP142",
            "pdl1.cps": "",
            "pdl1.ic_percent": "1",
            "msi": "",
            "her2.ultralow": "false",
        },
    )
    assert story.failed() == []
    test = story.stored()["tumor_tests"][0]
    assert test["pdl1"] == {"assay": "SP142", "ic_percent": 1.0}
    assert "msi" not in test and test["mmr"] == "deficient"
    assert test["her2"] == {"ihc": "0", "ultralow": False}


@pytest.mark.parametrize(
    ("typed", "field", "said"),
    [
        ({"pdl1.cps": "150"}, "pdl1-cps", "100"),
        ({"tmb_mut_per_mb": "-3"}, "tmb_mut_per_mb", "0"),
        ({"pdl1.tps_percent": "lots"}, "pdl1-tps_percent", "number"),
        ({"her2.ihc": "2+", "her2.ultralow": "true"}, "her2-ultralow", "IHC score 0"),
        ({"msi": "very high"}, "msi", "high"),
    ],
)
def test_wrong_markers_are_named_and_nothing_is_stored(story, typed, field, said) -> None:
    story.add("tumor-test", {"date": "2025-03-01", **typed})
    assert said in _refused(story, field)
    assert "tumor_tests" not in story.stored()


def test_a_baseline_scan_and_a_lesion_too_small_to_measure(story: Story) -> None:
    story.add(
        "scan",
        {
            "date": "2025-01-10",
            "modality": "CT",
            "baseline": "true",
            "assessment": "restaging",
            "lesions[0].id": "L1",
            "lesions[0].organ": "liver",
            "lesions[0].role": "target",
            "lesions[0].size_mm": "22",
            "lesions[1].id": "L2",
            "lesions[1].organ": "lung",
            "lesions[1].role": "target",
            "lesions[1].size_mm": "12",
        },
    )
    story.add(
        "scan",
        {
            "date": "2025-03-10",
            "modality": "CT",
            "lesions[0].longest_mm": "15",
            "lesions[1].too_small_to_measure": "true",
            "lesions[2].id": "B1",
            "lesions[2].organ": "bone",
            "lesions[2].role": "non_target",
            "lesions[2].not_evaluated": "true",
        },
    )
    assert story.failed() == []
    first, second = story.stored()["imaging"]
    assert (first["baseline"], first["assessment"]) == (True, "restaging")
    assert second["lesions"][1] == {
        "id": "L2",
        "organ": "lung",
        "role": "target",
        "too_small_to_measure": True,
    }
    assert second["lesions"][2]["not_evaluated"] is True
    # corrected: the small lesion was measurable after all; the baseline mark taken off
    story.correct(
        "imaging", 1, {"lesions[1].too_small_to_measure": "", "lesions[1].longest_mm": "6"}
    )
    story.correct("imaging", 0, {"baseline": ""})
    assert story.failed() == []
    first, second = story.stored()["imaging"]
    assert "baseline" not in first and first["assessment"] == "restaging"
    assert second["lesions"][1] == {
        "id": "L2",
        "organ": "lung",
        "role": "target",
        "longest_mm": 6.0,
    }
    assert second["lesions"][2]["not_evaluated"] is True  # the other row kept its mark


def test_a_new_lesion_with_no_size_and_no_mark_is_asked_about(story: Story) -> None:
    story.add(
        "scan",
        {
            "date": "2025-01-10",
            "modality": "CT",
            "lesions[0].id": "L1",
            "lesions[0].organ": "liver",
        },
    )
    assert "millimetres" in _refused(story, "lesions-0-size_mm")
    assert "imaging" not in story.stored()


def test_route_lower_limit_oxygen_surgery_and_pathologic_response(story: Story) -> None:
    story.add(
        "treatment-start",
        {
            "drugs": "capecitabine",
            "start": "2025-02-01",
            "doses[0].drug": "capecitabine",
            "doses[0].dose": "1000",
            "doses[0].unit": "mg/m2",
            "doses[0].route": "by mouth",
        },
    )
    story.add(
        "lab",
        {"date": "2025-02-10", "test": "ANC", "value": "1.2", "unit": "10^9/L", "ref_low": "1.5"},
    )
    story.add("symptoms", {"date": "2025-02-11", "spo2_percent": "95"})
    story.add(
        "surgery",
        {"date": "2019-05-01", "site": "both ovaries", "technique": "oophorectomy"},
    )
    story.add("diagnosis", {"first_diagnosed": "2018-10-01", "pathologic_response": "residual"})
    assert story.failed() == []
    stored = story.stored()
    assert stored["therapies"][0]["doses"][0]["route"] == "by mouth"
    assert stored["labs"][0]["ref_low"] == 1.5
    assert stored["symptoms"][0]["spo2_percent"] == 95.0
    assert stored["therapies"][1]["technique"] == "oophorectomy"
    assert stored["diagnosis"]["pathologic_response"] == "residual"
    story.correct("therapies", 0, {"doses[0].route": "into a vein (IV)"})
    story.correct("labs", 0, {"ref_low": "1.8"})
    story.add("diagnosis", {"pathologic_response": ""})
    assert story.failed() == []
    stored = story.stored()
    assert stored["therapies"][0]["doses"][0]["route"] == "into a vein (IV)"
    assert stored["labs"][0]["ref_low"] == 1.8
    assert "pathologic_response" not in stored["diagnosis"]
    assert stored["diagnosis"]["first_diagnosed"] == "2018-10-01"


def test_a_wrong_oxygen_level_or_lower_limit_is_named(story: Story) -> None:
    story.add("symptoms", {"date": "2025-02-11", "spo2_percent": "150"})
    assert "100" in _refused(story, "spo2_percent")
    story.add(
        "lab",
        {"date": "2025-02-10", "test": "ANC", "value": "2", "unit": "10^9/L", "ref_low": "-1"},
    )
    _refused(story, "ref_low")
    assert "symptoms" not in story.stored() and "labs" not in story.stored()
