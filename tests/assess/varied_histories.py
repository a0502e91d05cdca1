"""Invented people with varied lesion histories, to compare the assess engine's output with a
stored reading of the same people (`test_recist_varied_histories.py`).

Why: the bench's people all look alike (the same targets every scan, one bone non-target).
A faster engine must read every kind of history the same way, so this builder draws each
case the bench never has: lesions that appear, disappear or come back; ids that split
(`t1` becomes `t1a` and `t1b`) or merge; lymph nodes measured by short axis, some under
10 mm; too-small and not-evaluated readings; targets with no size; non-targets present,
absent or clearly grown; new lesions on a bone scan alone, later seen (or not) on CT; scans
less than 15 days apart, with and without `assessment` labels; scans marked `baseline`;
missing scans; lines that overlap, stop for progression or run on; as-of dates before,
between and after the scans. Deterministic: the same seed gives the same people.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

ORGANS = ("liver", "lung", "adrenal", "skin", "peritoneum", "bone", "brain", "Liver")
MODALITIES = ("CT", "CT", "CT", "MRI", "PET-CT", "bone scan", "X-ray", "ultrasound")
DRUGS = (
    ["letrozole", "palbociclib"],
    ["fulvestrant"],
    ["capecitabine"],
    ["paclitaxel"],
    ["trastuzumab deruxtecan"],
    ["eribulin"],
)
FIRST = dt.date(2022, 1, 1)


def _lesion(
    rng: random.Random, lesion_id: str, role: str, node: bool, size: float, odd: float = 1.0
) -> dict[str, Any]:
    """One reading of a lesion, sometimes an odd one (`odd` scales how often)."""
    out: dict[str, Any] = {"id": lesion_id, "role": role}
    if rng.random() < 0.9:
        out["organ"] = "lymph node" if node else rng.choice(ORGANS)
    if node:
        out["node"] = True
    pick = rng.random() / odd if odd else 1.0
    if role == "non_target":
        out["status"] = rng.choice(
            ["present", "present", "present", "absent", "unequivocal_progression", None]
        )
        if out["status"] is None:
            del out["status"]
        if rng.random() < 0.05 * odd:
            out["not_evaluated"] = True
        return out
    if pick < 0.05:
        out["too_small_to_measure"] = True
    elif pick < 0.09:
        out["not_evaluated"] = True
    elif pick < 0.12:
        pass  # a target with no size
    elif pick < 0.15:
        out["status"] = "absent"
    elif pick < 0.17:
        out["status"] = "unequivocal_progression"
        out["short_axis_mm" if node else "longest_mm"] = size
    else:
        out["short_axis_mm" if node else "longest_mm"] = size
    return out


def varied_file(rng: random.Random, index: int) -> dict[str, Any]:
    """One invented person with a varied history (see the module docstring)."""
    n_scans = rng.choice([0, 1, 2, 3, 5, 8, 12, 16])
    odd = rng.choice([0.0, 0.2, 1.0])  # how often a reading is odd: never, now and then, often
    day = FIRST + dt.timedelta(days=rng.randint(0, 60))
    dates = []
    for _ in range(n_scans):
        dates.append(day)
        day += dt.timedelta(days=rng.choice([0, 3, 10, 14, 15, 16, 30, 42, 42, 60, 90]))
    # lesions: (id, node, size, role at baseline)
    pool: list[list[Any]] = []
    measurable_only_by_eye = rng.random() < 0.15  # non-target disease only (RECIST Table 2)
    for j in range(rng.randint(0, 6)):
        node = rng.random() < 0.25
        size = float(rng.choice([0, 5, 8, 9.9, 10, 12, 15, 22, 35, 60, 110]))
        role = rng.choice(["target", "target", "target", "non_target"])
        if measurable_only_by_eye:
            role = "non_target"
        pool.append([f"{'n' if node else 't'}{j}", node, size, role])
    imaging = []
    extra = 0
    for date in dates:
        lesions = []
        for item in pool:
            if rng.random() < 0.1 * odd:
                continue  # not on this scan
            item[2] = max(0.0, round(item[2] * rng.uniform(0.5, 1.5), 1))
            lesions.append(_lesion(rng, item[0], item[3], item[1], item[2], odd))
        roll = rng.random()
        if roll < 0.12:  # a new lesion
            extra += 1
            lesions.append(
                _lesion(rng, f"new{extra}", "new", rng.random() < 0.2, rng.randint(3, 30))
            )
        elif roll < 0.18 and pool:  # a split: one id becomes two new ids, later targets
            victim = rng.choice(pool)
            pool.remove(victim)
            for half in ("a", "b"):
                pool.append([f"{victim[0]}{half}", victim[1], victim[2] / 2, "target"])
        elif roll < 0.22 and len(pool) > 1:  # a merge: two ids become one
            one, two = rng.sample(pool, 2)
            pool.remove(one)
            pool.remove(two)
            pool.append([f"{one[0]}+{two[0]}", one[1], one[2] + two[2], "target"])
        elif roll < 0.26 and extra:  # an earlier new lesion read again, maybe as a target
            lesions.append(
                _lesion(rng, f"new{extra}", rng.choice(["new", "target", "non_target"]), False, 12)
            )
        if rng.random() < 0.1:
            rng.shuffle(lesions)
        if len({les["id"] for les in lesions}) < len(lesions):
            continue  # one id twice on one scan: the file would say so, not our case here
        scan: dict[str, Any] = {
            "date": date.isoformat(),
            "modality": rng.choice(MODALITIES),
            "lesions": lesions,
        }
        if rng.random() < 0.1:
            scan["baseline"] = True
        if rng.random() < 0.1:
            scan["assessment"] = rng.choice(["A", "B"])
        if rng.random() < 0.05:
            scan["impression"] = rng.choice(["stable disease", "new spine lesion", "progression"])
        imaging.append(scan)
    if rng.random() < 0.2:
        rng.shuffle(imaging)  # files are not always in date order

    therapies = []
    start = FIRST + dt.timedelta(days=rng.randint(-30, 120))
    for n in range(rng.randint(0, 4)):
        entry: dict[str, Any] = {
            "setting": "metastatic",
            "drugs": DRUGS[(index + n) % len(DRUGS)],
            "start": start.isoformat(),
        }
        length = rng.choice([20, 60, 120, 200, 400])
        if n < 3 and rng.random() < 0.8:
            stop = start + dt.timedelta(days=length)
            entry["stop"] = stop.isoformat()
            entry["stop_reason"] = rng.choice(["progression", "progression", "toxicity", None])
            if entry["stop_reason"] is None:
                del entry["stop_reason"]
            start = stop + dt.timedelta(days=rng.choice([0, 2, 10, 30]))
        else:
            start = start + dt.timedelta(days=length)
        therapies.append(entry)
    labs = [
        {
            "date": (FIRST + dt.timedelta(days=30 * k)).isoformat(),
            "test": "CA 15-3",
            "value": rng.randint(10, 200),
            "unit": "U/mL",
        }
        for k in range(rng.randint(0, 6))
    ]
    return {
        "nextline": 1,
        "patient": {
            "id": f"varied-{index}",
            "sex": "female",
            "menopausal_status": "postmenopausal",
        },
        "diagnosis": {"metastatic_since": "2021-12-01"},
        "metastases": [{"site": "liver", "since": "2021-12-01"}],
        "therapies": therapies,
        "imaging": imaging,
        "labs": labs,
    }


def as_of_dates(rng: random.Random) -> list[dt.date]:
    """Dates to read one person at: early, in the middle, late."""
    return sorted({FIRST + dt.timedelta(days=rng.randint(0, 900)) for _ in range(3)})
