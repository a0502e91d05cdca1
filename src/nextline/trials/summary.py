"""One plain line per trial, from structured fields: what is being tested, what kind of
study it is (phase in plain words), and where, with the distance only when it is measured.

Why: a title such as "A Phase Ib/III, Open-label, Randomised Study of ..." tells a person
little. The line is built from the registry's fields, never invented: when a field is
missing, the line says less rather than guess.

Pure: reads a `TrialMatch`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nextline.trials.matching import TrialMatch

PHASE_WORDS = {
    "EARLY_PHASE1": "a very early study of a new treatment (early phase 1)",
    "PHASE1": "an early study of safety and dose (phase 1)",
    "PHASE2": "a study of whether it works (phase 2)",
    "PHASE3": "a study comparing it with usual treatment (phase 3)",
    "PHASE4": "a study of an approved treatment (phase 4)",
}
PURPOSE_LINE = {
    "supportive_care": "a study of care and symptoms",
    "diagnostic": "a study of a scan or test",
    "screening_prevention": "a screening or prevention study",
    "observational": "a study that collects samples or data (no study treatment)",
}


def phase_words(phases: list[str]) -> str:
    """The highest phase in plain words ("" when the registry gives none)."""
    order = ["PHASE4", "PHASE3", "PHASE2", "PHASE1", "EARLY_PHASE1"]
    for phase in order:
        if phase in phases:
            return PHASE_WORDS[phase]
    return ""


def where_words(match: TrialMatch) -> str:
    """The nearest measured site, or the countries with "distance unknown"."""
    if match.nearest_km is not None:
        nearest = next((s for s in match.sites if s.distance_km is not None), None)
        place = f" ({nearest.city})" if nearest is not None and nearest.city else ""
        return f"nearest site about {match.nearest_km:,.0f} km away{place}"
    countries = list(dict.fromkeys(s.country for s in match.sites if s.country))
    if not countries:
        return "sites not listed"
    shown = ", ".join(countries[:5]) + (
        f" and {len(countries) - 5} more" if len(countries) > 5 else ""
    )
    return f"distance unknown — sites in: {shown}"


def plain_line(match: TrialMatch) -> str:
    """What is tested, what kind of study, where: one line."""
    trial = match.trial
    tested = ", ".join(trial.interventions[:3])
    if len(trial.interventions) > 3:
        tested += f" and {len(trial.interventions) - 3} more"
    kind = PURPOSE_LINE.get(match.purpose) or phase_words(trial.phases) or "a study"
    what = f"Tests {tested}: {kind}" if tested else kind[0].upper() + kind[1:]
    cohort = f" · fits {match.cohort[:60]}" if match.cohort else ""
    return f"{what}{cohort} · {where_words(match)}"
