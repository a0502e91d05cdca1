"""The plan with milestones: what is planned next, and what would prompt a change. Pure.

Milestones come from the record's `appointments` (on or after the as-of date). The signals
that would prompt a change of the current line are read from the assess engine's result
(its RECIST sums and nadir, marker trend, blood-count thresholds and red flags) and phrased
with the templates in `knowledge/data/questions.yaml` (`change_signals`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from nextline.knowledge import Knowledge
from nextline.plan._inputs import status_data
from nextline.plan.models import ChangeSignal, Milestone, Plan
from nextline.record import PatientRecord

APPOINTMENT_LABELS = {
    "scan": "Scan",
    "labs": "Blood tests",
    "test": "Test result due",
    "oncology visit": "Visit with your cancer doctor",
    "infusion": "Treatment (infusion)",
    "other": "Other",
}


def build_milestones(
    record: PatientRecord, kb: Knowledge, as_of: dt.date, status: Any = None
) -> Plan:
    """Upcoming appointments in date order, and the change signals for the current line."""
    return plan_from_data(record, kb, as_of, status_data(status))


def plan_from_data(
    record: PatientRecord, kb: Knowledge, as_of: dt.date, status: dict[str, Any] | None
) -> Plan:
    """`build_milestones` over a status already read with `status_data`."""
    milestones = tuple(
        sorted(
            (
                Milestone(
                    date=a.date,
                    what=a.what,
                    label=APPOINTMENT_LABELS.get(a.what.lower(), a.what.capitalize()),
                    notes=a.notes,
                    evidence=f"appointments[{i}]",
                )
                for i, a in enumerate(record.file.appointments)
                if a.date >= as_of
            ),
            key=lambda m: (m.date, m.evidence),
        )
    )
    line = record.current_line(as_of)
    signals = change_signals(record, kb, as_of, status) if line else ()
    return Plan(milestones, line.number if line else None, signals)


def change_signals(
    record: PatientRecord, kb: Knowledge, as_of: dt.date, status: dict[str, Any] | None
) -> tuple[ChangeSignal, ...]:
    """What would prompt a change of the running line (empty until the assess result is known)."""
    from nextline.plan.signals import signals_for_line

    line = record.current_line(as_of)
    if line is None or status is None:
        return ()
    return signals_for_line(kb, line.number, status)
