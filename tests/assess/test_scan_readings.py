"""Scans read once when the record is built (`PatientRecord.scan_readings`, issue 17) group
into exactly the assessments a plain reading of the scans gives.

The plain reading here is written from the rules, not from the engine's code: scans on or
before the date in date order (file order within a day); a scan less than 15 days after the
first scan of the open group joins it unless both carry different labels; within a group a
lesion's latest reading wins; sizes by the lesion (node by short axis, absent 0, too small
to measure the rules' default, not evaluated None). It runs on varied invented people (too
small lesions, bone scans, labelled and close scans) and on the records read
back from the record cache's pickle.
"""

from __future__ import annotations

import datetime as dt
import pickle
import random
from typing import Any

from nextline.assess.recist import group_assessments
from nextline.knowledge import Knowledge
from nextline.record import PatientFile, PatientRecord, build_record
from nextline.record.file_models import Lesion, Scan
from tests.assess.varied_histories import as_of_dates, varied_file

BUILT_AS_OF = dt.date(2026, 1, 1)


def _size(lesion: Lesion, too_small_mm: float) -> float | None:
    if lesion.not_evaluated:
        return None
    if lesion.too_small_to_measure:
        return too_small_mm
    size = lesion.short_axis_mm if lesion.node else lesion.longest_mm
    if size is None and lesion.status == "absent":
        return 0.0
    return size


def _plain(scans: list[Scan], as_of: dt.date, too_small_mm: float) -> list[dict[str, Any]]:
    ordered = sorted(
        [(s.date, i, s) for i, s in enumerate(scans) if s.date <= as_of], key=lambda t: t[0]
    )
    groups: list[list[tuple[int, Scan]]] = []
    for day, i, s in ordered:
        if groups:
            first = groups[-1][0][1]
            labels = {x.assessment for _, x in groups[-1]} - {None}
            label = next(iter(labels)) if labels else None
            close = (day - first.date).days < 15
            if close and (s.assessment is None or label is None or s.assessment == label):
                groups[-1].append((i, s))
                continue
        groups.append([(i, s)])
    out = []
    for group in groups:
        latest: dict[str, tuple[Lesion, int, int]] = {}
        for i, s in group:
            for j, les in enumerate(s.lesions):
                latest[les.id] = (les, i, j)
        bone = {les.id for _, s in group if s.modality == "bone scan" for les in s.lesions}
        other = {les.id for _, s in group if s.modality != "bone scan" for les in s.lesions}
        out.append(
            {
                "date": group[-1][1].date,
                "scan_paths": tuple(f"imaging[{i}]" for i, _ in group),
                "lesions": latest,
                "marked_baseline": any(s.baseline for _, s in group),
                "new_ids": tuple(k for k, v in latest.items() if v[0].role == "new"),
                "progressed": tuple(
                    (k, v[0].role, f"imaging[{v[1]}].lesions[{v[2]}]")
                    for k, v in latest.items()
                    if v[0].status == "unequivocal_progression"
                ),
                "sizes": {k: _size(v[0], too_small_mm) for k, v in latest.items()},
                "bone_scan_only": frozenset(bone - other),
            }
        )
    return out


def _people(kb: Knowledge, n: int) -> list[tuple[PatientRecord, list[dt.date]]]:
    out = []
    for i in range(n):
        rng = random.Random(7000 + i)  # people of their own
        record = build_record(PatientFile.model_validate(varied_file(rng, i)), kb, BUILT_AS_OF)
        out.append((record, as_of_dates(rng)))
    return out


def test_readings_kept_in_the_record_group_as_the_plain_reading(kb: Knowledge) -> None:
    differ = []
    checked = 0
    for record, days in _people(kb, 60):
        for source in (record, pickle.loads(pickle.dumps(record))):
            for day in days:
                for too_small in (5.0, 3.0):
                    fast = group_assessments(source.scan_readings, day, too_small)
                    plain = _plain(source.file.imaging, day, too_small)
                    got = [{k: getattr(a, k) for k in plain[0]} if plain else {} for a in fast]
                    if got != plain and not (not fast and not plain):
                        differ.append((record.id, day, too_small))
                    checked += 1
    assert checked >= 60 * 2 * 2
    assert differ == []


def test_a_record_built_by_hand_reads_its_scans_when_asked(kb: Knowledge) -> None:
    record, _ = _people(kb, 1)[0]
    by_hand = PatientRecord(
        file=record.file, therapies=record.therapies, lines=record.lines, labs=record.labs
    )
    assert by_hand.scan_readings == record.scan_readings
    assert len(record.scan_readings) == len([s for s in record.file.imaging])
    dates = [r.date for r in record.scan_readings]
    assert dates == sorted(dates)
