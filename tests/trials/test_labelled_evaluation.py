"""The hand-labelled evaluation (bench/trials_eval): the labels are complete and well formed,
the BM25 baseline ranks by term weight, and the matcher meets the issue's bar on them."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from tests.bench_scripts import load_bench


def _bench() -> ModuleType:
    module = load_bench("bench_trials_eval.py")
    return module


def test_every_labelled_pair_has_a_label_and_a_reason() -> None:
    bench = _bench()
    _, labels = bench.load_labels()
    assert len(labels) >= 30
    people = {p for per in labels.values() for p in per}
    assert len(people) >= 10
    gaps = [
        f"{nct}/{p}"
        for nct, per in labels.items()
        for p, (label, why) in per.items()
        if label not in ("compatible", "unknown", "incompatible") or len(why) < 10
    ]
    assert gaps == []


def test_labels_for_an_unknown_person_are_refused(tmp_path: Path) -> None:
    bench = _bench()
    path = tmp_path / "labels.yaml"
    path.write_text(
        "as_of: 2026-01-15\ntrials:\n  NCT1:\n    default: [incompatible, x]\n"
        "    people:\n      p99: [compatible, y]\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="p99"):
        bench.load_labels(path)


def test_bm25_ranks_the_document_with_the_rarer_query_term_first() -> None:
    bench = _bench()
    docs = {
        "a": "breast cancer breast cancer metastatic",
        "b": "breast cancer esr1 mutation",
        "c": "lung cancer",
    }
    assert bench.bm25_rank(["esr1", "breast"], docs) == ["b", "a", "c"]


def test_the_matcher_meets_the_bar_on_the_hand_labels() -> None:
    """Issue 18's bar: no incompatible trial likely eligible, >= 90 % of compatible trials
    listed, >= 75 % of each top k compatible on average, and better than BM25."""
    bench = _bench()
    total = bench.summary(bench.evaluate())
    assert total["likely_incompatible"] == 0
    assert total["recall"] >= 0.9
    assert total["top_k_mean"] >= 0.75
    assert total["top_k_mean"] > total["bm25_top_k_mean"]
