"""What a person's dashboard shows, computed once per record version and date.

Why a value of its own: the dashboard's content is a pure function of the stored version
(its record, and its note for the undo box), the date and the knowledge base, so it can be
kept (`web.view_cache`) and shown again with only the template to draw. Everything that
depends on the request (the session's form token, "saved" notices) or on other files (the
trials box reads the kept trial snapshot) is added by the route on every request instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from nextline.web import engines
from nextline.web.marker_words import immune_markers
from nextline.web.scan_sites import unconfirmed_sites

if TYPE_CHECKING:
    from nextline.knowledge import Knowledge
    from nextline.record import PatientRecord
    from nextline.store import VersionInfo

SHOWN_QUESTIONS = 5
SHOWN_MILESTONES = 5


@dataclass(frozen=True)
class DashboardView:
    """The dashboard template's person-specific values, by their template names, computed
    once (`values` is read-only: one view is shown to many requests at once)."""

    record: PatientRecord
    day: dt.date
    values: Mapping[str, Any]

    def context(self) -> dict[str, Any]:
        """The values the template reads, as the route passes them (a fresh dict)."""
        return dict(self.values)


@dataclass(frozen=True)
class KeptDashboard:
    """A dashboard as kept in the database (`store.views`): the record it was computed
    from, its values and the record's red flags, in a shape pickle can hold (a read-only
    mapping cannot be pickled)."""

    record: PatientRecord
    day: dt.date
    values: dict[str, Any]
    red_flags: tuple[Any, ...]

    @classmethod
    def of(cls, view: DashboardView, red_flags: tuple[Any, ...]) -> KeptDashboard:
        return cls(view.record, view.day, dict(view.values), red_flags)

    def view(self) -> DashboardView:
        return DashboardView(self.record, self.day, MappingProxyType(dict(self.values)))


def build_dashboard(
    record: PatientRecord, kb: Knowledge, day: dt.date, last_change: VersionInfo | None
) -> DashboardView:
    """Assess, prepare the questions and milestones, find the sites scans point to, and read
    the record's facts the page shows."""
    status = engines.status(record, kb, day)
    questions, milestones, kept = engines.appointment_prep(record, kb, day, status)
    # Red-flag questions repeat the "Act now" box above them; the list shows the others.
    others = [q for q in questions if not q.urgency]
    values: dict[str, Any] = {
        "person": record.file.patient,
        "record": record,
        "day": day,
        "age": record.age_on(day),
        "line": record.current_line(day),
        "last_line": record.last_line(day),
        "er": record.er(day),
        "pr": record.pr(day),
        "her2": record.her2(day),
        "markers": immune_markers(record.file, day),
        "sites": record.metastatic_sites(day),
        "latest_scan": max(record.file.imaging, key=lambda s: s.date, default=None),
        "status": status,
        "care_team": record.file.care_team,
        "top_questions": others[:SHOWN_QUESTIONS],
        "open_questions": sum(1 for q in kept if not q.answered),
        "milestones": [m for m in milestones if m.date >= day][:SHOWN_MILESTONES],
        "last_change": last_change,
        "seen_sites": unconfirmed_sites(record.file),
    }
    return DashboardView(record, day, MappingProxyType(values))


__all__ = ["DashboardView", "KeptDashboard", "build_dashboard"]
