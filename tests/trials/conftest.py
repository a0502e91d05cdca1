"""Fixtures for the trial catalog tests: a fresh trial store per test, on SQLite and (when
`scripts/with-postgres` provides one) on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from nextline.settings import Settings
from nextline.trials.catalog_model import Catalog
from nextline.trials.store import TrialStore, open_trial_store

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def trial_store(database_url: str | None) -> Iterator[TrialStore]:
    store = open_trial_store(Settings(database_url=database_url) if database_url else None)
    yield store
    store.engine.dispose()


@pytest.fixture
def sqlite_trial_store() -> TrialStore:
    return open_trial_store()


def serve_catalog(monkeypatch: pytest.MonkeyPatch, catalog: Catalog) -> None:
    """Make `catalog` the one every command reads, in place of the bundled snapshot: as
    `load_catalog` gives it, and as the prepared catalog kept on disk is keyed (by its
    content, as the bundled snapshot is by its bytes)."""
    import hashlib

    from nextline.trials import catalog as catalog_module

    digest = hashlib.sha256(f"{catalog.source}|{catalog.updated}".encode())
    for trial in catalog.trials:
        digest.update(trial.model_dump_json().encode())
    monkeypatch.setattr(catalog_module, "load_catalog", lambda settings=None: catalog)
    monkeypatch.setattr(catalog_module, "load_default_catalog", lambda breast_only=False: catalog)
    monkeypatch.setattr(catalog_module, "snapshot_key", digest.hexdigest)
