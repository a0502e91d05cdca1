"""Lab values outside what a lab can report for their test at all, and the unit that would
make them plausible.

Why: a value no analyzer reports (platelets "16000 x10^9/L") is almost always a unit mix-up
(16000 /µL is 16 x10^9/L). A patient file or FHIR data is someone's finished record and a real
lab may still report such a value, so the importer keeps it and warns; the web form asks
before saving (web/plausibility.py). Both use this one rule. Pure: a test's range (from
knowledge/data/lab_tests.yaml) and a typed value in, a finding out.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass

from nextline.errors import Problem
from nextline.knowledge import Knowledge
from nextline.knowledge.schema import LabTest
from nextline.record.record import LabValue
from nextline.record.units import UnitError, conversion_factor

# Units a lab report prints for the tests nextline knows: the candidates for "did you mean".
# The form offers its own list (web/vocab.py); a file may use any spelling of these.
REPORT_UNITS = (
    "10^9/L",
    "/uL",
    "g/dL",
    "g/L",
    "mg/dL",
    "umol/L",
    "mmol/L",
    "U/L",
    "U/mL",
    "ng/mL",
    "%",
)


@dataclass(frozen=True)
class Implausible:
    """A lab value outside its test's plausible range, and the unit that would fit it."""

    test: str
    value: float
    unit: str
    low: float
    high: float
    canonical_unit: str
    fits: tuple[tuple[str, float], ...]  # (other unit, the value in the canonical unit)

    def outside(self) -> str:
        """What is odd, in words: the value and the range a lab can report."""
        return (
            f"{self.value:g} {shown_unit(self.unit)} is outside what a lab reports for "
            f"{self.test} ({self.low:g} to {self.high:g} {shown_unit(self.canonical_unit)})"
        )

    def meant(self) -> str | None:
        """The likely meaning ("16000 /µL = 16 ×10^9/L"), or None when no unit fits."""
        if not self.fits:
            return None
        unit, value = self.fits[0]
        written = f"{self.value:g} {shown_unit(unit)}"
        if unit == self.canonical_unit:
            return written
        return f"{written} = {_round(value)} {shown_unit(self.canonical_unit)}"


def shown_unit(unit: str) -> str:
    """`10^9/L` as `×10^9/L`, `/uL` as `/µL`: as printed on reports."""
    unit = unit.replace("uL", "µL").replace("umol", "µmol").replace("ug/", "µg/")
    return f"×{unit}" if unit.startswith("10^") else unit


def _round(value: float) -> str:
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"


def _factor(unit: str, test: LabTest) -> float | None:
    return _cached_factor(unit, test.canonical_unit, test.molar_mass_g_per_mol)


@functools.lru_cache(maxsize=4096)
def _cached_factor(unit: str, canonical: str, molar_mass: float | None) -> float | None:
    """The conversion factor, or None when the units do not convert. Cached here too because
    `conversion_factor` caches its answers but not its errors, and most candidate units do
    not convert to a given test's unit: uncached, checking 10,000 lab rows took 2.8 s of CPU
    instead of 25 ms."""
    try:
        return conversion_factor(unit, canonical, molar_mass)
    except UnitError:
        return None


def implausible(
    test: LabTest, value: float, unit: str, candidates: Iterable[str] = REPORT_UNITS
) -> Implausible | None:
    """The finding about `value` in `unit`, or None when it is plausible or cannot be
    checked (no range for the test, a unit that does not convert).

    When several other units would make the value plausible, only the smallest step away
    from the unit typed is offered (g/L for g/dL, not mg/dL): the usual mix-ups are one
    decimal place (g/L and g/dL), a thousand (/µL and x10^9/L) or a molar mass (µmol/L and
    mg/dL), and a list of far-fetched readings would only confuse."""
    if test.plausible is None:
        return None
    typed = _factor(unit, test)
    if typed is None or not math.isfinite(value):
        return None
    low, high = test.plausible.low, test.plausible.high
    if low <= value * typed <= high:
        return None
    fits: list[tuple[float, str, float]] = []
    seen: set[float] = set()
    for other in candidates:
        factor = _factor(other, test)
        if factor is None or factor == typed or round(factor, 12) in seen:
            continue
        seen.add(round(factor, 12))
        converted = value * factor
        if low <= converted <= high:
            step = abs(math.log10(factor / typed))
            fits.append((step, other, converted))
    fits.sort(key=lambda fit: fit[0])
    best = tuple((other, converted) for _, other, converted in fits[:1])
    return Implausible(test.name, value, unit, low, high, test.canonical_unit, best)


def plausibility_warnings(labs: Iterable[LabValue], kb: Knowledge) -> list[Problem]:
    """A warning for each lab value outside its test's plausible range: kept as written (a
    real lab may report it), named by its path, with the unit that would fit."""
    warnings = []
    for lab in labs:
        if lab.test_id is None or lab.canonical_value is None:
            continue
        test = kb.lab_tests.get(lab.test_id)
        if test is None:
            continue
        finding = implausible(test, lab.value, lab.unit or test.canonical_unit)
        if finding is None:
            continue
        meant = finding.meant()
        hint = f"; {meant} would fit" if meant else ""
        warnings.append(
            Problem(
                f"{lab.path}.value",
                f"{finding.outside()}{hint}: kept as written, check the unit on the report",
                "warning",
            )
        )
    return warnings


__all__ = ["REPORT_UNITS", "Implausible", "implausible", "plausibility_warnings", "shown_unit"]
