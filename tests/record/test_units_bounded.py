"""A unit string is capped before pint parses it (pint is quadratic on unknown units)."""

from __future__ import annotations

import pytest

from nextline.record import units
from nextline.record.units import UnitError, conversion_factor


class _Recording:
    def __init__(self) -> None:
        self.parsed: list[str] = []

    def parse_units(self, unit: str) -> None:
        self.parsed.append(unit)


@pytest.mark.parametrize("unit", ["x" * 41, "m" * 60_000, "(" * 5000, "mg/" * 1000])
def test_an_over_long_unit_is_refused_before_pint_sees_it(
    monkeypatch: pytest.MonkeyPatch, unit: str
) -> None:
    recording = _Recording()
    monkeypatch.setattr(units, "_registry", lambda: recording)
    with pytest.raises(UnitError, match=r"over the 40 limit"):
        units._parse(unit)
    assert recording.parsed == []


def test_real_units_still_convert() -> None:
    assert conversion_factor("mg/dL", "g/L") == pytest.approx(0.01)
    assert conversion_factor("10^3/uL", "10^9/L") == pytest.approx(1.0)
