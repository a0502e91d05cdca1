"""The matcher's whole output, pinned: the three example people over 291 bundled trials
(every breast cancer trial and every twelfth other one) with their parsed criteria frozen in
`fixtures/parsed_criteria_sample.json.gz`, as the `trials match --all --json` items in order.

Why: speed work on `matching.py` / `prepared.py` must not change a single byte of what a
person is told. A change that means to change the output (a new rule, a knowledge fact, an
example record) updates the digest on purpose: run
`.venv/bin/python -m tests.trials.test_match_output` and paste the digests it prints."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json

import pytest
from pydantic import TypeAdapter

from nextline.examples import example_path
from nextline.knowledge import Knowledge, load_knowledge
from nextline.record import load_record
from nextline.trials.catalog import load_default_catalog
from nextline.trials.eligibility import ParsedEligibility
from nextline.trials.matching import match_trials
from nextline.trials.models import Trial
from nextline.trials.prepared import PreparedCatalog, prepare_catalog
from tests.trials.conftest import FIXTURES

PEOPLE = {
    "hr-positive-esr1": dt.date(2024, 4, 15),
    "her2-positive-brain": dt.date(2025, 3, 1),
    "triple-negative-brca": dt.date(2024, 8, 25),
}
DIGESTS = {
    # changed on purpose once more: a washout is a waiting time (a running treatment under a
    # short gap is asked about, not counted against the person)
    "her2-positive-brain": "0aff9ceefa0257968b10c67aa91dd9dc5d8017f0db1eaa73c55bda2c54b9dcc0",
    "hr-positive-esr1": "3275d9fe6c967db006b676218437de6572a2ab74a516a08019b74e0342226edd",
    "triple-negative-brca": "23b3a10064be8bd065d17d40bdf551aeeb26fd508c288ed43be6bf1604c7a5c6",
}


_PREPARED: dict[int, tuple[list[Trial], PreparedCatalog]] = {}


def _sample(kb: Knowledge) -> tuple[list[Trial], PreparedCatalog]:
    """The sample trials and their plans (prepared once per knowledge base)."""
    if id(kb) in _PREPARED:
        return _PREPARED[id(kb)]
    with gzip.open(FIXTURES / "parsed_criteria_sample.json.gz", "rt", encoding="utf-8") as f:
        parsed = TypeAdapter(dict[str, ParsedEligibility]).validate_python(json.load(f))
    catalog = load_default_catalog()
    trials = [catalog.get(nct) for nct in sorted(parsed)]
    _PREPARED[id(kb)] = trials, prepare_catalog(trials, kb, parsed)
    return _PREPARED[id(kb)]


def match_output(person: str, kb: Knowledge) -> bytes:
    """Every match for `person` (with --all), as JSON, in the order given."""
    _, prepared = _sample(kb)
    as_of = PEOPLE[person]
    record = load_record(example_path(person), kb, as_of)
    matches = match_trials(record, kb, prepared, as_of, include_ineligible=True)
    items = [m.as_json() for m in matches]
    return json.dumps(items, ensure_ascii=False, sort_keys=True).encode("utf-8")


def digest(person: str, kb: Knowledge) -> str:
    return hashlib.sha256(match_output(person, kb)).hexdigest()


@pytest.mark.parametrize("person", sorted(PEOPLE))
def test_the_match_output_is_unchanged(person: str, kb: Knowledge) -> None:
    trials, _ = _sample(kb)
    assert len(trials) == 291
    assert digest(person, kb) == DIGESTS[person]


if __name__ == "__main__":
    knowledge = load_knowledge()
    for name in sorted(PEOPLE):
        print(f'    "{name}": "{digest(name, knowledge)}",')
