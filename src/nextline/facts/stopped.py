"""Did a treatment stop working? One derived fact with four ways in:

- the record says it stopped because the cancer grew (`stop_reason: progression`);
- the cancer came back during (neo)adjuvant treatment;
- the cancer came back within N months of finishing (neo)adjuvant treatment, N per drug class
  from the label or guideline that says so (regimens.yaml `stopped_working`); the trials
  behind first-line options excluded such people, and labels of later options count it;
- the scans of the running treatment show growth by RECIST 1.1 (found by the assess
  engine): "probably", until the care team confirms it;
- the care team's own newest reading in the record (`assessments[]`), made since the running
  treatment began, says the disease worsened or is in visceral crisis: "probably" as well,
  until the team records the stop (a worsening may be treated locally, the treatment going on).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Literal, NamedTuple, Protocol

_DAYS_PER_MONTH = 30.4375

How = Literal["recorded", "relapse_during", "relapse_after", "scans", "team"]
# How a running treatment is found growing before its stop is recorded (`stopped_working`).
GrowingBy = Literal["scans", "team"]


class Window(Protocol):
    """An adjuvant window as the knowledge base states it."""

    @property
    def classes(self) -> Sequence[str]: ...
    @property
    def families(self) -> Sequence[str]: ...
    @property
    def months(self) -> int: ...


class Stopped(NamedTuple):
    """How we know a treatment stopped working; `confirmed` is False for scans alone (a
    named tuple: quick to build, part of the history the options engine keys by)."""

    how: How
    text: str
    confirmed: bool


def months_between(first: dt.date, second: dt.date) -> float:
    return (second - first).days / _DAYS_PER_MONTH


def adjuvant_window_months(
    classes: Iterable[str], families: Iterable[str], windows: Iterable[Window]
) -> int | None:
    """The longest window that applies to a treatment of these classes and families."""
    class_set, family_set = set(classes), set(families)
    months = [
        w.months
        for w in windows
        if class_set.intersection(w.classes) or family_set.intersection(w.families)
    ]
    return max(months) if months else None


def stopped_working(
    *,
    setting: str | None,
    start: dt.date,
    stop: dt.date | None,
    stop_reason: str | None,
    window_months: int | None,
    metastatic_since: dt.date | None,
    growing_on_scans: bool = False,
    growing_by: GrowingBy = "scans",
) -> Stopped | None:
    """Whether one treatment stopped working, as of the day the inputs describe."""
    if stop_reason == "progression":
        return Stopped("recorded", "stopped because the cancer grew", True)
    if setting in ("adjuvant", "neoadjuvant") and metastatic_since is not None:
        if start <= metastatic_since and (stop is None or metastatic_since <= stop):
            return Stopped("relapse_during", "the cancer came back during it", True)
        if (
            window_months is not None
            and stop is not None
            and stop < metastatic_since
            and months_between(stop, metastatic_since) <= window_months
        ):
            months = months_between(stop, metastatic_since)
            return Stopped(
                "relapse_after",
                f"the cancer came back {months:.0f} months after finishing it "
                f"(within {window_months} months counts as stopped working)",
                True,
            )
    if growing_on_scans and (stop is None or stop_reason == "break"):
        # running, or paused for a planned break (growth during the break is growth on it)
        if growing_by == "team":
            return Stopped(
                "team", "your care team's latest assessment says the cancer worsened on it", False
            )
        return Stopped("scans", "the latest scans suggest the cancer is growing on it", False)
    return None
