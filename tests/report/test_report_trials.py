"""The briefing's trials (`questions/brief/report --trials`, the web app's briefing), matched
over the prepared catalog narrowed to its breast cancer trials (`PreparedCatalog.keep`,
`TrialPlan.for_breast`), are the matches given before, when those trials were prepared on
their own: the same trials in the same order with the same verdicts, reasons and sites, for
varied people (the examples on several days, and invented people of every subtype from the
options vignettes), with the briefing's limit, without one, and with unlikely trials kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from bench.vignettes.run import load_vignettes, person

from nextline.cli.plan_cmds import TRIALS_LIMIT, match_trials_if_available
from nextline.examples import EXAMPLE_IDS, example_path
from nextline.knowledge import Knowledge
from nextline.plan._inputs import as_data
from nextline.record import PatientRecord, load_record
from nextline.trials.catalog import is_breast_trial, load_default_catalog
from nextline.trials.eligibility.cache import parsed_criteria
from nextline.trials.matching import match_trials
from nextline.trials.prepared import PreparedCatalog, TrialPlan, prepare_catalog
from tests.plan.conftest import VISIT_DAYS

LIMIT = TRIALS_LIMIT
LATER = [dt.timedelta(0), dt.timedelta(days=120), dt.timedelta(days=700)]


@pytest.fixture(scope="module")
def catalogs(kb: Knowledge, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The bundled catalog prepared whole (what the prepared-catalog cache holds) and its
    breast cancer trials prepared alone (what the report prepared before)."""
    trials = load_default_catalog().trials
    parsed = parsed_criteria(trials, kb, tmp_path_factory.mktemp("criteria"))
    breast = [t for t in trials if is_breast_trial(t)]
    return {
        "trials": trials,
        "whole": prepare_catalog(trials, kb, parsed),
        "breast": prepare_catalog(breast, kb, parsed),
    }


def breast_only(prepared: PreparedCatalog) -> PreparedCatalog:
    return prepared.keep(is_breast_plan)


def is_breast_plan(plan: TrialPlan) -> bool:
    return plan.for_breast


def _people(kb: Knowledge) -> list[tuple[str, PatientRecord, dt.date]]:
    found = [
        (f"{p} {day}", load_record(example_path(p), kb, day), day)
        for p in EXAMPLE_IDS
        for day in (VISIT_DAYS[p] + later for later in LATER)
    ]
    invented = dt.date(2026, 11, 1)
    for vignette in load_vignettes()[::6]:
        found.append((vignette["id"], person(vignette["person"], kb, invented), invented))
    return found


def test_the_breast_plans_are_the_breast_trials(catalogs: dict[str, Any]) -> None:
    whole: PreparedCatalog = catalogs["whole"]
    wanted = sorted(t.nct_id for t in catalogs["trials"] if is_breast_trial(t))
    assert 0 < len(wanted) < len(whole.plans)
    assert sorted(p.nct_id for p in whole.plans if is_breast_plan(p)) == wanted
    narrowed = breast_only(whole)
    assert [p.nct_id for p in narrowed.by_id] == sorted(wanted)
    assert [p.nct_id for p in narrowed.enrolling] == [
        p.nct_id for p in catalogs["breast"].enrolling
    ]


def test_a_trial_with_breast_only_in_its_conditions_is_a_breast_trial(
    catalogs: dict[str, Any],
) -> None:
    """The plans whose title does not say 'breast' are marked from the registry record's
    conditions; 'breast' in the summary alone is not enough."""
    by_id = {t.nct_id: t for t in catalogs["trials"]}
    plans = catalogs["whole"].plans
    conditions_only = [
        p
        for p in plans
        if "breast" not in p.title.lower()
        and any("breast" in c.lower() for c in by_id[p.nct_id].conditions)
    ]
    summary_only = [
        p for p in plans if "breast" in p.haystack and not is_breast_trial(by_id[p.nct_id])
    ]
    assert conditions_only and summary_only  # both kinds are in the bundled catalog
    assert all(is_breast_plan(p) for p in conditions_only)
    assert not any(is_breast_plan(p) for p in summary_only)


def test_the_report_matches_are_the_ones_it_gave_before(
    catalogs: dict[str, Any], kb: Knowledge
) -> None:
    narrowed = breast_only(catalogs["whole"])
    people = _people(kb)
    differ = [
        name
        for name, record, day in people
        if as_data(match_trials(record, kb, narrowed, day, limit=LIMIT))
        != as_data(match_trials(record, kb, catalogs["breast"], day, limit=LIMIT))
    ]
    assert len(people) >= 15
    assert differ == []


def test_every_verdict_over_the_kept_part_is_the_one_given_before(
    catalogs: dict[str, Any], kb: Knowledge
) -> None:
    """No limit, and the trials that probably do not fit kept with their reasons."""
    narrowed = breast_only(catalogs["whole"])
    for name, record, day in _people(kb)[::3]:
        for unlikely in (False, True):
            after = match_trials(record, kb, narrowed, day, include_ineligible=unlikely)
            before = match_trials(record, kb, catalogs["breast"], day, include_ineligible=unlikely)
            assert as_data(after) == as_data(before), name


def test_the_briefing_match_reads_the_prepared_catalog_and_describes_it(
    kb: Knowledge, catalogs: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nextline.trials import prepared_cache

    # the fresh data folder has no prepared catalog yet: build it from the one prepared above
    monkeypatch.setattr(prepared_cache, "prepare", lambda *_: catalogs["whole"])
    day = VISIT_DAYS["hr-positive-esr1"]
    record = load_record(example_path("hr-positive-esr1"), kb, day)
    found = match_trials_if_available(record, kb, day)
    assert found["catalog"]["trials"] == len(catalogs["trials"])
    before = match_trials(record, kb, catalogs["breast"], day, limit=LIMIT)
    assert found["matches"] == as_data(before)
    assert len(found["matches"]) == LIMIT
    assert list((tmp_path / "home" / "cache").glob("trial-prepared-*"))  # kept for next time
