"""Derived facts (nextline.facts): "stopped working" and endocrine sensitivity, by the ABC
consensus definitions. Pure functions, so each case is a few plain values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest

from nextline.facts import (
    TreatmentSpan,
    adjuvant_window_months,
    endocrine_sensitivity,
    stopped_working,
)

D = dt.date.fromisoformat
BACK = D("2025-06-01")


@dataclass
class _Window:
    months: int
    classes: list[str] = field(default_factory=list)
    families: list[str] = field(default_factory=list)


WINDOWS = [
    _Window(12, families=["endocrine"]),
    _Window(6, classes=["her2_directed_adc", "anti_her2_antibody"]),
    _Window(6, families=["chemotherapy"]),
]


def test_the_longest_matching_window_applies() -> None:
    assert adjuvant_window_months([], ["endocrine"], WINDOWS) == 12
    assert adjuvant_window_months(["her2_directed_adc"], ["adc"], WINDOWS) == 6
    assert adjuvant_window_months(["taxane"], ["chemotherapy", "endocrine"], WINDOWS) == 12
    assert adjuvant_window_months(["bisphosphonate"], ["supportive"], WINDOWS) is None


@pytest.mark.parametrize(
    ("setting", "start", "stop", "reason", "window", "growing", "how"),
    [
        ("metastatic", "2024-01-01", "2025-01-01", "progression", None, False, "recorded"),
        ("adjuvant", "2023-01-01", None, None, 12, False, "relapse_during"),
        ("neoadjuvant", "2025-01-01", "2025-08-01", "completed", None, False, "relapse_during"),
        ("adjuvant", "2020-01-01", "2024-10-01", "completed", 12, False, "relapse_after"),
        ("adjuvant", "2024-06-01", "2025-02-01", "completed", 6, False, "relapse_after"),
        ("adjuvant", "2024-01-01", "2024-10-01", "completed", 6, False, None),
        ("adjuvant", "2017-01-01", "2022-01-01", "completed", 12, False, None),
        ("adjuvant", "2024-06-01", "2025-02-01", "completed", None, False, None),
        ("metastatic", "2025-06-10", None, None, None, True, "scans"),
        ("metastatic", "2025-06-10", "2025-09-01", "toxicity", None, True, None),
        ("metastatic", "2025-06-10", None, None, None, False, None),
    ],
)
def test_stopped_working(
    setting: str,
    start: str,
    stop: str | None,
    reason: str | None,
    window: int | None,
    growing: bool,
    how: str | None,
) -> None:
    found = stopped_working(
        setting=setting,
        start=D(start),
        stop=D(stop) if stop else None,
        stop_reason=reason,
        window_months=window,
        metastatic_since=BACK,
        growing_on_scans=growing,
    )
    assert (found.how if found else None) == how
    if found is not None:
        assert found.confirmed is (how != "scans")


def _span(
    setting: str, start: str, stop: str | None = None, progressed: bool = False
) -> TreatmentSpan:
    return TreatmentSpan("therapies[0]", setting, D(start), D(stop) if stop else None, progressed)


@pytest.mark.parametrize(
    ("spans", "status"),
    [
        ([], "no_hormone_therapy"),
        ([_span("adjuvant", "2024-01-01")], "primary_resistance"),  # 17 months in
        ([_span("adjuvant", "2022-01-01")], "secondary_resistance"),  # 3.4 years in
        ([_span("adjuvant", "2019-01-01", "2024-09-01")], "secondary_resistance"),
        ([_span("adjuvant", "2016-01-01", "2021-01-01")], "sensitive"),
        ([_span("metastatic", "2025-06-10", "2025-10-01", True)], "primary_resistance"),
        ([_span("metastatic", "2025-06-10", "2026-06-01", True)], "secondary_resistance"),
        ([_span("metastatic", "2025-06-10")], "sensitive"),
        (
            [
                _span("metastatic", "2025-06-10", "2026-06-01", True),
                _span("metastatic", "2026-06-10", "2026-09-01", True),
            ],
            "secondary_resistance",  # only the first line's first 6 months make it primary
        ),
        (
            [_span("adjuvant", "2016-01-01", "2021-01-01"), _span("adjuvant", "2024-03-01")],
            "primary_resistance",  # the most resistant finding wins
        ),
        (
            # tamoxifen for 2 years, then an aromatase inhibitor: one course, 3.4 years in
            [_span("adjuvant", "2022-01-01", "2024-01-01"), _span("adjuvant", "2024-01-02")],
            "secondary_resistance",
        ),
        (
            # NATALEE: ribociclib + anastrozole for 3 years, then anastrozole alone
            [_span("adjuvant", "2022-01-10", "2025-01-10"), _span("adjuvant", "2025-01-11")],
            "secondary_resistance",
        ),
        (
            # overlapping entries (a partner drug finished, the hormone therapy goes on)
            [_span("adjuvant", "2023-09-01"), _span("adjuvant", "2024-03-01", "2025-01-01")],
            "primary_resistance",
        ),
        (
            # more than 90 days apart: a new course, counted from its own start
            [_span("adjuvant", "2020-01-01", "2023-01-01"), _span("adjuvant", "2024-02-01")],
            "primary_resistance",
        ),
    ],
)
def test_endocrine_sensitivity_follows_the_abc_definitions(
    spans: list[TreatmentSpan], status: str
) -> None:
    assert endocrine_sensitivity(spans, BACK).status == status
