"""Receptor categories from a tumor test: ER/PR (positive, low, negative) and HER2
(positive, low, ultralow, zero), per the ASCO/CAP guidelines.

"Not tested" is always different from "negative": every function here can answer
`not_tested` or an explicit "unknown which" category, and never guesses.
"""

from __future__ import annotations

from typing import Literal

from nextline.record.file_models import Her2Result, ReceptorResult

ReceptorStatus = Literal["positive", "low", "negative", "not_tested"]
Her2Category = Literal[
    "positive",
    "low",
    "ultralow",
    "zero",
    "zero_or_ultralow",  # IHC 0 with no word on faint staining: ultralow not ruled in or out
    "negative_unspecified",  # "negative" with no IHC score: low, ultralow or zero unknown
    "equivocal",  # IHC 2+ without an ISH result, or ISH equivocal
    "not_tested",
]


def receptor_status(result: ReceptorResult | None) -> ReceptorStatus:
    """ER or PR status. ASCO/CAP 2020: 1–10 % staining is "low positive" (ER-low)."""
    if result is None:
        return "not_tested"
    if result.percent is not None:
        if result.percent < 1:
            return "negative"
        if result.percent <= 10:  # ER-low: 1-10 % of cells (ASCO/CAP 2020)
            return "low"
        return "positive"
    if result.result is None:
        return "not_tested"
    return result.result


def receptor_conflict(result: ReceptorResult) -> str | None:
    """A reason when the stated result and the percent disagree, else None."""
    if result.result is None or result.percent is None:
        return None
    derived = receptor_status(ReceptorResult(percent=result.percent))
    if derived != result.result:
        return (
            f"result {result.result!r} but {result.percent:g} % staining means {derived!r} "
            "(ASCO/CAP: under 1 % negative, 1-10 % low, over 10 % positive); the percent is used"
        )
    return None


def her2_category(her2: Her2Result | None) -> Her2Category:
    """HER2 category per ASCO/CAP 2018/2023.

    IHC 3+ or ISH amplified is positive; IHC 1+, or 2+ with ISH not amplified, is low; IHC 0
    with faint staining in ≤10 % of cells is ultralow; IHC 0 with none is zero (null).
    """
    if her2 is None:
        return "not_tested"
    if her2.ish == "amplified" or her2.ihc == "3+":
        return "positive"
    if her2.ihc == "2+":
        return "low" if her2.ish == "not_amplified" else "equivocal"
    if her2.ihc == "1+":
        return "low"
    if her2.ihc == "0":
        if her2.ultralow is None:
            return "zero_or_ultralow"
        return "ultralow" if her2.ultralow else "zero"
    if her2.ish == "not_amplified" or her2.result == "negative":
        return "negative_unspecified"
    if her2.ish == "equivocal" or her2.result == "equivocal":
        return "equivocal"
    if her2.result == "positive":
        return "positive"
    return "not_tested"
