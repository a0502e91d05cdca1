"""Who needs attention today: a navigator's people in one order, each with its reasons in
plain words. Pure: facts about each person and the date in, ordered rows out; no store, no
clock, no engine runs here (`web/navigator.py` gathers the facts, from cached results).

The order, most pressing first (the issue's list, with two additions):
1. an emergency red flag ("go to emergency now", the red-flag engine's `emergency`);
2. a record that could not be read: nothing else about this person is known, so it is never
   dropped and sits just below the emergencies, saying why;
3. a red flag that means "call the care team now" (`call_now`);
4. a status that turned "probably not working": it is "probably not working" now and was
   something else the day before the latest scan, or before the latest change to the record
   (the scan is named when it turned it: the likely cause, with a date);
5. new trials that may fit since the kept match;
6. an appointment in the next seven days (today included);
7. questions kept for the team and not answered yet.

People are compared by which of these they have, in that order: someone with an emergency
comes before everyone without one, and between two people with the same reasons, the one
with more of the later ones comes first (an emergency and an appointment this week before
an emergency alone). Left tied, the most pressing reason's timing decides (the latest red
flag or turn, the most new trials, the soonest appointment, the most open questions), then
the name. People with nothing due are listed last, by name, never left out.

It helps a navigator plan the day; the care team decides what is done.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from nextline.assess.status_words import overall_words
from nextline.plan.milestones import APPOINTMENT_LABELS

ReasonKind = Literal[
    "emergency", "unreadable", "call_now", "status_turned", "new_trials", "appointment", "question"
]
ORDER: tuple[ReasonKind, ...] = (
    "emergency",
    "unreadable",
    "call_now",
    "status_turned",
    "new_trials",
    "appointment",
    "question",
)
WEEK_DAYS = 7  # "this week": today and the six days after it
NOT_WORKING = "not_working"

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


@dataclass(frozen=True)
class FlagFact:
    """A red flag the engine found: how urgent, its plain name, the date of the report."""

    urgency: Literal["emergency", "call_now"]
    name: str
    date: dt.date


@dataclass(frozen=True)
class EarlierStatus:
    """The overall status as it was before something: the latest scan (`what="scan"`, `on`
    its date) or the latest change to the record (`what="change"`, `on` its date)."""

    overall: str
    what: Literal["scan", "change"]
    on: dt.date


@dataclass(frozen=True)
class PersonFacts:
    """What is known about one person today. `unreadable` (why the record could not be read)
    excludes everything else."""

    person_id: str
    name: str | None = None
    unreadable: str | None = None
    red_flags: tuple[FlagFact, ...] = ()
    status_now: str | None = None
    status_earlier: tuple[EarlierStatus, ...] = ()
    new_trials: int = 0
    trials_since: dt.date | None = None
    appointments: tuple[tuple[dt.date, str], ...] = ()  # (date, what), any dates
    open_questions: int = 0


@dataclass(frozen=True)
class Reason:
    """One reason a person needs attention; `page` is the part of the person's pages that
    shows it ("" for the dashboard)."""

    kind: ReasonKind
    words: str
    page: str
    when: dt.date | None = None


@dataclass(frozen=True)
class AttentionRow:
    person_id: str
    name: str
    reasons: tuple[Reason, ...]  # most pressing first; empty when nothing is due

    @property
    def nothing_due(self) -> bool:
        return not self.reasons


def _day(value: dt.date) -> str:
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _flag_reasons(facts: PersonFacts) -> list[Reason]:
    found = []
    for flag in sorted(facts.red_flags, key=lambda f: (f.date, f.name), reverse=True):
        if flag.urgency == "emergency":
            words = f"Emergency sign reported on {_day(flag.date)}: {flag.name}"
        else:
            words = f"Call the care team now: reported on {_day(flag.date)}: {flag.name}"
        found.append(Reason(flag.urgency, words, "", flag.date))
    return found


def _turn(facts: PersonFacts) -> Reason | None:
    """When the status is "not working" now and was something else before: before the latest
    scan (named, with its date: the likely cause) or, when the scan did not turn it, before the
    latest change to the record (a corrected entry, say)."""
    if facts.status_now != NOT_WORKING:
        return None
    turns = [e for e in facts.status_earlier if e.overall != NOT_WORKING]
    if not turns:
        return None
    latest = max(turns, key=lambda e: (e.what == "scan", e.on))
    after = f"the scan of {_day(latest.on)}" if latest.what == "scan" else "the latest change"
    words = (
        f"The treatment now looks “{overall_words(NOT_WORKING)}” after {after}; "
        f"before, it looked “{overall_words(latest.overall)}”"
    )
    return Reason("status_turned", words, "", latest.on)


def _appointments(facts: PersonFacts, today: dt.date) -> list[Reason]:
    end = today + dt.timedelta(days=WEEK_DAYS)
    found = []
    for date, what in sorted(facts.appointments):
        if not today <= date < end:
            continue
        label = APPOINTMENT_LABELS.get(what.lower(), what[:1].upper() + what[1:])
        when = "today" if date == today else f"on {_WEEKDAYS[date.weekday()]} {_day(date)}"
        found.append(Reason("appointment", f"{label} {when}", "", date))
    return found


def reasons_for(facts: PersonFacts, today: dt.date) -> tuple[Reason, ...]:
    """Every reason this person needs attention today, most pressing first."""
    if facts.unreadable is not None:
        why = facts.unreadable.strip() or "no reason given"
        return (
            Reason(
                "unreadable",
                f"The record could not be read, so nothing else could be checked: {why}",
                "",
            ),
        )
    found = _flag_reasons(facts)
    turn = _turn(facts)
    if turn is not None:
        found.append(turn)
    if facts.new_trials > 0:
        since = f" since {_day(facts.trials_since)}" if facts.trials_since else ""
        trials = _plural(facts.new_trials, "new trial", "new trials")
        found.append(Reason("new_trials", f"{trials} may fit{since}", "/trials"))
    found.extend(_appointments(facts, today))
    if facts.open_questions > 0:
        kept = _plural(facts.open_questions, "question", "questions")
        found.append(
            Reason("question", f"{kept} kept for the team, not answered yet", "/questions")
        )
    return tuple(sorted(found, key=lambda r: ORDER.index(r.kind)))  # stable: dates kept


def _timing(row: AttentionRow, facts: PersonFacts) -> float:
    """Between people with the same reasons: the most pressing reason's timing, smaller
    first (recent flags and turns, more new trials, the soonest appointment, more questions)."""
    top = row.reasons[0]
    if top.kind == "new_trials":
        return -facts.new_trials
    if top.kind == "question":
        return -facts.open_questions
    if top.when is None:
        return 0
    ordinal = top.when.toordinal()
    return ordinal if top.kind == "appointment" else -ordinal


def rank_people(people: Iterable[PersonFacts], today: dt.date) -> list[AttentionRow]:
    """Every person, the one who needs attention most first (see the module's docstring)."""
    keyed = []
    for facts in people:
        name = (facts.name or "").strip() or facts.person_id
        row = AttentionRow(facts.person_id, name, reasons_for(facts, today))
        kinds = {r.kind for r in row.reasons}
        presence = tuple(0 if kind in kinds else 1 for kind in ORDER)
        timing = _timing(row, facts) if row.reasons else 0
        keyed.append(((presence, timing, name.casefold(), facts.person_id), row))
    keyed.sort(key=lambda pair: pair[0])
    return [row for _, row in keyed]


__all__ = [
    "ORDER",
    "AttentionRow",
    "EarlierStatus",
    "FlagFact",
    "PersonFacts",
    "Reason",
    "rank_people",
    "reasons_for",
]
