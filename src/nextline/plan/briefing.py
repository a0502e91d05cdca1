"""The briefing: everything for one person as of one date, in one object. Pure.

Runs the assess and options engines when this build has them (their results can also be
passed in), takes the trial matches from the caller (matching needs the catalog, which is
I/O), and adds the plan's own parts: questions, milestones, goals and supportive care.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from nextline.knowledge import Knowledge
from nextline.plan.milestones import build_milestones
from nextline.plan.models import Briefing
from nextline.plan.question_list import engine_results, personal_questions, questions_for
from nextline.plan.supportive import supportive_care
from nextline.plan.tradeoffs import goals_tradeoffs
from nextline.record import PatientRecord

__all__ = ["build_briefing", "personal_questions"]


def build_briefing(
    record: PatientRecord,
    kb: Knowledge,
    as_of: dt.date,
    status: Any = None,
    options: Any = None,
    trials: Any = None,
) -> Briefing:
    """The whole briefing for one person. Status and options are computed here when not
    given; trials only when the caller matched them (it takes seconds), else `unavailable`
    names them. The questions are `question_list`'s, the same `nextline questions` prints."""
    results = engine_results(record, kb, as_of, status, options, trials)
    return Briefing(
        patient=record.id,
        name=record.name,
        as_of=as_of,
        kb_version=kb.version,
        status=results.status,
        options=results.options,
        trials=results.trials,
        questions=questions_for(record, kb, as_of, results),
        personal_questions=personal_questions(record),
        plan=build_milestones(record, kb, as_of, results.status),
        goals=goals_tradeoffs(record, kb, as_of, results.options),
        supportive_care=supportive_care(record, kb, as_of),
        unavailable=results.unavailable,
    )
