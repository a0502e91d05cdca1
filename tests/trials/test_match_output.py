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
    # changed on purpose once more (session 10): a treatment received, but not within the
    # time a criterion asks about, is named ("letrozole, palbociclib: last given 2024-03-28,
    # more than 14 days ago") instead of "not in the treatment history"; no verdict changed
    # changed on purpose (session 12): conditions that name no cancer ("KRAS G12C",
    # "Pneumothorax") no longer make a study "any solid tumour", so studies for other cancers
    # only (ccRCC, lung surgery, CLL, a pancreatic registry) are "not for you" instead of
    # "possibly"; and three studies that take stage IV among all stages (a registry, a
    # sexual-health programme "for survivors", a newly-diagnosed symptom study) are no longer
    # "early breast only" or "no cancer". 7 to 9 of 291 verdicts changed per person (18
    # matches each, the others only in the population named or the reason given).
    "her2-positive-brain": "4c6cde93cb28ee69516d74c0876bbad7af4d4b6ab72a7d3ca54bb2236fc372c7",
    "hr-positive-esr1": "dd42102a348487f35ad33059d2c3ad8c12bbea998c09d045b1af55a7b4037663",
    "triple-negative-brca": "c81626d85b5f4b86e38d25ded530318603378936e2255cd99f7e857f6d24d979",
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
