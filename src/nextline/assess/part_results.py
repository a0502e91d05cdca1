"""Results of the smaller assess parts: tumor markers, blood counts, symptoms.

Why a module of their own: `tumor_markers`, `blood_counts` and `symptoms` are compiled to
native code when the machine can build it (`scripts/build_native.py`), and classes defined in
a compiled module become native classes that pydantic cannot describe (the `status --json`
schema is built from these). Kept here, in plain Python, they are the same classes whether
the logic runs compiled or not; each part's module still exports its own.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from nextline.assess._evidence import Cite
from nextline.assess._value import value

# tumor_markers
Trend = Literal["rising", "slightly_rising", "falling", "unchanged", "single"]


@value
class MarkerPoint:
    date: dt.date
    value: float
    path: str


@value
class MarkerTrend:
    """One marker across a line: the value before it began, the lowest, the latest."""

    test: str
    name: str
    unit: str | None
    line: int
    values: tuple[MarkerPoint, ...]
    baseline: MarkerPoint | None
    nadir: MarkerPoint
    latest: MarkerPoint
    change_from_nadir_pct: float | None
    change_from_baseline_pct: float | None
    trend: Trend
    in_flare_window: bool
    text: str


# blood_counts
@value
class CountValue:
    """One count: its latest value, and the threshold it is read against (if any)."""

    test: str
    name: str
    value: float
    unit: str | None
    date: dt.date
    path: str
    min: float | None
    below: bool
    threshold_from: str | None  # "default" or the drug id whose label sets it
    label_text: str | None
    sources: tuple[Cite, ...]


@value
class BloodCounts:
    """The contract's `blood_counts`: the date, whether counts usually allow chemotherapy
    (None when the line is not chemotherapy, counts are missing or too old), what is low."""

    date: dt.date | None
    ready_for_chemo: bool | None
    below_threshold: tuple[str, ...]
    line: int | None
    chemo_drugs: tuple[str, ...]
    values: tuple[CountValue, ...]
    stale: bool
    message: str


# symptoms
Band = Literal["none", "mild", "moderate", "severe"]


@value
class SymptomTrend:
    item: str
    name: str
    date: dt.date
    score: int
    band: Band
    previous_score: int | None
    previous_date: dt.date | None
    change: int | None
    path: str


@value
class SideEffectChange:
    term: str
    grade: int
    date: dt.date
    change: Literal["new", "worse", "same", "better"]
    previous_grade: int | None
    path: str
