"""Record commands: check, import, list, show, export, history, schema."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from nextline.cli import fhir_cmds
from nextline.cli._common import (
    AS_OF_HELP,
    JSON_HELP,
    load,
    load_checked,
    parse_as_of,
    print_json,
    print_warnings,
    store,
)

if TYPE_CHECKING:
    from nextline.record import PatientFile

AsOf = Annotated[str | None, typer.Option("--as-of", help=AS_OF_HELP)]
Json = Annotated[bool, typer.Option("--json", help=JSON_HELP)]
Ref = Annotated[str, typer.Argument(help="A stored person's id, or a patient file path.")]


def check(
    file: Annotated[Path, typer.Argument(help="A patient file (YAML or JSON).")],
    as_of: AsOf = None,
    json_out: Json = False,
) -> None:
    """Check a patient file: print every problem; exit 1 if there are errors."""
    from nextline.errors import RecordInvalid

    try:
        record = load_checked(str(file), parse_as_of(as_of))
    except RecordInvalid as exc:
        problems = exc.problems + exc.warnings
        if json_out:
            print_json({"file": str(file), "ok": False, "problems": [vars(p) for p in problems]})
        else:
            for problem in problems:
                typer.echo(str(problem))
            typer.echo(f"{file}: {len(exc.problems)} error(s), {len(exc.warnings)} warning(s)")
        raise typer.Exit(1) from None
    if json_out:
        print_json({"file": str(file), "ok": True, "problems": [vars(p) for p in record.warnings]})
        return
    for warning in record.warnings:
        typer.echo(str(warning))
    typer.echo(f"{file}: ok, {len(record.warnings)} warning(s)")


def import_(
    file: Annotated[
        Path,
        typer.Argument(
            help="A patient file (YAML or JSON), a FHIR bundle or NDJSON file, a bulk-export "
            "folder (one NDJSON file per resource type), or - to read standard input."
        ),
    ],
    as_of: AsOf = None,
    menopausal_status: fhir_cmds.Menopause = None,
    metastatic_since: fhir_cmds.MetastaticSince = None,
    undated_tests_date: fhir_cmds.UndatedTests = None,
    report: fhir_cmds.ReportPath = None,
    patient: fhir_cmds.PatientChoice = None,
) -> None:
    """Import a patient file or FHIR R4 data (a bundle, NDJSON, or a bulk-export folder) into
    the store (all or nothing); print the id stored. FHIR prints its import report first."""
    from nextline.fhir.reading import sniff

    if str(file) == "-":
        with fhir_cmds.stdin_as_file() as path:
            import_(
                path,
                as_of,
                menopausal_status,
                metastatic_since,
                undated_tests_date,
                report,
                patient,
            )
        return
    if sniff(file):
        day = parse_as_of(as_of)
        fhir_cmds.import_fhir_file(
            file, day, menopausal_status, metastatic_since, undated_tests_date, report, patient
        )
        return
    record = load_checked(str(file), parse_as_of(as_of))
    print_warnings(record.warnings)
    records = store()
    stored = records.latest_version(record.file.patient.id)
    person_id, version = records.save(record.file, f"import from {file.name}", base=None)
    typer.echo(person_id)
    if version > 1:
        typer.echo(f"(version {version})", err=True)
    if version > max(stored, 1):  # a new version replaced one: the one just before it
        dropped = entries_not_in(records.get(person_id, version - 1), record.file)
        if dropped:
            typer.echo(replaced_words(person_id, version - 1, dropped), err=True)


def entries_not_in(before: PatientFile, after: PatientFile) -> dict[str, int]:
    """How many entries of each list section `before` holds that `after` does not (an import
    of a whole file replacing a record someone added to since the file was written)."""
    import json

    from nextline.record import patient_file_data
    from nextline.record.file_models import LIST_SECTIONS

    old, new = patient_file_data(before), patient_file_data(after)
    dropped: dict[str, int] = {}
    for section in LIST_SECTIONS:
        kept = [json.dumps(e, sort_keys=True) for e in new.get(section) or []]
        for entry in old.get(section) or []:
            text = json.dumps(entry, sort_keys=True)
            if text in kept:
                kept.remove(text)
            else:
                dropped[section] = dropped.get(section, 0) + 1
    return dropped


def replaced_words(person_id: str, version: int, dropped: dict[str, int]) -> str:
    """Say plainly that an import replaced entries that were stored, and where they still are."""
    count = sum(dropped.values())
    where = ", ".join(f"{n} in {section.replace('_', ' ')}" for section, n in dropped.items())
    return (
        f"Note: this file replaced version {version}, which held {count} "
        f"{'entry' if count == 1 else 'entries'} that the file does not ({where}). Nothing "
        f"is lost: `nextline history {person_id}` lists every version, and `nextline export "
        f"{person_id} --version {version}` gives that one back as a file."
    )


def list_(json_out: Json = False) -> None:
    """List the people in the store."""
    people = store().list()
    if json_out:
        print_json(
            [
                {
                    "id": p.id,
                    "name": p.name,
                    "versions": p.versions,
                    "updated_at": p.updated_at.isoformat(),
                }
                for p in people
            ]
        )
        return
    if not people:
        typer.echo("No one is stored yet. Add someone with: nextline import FILE")
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table("id", "name", "versions", "updated")
    for p in people:
        table.add_row(
            p.id, escape(p.name or ""), str(p.versions), p.updated_at.strftime("%Y-%m-%d %H:%M")
        )
    Console().print(table)


def show(ref: Ref, as_of: AsOf = None, json_out: Json = False) -> None:
    """Show a person's timeline: diagnosis, lines of treatment, tests, scans, symptoms."""
    from nextline.record.timeline import build_timeline, timeline_data

    day = parse_as_of(as_of)
    record = load(ref, day, reads_notes=False)  # a timeline reads no note
    if json_out:
        print_json(timeline_data(record, day))
        return
    events = [e for e in build_timeline(record) if e.date <= day]
    from rich.console import Console
    from rich.markup import escape

    console = Console()
    patient = record.file.patient
    console.print(f"[bold]{escape(patient.name or patient.id)}[/bold] ({patient.id})")
    age = record.age_on(day)
    if age is not None:
        console.print(f"age {age} on {day}")
    colours = {
        "line": "bold cyan",
        "diagnosis": "bold",
        "scan": "green",
        "symptom": "yellow",
        "metastasis": "magenta",
    }
    for event in events:
        style = colours.get(event.kind, "")
        text = escape(event.text)
        console.print(
            f"{event.date}  [{style}]{text}[/{style}]" if style else f"{event.date}  {text}",
            highlight=False,
        )
    print_warnings(record.warnings)


def export(
    ref: Ref,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="yaml, json or fhir")] = "yaml",
    version: Annotated[int | None, typer.Option(help="An earlier version.")] = None,
) -> None:
    """Write a stored record back as a patient file (YAML by default) or a FHIR mCODE bundle."""
    from nextline.record import dump_patient_file
    from nextline.record.parse import read_patient_file

    if fmt not in ("yaml", "json", "fhir"):
        raise typer.BadParameter("use yaml, json or fhir", param_hint="--format")
    file = read_patient_file(Path(ref)) if Path(ref).is_file() else store().get(ref, version)
    text = fhir_cmds.export_fhir_text(file) if fmt == "fhir" else dump_patient_file(file, fmt)
    if output:
        from nextline.store.files import write_private

        write_private(output, text.encode("utf-8"))
    else:
        typer.echo(text, nl=False)


def history(ref: Ref, json_out: Json = False) -> None:
    """List the stored versions of a person's record."""
    versions = store().history(ref)
    if json_out:
        print_json(
            [
                {"version": v.version, "created_at": v.created_at.isoformat(), "note": v.note}
                for v in versions
            ]
        )
        return
    for v in versions:
        typer.echo(f"v{v.version}  {v.created_at:%Y-%m-%d %H:%M}  {v.note}")


def schema(
    write: Annotated[
        bool, typer.Option("--write", help="Write the committed schema files.")
    ] = False,
) -> None:
    """Print (or write to schema/) the JSON Schema of the patient file."""
    from nextline.schemas import patient_file_schema, write_schemas

    if write:
        for path in write_schemas():
            typer.echo(str(path))
        return
    print_json(patient_file_schema())


def register(app: typer.Typer) -> None:
    app.command("check")(check)
    app.command("import")(import_)
    app.command("list")(list_)
    app.command("show")(show)
    app.command("export")(export)
    app.command("history")(history)
    app.command("schema")(schema)
