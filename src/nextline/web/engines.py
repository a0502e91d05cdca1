"""The web app's one door to the engines (assess, options, trials, plan, report).

Pages and the API call these, never the engines directly, so every view of one person on one
date is computed the same way as the command line computes it (`nextline status/options/
questions/brief/report`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nextline.assess import Status
    from nextline.knowledge import Knowledge
    from nextline.options import OptionsResult
    from nextline.plan import Briefing
    from nextline.record import PatientRecord
    from nextline.report.charts import Chart
    from nextline.web.state import WebState


def status(record: PatientRecord, kb: Knowledge, day: dt.date) -> Status:
    """Is the treatment working, with red flags and evidence (`nextline status`)."""
    from nextline.assess import assess_status

    return assess_status(record, kb, day)


def status_json(result: Status) -> dict[str, Any]:
    from nextline.assess import status_json as to_json

    return dict(to_json(result))


def options(record: PatientRecord, kb: Knowledge, day: dt.date) -> OptionsResult:
    """Every next option with its verdict and evidence (`nextline options`)."""
    from nextline.options import list_options

    return list_options(record, kb, day)


def trials(
    record: PatientRecord,
    kb: Knowledge,
    day: dt.date,
    state: WebState,
    *,
    within_km: float | None = None,
    include_ineligible: bool = False,
    wait: bool = True,
) -> Any:
    """Trial matches over the catalog in use (`nextline trials match`), best first. The
    catalog, prepared for matching, is read once per app (`WebState.trial_data`), never
    fetched: only `nextline trials sync` goes online. With `wait=False` it returns None at
    once while the catalog is still being read."""
    from nextline.trials.matching import match_trials

    if not wait and not state.trials_ready():
        state.warm_trials(kb)
        return None
    data = state.trial_data(kb)
    return match_trials(
        record,
        kb,
        data.everything,
        day,
        within_km=within_km,
        include_ineligible=include_ineligible,
    )


BRIEFING_TRIALS = 20  # as `nextline questions/brief/report --trials`: the best matches


def briefing_trials(
    record: PatientRecord, kb: Knowledge, day: dt.date, state: WebState, *, wait: bool
) -> Any:
    """The trial matches a briefing carries, shaped as the command line's `--trials` gives
    them: the catalog's breast cancer trials, the best 20. None while the catalog is still
    being read (with `wait=False`)."""
    from nextline.plan._inputs import as_data
    from nextline.trials.matching import match_trials

    if not wait and not state.trials_ready():
        state.warm_trials(kb)
        return None
    data = state.trial_data(kb)
    matches = match_trials(record, kb, data.breast, day, limit=BRIEFING_TRIALS)
    return {"catalog": as_data(data.catalog), "matches": as_data(matches)}


def briefing(
    record: PatientRecord,
    kb: Knowledge,
    day: dt.date,
    *,
    status_result: Status | None = None,
    options_result: OptionsResult | None = None,
    trial_matches: Any = None,
) -> Briefing:
    """Questions, plan, goals, supportive care (`nextline brief`)."""
    from nextline.plan import build_briefing

    return build_briefing(
        record, kb, day, status=status_result, options=options_result, trials=trial_matches
    )


def appointment_prep(
    record: PatientRecord, kb: Knowledge, day: dt.date, status_result: Status
) -> tuple[list[Any], list[Any], tuple[Any, ...]]:
    """The dashboard's "what to bring": the plan's questions, milestones and the person's own
    questions, built by the plan's own functions with the results converted once (the full
    briefing also builds goals and supportive care, which the dashboard does not show)."""
    from nextline.plan import personal_questions
    from nextline.plan._inputs import status_data
    from nextline.plan.milestones import plan_from_data
    from nextline.plan.questions import questions_from_data

    status_js = status_data(status_result)
    options_js = questions_options_data(options(record, kb, day))
    questions = questions_from_data(record, kb, day, status_js, options_js, None)
    plan = plan_from_data(record, kb, day, status_js)
    return questions, list(plan.milestones), personal_questions(record)


def questions_options_data(result: OptionsResult) -> dict[str, Any] | None:
    """The parts of the options' `--json` the questions read (`plan.questions`: each option's
    id, name, kind and verdict, and the tests to consider), converted alone. Converting every
    option's reasons, sources and cautions cost as much as listing the options; a test holds
    the questions equal to those from the whole conversion (`plan._inputs.options_data`)."""
    from nextline.plan._inputs import options_data

    return options_data(
        {
            "options": [
                {"id": o.id, "name": o.name, "kind": o.kind, "verdict": o.verdict}
                for o in result.options
            ],
            "tests_to_consider": [t.to_json() for t in result.tests_to_consider],
        }
    )


def charts(record: PatientRecord, day: dt.date, status_data: dict[str, Any] | None) -> list[Chart]:
    """The report's charts (timeline, scan sizes, tumor markers, blood counts)."""
    from nextline.report.charts import lab_chart, recist_chart, timeline_chart

    found = [
        timeline_chart(record, day),
        recist_chart(status_data),
        lab_chart(record, day, "tumor_marker", "Tumor markers in the blood over time"),
        lab_chart(record, day, "blood_count", "Blood counts over time"),
    ]
    return [c for c in found if c is not None]


def summary_pdf(record: PatientRecord, kb: Knowledge, day: dt.date, trial_matches: Any) -> bytes:
    """The summary packet as PDF (`nextline report -o FILE.pdf`)."""
    from nextline.report import build_report, render_html, render_pdf

    return render_pdf(render_html(build_report(record, kb, day, trials=trial_matches), kb))


def summary_html(record: PatientRecord, kb: Knowledge, day: dt.date, trial_matches: Any) -> str:
    """The summary packet as a standalone HTML file (`nextline report -o FILE.html`)."""
    from nextline.report import build_report, render_html

    return render_html(build_report(record, kb, day, trials=trial_matches), kb)
