"""Appointment commands: `nextline questions`, `nextline brief`, `nextline report`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from nextline.cli._common import AS_OF_HELP, JSON_HELP, load, parse_as_of, print_json

if TYPE_CHECKING:
    from nextline.knowledge import Knowledge
    from nextline.plan import Question
    from nextline.record import PatientRecord
    from nextline.report.inputs import ReportInputs

AsOf = Annotated[str | None, typer.Option("--as-of", help=AS_OF_HELP)]
Json = Annotated[bool, typer.Option("--json", help=JSON_HELP)]
Ref = Annotated[str, typer.Argument(help="A stored person's id, or a patient file path.")]
Trials = Annotated[
    bool,
    typer.Option(
        "--trials/--no-trials",
        help="Also match the catalog's breast cancer trials (a few seconds more).",
    ),
]
ReportTrials = Annotated[
    bool,
    typer.Option(
        "--trials/--no-trials",
        help="Match the catalog's breast cancer trials for page one (on by default).",
    ),
]
TRIALS_LIMIT = 20  # the best matches are enough for an appointment


def _record(ref: str, as_of: dt.date) -> tuple[PatientRecord, Knowledge]:
    from nextline.knowledge import load_knowledge

    kb = load_knowledge()
    return load(ref, as_of, kb), kb


def match_trials_if_available(
    record: PatientRecord, kb: Knowledge, as_of: dt.date, wanted: bool = True
) -> Any:
    """Matches over the catalog's breast cancer trials, or None when not wanted. The
    catalog comes prepared from its cache (`trials.prepared_cache`), as for `trials match`."""
    if not wanted:
        return None
    from nextline.plan._inputs import as_data
    from nextline.trials.matching import match_trials
    from nextline.trials.prepared_cache import ready_catalog

    ready = ready_catalog(kb)
    breast = ready.prepared.keep(lambda plan: plan.for_breast)
    matches = match_trials(record, kb, breast, as_of, limit=TRIALS_LIMIT)
    return {"catalog": as_data(ready.metadata), "matches": as_data(matches)}


def questions(ref: Ref, as_of: AsOf = None, json_out: Json = False, trials: Trials = False) -> None:
    """The questions to bring to the next appointment, grouped, each with why."""
    # Only the questions, not the whole briefing (milestones, goals, supportive care): the
    # same questions `brief` shows, without building what is not printed here.
    from nextline.plan.question_list import build_question_list

    day = parse_as_of(as_of)
    record, kb = _record(ref, day)
    found = match_trials_if_available(record, kb, day, trials)
    briefing = build_question_list(record, kb, day, trials=found)
    if json_out:
        print_json(
            {
                "patient": record.id,
                "as_of": day.isoformat(),
                "questions": [q.to_json() for q in briefing.questions],
                "personal_questions": [q.to_json() for q in briefing.personal_questions],
                "unavailable": list(briefing.unavailable),
            }
        )
        return
    if briefing.personal_questions:
        typer.echo("My own questions")
        for q in briefing.personal_questions:
            mark = " (answered)" if q.answered else ""
            typer.echo(f"- {q.text}{mark}")
            if q.answer:
                typer.echo(f"  Answer: {q.answer}")
    _print_questions(list(briefing.questions), kb)


def _print_questions(found: list[Question], kb: Knowledge) -> None:
    from rich.console import Console

    console = Console(highlight=False)
    titles: dict[str, str] = {g.id: g.title for g in (kb.plan.groups if kb.plan else [])}
    group = None
    for number, q in enumerate(found, start=1):
        if q.group != group:
            group = q.group
            console.print(f"\n[bold]{titles.get(group, group)}[/bold]")
        style = "bold" if q.urgency else ""
        console.print(f"{number}. {q.text}", style=style, markup=False)
        for detail in q.details:
            console.print(f"   - {detail}", markup=False)
        console.print(f"   Why: {q.why}", style="dim", markup=False)


def brief(ref: Ref, as_of: AsOf = None, json_out: Json = False, trials: Trials = False) -> None:
    """The whole briefing: status, options, trials, questions, plan, goals, supportive care."""
    from nextline.plan import build_briefing

    day = parse_as_of(as_of)
    record, kb = _record(ref, day)
    found = match_trials_if_available(record, kb, day, trials)
    briefing = build_briefing(record, kb, day, trials=found)
    if json_out:
        print_json(briefing.to_json())
        return
    from rich.console import Console
    from rich.markup import escape

    console = Console(highlight=False)
    console.print(f"[bold]{escape(record.name or record.id)}[/bold], as of {day.isoformat()}")
    status = briefing.status
    if status:
        console.print(f"Status: {status.get('overall')}", markup=False)
    for missing in briefing.unavailable:
        console.print(f"{missing}: not available in this build", style="dim", markup=False)
    if briefing.goals.rows:
        console.print("\n[bold]Choices that fit, beside your goals[/bold]")
        for row in briefing.goals.rows:
            avoid = f" — touches: {', '.join(row.wants_to_avoid)}" if row.wants_to_avoid else ""
            console.print(f"- {row.name}: {'; '.join(row.routes)}{avoid}", markup=False)
    if briefing.plan.milestones:
        console.print("\n[bold]Coming up[/bold]")
        for m in briefing.plan.milestones:
            console.print(f"- {m.date.isoformat()} {m.label}", markup=False)
    _print_questions(list(briefing.questions), kb)
    if briefing.supportive_care.topics:
        console.print("\n[bold]Support and care[/bold]")
        for t in briefing.supportive_care.topics:
            console.print(f"- {t.title}", markup=False)


def report(
    ref: Ref,
    out: Annotated[
        Path, typer.Option("-o", "--out", help="Where to write: FILE.pdf or FILE.html.")
    ],
    as_of: AsOf = None,
    trials: ReportTrials = True,
) -> None:
    """Write the summary packet (page one for the care team, then the detail and charts)."""
    from nextline.report import Aside, write_report

    day = parse_as_of(as_of)
    record, kb = _record(ref, day)
    # The status, options, charts and trial match (over the prepared catalog kept on disk)
    # are gathered in a second process while this one loads WeasyPrint and the template.
    gathered = Aside(lambda: _gather_and_keep_notes(record, kb, day, trials))
    written = write_report(record, kb, day, out, gathered=gathered)
    typer.echo(str(written))


def _gather_and_keep_notes(
    record: PatientRecord, kb: Knowledge, day: dt.date, trials: bool
) -> ReportInputs:
    """The report's inputs (`report.inputs.gather_inputs`), then the symptom notes read on
    the way kept on disk as every command keeps them (`store.note_readings`): run in the
    forked child, whose memory, and the readings in it, end with it."""
    import sys

    from nextline.report.inputs import gather_inputs

    match = (lambda: match_trials_if_available(record, kb, day)) if trials else None
    inputs = gather_inputs(record, kb, day, match)
    if "nextline.store.note_readings" in sys.modules:
        from nextline.store.note_readings import flush

        flush()
    return inputs


def register(app: typer.Typer) -> None:
    app.command("questions")(questions)
    app.command("brief")(brief)
    app.command("report")(report)
