"""The questions to bring to the next appointment, each with why it is suggested. Pure.

Built from the question templates in `knowledge/data/questions.yaml`: each template names the
trigger that makes it appear (always, the status says the treatment may not be working, an
option that fits, a red flag, an upcoming event, palliative care not yet involved, ...).
A red flag comes first, then the groups in the order the knowledge file gives them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from nextline.knowledge import Knowledge
from nextline.knowledge.plan_schema import QuestionTemplate
from nextline.plan._facts import (
    considering,
    day_text,
    fitting_options,
    may_not_be_working,
    palliative_involved,
    plan_knowledge,
    trials_to_ask,
    upcoming_events,
)
from nextline.plan._inputs import options_data, status_data, text_of, trials_data
from nextline.plan.question_models import Question
from nextline.record import PatientRecord

_URGENCY_ORDER = {"emergency": 0, "call_now": 1}


def build_questions(
    record: PatientRecord,
    kb: Knowledge,
    as_of: dt.date,
    status: Any = None,
    options: Any = None,
    trials: Any = None,
) -> list[Question]:
    """The person's questions for the next appointment, grouped, red flags first."""
    return questions_from_data(
        record, kb, as_of, status_data(status), options_data(options), trials_data(trials)
    )


def questions_from_data(
    record: PatientRecord,
    kb: Knowledge,
    as_of: dt.date,
    status: dict[str, Any] | None,
    options: dict[str, Any] | None,
    trials: dict[str, Any] | None,
) -> list[Question]:
    """`build_questions` over results already read with `status_data`, `options_data` and
    `trials_data` (a caller that has them skips converting them again)."""
    plan = plan_knowledge(kb)
    ctx = _Context(record, as_of, status, options, trials)
    found: list[Question] = []
    for template in plan.questions:
        found.extend(ctx.expand(template))
    group_rank: dict[str, int] = {g.id: i for i, g in enumerate(plan.groups)}
    order = {id(q): i for i, q in enumerate(found)}
    return sorted(
        found,
        key=lambda q: (
            group_rank[q.group],
            _URGENCY_ORDER.get(q.urgency or "", 2),
            order[id(q)],
        ),
    )


class _Context:
    def __init__(
        self,
        record: PatientRecord,
        as_of: dt.date,
        status: dict[str, Any] | None,
        options: dict[str, Any] | None,
        trials: dict[str, Any] | None,
    ) -> None:
        self.record = record
        self.as_of = as_of
        self.status = status
        self.options = options
        self.trials = trials
        self.not_working, self.not_working_evidence = may_not_be_working(record, as_of, status)

    def expand(self, t: QuestionTemplate) -> list[Question]:
        sources = tuple(dict.fromkeys(s.id for s in t.sources))
        make = _maker(t, sources)
        trigger = t.trigger
        if trigger == "always":
            return [make(t.id, {}, ())]
        if trigger in ("not_working", "second_opinion"):
            return [make(t.id, {}, self.not_working_evidence)] if self.not_working else []
        if trigger == "palliative_not_involved":
            if palliative_involved(self.record):
                return []
            care = self.record.file.palliative_care
            said = "palliative_care.involved = false" if care else "no palliative_care entry"
            return [make(t.id, {}, (said,))]
        if trigger == "considering_break":
            if "treatment_break" not in considering(self.record):
                return []
            return [make(t.id, {}, ("goals.considering: treatment_break",))]
        if trigger == "considering_stopping":
            wanted = considering(self.record) & {"stopping_treatment", "hospice"}
            if not wanted:
                return []
            return [make(t.id, {}, tuple(f"goals.considering: {w}" for w in sorted(wanted)))]
        if trigger == "upcoming_event":
            return [
                make(
                    f"{t.id}:{day.isoformat()}",
                    {"event": what, "date": day_text(day)},
                    (f"goals.upcoming_events[{i}]",),
                )
                for i, day, what in upcoming_events(self.record, self.as_of)
            ]
        if trigger == "red_flag":
            return self._red_flags(t, sources)
        if trigger == "per_option":
            return [
                make(
                    f"{t.id}:{o.get('id')}",
                    {"option": o.get("name") or o.get("id") or "this option"},
                    (f"options[{o.get('id')}].verdict = fits",),
                )
                for o in fitting_options(self.options)
            ]
        if trigger == "test_to_consider":
            return self._tests(t, sources)
        if trigger == "trials_listed":
            chosen = trials_to_ask(self.trials, limit=3)
            if not chosen:
                return []
            ids = [str(m.get("nct_id")) for m in chosen]
            return [make(t.id, {"trials": ", ".join(ids)}, tuple(f"trials[{i}]" for i in ids))]
        raise ValueError(f"unknown question trigger {trigger!r}")  # pragma: no cover

    def _red_flags(self, t: QuestionTemplate, sources: tuple[str, ...]) -> list[Question]:
        flags = (self.status or {}).get("red_flags") or []
        out: list[Question] = []
        for i, flag in enumerate(flags):
            if not isinstance(flag, dict):
                continue
            message = text_of(flag, "message") or str(flag.get("kind", "a warning sign"))
            extra = tuple(
                str(s.get("id")) if isinstance(s, dict) else str(s)
                for s in flag.get("sources") or []
                if isinstance(s, (str, dict))
            )
            out.append(
                Question(
                    id=f"{t.id}:{flag.get('kind')}:{flag.get('date')}",
                    template=t.id,
                    group=t.group,
                    text=t.text.format(message=message),
                    why=t.why,
                    details=tuple(t.details),
                    evidence=(f"status.red_flags[{i}]: {flag.get('kind')} on {flag.get('date')}",),
                    sources=tuple(dict.fromkeys((*extra, *sources))),
                    urgency=str(flag.get("urgency") or "call_now"),
                )
            )
        return out

    def _tests(self, t: QuestionTemplate, sources: tuple[str, ...]) -> list[Question]:
        tests = (self.options or {}).get("tests_to_consider") or []
        out: list[Question] = []
        seen: set[str] = set()
        for i, test in enumerate(tests):
            name = text_of(test, "name", "test", "what", "text", "title", "id")
            if not name or name in seen:
                continue
            seen.add(name)
            reason = text_of(test, "why", "reason", "opens", "because")
            out.append(
                Question(
                    id=f"{t.id}:{_slug(name)}",
                    template=t.id,
                    group=t.group,
                    text=t.text.format(test=_unsentence(name)),
                    why=t.why,
                    details=(reason,) if reason else (),
                    evidence=(f"options.tests_to_consider[{i}]",),
                    sources=sources,
                )
            )
        return out


def _maker(t: QuestionTemplate, sources: tuple[str, ...]) -> Any:
    def make(qid: str, values: dict[str, str], evidence: tuple[str, ...]) -> Question:
        return Question(
            id=qid,
            template=t.id,
            group=t.group,
            text=t.text.format(**values) if values else t.text,
            why=t.why,
            details=tuple(t.details),
            evidence=evidence,
            sources=sources,
        )

    return make


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:60]


def _unsentence(text: str) -> str:
    """A test name inside a question: no trailing full stop."""
    return text.rstrip(". ")
