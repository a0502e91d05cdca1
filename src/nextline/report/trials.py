"""The breast cancer trials a report lists, matched over the prepared catalog kept on disk.

Why: `nextline report` matched the catalog's breast cancer trials by reading the catalog and
its parsed criteria and preparing every breast cancer trial again, on every call: about
three quarters of a second of CPU, the longest step of a report (it runs beside the charts
and WeasyPrint's loading, and the PDF waits for it). `trials match` reads the prepared
catalog from its cache instead (`trials.prepared_cache`: keyed by the catalog, the parser,
the knowledge base and the code). The report now does the same and keeps its own scope:
the prepared catalog narrowed to the trials `is_breast_trial` keeps, which gives the same
matches as preparing those trials alone (a plan depends on its own trial only; the shared
table of constraints is only read). A test compares the two on varied people.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nextline.knowledge import Knowledge
    from nextline.record import PatientRecord
    from nextline.trials.prepared import PreparedCatalog, TrialPlan


def is_breast_plan(plan: TrialPlan) -> bool:
    """`trials.catalog.is_breast_trial` of the plan's trial, reading the pickled registry
    record only when the title does not say and the lower-case words (title, conditions,
    interventions, summary) do not rule it out."""
    from nextline.trials.catalog import is_breast_trial

    if "breast" in plan.title.lower():
        return True
    if "breast" not in plan.haystack:  # it holds every condition, in lower case
        return False
    return is_breast_trial(plan.detail.get()[0])


def breast_only(prepared: PreparedCatalog) -> PreparedCatalog:
    """The prepared catalog narrowed to its breast cancer trials (`is_breast_plan`)."""
    from nextline.trials.prepared import PreparedCatalog

    return PreparedCatalog(
        plans=tuple(p for p in prepared.plans if is_breast_plan(p)),
        constraints=prepared.constraints,
        distinct_criteria=prepared.distinct_criteria,
    )


def match_report_trials(
    record: PatientRecord, kb: Knowledge, as_of: dt.date, limit: int
) -> dict[str, Any]:
    """The report's trials: the catalog described (`{"source", "trials", "updated"}`) and the
    best `limit` matches among its breast cancer trials, as plain data. `kb` must be the
    default knowledge base (its key is part of the prepared catalog's)."""
    from nextline.plan._inputs import as_data
    from nextline.trials.matching import match_trials
    from nextline.trials.prepared_cache import ready_catalog

    ready = ready_catalog(kb)
    matches = match_trials(record, kb, breast_only(ready.prepared), as_of, limit=limit)
    return {"catalog": as_data(ready.metadata), "matches": as_data(matches)}
