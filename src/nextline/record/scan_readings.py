"""`ScanReading`: what every reader of a scan needs from its lesions, read once per record.

Why here, in the normalised record, and not in the engine: a scan's lesions say the same
thing whatever date the record is read on and whichever line is asked about: each lesion's
size (a node by its short axis), the lesions marked new, those marked as clearly grown, and
the ids a bone scan shows. Reading them is most of what grouping scans into RECIST
assessments costs (a few hundred lesion readings per record), and every command that reads a
person (status, options, questions, the report, the dashboard, a trials re-match) asks for
them again. Read once when the record is built, they travel with it, in the record cache
too; the engine only groups them by date and applies the knowledge base's size for a lesion
too small to measure, which belongs to the rules, not to the scan.

Pure: a function of the scans alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from operator import itemgetter
from typing import NamedTuple

from nextline.record.file_models import Lesion, Scan

BONE_SCAN = "bone scan"  # the `modality` whose new lesions need confirming by other imaging

# One lesion as read on one scan, and where it is: (lesion, scan index, lesion index).
# A plain tuple because the engine reads hundreds per record; the path is built when shown.
SeenLesion = tuple[Lesion, int, int]


class ScanReading(NamedTuple):
    """One scan's lesions, read once. `sizes` holds None for a lesion that cannot be read
    and for one too small to measure (listed in `too_small`: its size is the rules' to
    give); `unique` is False when an id is repeated on the scan (records never have one,
    and a reader then reads the lesions again, the latest reading of an id winning)."""

    date: dt.date
    position: int  # the scan's index in `imaging`
    path: str  # imaging[i]
    label: str | None  # the scan's `assessment` label
    marked_baseline: bool
    bone_scan: bool
    lesions: dict[str, SeenLesion]
    sizes: dict[str, float | None]
    too_small: tuple[str, ...]
    new_ids: tuple[str, ...]
    progressed: tuple[tuple[str, str, str], ...]  # (id, role, path) marked clearly grown
    bone_ids: frozenset[str]  # every lesion id on a bone scan, else empty
    unique: bool


_NONE: frozenset[str] = frozenset()


def read_scans(scans: Sequence[Scan]) -> tuple[ScanReading, ...]:
    """Every scan read once, in date order (scans of one day keep their file order)."""
    readings = [read_scan(i, scan) for i, scan in enumerate(scans)]
    readings.sort(key=itemgetter(0))  # by date; stable
    return tuple(readings)


def read_scan(index: int, scan: Scan) -> ScanReading:
    """One scan's lesions, read in one pass.

    The fields are read as the model holds them (`__dict__`): pydantic's `__getattr__`
    turns off the interpreter's fast attribute reads, so one `__dict__` read and subscripts
    cost a third of reading the same fields as attributes."""
    fields = scan.__dict__
    lesions: dict[str, SeenLesion] = {}
    sizes: dict[str, float | None] = {}
    too_small: list[str] = []
    new_ids: list[str] = []
    progressed: list[tuple[str, str, str]] = []
    count = 0
    for j, lesion in enumerate(fields["lesions"]):
        one = lesion.__dict__
        lesion_id = one["id"]
        lesions[lesion_id] = (lesion, index, j)
        sizes[lesion_id] = lesion_size(lesion)
        if one["too_small_to_measure"] and not one["not_evaluated"]:
            too_small.append(lesion_id)
        if one["role"] == "new":
            new_ids.append(lesion_id)
        if one["status"] == "unequivocal_progression":
            progressed.append((lesion_id, one["role"], f"imaging[{index}].lesions[{j}]"))
        count += 1
    bone_scan = fields["modality"] == BONE_SCAN
    return ScanReading(
        fields["date"],
        index,
        f"imaging[{index}]",
        fields["assessment"],
        fields["baseline"],
        bone_scan,
        lesions,
        sizes,
        tuple(too_small),
        tuple(new_ids),
        tuple(progressed),
        frozenset(lesions) if bone_scan else _NONE,
        count == len(lesions),
    )


def lesion_size(lesion: Lesion) -> float | None:
    """A lesion's size in mm (a node by its short axis; an absent one 0); None when it
    cannot be read or is too small to measure (whose size the RECIST rules give)."""
    one = lesion.__dict__
    if one["not_evaluated"] or one["too_small_to_measure"]:
        return None
    size: float | None = one["short_axis_mm"] if one["node"] else one["longest_mm"]
    if size is None and one["status"] == "absent":
        return 0.0
    return size
