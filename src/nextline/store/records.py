"""`RecordStore`: people's records, versioned, in SQLite or PostgreSQL.

Import is all-or-nothing: callers pass an already validated `PatientFile`, and the write is
one transaction. Saving content equal to the latest version adds nothing.
"""

from __future__ import annotations

import builtins
import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from nextline.errors import NotFound
from nextline.record.export import patient_file_data
from nextline.record.file_models import PatientFile
from nextline.record.parse import validate_patient_data
from nextline.store.tables import Person, RecordVersion


@dataclass(frozen=True)
class PersonSummary:
    id: str
    name: str | None
    versions: int
    updated_at: dt.datetime


@dataclass(frozen=True)
class VersionInfo:
    version: int
    created_at: dt.datetime
    note: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _canonical(file: PatientFile) -> str:
    return json.dumps(patient_file_data(file), sort_keys=False, ensure_ascii=False)


class RecordStore:
    """People's records with every version kept."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def save(self, file: PatientFile, note: str) -> tuple[str, int]:
        """Store `file` as the newest version of its person; returns (id, version)."""
        person_id = file.patient.id
        content = _canonical(file)
        now = _now()
        with Session(self.engine) as session, session.begin():
            person = session.get(Person, person_id, with_for_update=True)
            if person is None:
                person = Person(
                    id=person_id,
                    name=file.patient.name,
                    created_at=now,
                    updated_at=now,
                    latest_version=0,
                )
                session.add(person)
            else:
                latest = self._version_row(session, person_id, person.latest_version)
                if latest.content == content:
                    return person_id, person.latest_version
            person.latest_version += 1
            person.updated_at = now
            person.name = file.patient.name
            session.add(
                RecordVersion(
                    person_id=person_id,
                    version=person.latest_version,
                    created_at=now,
                    note=note[:500],
                    content=content,
                )
            )
            return person_id, person.latest_version

    @staticmethod
    def _version_row(session: Session, person_id: str, version: int) -> RecordVersion:
        row = session.scalars(
            select(RecordVersion).where(
                RecordVersion.person_id == person_id, RecordVersion.version == version
            )
        ).one_or_none()
        if row is None:
            raise NotFound("record version", f"{person_id}@{version}")
        return row

    def exists(self, person_id: str) -> bool:
        with Session(self.engine) as session:
            return session.get(Person, person_id) is not None

    def get(self, person_id: str, version: int | None = None) -> PatientFile:
        """The latest (or a given) version of a person's record."""
        with Session(self.engine) as session:
            person = session.get(Person, person_id)
            if person is None:
                raise NotFound("person", person_id)
            row = self._version_row(session, person_id, version or person.latest_version)
            return validate_patient_data(json.loads(row.content), f"{person_id}@{row.version}")

    def list(self) -> builtins.list[PersonSummary]:
        with Session(self.engine) as session:
            people = session.scalars(select(Person).order_by(Person.id)).all()
            return [PersonSummary(p.id, p.name, p.latest_version, p.updated_at) for p in people]

    def history(self, person_id: str) -> builtins.list[VersionInfo]:
        with Session(self.engine) as session:
            if session.get(Person, person_id) is None:
                raise NotFound("person", person_id)
            # the three columns only: the content of every version is not needed to list them
            rows = session.execute(
                select(RecordVersion.version, RecordVersion.created_at, RecordVersion.note)
                .where(RecordVersion.person_id == person_id)
                .order_by(RecordVersion.version)
            ).all()
            return [VersionInfo(version, created_at, note) for version, created_at, note in rows]

    def delete(self, person_id: str) -> int:
        """Remove a person and every version of their record (the person asked for it, after
        being offered an export); returns how many versions were removed."""
        from sqlalchemy import delete

        with Session(self.engine) as session, session.begin():
            person = session.get(Person, person_id, with_for_update=True)
            if person is None:
                raise NotFound("person", person_id)
            removed = session.execute(
                delete(RecordVersion).where(RecordVersion.person_id == person_id)
            )
            session.delete(person)
            return int(getattr(removed, "rowcount", 0) or 0)

    def undo(self, person_id: str) -> int:
        """Make the version before the latest one current again, as a new version."""
        versions = self.history(person_id)
        if len(versions) < 2:
            raise NotFound("earlier version of", person_id)
        previous = self.get(person_id, versions[-2].version)
        return self.save(previous, f"undo: back to version {versions[-2].version}")[1]
