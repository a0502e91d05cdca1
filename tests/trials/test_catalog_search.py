"""Full-text search without a store: the in-memory FTS5 index over any catalog."""

from __future__ import annotations

from nextline.trials import Trial, load_default_catalog
from nextline.trials.search import MemoryIndex, fts5_query, query_terms


def test_query_terms_split_on_spaces_and_punctuation_inside_a_term() -> None:
    assert query_terms("HER2-low  ESR1 ; T-DXd") == [["her2", "low"], ["esr1"], ["t", "dxd"]]
    assert fts5_query("HER2-low ESR1") == '"her2 low" OR "esr1"'
    assert fts5_query("HER2-low ESR1", "all") == '"her2 low" AND "esr1"'
    assert fts5_query('" OR *') == '"or"'  # a word to look for, never an operator
    assert fts5_query('";* ') is None


def test_memory_index_weights_the_title_above_the_criteria() -> None:
    index = MemoryIndex(
        [
            Trial(nct_id="NCT90000001", title="x", eligibility_text="capecitabine before"),
            Trial(nct_id="NCT90000002", title="Capecitabine study"),
        ]
    )
    assert [h.nct_id for h in index.search("capecitabine")] == ["NCT90000002", "NCT90000001"]


def test_memory_index_stems_words() -> None:
    index = MemoryIndex([Trial(nct_id="NCT90000001", title="Metastases of the brain")])
    assert [h.nct_id for h in index.search("metastasis brains")] != []
    assert [h.nct_id for h in index.search("brains")] == ["NCT90000001"]


def test_memory_index_over_the_bundled_catalog_finds_esr1_trials() -> None:
    catalog = load_default_catalog()
    index = MemoryIndex(catalog.trials)
    assert index.size == 1359
    hits = index.search("ESR1", limit=50)
    assert len(hits) >= 4  # SOURCE.md: ESR1 is named in 4 breast trials' criteria alone
    for hit in hits:
        trial = catalog.get(hit.nct_id)
        blob = " ".join(
            [
                trial.title,
                *trial.conditions,
                *trial.interventions,
                trial.summary or "",
                trial.eligibility_text,
            ]
        )
        assert "esr1" in blob.lower()
    scores = index.scores("ESR1")
    assert sorted(scores) == sorted(h.nct_id for h in hits)
