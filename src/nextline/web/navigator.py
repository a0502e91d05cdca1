"""The navigator's view (`/navigator`): the people the caller follows in one table, sorted by
what needs attention today (`plan/attention.py` decides the order and the words).

Who is listed: in local mode everyone stored (the one user owns everyone); in server mode the
people the signed-in account holds the navigator role for. An admin, a clinician's link or a
caregiver following nobody as a navigator sees an empty list.

Why a cache: a navigator follows some eighty people and opens this page many times a day.
What comes from a person's record (red flags, the status now and before, appointments, open
questions) depends only on the record version and the date, so it is worked out once per
(person, version, date) and kept for the app's life; a new version or a new day works it out
again. New trials come from the kept trial snapshot and the trials page's remembered match
(`web/trial_changes.py`), read fresh each time and cheap: no trial match ever runs here.

A record that cannot be read is listed with the reason, never dropped. Nothing about a person
goes to the log.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nextline.accounts.principal import Kind, Principal, Role
from nextline.errors import NextlineError, RecordInvalid
from nextline.plan.attention import EarlierStatus, FlagFact, PersonFacts, rank_people
from nextline.web.principal import principal_of

if TYPE_CHECKING:
    from nextline.knowledge import Knowledge
    from nextline.record import PatientRecord
    from nextline.store import PersonSummary, RecordStore
    from nextline.web.state import WebState

router = APIRouter(include_in_schema=False)
log = logging.getLogger("nextline.web")

NOT_WORKING = "not_working"


@dataclass(frozen=True)
class _Kept:
    # the stored record the facts were read from: its version number alone is not enough (a
    # new record under a deleted person's id starts again at version 1), so also when it was
    # saved and the name it lists
    version: int
    updated_at: dt.datetime
    name: str | None
    day: dt.date
    facts: PersonFacts


@dataclass
class FactsCache:
    """Per person: the facts from their record, for one version and one date."""

    kept: dict[str, _Kept]
    lock: threading.Lock

    @classmethod
    def of(cls, app_state: Any) -> FactsCache:
        cache = getattr(app_state, "navigator_facts", None)
        if not isinstance(cache, FactsCache):
            cache = cls({}, threading.Lock())
            app_state.navigator_facts = cache
        return cache

    def get(self, person: PersonSummary, day: dt.date) -> PersonFacts | None:
        kept = self.kept.get(person.id)
        if kept is None or kept.day != day:
            return None
        if (kept.version, kept.updated_at, kept.name) != (
            person.versions,
            person.updated_at,
            person.name,
        ):
            return None
        return kept.facts

    def put(self, person: PersonSummary, day: dt.date, facts: PersonFacts) -> None:
        with self.lock:
            self.kept[person.id] = _Kept(
                person.versions, person.updated_at, person.name, day, facts
            )

    def forget(self, person_id: str) -> None:
        """A deleted person's facts go with them."""
        with self.lock:
            self.kept.pop(person_id, None)


def followed(principal: Principal, store: RecordStore) -> list[PersonSummary]:
    """The people this caller follows as a navigator (everyone, for the local user)."""
    everyone = store.list()
    if principal.kind is Kind.LOCAL:
        return everyone
    mine = {
        person_id
        for person_id in principal.people() or ()
        if principal.role_for(person_id) is Role.NAVIGATOR
    }
    return [p for p in everyone if p.id in mine]


def _overall(record: PatientRecord, kb: Knowledge, day: dt.date) -> str:
    from nextline.assess import assess_status

    return str(assess_status(record, kb, day).overall)


def _earlier(
    store: RecordStore, person: PersonSummary, record: PatientRecord, kb: Knowledge, day: dt.date
) -> tuple[EarlierStatus, ...]:
    """The status the day before the latest scan (the engine reads only what was known by
    then), and before the latest change to the record (the previous version, as of today).
    An earlier version that cannot be read is left out: only the latest one decides whether
    a person is listed as unreadable."""
    from nextline.record import build_record

    found = []
    scans = [scan.date for scan in record.file.imaging if scan.date <= day]
    if scans:
        latest = max(scans)
        before = latest - dt.timedelta(days=1)
        # should it fail, the status now is still known: only this comparison is missing
        with contextlib.suppress(NextlineError):
            found.append(EarlierStatus(_overall(record, kb, before), "scan", latest))
    if person.versions >= 2:
        try:
            previous = store.get(person.id, person.versions - 1)
            overall = _overall(build_record(previous, kb, day), kb, day)
        except NextlineError:
            pass
        else:
            found.append(EarlierStatus(overall, "change", person.updated_at.date()))
    return tuple(found)


SHOWN_PROBLEMS = 3


def why_unreadable(exc: NextlineError) -> str:
    """The reason in a line: each problem's place in the record and what is wrong (the first
    few), or the error's own first line."""
    if isinstance(exc, RecordInvalid):
        errors = [p for p in exc.problems if p.severity == "error"] or list(exc.problems)
        said = "; ".join(f"{p.path or 'the file'}: {p.reason}" for p in errors[:SHOWN_PROBLEMS])
        more = len(errors) - SHOWN_PROBLEMS
        if said:
            return said + (f" (and {more} more)" if more > 0 else "")
    return str(exc).splitlines()[0]


def record_facts(
    store: RecordStore, person: PersonSummary, kb: Knowledge, day: dt.date
) -> PersonFacts:
    """What the person's record says today (red flags, status now and before, appointments,
    open questions), or why it could not be read."""
    from nextline.assess import assess_status
    from nextline.record import build_record

    try:
        file = store.get(person.id)
        record = build_record(file, kb, day)
        status = assess_status(record, kb, day)
        earlier = _earlier(store, person, record, kb, day) if status.overall == NOT_WORKING else ()
    except NextlineError as exc:
        return PersonFacts(person.id, person.name, unreadable=why_unreadable(exc))
    except Exception as exc:  # one person's failure must not hide the other people
        log.error("navigator: %s while reading one person's record", type(exc).__name__)
        return PersonFacts(
            person.id, person.name, unreadable=f"an unexpected problem ({type(exc).__name__})"
        )
    return PersonFacts(
        person.id,
        person.name,
        red_flags=tuple(
            FlagFact(hit.urgency, hit.name, hit.date)
            for hit in status.red_flags
            if hit.urgency in ("emergency", "call_now")
        ),
        status_now=str(status.overall),
        status_earlier=earlier,
        appointments=tuple((a.date, a.what) for a in file.appointments),
        open_questions=sum(1 for q in file.questions if not q.answered),
    )


def _with_trials(state: WebState, facts: PersonFacts, day: dt.date) -> PersonFacts:
    """The new trials that may fit, from the kept snapshot and the remembered match."""
    from nextline.web.trial_changes import dashboard_changes

    if facts.unreadable is not None:
        return facts
    try:
        box = dashboard_changes(state, facts.person_id, day)
    except NextlineError:
        return facts
    if box is None or box.changes is None or not box.changes.new:
        return facts
    try:  # the kept snapshot's date, written by this app; a damaged one is left unsaid
        since = dt.date.fromisoformat(box.changes.since[:10]) if box.changes.since else None
    except ValueError:
        since = None
    return replace(facts, new_trials=len(box.changes.new), trials_since=since)


def people_facts(app_state: Any, state: WebState, people: list[PersonSummary]) -> list[PersonFacts]:
    """Each person's facts today, from the cache where the record has not changed."""
    day = state.today()
    cache = FactsCache.of(app_state)
    out = []
    for person in people:
        facts = cache.get(person, day)
        if facts is None:
            facts = record_facts(state.store, person, state.kb, day)
            cache.put(person, day, facts)
        out.append(_with_trials(state, facts, day))
    return out


NAVIGATOR_ROUTE = "GET /navigator"


def _audit(request: Request, principal: Principal, person_ids: list[str]) -> None:
    """The list reads every person on it: each gets a line in their audit log ("who has
    looked at my record"), as any page of theirs would."""
    from nextline.accounts.audit import AuditEntry, record_many

    at = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    client = request.client.host if request.client else ""
    record_many(
        request.app.state.web.store.engine,
        [
            AuditEntry(
                at=at,
                person_id=person_id,
                actor=principal.label,  # as the access check writes it (`web.access_check`)
                actor_kind=principal.kind.value,
                account_id=principal.account_id,
                action="read",
                what=NAVIGATOR_ROUTE,
                source=client,
            )
            for person_id in person_ids
        ],
    )


@router.get("/navigator")
def navigator(request: Request) -> Response:
    state: WebState = request.app.state.web
    principal = principal_of(request)
    people = followed(principal, state.store)
    day = state.today()
    rows = rank_people(people_facts(request.app.state, state, people), day)
    if principal.kind is not Kind.LOCAL and people:
        _audit(request, principal, [p.id for p in people])
    response: Response = request.app.state.templates.TemplateResponse(
        request,
        "navigator.html",
        {
            "title": "Who needs attention today",
            "section": "navigator",
            "rows": rows,
            "day": day,
            "due": sum(1 for r in rows if not r.nothing_due),
            "local": principal.kind is Kind.LOCAL,
        },
    )
    return response


__all__ = ["FactsCache", "followed", "people_facts", "record_facts", "router"]
