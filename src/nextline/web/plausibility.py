"""Checks a typed value before it is saved: a lab result outside what a lab can report for
that test, and a drug name the knowledge base does not know but nearly spells.

Why: a wrong number or name saved silently misleads every engine (platelets "16000 x10^9/L"
is a unit mix-up, "elacestrent" matches no drug). The form asks instead of guessing: it names
the unit that would make the value plausible, or the drug it probably means, and saves only
when the person changes it or confirms it. Pure: knowledge and typed text in, a question out.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from nextline.knowledge import Knowledge
from nextline.record.units import UnitError, conversion_factor

# The unit a form offers that stands for "times the upper limit of normal": not a quantity.
_ULN = "xULN"


@dataclass(frozen=True)
class Implausible:
    """A lab value outside its test's plausible range, and the units that would fit it."""

    test: str
    value: float
    unit: str
    low: float
    high: float
    canonical_unit: str
    fits: tuple[tuple[str, float], ...]  # (other unit, the value in the canonical unit)

    def question(self) -> str:
        """The words shown at the value: what is odd, what was probably meant, what to do."""
        canonical = _shown(self.canonical_unit)
        text = (
            f"Is this right? {self.value:g} {_shown(self.unit)} is outside what a lab reports "
            f"for {self.test} ({self.low:g} to {self.high:g} {canonical})."
        )
        if self.fits:
            meant = " or ".join(
                f"{self.value:g} {_shown(unit)} = {_round(value)} {canonical}"
                for unit, value in self.fits
            )
            text += f" Did you mean {meant}?"
        return text + " Check the unit on the report, or tick the box to keep it as typed."


def _shown(unit: str) -> str:
    """`10^9/L` as `×10^9/L`, `/uL` as `/µL`: as printed on reports."""
    unit = unit.replace("uL", "µL").replace("umol", "µmol").replace("ug/", "µg/")
    return f"×{unit}" if unit.startswith("10^") else unit


def _round(value: float) -> str:
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:.0f}"


def check_lab(
    kb: Knowledge, test: str | None, value: str | None, unit: str | None, units: list[str]
) -> Implausible | None:
    """The question to ask about one lab value, or None when it is plausible, cannot be
    checked (unknown test, no range, not a number) or is left to the importer to refuse."""
    if not test or not value or not unit or unit == _ULN:
        return None
    known = kb.find_lab_test(test)
    if known is None or known.plausible is None:
        return None
    try:
        number = float(value)
        canonical = number * conversion_factor(
            unit, known.canonical_unit, known.molar_mass_g_per_mol
        )
    except (ValueError, UnitError):
        return None
    low, high = known.plausible.low, known.plausible.high
    if low <= canonical <= high:
        return None
    fits = []
    for other in units:
        if other in (unit, _ULN):
            continue
        try:
            converted = number * conversion_factor(
                other, known.canonical_unit, known.molar_mass_g_per_mol
            )
        except UnitError:
            continue
        if low <= converted <= high:
            fits.append((other, converted))
    return Implausible(known.name, number, unit, low, high, known.canonical_unit, tuple(fits))


def known_drug_names(kb: Knowledge) -> list[str]:
    """Every generic and brand name, for the "as you type" list of a drug input."""
    names = {d.name for d in kb.drugs.values()}
    names |= {b for d in kb.drugs.values() for b in d.brands}
    return sorted(names, key=str.lower)


def closest_drug(kb: Knowledge, written: str) -> str | None:
    """The generic name a misspelt drug name most likely means, or None when the name is
    known already or nothing is close. Closeness is difflib's ratio (at least 0.8: one or two
    letters wrong in a usual drug name), over generic names, brands and aliases."""
    if not written.strip() or kb.find_drug(written) is not None:
        return None
    spellings: dict[str, str] = {}
    for drug in kb.drugs.values():
        for name in (drug.name, *drug.brands, *drug.aliases):
            spellings.setdefault(name.lower(), drug.name)
    match = difflib.get_close_matches(written.strip().lower(), list(spellings), n=1, cutoff=0.8)
    return spellings[match[0]] if match else None


__all__ = ["Implausible", "check_lab", "closest_drug", "known_drug_names"]
