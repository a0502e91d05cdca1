"""What every request handler shares: the store, the knowledge base and the as-of date."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nextline.knowledge import Knowledge
    from nextline.record import PatientFile, PatientRecord
    from nextline.settings import Settings
    from nextline.store import RecordStore


@dataclass(frozen=True)
class TrialData:
    """The catalog as read, its parsed criteria, and what the matcher takes for all trials
    and for the breast cancer trials (a prepared catalog when the build has one)."""

    catalog: Any
    parsed: dict[str, Any]
    everything: Any
    breast: Any


def _read_trials(settings: Settings, kb: Knowledge) -> TrialData:
    from nextline.trials.catalog import is_breast_trial, load_catalog
    from nextline.trials.eligibility.cache import parsed_criteria

    catalog = load_catalog(settings)
    parsed = parsed_criteria(catalog.trials, kb, settings.data_dir)
    breast = [t for t in catalog.trials if is_breast_trial(t)]
    try:
        from nextline.trials.prepared import prepare_catalog
    except ImportError:
        return TrialData(catalog, parsed, list(catalog.trials), breast)
    return TrialData(
        catalog,
        parsed,
        prepare_catalog(catalog.trials, kb, parsed),
        prepare_catalog(breast, kb, parsed),
    )


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

    def trial_catalog(self, kb: Knowledge) -> tuple[Any, dict[str, Any]]:
        """The trial catalog in use and each trial's parsed criteria, read once."""
        data = self.trial_data(kb)
        return data.catalog, data.parsed

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

    def forget_trials(self) -> None:
        """Read the catalog again on next use (after a sync)."""
        with self._trials_lock:
            self._trials = None
            self.remembered_matches.clear()

    def record(self, person_id: str) -> PatientRecord:
        """The latest stored version, normalised as of today."""
        from nextline.record import build_record

        return build_record(self.file(person_id), self.kb, self.today())
