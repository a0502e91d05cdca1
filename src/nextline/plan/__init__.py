"""Walk into the appointment prepared: questions, the plan with milestones, goals and
trade-offs, supportive care, and the whole briefing. Pure engines over a `PatientRecord`."""

from nextline.plan.briefing import build_briefing, personal_questions
from nextline.plan.milestones import build_milestones
from nextline.plan.models import (
    Briefing,
    CareContact,
    ChangeSignal,
    GoalsTradeoffs,
    Milestone,
    PersonalQuestion,
    Plan,
    Question,
    SupportItem,
    SupportiveCare,
    TradeoffRow,
)
from nextline.plan.questions import build_questions
from nextline.plan.supportive import supportive_care
from nextline.plan.tradeoffs import goals_tradeoffs

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
    "build_briefing",
    "build_milestones",
    "build_questions",
    "goals_tradeoffs",
    "personal_questions",
    "supportive_care",
]
