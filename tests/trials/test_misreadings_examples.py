"""Issue 18, examples read as requirements: "mainly but not limited to TNBC", "including but
not limited to", "such as", "e.g." name examples of who may join, not a limit. The general
words before them still count. Every case failed before the fix."""

from __future__ import annotations

from typing import Any

import pytest

from nextline.knowledge import Knowledge
from tests.trials.test_matching import criterion, make_record, make_trial, match_one


def _verdict(kb: Knowledge, text: str, section: str = "Inclusion", **record: Any) -> str:
    trial = make_trial(f"{section} Criteria:\n\n* {text}\n")
    found = match_one(make_record(kb, **record), trial, kb)
    return str(criterion(found, text[:30]).verdict)


# the default person: HR+ (ER 90 %, PR 30 %), HER2-low, after letrozole + palbociclib
@pytest.mark.parametrize(
    "text",
    [
        "Advanced solid tumors, mainly but not limited to triple-negative breast cancer",
        "Advanced solid tumors including but not limited to TNBC, ovarian cancer and NSCLC",
        "Locally advanced or metastatic solid tumors such as triple negative breast cancer",
        "Metastatic solid tumor (e.g., TNBC, urothelial carcinoma)",
        "Tumor types include, but are not limited to, HER2-positive breast cancer and gastric "
        "cancer",
        "Advanced solid tumours, for example HER2-positive breast cancer",
        "Advanced breast cancer, preferably triple-negative",
    ],
)
def test_examples_of_who_may_join_are_not_a_limit(kb: Knowledge, text: str) -> None:
    assert _verdict(kb, text) != "not_met"


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        # the general words before the examples still hold
        ("HER2-negative breast cancer, such as HR-positive or triple-negative disease", "met"),
        ("HER2-positive breast cancer, such as IHC 3+ or ISH-amplified disease", "not_met"),
        ("Prior endocrine therapy such as tamoxifen or an aromatase inhibitor", "met"),
        ("Prior chemotherapy for metastatic disease, such as a taxane or capecitabine", "not_met"),
    ],
)
def test_the_general_words_before_examples_still_count(
    kb: Knowledge, text: str, verdict: str
) -> None:
    assert _verdict(kb, text) == verdict


def test_genes_given_as_examples_are_left_to_ask_not_dropped(kb: Knowledge) -> None:
    text = "Tumor with a deleterious alteration in a DNA repair gene such as BRCA1, BRCA2 or ATM"
    assert _verdict(kb, text) == "unknown"
