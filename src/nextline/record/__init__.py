"""The patient record: parse, validate and normalise a patient file into a `PatientRecord`.

Public surface: `read_patient_file` / `decode_patient_data` / `validate_patient_data` (bytes
and data to a `PatientFile`), `build_record` (a `PatientFile` to a `PatientRecord`),
`load_record` (both), and `dump_patient_file` (back to text).

The names are imported when first asked for (PEP 562), not with the package: an engine
that only reads a `PatientRecord` (`nextline status` on a stored person, whose normalised
record comes from `store.record_cache`) needs neither the builder nor the YAML library, and
importing them cost a reading command more than its own work.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nextline import lazy_exports

if TYPE_CHECKING:
    from nextline.knowledge import Knowledge
    from nextline.record.build import build_record, resolve_drug
    from nextline.record.export import dump_patient_file, patient_file_data
    from nextline.record.file_models import PatientFile
    from nextline.record.parse import (
        MAX_FILE_BYTES,
        decode_patient_data,
        read_patient_data,
        read_patient_file,
        validate_patient_data,
    )
    from nextline.record.receptors import her2_category, receptor_status
    from nextline.record.record import DrugRef, LabValue, Line, PatientRecord, TherapyEntry
    from nextline.record.validate import file_to_record, validate_record

# public name -> the module that defines it
_WHERE = {
    "MAX_FILE_BYTES": "parse",
    "DrugRef": "record",
    "LabValue": "record",
    "Line": "record",
    "PatientFile": "file_models",
    "PatientRecord": "record",
    "TherapyEntry": "record",
    "build_record": "build",
    "decode_patient_data": "parse",
    "dump_patient_file": "export",
    "file_to_record": "validate",
    "her2_category": "receptors",
    "patient_file_data": "export",
    "read_patient_data": "parse",
    "read_patient_file": "parse",
    "receptor_status": "receptors",
    "resolve_drug": "build",
    "validate_patient_data": "parse",
    "validate_record": "validate",
}


def __getattr__(name: str) -> Any:
    return lazy_exports.load(__name__, _WHERE, globals(), name)


def __dir__() -> list[str]:
    return lazy_exports.listing(_WHERE, globals())


def load_record(
    path: Path, kb: Knowledge | None = None, as_of: dt.date | None = None
) -> PatientRecord:
    """Read, validate and normalise a patient file (as of today unless told otherwise)."""
    from nextline.knowledge import load_knowledge
    from nextline.record.parse import read_patient_data
    from nextline.record.validate import validate_record

    data = read_patient_data(path)
    return validate_record(data, kb or load_knowledge(), as_of or dt.date.today(), str(path))


__all__ = [
    "MAX_FILE_BYTES",
    "DrugRef",
    "LabValue",
    "Line",
    "PatientFile",
    "PatientRecord",
    "TherapyEntry",
    "build_record",
    "decode_patient_data",
    "dump_patient_file",
    "file_to_record",
    "her2_category",
    "load_record",
    "patient_file_data",
    "read_patient_data",
    "read_patient_file",
    "receptor_status",
    "resolve_drug",
    "validate_patient_data",
    "validate_record",
]
