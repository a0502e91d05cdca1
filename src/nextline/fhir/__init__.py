"""FHIR R4 / mCODE in and out: import a Bundle (or NDJSON) into a patient file, resource by
resource with a report, and export a stored record as an mCODE Bundle.

Public surface: `read_fhir`/`sniff` (input: a file, an NDJSON file or a bulk-export
folder), `import_fhir` (mapping, with `ImportOptions` and the `ImportReport`;
`MultiplePeople` when the input holds several people and none was chosen), `merge_into`
(into an existing person, conflicts shown), `export_bundle`/`dump_bundle` (a `PatientFile`
to a Bundle dict, and to JSON text).
"""

from __future__ import annotations

from nextline.fhir._people import MultiplePeople
from nextline.fhir.export import dump_bundle, export_bundle
from nextline.fhir.importer import ImportOptions, ImportResult, import_fhir
from nextline.fhir.merge import merge_into
from nextline.fhir.reading import MAX_BUNDLE_BYTES, BundleTooLarge, read_fhir, sniff
from nextline.fhir.report import ImportReport, Mapped, Note

__all__ = [
    "MAX_BUNDLE_BYTES",
    "BundleTooLarge",
    "ImportOptions",
    "ImportReport",
    "ImportResult",
    "Mapped",
    "MultiplePeople",
    "Note",
    "dump_bundle",
    "export_bundle",
    "import_fhir",
    "merge_into",
    "read_fhir",
    "sniff",
]
