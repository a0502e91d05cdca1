"""Merge an import into a person already stored: add what is new, never overwrite.

A value the stored record already has and the import gives differently is a conflict: the
stored value is kept and the conflict is listed in the report, for the person to settle.
List entries are matched by what identifies them (a tumor test by date and specimen, a
therapy by kind, drugs and start, ...); an exact duplicate is skipped, a differing one is a
conflict.
"""

from __future__ import annotations

import copy
from typing import Any

from nextline.fhir.importer import asks_for
from nextline.fhir.report import ImportReport, Note
from nextline.record.export import patient_file_data
from nextline.record.file_models import PatientFile

_KEYS: dict[str, tuple[str, ...]] = {
    "tumor_tests": ("date", "specimen", "test_name"),
    "metastases": ("site", "location"),
    "therapies": ("kind", "drugs", "start", "date"),
    "labs": ("date", "test", "loinc"),
    "performance": ("date",),
    "assessments": ("date",),
    "comorbidities": ("condition",),
}


def _key(section: str, item: dict[str, Any]) -> tuple[Any, ...] | None:
    fields = _KEYS.get(section)
    if fields is None:
        return None
    return tuple(str(item.get(f, "")) for f in fields)


def merge_into(
    stored: PatientFile, imported: dict[str, Any], report: ImportReport
) -> dict[str, Any]:
    """The stored record with the imported data added; conflicts go to `report.conflicts`."""
    merged = patient_file_data(stored)
    incoming = copy.deepcopy(imported)
    for section in ("patient", "diagnosis"):
        have = merged.setdefault(section, {})
        for key, value in (incoming.get(section) or {}).items():
            if key == "id":
                continue
            if value == "unknown":
                # "unknown" is a gap, never an answer: it overwrites nothing, and a stored
                # answer settles the import's question about it
                if have.get(key) not in (None, "unknown"):
                    report.needs = [n for n in report.needs if not asks_for(n, key)]
                continue
            if have.get(key, "unknown") == "unknown":
                have[key] = value  # a gap (absent or unknown) is filled
            elif have[key] != value:
                report.conflicts.append(
                    Note(f"{section}.{key}", f"stored {have[key]!r}, bundle says {value!r}")
                )
    for section, items in incoming.items():
        if section in ("nextline", "patient", "diagnosis") or not isinstance(items, list):
            if section not in merged and section not in ("nextline", "patient", "diagnosis"):
                merged[section] = items
            continue
        have_list: list[dict[str, Any]] = merged.setdefault(section, [])
        for item in items:
            if item in have_list:
                continue
            key = _key(section, item)
            same = [old for old in have_list if key is not None and _key(section, old) == key]
            if same:
                report.conflicts.append(
                    Note(
                        f"{section} {dict(zip(_KEYS[section], key or (), strict=False))}",
                        f"stored {same[0]!r}, bundle says {item!r}",
                    )
                )
                continue
            have_list.append(item)
    return merged
