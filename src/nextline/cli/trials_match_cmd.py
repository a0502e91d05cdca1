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

    from nextline.trials.catalog_model import Catalog
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
    from nextline.trials.geo import locate_place
    from nextline.trials.matching import match_trials
    from nextline.trials.prepared_cache import ready_catalog

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
    ready = ready_catalog(kb, before_build=None if json_out else _say_first_time)
    matches = match_trials(
        record,
        kb,
        ready.prepared,
        day,
        near=origin,
        within_km=within,
        include_ineligible=show_all,
        limit=limit,
    )
    if json_out:
        print_json(match_json(record.id, day.isoformat(), ready.metadata, matches))
        return
    from rich.console import Console

    render(Console(), matches, ready.metadata, show_all)


def _say_first_time(catalog: Catalog) -> None:
    """Before the catalog is prepared: when no criteria were read before, say it takes a
    while."""
    from nextline.settings import Settings
    from nextline.trials.eligibility.cache import cache_path, seed_path

    if not cache_path(Settings().data_dir).exists() and not seed_path().exists():
        typer.echo(
            f"Reading the criteria of {len(catalog.trials):,} trials (first time only; "
            "this takes a minute)...",
            err=True,
        )


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
    from nextline.trials.summary import plain_line

    other_heading = False
    for number, m in enumerate(matches, 1):
        trial = m.trial
        phase = "/".join(trial.phases) or "phase not given"
        if m.purpose != "treatment" and not other_heading:
            other_heading = True
            console.print()
            console.print(
                "[bold]Other studies[/bold] — care and symptoms, scans and tests, screening, "
                "or collecting samples and data (not a new treatment for the cancer)"
            )
        console.print()
        console.print(f"[bold]{number}. {escape(trial.title)}[/bold]")
        console.print(
            f"   {trial.nct_id} · {phase} · {escape(trial.status or 'status unknown')}"
            f" · {VERDICT_WORDS[m.verdict]}"
        )
        console.print(f"   {escape(plain_line(m))}", highlight=False)
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


def changes(
    ref: Annotated[str, typer.Argument(help="A stored person's id, or a patient file path.")],
    json_out: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help=AS_OF_HELP)] = None,
) -> None:
    """Show trials that may fit that are new since the last time this was run, and those that
    no longer fit; then keep this match for next time.

    Run it after a change to the record (a new scan, a new test) or a catalog sync. The
    match is kept on this machine, in the data folder.
    """
    from nextline.knowledge import load_knowledge
    from nextline.settings import Settings
    from nextline.trials.history import compare, load_snapshot, save_snapshot, snapshot
    from nextline.trials.matching import match_trials
    from nextline.trials.prepared_cache import ready_catalog

    day = parse_as_of(as_of)
    kb = load_knowledge()
    record = load(ref, day, kb)
    folder = Settings().data_dir
    ready = ready_catalog(kb)
    matches = match_trials(record, kb, ready.prepared, day)
    meta = ready.metadata
    now = snapshot(matches, day.isoformat(), meta["updated"])
    found = compare(load_snapshot(folder, record.id), now)
    save_snapshot(folder, record.id, now)
    if json_out:
        print_json(
            {
                "patient": record.id,
                "as_of": day.isoformat(),
                "since": found.since,
                "new": [{"nct_id": n, "title": t, "verdict": v} for n, t, v in found.new],
                "no_longer_fit": [{"nct_id": n, "title": t} for n, t in found.gone],
                "verdict_changed": [
                    {"nct_id": n, "title": t, "before": b, "now": v} for n, t, b, v in found.moved
                ],
                "trials_that_may_fit": len(now.fits),
            }
        )
        return
    if found.since is None:
        typer.echo(
            f"No earlier match was kept for {record.id}. Kept this one "
            f"({len(now.fits)} trials that may fit) to compare with next time."
        )
        return
    typer.echo(f"Since {found.since}:")
    if not (found.new or found.gone or found.moved):
        typer.echo("  No change in the trials that may fit.")
    if found.new:
        typer.echo(f"  New trials that may fit since {found.since} ({len(found.new)}):")
        for nct, title, verdict in found.new:
            typer.echo(f"    + {nct} · {VERDICT_WORDS[verdict]} · {title[:90]}")
    if found.gone:
        typer.echo(f"  No longer fit, or no longer listed ({len(found.gone)}):")
        for nct, title in found.gone:
            typer.echo(f"    - {nct} · {title[:90]}")
    if found.moved:
        typer.echo(f"  Changed ({len(found.moved)}):")
        for nct, title, before, verdict in found.moved:
            typer.echo(
                f"    ~ {nct} · {VERDICT_WORDS[before]} → {VERDICT_WORDS[verdict]} · {title[:70]}"
            )
    typer.echo(DISCLAIMER)


def register(trials_app: typer.Typer) -> None:
    """Add `match` and `changes` to the `nextline trials` sub-app."""
    trials_app.command("match")(match)
    trials_app.command("changes")(changes)
