"""The JSON contracts the API shares with the command line's `--json` (same keys, same
values), as pydantic models so the OpenAPI document describes them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel

from nextline.record import PatientRecord
from nextline.store import PersonSummary, VersionInfo


class PersonOut(BaseModel):
    """One stored person (`nextline list --json`)."""

    id: str
    name: str | None
    versions: int
    updated_at: str


class VersionOut(BaseModel):
    """One stored version (`nextline history --json`)."""

    version: int
    created_at: str
    note: str


class LineOut(BaseModel):
    number: int
    drugs: list[str]
    start: str
    stop: str | None
    stop_reason: str | None
    best_response: str | None


class EventOut(BaseModel):
    date: str
    kind: str
    text: str
    path: str


class ProblemOut(BaseModel):
    path: str
    reason: str
    severity: str


class ShowOut(BaseModel):
    """A person's lines and timeline as of a date (`nextline show --json`)."""

    patient: str
    as_of: str
    lines: list[LineOut]
    events: list[EventOut]
    warnings: list[ProblemOut]


class SavedOut(BaseModel):
    """What a write stored: the person and the new version number."""

    id: str
    version: int
    warnings: list[ProblemOut] = []


def person_out(p: PersonSummary) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "versions": p.versions,
        "updated_at": p.updated_at.isoformat(),
    }


def version_out(v: VersionInfo) -> dict[str, Any]:
    return {"version": v.version, "created_at": v.created_at.isoformat(), "note": v.note}


def show_out(record: PatientRecord, day: dt.date) -> dict[str, Any]:
    from nextline.record.timeline import timeline_data

    return timeline_data(record, day)
