"""Trial catalog commands: `nextline trials sync | load | show | search | info | rematch`.

(`nextline trials match` is added to this sub-app by `trials_match_cmd`.)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from nextline.cli import trials_match_cmd
from nextline.cli._common import AS_OF_HELP, JSON_HELP, parse_as_of, print_json

if TYPE_CHECKING:
    from rich.console import Console

    from nextline.trials.models import Trial
    from nextline.trials.rematch import RematchSummary
    from nextline.trials.search import Mode
    from nextline.trials.sync import SyncReport

Json = Annotated[bool, typer.Option("--json", help=JSON_HELP)]

trials_app = typer.Typer(
    name="trials",
    help=(
        "Clinical trials: keep a catalog of studies, bring it up to date from "
        "ClinicalTrials.gov, look studies up. A trial search sends only condition terms."
    ),
    no_args_is_help=True,
)


@trials_app.command()
def sync(
    condition: Annotated[
        str, typer.Option(help="The condition term sent to ClinicalTrials.gov.")
    ] = "breast cancer",
    full: Annotated[
        bool, typer.Option("--full", help="Fetch everything again, not only what changed.")
    ] = False,
    base_url: Annotated[
        str,
        typer.Option(envvar="NEXTLINE_CTGOV_URL", help="The API v2 base URL."),
    ] = "https://clinicaltrials.gov/api/v2",
    page_size: Annotated[int, typer.Option(min=1, max=1000, help="Studies per page.")] = 100,
    json_out: Json = False,
) -> None:
    """Fetch recruiting and not-yet-recruiting studies for a condition into the store.

    Only the condition term, the statuses and a date range are sent; never anything about
    a person. Interrupted runs continue where they stopped.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from nextline.trials.store import open_trial_store
    from nextline.trials.sync import SyncOptions, sync_trials

    store = open_trial_store()
    options = SyncOptions(base_url=base_url, condition=condition, page_size=page_size, full=full)
    console = Console(stderr=True)
    with Progress(
        TextColumn("[bold]ClinicalTrials.gov[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("studies"),
        console=console,
        transient=True,
        disable=json_out or not console.is_terminal,
    ) as progress:
        task = progress.add_task("sync", total=None)

        def on_page(report: SyncReport) -> None:
            progress.update(task, completed=report.studies, total=report.total)

        try:
            report = sync_trials(store, options, on_page=on_page)
        except KeyboardInterrupt:
            console.print("Stopped. Progress is saved: run `nextline trials sync` to continue.")
            raise typer.Exit(130) from None
    if json_out:
        print_json(
            {
                "pages": report.pages,
                "studies": report.studies,
                "added": report.added,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "skipped_not_recruiting": report.skipped_not_recruiting,
                "since": report.since.isoformat() if report.since else None,
                "resumed": report.resumed,
                "retries": report.retries,
                "problems": [str(p) for p in report.problems],
                "catalog_trials": store.count(),
            }
        )
        return
    since = f" updated since {report.since}" if report.since else ""
    resumed = " (continued an earlier run)" if report.resumed else ""
    typer.echo(
        f"Fetched {report.studies} studies{since} in {report.pages} pages{resumed}: "
        f"{report.added} new, {report.updated} changed, {report.unchanged} unchanged. "
        f"The catalog holds {store.count()} trials."
    )
    for problem in report.problems:
        typer.echo(f"skipped: {problem}", err=True)


@trials_app.command()
def load(
    file: Annotated[
        Path,
        typer.Argument(
            help="API v2 JSON or JSONL, legacy ClinicalTrials.gov XML, or the snapshot "
            "format (may be gzipped); or a folder of such files."
        ),
    ],
    json_out: Json = False,
) -> None:
    """Load trials from a file into the store (all or nothing)."""
    from nextline.trials.loaders import read_trials
    from nextline.trials.store import open_trial_store

    trials = read_trials(file)
    store = open_trial_store()
    result = store.save_trials(trials, f"file {file.name}", None)
    if json_out:
        print_json(
            {
                "file": str(file),
                "trials": len(trials),
                "added": result.added,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "catalog_trials": store.count(),
            }
        )
        return
    typer.echo(
        f"{file.name}: {len(trials)} trials ({result.added} new, {result.updated} changed, "
        f"{result.unchanged} unchanged). The catalog holds {store.count()} trials."
    )


@trials_app.command()
def show(
    nct_id: Annotated[str, typer.Argument(help="The study's NCT id, e.g. NCT05774951.")],
    json_out: Json = False,
) -> None:
    """Print one study: what it tests, who may join, where, and its eligibility criteria."""
    from nextline.trials.catalog import find_trial

    trial = find_trial(nct_id)
    if json_out:
        from dataclasses import asdict

        from nextline.trials.eligibility import describe_criteria

        data = trial.model_dump(mode="json")
        data["criteria"] = [asdict(c) for c in describe_criteria(trial)]
        print_json(data)
        return
    from rich.console import Console

    console = Console()
    render_trial(trial, console)
    render_criteria(trial, console)


def render_trial(trial: Trial, console: Console) -> None:
    """The study's facts, plain first."""
    from rich.markup import escape

    console.print(f"[bold]{escape(trial.title)}[/bold]")
    console.print(f"{escape(trial.nct_id)} · {escape(trial.url)}", highlight=False)
    rows = [
        ("Status", (trial.status or "not given").replace("_", " ").lower()),
        ("Phase", ", ".join(p.replace("PHASE", "phase ") for p in trial.phases) or "not given"),
        ("Conditions", "; ".join(trial.conditions) or "not given"),
        ("Treatments tested", "; ".join(trial.interventions) or "not given"),
        ("Ages", _ages(trial)),
        ("Sex", (trial.sex or "not given").lower()),
        ("Sponsor", trial.sponsor or "not given"),
        ("Where", _where(trial)),
        ("Last update", trial.last_update.isoformat() if trial.last_update else "not given"),
    ]
    for label, value in rows:
        console.print(f"[bold]{label}:[/bold] {escape(value)}")
    if trial.summary:
        console.print()
        console.print(escape(trial.summary))


def render_criteria(trial: Trial, console: Console) -> None:
    """The eligibility criteria, each with what nextline read in it (or "not read")."""
    from rich.markup import escape

    from nextline.trials.eligibility import describe_criteria

    console.print()
    for section, heading in (("inclusion", "Who can join"), ("exclusion", "Who cannot join")):
        items = [c for c in describe_criteria(trial) if c.section == section]
        if not items:
            continue
        console.print(f"[bold]{heading}[/bold]")
        for item in items:
            console.print(f"- {escape(item.text)}", highlight=False)
            meaning = item.meaning or "not read by nextline: ask the study team"
            console.print(f"    [dim]read as:[/dim] {escape(meaning)}", highlight=False)
        console.print()
    console.print("Only the study team can say whether someone can join. Ask your care team.")


def _ages(trial: Trial) -> str:
    low, high = trial.minimum_age_years, trial.maximum_age_years
    if low is None and high is None:
        return "any"
    if high is None:
        return f"{low:g} and over"
    if low is None:
        return f"up to {high:g}"
    return f"{low:g} to {high:g}"


def _where(trial: Trial) -> str:
    places = []
    for site in trial.sites[:5]:
        parts = [p for p in (site.facility, site.city, site.country) if p]
        places.append(", ".join(parts))
    more = len(trial.sites) - 5
    text = "; ".join(places) or "not given"
    return text + (f" and {more} more" if more > 0 else "")


@trials_app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words to look for, e.g. 'HER2-low PIK3CA'.")],
    limit: Annotated[int, typer.Option(min=1, max=1000, help="How many to show.")] = 10,
    all_words: Annotated[
        bool, typer.Option("--all-words", help="Only studies with every word.")
    ] = False,
    json_out: Json = False,
) -> None:
    """Full-text search of the catalog (titles, conditions, treatments, summary, criteria)."""
    from nextline.trials.catalog import load_default_catalog, stored_trials
    from nextline.trials.search import MemoryIndex

    mode: Mode = "all" if all_words else "any"
    stored = stored_trials()
    if stored is not None:  # the store's own index: FTS5 on SQLite, tsvector on PostgreSQL
        hits = stored.search(query, limit, mode)
        found = [stored.get(h.nct_id) for h in hits]
        meta = stored.load_catalog_meta()
    else:
        catalog = load_default_catalog()
        hits = MemoryIndex(catalog.trials).search(query, limit, mode)
        found = [catalog.get(h.nct_id) for h in hits]
        meta = catalog.metadata()
    if json_out:
        print_json(
            {
                "query": query,
                "catalog": meta,
                "hits": [
                    {"nct_id": t.nct_id, "title": t.title, "score": h.score}
                    for h, t in zip(hits, found, strict=True)
                ],
            }
        )
        return
    if not hits:
        typer.echo("No study in the catalog mentions that.")
    for trial in found:
        typer.echo(f"{trial.nct_id}  {trial.title}")


@trials_app.command()
def info(json_out: Json = False) -> None:
    """Which catalog is in use, how many trials it holds, and how recent it is."""
    from nextline.trials.catalog import load_default_catalog, stored_trials

    stored = stored_trials()
    meta = stored.load_catalog_meta() if stored else load_default_catalog().metadata()
    if json_out:
        print_json(meta)
        return
    typer.echo(f"{meta['trials']} trials from {meta['source']}, updated {meta['updated']}")


@trials_app.command()
def rematch(
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Processes to run at once (default: one per core)."),
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help=AS_OF_HELP)] = None,
    json_out: Json = False,
) -> None:
    """Match every stored person against the catalog and list what changed for each.

    The nightly job after `nextline trials sync`. Each person's match is kept: the next
    `rematch`, or `nextline trials changes ID`, compares with it. A record that cannot be
    read is reported by id and the run goes on (the exit code is then 1). Nothing about
    anyone is sent anywhere.
    """
    import datetime as dt

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from nextline.settings import Settings
    from nextline.trials.rematch_run import rematch_all

    day = parse_as_of(as_of)
    console = Console(stderr=True)
    with Progress(
        TextColumn("[bold]Matching[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("people"),
        console=console,
        transient=True,
        disable=json_out or not console.is_terminal,
    ) as progress:
        task = progress.add_task("rematch", total=None)

        def on_progress(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        summary = rematch_all(
            Settings(), day, max(day, dt.date.today()), workers=workers, on_progress=on_progress
        )
    if json_out:
        print_json(summary.as_json())
    else:
        render_rematch(summary)
    if summary.errors:
        raise typer.Exit(1)


def render_rematch(summary: RematchSummary) -> None:
    """Counts first, then each person with new trials, then each record that failed."""
    people, trials = len(summary.people), summary.catalog["trials"]
    typer.echo(
        f"Matched {people:,} people against {trials:,} trials as of {summary.as_of} "
        f"(catalog updated {summary.catalog['updated'] or 'unknown'})."
    )
    typer.echo(f"  People with new trials that may fit: {len(summary.with_new):,}")
    if summary.first:
        typer.echo(
            f"  People matched for the first time (kept to compare next time): {summary.first:,}"
        )
    typer.echo(f"  Records that could not be read: {len(summary.errors):,}")
    for person in summary.with_new:
        shown = ", ".join(person.new[:5])
        more = f" and {len(person.new) - 5} more" if len(person.new) > 5 else ""
        typer.echo(f"    + {person.person_id}: {len(person.new)} new ({shown}{more})")
    for person in summary.errors:
        typer.echo(f"    ! {person.person_id}: {person.error}", err=True)


trials_match_cmd.register(trials_app)


def register(app: typer.Typer) -> None:
    """Add `nextline trials ...` to the main app."""
    app.add_typer(trials_app, name="trials")
