"""Issue 18, capecitabine or ADCs counted as alkylating agents: "prior alkylating agents" /
"alkylating chemotherapy" means cyclophosphamide and its class, not every chemotherapy.
Every case failed before the fix."""

from __future__ import annotations

from typing import Any

import pytest

from nextline.knowledge import Knowledge
from tests.trials.test_matching import criterion, make_record, make_trial, match_one


def _line(drugs: list[str], start: str, stop: str, setting: str = "metastatic") -> dict[str, Any]:
    return {
        "setting": setting,
        "drugs": drugs,
        "start": start,
        "stop": stop,
        "stop_reason": "progression",
    }


CAPECITABINE = [_line(["capecitabine"], "2022-02-01", "2023-01-01")]
T_DXD = [_line(["trastuzumab deruxtecan"], "2022-02-01", "2023-01-01")]
AC_T = [_line(["doxorubicin", "cyclophosphamide"], "2019-02-01", "2019-05-01", setting="adjuvant")]


def _verdict(kb: Knowledge, text: str, therapies: list[dict[str, Any]], section: str) -> str:
    trial = make_trial(f"{section} Criteria:\n\n* {text}\n")
    found = match_one(make_record(kb, therapies=therapies), trial, kb)
    return str(criterion(found, text[:30]).verdict)


@pytest.mark.parametrize(
    "text",
    [
        "Prior treatment with alkylating agents",
        "Previous exposure to an alkylating agent",
        "Prior alkylating chemotherapy",
        "Prior chemotherapy containing an alkylating antineoplastic agent",
        "Prior therapy with alkylators",
    ],
)
def test_an_alkylating_exclusion_is_cyclophosphamide_not_capecitabine_or_an_adc(
    kb: Knowledge, text: str
) -> None:
    assert _verdict(kb, text, CAPECITABINE, "Exclusion") == "not_met"
    assert _verdict(kb, text, T_DXD, "Exclusion") == "not_met"
    assert _verdict(kb, text, AC_T, "Exclusion") == "met"


@pytest.mark.parametrize(
    "text",
    [
        "Received > 1 prior line of alkylating chemotherapy regimen for metastatic disease",
        "Progressed after one prior line of alkylating chemotherapy for metastatic disease",
    ],
)
def test_lines_of_alkylating_chemotherapy_count_only_alkylating_lines(
    kb: Knowledge, text: str
) -> None:
    two_capecitabine_lines = [
        _line(["capecitabine"], "2022-02-01", "2023-01-01"),
        _line(["eribulin"], "2023-02-01", "2024-01-01"),
    ]
    verdict = _verdict(kb, text, two_capecitabine_lines, "Inclusion")
    assert verdict == "not_met"


def test_the_alkylating_class_holds_cyclophosphamide_and_not_capecitabine(kb: Knowledge) -> None:
    holds = {d.id for d in kb.drugs.values() if "alkylating_agent" in kb.drug_class_ids(d)}
    assert "cyclophosphamide" in holds
    assert holds.isdisjoint({"capecitabine", "trastuzumab_deruxtecan", "sacituzumab_govitecan"})
