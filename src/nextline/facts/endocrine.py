"""Endocrine (hormone therapy) sensitivity, by the ESO-ESMO ABC consensus definitions:

- primary resistance: relapse during the first 2 years of adjuvant hormone therapy, or
  growth within the first 6 months of first-line hormone therapy for advanced disease;
- secondary resistance: relapse during adjuvant hormone therapy after the first 2 years, or
  within 12 months of finishing it, or growth 6 months or more after starting hormone
  therapy for advanced disease;
- otherwise, after hormone therapy: still sensitive as far as the record shows.
Why a fact of its own: first-line choices hang on it (an aromatase inhibitor with a CDK4/6
inhibitor for sensitive disease, fulvestrant-based treatment after resistance to one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from nextline.facts.stopped import months_between

Status = Literal["primary_resistance", "secondary_resistance", "sensitive", "no_hormone_therapy"]


@dataclass(frozen=True, slots=True)
class TreatmentSpan:
    """One hormone therapy entry as the definition needs it."""

    path: str
    setting: str | None
    start: dt.date
    stop: dt.date | None
    progressed: bool  # confirmed: recorded, or the cancer came back during or soon after


@dataclass(frozen=True, slots=True)
class EndocrineSensitivity:
    status: Status
    text: str
    rests_on: str | None

    def to_json(self) -> dict[str, str | None]:
        return {"status": self.status, "text": self.text, "rests_on": self.rests_on}


# A read-only value (frozen), so every person without hormone therapy can share it.
_NO_HORMONE_THERAPY = EndocrineSensitivity(
    "no_hormone_therapy", "no hormone therapy on record yet", None
)

_ORDER: dict[Status, int] = {
    "primary_resistance": 0,
    "secondary_resistance": 1,
    "sensitive": 2,
    "no_hormone_therapy": 3,
}


# A next hormone therapy after surgery that starts within this long of the last one's stop
# carries on the same course (a switch from tamoxifen to an aromatase inhibitor, a partner
# drug finished while the hormone therapy goes on, a new entry for a new prescription).
_SAME_COURSE_GAP_DAYS = 90


def _course_starts(spans: Sequence[TreatmentSpan]) -> dict[int, dt.date]:
    """The start of the whole course of hormone therapy after surgery that each span belongs
    to. Why: ABC's "first 2 years of adjuvant endocrine therapy" counts from the start of
    the course, not from the latest entry of it (tamoxifen for 2 years then anastrozole is
    one course; NATALEE's ribociclib + anastrozole then anastrozole alone is one course)."""
    early = sorted(
        (i for i, s in enumerate(spans) if s.setting in ("adjuvant", "neoadjuvant")),
        key=lambda i: spans[i].start,
    )
    starts: dict[int, dt.date] = {}
    course: dt.date | None = None
    reach: dt.date | None = None  # the latest stop so far; None while one runs on
    running = False
    for i in early:
        span = spans[i]
        joins = course is not None and (
            running or (reach is not None and (span.start - reach).days <= _SAME_COURSE_GAP_DAYS)
        )
        if not joins:
            course, reach, running = span.start, None, False
        assert course is not None  # for mypy: set just above when not joining
        starts[i] = course
        if span.stop is None:
            running = True
        elif reach is None or span.stop > reach:
            reach = span.stop
    return starts


def endocrine_sensitivity(
    spans: Sequence[TreatmentSpan], metastatic_since: dt.date | None
) -> EndocrineSensitivity:
    """The most resistant finding over every hormone therapy on record."""
    if not spans:  # most people: nothing to weigh
        return _NO_HORMONE_THERAPY
    found: list[EndocrineSensitivity] = []
    first_metastatic = min(
        (s for s in spans if s.setting == "metastatic"), key=lambda s: s.start, default=None
    )
    course_start = _course_starts(spans)
    for i, span in enumerate(spans):
        if span.setting in ("adjuvant", "neoadjuvant") and metastatic_since is not None:
            back = metastatic_since
            if span.start <= back and (span.stop is None or back <= span.stop):
                years = months_between(course_start[i], back) / 12
                if years < 2:
                    found.append(
                        EndocrineSensitivity(
                            "primary_resistance",
                            "the cancer came back in the first 2 years of hormone therapy "
                            "after surgery",
                            span.path,
                        )
                    )
                else:
                    found.append(
                        EndocrineSensitivity(
                            "secondary_resistance",
                            "the cancer came back during hormone therapy after surgery, "
                            "after the first 2 years",
                            span.path,
                        )
                    )
            elif span.stop is not None and span.stop < back:
                if months_between(span.stop, back) <= 12:
                    found.append(
                        EndocrineSensitivity(
                            "secondary_resistance",
                            "the cancer came back within 12 months of finishing hormone "
                            "therapy after surgery",
                            span.path,
                        )
                    )
                else:
                    found.append(
                        EndocrineSensitivity(
                            "sensitive",
                            "the cancer came back more than 12 months after finishing hormone "
                            "therapy after surgery",
                            span.path,
                        )
                    )
        elif span.setting == "metastatic":
            if span.progressed and span.stop is not None:
                early = span is first_metastatic and months_between(span.start, span.stop) < 6
                found.append(
                    EndocrineSensitivity(
                        "primary_resistance" if early else "secondary_resistance",
                        "the cancer grew in the first 6 months of hormone therapy for "
                        "metastatic disease"
                        if early
                        else "the cancer grew after 6 months or more of hormone therapy for "
                        "metastatic disease",
                        span.path,
                    )
                )
            else:
                found.append(
                    EndocrineSensitivity(
                        "sensitive",
                        "hormone therapy for metastatic disease has not stopped working",
                        span.path,
                    )
                )
    if not found:
        return _NO_HORMONE_THERAPY
    return min(found, key=lambda e: _ORDER[e.status])
