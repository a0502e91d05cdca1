"""The knowledge the assess review fixes rest on (issue 11), refused when broken: the calcium
formula's units, the meaningful marker rise and its source, lab aliases that would mean two
tests, and LOINC codes that are not LOINC codes."""

from __future__ import annotations

from pathlib import Path

from tests.knowledge.test_assess_knowledge import _broken_copy, _problems


def test_calcium_formula_with_albumin_in_another_unit_is_refused(tmp_path: Path) -> None:
    def edit(data: dict) -> None:  # type: ignore[type-arg]
        albumin = next(t for t in data["tests"] if t["id"] == "albumin")
        albumin["canonical_unit"] = "g/L"

    assert _problems(_broken_copy(tmp_path, "lab_tests.yaml", edit)) == [
        "error: assess.calcium: needs lab test 'albumin' in g/dL"
    ]


def test_meaningful_marker_rise_without_a_source_is_refused(tmp_path: Path) -> None:
    def edit(data: dict) -> None:  # type: ignore[type-arg]
        data["markers"]["meaningful_rise_pct"] = {"value": 25, "unit": "%", "sources": []}

    assert _problems(_broken_copy(tmp_path, "assess_thresholds.yaml", edit)) == [
        "error: assess_thresholds.yaml:markers.meaningful_rise_pct.sources: List should have "
        "at least 1 item after validation, not 0"
    ]


def test_meaningful_marker_rise_citing_an_unknown_source_is_refused(tmp_path: Path) -> None:
    def edit(data: dict) -> None:  # type: ignore[type-arg]
        data["markers"]["meaningful_rise_pct"] = {
            "value": 25,
            "unit": "%",
            "sources": [{"id": "remembered_paper"}],
        }

    assert _problems(_broken_copy(tmp_path, "assess_thresholds.yaml", edit)) == [
        "error: assess.markers.meaningful_rise_pct: names unknown source 'remembered_paper'"
    ]


def test_lab_alias_that_would_mean_two_tests_is_refused(tmp_path: Path) -> None:
    def edit(data: dict) -> None:  # type: ignore[type-arg]
        corrected = next(t for t in data["tests"] if t["id"] == "calcium_corrected")
        corrected["aliases"].append("Ca")

    problems = _problems(_broken_copy(tmp_path, "lab_tests.yaml", edit))
    assert problems == ["error: lab_tests.calcium_corrected: name 'Ca' also means calcium"]


def test_lab_second_loinc_code_that_is_not_a_loinc_code_is_refused(tmp_path: Path) -> None:
    def edit(data: dict) -> None:  # type: ignore[type-arg]
        anc = next(t for t in data["tests"] if t["id"] == "anc")
        anc["also_loinc"] = ["26499"]

    problems = _problems(_broken_copy(tmp_path, "lab_tests.yaml", edit))
    assert len(problems) == 1
    assert problems[0].startswith(
        "error: lab_tests.yaml:tests.3.also_loinc.0: String should match pattern"
    )
