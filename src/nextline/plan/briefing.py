"""The briefing: everything for one person as of one date, in one object. Pure.

Runs the assess and options engines when this build has them (their results can also be
passed in), takes the trial matches from the caller (matching needs the catalog, which is
I/O), and adds the plan's own parts: questions, milestones, goals and supportive care.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from nextline.knowledge import Knowledge
from nextline.plan._inputs import options_data, status_data, trials_data
from nextline.plan.milestones import build_milestones
from nextline.plan.models import Briefing, PersonalQuestion
from nextline.plan.questions import build_questions
from nextline.plan.supportive import supportive_care
from nextline.plan.tradeoffs import goals_tradeoffs
from nextline.record import PatientRecord


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
    names them."""
    from nextline.assess import assess_status
    from nextline.options import list_options

    unavailable: list[str] = []
    if status is None:
        status = assess_status(record, kb, as_of)
    if options is None:
        options = list_options(record, kb, as_of)
    if trials is None:
        unavailable.append("trials")
    status_json = status_data(status)
    options_json = options_data(options)
    trials_json = trials_data(trials)
    return Briefing(
        patient=record.id,
        name=record.name,
        as_of=as_of,
        kb_version=kb.version,
        status=status_json,
        options=options_json,
        trials=trials_json,
        questions=tuple(build_questions(record, kb, as_of, status_json, options_json, trials_json)),
        personal_questions=personal_questions(record),
        plan=build_milestones(record, kb, as_of, status_json),
        goals=goals_tradeoffs(record, kb, as_of, options_json),
        supportive_care=supportive_care(record, kb, as_of),
        unavailable=tuple(unavailable),
    )


def personal_questions(record: PatientRecord) -> tuple[PersonalQuestion, ...]:
    """The questions the person keeps in their file, in their order."""
    kept = sorted(enumerate(record.file.questions), key=lambda pair: (pair[1].order, pair[0]))
    return tuple(
        PersonalQuestion(
            text=q.text,
            order=q.order,
            answered=q.answered,
            answer=q.answer,
            added=q.added,
            source_id=q.source_id,
        )
        for _, q in kept
    )
