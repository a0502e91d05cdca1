"""An uploaded file into the store, exactly as `nextline import` does it: a patient file
(YAML/JSON) or FHIR R4 data (a Bundle, one resource, or NDJSON) with its import report.

Why its own module: the route (`web/upload.py`) only reads the request and draws the page;
this decides what is stored, all or nothing. A refused file raises `RecordInvalid` (field and
reason) or `InputTooLarge`, and nothing is stored.

Versions: a new person is saved on base 0 (a person stored meanwhile is a `Conflict`, never
overwritten); FHIR data for a person already stored is merged into their record (`merge_into`,
the stored value kept on a conflict) on the version it was merged into; a file uploaded from
a person's own page becomes a new version of that person on the version the page showed,
after `preview_replacement` has shown what it would change and the person chose to replace.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nextline.errors import Conflict, Problem, RecordInvalid

if TYPE_CHECKING:
    from nextline.fhir import ImportReport
    from nextline.web.record_diff import SectionChange
    from nextline.web.state import WebState

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class Imported:
    """What one upload stored."""

    person_id: str
    version: int
    merged: bool
    report: ImportReport | None = None  # FHIR only
    warnings: list[Problem] = field(default_factory=list)


def safe_name(filename: str | None) -> str:
    """The uploaded file's own name, without folders or odd characters (it names the file in
    the report and in the version note; the browser's word for it is not trusted)."""
    base = Path((filename or "").replace("\\", "/")).name
    cleaned = _SAFE_NAME.sub("-", base).strip(".-")[:80]
    return cleaned or "upload"


class ChoosePerson(RecordInvalid):
    """A FHIR file holds several people and none (or one not in it) was chosen: `people` are
    the (id, "female, born 1960") of those in it, for the page to offer as a list."""

    def __init__(self, problems: list[Problem], source: str, people: list[tuple[str, str]]):
        super().__init__(problems, source)
        self.people = people


@dataclass
class Preview:
    """What a patient file uploaded onto a stored person would change; nothing stored yet."""

    person_id: str
    base: int
    changes: list[SectionChange]
    warnings: list[Problem] = field(default_factory=list)


# The largest file a confirm page carries back itself (base64 in a hidden field, under the
# form parser's 1 MB a field); a larger one is chosen again.
CARRY_LIMIT = 700_000


def is_fhir(raw: bytes, filename: str | None) -> bool:
    """Whether the bytes are FHIR data (a Bundle, one resource, NDJSON), not a patient file."""
    from nextline.fhir.reading import sniff

    with tempfile.TemporaryDirectory(prefix="nextline-upload-") as folder:
        path = Path(folder) / safe_name(filename)
        path.write_bytes(raw)
        return sniff(path) in _FHIR_KINDS


# What `sniff` calls FHIR input. A gzip archive that is damaged or holds no FHIR ("gzip") goes
# to the FHIR import too, whose refusal says what is wrong with the archive; read as a patient
# file it was refused as one, which did not.
_FHIR_KINDS = ("bundle", "resource", "ndjson", "gzip")


def preview_replacement(state: WebState, raw: bytes, filename: str | None, into: str) -> Preview:
    """Read and check a patient file uploaded onto `into`, and say what replacing their record
    with it would change, per part of the record. Stores nothing; `RecordInvalid` when the
    file is refused, as the import would."""
    from nextline.web.record_diff import record_changes

    name = safe_name(filename)
    if not raw.strip():
        raise RecordInvalid([Problem("file", "the file is empty; choose a file to upload")], name)
    record = _read_patient_file(state, raw, name, into)
    current, version = state.store.get_latest(into)
    return Preview(into, version, record_changes(current, record.file), list(record.warnings))


def import_upload(
    state: WebState,
    raw: bytes,
    filename: str | None,
    *,
    into: str | None = None,
    base: int | None = None,
    patient: str | None = None,
    new_id: Callable[[str], str] | None = None,
) -> Imported:
    """Store the uploaded bytes as a record (all or nothing).

    `into`: the person whose page the file was uploaded from, `base` the version that page
    showed; `patient`: which person of a FHIR file holding several; `new_id`: the id a new
    person gets for the id the file names (in server mode, a person stored by someone else
    is never touched: the upload becomes a new person, `web.upload`).
    Raises `RecordInvalid`, `InputTooLarge` or `Conflict`; nothing is stored then."""
    from nextline.fhir.reading import sniff

    name = safe_name(filename)
    if not raw.strip():
        raise RecordInvalid([Problem("file", "the file is empty; choose a file to upload")], name)
    with tempfile.TemporaryDirectory(prefix="nextline-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(raw)
        if sniff(path) in _FHIR_KINDS:
            return _import_fhir(state, path, name, into, base, patient, new_id)
    return _import_patient_file(state, raw, name, into, base, new_id)


def _read_patient_file(
    state: WebState,
    raw: bytes,
    name: str,
    into: str | None,
    new_id: Callable[[str], str] | None = None,
) -> Any:
    from nextline.record.parse import decode_patient_data
    from nextline.record.validate import validate_record

    is_json = name.lower().endswith(".json") or raw.lstrip()[:1] == b"{"
    data = decode_patient_data(raw, name, is_json=is_json)
    if into is not None and isinstance(data.get("patient"), dict):
        data["patient"]["id"] = into  # uploaded from this person's page: it is their record
    elif new_id is not None and isinstance(data.get("patient"), dict):
        named = data["patient"].get("id")
        if isinstance(named, str) and named:
            data["patient"]["id"] = new_id(named)
    return validate_record(data, state.kb, state.today(), name)


def _import_patient_file(
    state: WebState,
    raw: bytes,
    name: str,
    into: str | None,
    base: int | None,
    new_id: Callable[[str], str] | None = None,
) -> Imported:
    record = _read_patient_file(state, raw, name, into, new_id)
    person_id = record.file.patient.id
    if into is None and state.store.exists(person_id):
        raise _already_stored(person_id, name)
    saved_id, version = state.store.save(
        record.file, f"uploaded {name} in the web app", base=base if into is not None else 0
    )
    return Imported(saved_id, version, merged=False, warnings=list(record.warnings))


def _import_fhir(
    state: WebState,
    path: Path,
    name: str,
    into: str | None,
    base: int | None,
    patient_id: str | None,
    new_id: Callable[[str], str] | None = None,
) -> Imported:
    from nextline.fhir import ImportOptions, import_fhir, read_fhir
    from nextline.fhir.merge import merge_into
    from nextline.record.validate import validate_record

    try:
        result = import_fhir(read_fhir(path), state.kb, ImportOptions(patient=patient_id))
    except RecordInvalid as exc:
        problems = [_in_words(p) for p in exc.problems]
        if any(p.path == "patient" for p in problems):
            raise ChoosePerson(problems, name, _people_in(path)) from exc
        raise RecordInvalid(problems, name) from exc
    result.report.source = name  # the person's file name, not the temporary copy's path
    data: dict[str, Any] = result.data
    patient = data.setdefault("patient", {})
    if into is not None:
        patient["id"] = into
    person_id = str(patient.get("id", ""))
    if into is None and new_id is not None and person_id:
        person_id = patient["id"] = new_id(person_id)
    merged = False
    save_on = 0
    if person_id and (into is not None or state.store.exists(person_id)):
        # into a person's page: they must still be stored (NotFound when deleted meanwhile),
        # and the save names the version read, so a delete landing after this read is a
        # Conflict; a file never brings a deleted person back as a new record
        current, stored_version = state.store.get_latest(person_id)
        if into is not None and base is not None and base != stored_version:
            raise Conflict(person_id, base, stored_version)
        data = merge_into(current, data, result.report)
        merged, save_on = True, stored_version
    if not data.get("patient", {}).get("sex"):
        raise RecordInvalid([Problem("patient.sex", "the file has no Patient with a sex")], name)
    record = validate_record(data, state.kb, state.today(), name)
    note = f"uploaded {name} in the web app (FHIR"
    note += f" Bundle {result.report.bundle_id})" if result.report.bundle_id else ")"
    saved_id, version = state.store.save(record.file, note, base=save_on)
    return Imported(saved_id, version, merged, result.report, list(record.warnings))


# How many people a page offers to choose from; past it, the id is typed.
PEOPLE_LISTED = 50


def _people_in(path: Path) -> list[tuple[str, str]]:
    """The people of a FHIR file, (id, "female, born 1960"), the first `PEOPLE_LISTED`."""
    from nextline.fhir import read_fhir
    from nextline.fhir._people import find_people

    people = find_people(read_fhir(path))
    return [(pid, people.labels.get(pid, "no details")) for pid in people.ids[:PEOPLE_LISTED]]


def _in_words(problem: Problem) -> Problem:
    """The importer speaks to the command line (`--patient ID`); the page has a field."""
    if problem.path != "--patient":
        return problem
    reason = problem.reason.replace(
        "choose one with --patient ID.", "choose the one to add below and upload again."
    )
    return Problem("patient", reason, problem.severity)


def _already_stored(person_id: str, name: str) -> RecordInvalid:
    return RecordInvalid(
        [
            Problem(
                "patient.id",
                f"a record with the id {person_id} is already stored; to add this file as a "
                "new version of it, upload it from that person's 'Add to the record' page",
            )
        ],
        name,
    )


__all__ = [
    "CARRY_LIMIT",
    "ChoosePerson",
    "Imported",
    "Preview",
    "import_upload",
    "is_fhir",
    "preview_replacement",
    "safe_name",
]
