"""RECIST 1.1 results: the response at each follow-up of a line, and the line's own.

Why a module of their own: `recist` is compiled to native code when the machine can build
it (`scripts/build_native.py`), and classes defined in a compiled module become native
classes that pydantic cannot describe (the `status --json` schema is built from these). Kept
here, in plain Python, they are the same classes whether the logic runs compiled or not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import field
from typing import Literal

from nextline.assess._value import value

Response = Literal["CR", "PR", "SD", "PD", "NE", "non_CR_non_PD"]
NonTarget = Literal["CR", "non_CR_non_PD", "PD", "NE"]


@value
class Timepoint:
    """The response at one follow-up assessment of a line, with the rules that fired."""

    date: dt.date
    sum_mm: float | None
    change_from_baseline_pct: float | None
    change_from_nadir_pct: float | None
    nadir_mm: float | None
    target: Response | None
    non_target: NonTarget | None
    new_lesions: tuple[str, ...]
    overall: Response
    rule: str
    rules: tuple[str, ...]
    paths: tuple[str, ...]
    text: str
    # new lesions seen on a bone scan only: possible progression, not counted until confirmed
    unconfirmed_new_lesions: tuple[str, ...] = ()


@value
class LineResponse:
    """RECIST 1.1 for one line: its baseline, each follow-up, and the best response."""

    line: int
    baseline_date: dt.date | None
    baseline_sum_mm: float | None
    baseline_paths: tuple[str, ...]
    targets: tuple[str, ...]
    non_targets: tuple[str, ...]
    measurable: bool
    timepoints: tuple[Timepoint, ...]
    best_overall: Response | None
    warnings: tuple[str, ...] = field(default=())
