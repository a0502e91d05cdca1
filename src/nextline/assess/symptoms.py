"""Symptoms (ESAS-r scores over time) and side effects (new or worse) around one line. Pure.

ESAS-r items are scored 0-10 by the person; the bands (mild under 4, moderate 4-6, severe 7
or more) come from Selby et al. 2010. Symptoms are shown as evidence beside the scans, never
read as growth on their own: they may come from the cancer, the treatment, or neither.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from operator import itemgetter
from typing import Literal

from nextline.assess._cache import once_per
from nextline.assess._evidence import Cite, Evidence, cites
from nextline.assess.part_results import Band, SideEffectChange, SymptomTrend
from nextline.knowledge.assess_schema import EsasBands
from nextline.record.record import Line, PatientRecord

__all__ = [
    "Band",
    "SideEffectChange",
    "SymptomTrend",
]  # the part's results, kept importable from here

ITEMS = (
    "pain",
    "tiredness",
    "drowsiness",
    "nausea",
    "appetite",
    "shortness_of_breath",
    "depression",
    "anxiety",
    "wellbeing",
)
# What a high score means, in plain words (ESAS-r: 0 is best for every item).
PLAIN = {
    "pain": "pain",
    "tiredness": "tiredness",
    "drowsiness": "drowsiness",
    "nausea": "nausea",
    "appetite": "poor appetite",
    "shortness_of_breath": "shortness of breath",
    "depression": "feeling low",
    "anxiety": "worry",
    "wellbeing": "not feeling well overall",
}


def band(score: int, bands: EsasBands) -> Band:
    if score == 0:
        return "none"
    if score >= bands.severe_from.value:
        return "severe"
    if score >= bands.moderate_from.value:
        return "moderate"
    return "mild"


def symptom_trends(
    record: PatientRecord, bands: EsasBands, as_of: dt.date
) -> tuple[list[SymptomTrend], list[Evidence]]:
    """For each ESAS-r item: the latest score on or before `as_of` and the one before it."""
    # every item's scores in date order, read when the record was built
    seen = record.esas_readings
    trends = []
    evidence = []
    sources = once_per(
        bands,
        "cites",
        lambda: cites(
            [*bands.severe_from.sources, *bands.moderate_from.sources, *bands.instrument]
        ),
    )
    for item in ITEMS:
        readings = seen.get(item)
        if not readings:
            continue
        if readings[-1][0] > as_of:  # some scores come after the date: left out
            readings = readings[: bisect_right(readings, as_of, key=itemgetter(0))]
            if not readings:
                continue
        date, score, index = readings[-1]
        path = f"symptoms[{index}].esas.{item}"
        previous = readings[-2] if len(readings) > 1 else None
        # positional, in `SymptomTrend`'s field order (a keyword call costs more)
        trend = SymptomTrend(
            item,  # item
            PLAIN[item],  # name
            date,  # date
            score,  # score
            band(score, bands),  # band
            previous[1] if previous else None,  # previous_score
            previous[0] if previous else None,  # previous_date
            score - previous[1] if previous else None,  # change
            path,  # path
        )
        trends.append(trend)
        worse = trend.change is not None and trend.change > 0
        if trend.band in ("moderate", "severe") or worse:
            text = f"{PLAIN[item].capitalize()} scored {score} out of 10 on {date} ({trend.band})"
            if previous and trend.change:
                text += (
                    f", {'up' if trend.change > 0 else 'down'} from {previous[1]} on {previous[0]}"
                )
            evidence.append(
                Evidence(
                    kind="symptom",
                    date=date,
                    text=text + ".",
                    paths=(path,) + ((f"symptoms[{previous[2]}].esas.{item}",) if previous else ()),
                    rule="esas_severity_band",
                    sources=sources,
                )
            )
    return trends, evidence


def side_effect_changes(
    record: PatientRecord, line: Line | None, as_of: dt.date
) -> tuple[list[SideEffectChange], list[Evidence]]:
    """Side effects recorded during `line` (up to `as_of`), not resolved by then, each marked
    new, worse, same or better than the last earlier record of the same term."""
    if line is None:
        return [], []
    end = min(line.stop, as_of) if line.stop else as_of
    entries = sorted(
        ((e.date, i, e) for i, e in enumerate(record.file.side_effects) if e.date <= end),
        key=lambda t: (t[0], t[1]),
    )
    out: list[SideEffectChange] = []
    evidence: list[Evidence] = []
    for date, index, entry in entries:
        if date < line.start or (entry.resolved is not None and entry.resolved <= as_of):
            continue
        term = entry.term.lower()
        earlier = [e for d, _, e in entries if d < date and e.term.lower() == term]
        before = earlier[-1].grade if earlier else None
        if before is None:
            change: Literal["new", "worse", "same", "better"] = "new"
        elif entry.grade > before:
            change = "worse"
        elif entry.grade == before:
            change = "same"
        else:
            change = "better"
        item = SideEffectChange(
            entry.term, entry.grade, date, change, before, f"side_effects[{index}]"
        )
        out.append(item)
        if change in ("new", "worse"):
            evidence.append(
                Evidence(
                    kind="side_effect",
                    date=date,
                    text=(
                        f"{'New' if change == 'new' else 'Worse'} side effect on {date}: "
                        f"{entry.term}, grade {entry.grade} (CTCAE)"
                        + (f", was grade {before}" if before is not None else "")
                        + "."
                    ),
                    paths=(item.path,),
                    rule="side_effect_new_or_worse",
                    sources=(Cite("ctcae_v5", "grades 1-5"),),
                )
            )
    return out, evidence
