"""What every command shares: reading a record by stored id or file path, the as-of date,
printing JSON."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from nextline.knowledge import Knowledge
    from nextline.record import PatientRecord
    from nextline.store import RecordStore

AS_OF_HELP = "Read the record as of this date (YYYY-MM-DD); default today."
JSON_HELP = "Print JSON for machines instead of text."


def parse_as_of(value: str | None) -> dt.date:
    """The as-of date from `--as-of`, today when absent."""
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint="--as-of")


def store() -> RecordStore:
    from nextline.store import open_store

    return open_store()


def looks_like_path(ref: str) -> bool:
    return ref.endswith((".yaml", ".yml", ".json")) or "/" in ref or Path(ref).is_file()


def load(ref: str, as_of: dt.date, kb: Knowledge | None = None) -> PatientRecord:
    """A record from a file path or a stored id, normalised as of `as_of`."""
    from nextline.knowledge import load_knowledge
    from nextline.record import build_record, read_patient_file

    file = read_patient_file(Path(ref)) if looks_like_path(ref) else store().get(ref)
    return build_record(file, kb or load_knowledge(), as_of)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def print_warnings(warnings: Any) -> None:
    from rich.console import Console

    console = Console(stderr=True)
    for warning in warnings:
        console.print(f"[yellow]{warning}[/yellow]", highlight=False, markup=True)
