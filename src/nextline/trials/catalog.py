"""The trial catalog: the studies the matcher runs over, with where they came from and when.

`load_default_catalog()` reads the snapshot bundled in `trials/data/` (1,359 recruiting
oncology trials pulled from ClinicalTrials.gov API v2 on 2026-01-05; see
`trials/data/ATTRIBUTION.md`), so matching works with no network and no database.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nextline.trials.catalog_model import Catalog
from nextline.trials.models import Trial

if TYPE_CHECKING:
    from nextline.trials.store import TrialStore

__all__ = [
    "DATA_DIR",
    "DEFAULT_SNAPSHOT",
    "DEFAULT_SOURCE",
    "DEFAULT_UPDATED",
    "Catalog",
    "find_trial",
    "is_breast_trial",
    "load_catalog",
    "load_default_catalog",
    "snapshot_key",
    "stored_trials",
]

DATA_DIR = Path(__file__).parent / "data"
DEFAULT_SNAPSHOT = DATA_DIR / "ctgov_oncology_2026-01.jsonl.gz"
DEFAULT_SOURCE = "ClinicalTrials.gov snapshot of 2026-01-05 (bundled)"
DEFAULT_UPDATED = dt.date(2026, 1, 5)


def is_breast_trial(trial: Trial) -> bool:
    """Whether "breast" appears in the conditions or title (the snapshot's own `_breast` test)."""
    return "breast" in trial.title.lower() or any("breast" in c.lower() for c in trial.conditions)


@functools.cache
def _default_trials() -> tuple[Trial, ...]:
    """The bundled snapshot's trials, read once and then kept as a pickle in the cache folder
    (`knowledge.cache.cached_as`): reading the JSON through the loaders costs about 0.3 s,
    the pickle a fifth of that. Keyed by the snapshot's bytes and the code that reads it."""
    from nextline.knowledge.cache import cached_as
    from nextline.trials.loaders import read_trials

    def read() -> tuple[Trial, ...]:
        return tuple(read_trials(DEFAULT_SNAPSHOT, source=DEFAULT_SOURCE))

    try:
        key = _snapshot_key()
    except OSError:
        return read()
    return cached_as("trial-snapshot", key, tuple, read)


def snapshot_key() -> str:
    """The key of the bundled snapshot as read: its bytes and the code that reads it."""
    return _snapshot_key()


def _snapshot_key() -> str:
    import hashlib
    import sys

    import pydantic

    digest = hashlib.sha256(f"{sys.version}|{pydantic.VERSION}|{DEFAULT_SOURCE}".encode())
    here = Path(__file__).parent
    for path in [DEFAULT_SNAPSHOT, here / "models.py", *sorted((here / "loaders").glob("*.py"))]:
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def load_default_catalog(breast_only: bool = False) -> Catalog:
    """The bundled offline catalog (read once per process, then shared)."""
    trials = list(_default_trials())
    if breast_only:
        trials = [t for t in trials if is_breast_trial(t)]
    return Catalog(trials, DEFAULT_SOURCE, DEFAULT_UPDATED)


def stored_trials(settings: Any = None) -> TrialStore | None:
    """The trial store when it holds trials; None otherwise. A SQLite file that does not
    exist yet holds nothing, so it is not created (or migrated) just to find that out."""
    if settings is None:
        from nextline.store.quick_read import trial_count

        if trial_count() == 0:  # the embedded catalog is empty: no need for SQLAlchemy
            return None
    from nextline.settings import Settings

    settings = settings or Settings()
    url: str = settings.effective_database_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return None
    from nextline.trials.store import open_trial_store

    store = open_trial_store(settings)
    return store if store.count() > 0 else None


def load_catalog(settings: Any = None) -> Catalog:
    """The catalog to use: the stored one when it holds trials (after `nextline trials load`
    or `sync`), else the bundled offline snapshot."""
    stored = stored_trials(settings)
    return stored.load_catalog() if stored is not None else load_default_catalog()


def find_trial(nct_id: str, settings: Any = None) -> Trial:
    """One trial from the catalog `load_catalog` would give, without loading all of it."""
    stored = stored_trials(settings)
    if stored is not None:
        return stored.get(nct_id)
    return load_default_catalog().get(nct_id)
