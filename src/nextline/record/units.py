"""Lab units: common spellings to UCUM-style units, converted with pint.

Why a table of spellings: labs write the same unit many ways (`10^9/L`, `x10E9/L`, `K/uL`,
`cells/mm3`). Each spelling maps to a scale and a pint unit; pint does the arithmetic, and a
pair it cannot convert is an error, never a silent raw comparison. Factors are cached per
(spelling, canonical unit, molar mass), so 10,000 lab rows cost one pint call per pair.

Why a factor table too: importing pint and building its registry costs more than a whole
`status` call. `factor_table` computes, with pint, the factor from every known spelling to
every canonical unit of the knowledge base; the table is stored with the cached knowledge
base (`knowledge.cache`) and handed back to `remember_factors` when the knowledge base is
loaded. A unit in the table never imports pint; anything else (an unlisted spelling, a new
canonical unit) takes the pint path as before. The table is a memo of `conversion_factor`
itself, so every answer is the same either way.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any

ULN_MULTIPLE = "xULN"


def fahrenheit_to_celsius(value: float) -> float:
    """A temperature in °F as °C, (F − 32) × 5/9: people, notes and EHR exports write body
    temperatures in either, and every fever threshold in the knowledge base is in °C. One
    formula for the note reader and the FHIR import."""
    return (value - 32) * 5 / 9


# spelling (folded) -> (scale, pint unit). `mm3` is a microlitre; counts are per volume.
_SPELLINGS: dict[str, tuple[float, str]] = {
    "10^9/l": (1e9, "1/L"),
    "x10^9/l": (1e9, "1/L"),
    "10e9/l": (1e9, "1/L"),
    "x10e9/l": (1e9, "1/L"),
    "gi/l": (1e9, "1/L"),
    "10^12/l": (1e12, "1/L"),
    "x10^12/l": (1e12, "1/L"),
    "10^3/ul": (1e3, "1/uL"),
    "x10^3/ul": (1e3, "1/uL"),
    "10e3/ul": (1e3, "1/uL"),
    "10^3/mm3": (1e3, "1/uL"),
    "k/ul": (1e3, "1/uL"),
    "k/mm3": (1e3, "1/uL"),
    "thou/ul": (1e3, "1/uL"),
    "/ul": (1.0, "1/uL"),
    "1/ul": (1.0, "1/uL"),
    "cells/ul": (1.0, "1/uL"),
    "/mm3": (1.0, "1/uL"),
    "cells/mm3": (1.0, "1/uL"),
    "/l": (1.0, "1/L"),
    "g/dl": (1.0, "g/dL"),
    "g/l": (1.0, "g/L"),
    "mg/dl": (1.0, "mg/dL"),
    "mg/l": (1.0, "mg/L"),
    "ug/dl": (1.0, "ug/dL"),
    "ng/ml": (1.0, "ng/mL"),
    "ug/l": (1.0, "ug/L"),
    "ng/dl": (1.0, "ng/dL"),
    "mmol/l": (1.0, "mmol/L"),
    "umol/l": (1.0, "umol/L"),
    "u/ml": (1.0, "U/mL"),
    "ku/l": (1.0, "kU/L"),
    "ku/ml": (1.0, "kU/mL"),
    "u/l": (1.0, "U/L"),
    "iu/l": (1.0, "U/L"),
    "iu/ml": (1.0, "U/mL"),
    "[iu]/l": (1.0, "U/L"),
    "%": (1.0, "percent"),
    "percent": (1.0, "percent"),
}


class UnitError(ValueError):
    """A unit that is unknown, or that cannot be converted to the test's canonical unit."""


class Incompatible(UnitError):
    """A known unit of another kind than the canonical one (g/dL for a count): the same
    answer whatever the spelling, so `factor_table` can remember it."""


def fold_unit(unit: str) -> str:
    """Fold a unit spelling: case, spaces, µ/u, ×/x and `*`/`^` powers do not matter."""
    text = unit.strip().lower().replace("µ", "u").replace("μ", "u").replace("×", "x")
    text = text.replace(" ", "").replace("**", "^").replace("10*", "10^")
    # a power of ten as labs print it: x10E3/uL, 10e9/L, x10^3/mm3 (the "x" is only "times")
    text = re.sub(r"^x?10(?:e|\^)(\d+)", r"10^\1", text)
    return re.sub(r"\bcumm\b", "mm3", text)


@functools.lru_cache(maxsize=1)
def _registry() -> Any:
    import pint

    # ":auto:" caches pint's parsed unit definitions in the user's cache folder: start-up
    # drops from about 0.6 s to 0.04 s after the first run. Only unit definitions go there.
    registry: Any = pint.UnitRegistry(cache_folder=":auto:")
    registry.define("IU = U")
    return registry


# pint's parser is quadratic in the length of an unknown unit (60,000 characters took 43 s
# and stalled every other request); no real unit comes near this many characters.
UNIT_LIMIT = 40


def _parse(unit: str) -> tuple[float, str]:
    if len(unit) > UNIT_LIMIT:
        raise UnitError(f"unknown unit ({len(unit):,} characters, over the {UNIT_LIMIT} limit)")
    folded = fold_unit(unit)
    if folded in _SPELLINGS:
        return _SPELLINGS[folded]
    try:
        _registry().parse_units(unit)
    except Exception as exc:  # pint raises several kinds for a bad expression
        raise UnitError(f"unknown unit {unit!r}") from exc
    return (1.0, unit)


# (folded spelling, canonical unit, molar mass) -> factor, or None for "cannot convert"
FactorKey = tuple[str, str, float | None]
_KNOWN: dict[FactorKey, float | None] = {}


def conversion_factor(unit: str, canonical: str, molar_mass: float | None = None) -> float:
    """The number to multiply a value in `unit` by to get it in `canonical`.

    Mass and molar concentrations convert only when the test's molar mass is known
    (creatinine µmol/L to mg/dL); anything else that does not match is a `UnitError`.
    """
    if len(unit) <= UNIT_LIMIT:
        key = (fold_unit(unit), canonical, molar_mass)
        if key in _KNOWN:
            factor = _KNOWN[key]
            if factor is None:
                raise Incompatible(f"cannot convert {unit!r} to {canonical!r}")
            return factor
    return _pint_factor(unit, canonical, molar_mass)


def factor_table(targets: Iterable[tuple[str, float | None]]) -> dict[FactorKey, float | None]:
    """Every known spelling's factor to each (canonical unit, molar mass) in `targets`,
    computed with pint: what `remember_factors` is given back at the next start-up."""
    table: dict[FactorKey, float | None] = {}
    for canonical, molar_mass in sorted(set(targets), key=str):
        for spelling in _SPELLINGS:
            key = (spelling, canonical, molar_mass)
            try:
                table[key] = _pint_factor(spelling, canonical, molar_mass)
            except Incompatible:
                table[key] = None
            except UnitError:
                pass  # an unparseable canonical unit: left to the pint path to report
    return table


def remember_factors(table: Mapping[FactorKey, float | None]) -> None:
    """Take factors computed earlier by `factor_table` (a memo: the answers are pint's)."""
    _KNOWN.update(table)


@functools.lru_cache(maxsize=4096)
def _pint_factor(unit: str, canonical: str, molar_mass: float | None = None) -> float:
    registry = _registry()
    scale_from, pint_from = _parse(unit)
    scale_to, pint_to = _parse(canonical)
    quantity = registry.Quantity(scale_from, pint_from)
    target = registry.Quantity(scale_to, pint_to)
    try:
        return float((quantity / target).to("dimensionless").magnitude)
    except Exception:
        pass
    if molar_mass is not None:
        grams_per_mol = registry.Quantity(molar_mass, "g/mol")
        for candidate in (quantity * grams_per_mol, quantity / grams_per_mol):
            try:
                return float((candidate / target).to("dimensionless").magnitude)
            except Exception:
                continue
    raise Incompatible(f"cannot convert {unit!r} to {canonical!r}")


def to_canonical(value: float, unit: str, canonical: str, molar_mass: float | None = None) -> float:
    """`value` in `unit`, converted to `canonical` (rounded to remove float noise)."""
    return round(value * conversion_factor(unit, canonical, molar_mass), 10)
