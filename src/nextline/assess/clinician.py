"""The clinician's own reading (`assessments`), shown beside what nextline computes. Pure.

nextline never overrides the care team: where its reading of the scans and the team's
recorded view point different ways, it says so plainly and suggests asking about it.
"""

from __future__ import annotations

import datetime as dt

from nextline.assess._evidence import Evidence
from nextline.assess._value import value
from nextline.assess.recist import Timepoint
from nextline.record.record import Line, PatientRecord

# The difference that matters: the team says worse and nextline reads no growth, or the
# team says improved/stable and nextline reads growth (RECIST PD). Finer differences
# (stable against a partial response) are not called disagreements.
_COMPARED = ("improved", "stable", "worsened")
_PLAIN = {
    "improved": "improved",
    "stable": "stable",
    "worsened": "worse",
    "mixed": "mixed",
    "not_evaluable": "not possible to judge",
}


@value
class ClinicianView:
    """The latest clinician assessment in the line, and whether it agrees with nextline."""

    date: dt.date
    by: str | None
    disease_status: str
    visceral_crisis: bool | None
    notes: str | None
    path: str
    nextline_response: str | None
    nextline_date: dt.date | None
    agrees: bool | None
    text: str


def clinician_view(
    record: PatientRecord, line: Line | None, latest: Timepoint | None, as_of: dt.date
) -> tuple[ClinicianView | None, list[Evidence]]:
    """The team's latest reading during `line` (on or before `as_of`), compared with the
    latest RECIST response nextline computed for the same line."""
    if line is None:
        return None, []
    end = min(line.stop, as_of) if line.stop else as_of
    found = [
        (a.date, i, a) for i, a in enumerate(record.file.assessments) if line.start <= a.date <= end
    ]
    if not found:
        return None, []
    date, index, entry = max(found, key=lambda t: (t[0], t[1]))
    path = f"assessments[{index}]"
    status = entry.disease_status
    who = entry.by or "Your care team"
    text = f"{who} recorded the disease as {_PLAIN[status]} on {date}."
    agrees: bool | None = None
    if latest is not None and status in _COMPARED and latest.overall != "NE":
        agrees = (status == "worsened") == (latest.overall == "PD")
        if not agrees:
            text += (
                f" nextline's reading of the scan on {latest.date} is RECIST {latest.overall}, "
                "which points a different way. Ask your team about this difference: they "
                "see things a scan report does not."
            )
    if entry.visceral_crisis:
        text += (
            " They noted a visceral crisis (the cancer affecting how an organ works), which "
            "usually calls for a fast-acting treatment."
        )
    view = ClinicianView(
        date=date,
        by=entry.by,
        disease_status=status,
        visceral_crisis=entry.visceral_crisis,
        notes=entry.notes,
        path=path,
        nextline_response=latest.overall if latest else None,
        nextline_date=latest.date if latest else None,
        agrees=agrees,
        text=text,
    )
    points = (
        "not_working"
        if status == "worsened"
        else ("working" if status in ("improved", "stable") else "neither")
    )
    evidence = Evidence(
        kind="clinician",
        date=date,
        text=text,
        paths=(path,),
        rule="clinician_assessment",
        sources=(),
        points_to=points,  # type: ignore[arg-type]
    )
    return view, [evidence]
