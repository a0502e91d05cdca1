"""The catalog in the store: all-or-nothing saves, replace-on-change, full-text search, on
SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import inspect, text

from nextline.errors import NotFound
from nextline.store import create_db_engine, migrate
from nextline.trials import Trial, load_default_catalog
from nextline.trials.store import SyncProgress, TrialStore


def _trial(nct_id: str, title: str, **kwargs: object) -> Trial:
    return Trial.model_validate({"nct_id": nct_id, "title": title, **kwargs})


def test_saved_catalog_loads_back_equal(trial_store: TrialStore) -> None:
    catalog = load_default_catalog(breast_only=True)
    result = trial_store.save_trials(catalog.trials, catalog.source, catalog.updated)
    assert (result.added, result.updated, result.unchanged) == (193, 0, 0)
    loaded = trial_store.load_catalog()
    assert loaded.trials == sorted(catalog.trials, key=lambda t: t.nct_id)
    assert loaded.metadata() == catalog.metadata()
    assert trial_store.count() == 193


def test_saving_again_changes_only_what_changed(trial_store: TrialStore) -> None:
    first = [_trial("NCT90000001", "One", status="RECRUITING"), _trial("NCT90000002", "Two")]
    trial_store.save_trials(first, "a", dt.date(2026, 1, 1))
    second = [_trial("NCT90000001", "One", status="COMPLETED"), _trial("NCT90000002", "Two")]
    result = trial_store.save_trials(second, "a", dt.date(2025, 12, 1))
    assert (result.added, result.updated, result.unchanged) == (0, 1, 1)
    assert trial_store.get("NCT90000001").status == "COMPLETED"
    # an older date never moves the catalog's "updated" backwards
    assert trial_store.load_catalog().updated == dt.date(2026, 1, 1)


def test_catalog_source_names_every_origin_once(trial_store: TrialStore) -> None:
    trial_store.save_trials([_trial("NCT90000001", "One")], "file a.json", None)
    trial_store.save_trials([_trial("NCT90000002", "Two")], "API", None)
    trial_store.save_trials([_trial("NCT90000003", "Three")], "file a.json", None)
    assert trial_store.load_catalog().source == "file a.json + API"


def test_a_failed_save_stores_nothing(trial_store: TrialStore) -> None:
    trials = [_trial("NCT90000001", "One"), _trial("NCT90000001", "Same id again")]
    with pytest.raises(Exception):  # noqa: B017 - the database's unique constraint
        trial_store.save_trials(trials, "dup", None)
    assert trial_store.count() == 0


def test_get_unknown_trial_says_which(trial_store: TrialStore) -> None:
    with pytest.raises(NotFound) as caught:
        trial_store.get("NCT00000000")
    assert str(caught.value) == "no stored trial with id 'NCT00000000'"


def test_search_ranks_title_matches_first_and_sees_later_edits(trial_store: TrialStore) -> None:
    trial_store.save_trials(
        [
            _trial("NCT90000001", "Fulvestrant for ESR1-mutated breast cancer"),
            _trial(
                "NCT90000002",
                "A basket study in solid tumours",
                eligibility_text="Inclusion: ESR1 mutation allowed",
            ),
            _trial("NCT90000003", "Lung cancer study", conditions=["Lung Cancer"]),
        ],
        "t",
        None,
    )
    assert [h.nct_id for h in trial_store.search("ESR1")] == ["NCT90000001", "NCT90000002"]
    assert [h.nct_id for h in trial_store.search("lung")] == ["NCT90000003"]
    assert trial_store.search("PIK3CA") == []
    trial_store.save_trials(
        [_trial("NCT90000003", "Lung cancer study with PIK3CA", conditions=["Lung Cancer"])],
        "t",
        None,
    )
    assert [h.nct_id for h in trial_store.search("pik3ca")] == ["NCT90000003"]
    assert [h.nct_id for h in trial_store.search("ESR1 lung", mode="all")] == []
    any_hits = trial_store.search("ESR1 lung", mode="any")
    assert sorted(h.nct_id for h in any_hits) == ["NCT90000001", "NCT90000002", "NCT90000003"]


def test_search_of_real_catalog_finds_her2_low_trials(trial_store: TrialStore) -> None:
    catalog = load_default_catalog(breast_only=True)
    trial_store.save_trials(catalog.trials, catalog.source, catalog.updated)
    hits = trial_store.search("HER2-low", limit=5, mode="all")
    assert len(hits) == 5
    for hit in hits:
        trial = catalog.get(hit.nct_id)
        text_ = " ".join(
            [trial.title, *trial.conditions, trial.summary or "", trial.eligibility_text]
        )
        assert "her2-low" in text_.lower() or "her2 low" in text_.lower()


def test_search_ignores_query_syntax(trial_store: TrialStore) -> None:
    trial_store.save_trials([_trial("NCT90000001", "Breast cancer")], "t", None)
    assert [h.nct_id for h in trial_store.search('breast" OR NEAR(*')] == ["NCT90000001"]
    assert trial_store.search("  ;;  ") == []


def test_sync_progress_round_trips(trial_store: TrialStore) -> None:
    assert trial_store.sync_progress("ctgov") is None
    progress = SyncProgress(
        "ctgov", {"query.cond": "breast cancer"}, "tok", 3, 300, dt.date(2026, 2, 1), None
    )
    trial_store.save_sync_progress(progress)
    assert trial_store.sync_progress("ctgov") == progress


def test_migration_creates_the_index_and_downgrades_cleanly(tmp_path: object) -> None:
    from alembic import command

    from nextline.store.engine import _alembic_config

    url = f"sqlite:///{tmp_path}/m.db"
    engine = create_db_engine(url)
    migrate(engine)
    names = set(inspect(engine).get_table_names())
    assert {"trials", "trial_catalog", "trial_sync", "trials_fts"} <= names
    with engine.begin() as connection:
        triggers = connection.execute(
            text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'trials' ORDER BY name"
            )
        ).scalars()
        assert list(triggers) == ["trials_fts_ad", "trials_fts_au"]
    config = _alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection  # type: ignore[attr-defined]
        command.downgrade(config, "0001_people")
    names = set(inspect(engine).get_table_names())
    assert not names & {"trials", "trial_catalog", "trial_sync", "trials_fts"}
    assert {"people", "record_versions"} <= names
