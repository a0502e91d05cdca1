"""`nextline options FILE|ID [--as-of DATE] [--json] [--all]`: what are my options now?"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from nextline.cli._common import AS_OF_HELP, JSON_HELP, load, parse_as_of, print_json

if TYPE_CHECKING:
    from nextline.options import OptionsResult

_VERDICT = {
    "fits": ("green", "Fits"),
    "may_fit": ("yellow", "May fit"),
    "does_not_fit": ("dim", "Does not fit"),
}
_SENSITIVITY = {
    "primary_resistance": "it did not hold the cancer back from early on (primary resistance)",
    "secondary_resistance": "it worked for a while, then stopped (secondary resistance)",
    "sensitive": "it has worked so far, as far as the record shows",
}
_SUBTYPE = {
    "hr_positive_her2_negative": "HR-positive, HER2-negative",
    "her2_positive": "HER2-positive",
    "triple_negative": "triple-negative",
}


def options(
    ref: Annotated[str, typer.Argument(help="A stored person's id, or a patient file path.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help=AS_OF_HELP)] = None,
    json_out: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also explain each option that does not fit.")
    ] = False,
) -> None:
    """What are my options now? Every option with a verdict (fits, may fit, does not fit),
    the record entries it rests on, what would settle an open question, and its sources.
    Grouped in the order a care team usually considers them; never ranked as advice."""
    from nextline.knowledge import load_knowledge
    from nextline.options import list_options

    day = parse_as_of(as_of)
    kb = load_knowledge()
    result = list_options(load(ref, day, kb, reads_notes=False), kb, day)  # reads no note
    if json_out:
        print_json(result.to_json())
        return
    render(result, show_all)


def render(result: OptionsResult, show_all: bool = False) -> None:
    """Human text: group by group, fits and may-fit first, each with its why."""
    from rich.console import Console
    from rich.markup import escape

    console = Console()
    subtype = _SUBTYPE.get(result.subtype or "", "subtype not known")
    console.print(
        f"[bold]Options for {escape(result.patient)}[/bold] as of {result.as_of} "
        f"({subtype}; next line {result.next_line}; knowledge checked {result.kb_version})",
        highlight=False,
    )
    console.print(
        "These are options to discuss with your care team, in the order teams usually "
        "consider them. They are not advice and not a ranking.",
        highlight=False,
    )
    for note in result.notes:
        console.print(f"[bold yellow]Note:[/bold yellow] {escape(note)}", highlight=False)
    sensitivity = result.endocrine_sensitivity
    if sensitivity is not None and sensitivity.status != "no_hormone_therapy":
        word = _SENSITIVITY[sensitivity.status]
        console.print(
            f"Hormone therapy: {escape(word)}; {escape(sensitivity.text)}", highlight=False
        )
    group = None
    hidden = 0
    for option in result.options:
        if option.verdict == "does_not_fit" and not show_all:
            hidden += 1
            continue
        if option.group != group:
            group = option.group
            console.print(f"\n[bold underline]{escape(option.group_name)}[/bold underline]")
        colour, label = _VERDICT[option.verdict]
        console.print(f"[{colour}]{label}[/{colour}]  {escape(option.name)}", highlight=False)
        if option.drug_choices:
            choices = " or ".join(" + ".join(choice) for choice in option.drug_choices)
            console.print(f"    partner choices: {escape(choices)}", highlight=False)
        for name in option.not_fda_approved_for_breast:
            console.print(
                f"    note: {escape(name)} is used for breast cancer but is not FDA-approved "
                "for it",
                highlight=False,
            )
        for reason in option.reasons:
            where = f" ({reason.rests_on})" if reason.rests_on else ""
            console.print(f"    because: {escape(reason.text)}{escape(where)}", highlight=False)
        for need in option.needs:
            console.print(f"    [yellow]to settle:[/yellow] {escape(need)}", highlight=False)
        for caution in option.cautions:
            console.print(f"    [red]caution:[/red] {escape(caution.text)}", highlight=False)
        if option.sources:
            console.print(
                f"    source: {escape('; '.join(s.title for s in option.sources[:2]))}",
                highlight=False,
                style="dim",
            )
    if hidden:
        console.print(
            f"\n{hidden} option(s) do not fit; `--all` shows each with its reason.",
            highlight=False,
        )
    if result.tests_to_consider:
        console.print("\n[bold underline]Tests to ask about[/bold underline]")
        for test in result.tests_to_consider:
            console.print(f"  {escape(test.name)}: {escape(test.why)}", highlight=False)
            console.print(f"    ({escape(test.detail)})", highlight=False, style="dim")


def register(app: typer.Typer) -> None:
    app.command("options")(options)
