"""Change signals for the running line, from the assess result, in plain words. Pure."""

from __future__ import annotations

from typing import Any

from nextline.knowledge import Knowledge
from nextline.plan.models import ChangeSignal


def signals_for_line(
    kb: Knowledge, line_number: int, status: dict[str, Any]
) -> tuple[ChangeSignal, ...]:
    """The scan, marker, blood-count and symptom signals for one line (see `questions.yaml`)."""
    templates = {s.id: s for s in (kb.plan.change_signals if kb.plan else [])}
    out: list[ChangeSignal] = []
    recist = next(
        (
            r
            for r in status.get("recist") or []
            if isinstance(r, dict) and r.get("line") == line_number
        ),
        None,
    )
    sums = _sums(recist) if recist else []
    if sums and "scan_growth" in templates and kb.assess is not None:
        nadir = min(sums)
        # RECIST 1.1 §4.3.1, the assess rules' numbers: progression is a sum at least
        # pd_increase_pct over the nadir and at least pd_min_absolute_mm above it.
        pct = kb.assess.recist.pd_increase_pct.value
        absolute = kb.assess.recist.pd_min_absolute_mm.value
        threshold = max(nadir * (1 + pct / 100), nadir + absolute)
        t = templates["scan_growth"]
        out.append(
            ChangeSignal(
                kind="scan",
                text=t.text.format(nadir=_mm(nadir), threshold=_mm(threshold)),
                rule=t.rule,
                evidence=(f"status.recist[line {line_number}]",),
            )
        )
    for sid, kind in (
        ("scan_new_lesion", "scan"),
        ("marker_rise", "marker"),
        ("blood_counts", "blood_count"),
        ("symptoms", "symptom"),
    ):
        if sid in templates and (sid != "scan_new_lesion" or sums):
            t = templates[sid]
            out.append(ChangeSignal(kind=kind, text=t.text, rule=t.rule))
    return tuple(out)


def _sums(recist: dict[str, Any]) -> list[float]:
    sums = []
    for point in recist.get("timepoints") or []:
        value = point.get("sum_mm") if isinstance(point, dict) else None
        if isinstance(value, (int, float)):
            sums.append(float(value))
    baseline = recist.get("baseline_sum_mm")
    if isinstance(baseline, (int, float)):
        sums.append(float(baseline))
    return sums


def _mm(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"
