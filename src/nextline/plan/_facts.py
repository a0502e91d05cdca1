"""Facts about one person that several plan engines read (pure; no I/O, no clock)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nextline.errors import KnowledgeInvalid, Problem
from nextline.knowledge import Knowledge
from nextline.knowledge.plan_schema import PlanKnowledge
from nextline.record import PatientRecord


def plan_knowledge(kb: Knowledge) -> PlanKnowledge:
    if kb.plan is None:
        raise KnowledgeInvalid([Problem("questions.yaml", "the plan knowledge is missing")])
    return kb.plan


def day_text(day: dt.date) -> str:
    """A date as people write it: 14 July 2024."""
    return f"{day.day} {day:%B %Y}"


def may_not_be_working(
    record: PatientRecord, as_of: dt.date, status: dict[str, Any] | None
) -> tuple[bool, tuple[str, ...]]:
    """Whether the status (or, without a verdict on a running line, the record) says the
    treatment may not be working, with what that rests on."""
    overall = status.get("overall") if status else None
    if overall in ("not_working", "unclear"):
        return True, (f"status.overall = {overall}",)
    if overall in (None, "no_current_treatment") and record.current_line(as_of) is None:
        last = record.last_line(as_of)
        if last is not None and last.stop_reason == "progression":
            entry = next(
                (e for e in reversed(last.entries) if e.stop_reason == "progression"),
                last.entries[-1],
            )
            return True, (f"{entry.path}.stop_reason = progression (line {last.number})",)
    return False, ()


def palliative_involved(record: PatientRecord) -> bool:
    care = record.file.palliative_care
    return bool(care and care.involved)


def considering(record: PatientRecord) -> set[str]:
    goals = record.file.goals
    return set(goals.considering) if goals else set()


def upcoming_events(record: PatientRecord, as_of: dt.date) -> list[tuple[int, dt.date, str]]:
    goals = record.file.goals
    if goals is None:
        return []
    return sorted(
        ((i, e.date, e.what) for i, e in enumerate(goals.upcoming_events) if e.date >= as_of),
        key=lambda item: item[1],
    )


def fitting_options(options: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Options with verdict `fits` that are a treatment (not trials or care, asked elsewhere)."""
    if not options:
        return []
    return [
        o
        for o in options.get("options", [])
        if isinstance(o, dict)
        and o.get("verdict") == "fits"
        and o.get("kind", "systemic") in ("systemic", "radiation", "surgery")
    ]


def trials_to_ask(trials: dict[str, Any] | None, limit: int = 5) -> list[dict[str, Any]]:
    if not trials:
        return []
    found = [
        m
        for m in trials.get("matches", [])
        if isinstance(m, dict) and m.get("verdict") in ("likely_eligible", "possibly_eligible")
    ]
    found.sort(key=lambda m: (m.get("verdict") != "likely_eligible", -(m.get("score") or 0)))
    return found[:limit]
