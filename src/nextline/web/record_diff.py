"""What replacing a stored record with another would change, per part of the record: entries
added, removed and changed, each in plain words ("your CEA result of 1 May 2025").

Why: an uploaded patient file replaces the whole record. Before anything is stored the person
sees what would go and what would come, and chooses. Pure: two `PatientFile`s in, words out.

Entries are matched, not compared by position: an entry found unchanged anywhere in the other
list is unchanged (a file that lists the labs in another order changes nothing); of the rest,
two entries with the same identity (the same test on the same day, the same site, the same
scan date and kind) are one entry changed; what is left was added or removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nextline.record import PatientFile
from nextline.record.file_models import LIST_SECTIONS
from nextline.web.entry_words import entry_words

# The fields that say which entry this is (not what it says), in any section.
_IDENTITY = ("kind", "test", "loinc", "modality", "site", "role", "condition", "what", "date")
_DATES = ("date", "start", "since")

# The parts of the record that hold one thing, in plain words.
SINGLE_WORDS = {
    "nextline": "the file format version",
    "patient": "About the person",
    "diagnosis": "Diagnosis and stage",
    "goals": "Goals and preferences",
    "palliative_care": "Palliative care",
}


@dataclass
class SectionChange:
    """One part of the record: what would be added, removed and changed."""

    section: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.added) + len(self.removed) + len(self.changed)


def _identity(entry: dict[str, Any]) -> tuple[Any, ...]:
    day = next((entry[k] for k in _DATES if k in entry), None)
    return (day, *(entry.get(k) for k in _IDENTITY if k != "date"))


def _dump(value: Any) -> Any:
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", exclude_none=True)
    return value


def _list_change(old: PatientFile, new: PatientFile, section: str) -> SectionChange:
    before = [_dump(e) for e in getattr(old, section)]
    after = [_dump(e) for e in getattr(new, section)]
    left_old = list(range(len(before)))
    left_new: list[int] = []
    for j, entry in enumerate(after):
        same = next((i for i in left_old if before[i] == entry), None)
        if same is None:
            left_new.append(j)
        else:
            left_old.remove(same)
    change = SectionChange(section)
    for j in list(left_new):
        pair = next((i for i in left_old if _identity(before[i]) == _identity(after[j])), None)
        if pair is not None:
            left_old.remove(pair)
            left_new.remove(j)
            change.changed.append(entry_words(new, section, j))
    change.added = [entry_words(new, section, j) for j in left_new]
    change.removed = [entry_words(old, section, i) for i in left_old]
    return change


def _single_change(old: PatientFile, new: PatientFile, section: str) -> SectionChange:
    before, after = _dump(getattr(old, section)), _dump(getattr(new, section))
    change = SectionChange(section)
    words = SINGLE_WORDS.get(section, section.replace("_", " "))
    if before == after:
        return change
    if before is None:
        change.added.append(words)
    elif after is None:
        change.removed.append(words)
    elif isinstance(before, dict) and isinstance(after, dict):
        keys = [k for k in {**before, **after} if before.get(k) != after.get(k)]
        change.changed.append(f"{words}: {', '.join(k.replace('_', ' ') for k in keys)}")
    else:
        change.changed.append(words)
    return change


def record_changes(old: PatientFile, new: PatientFile) -> list[SectionChange]:
    """Every part of the record that would change, in the patient file's order."""
    out = []
    for section in PatientFile.model_fields:
        if section in LIST_SECTIONS:
            change = _list_change(old, new, section)
        else:
            change = _single_change(old, new, section)
        if change.count:
            out.append(change)
    return out


__all__ = ["SINGLE_WORDS", "SectionChange", "record_changes"]
