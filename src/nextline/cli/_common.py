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
        message = f"{value!r} is not a date (YYYY-MM-DD)"
        raise typer.BadParameter(message, param_hint="--as-of") from None


def store() -> RecordStore:
    from nextline.store import open_store

    return open_store()


def looks_like_path(ref: str) -> bool:
    return ref.endswith((".yaml", ".yml", ".json")) or "/" in ref or Path(ref).is_file()


def load(
    ref: str, as_of: dt.date, kb: Knowledge | None = None, *, reads_notes: bool = True
) -> PatientRecord:
    """A record from a file path or a stored id.

    The record is validated as of today (or `as_of` if later): `--as-of` on a reading
    command chooses the date the engines look from, and the record may hold later entries,
    which the engines leave out. `check` and `import` validate as of their `--as-of`.

    `reads_notes=False` is for a command whose engines never read a symptom note (`show`):
    the readings kept on disk are then not loaded, and neither is the knowledge base when
    the stored person's normalised record is kept (`stored_record`)."""
    checked_on = max(as_of, dt.date.today())
    if looks_like_path(ref):
        from nextline.knowledge import load_knowledge
        from nextline.record import load_record

        return load_record(Path(ref), kb or load_knowledge(), checked_on)
    record = stored_record(ref, kb, checked_on)
    if reads_notes:
        from nextline.knowledge import load_knowledge
        from nextline.store.note_readings import open_for

        open_for(ref, kb or load_knowledge())  # `_Group.invoke` keeps new readings
    return record


def stored_record(person_id: str, kb: Knowledge | None, checked_on: dt.date) -> PatientRecord:
    """A stored person's latest record. Read straight from the embedded database when it is
    ready (`store.quick_read`, no SQLAlchemy), and then normalised only when the record
    kept beside it (`store.record_cache`) is not of this stored version, knowledge, code
    and date; else through the store, which migrates, creates and reports errors. Without
    `kb`, the bundled knowledge base is loaded only if the record must be built."""
    from nextline.store.quick_read import embedded_database, latest_content

    def knowledge() -> Knowledge:
        from nextline.knowledge import load_knowledge

        return kb or load_knowledge()

    found = latest_content(person_id)
    database = embedded_database()
    if found is None or database is None or not _bundled(kb):
        from nextline.record import file_to_record

        return file_to_record(store().get(person_id), knowledge(), checked_on, person_id)
    content, version = found

    def build() -> PatientRecord:
        from nextline.record import file_to_record, validate_patient_data

        file = validate_patient_data(json.loads(content), f"{person_id}@{version}")
        return file_to_record(file, knowledge(), checked_on, person_id)

    from nextline.knowledge.cache import key_of
    from nextline.store.record_cache import cached_record

    kb_key = None if kb is None else key_of(kb)  # `_bundled`: the bundled one, as loaded
    return cached_record(database, person_id, version, content, checked_on, build, kb_key)


def _bundled(kb: Knowledge | None) -> bool:
    """Whether `kb` is the bundled knowledge base as this process loaded it (or not given):
    the only one a kept record's key names (`store.record_cache`)."""
    if kb is None:
        return True
    from nextline.knowledge import load_knowledge

    return kb is load_knowledge()


def load_checked(ref: str, as_of: dt.date) -> PatientRecord:
    """A record validated as of exactly `as_of` (dates after it are errors): check, import."""
    from nextline.knowledge import load_knowledge
    from nextline.record import load_record

    return load_record(Path(ref), load_knowledge(), as_of)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def print_warnings(warnings: Any) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console(stderr=True)
    for warning in warnings:
        # a warning quotes the record (a test name like `[/bold]`): never read it as markup
        console.print(f"[yellow]{escape(str(warning))}[/yellow]", highlight=False, markup=True)
