"""Issue 18, washouts read as lifetime exclusions: "no chemotherapy within 3 weeks before the
first dose", "at least 14 days since the last dose of ...", "prior X allowed if stopped
≥ 4 weeks ago" are time windows judged against the stop dates: one stopped long enough ago
meets them; a running or just-stopped therapy is a waiting time after the last dose (asked
about, never a barrier), an unknown stop date is unknown, and ongoing ovarian
suppression is not anticancer therapy for a washout. Every case failed before the fix.
(As of 2025-03-01.)"""

from __future__ import annotations

from typing import Any

import pytest

from nextline.knowledge import Knowledge
from tests.trials.test_matching import criterion, make_record, make_trial, match_one


def _entry(drugs: list[str], start: str, stop: str | None, **more: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"setting": "metastatic", "drugs": drugs, "start": start}
    if stop is not None:
        entry["stop"] = stop
        entry["stop_reason"] = "progression"
    entry.update(more)
    return entry


LONG_AGO = [_entry(["paclitaxel"], "2022-02-01", "2022-08-01")]  # stopped 2.5 years before
LAST_WEEK = [_entry(["paclitaxel"], "2024-09-01", "2025-02-22")]  # stopped 7 days before
RUNNING = [_entry(["capecitabine"], "2024-12-01", None)]
# stopped (on progression), the date not written down
STOP_UNKNOWN = [_entry(["paclitaxel"], "2024-09-01", None, stop_reason="progression")]
CDK_LONG_AGO = [_entry(["letrozole", "palbociclib"], "2022-02-01", "2024-11-01")]
CDK_RUNNING = [_entry(["letrozole", "palbociclib"], "2024-06-01", None)]
SUPPRESSION_ONLY_RUNNING = [
    _entry(["letrozole", "palbociclib"], "2022-02-01", "2024-11-01"),
    _entry(["goserelin"], "2022-02-01", None),
]
LEUPRORELIN_RUNNING = [
    _entry(["anastrozole"], "2021-02-01", "2024-10-01"),
    _entry(["leuprolide"], "2021-02-01", None),
]


def _verdict(kb: Knowledge, text: str, therapies: list[dict[str, Any]], section: str) -> str:
    trial = make_trial(f"{section} Criteria:\n\n* {text}\n")
    found = match_one(make_record(kb, therapies=therapies), trial, kb)
    return str(criterion(found, text[:30]).verdict)


@pytest.mark.parametrize(
    "text",
    [
        "Chemotherapy within 3 weeks before the first dose of study treatment",
        "Received chemotherapy within 21 days prior to randomization",
        "Any chemotherapy in the 4 weeks before the start of study drug",
    ],
)
def test_a_washout_exclusion_is_not_a_lifetime_one(kb: Knowledge, text: str) -> None:
    assert _verdict(kb, text, LONG_AGO, "Exclusion") == "not_met"
    # a running or just-finished one is a waiting time after the last dose: asked about
    assert _verdict(kb, text, RUNNING, "Exclusion") == "unknown"
    assert _verdict(kb, text, LAST_WEEK, "Exclusion") == "unknown"


@pytest.mark.parametrize(
    "text",
    [
        "At least 14 days since the last dose of chemotherapy",
        "At least 3 weeks must have elapsed since the last dose of chemotherapy",
        "A minimum of 21 days from the last dose of chemotherapy to the first dose of study drug",
    ],
)
def test_time_since_the_last_dose_is_judged_on_stop_dates(kb: Knowledge, text: str) -> None:
    assert _verdict(kb, text, LONG_AGO, "Inclusion") == "met"
    # stopping and waiting meets it: a waiting time, asked about, never a barrier
    assert _verdict(kb, text, RUNNING, "Inclusion") == "unknown"
    assert _verdict(kb, text, LAST_WEEK, "Inclusion") == "unknown"
    assert _verdict(kb, text, STOP_UNKNOWN, "Inclusion") == "unknown"


@pytest.mark.parametrize(
    "text",
    [
        "Prior CDK4/6 inhibitor is allowed if stopped at least 4 weeks before enrollment",
        "Prior treatment with a CDK4/6 inhibitor is permitted if discontinued ≥ 28 days before "
        "the first dose",
    ],
)
def test_prior_therapy_allowed_if_stopped_long_enough(kb: Knowledge, text: str) -> None:
    assert _verdict(kb, text, CDK_LONG_AGO, "Inclusion") != "not_met"
    assert _verdict(kb, text, CDK_RUNNING, "Inclusion") == "unknown"


@pytest.mark.parametrize(
    "text",
    [
        "Anticancer therapy within 14 days before the first dose of study treatment",
        "Received systemic anti-cancer therapy within 4 weeks prior to the first dose",
    ],
)
def test_ongoing_ovarian_suppression_is_not_anticancer_therapy_for_a_washout(
    kb: Knowledge, text: str
) -> None:
    assert _verdict(kb, text, SUPPRESSION_ONLY_RUNNING, "Exclusion") == "not_met"
    assert _verdict(kb, text, LEUPRORELIN_RUNNING, "Exclusion") == "not_met"
    # a running anticancer treatment is a waiting time after its last dose: asked about
    assert _verdict(kb, text, CDK_RUNNING, "Exclusion") == "unknown"


@pytest.mark.parametrize(
    "text",
    [
        # real wordings (NCT05870579, NCT04065269, NCT06538389): not a gap since a last dose
        "Relapsed with documented evidence of relapse more than 12 months from completion of "
        "(neo)adjuvant endocrine therapy",
        "Chemotherapy-induced menopause with > 1 year since last menses",
        "Currently taking an aromatase inhibitor for at least 3 months prior to enrollment",
    ],
)
def test_intervals_that_are_not_washouts_do_not_fail_a_running_therapy(
    kb: Knowledge, text: str
) -> None:
    running = [
        # adjuvant letrozole, completed two years before the relapse (2022-01-10): meets the
        # relapse interval, which is read since session 10 (it used to be left to ask)
        _entry(
            ["letrozole"], "2015-01-10", "2020-01-10", setting="adjuvant", stop_reason="completed"
        ),
        _entry(["paclitaxel"], "2024-09-01", None),
        _entry(["letrozole"], "2024-09-01", None),
    ]
    assert _verdict(kb, text, running, "Inclusion") != "not_met"
