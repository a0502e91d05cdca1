"""The questions for a visit without the rest of the briefing. Pure.

Why apart from `briefing`: `nextline questions` prints the questions, the person's own
questions and what was not available, nothing else. Building the whole briefing also drew
the milestones, the goals table and supportive care, and imported their modules, for
nothing printed. `build_briefing` takes its questions from here, so both give the same
questions for the same inputs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from nextline.knowledge import Knowledge
from nextline.plan._inputs import options_data, status_data, trials_data
from nextline.plan.question_models import PersonalQuestion, Question
from nextline.plan.questions import questions_from_data
from nextline.record import PatientRecord


@dataclass(frozen=True)
class EngineResults:
    """The assess, options and trials results in their `--json` shapes, and the names of
    those this call did not have (trials when not matched)."""

    status: dict[str, Any] | None
    options: dict[str, Any] | None
    trials: dict[str, Any] | None
    unavailable: tuple[str, ...]


@dataclass(frozen=True)
class QuestionList:
    """What `nextline questions` shows: the questions, the person's own, and what was not
    available to build them."""

    questions: tuple[Question, ...]
    personal_questions: tuple[PersonalQuestion, ...]
    unavailable: tuple[str, ...]


def engine_results(
    record: PatientRecord,
    kb: Knowledge,
    as_of: dt.date,
    status: Any = None,
    options: Any = None,
    trials: Any = None,
) -> EngineResults:
    """Status and options computed here when not given; trials only when the caller matched
    them (it takes seconds), else `unavailable` names them."""
    if status is None:
        from nextline.assess import assess_status

        status = assess_status(record, kb, as_of)
    if options is None:
        from nextline.options import list_options

        options = list_options(record, kb, as_of)
    return EngineResults(
        status=status_data(status),
        options=options_data(options),
        trials=trials_data(trials),
        unavailable=() if trials is not None else ("trials",),
    )


def questions_for(
    record: PatientRecord, kb: Knowledge, as_of: dt.date, results: EngineResults
) -> tuple[Question, ...]:
    """The visit's questions from the engines' results (the briefing's and the command's),
    already in their `--json` shapes: not converted a second time."""
    return tuple(
        questions_from_data(record, kb, as_of, results.status, results.options, results.trials)
    )


def build_question_list(
    record: PatientRecord,
    kb: Knowledge,
    as_of: dt.date,
    status: Any = None,
    options: Any = None,
    trials: Any = None,
) -> QuestionList:
    """The questions for one person as of one date, as the briefing holds them."""
    results = engine_results(record, kb, as_of, status, options, trials)
    return QuestionList(
        questions=questions_for(record, kb, as_of, results),
        personal_questions=personal_questions(record),
        unavailable=results.unavailable,
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
