"""Record paths in plain words: `imaging[3].lesions[1]` as "lesion liver-2 on your CT scan of
20 November 2025", `therapies[4]` as "your paclitaxel (from 3 March 2023)".

Why: the engines cite the entry each conclusion rests on by its path in the patient file (so
a machine can follow it); a person reads which scan, test or treatment it means. Pure: a
patient file and text in, text out; a path that points nowhere is left as written.
"""

from __future__ import annotations

import re
from typing import Any

from nextline.record import PatientFile
from nextline.web.rendering import nice_date
from nextline.web.scan_sites import scan_name

_PATH = re.compile(r"\b([a-z_]+)\[(\d+)\](?:\.lesions\[(\d+)\])?(?:\.[a-z_]+)*")
_FIELD = re.compile(
    r"\b(patient|goals|diagnosis|palliative_care)\.([a-z_]+)\b(?:\[\d+\])?(?:\.[a-z_]+)*"
)
# Single sections and their fields, as a person would name them.
_FIELDS = {
    ("patient", "menopausal_status"): "your menopausal status",
    ("patient", "birth_date"): "your date of birth",
    ("patient", "birth_year"): "your year of birth",
    ("patient", "sex"): "your record (sex)",
    ("patient", "location"): "your location",
}
_SECTIONS = {
    "patient": "your details",
    "goals": "your goals and preferences",
    "diagnosis": "your diagnosis",
    "palliative_care": "your palliative care",
}

# Section -> the words for one of its entries (the entry's date is added after them).
_NOUNS = {
    "tumor_tests": "tumor test",
    "germline_tests": "inherited gene test",
    "symptoms": "symptom report",
    "performance": "activity level (ECOG)",
    "assessments": "care team's assessment",
    "appointments": "appointment",
    "comorbidities": "other health condition",
}


def _day(value: Any) -> str:
    return nice_date(value) if value is not None else ""


def _therapy(entry: Any) -> str:
    what = (
        " + ".join(entry.drugs)
        if entry.drugs
        else {"radiation": "radiation", "surgery": "operation"}.get(entry.kind, "treatment")
    )
    start = entry.start or entry.date
    return f"your {what}" + (f", started {_day(start)}" if start else "")


def _entry(file: PatientFile, section: str, index: int, lesion: int | None) -> str | None:
    items = getattr(file, section, None)
    if not isinstance(items, list) or not 0 <= index < len(items):
        return None
    entry = items[index]
    if section == "imaging":
        scan = f"your {scan_name(entry.modality)} of {_day(entry.date)}"
        if lesion is not None and 0 <= lesion < len(entry.lesions):
            return f"lesion {entry.lesions[lesion].id} on {scan}"
        return scan
    if section == "therapies":
        return _therapy(entry)
    if section == "labs":
        name = entry.test or entry.loinc or "lab"
        return f"your {name} result of {_day(entry.date)}"
    if section == "side_effects":
        return f"your {entry.term} (side effect, {_day(entry.date)})"
    if section == "metastases":
        return f"the cancer's spread to the {entry.site.replace('_', ' ')} on your record"
    if section == "care_team":
        return f"your {entry.role.replace('_', ' ')}"
    noun = _NOUNS.get(section)
    if noun is None:
        return None
    day = getattr(entry, "date", None) or getattr(entry, "since", None)
    return f"your {noun}" + (f" of {_day(day)}" if day else "")


def entry_words(file: PatientFile, section: str, index: int) -> str:
    """One entry in plain words ("your CEA result of 1 May 2025"), for notes and pages."""
    words = _entry(file, section, index, None)
    if words is not None:
        return words
    day = getattr(getattr(file, section)[index], "date", None)
    return f"an entry in {section.replace('_', ' ')}" + (f" of {_day(day)}" if day else "")


def cite(text: Any, file: PatientFile | None) -> str:
    """`text` with every record path in it written as the entry it points to."""
    written = "" if text is None else str(text)
    if file is None:
        return written

    def plain(match: re.Match[str]) -> str:
        lesion = int(match.group(3)) if match.group(3) is not None else None
        words = _entry(file, match.group(1), int(match.group(2)), lesion)
        return words if words is not None else match.group(0)

    def field(match: re.Match[str]) -> str:
        section, name = match.group(1), match.group(2)
        return _FIELDS.get((section, name), _SECTIONS[section])

    return _FIELD.sub(field, _PATH.sub(plain, written))


__all__ = ["cite"]
