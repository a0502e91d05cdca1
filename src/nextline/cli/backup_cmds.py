"""`nextline backup FILE` and `nextline restore FILE`: the whole store in one file.

The work is in `nextline.store.backup` (SQLite's online backup, or pg_dump / pg_restore for
PostgreSQL); here only the words. The summary counts people and versions, never names.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from nextline.cli._common import JSON_HELP, print_json

if TYPE_CHECKING:
    from nextline.store.backup import BackupSummary


def _summary(summary: BackupSummary, verb: str, json_out: bool) -> None:
    if json_out:
        print_json(
            {
                "ok": True,
                "file": str(summary.path),
                "database": summary.database,
                "people": summary.people,
                "versions": summary.versions,
            }
        )
        return
    people = "person" if summary.people == 1 else "people"
    typer.echo(
        f"{verb} {summary.people} {people} ({summary.versions} record versions) "
        f"{'to' if verb == 'Backed up' else 'from'} {summary.path}"
    )


def backup(
    out: Annotated[Path, typer.Argument(help="The backup file to write (kept private, 0600).")],
    json_out: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Write the whole store (every person, every version, accounts, audit) to one file."""
    from nextline.settings import Settings
    from nextline.store.backup import backup as run_backup

    _summary(run_backup(Settings(), out), "Backed up", json_out)


def restore(
    source: Annotated[Path, typer.Argument(help="A file written by `nextline backup`.")],
    replace: Annotated[
        bool,
        typer.Option(
            "--replace",
            help="Replace a store that already holds people (a SQLite store is kept beside "
            "itself first; a PostgreSQL store in the data folder, as "
            "postgresql.before-restore-<time>.pgdump).",
        ),
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Restore a backup into the store. A store that holds people is only replaced with
    --replace."""
    from nextline.settings import Settings
    from nextline.store.backup import restore as run_restore

    _summary(run_restore(Settings(), source, replace=replace), "Restored", json_out)


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
    app.command("restore")(restore)
