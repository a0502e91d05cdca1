"""`nextline status FILE|ID [--as-of DATE] [--json]`: is the treatment still working?"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from nextline.cli._common import AS_OF_HELP, JSON_HELP, load, parse_as_of, print_json

if TYPE_CHECKING:
    from nextline.assess import Status

_COLOUR = {"working": "green", "unclear": "yellow", "not_working": "red"}
_URGENCY = {"emergency": "GO TO EMERGENCY / CALL NOW", "call_now": "CALL YOUR CARE TEAM NOW"}


def status(
    ref: Annotated[str, typer.Argument(help="A stored person's id, or a patient file path.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help=AS_OF_HELP)] = None,
    json_out: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Is the treatment still working? Scans (RECIST 1.1), tumor markers, blood counts,
    red flags and symptoms, each linked to the record entry and rule it rests on."""
    from nextline.assess import assess_status
    from nextline.knowledge import load_knowledge

    day = parse_as_of(as_of)
    kb = load_knowledge()
    record = load(ref, day, kb)
    result = assess_status(record, kb, day)
    if json_out:
        print_json(json_data(result))
        return
    render(result)


def json_data(result: Status) -> dict[str, object]:
    """The `--json` contract (`assess.status_json`), written directly when the status is
    plain dataclasses (`cli._plain_json`: no validator to build), else by the engine."""
    from nextline.cli._plain_json import NotPlain, plain_data

    try:
        data: dict[str, object] = plain_data(result)
    except NotPlain:
        from nextline.assess import status_json

        return status_json(result)
    return data


def render(result: Status) -> None:
    """Human text: red flags first, then the answer, then why."""
    from rich.console import Console
    from rich.markup import escape

    console = Console()
    for flag in result.red_flags:
        console.print(
            f"[bold red]{_URGENCY[flag.urgency]}[/bold red] ({flag.date}): "
            f"{escape(flag.name)}\n  {escape(flag.message)}\n  because: "
            f"{escape('; '.join(flag.because))}",
            highlight=False,
        )
    from nextline.assess.status_words import overall_words

    colour = _COLOUR.get(result.overall, "cyan")
    label = overall_words(result.overall, capital=True)
    console.print(
        f"[bold {colour}]{label}[/bold {colour}] — {escape(result.headline)}", highlight=False
    )
    line = result.current_line or result.last_line
    if line is not None:
        running = "running" if result.current_line else f"stopped {line.stop}"
        console.print(
            f"Line {line.number}: {escape(', '.join(line.drugs))} (started {line.start}, "
            f"{running})",
            highlight=False,
        )
    if result.latest_scan:
        console.print(f"Latest scan: {result.latest_scan}", highlight=False)
    for response in result.recist:
        if not response.timepoints:
            continue
        console.print(
            f"\n[bold]Scans, line {response.line}[/bold] (baseline {response.baseline_date}, "
            f"{'-' if response.baseline_sum_mm is None else f'{response.baseline_sum_mm:g}'} mm; "
            f"best response {response.best_overall})",
            highlight=False,
        )
        for point in response.timepoints:
            console.print(f"  {point.date}  {escape(point.text)}", highlight=False)
    if result.markers:
        console.print("\n[bold]Tumor markers[/bold]")
        for marker in result.markers:
            console.print(f"  {escape(marker.text)}", highlight=False)
    console.print("\n[bold]Blood counts[/bold]")
    console.print(f"  {escape(result.blood_counts.message)}", highlight=False)
    if result.clinician is not None:
        console.print("\n[bold]Your care team's view[/bold]")
        console.print(f"  {escape(result.clinician.text)}", highlight=False)
    others = [e for e in result.evidence if e.kind in ("new_site", "symptom", "side_effect")]
    if others:
        console.print("\n[bold]Also recorded[/bold]")
        for item in others:
            console.print(f"  {escape(item.text)}", highlight=False)
    if result.watch_for:
        console.print("\n[bold]What to watch for on this treatment[/bold]")
        for watch in result.watch_for:
            console.print(
                f"  {escape(watch.drug)}: serious side effects include "
                f"{escape('; '.join(watch.serious_side_effects) or 'none listed')}.",
                highlight=False,
            )
            if watch.report_at_once:
                urgent = escape("; ".join(watch.report_at_once))
                console.print(f"    Call your care team at once for: {urgent}.", highlight=False)
    for warning in result.warnings:
        console.print(f"[yellow]note: {escape(warning)}[/yellow]", highlight=False)
    console.print(f"\n[dim]{escape(result.disclaimer)}[/dim]", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("status")(status)
