"""Issue 18, counts of therapies read as line counts: "at least two HER2-targeted agents"
counts the distinct HER2-targeted drugs, "at least 2 anti-HER2 regimens" the regimens that
held one (not every line); prior anti-HER2 drugs are never "not in the treatment history".
Every case failed before the fix."""

from __future__ import annotations

from typing import Any

import pytest

from nextline.knowledge import Knowledge
from tests.trials.test_matching import criterion, make_record, make_trial, match_one

HER2_TEST: list[dict[str, Any]] = [
    {
        "date": "2022-01-10",
        "er": {"result": "negative", "percent": 0},
        "pr": {"result": "negative", "percent": 0},
        "her2": {"ihc": "3+"},
    }
]


def _line(drugs: list[str], start: str, stop: str, setting: str = "metastatic") -> dict[str, Any]:
    return {
        "setting": setting,
        "drugs": drugs,
        "start": start,
        "stop": stop,
        "stop_reason": "progression" if setting == "metastatic" else "completed",
    }


# one regimen holding two HER2-targeted drugs
ONE_LINE_TWO_DRUGS = [_line(["docetaxel", "trastuzumab", "pertuzumab"], "2022-02-01", "2024-06-01")]
# two lines, only the second HER2-targeted
CHEMO_THEN_ONE_HER2 = [
    _line(["capecitabine"], "2022-02-01", "2023-01-01"),
    _line(["trastuzumab"], "2023-02-01", "2024-06-01"),
]
# T-DXd after trastuzumab + pertuzumab: two HER2-targeted regimens, three drugs
TWO_HER2_LINES = [
    _line(["docetaxel", "trastuzumab", "pertuzumab"], "2022-02-01", "2023-06-01"),
    _line(["trastuzumab deruxtecan"], "2023-07-01", "2024-06-01"),
]
ADJUVANT_ONLY = [_line(["trastuzumab"], "2019-02-01", "2020-02-01", setting="adjuvant")]


def _verdict(
    kb: Knowledge, text: str, therapies: list[dict[str, Any]], section: str = "Inclusion"
) -> Any:
    trial = make_trial(f"{section} Criteria:\n\n* {text}\n")
    found = match_one(make_record(kb, tumor_tests=HER2_TEST, therapies=therapies), trial, kb)
    return criterion(found, text[:30])


@pytest.mark.parametrize(
    "text",
    [
        "Must have received at least two prior HER2-targeted agents",
        "Prior treatment with at least 2 anti-HER2 agents",
        "Previously treated with ≥ 2 HER2-directed drugs",
    ],
)
def test_agents_are_counted_as_drugs_not_lines(kb: Knowledge, text: str) -> None:
    assert _verdict(kb, text, ONE_LINE_TWO_DRUGS).verdict == "met"
    assert _verdict(kb, text, TWO_HER2_LINES).verdict == "met"
    one = _verdict(kb, text, CHEMO_THEN_ONE_HER2)
    assert one.verdict == "not_met"
    assert "not in the treatment history" not in one.detail
    assert "trastuzumab" in one.detail


@pytest.mark.parametrize(
    "text",
    [
        "Prior treatment with at least 2 anti-HER2 regimens in the metastatic setting",
        "At least two lines of HER2 targeted therapy for metastatic disease",
        "Received at least two prior HER2-directed regimens for advanced disease",
    ],
)
def test_her2_regimens_count_only_those_holding_a_her2_drug(kb: Knowledge, text: str) -> None:
    assert _verdict(kb, text, CHEMO_THEN_ONE_HER2).verdict == "not_met"
    assert _verdict(kb, text, TWO_HER2_LINES).verdict == "met"  # T-DXd is HER2-targeted


def test_a_ceiling_on_her2_agents_counts_drugs(kb: Knowledge) -> None:
    text = "No more than 2 prior HER2-targeted agents"
    assert _verdict(kb, text, TWO_HER2_LINES).verdict == "not_met"  # three drugs
    assert _verdict(kb, text, ONE_LINE_TWO_DRUGS).verdict == "met"


def test_her2_drugs_given_early_count_as_agents_when_no_setting_is_named(kb: Knowledge) -> None:
    text = "Prior treatment with at least 1 HER2-targeted agent"
    found = _verdict(kb, text, ADJUVANT_ONLY)
    assert found.verdict == "met"


@pytest.mark.parametrize(
    ("text", "therapies", "verdict"),
    [
        (
            "Prior CDK4/6 inhibitor and endocrine therapy",
            [_line(["letrozole", "palbociclib"], "2022-02-01", "2024-06-01")],
            "met",
        ),
        (
            "Prior treatment with a CDK4/6 inhibitor and at least 2 endocrine agents",
            [_line(["letrozole", "palbociclib"], "2022-02-01", "2024-06-01")],
            "not_met",
        ),
        (
            "Prior treatment with a CDK4/6 inhibitor and at least 2 endocrine agents",
            [
                _line(["letrozole", "palbociclib"], "2022-02-01", "2023-06-01"),
                _line(["fulvestrant"], "2023-07-01", "2024-06-01"),
            ],
            "met",
        ),
    ],
)
def test_cdk46_and_endocrine_are_each_judged(
    kb: Knowledge, text: str, therapies: list[dict[str, Any]], verdict: str
) -> None:
    assert _verdict(kb, text, therapies).verdict == verdict
