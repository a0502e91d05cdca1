"""FHIR in and out for the record commands: `nextline import BUNDLE` and
`nextline export ID --format fhir` call these (the hooks live in `record_cmds.py`)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from nextline.cli._common import store

if TYPE_CHECKING:
    from nextline.record.file_models import PatientFile

MENOPAUSE_HELP = (
    "For a FHIR bundle: the menopausal status (premenopausal, perimenopausal, postmenopausal "
    "or unknown); bundles rarely hold it and it is never guessed (kept as unknown and asked)."
)
PATIENT_HELP = (
    "For FHIR data holding several people (a registry or bulk export): the FHIR id of the "
    "Patient to import. Without it, the people found are listed and nothing is stored."
)
PatientChoice = Annotated[str | None, typer.Option("--patient", help=PATIENT_HELP)]
METASTATIC_HELP = (
    "For a FHIR bundle: the date metastatic disease was found, when the bundle shows it "
    "without a date (YYYY-MM-DD)."
)
UNDATED_HELP = (
    "For a FHIR bundle: the date to give tumor test results the bundle leaves undated (YYYY-MM-DD)."
)
Menopause = Annotated[str | None, typer.Option("--menopausal-status", help=MENOPAUSE_HELP)]
MetastaticSince = Annotated[str | None, typer.Option("--metastatic-since", help=METASTATIC_HELP)]
UndatedTests = Annotated[str | None, typer.Option("--undated-tests-date", help=UNDATED_HELP)]
REPORT_HELP = (
    "For a FHIR bundle: also write the import report as JSON here (every fact with the "
    "resource it came from; what was not mapped and why)."
)
ReportPath = Annotated[Path | None, typer.Option("--report", help=REPORT_HELP)]


def _date(value: str | None, hint: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=hint) from None


@contextmanager
def stdin_as_file() -> Iterator[Path]:
    """Standard input copied to a private temporary file (removed afterwards): an import
    reads its input twice (the people, then their facts), which a pipe cannot do. The copy
    is streamed, so a large NDJSON export is never held in memory."""
    with tempfile.TemporaryDirectory(prefix="nextline-import-") as folder:
        path = Path(folder) / "stdin"
        with path.open("wb") as out:
            shutil.copyfileobj(sys.stdin.buffer, out, 1 << 20)
        yield path


def import_fhir_file(
    file: Path,
    as_of: dt.date,
    menopausal_status: str | None = None,
    metastatic_since: str | None = None,
    undated_tests_date: str | None = None,
    report_path: Path | None = None,
    patient: str | None = None,
) -> None:
    """Import a FHIR bundle or NDJSON: print the report (stderr), validate, merge into the
    person if they are stored already, and store all or nothing; print the id (stdout)."""
    from nextline.errors import Problem, RecordInvalid
    from nextline.fhir import ImportOptions, import_fhir, read_fhir
    from nextline.fhir.merge import merge_into
    from nextline.knowledge import load_knowledge
    from nextline.record import validate_record

    allowed = ("premenopausal", "perimenopausal", "postmenopausal", "unknown")
    if menopausal_status is not None and menopausal_status not in allowed:
        raise typer.BadParameter(
            f"use one of {', '.join(allowed)}", param_hint="--menopausal-status"
        )
    options = ImportOptions(
        menopausal_status=menopausal_status,
        metastatic_since=_date(metastatic_since, "--metastatic-since"),
        undated_tests_on=_date(undated_tests_date, "--undated-tests-date"),
        patient=patient,
        today=as_of,  # a fact dated after the as-of date is reported, not imported
    )
    kb = load_knowledge()
    result = import_fhir(read_fhir(file), kb, options)
    data = result.data
    person_id = str(data.get("patient", {}).get("id", ""))
    records = store()
    base: int | None = None  # the version merged into: a save after another one is refused
    if person_id and records.exists(person_id):
        current, base = records.get_latest(person_id)
        data = merge_into(current, data, result.report)
    typer.echo(result.report.as_text(), err=True)
    if report_path is not None:
        from nextline.store.files import write_private

        text = json.dumps(result.report.as_data(), indent=2, ensure_ascii=False) + "\n"
        write_private(report_path, text.encode("utf-8"))
    if not data.get("patient", {}).get("sex"):
        raise RecordInvalid(
            [Problem("patient.sex", "the bundle has no Patient with a sex")], str(file)
        )
    record = validate_record(data, kb, as_of, str(file))
    note = f"import from {file.name if file.name != 'stdin' else 'standard input'} (FHIR"
    note += f" Bundle {result.report.bundle_id})" if result.report.bundle_id else ")"
    stored_id, version = records.save(record.file, note, base=base if base else 0)
    typer.echo(stored_id)
    if version > 1:
        typer.echo(f"(version {version})", err=True)


def export_fhir_text(file: PatientFile) -> str:
    """A patient file as mCODE FHIR R4 Bundle JSON (validated against the R4B models)."""
    from nextline.fhir.export import dump_bundle, export_bundle
    from nextline.knowledge import load_knowledge

    return dump_bundle(export_bundle(file, load_knowledge()))
