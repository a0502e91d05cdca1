"""The bundled snapshot kept as a pickle gives the same trials as reading it, and the
"is there a stored catalog?" question is answered without SQLAlchemy when the store is
the embedded one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nextline.cli import app
from nextline.knowledge import cache
from nextline.store.quick_read import trial_count
from nextline.trials import catalog
from nextline.trials.loaders import read_trials

runner = CliRunner()
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _fresh_memo() -> Iterator[None]:
    catalog._default_trials.cache_clear()
    yield
    catalog._default_trials.cache_clear()


def _snapshot_files() -> list[Path]:
    return sorted(cache.cache_folder().glob("trial-snapshot-*.pickle"))


def test_the_kept_snapshot_equals_a_fresh_read() -> None:
    fresh = tuple(read_trials(catalog.DEFAULT_SNAPSHOT, source=catalog.DEFAULT_SOURCE))
    cold = catalog._default_trials()
    assert len(_snapshot_files()) == 1
    catalog._default_trials.cache_clear()
    warm = catalog._default_trials()
    assert cold == fresh
    assert warm == fresh
    assert len(warm) == 1359


def test_a_changed_key_reads_the_snapshot_again(monkeypatch: pytest.MonkeyPatch) -> None:
    catalog._default_trials()
    [old] = _snapshot_files()
    catalog._default_trials.cache_clear()
    monkeypatch.setattr(catalog, "_snapshot_key", lambda: "f" * 64)
    assert len(catalog._default_trials()) == 1359
    [new] = _snapshot_files()
    assert new != old and not old.exists()


def test_a_damaged_snapshot_pickle_is_read_again() -> None:
    catalog._default_trials()
    [path] = _snapshot_files()
    path.write_bytes(path.read_bytes()[:1000])
    catalog._default_trials.cache_clear()
    assert len(catalog._default_trials()) == 1359


def test_trial_count_reads_the_embedded_catalog(tmp_path: Path) -> None:
    assert trial_count() is None  # no database yet: the ordinary path decides
    assert catalog.stored_trials() is None
    assert not (tmp_path / "home" / "nextline.db").exists()
    runner.invoke(app, ["list"])  # creates the database
    assert trial_count() == 0
    assert catalog.stored_trials() is None
    result = runner.invoke(app, ["trials", "load", str(FIXTURES / "snapshot_3.jsonl")])
    assert result.exit_code == 0, result.output
    assert trial_count() == 3
    stored = catalog.stored_trials()
    assert stored is not None and stored.count() == 3
