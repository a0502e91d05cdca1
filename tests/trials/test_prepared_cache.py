"""The prepared catalog kept on disk (`trials/prepared_cache.py`): the same matches cold and
warm, rebuilt whenever what it was made from changes, never trusted when damaged or not
ours, private, and lazy about each trial's registry record."""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import pickle
import shutil
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nextline.cli import app
from nextline.examples import example_path
from nextline.knowledge import Knowledge, cache
from nextline.record import load_record
from nextline.settings import Settings
from nextline.trials import catalog as bundled
from nextline.trials import prepared_cache
from nextline.trials.catalog_model import Catalog
from nextline.trials.loaders import read_trials
from nextline.trials.matching import match_trials
from nextline.trials.prepared import PreparedCatalog
from nextline.trials.prepared_cache import ReadyCatalog, ready_catalog
from nextline.trials.store import open_trial_store
from tests.trials.conftest import FIXTURES
from tests.trials.test_match_output import PEOPLE, _sample

runner = CliRunner()


def _files() -> list[Path]:
    return sorted(cache.cache_folder().glob(f"{prepared_cache.CACHE_NAME}-*.pickle"))


@pytest.fixture
def small_bundle(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The bundled catalog replaced by the three-trial fixture snapshot (fast to prepare);
    returns a list that records every time it is read."""
    trials = list(read_trials(FIXTURES / "snapshot_3.jsonl", source="fixture"))
    reads: list[str] = []

    def load(breast_only: bool = False) -> Catalog:
        reads.append("read")
        return Catalog(list(trials), bundled.DEFAULT_SOURCE, bundled.DEFAULT_UPDATED)

    monkeypatch.setattr(bundled, "load_default_catalog", load)
    monkeypatch.setattr(bundled, "snapshot_key", lambda: "a" * 64)
    return reads


def _match_ids(ready: ReadyCatalog, kb: Knowledge) -> list[tuple[str, str]]:
    as_of = PEOPLE["hr-positive-esr1"]
    record = load_record(example_path("hr-positive-esr1"), kb, as_of)
    found = match_trials(record, kb, ready.prepared, as_of, include_ineligible=True)
    return [(m.trial.nct_id, m.verdict) for m in found]


def test_a_second_call_reads_the_kept_catalog_and_matches_the_same(
    small_bundle: list[str], kb: Knowledge
) -> None:
    cold = ready_catalog(kb)
    assert gc.isenabled()  # switched off only while the kept copy is read
    [path] = _files()
    warm = ready_catalog(kb)
    assert gc.isenabled()
    assert small_bundle == ["read"]  # the second call did not read the catalog
    assert (
        warm.metadata
        == cold.metadata
        == {
            "source": bundled.DEFAULT_SOURCE,
            "trials": 3,
            "updated": "2026-01-05",
        }
    )
    assert _match_ids(warm, kb) == _match_ids(cold, kb)
    assert len(_match_ids(warm, kb)) == 3
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


@pytest.mark.parametrize(
    "change",
    ["catalog", "parser version", "knowledge", "code"],
)
def test_a_change_to_what_it_was_made_from_prepares_it_again(
    change: str, small_bundle: list[str], kb: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    ready_catalog(kb)
    [old] = _files()
    if change == "catalog":
        monkeypatch.setattr(bundled, "snapshot_key", lambda: "b" * 64)
    elif change == "parser version":
        import nextline.trials.eligibility as eligibility

        monkeypatch.setattr(eligibility, "PARSER_VERSION", eligibility.PARSER_VERSION + 1)
    elif change == "knowledge":
        monkeypatch.setattr(prepared_cache, "knowledge_key", lambda: "c" * 64)
    else:
        monkeypatch.setattr(prepared_cache, "code_key", lambda: "d" * 64)
    again = ready_catalog(kb)
    assert small_bundle == ["read", "read"]
    [new] = _files()
    assert new != old and not old.exists()
    assert again.metadata["trials"] == 3


def test_the_code_key_follows_every_source_file_of_the_trials_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "trials"
    shutil.copytree(
        prepared_cache._TRIALS_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "data")
    )
    monkeypatch.setattr(prepared_cache, "_TRIALS_DIR", copy)
    before = prepared_cache.code_key()
    reader = copy / "eligibility" / "readers" / "labs.py"
    reader.write_text(reader.read_text() + "\n# a change\n")
    assert prepared_cache.code_key() != before


@pytest.mark.parametrize("damage", ["cut short", "another key", "not a catalog", "writable"])
def test_a_damaged_or_foreign_file_is_not_trusted_and_is_rebuilt(
    damage: str, small_bundle: list[str], kb: Knowledge
) -> None:
    ready_catalog(kb)
    [path] = _files()
    data = path.read_bytes()
    header_end = data.index(b"\n", len(cache.MAGIC)) + 1
    if damage == "cut short":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "another key":
        path.write_bytes(data.replace(data[len(cache.MAGIC) : header_end - 1], b"e" * 64, 1))
    elif damage == "not a catalog":
        path.write_bytes(data[:header_end] + pickle.dumps({"not": "a catalog"}))
    else:
        os.chmod(path, 0o666)
    again = ready_catalog(kb)
    assert small_bundle == ["read", "read"]
    assert again.metadata["trials"] == 3
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_stored_catalog_is_kept_by_its_content_and_a_changed_trial_is_seen(
    kb: Knowledge,
) -> None:
    settings = Settings()
    store = open_trial_store(settings)
    trials = list(read_trials(FIXTURES / "snapshot_3.jsonl", source="fixture"))
    store.save_trials(trials, "fixture file", dt.date(2026, 2, 1))
    first = ready_catalog(kb, settings)
    assert first.metadata == {"source": "fixture file", "trials": 3, "updated": "2026-02-01"}
    assert ready_catalog(kb, settings).metadata == first.metadata
    [old] = _files()
    renamed = trials[0].model_copy(update={"title": trials[0].title + " (amended)"})
    store.save_trials([renamed], "fixture file", dt.date(2026, 2, 1))
    second = ready_catalog(kb, settings)
    [new] = _files()
    assert new != old
    titles = {p.trial.nct_id: p.trial.title for p in second.prepared.plans}
    assert titles[renamed.nct_id] == renamed.title
    store.engine.dispose()


def test_a_kept_catalog_matches_byte_for_byte_like_a_fresh_one(kb: Knowledge) -> None:
    """The match output pinned in test_match_output.py, from a prepared catalog pickled and
    read back (each trial's detail unpickled only when asked for)."""
    from tests.trials.test_match_output import DIGESTS, digest

    _, fresh = _sample(kb)
    kept = pickle.loads(pickle.dumps(fresh, protocol=5))
    assert isinstance(kept, PreparedCatalog)
    assert all(p.detail._value is None for p in kept.plans)
    key = id(kb)
    from tests.trials import test_match_output

    saved = test_match_output._PREPARED[key]
    test_match_output._PREPARED[key] = (saved[0], kept)
    try:
        for person in sorted(PEOPLE):
            assert digest(person, kb) == DIGESTS[person]
    finally:
        test_match_output._PREPARED[key] = saved


def test_a_default_match_unpickles_only_the_trials_it_needs(kb: Knowledge) -> None:
    _, fresh = _sample(kb)
    kept: PreparedCatalog = pickle.loads(pickle.dumps(fresh, protocol=5))
    as_of = PEOPLE["hr-positive-esr1"]
    record = load_record(example_path("hr-positive-esr1"), kb, as_of)
    shown = match_trials(record, kb, kept, as_of, limit=5)
    [m.as_json() for m in shown]
    opened = sum(1 for p in kept.plans if p.detail._value is not None)
    assert len(shown) == 5
    assert 5 <= opened < len(kept.plans) // 2


def test_trials_match_gives_the_same_json_cold_and_warm() -> None:
    """The CLI over the bundled catalog: the first call prepares and keeps it, the second
    reads it; every byte of `--json` and of `--all --json` is the same."""
    args = ["trials", "match", str(example_path("triple-negative-brca")), "--as-of", "2024-08-25"]
    for extra in (["--json"], ["--all", "--limit", "5000", "--json"]):
        for path in _files():
            path.unlink()
        cold = runner.invoke(app, [*args, *extra])
        assert cold.exit_code == 0, cold.output
        assert len(_files()) == 1
        warm = runner.invoke(app, [*args, *extra])
        assert warm.exit_code == 0, warm.output
        assert warm.stdout == cold.stdout
        listed = len(json.loads(warm.stdout)["matches"])
        assert listed == (1359 if "--all" in extra else 20)


def test_a_catalog_without_a_key_is_prepared_each_time_and_the_collector_is_back_on(
    small_bundle: list[str], kb: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreadable() -> str:
        raise OSError("the snapshot cannot be read")

    monkeypatch.setattr(bundled, "snapshot_key", unreadable)
    assert ready_catalog(kb).metadata["trials"] == 3
    assert ready_catalog(kb).metadata["trials"] == 3
    assert small_bundle == ["read", "read"]
    assert _files() == []
    assert gc.isenabled()
