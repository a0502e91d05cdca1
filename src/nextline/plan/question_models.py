"""The questions the plan returns: suggested (`Question`) and as the person keeps them
(`PersonalQuestion`), with `to_json()` giving the `--json` contract.

Why apart from `plan.models`: `nextline questions` needs these two and none of the
milestones, trade-offs or the briefing; each dataclass costs its creation at import. Both are
still importable from `plan.models` and `plan`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Question:
    """One suggested question: what to ask, why it is suggested, and where that comes from.

    `id` is stable for a person and date (template id, plus what it is about), so a person's
    own notes (`PatientFile.questions[].source_id`) can point at it.
    """

    id: str
    template: str
    group: str
    text: str
    why: str
    details: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()  # record paths or engine results it rests on
    sources: tuple[str, ...] = ()
    urgency: str | None = None  # "call_now" | "emergency" for a red flag

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "template": self.template,
            "group": self.group,
            "text": self.text,
            "why": self.why,
            "details": list(self.details),
            "evidence": list(self.evidence),
            "sources": list(self.sources),
            "urgency": self.urgency,
        }


@dataclass(frozen=True, slots=True)
class PersonalQuestion:
    """A question as the person keeps it: generated or their own, in their order."""

    text: str
    order: int
    answered: bool = False
    answer: str | None = None
    added: dt.date | None = None
    source_id: str | None = None
    why: str | None = None
    group: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "order": self.order,
            "answered": self.answered,
            "answer": self.answer,
            "added": self.added.isoformat() if self.added else None,
            "source_id": self.source_id,
            "why": self.why,
            "group": self.group,
        }
