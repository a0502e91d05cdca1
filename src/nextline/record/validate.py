"""Validate plain data all the way to a `PatientRecord`, reporting every problem at once.

Why a second pass: when the schema rejects some entries, the remaining entries are still
checked (stop before start, units, dates), so a person fixing a file sees every problem in
one run instead of one layer per run. Invalid entries are set aside for the second pass only;
nothing from a file with errors is ever returned or stored.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from pydantic import ValidationError

from nextline.errors import Problem, RecordInvalid
from nextline.knowledge import Knowledge
from nextline.record.build import build_record
from nextline.record.file_models import PatientFile
from nextline.record.parse import problems_from_validation
from nextline.record.record import PatientRecord

# Stand-ins used only to run the second pass when a required section itself is invalid.
_STAND_INS: dict[str, Any] = {
    "nextline": 1,
    "patient": {"id": "unchecked", "sex": "male"},
    "diagnosis": {},
}


def _set_aside_invalid(data: dict[str, Any], exc: ValidationError) -> dict[str, Any]:
    pruned = copy.deepcopy(data)
    doomed: dict[str, set[int]] = {}
    for error in exc.errors():
        loc = error["loc"]
        if not loc:
            continue
        section = str(loc[0])
        if len(loc) > 1 and isinstance(loc[1], int) and isinstance(pruned.get(section), list):
            doomed.setdefault(section, set()).add(loc[1])
        elif section in _STAND_INS:
            pruned[section] = _STAND_INS[section]
        else:
            pruned.pop(section, None)
    for section, indexes in doomed.items():
        pruned[section] = [x for i, x in enumerate(pruned[section]) if i not in indexes]
    return pruned


def _second_pass(
    data: dict[str, Any], exc: ValidationError, kb: Knowledge, as_of: dt.date
) -> list[Problem]:
    try:
        partial = PatientFile.model_validate(_set_aside_invalid(data, exc))
        found = list(build_record(partial, kb, as_of).warnings)
    except ValidationError:
        return []
    except RecordInvalid as later:
        found = later.problems + later.warnings
    # Paths of list entries after a set-aside one would be shifted; keep only the problems
    # whose section had nothing set aside.
    bad_sections = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
    return [p for p in found if p.path.split("[")[0].split(".")[0] not in bad_sections]


def validate_record(data: Any, kb: Knowledge, as_of: dt.date, source: str = "") -> PatientRecord:
    """Plain data to a `PatientRecord`, or `RecordInvalid` listing every error found."""
    try:
        file = PatientFile.model_validate(data)
    except ValidationError as exc:
        problems = problems_from_validation(exc)
        if isinstance(data, dict):
            problems += _second_pass(data, exc, kb, as_of)
        raise RecordInvalid(problems, source) from exc
    try:
        return build_record(file, kb, as_of)
    except RecordInvalid as exc:
        raise RecordInvalid(exc.problems + exc.warnings, source) from exc


def file_to_record(
    file: PatientFile, kb: Knowledge, as_of: dt.date, source: str = ""
) -> PatientRecord:
    """A validated `PatientFile` to a record, naming `source` in any error."""
    try:
        return build_record(file, kb, as_of)
    except RecordInvalid as exc:
        raise RecordInvalid(exc.problems + exc.warnings, source) from exc
