"""Small explicit builders for patient files in tests: every value is visible at the call."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nextline.knowledge import Knowledge
from nextline.record import PatientFile, PatientRecord, build_record, validate_patient_data

AS_OF = dt.date(2025, 6, 1)


def make_file(**sections: Any) -> dict[str, Any]:
    """A minimal valid patient file as plain data, with `sections` merged on top."""
    data: dict[str, Any] = {
        "nextline": 1,
        "patient": {"id": "test-person", "sex": "female", "menopausal_status": "postmenopausal"},
        "diagnosis": {"metastatic_since": "2021-01-01"},
    }
    data.update(sections)
    return data


def make_record(kb: Knowledge, as_of: dt.date = AS_OF, **sections: Any) -> PatientRecord:
    file: PatientFile = validate_patient_data(make_file(**sections))
    return build_record(file, kb, as_of)
