"""Schema of the plan knowledge: question templates and supportive care (STYLE.md §11).

Why data: which questions to suggest, why, and what supportive care says are claims from
public patient guides (NCI, ACS, ASCO Cancer.Net). Each template and topic names its source,
and every sentence a person reads comes from here or from the report templates.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from nextline.knowledge.schema import Slug, SourceRef, Strict

QuestionGroupId = Literal[
    "urgent", "my_cancer", "options", "each_option", "tests", "care", "my_life"
]

# What in the record or the engines' results makes a template appear.
QuestionTrigger = Literal[
    "always",  # every person
    "not_working",  # the status says the treatment may not be working
    "per_option",  # once for each option that fits (placeholder {option})
    "upcoming_event",  # once per upcoming event in goals (placeholders {event}, {date})
    "considering_break",  # goals.considering has treatment_break
    "considering_stopping",  # goals.considering has stopping_treatment or hospice
    "test_to_consider",  # once per test the options engine lists (placeholder {test})
    "red_flag",  # once per red flag in the status (placeholder {message})
    "palliative_not_involved",  # palliative_care.involved is false or unknown
    "second_opinion",  # the treatment may not be working (a new choice is coming)
    "trials_listed",  # the trials matcher found studies to ask about (placeholder {trials})
]


class QuestionGroup(Strict):
    """A heading the questions are grouped under, in the order shown."""

    id: QuestionGroupId
    title: str


class QuestionTemplate(Strict):
    """One suggested question, with why it is suggested, in plain words."""

    id: Slug
    trigger: QuestionTrigger
    group: QuestionGroupId
    text: str = Field(min_length=5)
    why: str = Field(min_length=5)
    details: list[str] = Field(default=[], description="follow-up questions asked together")
    sources: list[SourceRef] = Field(min_length=1)


class ChangeSignalTemplate(Strict):
    """What a scan or a marker would have to show to prompt a change of treatment, in plain
    words (placeholders {nadir} and {threshold} in mm come from the assess result)."""

    id: Literal["scan_growth", "scan_new_lesion", "marker_rise", "blood_counts", "symptoms"]
    kind: Literal["scan", "marker", "blood_count", "symptom"]
    text: str = Field(min_length=5)
    rule: str = Field(description="the rule's name, for the care team (e.g. RECIST 1.1 PD)")
    sources: list[SourceRef] = Field(min_length=1)


class QuestionsFile(Strict):
    format_version: Literal[1]
    groups: list[QuestionGroup] = Field(min_length=1)
    questions: list[QuestionTemplate] = Field(min_length=1)
    change_signals: list[ChangeSignalTemplate] = []


SupportTrigger = Literal[
    "always",
    "palliative_not_involved",
    "considering_stopping",
    "upcoming_event",
    "considering_break",
    "site",
]


class SupportTopic(Strict):
    """A supportive-care topic shown to the person when its trigger holds."""

    id: Slug
    title: str
    trigger: SupportTrigger
    sites: list[str] = Field(default=[], description="metastatic sites, for trigger: site")
    paragraphs: list[str] = Field(min_length=1)
    ask: list[str] = Field(default=[], description="how to ask for it, as questions")
    sources: list[SourceRef] = Field(min_length=1)


class CareRole(Strict):
    """A member of the care team: what they do and what to call them for."""

    role: Slug
    title: str
    helps_with: str
    call_for: list[str] = []
    sources: list[SourceRef] = Field(min_length=1)


class SupportiveCareFile(Strict):
    format_version: Literal[1]
    topics: list[SupportTopic] = Field(min_length=1)
    care_team_roles: list[CareRole] = Field(min_length=1)


class PlanKnowledge(Strict):
    """The plan's knowledge as loaded: question templates and supportive care."""

    groups: list[QuestionGroup]
    questions: list[QuestionTemplate]
    change_signals: list[ChangeSignalTemplate]
    topics: list[SupportTopic]
    care_team_roles: list[CareRole]
