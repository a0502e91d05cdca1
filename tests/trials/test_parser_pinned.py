"""The parser's output for a fixed sample of the bundled catalog, pinned: a refactor of the
readers must not change what any criterion means. A deliberate change of reading updates
the pinned file (run this module: `.venv/bin/python -m tests.trials.test_parser_pinned`)
and the diff shows which trials read differently."""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from nextline.knowledge import Knowledge, load_knowledge
from nextline.trials.catalog import load_default_catalog
from nextline.trials.eligibility import parse_trial
from nextline.trials.models import Trial

PINNED = Path(__file__).parent / "fixtures" / "parsed_sample.json.gz"
SAMPLE_SIZE = 200


def _sample() -> list[Trial]:
    """A spread of the bundled catalog that does not depend on its order: the trials whose
    hashed NCT id is smallest."""
    trials = load_default_catalog().trials
    ranked = sorted(trials, key=lambda t: hashlib.sha256(t.nct_id.encode()).hexdigest())
    return ranked[:SAMPLE_SIZE]


def _parsed(trial: Trial, kb: Knowledge) -> Any:
    return parse_trial(trial, kb).model_dump(mode="json", exclude_defaults=True)


def test_the_sample_reads_as_pinned(kb: Knowledge) -> None:
    with gzip.open(PINNED, "rt", encoding="utf-8") as handle:
        pinned: dict[str, Any] = json.load(handle)
    sample = _sample()
    assert sorted(pinned) == sorted(t.nct_id for t in sample)
    changed = [t.nct_id for t in sample if _parsed(t, kb) != pinned[t.nct_id]]
    assert changed == [], f"{len(changed)} trials read differently: {changed[:20]}"


def test_the_sample_holds_criteria_of_every_reader_family() -> None:
    with gzip.open(PINNED, "rt", encoding="utf-8") as handle:
        pinned: dict[str, Any] = json.load(handle)
    types = {
        c["type"]
        for parsed in pinned.values()
        for criterion in parsed["criteria"]
        for group in criterion.get("groups", [])
        for c in group
    }
    wanted = {
        "her2",
        "hormone_receptor",
        "triple_negative",
        "alteration",
        "prior_therapy",
        "prior_lines",
        "brain_metastases",
        "disease_stage",
        "menopausal_status",
        "measurable_disease",
        "performance_status",
        "lab",
        "age",
        "sex",
    }
    assert wanted - types == set()


def _write() -> None:
    kb = load_knowledge()
    data = {t.nct_id: _parsed(t, kb) for t in _sample()}
    with gzip.open(PINNED, "wt", encoding="utf-8") as handle:
        json.dump(data, handle, sort_keys=True, indent=0)
    print(f"pinned {len(data)} trials -> {PINNED}", file=sys.stderr)


if __name__ == "__main__":
    _write()
