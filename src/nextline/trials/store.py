"""The trial catalog in the store (SQLite or PostgreSQL): save, load, look up, search, and
keep `nextline trials sync`'s progress.

Every save is one transaction: a file or a sync page is stored whole or not at all. A study
saved again replaces its earlier copy only when something in it changed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, insert, select, text, update
from sqlalchemy.orm import Session

from nextline.errors import NotFound
from nextline.store.trial_tables import CatalogMeta, SyncState, TrialRow
from nextline.trials.catalog_model import Catalog
from nextline.trials.models import Trial
from nextline.trials.search import Mode, SearchHit, search_store, trial_search_columns

_META_ID = 1


@dataclass(frozen=True)
class SaveResult:
    added: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class SyncProgress:
    """Saved sync progress: the run's request parameters and where it stopped."""

    name: str
    query: dict[str, Any]
    page_token: str | None
    pages_done: int
    studies_done: int
    started_on: dt.date | None
    completed_on: dt.date | None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def _row_values(trial: Trial) -> dict[str, Any]:
    return {
        **trial_search_columns(trial),
        "status": trial.status,
        "last_update": trial.last_update,
        "source": (trial.source or "")[:200] or None,
        "content": trial.model_dump_json(),
    }


_FTS_COLUMNS = "title, conditions, interventions, summary, criteria"


def _index_new_rows(session: Session, nct_ids: list[str]) -> None:
    """Add new `trials` rows to the SQLite FTS5 index in one statement per batch (updates
    and deletes are indexed by triggers; see migration 0002_trials)."""
    for start in range(0, len(nct_ids), 500):
        batch = nct_ids[start : start + 500]
        marks = ", ".join(f":id{i}" for i in range(len(batch)))
        session.execute(
            text(
                f"INSERT INTO trials_fts(rowid, {_FTS_COLUMNS}) "
                f"SELECT id, {_FTS_COLUMNS} FROM trials WHERE nct_id IN ({marks})"
            ),
            {f"id{i}": nct_id for i, nct_id in enumerate(batch)},
        )


class TrialStore:
    """The stored trial catalog."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- trials ---------------------------------------------------------------------------

    def save_trials(
        self,
        trials: Iterable[Trial],
        source: str,
        updated: dt.date | None,
        session: Session | None = None,
    ) -> SaveResult:
        """Add or replace these trials and stamp the catalog's source and date, in one
        transaction (or inside the caller's `session`, which the caller commits)."""
        if session is not None:
            return self._save(session, list(trials), source, updated)
        with Session(self.engine) as own, own.begin():
            return self._save(own, list(trials), source, updated)

    def _save(
        self, session: Session, trials: list[Trial], source: str, updated: dt.date | None
    ) -> SaveResult:
        now = _now()
        existing: dict[str, tuple[int, str]] = {}
        ids = [t.nct_id for t in trials]
        for start in range(0, len(ids), 500):
            rows = session.execute(
                select(TrialRow.nct_id, TrialRow.id, TrialRow.content).where(
                    TrialRow.nct_id.in_(ids[start : start + 500])
                )
            )
            existing.update((r.nct_id, (r.id, r.content)) for r in rows)
        new_rows: list[dict[str, Any]] = []
        changed_rows: list[dict[str, Any]] = []
        same = 0
        for trial in trials:
            values = _row_values(trial)
            found = existing.get(trial.nct_id)
            if found is None:
                new_rows.append({"nct_id": trial.nct_id, "stored_at": now, **values})
            elif found[1] == values["content"]:
                same += 1
            else:
                changed_rows.append({"id": found[0], "stored_at": now, **values})
        # Core executemany: one statement for many rows (the ORM unit of work is ~5x slower)
        if new_rows:
            session.execute(insert(TrialRow), new_rows)
            if session.get_bind().dialect.name == "sqlite":
                _index_new_rows(session, [row["nct_id"] for row in new_rows])
        if changed_rows:
            session.execute(update(TrialRow), changed_rows)
        meta = session.get(CatalogMeta, _META_ID)
        if meta is None:
            session.add(CatalogMeta(id=_META_ID, source=source[:200], updated=updated))
        else:
            # The catalog's source names every origin once: "file a.json + ClinicalTrials.gov ..."
            if source not in meta.source.split(" + "):
                meta.source = f"{meta.source} + {source}"[:200]
            if updated is not None and (meta.updated is None or updated > meta.updated):
                meta.updated = updated
        return SaveResult(len(new_rows), len(changed_rows), same)

    def known_ids(self, ids: Iterable[str]) -> set[str]:
        wanted = list(ids)
        found: set[str] = set()
        with Session(self.engine) as session:
            for start in range(0, len(wanted), 500):
                found.update(
                    session.scalars(
                        select(TrialRow.nct_id).where(
                            TrialRow.nct_id.in_(wanted[start : start + 500])
                        )
                    )
                )
        return found

    def count(self) -> int:
        with Session(self.engine) as session:
            return session.scalar(select(func.count()).select_from(TrialRow)) or 0

    def get(self, nct_id: str) -> Trial:
        with Session(self.engine) as session:
            row = session.scalars(
                select(TrialRow).where(TrialRow.nct_id == nct_id.strip().upper())
            ).one_or_none()
            if row is None:
                raise NotFound("stored trial", nct_id)
            return Trial.model_validate_json(row.content)

    def load_catalog(self) -> Catalog:
        """Every stored trial (by NCT id) with the catalog's source and date."""
        with Session(self.engine) as session:
            contents = session.scalars(select(TrialRow.content).order_by(TrialRow.nct_id)).all()
            meta = session.get(CatalogMeta, _META_ID)
            source = meta.source if meta else "empty store"
            updated = meta.updated if meta else None
        return Catalog([Trial.model_validate_json(c) for c in contents], source, updated)

    def content_digest(self) -> str:
        """SHA-256 of every stored trial's id and JSON, in id order: the same text gives
        the same catalog (the key of the prepared catalog kept on disk). Reads the text
        only: no trial is validated."""
        import hashlib

        digest = hashlib.sha256()
        with Session(self.engine) as session:
            rows = session.execute(
                select(TrialRow.nct_id, TrialRow.content).order_by(TrialRow.nct_id)
            )
            for nct_id, content in rows:
                digest.update(f"{nct_id}\0{len(content)}\0".encode())
                digest.update(content.encode("utf-8"))
        return digest.hexdigest()

    def load_catalog_meta(self) -> dict[str, Any]:
        """`{"source", "trials", "updated"}` without reading every trial."""
        with Session(self.engine) as session:
            meta = session.get(CatalogMeta, _META_ID)
            count = session.scalar(select(func.count()).select_from(TrialRow)) or 0
            return {
                "source": meta.source if meta else "empty store",
                "trials": count,
                "updated": meta.updated.isoformat() if meta and meta.updated else None,
            }

    def search(self, query: str, limit: int = 20, mode: Mode = "any") -> list[SearchHit]:
        return search_store(self.engine, query, limit, mode)

    # -- sync progress --------------------------------------------------------------------

    def sync_progress(self, name: str) -> SyncProgress | None:
        with Session(self.engine) as session:
            row = session.get(SyncState, name)
            if row is None:
                return None
            return SyncProgress(
                row.name,
                json.loads(row.query),
                row.page_token,
                row.pages_done,
                row.studies_done,
                row.started_on,
                row.completed_on,
            )

    def save_sync_progress(self, progress: SyncProgress, session: Session | None = None) -> None:
        """Record sync progress (inside the caller's `session` when given, so a page's
        studies and the token of the next page are committed together)."""
        if session is None:
            with Session(self.engine) as own, own.begin():
                self._save_progress(own, progress)
        else:
            self._save_progress(session, progress)

    @staticmethod
    def _save_progress(session: Session, progress: SyncProgress) -> None:
        row = session.get(SyncState, progress.name)
        values = {
            "query": json.dumps(progress.query, sort_keys=True),
            "page_token": progress.page_token,
            "pages_done": progress.pages_done,
            "studies_done": progress.studies_done,
            "started_on": progress.started_on,
            "completed_on": progress.completed_on,
        }
        if row is None:
            session.add(SyncState(name=progress.name, **values))
        else:
            for key, value in values.items():
                setattr(row, key, value)


def open_trial_store(settings: Any = None) -> TrialStore:
    """The trial store for these settings (default: the environment's), migrated to head."""
    from nextline.settings import Settings
    from nextline.store import open_engine

    return TrialStore(open_engine(settings or Settings()))
