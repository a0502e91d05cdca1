"""The bundled offline catalog: the real snapshot of January 2026, with its attribution."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest

from nextline.errors import NotFound
from nextline.trials import Catalog, Trial, load_default_catalog
from nextline.trials.catalog import DATA_DIR, DEFAULT_SNAPSHOT, is_breast_trial, load_catalog

# `../shared` beside the repository, as CI and the developers' machines lay it out
SHARED_SNAPSHOT = (
    Path(__file__).resolve().parents[3]
    / "shared/data/ctgov/jwlieb_oncology_trials_2026-01.jsonl.gz"
)


def test_default_catalog_holds_every_snapshot_trial_with_its_metadata() -> None:
    catalog = load_default_catalog()
    assert len(catalog.trials) == 1359
    assert catalog.metadata() == {
        "source": "ClinicalTrials.gov snapshot of 2026-01-05 (bundled)",
        "trials": 1359,
        "updated": "2026-01-05",
    }
    assert catalog.updated == dt.date(2026, 1, 5)


def test_default_catalog_statuses_and_breast_subset_match_the_source_counts() -> None:
    catalog = load_default_catalog()
    # SOURCE.md: Recruiting 1,266, Not yet recruiting 66, Enrolling by invitation 27; breast 193
    assert Counter(t.status for t in catalog.trials) == {
        "RECRUITING": 1266,
        "NOT_YET_RECRUITING": 66,
        "ENROLLING_BY_INVITATION": 27,
    }
    breast = load_default_catalog(breast_only=True)
    assert len(breast) == 193
    assert all(is_breast_trial(t) for t in breast.trials)


def test_default_catalog_breast_phases_match_the_source_counts() -> None:
    # SOURCE.md: Phase 1 51, Phase 1/2 26, Phase 2 42, Phase 3 18, Early Phase 1 3,
    # N/A 26, none given 27
    phases = Counter(tuple(t.phases) for t in load_default_catalog(breast_only=True).trials)
    assert phases == {
        ("PHASE1",): 51,
        ("PHASE1", "PHASE2"): 26,
        ("PHASE2",): 42,
        ("PHASE3",): 18,
        ("EARLY_PHASE1",): 3,
        ("NA",): 26,
        (): 27,
    }


def test_every_default_trial_has_eligibility_text_and_a_title() -> None:
    catalog = load_default_catalog()
    empty = [t.nct_id for t in catalog.trials if not t.eligibility_text.strip() or not t.title]
    assert empty == []


def test_catalog_lookup_by_nct_id_is_case_insensitive_and_unknown_ids_say_so() -> None:
    catalog = load_default_catalog()
    trial = catalog.get("nct05696626")
    assert trial.nct_id == "NCT05696626"
    assert "NCT05696626" in catalog
    assert "NCT00000000" not in catalog
    with pytest.raises(NotFound) as caught:
        catalog.get("NCT00000000")
    assert str(caught.value) == "no trial with id 'NCT00000000'"


def test_catalog_filter_keeps_order_and_metadata() -> None:
    catalog = Catalog(
        [Trial(nct_id="NCT00000002", title="b"), Trial(nct_id="NCT00000001", title="a")],
        "test",
        dt.date(2026, 2, 1),
    )
    kept = catalog.filter(["nct00000001", "NCT00000002"])
    assert [t.nct_id for t in kept.trials] == ["NCT00000002", "NCT00000001"]
    assert kept.metadata() == {"source": "test", "trials": 2, "updated": "2026-02-01"}


def test_bundled_snapshot_is_a_byte_copy_of_the_shared_one_with_attribution() -> None:
    bundled = hashlib.sha256(DEFAULT_SNAPSHOT.read_bytes()).hexdigest()
    if SHARED_SNAPSHOT.exists():  # users' machines have no ../shared; the attribution still counts
        assert hashlib.sha256(SHARED_SNAPSHOT.read_bytes()).hexdigest() == bundled
    attribution = (DATA_DIR / "ATTRIBUTION.md").read_text()
    for needed in (
        "ClinicalTrials.gov",
        "National Library of Medicine",
        "jwlieb/clinical-trial-agent",
        "387df1768929a7cefaa15dfbd4d9ca3dcddd3fde",
        "2026-01-05",
    ):
        assert needed in attribution


def test_bundled_snapshot_rows_all_carry_a_breast_flag_that_agrees_with_ours() -> None:
    with gzip.open(DEFAULT_SNAPSHOT, "rt") as lines:
        flags = {row["nct_id"]: row["_breast"] for row in map(json.loads, lines)}
    ours = {t.nct_id: is_breast_trial(t) for t in load_default_catalog().trials}
    assert ours == flags


def test_load_catalog_uses_the_bundled_one_until_the_store_holds_trials() -> None:
    from nextline.trials.store import open_trial_store

    assert load_catalog().metadata()["trials"] == 1359
    open_trial_store().save_trials(
        [Trial(nct_id="NCT90000001", title="Stored")], "file mine.json", None
    )
    assert load_catalog().metadata() == {
        "source": "file mine.json",
        "trials": 1,
        "updated": None,
    }
