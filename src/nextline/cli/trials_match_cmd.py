"""`nextline trials match FILE|ID`: which trials in the catalog might this person join.

Matching is local: the record never leaves the machine. Added to the `trials` sub-app by
`register(trials_app)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from nextline.cli._common import AS_OF_HELP, JSON_HELP, load, parse_as_of, print_json

if TYPE_CHECKING:
    from rich.console import Console

    from nextline.trials.matching import TrialMatch

DISCLAIMER = (
    "This list only helps you ask about trials. Only the study team can say whether you can "
    "join. Talk it over with your care team."
)
VERDICT_WORDS = {
    "likely_eligible": "Looks like a fit",
    "possibly_eligible": "Might fit: some things need checking",
    "likely_ineligible": "Probably not a fit",
}
MARK = {"met": "✓", "not_met": "✗", "unknown": "?"}


def match(
    ref: Annotated[str, typer.Argument(help="A stored person's id, or a patient file path.")],
    json_out: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list trials that probably do not fit, with why.")
    ] = False,
    near: Annotated[
        str | None,
        typer.Option(
            help="Measure distance from this place instead: a US ZIP code, 'City', "
            "'City, Country' or 'City, ST'."
        ),
    ] = None,
    within: Annotated[
        float | None,
        typer.Option("--within", min=0, help="Only trials with a site within this many km."),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many trials to list.")] = 20,
    as_of: Annotated[str | None, typer.Option("--as-of", help=AS_OF_HELP)] = None,
) -> None:
    """List the trials this person might join, best first, with the reasons for each.

    Every criterion is answered met, not met or unknown from the record; unknowns never rule
    a trial out. Nothing about the person is sent anywhere.
    """
    from nextline.errors import NextlineError
    from nextline.knowledge import load_knowledge
    from nextline.settings import Settings
    from nextline.trials.catalog import load_catalog
    from nextline.trials.eligibility.cache import cache_path, parsed_criteria, seed_path
    from nextline.trials.geo import locate_place
    from nextline.trials.matching import match_trials

    day = parse_as_of(as_of)
    kb = load_knowledge()
    record = load(ref, day, kb)
    origin = None
    if near is not None:
        origin = locate_place(near)
        if origin is None:
            raise NextlineError(
                f"--near: {near!r} is not a place nextline knows offline (try a US ZIP code, "
                "'City' or 'City, Country')"
            )
    catalog = load_catalog()
    folder = Settings().data_dir
    if not json_out and not cache_path(folder).exists() and not seed_path().exists():
        typer.echo(
            f"Reading the criteria of {len(catalog.trials):,} trials (first time only; "
            "this takes a minute)...",
            err=True,
        )
    parsed = parsed_criteria(catalog.trials, kb, folder)
    matches = match_trials(
        record,
        kb,
        catalog.trials,
        day,
        parsed=parsed,
        near=origin,
        within_km=within,
        include_ineligible=show_all,
        limit=limit,
    )
    if json_out:
        print_json(match_json(record.id, day.isoformat(), catalog.metadata(), matches))
        return
    from rich.console import Console

    render(Console(), matches, catalog.metadata(), show_all)


def match_json(
    patient: str, as_of: str, catalog: dict[str, Any], matches: list[TrialMatch]
) -> dict[str, Any]:
    """The `trials match --json` document (schema/trials.schema.json)."""
    return {
        "patient": patient,
        "as_of": as_of,
        "catalog": catalog,
        "matches": [m.as_json() for m in matches],
    }


def render(
    console: Console, matches: list[TrialMatch], catalog: dict[str, Any], show_all: bool
) -> None:
    from rich.markup import escape

    from nextline.trials.prepared import SUBSTANTIVE_TYPES

    console.print(
        f"[bold]Trials you might ask about[/bold] — {catalog['trials']} studies in "
        f"{escape(str(catalog['source']))}, updated {catalog['updated']}"
    )
    if not matches:
        console.print(
            "No trial in the catalog fits what the record shows. Your care team may know of others."
        )
    for number, m in enumerate(matches, 1):
        trial = m.trial
        phase = "/".join(trial.phases) or "phase not given"
        console.print()
        console.print(f"[bold]{number}. {escape(trial.title)}[/bold]")
        console.print(
            f"   {trial.nct_id} · {phase} · {escape(trial.status or 'status unknown')}"
            f" · {VERDICT_WORDS[m.verdict]}"
        )
        if m.nearest_km is not None:
            console.print(f"   Nearest site: about {m.nearest_km:,.0f} km away")
        elif trial.sites:
            countries = ", ".join(dict.fromkeys(s.country for s in trial.sites if s.country))
            console.print(f"   Sites in: {escape(countries[:120])}")
        met = [
            c
            for c in m.criteria
            if c.type != "text"
            and c.section == "inclusion"
            and c.verdict == "met"
            and c.cohort is None
        ]
        # what the study is about first (subtype, treatment history), then the rest
        shown = sorted(met, key=lambda c: c.type not in SUBSTANTIVE_TYPES)[:4]
        for c in shown:
            console.print(f"   {MARK[c.verdict]} {escape(_short(c.text))}", highlight=False)
        for reason in m.reasons[:3]:
            console.print(f"   ✗ {escape(reason)}", highlight=False)
        for item in m.to_find_out[:4]:
            console.print(f"   ? To find out: {escape(item)}", highlight=False)
    console.print()
    if not show_all:
        console.print("Trials that probably do not fit are hidden; `--all` shows them with why.")
    console.print(DISCLAIMER)


def _short(text: str) -> str:
    return text if len(text) <= 100 else text[:97] + "..."


def register(trials_app: typer.Typer) -> None:
    """Add `match` to the `nextline trials` sub-app."""
    trials_app.command("match")(match)
