"""The assess engine reads varied lesion histories exactly as it did before the speed-up of
issue 17: lesions appearing, disappearing and coming back, split and merged ids, nodes under
10 mm, too-small and not-evaluated readings, new lesions on bone scans only, scans read
together, missing scans (`varied_histories.py` draws them).

The stored digests (`data/varied_histories_digests.json`) were worked out on the engine from
before the speed-up; any change to a status a person can see, or to one line's RECIST
reading as the options engine asks for it, changes a digest. A failure names each person and
date that changed. If a change of output is intended, say why in the commit and rewrite the
file on purpose; a speed-up must never need that.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import random
from collections import Counter
from pathlib import Path

import pytest

from nextline.assess import assess_status, status_json
from nextline.assess.recist import assess_one_line
from nextline.knowledge import Knowledge
from nextline.record import PatientFile, PatientRecord, build_record
from tests.assess.varied_histories import as_of_dates, varied_file

STORED = Path(__file__).parent / "data" / "varied_histories_digests.json"
BUILT_AS_OF = dt.date(2026, 1, 1)


def _canonical(data: object) -> bytes:
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode()


def _people(kb: Knowledge, n: int) -> list[tuple[int, PatientRecord, list[dt.date]]]:
    out = []
    for i in range(n):
        rng = random.Random(i)
        data = varied_file(rng, i)
        record = build_record(PatientFile.model_validate(data), kb, BUILT_AS_OF)
        out.append((i, record, as_of_dates(rng)))
    return out


def _digest(record: PatientRecord, kb: Knowledge, day: dt.date) -> str:
    assert kb.assess is not None
    status = hashlib.sha256(_canonical(status_json(assess_status(record, kb, day)))).hexdigest()
    lines = record.lines_as_of(day)
    ones = [
        hashlib.sha256(
            _canonical(
                dataclasses.asdict(assess_one_line(lines, p, record.imaging, kb.assess.recist, day))
            )
        ).hexdigest()[:16]
        for p in range(len(lines))
    ]
    return status[:24] + ":" + ",".join(ones)


@pytest.fixture(scope="module")
def people(kb: Knowledge) -> list[tuple[int, PatientRecord, list[dt.date]]]:
    stored = json.loads(STORED.read_text())
    return _people(kb, stored["people"])


def test_every_varied_history_reads_as_it_did_before_the_speed_up(
    people: list[tuple[int, PatientRecord, list[dt.date]]], kb: Knowledge
) -> None:
    stored: dict[str, str] = json.loads(STORED.read_text())["digests"]
    now = {f"{i}@{day}": _digest(record, kb, day) for i, record, days in people for day in days}
    assert sorted(now) == sorted(stored)
    changed = [key for key, value in stored.items() if now[key] != value]
    assert changed == []


def test_the_varied_histories_reach_every_reading_a_person_can_see(
    people: list[tuple[int, PatientRecord, list[dt.date]]], kb: Knowledge
) -> None:
    """The comparison is worth something only if the people reach every RECIST rule, every
    status and the odd cases (a new spot on a bone scan only, targets not read)."""
    seen: Counter[str] = Counter()
    for _, record, days in people:
        for day in days:
            status = assess_status(record, kb, day)
            seen[status.overall] += 1
            for response in status.recist:
                for point in response.timepoints:
                    seen.update(point.rules)
                    seen["target " + str(point.target)] += 1
                    seen["non-target " + str(point.non_target)] += 1
                    if point.unconfirmed_new_lesions:
                        seen["bone scan only"] += 1
                    if len(point.paths) > 1 + len(point.new_lesions):
                        seen["several paths"] += 1
    wanted = {
        "working",
        "unclear",
        "not_working",
        "no_current_treatment",
        "recist_pd_target_sum",
        "recist_pd_new_lesion",
        "recist_pd_non_target",
        "recist_new_lesion_bone_scan_needs_confirming",
        "recist_cr",
        "recist_pr",
        "recist_pr_targets_gone_non_targets_remain",
        "recist_sd",
        "recist_ne_target_not_evaluated",
        "recist_ne_non_target_not_evaluated",
        "recist_non_cr_non_pd",
        "recist_cr_non_target",
        "target None",
        "target NE",
        "non-target None",
        "non-target CR",
        "non-target NE",
        "bone scan only",
        "several paths",
    }
    assert sorted(wanted - set(seen)) == []
