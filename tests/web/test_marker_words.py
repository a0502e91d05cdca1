"""The immunotherapy markers read back on the dashboard: the newest result of each kind on
or before the day, in plain words, and nothing when none was tested."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nextline.record import PatientFile
from nextline.web.marker_words import immune_markers


def _file(*tests: dict[str, Any]) -> PatientFile:
    return PatientFile.model_validate(
        {
            "nextline": 1,
            "patient": {"id": "p", "sex": "male"},
            "diagnosis": {},
            "tumor_tests": list(tests),
        }
    )


DAY = dt.date(2025, 6, 1)


def test_nothing_tested_says_nothing() -> None:
    assert immune_markers(_file({"date": "2025-01-01", "ki67": 20}), DAY) == []


def test_the_newest_of_each_kind_counts_and_a_later_test_waits() -> None:
    file = _file(
        {"date": "2023-01-01", "pdl1": {"assay": "SP142", "ic_percent": 1}, "msi": "stable"},
        {"date": "2024-05-01", "pdl1": {"assay": "22C3", "cps": 5}, "tmb_mut_per_mb": 3},
        {"date": "2025-09-01", "msi": "high", "mmr": "deficient"},  # after the day
    )
    assert immune_markers(file, DAY) == [
        "PD-L1 CPS 5 (22C3)",
        "microsatellite stable (MSS)",
        "TMB 3 mutations/Mb",
    ]
    assert immune_markers(file, dt.date(2025, 9, 1)) == [
        "PD-L1 CPS 5 (22C3)",
        "MSI-high",
        "mismatch repair deficient (dMMR)",
        "TMB 3 mutations/Mb",
    ]


def test_pdl1_scores_without_an_assay_and_an_assay_without_a_score() -> None:
    both = _file({"date": "2024-01-01", "pdl1": {"ic_percent": 1.5, "tps_percent": 10}})
    assert immune_markers(both, DAY) == ["PD-L1 IC 1.5 %, TPS 10 %"]
    # an assay name alone is no result: nothing to read back
    assert immune_markers(_file({"date": "2024-01-01", "pdl1": {"assay": "22C3"}}), DAY) == []
