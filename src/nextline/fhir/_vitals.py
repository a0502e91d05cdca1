"""Vital signs the safety net reads: body temperature and oxygen saturation Observations
become `symptoms` entries (`temperature_c`, `spo2_percent`), the place the patient file holds
them, so a fever on chemotherapy imported from a hospital record raises the same red flag as
one typed in by hand.

One entry per day: the highest temperature and the lowest oxygen level of that day (the
readings a fever or a low oxygen flag rests on); the day's other readings are named in the
report. A reading that cannot be a person's (38.5 marked as Fahrenheit, 101 as Celsius), a
limit (`>39`), a unit that is not one of temperature or percent, or a reading without a date
is reported and not imported, never guessed."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from nextline.fhir._state import ImportState
from nextline.record.units import fahrenheit_to_celsius

# UCUM codes (FHIR vital signs profiles use `Cel` and `[degF]`) and the ways units are
# written as text by EHRs that send no code.
_CELSIUS = {"cel", "°c", "c", "degc", "celsius", "℃"}
_FAHRENHEIT = {"[degf]", "°f", "f", "degf", "fahrenheit", "℉"}
_KELVIN = {"k", "kelvin"}  # UCUM `K`, rare on a ward but a temperature all the same
_PERCENT = {"%", "percent", "%o2"}
_FRACTION = {"1", "{fraction}", "fraction"}
# The patient file's limits for `symptoms[].temperature_c` (file_models.SymptomReport).
_LOWEST_C, _HIGHEST_C = 25.0, 45.0


@dataclass(frozen=True)
class Reading:
    """One vital sign reading, converted: the field it fills, its value, where it came from."""

    day: dt.date
    field: str  # "temperature_c" | "spo2_percent"
    value: float
    ref: str
    shown: str  # as written in the bundle ("101.3 [degF]")


def read_vital(
    imp: ImportState, o: dict[str, Any], ref: str, day: dt.date | None, kind: str
) -> None:
    """Read a body temperature or oxygen saturation Observation (or panel component)."""
    name = "body temperature" if kind == "body_temperature" else "oxygen saturation"
    quantity = o.get("valueQuantity")
    if not isinstance(quantity, dict) or not isinstance(quantity.get("value"), (int, float)):
        imp.skip(ref, f"{name} without a number; not imported")
        return
    value = float(quantity["value"])
    unit = str(quantity.get("code") or quantity.get("unit") or "").strip()
    shown = f"{quantity['value']:g} {unit}".strip()
    if quantity.get("comparator"):
        imp.skip(
            ref, f"{name} {quantity['comparator']}{shown}: a limit, not a reading; not imported"
        )
        return
    if day is None:
        imp.skip(ref, f"{name} {shown} without a date; not imported")
        return
    if kind == "body_temperature":
        celsius = _celsius(value, unit)
        if celsius is None:
            imp.skip(
                ref,
                f"body temperature {shown}: the unit {unit or '(none)'!r} is not Celsius (Cel), "
                "Fahrenheit ([degF]) or kelvin (K); not imported",
            )
            return
        if not _LOWEST_C <= celsius <= _HIGHEST_C:
            imp.skip(
                ref,
                f"body temperature {shown} is {celsius:g} °C, not a temperature a person can "
                "have (is the unit wrong?); not imported",
            )
            return
        imp.vitals.append(Reading(day, "temperature_c", celsius, ref, shown))
        return
    if unit.lower() in _FRACTION and 0 <= value <= 1:
        value = round(value * 100, 1)  # UCUM `1`: a fraction (0.91 is 91 %)
    elif unit.lower() not in _PERCENT or not 0 <= value <= 100:
        imp.skip(ref, f"oxygen saturation {shown}: not a percentage from 0 to 100; not imported")
        return
    imp.vitals.append(Reading(day, "spo2_percent", value, ref, shown))


def _unit_words(unit: str) -> str:
    """A unit as EHRs write it, reduced: "degrees Celsius", "deg. F", "° C" -> "celsius",
    "f", "°c"."""
    words = unit.strip().lower().replace("degrees", "").replace("degree", "")
    words = re.sub(r"^deg\.?\s*", "", words.strip())
    return re.sub(r"\s+", "", words) or unit.strip().lower()


def _celsius(value: float, unit: str) -> float | None:
    words = _unit_words(unit)
    if words in _CELSIUS:
        return round(value, 1)
    if words in _FAHRENHEIT:
        return round(fahrenheit_to_celsius(value), 1)
    if words in _KELVIN:
        return round(value - 273.15, 1)
    return None


def symptoms_from_vitals(imp: ImportState) -> None:
    """One `symptoms` entry a day: the day's highest temperature, its lowest oxygen level."""
    by_day: dict[dt.date, dict[str, Reading]] = {}
    for reading in imp.vitals:
        kept = by_day.setdefault(reading.day, {})
        held = kept.get(reading.field)
        worse = held is None or (
            reading.value > held.value
            if reading.field == "temperature_c"
            else reading.value < held.value
        )
        if worse:
            if held is not None:
                _not_kept(imp, held, reading)
            kept[reading.field] = reading
        elif held is not None:
            _not_kept(imp, reading, held)
    for day, fields in sorted(by_day.items()):
        item: dict[str, Any] = {"date": day.isoformat()}
        refs, what = [], []
        for field, words in (
            ("temperature_c", "temperature {:g} °C"),
            ("spo2_percent", "oxygen {:g} %"),
        ):
            if field in fields:
                item[field] = fields[field].value
                refs.append(fields[field].ref)
                what.append(words.format(fields[field].value))
        imp.add("symptoms", item, ", ".join(refs), "; ".join(what))


def _not_kept(imp: ImportState, dropped: Reading, kept: Reading) -> None:
    which = "highest temperature" if dropped.field == "temperature_c" else "lowest oxygen level"
    imp.skip(
        dropped.ref,
        f"{dropped.shown} on {dropped.day}: the patient file keeps one reading a day, the "
        f"{which} ({kept.shown}, {kept.ref})",
    )


__all__ = ["Reading", "read_vital", "symptoms_from_vitals"]
