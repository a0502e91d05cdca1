"""What every request handler shares: the store, the knowledge base, the as-of date, and
what has already been computed for a person: in this process (`web.view_cache`), and the
dashboard any process computed today, kept in the database (`store.views`)."""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from nextline.web.view_cache import DEFAULT_SIZE, LruCache, ViewKey, version_digest

if TYPE_CHECKING:
    from nextline.knowledge import Knowledge
    from nextline.record import PatientFile, PatientRecord
    from nextline.settings import Settings
    from nextline.store import RecordStore, VersionInfo
    from nextline.store.views import PageRows, StoredPageKey, StoredViewKey, ViewRows
    from nextline.trials.prepared import PreparedCatalog
    from nextline.web.dashboard_view import DashboardView
    from nextline.web.page_cache import KeptPage, PageKey


def _page_cache() -> LruCache[PageKey, KeptPage]:
    from nextline.web.page_cache import new_cache

    return new_cache()


@dataclass(frozen=True)
class TrialData:
    """The catalog in use, prepared for matching: all its trials, and the breast cancer
    trials the briefing uses."""

    catalog: dict[str, Any]  # {"source", "trials", "updated"}, as `trials match --json` says
    everything: PreparedCatalog
    breast: PreparedCatalog


def _read_trials(settings: Settings, kb: Knowledge) -> TrialData:
    """The prepared catalog `nextline trials match` reads too (`trials.prepared_cache`):
    kept on disk, so a server start reads it in a fraction of a second, and only the first
    start after a sync or an upgrade prepares it (once, for every process and command)."""
    from nextline.trials.prepared_cache import ready_catalog

    ready = ready_catalog(kb, settings)
    prepared = ready.prepared
    return TrialData(ready.metadata, prepared, prepared.keep(lambda plan: plan.for_breast))


@functools.cache
def _latest_query() -> Any:
    """The person's latest version with its row, one indexed query (people by primary key,
    record_versions by its unique (person_id, version)); built once, as building a
    statement costs more than running it."""
    from sqlalchemy import bindparam, select

    from nextline.store.tables import Person, RecordVersion

    return (
        select(
            Person.latest_version,
            RecordVersion.created_at,
            RecordVersion.note,
            RecordVersion.content,
        )
        .join(
            RecordVersion,
            (RecordVersion.person_id == Person.id)
            & (RecordVersion.version == Person.latest_version),
        )
        .where(Person.id == bindparam("person_id"))
    )


@dataclass(frozen=True)
class Latest:
    """A person's latest stored version as one query reads it: the view cache's key, the
    undo box's "last change", and the stored text the record is built from."""

    key: ViewKey
    content: str
    last_change: VersionInfo | None  # None for a record with one version (nothing to undo)


@dataclass
class PersonViews:
    """What was computed for one key: the record, the red flags every page of the person
    shows (`web.flag_banner`), and the dashboard once it was shown."""

    record: PatientRecord
    dashboard: DashboardView | None = None
    red_flags: tuple[Any, ...] | None = None


@dataclass
class WebState:
    """One app's resources. `as_of` pins "today" (tests, demos); None means the real date."""

    settings: Settings
    store: RecordStore
    as_of: dt.date | None = None
    _kb: Knowledge | None = field(default=None, repr=False)
    _trials: TrialData | None = field(default=None, repr=False)
    _trials_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _kb_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # guards `_warming` only: never held while the catalog is read, so a page asking
    # "is it ready?" answers at once instead of waiting for the read to finish
    _warm_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _warming: bool = field(default=False, repr=False)
    # person id -> the trials page's last match, for the dashboard (web/trial_changes.py)
    remembered_matches: dict[str, Any] = field(default_factory=dict, repr=False)
    # (person, version, digest, date, knowledge) -> computed record and dashboard
    views: LruCache[ViewKey, PersonViews] = field(
        default_factory=lambda: LruCache(DEFAULT_SIZE), repr=False
    )
    # (view key, viewer, trials box) -> the dashboard page as drawn (web/page_cache.py)
    pages: LruCache[PageKey, KeptPage] = field(default_factory=lambda: _page_cache(), repr=False)
    # the dashboards kept in the database (`kept_views`), opened at first use
    _view_rows: ViewRows | None = field(default=None, repr=False)
    _view_rows_opened: bool = field(default=False, repr=False)
    _page_rows: PageRows | None = field(default=None, repr=False)
    # tests only: stands in for `web.view_cache.code_key()` (a new release or knowledge)
    view_code: str | None = field(default=None, repr=False)

    @property
    def kb(self) -> Knowledge:
        if self._kb is None:
            # one read, however many requests (and the start-up warm-up) ask at once
            with self._kb_lock:
                if self._kb is None:
                    from nextline.knowledge import load_knowledge

                    self._kb = load_knowledge()
        return self._kb

    def today(self) -> dt.date:
        return self.as_of or dt.date.today()

    def file(self, person_id: str) -> PatientFile:
        """The latest stored version (`NotFound` when there is no such person)."""
        return self.store.get(person_id)

    def trial_catalog(self, kb: Knowledge) -> dict[str, Any]:
        """The trial catalog in use described (`{"source", "trials", "updated"}`), read once."""
        return self.trial_data(kb).catalog

    def trial_data(self, kb: Knowledge) -> TrialData:
        """The catalog, parsed once and, where the build can, prepared for fast matching
        (all trials, and the breast cancer ones the briefing uses)."""
        with self._trials_lock:
            if self._trials is None:
                self._trials = _read_trials(self.settings, kb)
            return self._trials

    def trials_ready(self) -> bool:
        return self._trials is not None

    def warm_trials(self, kb: Knowledge) -> None:
        """Start reading the catalog in the background (once), so pages never wait on it."""
        with self._warm_lock:
            if self._trials is not None or self._warming:
                return
            self._warming = True

        def _read() -> None:
            try:
                self.trial_catalog(kb)
            finally:
                self._warming = False

        threading.Thread(target=_read, name="nextline-trials", daemon=True).start()

    def warm_up(self) -> None:
        """At start-up: read the knowledge base, then the catalog, in the background, so
        the first trials page (about 5 s of reading otherwise) finds them ready. A page
        that needs the catalog while it is being read waits for that read (`trial_data`
        holds the lock), never starts a second one."""

        def _read() -> None:
            self.warm_trials(self.kb)

        threading.Thread(target=_read, name="nextline-warm-up", daemon=True).start()

    def forget_person(self, person_id: str) -> None:
        """After a delete: what is kept beside the store about this person goes too (the
        trials last matched, and the match remembered in this process), so a later record
        under the same id shows none of it. (The store removes what is in the database and
        in its own cache folders: `RecordStore.delete`.)"""
        from nextline.trials.history import forget_snapshot

        self.remembered_matches.pop(person_id, None)
        forget_snapshot(self.settings.data_dir, person_id)

    def forget_trials(self) -> None:
        """Read the catalog again on next use (after a sync)."""
        with self._trials_lock:
            self._trials = None
            self.remembered_matches.clear()

    def latest(self, person_id: str) -> Latest:
        """The latest stored version, read with one indexed query (`NotFound` when there is
        no such person). Read on every request that looks in the view cache, so a save from
        any server process changes the key at once."""
        from nextline.errors import NotFound
        from nextline.store import VersionInfo

        with self.store.engine.connect() as connection:
            row = connection.execute(_latest_query(), {"person_id": person_id}).one_or_none()
        if row is None:
            raise NotFound("person", person_id)
        version, created_at, note, content = row
        key = ViewKey(
            person_id,
            int(version),
            version_digest(content, note, created_at),
            self.today(),
            id(self.kb),
        )
        last = VersionInfo(int(version), created_at, note) if version >= 2 else None
        return Latest(key, content, last)

    def kept_views(self) -> ViewRows | None:
        """The dashboards kept in the database (`store.views`); None when the data folder
        cannot hold the secret that signs them (then each process computes its own)."""
        if not self._view_rows_opened:
            from nextline.store.views import PageRows, ViewRows, view_secret

            secret = view_secret(self.settings.data_dir)
            self._view_rows = None if secret is None else ViewRows(self.store.engine, secret)
            self._page_rows = None if secret is None else PageRows(self.store.engine, secret)
            self._view_rows_opened = True
        return self._view_rows

    def kept_pages(self) -> PageRows | None:
        """The dashboard pages kept in the database (`store.views.PageRows`), with the
        views' secret; None when the data folder cannot hold it."""
        self.kept_views()
        return self._page_rows

    def stored_page_key(self, key: PageKey) -> StoredPageKey:
        """The database's key for a drawn page (`web.page_cache.PageKey`)."""
        import hashlib

        from nextline.store.views import StoredPageKey

        viewer = hashlib.sha256(repr(key.viewer).encode("utf-8")).hexdigest()
        trials = hashlib.sha256(key.trials.encode("utf-8")).hexdigest()
        return StoredPageKey(self.stored_key(key.view), viewer, trials)

    def kept_page(self, key: PageKey) -> KeptPage | None:
        """The drawn page for this key: from this process's pages, else as kept in the
        database by any process (then kept here too), else None."""
        page = self.pages.get(key)
        if page is None and (rows := self.kept_pages()) is not None:
            parts = rows.read(self.stored_page_key(key))
            if parts is not None and len(parts) > 1:
                from nextline.web.page_cache import KeptPage

                page = KeptPage(parts)
                self.pages.put(key, page)
        return page

    def keep_page(self, key: PageKey, page: KeptPage) -> None:
        """Keep a page just drawn, here and in the database (for every other process)."""
        self.pages.put(key, page)
        rows = self.kept_pages()
        if rows is not None:
            rows.write(self.stored_page_key(key), page.parts)

    def stored_key(self, key: ViewKey) -> StoredViewKey:
        """The database's key for a view: this process's key with the code key in place of
        the knowledge object (`web.view_cache.code_key`)."""
        from nextline.store.views import StoredViewKey
        from nextline.web.view_cache import code_key

        code = self.view_code or code_key()
        return StoredViewKey(key.person_id, key.version, key.digest, key.day, code)

    def views_of(self, person_id: str) -> tuple[Latest, PersonViews]:
        """The latest version and what was computed for it today: from this process's
        cache, else the dashboard kept in the database for exactly this version, date and
        code (computed by any process), else built now (the record only: the dashboard is
        built when first shown)."""
        from nextline.web.dashboard_view import KeptDashboard

        latest = self.latest(person_id)
        found = self.views.get(latest.key)
        if found is None and (rows := self.kept_views()) is not None:
            kept = rows.read(self.stored_key(latest.key))
            if isinstance(kept, KeptDashboard):
                found = PersonViews(kept.record, kept.view(), kept.red_flags)
                self.views.put(latest.key, found)
        if found is None:
            import json

            from nextline.record import build_record, validate_patient_data

            file = validate_patient_data(
                json.loads(latest.content), f"{person_id}@{latest.key.version}"
            )
            found = PersonViews(build_record(file, self.kb, latest.key.day))
            self.views.put(latest.key, found)
        return latest, found

    def record(self, person_id: str) -> PatientRecord:
        """The latest stored version, normalised as of today (built once per version and
        date in this process: the page and its red-flag banner share it)."""
        return self.views_of(person_id)[1].record

    def dashboard(self, person_id: str) -> DashboardView:
        """The dashboard's computed content for the latest version, today."""
        return self.dashboard_views(person_id).dashboard  # type: ignore[return-value]

    def dashboard_views(self, person_id: str) -> PersonViews:
        """The latest version's views with its dashboard computed (the route passes them to
        the red-flag banner too, so one request reads the latest version once)."""
        return self.latest_dashboard(person_id)[1]

    def latest_dashboard(self, person_id: str) -> tuple[Latest, PersonViews]:
        """The latest version, and its views with the dashboard computed."""
        from nextline.web.dashboard_view import build_dashboard

        latest, views = self.views_of(person_id)
        if views.dashboard is None:
            views.dashboard = build_dashboard(
                views.record, self.kb, latest.key.day, latest.last_change
            )
            rows = self.kept_views()
            if rows is not None:  # for every other process, and the next start
                from nextline.web.dashboard_view import KeptDashboard

                kept = KeptDashboard.of(views.dashboard, self.red_flags(views))
                rows.write(self.stored_key(latest.key), kept)
        return latest, views

    def keep_dashboards(self, person_ids: Iterable[str]) -> int:
        """Compute and keep today's dashboard of each of these people that has none kept for
        their latest version, today and this code (a nightly job after a sync, or the
        bench), so each one's first view in any server process is a read, not a
        computation. Returns how many were computed."""
        computed = 0
        for person_id in person_ids:
            if self.views_of(person_id)[1].dashboard is None:
                self.dashboard_views(person_id)
                computed += 1
        return computed

    def red_flags(self, views: PersonViews) -> tuple[Any, ...]:
        """The red flags of these views' record as of their date, found once per view."""
        if views.red_flags is None:
            know = self.kb.assess
            if know is None:
                views.red_flags = ()
            else:
                from nextline.assess.red_flags import find_red_flags

                found, _ = find_red_flags(views.record, know, self.today())
                views.red_flags = tuple(found)
        return views.red_flags
