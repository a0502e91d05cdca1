"""A part of a prepared catalog (`PreparedCatalog.keep`), as the briefing's breast cancer
trials are taken from the kept catalog: every trial's verdict, score, reasons and order are
the ones a catalog prepared from those trials alone gives (the path used before), for
each example person on several dates, with and without a limit."""

from __future__ import annotations

import datetime as dt

import pytest

from nextline.examples import example_path
from nextline.knowledge import Knowledge, load_knowledge
from nextline.record import load_record
from nextline.trials.catalog import is_breast_trial, load_default_catalog
from nextline.trials.eligibility.cache import parsed_criteria
from nextline.trials.matching import match_trials
from nextline.trials.prepared import PreparedCatalog, prepare_catalog

DATES = {
    "hr-positive-esr1": (dt.date(2024, 4, 15), dt.date(2026, 1, 1)),
    "her2-positive-brain": (dt.date(2025, 3, 1), dt.date(2027, 6, 30)),
    "triple-negative-brca": (dt.date(2024, 8, 25), dt.date(2025, 12, 31)),
}


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_knowledge()


@pytest.fixture(scope="module")
def catalogs(kb: Knowledge) -> tuple[PreparedCatalog, PreparedCatalog, list[str]]:
    """The whole bundled catalog prepared once, and its breast cancer trials prepared on
    their own (the old path); with the breast trials' ids."""
    catalog = load_default_catalog()
    parsed = parsed_criteria(catalog.trials, kb, None)
    breast = [t for t in catalog.trials if is_breast_trial(t)]
    whole = prepare_catalog(catalog.trials, kb, parsed)
    alone = prepare_catalog(breast, kb, parsed)
    return whole, alone, [t.nct_id for t in breast]


def test_the_kept_part_holds_exactly_the_breast_trials(
    catalogs: tuple[PreparedCatalog, PreparedCatalog, list[str]],
) -> None:
    whole, _, breast_ids = catalogs
    kept = whole.keep(lambda plan: plan.for_breast)
    assert sorted(p.nct_id for p in kept.plans) == sorted(breast_ids)
    assert 0 < len(kept.plans) < len(whole.plans)
    # in the whole catalog's order, and matching walks them by id as before
    assert [p.nct_id for p in kept.by_id] == sorted(breast_ids)
    assert kept.constraints is whole.constraints
    assert not any(p.for_breast for p in whole.plans if p.nct_id not in set(breast_ids))


@pytest.mark.parametrize("limit", [None, 20])
@pytest.mark.parametrize(
    ("person", "day"), [(p, d) for p, days in DATES.items() for d in days], ids=str
)
def test_matches_over_the_kept_part_equal_those_over_the_trials_alone(
    kb: Knowledge,
    catalogs: tuple[PreparedCatalog, PreparedCatalog, list[str]],
    person: str,
    day: dt.date,
    limit: int | None,
) -> None:
    whole, alone, _ = catalogs
    record = load_record(example_path(person), kb, day)
    kept = whole.keep(lambda plan: plan.for_breast)
    before = [m.as_json() for m in match_trials(record, kb, alone, day, limit=limit)]
    after = [m.as_json() for m in match_trials(record, kb, kept, day, limit=limit)]
    assert before, "each example has breast cancer trials to list"
    assert after == before
    with_ineligible = match_trials(record, kb, kept, day, include_ineligible=True)
    assert [m.as_json() for m in with_ineligible] == [
        m.as_json() for m in match_trials(record, kb, alone, day, include_ineligible=True)
    ]
