"""The latest blood calcium of a record on a date, corrected for albumin where it can be.
Pure.

Why: about 40 % of the calcium in blood is carried by albumin, and albumin is often low in
people with cancer, so a total calcium that looks normal can hide a high calcium (the
hypercalcaemia red flag needs the corrected figure). Labs print calcium three ways: as
measured ("calcium", "Ca", LOINC 17861-6), already corrected ("adjusted calcium",
"corrected calcium", LOINC 29265-6), or as measured with an albumin beside it. The names are
matched by `lab_tests.yaml`; the formula and its numbers are in `assess_thresholds.yaml`
(`calcium`), with their source.

The choices, stated so they can be questioned: the newest result wins, and on one day the
lab's own corrected value wins over nextline's; a total calcium is corrected only with an
albumin measured the same day, and only when that albumin is below the normal value (the
low albumin the formula is for); otherwise the measured value is returned, marked as not
corrected.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from nextline.assess._evidence import fmt
from nextline.knowledge.assess_schema import CalciumRules
from nextline.record.record import LabValue, PatientRecord

TOTAL = "calcium"
CORRECTED = "calcium_corrected"
ALBUMIN = "albumin"


class CalciumReading(NamedTuple):
    """A calcium level: (value in mg/dL, corrected for albumin or not, path, date). When
    nextline corrected it, `path` is the calcium result's (its albumin is from that day)."""

    value_mg_dl: float
    corrected: bool
    path: str
    date: dt.date


def _latest(record: PatientRecord, test_id: str, day: dt.date) -> LabValue | None:
    """The newest result of `test_id` on or before `day` with a value in canonical units."""
    for result in reversed(record.labs_of(test_id)):
        if result.date <= day and result.canonical_value is not None:
            return result
    return None


def _albumin_on(record: PatientRecord, day: dt.date) -> float | None:
    """An albumin (g/dL) measured on `day` exactly: the sample the calcium came from."""
    for result in reversed(record.labs_of(ALBUMIN)):
        if result.date == day and result.canonical_value is not None:
            return result.canonical_value
        if result.date < day:
            break
    return None


def corrected_calcium(measured_mg_dl: float, albumin_g_dl: float, rules: CalciumRules) -> float:
    """measured + factor x (normal albumin - albumin), the numbers from the knowledge base."""
    shortfall = rules.normal_albumin.value - albumin_g_dl
    return round(measured_mg_dl + rules.albumin_factor.value * shortfall, 2)


def latest_calcium(
    record: PatientRecord, rules: CalciumRules, day: dt.date
) -> CalciumReading | None:
    """The latest calcium on or before `day`, in mg/dL: the lab's corrected value, a total
    calcium corrected here for a low albumin of the same day, or the total as measured.
    None when no calcium is recorded by then."""
    lab_corrected = _latest(record, CORRECTED, day)
    total = _latest(record, TOTAL, day)
    if lab_corrected is not None and (total is None or lab_corrected.date >= total.date):
        assert lab_corrected.canonical_value is not None  # checked in `_latest`
        return CalciumReading(
            lab_corrected.canonical_value, True, lab_corrected.path, lab_corrected.date
        )
    if total is None:
        return None
    measured = total.canonical_value
    assert measured is not None  # checked in `_latest`
    albumin = _albumin_on(record, total.date)
    if albumin is not None and albumin < rules.normal_albumin.value:
        return CalciumReading(
            corrected_calcium(measured, albumin, rules), True, total.path, total.date
        )
    return CalciumReading(measured, False, total.path, total.date)


IONIZED = "calcium_ionized"


class CalciumVerdict(NamedTuple):
    """One calcium measure judged against its upper limit: what it was (plain words, with
    the unit), its path, and whether it was above the limit."""

    words: str
    path: str
    high: bool


def _lab_limit(record: PatientRecord, result: LabValue, default: float) -> float:
    """The lab's own upper limit in the test's canonical unit (the raw limit through the
    result's own conversion factor), or `default` when the lab gave no range."""
    ref_high = record.file.labs[result.index].ref_high
    if ref_high is None or not result.canonical_value or not result.value:
        return default
    return ref_high * result.canonical_value / result.value


def calcium_verdicts(
    record: PatientRecord,
    rules: CalciumRules,
    day: dt.date,
    within_days: int,
    limit_mg_dl: float,
    ionized_limit: float | None,
) -> list[CalciumVerdict]:
    """The latest total (or corrected) calcium and the latest ionised calcium of the
    `within_days` before `day`, each judged against the lab's own upper limit or, without a
    range, the given limit (mg/dL; mmol/L for ionised). Converted first, never compared raw.

    Why ionised too: some labs (and every blood-gas machine) report the free calcium only;
    CTCAE v5 grades hypercalcaemia on either (corrected total above 11.5 mg/dL, ionised above
    1.5 mmol/L: grade 2)."""
    out: list[CalciumVerdict] = []
    reading = latest_calcium(record, rules, day)
    if reading is not None and (day - reading.date).days <= within_days:
        results = (*record.labs_of(TOTAL, day), *record.labs_of(CORRECTED, day))
        measured = next((r for r in results if r.path == reading.path), None)
        limit = limit_mg_dl if measured is None else _lab_limit(record, measured, limit_mg_dl)
        how = "corrected calcium" if reading.corrected else "calcium"
        words = f"{how} {fmt(reading.value_mg_dl)} mg/dL on {reading.date}"
        out.append(CalciumVerdict(words, reading.path, reading.value_mg_dl > limit))
    if ionized_limit is not None:
        ionized = _latest(record, IONIZED, day)
        if ionized is not None and (day - ionized.date).days <= within_days:
            amount = ionized.canonical_value
            assert amount is not None  # checked in `_latest`
            limit = _lab_limit(record, ionized, ionized_limit)
            words = f"ionised calcium {fmt(amount)} mmol/L on {ionized.date}"
            out.append(CalciumVerdict(words, ionized.path, amount > limit))
    return out
