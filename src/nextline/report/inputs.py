"""What a report takes from the engines and the trial match, gathered in one step that can
run in a second process (`report.aside`).

Why one step: `nextline report` spends its first half-second on two kinds of work. This
process must load WeasyPrint (Pango, fonts) and compile the template before it can render;
the status, the options, the charts, the trial match and the briefing built from them need
none of that. Gathered together in the forked child, they run beside the loading instead of
before it, and come back as plain data (the briefing holds the engines' `--json` shapes, the
charts their SVG text). The report is the same either way
(`tests/report/test_report_inputs.py`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nextline.knowledge import Knowledge
from nextline.record import PatientRecord

if TYPE_CHECKING:
    from nextline.plan import Briefing
    from nextline.report.charts import Chart


@dataclass(frozen=True)
class ReportInputs:
    """The briefing (status, options, trials, questions, plan) and the charts, in page order."""

    briefing: Briefing
    charts: list[Chart]


@dataclass(frozen=True)
class EngineResults:
    """The status and options in their `--json` shapes, and the charts drawn from them."""

    status: dict[str, Any] | None
    options: dict[str, Any] | None
    charts: list[Chart]


def run_engines(record: PatientRecord, kb: Knowledge, as_of: dt.date) -> EngineResults:
    """Assess, list the options and draw the charts (which need the status, not the rest)."""
    from nextline.assess import assess_status
    from nextline.options import list_options
    from nextline.plan._inputs import options_data, status_data
    from nextline.report.render import draw_charts

    status = status_data(assess_status(record, kb, as_of))
    options = options_data(list_options(record, kb, as_of))
    return EngineResults(status, options, draw_charts(record, as_of, status))


def with_trials(
    record: PatientRecord, kb: Knowledge, as_of: dt.date, engines: EngineResults, trials: Any
) -> ReportInputs:
    """The briefing from the engines' results and the trial match (None when not matched)."""
    from nextline.plan import build_briefing

    briefing = build_briefing(
        record, kb, as_of, status=engines.status, options=engines.options, trials=trials
    )
    return ReportInputs(briefing, engines.charts)


def gather_inputs(
    record: PatientRecord,
    kb: Knowledge,
    as_of: dt.date,
    match: Callable[[], Any] | None = None,
) -> ReportInputs:
    """Everything the report shows for one person as of one date but the layout: engines,
    charts, `match` (the trial match, when wanted) and the briefing. Pure but for what
    `match` reads."""
    engines = run_engines(record, kb, as_of)
    return with_trials(record, kb, as_of, engines, match() if match is not None else None)
