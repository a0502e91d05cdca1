"""Number the lines of metastatic therapy.

The rule (patient format, "lines of therapy"): lines are numbered by start date; a drug added
to or dropped from a running combination does not start a new line; a switch after
progression does. Two further rules used by oncology real-world-data groups and stated here
so they can be questioned: a drug replaced by one of the same class after side effects is the
same line (intolerance is not progression), and resuming the same drugs after a planned break
is the same line. A new drug started after part of a combination stopped for growth starts a
new line even when another drug carries on (trastuzumab continued with a new partner).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# A restart more than this long after a stop that was not a planned break counts as a new
# line even with the same drugs: the disease has had time to change.
_MAX_GAP = dt.timedelta(days=90)


@dataclass(frozen=True)
class LineCandidate:
    """What line numbering needs to know about one metastatic drug entry."""

    index: int
    start: dt.date
    stop: dt.date | None
    stop_reason: str | None
    drug_keys: frozenset[str]
    drug_classes: tuple[frozenset[str], ...]


def _same_treatment_continues(
    previous: list[LineCandidate], entry: LineCandidate, line_stop: dt.date | None
) -> bool:
    last = max(previous, key=lambda c: (c.stop or dt.date.max, c.index))
    if last.stop_reason == "progression" and last.stop is not None and entry.start >= last.stop:
        return False  # a switch after progression is a new line
    given = frozenset().union(*(c.drug_keys for c in previous))
    if not entry.drug_keys <= given and any(
        c.stop_reason == "progression" and c.stop is not None and entry.start >= c.stop
        for c in previous
    ):
        # a new drug after part of the combination stopped for growth is a new line, even
        # when a drug of the old line carries on (trastuzumab continued with a new partner)
        return False
    if line_stop is None or entry.start < line_stop:
        return True  # added while the combination was still running
    # Started on the day the combination stopped: a switch (the web form's "it replaces it"
    # writes exactly that), judged by the rules below, not an addition to a running line.
    gap = entry.start - line_stop
    if last.stop_reason != "break" and gap > _MAX_GAP:
        return False
    before = frozenset().union(*(c.drug_keys for c in previous if c.stop == line_stop))
    if entry.drug_keys <= before or before <= entry.drug_keys:
        return True  # a drug dropped or added, or the same drugs after a break
    if last.stop_reason == "toxicity":
        previous_classes = [cls for c in previous if c.stop == line_stop for cls in c.drug_classes]
        return all(any(classes & old for old in previous_classes) for classes in entry.drug_classes)
    return False


def number_lines(candidates: list[LineCandidate]) -> dict[int, int]:
    """Map each candidate's index to its line number (1-based), in start-date order."""
    numbers: dict[int, int] = {}
    current: list[LineCandidate] = []
    line = 0
    for entry in sorted(candidates, key=lambda c: (c.start, c.index)):
        if current:
            stops = [c.stop for c in current]
            line_stop = None if any(s is None for s in stops) else max(s for s in stops if s)
            if _same_treatment_continues(current, entry, line_stop):
                current.append(entry)
                numbers[entry.index] = line
                continue
        line += 1
        current = [entry]
        numbers[entry.index] = line
    return numbers
