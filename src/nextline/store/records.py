"""`RecordStore`: people's records, versioned, in SQLite or PostgreSQL.

Import is all-or-nothing: callers pass an already validated `PatientFile`, and the write is
one transaction. Saving content equal to the latest version adds nothing.

Optimistic concurrency: every save names the version it was built from (`base`). The write
transaction holds the person's row (PostgreSQL `FOR UPDATE`, SQLite `BEGIN IMMEDIATE`), and a
save whose base is no longer the latest version is refused with `Conflict`, so a change made
while looking at an older record never silently drops what was saved in between. `update`
re-reads and re-applies a change that cannot conflict (adding an entry) until it lands.

A submission sent twice stores one change (`Once`): a save or update that names the token of
its submission checks, under the same lock, whether that token already stored a version; if
so it answers that version and writes nothing. Two equal entries sent on purpose carry two
tokens and are both stored; the content alone never decides that a post is a repeat.
"""

from __future__ import annotations

import builtins
import datetime as dt
import json
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nextline.errors import Conflict, KeyReused, NotFound
from nextline.record.export import patient_file_data
from nextline.record.file_models import PatientFile
from nextline.record.parse import validate_patient_data
from nextline.store.engine import fold_text, read_transaction, write_transaction
from nextline.store.steps import Steps, redo_note, restore_note, undo_note, walk
from nextline.store.tables import Person, RecordVersion, WriteToken


@dataclass(frozen=True)
class PersonSummary:
    id: str
    name: str | None
    versions: int
    updated_at: dt.datetime


@dataclass(frozen=True)
class Once:
    """One submission, stored at most once: `token` names it (a form page's token, or an API
    client's `Idempotency-Key`), `digest` what it sent. The same token with the same digest
    again is the same submission sent twice; with another digest it is refused (`KeyReused`)
    when `strict` (an API key names one change), or stored as new when not (a form page
    changed and sent again is a new entry)."""

    token: str
    digest: str
    strict: bool = False

    @property
    def key(self) -> str:
        return self.token if self.strict else f"{self.token}:{self.digest[:32]}"


# How long a submission's token is remembered (a retry comes within seconds or minutes).
TOKEN_DAYS = 2


@dataclass(frozen=True)
class VersionInfo:
    version: int
    created_at: dt.datetime
    note: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _canonical(file: PatientFile) -> str:
    return json.dumps(patient_file_data(file), sort_keys=False, ensure_ascii=False)


# How often `update` re-reads and re-applies a change that lost a race before it applies the
# change while holding the write lock instead.
OPTIMISTIC_ATTEMPTS = 3
NOTE_LIMIT = 500
VERSION_LIMIT = 2**31 - 1  # the version column is a 32-bit integer


class RecordStore:
    """People's records with every version kept."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        """A read: a database that is locked past the wait, gone or failing is a StoreError
        in words (`read_transaction`), never a driver traceback."""
        with read_transaction(self.engine) as session:
            yield session

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        """One write transaction that holds the write lock from its first statement.

        SQLite: `BEGIN IMMEDIATE`, so two writers queue on the busy timeout instead of both
        reading version N and one failing on commit. PostgreSQL: the person's row is read
        `FOR UPDATE` by the caller.
        """
        with write_transaction(self.engine) as session:
            yield session

    def save(
        self, file: PatientFile, note: str, *, base: int | None, once: Once | None = None
    ) -> tuple[str, int]:
        """Store `file` as the newest version of its person; returns (id, version).

        `base` is the version the change was built from: 0 for a new person, None for a whole
        file that replaces whatever is stored (an import). A stale base raises `Conflict`.
        With `once`, a submission already stored answers its version and writes nothing.
        """
        person_id = file.patient.id
        content = _canonical(file)
        now = _now()
        try:
            with self._writing() as session:
                person = session.get(Person, person_id, with_for_update=True)
                latest = person.latest_version if person is not None else 0
                done = self._done(session, person_id, once) if person is not None else None
                if done is not None:
                    return person_id, done
                if (
                    person is not None
                    and base
                    and base != latest
                    and self._version_row(session, person_id, latest).content == content
                ):
                    # what this save would store is already the latest (the same save sent
                    # again after its answer was lost): nothing to write, nothing lost
                    return person_id, latest
                if base is not None and base != latest:
                    raise Conflict(person_id, base, latest)
                if person is None:
                    person = Person(
                        id=person_id,
                        name=file.patient.name,
                        search_name=fold_text(file.patient.name or ""),
                        created_at=now,
                        updated_at=now,
                        latest_version=0,
                    )
                    session.add(person)
                elif self._version_row(session, person_id, latest).content == content:
                    self._remember(session, person_id, once, latest, now)
                    return person_id, latest
                version = self._add_version(session, person, content, note, now)
                session.flush()  # the person's row exists before a token names it
                self._remember(session, person_id, once, version, now)
                return person_id, version
        except IntegrityError as exc:
            # Two first saves of one new person at once (PostgreSQL has no row to lock yet).
            if base is None:
                return self.save(file, note, base=None, once=once)
            raise Conflict(person_id, base, self.latest_version(person_id)) from exc

    @staticmethod
    def _done(session: Session, person_id: str, once: Once | None) -> int | None:
        """The version `once` already stored (None: not stored yet), under the write lock."""
        if once is None:
            return None
        row = session.get(WriteToken, (person_id, once.key))
        if row is None:
            return None
        if row.digest != once.digest:
            raise KeyReused(person_id, row.version)
        return row.version

    @staticmethod
    def _remember(
        session: Session, person_id: str, once: Once | None, version: int, now: dt.datetime
    ) -> None:
        if once is None:
            return
        from sqlalchemy import delete

        session.execute(  # forget this person's old submissions (a retry comes soon)
            delete(WriteToken).where(
                WriteToken.person_id == person_id,
                WriteToken.created_at < now - dt.timedelta(days=TOKEN_DAYS),
            )
        )
        session.add(
            WriteToken(
                person_id=person_id,
                token=once.key,
                digest=once.digest,
                version=version,
                created_at=now,
            )
        )

    @staticmethod
    def _add_version(
        session: Session, person: Person, content: str, note: str, now: dt.datetime
    ) -> int:
        person.latest_version += 1
        person.updated_at = now
        # the listed name follows the record (a rename, an undo or a restore of an older name)
        person.name = json.loads(content)["patient"].get("name")
        person.search_name = fold_text(person.name or "")
        session.add(
            RecordVersion(
                person_id=person.id,
                version=person.latest_version,
                created_at=now,
                note=note[:NOTE_LIMIT],
                content=content,
            )
        )
        return person.latest_version

    def update(
        self,
        person_id: str,
        change: Callable[[PatientFile], PatientFile],
        note: str,
        once: Once | None = None,
    ) -> int:
        """Apply `change` to the latest version and store the result; returns the version.

        For changes that cannot conflict (adding an entry). First optimistically: read,
        change, save on that base. When other saves keep landing first, `change` runs on the
        latest version inside the write transaction itself, so a busy record never starves
        a writer. `change` may raise (`RecordInvalid`); then nothing is stored. With `once`,
        a submission already stored answers its version and changes nothing.
        """
        for _ in range(OPTIMISTIC_ATTEMPTS):
            file, version = self.get_latest(person_id)
            changed = change(file)  # a Conflict raised by `change` itself is not a lost race
            try:
                return self.save(changed, note, base=version, once=once)[1]
            except KeyReused:
                raise
            except Conflict:
                continue
        with self._writing() as session:
            person = session.get(Person, person_id, with_for_update=True)
            if person is None:
                raise NotFound("person", person_id)
            done = self._done(session, person_id, once)
            if done is not None:
                return done
            row = self._version_row(session, person_id, person.latest_version)
            current = validate_patient_data(json.loads(row.content), f"{person_id}@{row.version}")
            content = _canonical(change(current))
            now = _now()
            version = row.version
            if content != row.content:
                version = self._add_version(session, person, content, note, now)
            self._remember(session, person_id, once, version, now)
            return version

    def stored_by(self, person_id: str, once: Once | None) -> int | None:
        """The version the submission `once` stored, if it was stored (no lock: a quick look
        before a form is checked; `save` and `update` decide again under the lock)."""
        if once is None:
            return None
        with self._reading() as session:
            return self._done(session, person_id, once)

    def latest_version(self, person_id: str) -> int:
        """The newest version number (0 when the person is not stored)."""
        with self._reading() as session:
            person = session.get(Person, person_id)
            return person.latest_version if person is not None else 0

    @staticmethod
    def _version_row(session: Session, person_id: str, version: int) -> RecordVersion:
        if not 0 < version <= VERSION_LIMIT:  # beyond the column's range: none stored
            raise NotFound("record version", f"{person_id}@{version}")
        row = session.scalars(
            select(RecordVersion).where(
                RecordVersion.person_id == person_id, RecordVersion.version == version
            )
        ).one_or_none()
        if row is None:
            raise NotFound("record version", f"{person_id}@{version}")
        return row

    def exists(self, person_id: str) -> bool:
        with self._reading() as session:
            return session.get(Person, person_id) is not None

    def get(self, person_id: str, version: int | None = None) -> PatientFile:
        """The latest (or a given) version of a person's record."""
        return self._get(person_id, version)[0]

    def get_latest(self, person_id: str) -> tuple[PatientFile, int]:
        """The latest version and its number, read together (the base of the next save)."""
        return self._get(person_id, None)

    def _get(self, person_id: str, version: int | None) -> tuple[PatientFile, int]:
        with self._reading() as session:
            person = session.get(Person, person_id)
            if person is None:
                raise NotFound("person", person_id)
            row = self._version_row(session, person_id, version or person.latest_version)
            file = validate_patient_data(json.loads(row.content), f"{person_id}@{row.version}")
            return file, row.version

    def list(self) -> builtins.list[PersonSummary]:
        with self._reading() as session:
            people = session.scalars(select(Person).order_by(Person.id)).all()
            return [PersonSummary(p.id, p.name, p.latest_version, p.updated_at) for p in people]

    def list_page(
        self,
        *,
        offset: int,
        limit: int,
        name: str = "",
        only: Collection[str] | None = None,
        past_end_last: bool = False,
    ) -> tuple[builtins.list[PersonSummary], int]:
        """One page of the people, by id, and how many there are in all: those whose name or
        id holds `name` (any case, with or without accents; empty: everyone),
        among `only` when given (the people a caller may see). Two indexed queries, so a
        program of 10,000 people is not read whole to show 50 of them. With
        `past_end_last`, an offset past the end gives the last page (a link saved when the
        list was longer), still in the same two queries."""
        from sqlalchemy import ColumnElement, func, or_

        if offset < 0 or limit < 1:
            raise ValueError(
                f"offset and limit: offset 0 or more, limit 1 or more ({offset}, {limit})"
            )
        if only is not None and not only:
            return [], 0
        wanted: builtins.list[ColumnElement[bool]] = []
        if only is not None:
            wanted.append(Person.id.in_(sorted(only)))
        words = fold_text(name.strip())
        if words:  # ids are lower-case letters, digits, - and _: the folded words compare
            wanted.append(
                or_(
                    Person.search_name.contains(words, autoescape=True),
                    Person.id.contains(words, autoescape=True),
                )
            )
        with self._reading() as session:
            total = session.scalar(select(func.count()).select_from(Person).where(*wanted)) or 0
            if past_end_last and total and offset >= total:
                offset = (total - 1) // limit * limit
            rows = session.execute(
                select(Person.id, Person.name, Person.latest_version, Person.updated_at)
                .where(*wanted)
                .order_by(Person.id)
                .offset(offset)
                .limit(limit)
            ).all()
        return [PersonSummary(*row) for row in rows], int(total)

    def history(self, person_id: str) -> builtins.list[VersionInfo]:
        with self._reading() as session:
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

        from nextline.accounts.audit import DELETED
        from nextline.store.account_tables import AuditEvent, Membership, OneTimeLink, ShareLink
        from nextline.store.tables import DashboardPageRow, DashboardViewRow

        with self._writing() as session:
            person = session.get(Person, person_id, with_for_update=True)
            if person is None:
                raise NotFound("person", person_id)
            removed = session.execute(
                delete(RecordVersion).where(RecordVersion.person_id == person_id)
            )
            # Server mode: the roles, clinician links and invitations for this person go with
            # them (the audit log stays: it has no link to `people`).
            for table in (Membership, ShareLink, OneTimeLink, WriteToken):
                session.execute(delete(table).where(table.person_id == person_id))
            # the audit log is append-only: a line says the record ends here, and its readers
            # show a later record under this id only what came after (`accounts.audit`)
            session.add(
                AuditEvent(
                    at=_now(),
                    person_id=person_id,
                    actor="",
                    actor_kind="",
                    account_id=None,
                    action=DELETED,
                    what="the record was deleted",
                    source="",
                )
            )
            # the dashboard computed from the record goes with it (`store.views`)
            session.execute(delete(DashboardViewRow).where(DashboardViewRow.person_id == person_id))
            session.execute(delete(DashboardPageRow).where(DashboardPageRow.person_id == person_id))
            session.delete(person)
            count = int(getattr(removed, "rowcount", 0) or 0)
        database = self.engine.url.database
        if self.engine.dialect.name == "sqlite" and database and database != ":memory:":
            from nextline.store import note_readings, record_cache

            note_readings.forget(Path(database), person_id)  # kept beside the database
            record_cache.forget(Path(database), person_id)
        return count

    def steps(self, person_id: str) -> Steps:
        """Where the next undo and redo would go, from the history's notes."""
        with self._reading() as session:
            if session.get(Person, person_id) is None:
                raise NotFound("person", person_id)
            return self._steps(session, person_id)

    @staticmethod
    def _steps(session: Session, person_id: str) -> Steps:
        rows = session.execute(
            select(RecordVersion.version, RecordVersion.note)
            .where(RecordVersion.person_id == person_id)
            .order_by(RecordVersion.version)
        ).all()
        return walk((version, note) for version, note in rows)

    def undo(self, person_id: str, *, base: int | None = None) -> int:
        """Take back one more change: each press moves one step further back, as a new version.

        Read and written in one transaction, so an undo beside other saves takes back exactly
        the change that was latest. With `base` (the version the person was looking at),
        an undo after someone else's save is refused with `Conflict` instead of taking back
        their change. Nothing left to take back raises `NotFound`.
        """
        return self._step(person_id, base, redo=False)

    def redo(self, person_id: str, *, base: int | None = None) -> int:
        """Put back the change the last undo took back (one step per press), as a new version.

        An ordinary change after an undo ends the redo chain: then there is nothing to redo
        (`NotFound`), so a redo never drops a change saved since.
        """
        return self._step(person_id, base, redo=True)

    def _step(self, person_id: str, base: int | None, *, redo: bool) -> int:
        with self._writing() as session:
            person = self._locked(session, person_id, base, _redo_of if redo else _undo_of)
            if person is None:  # the same step from `base` is already done (a double click)
                return (base or 0) + 1
            steps = self._steps(session, person_id)
            target = steps.redo_to if redo else steps.undo_to
            if target is None:
                raise NotFound("change to redo" if redo else "earlier version of", person_id)
            row = self._version_row(session, person_id, target)
            note = redo_note(target) if redo else undo_note(target)
            return self._add_version(session, person, row.content, note, _now())

    def restore(self, person_id: str, version: int, *, base: int | None = None) -> int:
        """Make an earlier version current again, as a new version ("restored version N").

        A restore is an ordinary change: it ends the redo chain and can itself be undone.
        """
        with self._writing() as session:
            person = self._locked(session, person_id, base, lambda _: restore_note(version))
            if person is None:  # the same restore from `base` is already done (a double click)
                return (base or 0) + 1
            row = self._version_row(session, person_id, version)
            latest = self._version_row(session, person_id, person.latest_version)
            if row.content == latest.content:  # already what the record holds
                return latest.version
            note = restore_note(version)
            return self._add_version(session, person, row.content, note, _now())

    @classmethod
    def _locked(
        cls,
        session: Session,
        person_id: str,
        base: int | None,
        step: Callable[[Steps], str | None] | None = None,
    ) -> Person | None:
        """The person's row under the write lock, after checking `base` is still the latest.

        None when the only version since `base` is the very step asked for, taken from
        `base` (`step(steps at base)` is its note): the same undo, redo or restore pressed
        twice on one page, or on two pages showing `base`. Its version is `base + 1`."""
        person = session.get(Person, person_id, with_for_update=True)
        if person is None:
            raise NotFound("person", person_id)
        if base is not None and base != person.latest_version:
            if step is not None and person.latest_version == base + 1:
                rows = session.execute(
                    select(RecordVersion.version, RecordVersion.note)
                    .where(RecordVersion.person_id == person_id)
                    .order_by(RecordVersion.version)
                ).all()
                before = walk((version, note) for version, note in rows if version <= base)
                if rows and rows[-1][1] == step(before):
                    return None
            raise Conflict(person_id, base, person.latest_version)
        return person


def _undo_of(steps: Steps) -> str | None:
    return undo_note(steps.undo_to) if steps.undo_to is not None else None


def _redo_of(steps: Steps) -> str | None:
    return redo_note(steps.redo_to) if steps.redo_to is not None else None
