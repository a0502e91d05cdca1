"""Supportive care for one person: which topics to show, and who on the team to call. Pure.

Topics come from `knowledge/data/supportive_care.yaml`, each with the trigger that shows it
(palliative care not yet involved, thinking about stopping treatment or a break, an upcoming
event, a metastatic site such as bone, or always).
"""

from __future__ import annotations

import datetime as dt

from nextline.knowledge import Knowledge
from nextline.knowledge.plan_schema import SupportTopic
from nextline.plan._facts import considering, palliative_involved, plan_knowledge, upcoming_events
from nextline.plan.models import CareContact, SupportItem, SupportiveCare
from nextline.record import PatientRecord


def supportive_care(record: PatientRecord, kb: Knowledge, as_of: dt.date) -> SupportiveCare:
    """The supportive-care topics that apply to this person, and their care team roles."""
    plan = plan_knowledge(kb)
    topics = []
    for topic in plan.topics:
        why = _why_shown(topic, record, as_of)
        if why is not None:
            topics.append(
                SupportItem(
                    id=topic.id,
                    title=topic.title,
                    paragraphs=tuple(topic.paragraphs),
                    ask=tuple(topic.ask),
                    why=why,
                    sources=tuple(dict.fromkeys(s.id for s in topic.sources)),
                )
            )
    team = {member.role: member for member in record.file.care_team}
    contacts = []
    for role in plan.care_team_roles:
        member = team.get(role.role)
        contacts.append(
            CareContact(
                role=role.role,
                title=role.title,
                helps_with=role.helps_with,
                call_for=tuple(role.call_for),
                name=member.name if member else None,
                phone=member.phone if member else None,
                organization=member.organization if member else None,
                in_team=member is not None,
            )
        )
    return SupportiveCare(tuple(topics), tuple(contacts))


def _why_shown(topic: SupportTopic, record: PatientRecord, as_of: dt.date) -> str | None:
    """Why a topic is shown (a record path and what it says), or None when it does not apply."""
    trigger = topic.trigger
    if trigger == "always":
        return "shown to everyone"
    if trigger == "palliative_not_involved":
        if palliative_involved(record):
            return None
        care = record.file.palliative_care
        return "palliative_care.involved = false" if care else "no palliative_care entry"
    if trigger == "considering_stopping":
        wanted = considering(record) & {"stopping_treatment", "hospice"}
        return f"goals.considering: {', '.join(sorted(wanted))}" if wanted else None
    if trigger == "considering_break":
        return (
            "goals.considering: treatment_break"
            if "treatment_break" in considering(record)
            else None
        )
    if trigger == "upcoming_event":
        events = upcoming_events(record, as_of)
        return f"goals.upcoming_events[{events[0][0]}]" if events else None
    if trigger == "site":
        sites = [s for s in topic.sites if record.has_site(s, as_of)]
        return f"metastases: {', '.join(sites)}" if sites else None
    raise ValueError(f"unknown supportive care trigger {trigger!r}")  # pragma: no cover
