"""Walk into the appointment prepared: questions, the plan with milestones, goals and
trade-offs, supportive care, and the whole briefing. Pure engines over a `PatientRecord`.

The names are imported when first asked for (PEP 562), not with the package: `nextline
questions` needs the questions and not the milestones, goals or supportive care, and
should not import them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nextline import lazy_exports

if TYPE_CHECKING:
    from nextline.plan.briefing import build_briefing, personal_questions
    from nextline.plan.milestones import build_milestones
    from nextline.plan.models import (
        Briefing,
        CareContact,
        ChangeSignal,
        GoalsTradeoffs,
        Milestone,
        Plan,
        SupportItem,
        SupportiveCare,
        TradeoffRow,
    )
    from nextline.plan.question_list import QuestionList, build_question_list
    from nextline.plan.question_models import PersonalQuestion, Question
    from nextline.plan.questions import build_questions
    from nextline.plan.supportive import supportive_care
    from nextline.plan.tradeoffs import goals_tradeoffs

# public name -> the module that defines it
_WHERE = {
    "Briefing": "models",
    "CareContact": "models",
    "ChangeSignal": "models",
    "GoalsTradeoffs": "models",
    "Milestone": "models",
    "PersonalQuestion": "question_models",
    "Plan": "models",
    "Question": "question_models",
    "QuestionList": "question_list",
    "SupportItem": "models",
    "SupportiveCare": "models",
    "TradeoffRow": "models",
    "build_briefing": "briefing",
    "build_milestones": "milestones",
    "build_question_list": "question_list",
    "build_questions": "questions",
    "goals_tradeoffs": "tradeoffs",
    "personal_questions": "question_list",
    "supportive_care": "supportive",
}


def __getattr__(name: str) -> Any:
    return lazy_exports.load(__name__, _WHERE, globals(), name)


def __dir__() -> list[str]:
    return lazy_exports.listing(_WHERE, globals())


__all__ = [
    "Briefing",
    "CareContact",
    "ChangeSignal",
    "GoalsTradeoffs",
    "Milestone",
    "PersonalQuestion",
    "Plan",
    "Question",
    "QuestionList",
    "SupportItem",
    "SupportiveCare",
    "TradeoffRow",
    "build_briefing",
    "build_milestones",
    "build_question_list",
    "build_questions",
    "goals_tradeoffs",
    "personal_questions",
    "supportive_care",
]
