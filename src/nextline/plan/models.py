"""What the plan engines return: questions, milestones, trade-offs, supportive care, the briefing.

Plain frozen dataclasses with `to_json()` giving the `--json` contract, so the CLI, the report
and the web app read one shape.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from nextline.plan.question_models import PersonalQuestion, Question

__all__ = [
    "Briefing",
    "CareContact",
    "ChangeSignal",
    "GoalsTradeoffs",
    "Milestone",
    "PersonalQuestion",
    "Plan",
    "Question",
    "SupportItem",
    "SupportiveCare",
    "TradeoffRow",
]


@dataclass(frozen=True, slots=True)
class Milestone:
    """A planned scan, lab test, visit or infusion from the record's `appointments`."""

    date: dt.date
    what: str
    label: str
    notes: str | None
    evidence: str

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "what": self.what,
            "label": self.label,
            "notes": self.notes,
            "evidence": self.evidence,
        }


@dataclass(frozen=True, slots=True)
class ChangeSignal:
    """What a scan, a marker, a blood count or a symptom would have to show to prompt a change."""

    kind: str  # "scan" | "marker" | "blood_count" | "symptom"
    text: str
    rule: str
    evidence: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "text": self.text,
            "rule": self.rule,
            "evidence": list(self.evidence),
        }


@dataclass(frozen=True, slots=True)
class Plan:
    """The plan with milestones: what is coming, and what would prompt a change."""

    milestones: tuple[Milestone, ...]
    current_line: int | None
    signals: tuple[ChangeSignal, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "milestones": [m.to_json() for m in self.milestones],
            "current_line": self.current_line,
            "signals": [s.to_json() for s in self.signals],
        }


@dataclass(frozen=True, slots=True)
class TradeoffRow:
    """One option that fits, side by side with the person's goals. Never a score or a pick."""

    option_id: str
    name: str
    drugs: tuple[str, ...]
    routes: tuple[str, ...]  # plain words: "pill by mouth", "drip into a vein (IV)"
    how_often: tuple[str, ...]
    where: tuple[str, ...]
    common_side_effects: tuple[str, ...]
    wants_to_avoid: tuple[str, ...]  # the person's `avoid` items this option touches
    matches_preference: tuple[str, ...]  # the person's `prefer` items this option meets

    def to_json(self) -> dict[str, Any]:
        return {
            "option_id": self.option_id,
            "name": self.name,
            "drugs": list(self.drugs),
            "routes": list(self.routes),
            "how_often": list(self.how_often),
            "where": list(self.where),
            "common_side_effects": list(self.common_side_effects),
            "wants_to_avoid": list(self.wants_to_avoid),
            "matches_preference": list(self.matches_preference),
        }


@dataclass(frozen=True, slots=True)
class GoalsTradeoffs:
    """The person's priorities and what they want to avoid, against the options that fit."""

    priorities: tuple[str, ...]
    avoid: tuple[str, ...]
    prefer: tuple[str, ...]
    rows: tuple[TradeoffRow, ...]
    note: str

    def to_json(self) -> dict[str, Any]:
        return {
            "priorities": list(self.priorities),
            "avoid": list(self.avoid),
            "prefer": list(self.prefer),
            "rows": [r.to_json() for r in self.rows],
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class SupportItem:
    """A supportive-care topic shown to this person, and why it is shown."""

    id: str
    title: str
    paragraphs: tuple[str, ...]
    ask: tuple[str, ...]
    why: str
    sources: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "paragraphs": list(self.paragraphs),
            "ask": list(self.ask),
            "why": self.why,
            "sources": list(self.sources),
        }


@dataclass(frozen=True, slots=True)
class CareContact:
    """A care team role: who it is in this person's team (if known), what to call them for."""

    role: str
    title: str
    helps_with: str
    call_for: tuple[str, ...]
    name: str | None
    phone: str | None
    organization: str | None
    in_team: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "title": self.title,
            "helps_with": self.helps_with,
            "call_for": list(self.call_for),
            "name": self.name,
            "phone": self.phone,
            "organization": self.organization,
            "in_team": self.in_team,
        }


@dataclass(frozen=True, slots=True)
class SupportiveCare:
    topics: tuple[SupportItem, ...]
    care_team: tuple[CareContact, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "topics": [t.to_json() for t in self.topics],
            "care_team": [c.to_json() for c in self.care_team],
        }


@dataclass(frozen=True)
class Briefing:
    """Everything for one person as of one date: status, options, trials, questions, care."""

    patient: str
    name: str | None
    as_of: dt.date
    kb_version: str
    status: dict[str, Any] | None
    options: dict[str, Any] | None
    trials: dict[str, Any] | None
    questions: tuple[Question, ...]
    personal_questions: tuple[PersonalQuestion, ...]
    plan: Plan
    goals: GoalsTradeoffs
    supportive_care: SupportiveCare
    unavailable: tuple[str, ...] = field(default=())  # engines not available in this build

    def to_json(self) -> dict[str, Any]:
        return {
            "patient": self.patient,
            "name": self.name,
            "as_of": self.as_of.isoformat(),
            "kb_version": self.kb_version,
            "status": self.status,
            "options": self.options,
            "trials": self.trials,
            "questions": [q.to_json() for q in self.questions],
            "personal_questions": [p.to_json() for p in self.personal_questions],
            "plan": self.plan.to_json(),
            "goals": self.goals.to_json(),
            "supportive_care": self.supportive_care.to_json(),
            "unavailable": list(self.unavailable),
        }
