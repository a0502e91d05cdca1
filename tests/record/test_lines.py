"""Line numbering (`nextline.record.lines`): what starts a new line of metastatic therapy."""

from __future__ import annotations

import datetime as dt

from nextline.record.lines import LineCandidate, number_lines

D = dt.date.fromisoformat


def _entry(
    index: int, start: str, stop: str | None, reason: str | None, *drugs: str
) -> LineCandidate:
    return LineCandidate(
        index,
        D(start),
        D(stop) if stop else None,
        reason,
        frozenset(drugs),
        tuple(frozenset({f"class_of_{d}"}) for d in drugs),
    )


def test_a_new_partner_after_growth_is_a_new_line_though_trastuzumab_carries_on() -> None:
    numbers = number_lines(
        [
            _entry(0, "2025-06-10", "2026-09-01", "progression", "trastuzumab"),
            _entry(1, "2025-06-10", "2026-01-15", "progression", "docetaxel", "pertuzumab"),
            _entry(2, "2026-01-20", "2026-09-01", "progression", "vinorelbine"),
        ]
    )
    assert numbers == {0: 1, 1: 1, 2: 2}


def test_a_drug_added_while_nothing_grew_stays_in_the_line() -> None:
    numbers = number_lines(
        [
            _entry(0, "2025-06-10", None, None, "letrozole"),
            _entry(1, "2025-06-10", "2025-08-01", "toxicity", "abemaciclib"),
            _entry(2, "2025-08-10", None, None, "palbociclib"),
        ]
    )
    assert numbers == {0: 1, 1: 1, 2: 1}


def test_the_same_drugs_after_part_of_a_line_grew_stay_in_the_line() -> None:
    """Growth on one drug, the other carrying on alone: nothing new was started."""
    numbers = number_lines(
        [
            _entry(0, "2025-06-10", "2026-03-01", None, "trastuzumab"),
            _entry(1, "2025-06-10", "2025-12-01", "progression", "pertuzumab", "docetaxel"),
            _entry(2, "2026-01-01", "2026-03-01", None, "trastuzumab"),
        ]
    )
    assert numbers == {0: 1, 1: 1, 2: 1}
