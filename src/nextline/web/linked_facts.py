"""Facts one entry made in another, kept true when that entry is corrected or deleted.

Why: two entries of the record carry a fact that belongs to another one.

- A new treatment that *replaces* the running one stops it on its own start date
  (`checked_forms._treatment_start`). Deleting the new treatment (it never happened) would
  leave the old line stopped "because the cancer grew"; correcting its start date would leave
  the old line stopped on the wrong day. The first is asked about (the person knows whether
  the old line stopped anyway); the second moves the old stop with the start.
- A lesion is `new` on the scan where it was first seen and an existing (non-target) lesion
  on the scans after (patient format; `editing._scan_context`). Taking it off that scan (it
  was typed on the wrong one), or deleting the scan, would leave no scan where it is new: a
  new lesion, which alone means progression (RECIST 1.1), would silently disappear. Adding it
  to an earlier scan would leave it new twice.

Each function works on the record's data (`patient_file_data`) in place and returns the plain
words that go into the version's "what changed" line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from nextline.web.checked_forms import STOP_REASONS

_LINE_SETTINGS = (None, "metastatic")


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _nice(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def stopped_by(therapies: list[dict[str, Any]], index: int) -> list[int]:
    """The drug treatments that treatment `index` would have stopped by replacing them: those
    begun before it and stopped on the day it started."""
    entry = therapies[index]
    start = _day(entry.get("start"))
    if entry.get("kind", "drug") != "drug" or start is None:
        return []
    if entry.get("setting") not in _LINE_SETTINGS:
        return []
    out = []
    for i, other in enumerate(therapies):
        began = _day(other.get("start") or other.get("date"))
        if (
            i != index
            and other.get("kind", "drug") == "drug"
            and other.get("setting") in _LINE_SETTINGS
            and _day(other.get("stop")) == start
            and began is not None
            and began < start
        ):
            out.append(i)
    return out


def replaced_words(therapies: list[dict[str, Any]], index: int) -> list[tuple[int, str]]:
    """Each treatment `index` stopped, in words: "letrozole + palbociclib, marked as stopped on
    1 June 2024 (the cancer grew)"."""
    out = []
    for i in stopped_by(therapies, index):
        other = therapies[i]
        stop = _day(other.get("stop"))
        assert stop is not None
        # "the cancer grew (progression)" -> "the cancer grew"
        why = dict(STOP_REASONS).get(str(other.get("stop_reason")), "").split(" (")[0]
        words = f"{' + '.join(other.get('drugs', []))}, marked as stopped on {_nice(stop)}"
        out.append((i, f"{words} (why: {why})" if why else words))
    return out


def restart(therapies: list[dict[str, Any]], indexes: list[int]) -> list[str]:
    """Take the stop away from the treatments `indexes` (they did not stop then)."""
    notes = []
    for i in indexes:
        for key in ("stop", "stop_reason"):
            therapies[i].pop(key, None)
        notes.append(f"{' + '.join(therapies[i].get('drugs', []))} marked as still going")
    return notes


def move_replaced_stop(
    therapies: list[dict[str, Any]], index: int, old_start: dt.date | None
) -> list[str]:
    """After treatment `index`'s start was corrected from `old_start`: the treatments it
    replaced (stopped on `old_start`) stop on the new start instead, when that is still after
    they began."""
    new_start = _day(therapies[index].get("start"))
    if old_start is None or new_start is None or new_start == old_start:
        return []
    before = [dict(t) for t in therapies]
    before[index] = {**before[index], "start": old_start.isoformat()}
    notes = []
    for i in stopped_by(before, index):
        began = _day(therapies[i].get("start") or therapies[i].get("date"))
        if began is not None and began < new_start:
            therapies[i]["stop"] = new_start.isoformat()
            names = " + ".join(therapies[i].get("drugs", []))
            notes.append(f"{names} now stops on {_nice(new_start)}, when the next one began")
    return notes


def _names(text: Any) -> list[str]:
    """The medicines a side effect's `therapy` names ("palbociclib", "letrozole + palbociclib")."""
    return [n.strip() for n in str(text or "").replace("+", ",").split(",") if n.strip()]


def side_effects_of(
    data: dict[str, Any], index: int, same: Callable[[str, str], bool]
) -> list[tuple[int, str]]:
    """The side effects that name a medicine of treatment `index` and of no other treatment:
    deleting it would leave them naming a treatment that is not in the record. (index, words)
    of each; `same` tells whether two names are one medicine (a brand and its generic)."""
    therapies = data.get("therapies", [])
    own = therapies[index].get("drugs", [])
    others = [d for i, t in enumerate(therapies) if i != index for d in t.get("drugs", [])]
    out = []
    for i, effect in enumerate(data.get("side_effects", [])):
        names = _names(effect.get("therapy"))
        if any(any(same(n, d) for d in own) for n in names) and not any(
            any(same(n, d) for d in others) for n in names
        ):
            day = _day(effect.get("date"))
            when = f", {_nice(day)}" if day else ""
            out.append((i, f"{effect.get('term')} ({effect.get('therapy')}{when})"))
    return out


def renamed_side_effects(
    before: list[dict[str, Any]], data: dict[str, Any], index: int
) -> list[str]:
    """After treatment `index`'s medicine names were corrected (one name for another, in the
    same place), the side effects that named the old name name the new one."""
    old = before[index].get("drugs", []) if index < len(before) else []
    new = data.get("therapies", [])[index].get("drugs", [])
    if len(old) != len(new):
        return []
    renamed = {a.lower(): b for a, b in zip(old, new, strict=True) if a.lower() != b.lower()}
    notes = []
    for effect in data.get("side_effects", []):
        names = _names(effect.get("therapy"))
        if any(n.lower() in renamed for n in names):
            effect["therapy"] = " + ".join(renamed.get(n.lower(), n) for n in names)
            notes.append(f"the side effect {effect.get('term')} now names {effect['therapy']}")
    return notes


def _appearances(scans: list[dict[str, Any]]) -> dict[str, list[tuple[dt.date, int, int]]]:
    """Each lesion's scans, earliest first: (date, scan index, lesion index)."""
    out: dict[str, list[tuple[dt.date, int, int]]] = {}
    for i, scan in enumerate(scans):
        day = _day(scan.get("date"))
        if day is None:
            continue
        for j, lesion in enumerate(scan.get("lesions", [])):
            out.setdefault(str(lesion.get("id")), []).append((day, i, j))
    for seen in out.values():
        seen.sort()
    return out


def relink_new_lesions(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[str]:
    """Keep each lesion `new` on the scan where it is now first seen, after scans were
    corrected or deleted (`before` -> `after`, changed in place)."""
    was = _appearances(before)
    now = _appearances(after)
    notes = []
    for lesion_id, seen in now.items():
        old = was.get(lesion_id)
        if not old or old[0][0] == seen[0][0]:
            continue  # first seen on the same day as before: nothing moved
        first_day, i, j = seen[0]
        old_first = before[old[0][1]]["lesions"][old[0][2]]
        first = after[i]["lesions"][j]
        moved_later = first_day > old[0][0]
        if moved_later and old_first.get("role") == "new" and first.get("role") == "non_target":
            # Taken off the scan it was first seen on (or that scan's date moved past the
            # next): new where it is first seen now.
            first["role"] = "new"
            notes.append(f"{lesion_id} is now new on the scan of {_nice(first_day)}")
        for day, k, m in seen[1:]:
            later = after[k]["lesions"][m]
            if later.get("role") == "new":
                # Seen earlier now: an existing lesion on the later scans.
                later["role"] = "non_target"
                notes.append(
                    f"{lesion_id} is no longer new on the scan of {_nice(day)}: it was "
                    f"already seen on {_nice(first_day)}"
                )
    return notes


__all__ = [
    "move_replaced_stop",
    "relink_new_lesions",
    "renamed_side_effects",
    "replaced_words",
    "restart",
    "side_effects_of",
    "stopped_by",
]
