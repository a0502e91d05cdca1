"""The care team's own reading (`assessments[]`) counts as "probably stopped working" for the
running treatment, as growth on scans does: a "worsened" or a visceral crisis dated since the
running line began puts the options for after it on the table (may fit, once the team
records the change), in words that name the team's assessment, not the scans. A visceral
crisis recorded while the treatment ran means no carrying on with it (ABC4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nextline.knowledge import Knowledge
from nextline.options import OptionsResult
from nextline.options.rules import LATER
from tests.options.builders import drug, options_for, texts, tumor

AS_OF = dt.date(2026, 11, 1)
HR = tumor("2025-06-05", ihc="1+")
RUNNING = [drug("letrozole", "palbociclib", start="2025-06-10")]


def _opts(kb: Knowledge, **kwargs: Any) -> OptionsResult:
    kwargs.setdefault("metastatic_since", "2025-06-01")
    kwargs.setdefault("tumor_tests", [HR])
    kwargs.setdefault("therapies", RUNNING)
    return options_for(kb, as_of=AS_OF, **kwargs)


def _reading(day: str, status: str, crisis: bool | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {"date": day, "disease_status": status}
    if crisis is not None:
        found["visceral_crisis"] = crisis
    return found


def test_worsened_names_the_team_not_the_scans(kb: Knowledge) -> None:
    result = _opts(kb, assessments=[_reading("2026-10-15", "worsened")])
    carry_on = result.option("continue_current_treatment")
    assert carry_on.verdict == "may_fit"
    assert texts(result, carry_on.id) == [
        "your care team's latest assessment says letrozole + palbociclib has stopped working"
    ]
    after = texts(result, "fulvestrant_abemaciclib")
    assert result.option("fulvestrant_abemaciclib").verdict == "may_fit"
    assert not any(t.startswith(LATER) for t in after)
    assert any("your care team's latest assessment says" in t for t in after)
    assert not any("scans" in t for t in after)
    assert any("Your care team's latest assessment says" in n for n in result.notes)
    assert not any("latest scans" in n for n in result.notes)


def test_a_crisis_while_it_runs_means_no_carrying_on(kb: Knowledge) -> None:
    result = _opts(kb, assessments=[_reading("2026-10-15", "worsened", crisis=True)])
    assert result.option("continue_current_treatment").verdict == "does_not_fit"
    assert result.option("fulvestrant").verdict == "does_not_fit"  # too slow for a crisis
    assert result.option("paclitaxel").verdict in ("fits", "may_fit")
    assert not any(t.startswith(LATER) for t in texts(result, "paclitaxel"))


def test_a_crisis_before_the_running_line_began_is_what_it_treats(kb: Knowledge) -> None:
    result = _opts(
        kb,
        therapies=[drug("paclitaxel", start="2025-06-15")],
        assessments=[_reading("2025-06-10", "worsened", crisis=True)],
    )
    assert result.option("continue_current_treatment").verdict == "fits"


def test_the_newest_reading_counts(kb: Knowledge) -> None:
    later_stable = _opts(
        kb, assessments=[_reading("2026-03-01", "worsened"), _reading("2026-09-01", "stable")]
    )
    assert later_stable.option("continue_current_treatment").verdict == "fits"
    # the other way round: the newest says worsened
    later_worse = _opts(
        kb, assessments=[_reading("2026-03-01", "stable"), _reading("2026-09-01", "worsened")]
    )
    assert later_worse.option("continue_current_treatment").verdict == "may_fit"


def test_a_reading_before_the_running_line_began_does_not_count(kb: Knowledge) -> None:
    first = ("letrozole", "palbociclib")
    result = _opts(
        kb,
        therapies=[
            drug(*first, start="2025-06-10", stop="2026-02-01", reason="progression"),
            drug("fulvestrant", "abemaciclib", start="2026-02-10"),
        ],
        assessments=[_reading("2026-01-25", "worsened")],
    )
    assert result.option("continue_current_treatment").verdict == "fits"
