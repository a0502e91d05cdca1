"""The unit factor table kept with the knowledge base gives exactly pint's answers, so a
record built at start-up without pint is the same record."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

from nextline.knowledge import Knowledge
from nextline.record import units
from nextline.record.units import UnitError, conversion_factor, factor_table

# Ways labs and people write units: case, spaces, µ/u, ×/x, `*`/`^`, `cumm`, and units
# outside the spelling table (pint's own path) or that no test can take.
WRITTEN = [
    "10^9/L",
    "x10E9/L",
    " X10^9/l ",
    "10*9/L",
    "×10^9/L",
    "K/µL",
    "k/ul",
    "10^3/mm3",
    "cells/cumm",
    "/mm3",
    "x10^12/L",
    "g/dL",
    "G/DL",
    "g/L",
    "mg/dL",
    "mg/L",
    "µmol/L",
    "umol/L",
    "mmol/L",
    "ng/mL",
    "ug/L",
    "U/mL",
    "kU/L",
    "IU/L",
    "[IU]/L",
    "%",
    "percent",
    "mg/mL",
    "kg/m^3",
    "mol/L",
    "mL",
    "furlongs",
]


@pytest.fixture
def no_memo() -> Iterator[None]:
    saved = dict(units._KNOWN)
    units._KNOWN.clear()
    yield
    units._KNOWN.clear()
    units._KNOWN.update(saved)


def _answer(unit: str, canonical: str, molar_mass: float | None) -> float | str:
    try:
        return conversion_factor(unit, canonical, molar_mass)
    except UnitError as exc:
        return f"UnitError: {exc}"


def test_every_written_unit_converts_the_same_with_and_without_the_table(
    kb: Knowledge, no_memo: None
) -> None:
    targets = {(t.canonical_unit, t.molar_mass_g_per_mol) for t in kb.lab_tests.values()}
    cases = [(u, c, m) for u in WRITTEN for c, m in sorted(targets, key=str)]
    by_pint = {case: _answer(*case) for case in cases}
    units.remember_factors(factor_table(targets))
    with_table = {case: _answer(*case) for case in cases}
    assert with_table == by_pint
    assert sum(isinstance(v, float) for v in by_pint.values()) > 50
    assert sum(isinstance(v, str) for v in by_pint.values()) > 50


def test_the_knowledge_base_carries_a_factor_for_each_spelling_and_test_unit(
    kb: Knowledge,
) -> None:
    targets = {(t.canonical_unit, t.molar_mass_g_per_mol) for t in kb.lab_tests.values()}
    assert set(kb.unit_factors) >= {(s, c, m) for s in units._SPELLINGS for c, m in targets}
    assert kb.unit_factors[("k/ul", "10^9/L", None)] == 1.0
    assert kb.unit_factors[("g/l", "g/dL", None)] == pytest.approx(0.1)


def test_a_cannot_convert_entry_names_the_unit_as_written(kb: Knowledge) -> None:
    canonical = kb.lab_tests["hemoglobin"].canonical_unit
    with pytest.raises(UnitError, match=r"cannot convert ' U/mL ' to"):
        conversion_factor(" U/mL ", canonical)


def test_reading_a_record_from_the_cached_knowledge_base_never_imports_pint(
    tmp_path: object,
) -> None:
    code = (
        "import sys, datetime as dt\n"
        "from nextline.knowledge import load_knowledge\n"
        "from nextline.examples import example_path\n"
        "from nextline.record import load_record\n"
        "load_knowledge()\n"  # first: builds the cache (pint computes the table)
        "from nextline.knowledge.base import _load_cached\n"
        "_load_cached.cache_clear()\n"
        "for m in [m for m in sys.modules if m == 'pint' or m.startswith('pint.')]:\n"
        "    del sys.modules[m]\n"
        "from nextline.record import units\n"
        "units._KNOWN.clear(); units._pint_factor.cache_clear()\n"
        "kb = load_knowledge()\n"
        "for i in ('hr-positive-esr1', 'her2-positive-brain', 'triple-negative-brca'):\n"
        "    r = load_record(example_path(i), kb, dt.date(2025, 6, 1))\n"
        "    assert any(v.canonical_value is not None for v in r.labs), i\n"
        "print('pint' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
