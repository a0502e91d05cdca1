"""Tumor markers (CA 15-3, CA 27.29, CEA) within one line of treatment. Pure.

ASCO: these markers may be used beside scans and examination, never alone to decide that a
treatment has stopped working; and a rise in the first weeks of a new treatment may be a
spurious early rise ("flare"). So a trend here is supporting evidence only, and says so.

Small rises are common and mean little, so a rise counts as `rising` only when the latest
value is at or past `meaningful_rise_pct` over the lowest value of the line (a sourced number
in `assess_thresholds.yaml`). A smaller rise, or any rise while the knowledge base holds no
sourced number, is `slightly_rising`: shown, never counted as pointing either way.
"""

from __future__ import annotations

import datetime as dt
from operator import attrgetter

from nextline.assess._cache import once_per
from nextline.assess._evidence import Evidence, PointsTo, cites, fmt
from nextline.assess.part_results import MarkerPoint, MarkerTrend, Trend
from nextline.knowledge.assess_schema import MarkerRules
from nextline.knowledge.schema import SourceRef
from nextline.record.record import LabValue, Line, PatientRecord

__all__ = ["MarkerPoint", "MarkerTrend", "Trend"]  # the part's results, kept importable from here

RULE = "marker_trend_supporting_only"
RULE_RISE = "marker_meaningful_rise_supporting_only"


def rise_refs(rules: MarkerRules) -> list[SourceRef]:
    """The sources of the meaningful-rise number, when the knowledge base holds one."""
    return list(rules.meaningful_rise_pct.sources) if rules.meaningful_rise_pct else []


def _point(value: LabValue) -> MarkerPoint:
    amount = value.canonical_value if value.canonical_value is not None else value.value
    return MarkerPoint(value.date, amount, value.path)


def marker_trends(
    record: PatientRecord,
    line: Line,
    rules: MarkerRules,
    as_of: dt.date,
    previous_start: dt.date | None,
) -> tuple[list[MarkerTrend], list[Evidence]]:
    """Each marker's trend within `line`: the latest value on or before its start (after
    the previous line began) as baseline, then every value up to its stop or `as_of`."""
    end = min(line.stop, as_of) if line.stop else as_of
    trends: list[MarkerTrend] = []
    evidence: list[Evidence] = []
    flare_days = int(rules.flare_days.value)
    rise = rules.meaningful_rise_pct
    rise_pct = rise.value if rise is not None else None
    sources = once_per(
        rules, "cites", lambda: cites([*rules.supporting_only, *rules.flare_days.sources])
    )
    rise_sources = once_per(
        rules,
        "rise_cites",
        lambda: cites([*rules.supporting_only, *rules.flare_days.sources, *rise_refs(rules)]),
    )
    for test_id in rules.tests:
        # `record.labs_of(test_id, end)`, as a list comprehension (no generator per test)
        values = [v for v in record.labs_of(test_id) if v.date <= end]
        if not values:
            continue
        before = [
            v
            for v in values
            if v.date <= line.start and (previous_start is None or v.date > previous_start)
        ]
        during = [v for v in values if v.date > line.start]
        baseline = _point(before[-1]) if before else None
        points = ([baseline] if baseline else []) + [_point(v) for v in during]
        if not points:
            continue
        nadir = min(points, key=attrgetter("value"))  # first lowest value
        latest = points[-1]
        from_nadir = (
            round((latest.value - nadir.value) / nadir.value * 100, 1) if nadir.value > 0 else None
        )
        if len(points) == 1:
            trend: Trend = "single"
        elif latest.value > points[-2].value:
            trend = "rising" if _meaningful(latest, nadir, rise_pct) else "slightly_rising"
        elif latest.value < points[-2].value:
            trend = "falling"
        else:
            trend = "unchanged"
        from_base = (
            round((latest.value - baseline.value) / baseline.value * 100, 1)
            if baseline and baseline.value > 0 and latest is not baseline
            else None
        )
        flare = line.start < latest.date and (latest.date - line.start).days < flare_days
        name = values[-1].name
        unit = values[-1].canonical_unit or values[-1].unit
        text = _describe(
            name, unit, line, trend, latest, nadir, from_nadir, flare, flare_days, rise_pct
        )
        trends.append(
            MarkerTrend(
                test=test_id,
                name=name,
                unit=unit,
                line=line.number,
                values=tuple(points),
                baseline=baseline,
                nadir=nadir,
                latest=latest,
                change_from_nadir_pct=from_nadir,
                change_from_baseline_pct=from_base,
                trend=trend,
                in_flare_window=flare,
                text=text,
            )
        )
        if trend == "single":
            continue
        if flare or trend == "slightly_rising":
            points_to: PointsTo = "neither"
        else:
            points_to = "not_working" if trend == "rising" else "working"
        evidence.append(
            Evidence(
                kind="marker",
                date=latest.date,
                text=text,
                paths=tuple(p.path for p in points),
                rule=RULE if trend != "rising" else RULE_RISE,
                sources=sources if trend != "rising" else rise_sources,
                points_to=points_to,
                supporting_only=True,
            )
        )
    return trends, evidence


def _meaningful(latest: MarkerPoint, nadir: MarkerPoint, rise_pct: float | None) -> bool:
    """At or past the sourced % over the nadir; never without a sourced number. Compared
    as `latest * 100 >= nadir * (100 + pct)` so an exact +pct % counts, free of rounding."""
    if rise_pct is None:
        return False
    if nadir.value <= 0:
        return latest.value > 0
    return latest.value * 100 >= nadir.value * (100 + rise_pct) - 1e-9


def _describe(
    name: str,
    unit: str | None,
    line: Line,
    trend: Trend,
    latest: MarkerPoint,
    nadir: MarkerPoint,
    from_nadir: float | None,
    flare: bool,
    flare_days: int,
    rise_pct: float | None = None,
) -> str:
    units = f" {unit}" if unit else ""
    head = f"{name} was {fmt(latest.value)}{units} on {latest.date}"
    if trend == "single":
        return f"{head}; one value in this treatment, so no trend yet."
    words = {
        "rising": "going up",
        # without a sourced size, a rise of any size is "going up", never "a little"
        "slightly_rising": "a little higher" if rise_pct is not None else "going up",
        "falling": "going down",
        "unchanged": "unchanged",
    }[trend]
    text = f"{head}, {words}"
    if from_nadir is not None and latest is not nadir:
        text += (
            f"; {from_nadir:+g} % from its lowest in this treatment "
            f"({fmt(nadir.value)}{units} on {nadir.date}, the nadir)"
        )
    text += "."
    if trend == "rising" and rise_pct is not None:
        text += f" That is a rise of at least {rise_pct:g} %, the size counted as meaningful."
    elif trend == "slightly_rising":
        text += (
            f" That is less than the {rise_pct:g} % rise counted as meaningful, so it is shown "
            "but not counted."
            if rise_pct is not None
            else " nextline does not yet hold a published rule for how big a rise matters, so "
            "this rise is shown but not counted."
        )
    text += " Tumor markers support what scans show; they never show growth on their own."
    if flare:
        text += (
            f" This value is from the first {flare_days // 7} weeks of the treatment, when an "
            "early rise can be a false alarm (a flare)."
        )
    return text
