"""Plain reasons for values people write the way they write them, not the way the file needs.

Why a module of its own: the schema's own words ("invalid character in year") do not tell a
person what to do with `06/12/2026`, `3,100` or `3.1 mmol/L`. These hints say what the file
needs and, where a value can be read two ways (day and month, a thousands or a decimal
comma), give both readings and ask: the importer never guesses which one was meant.

Pure functions of the typed text; used by `record.parse` for every schema problem.
"""

from __future__ import annotations

import datetime as dt
import re

_DAY_MONTH = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})\s*$")
_ISO_SHAPED = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR_FIRST = re.compile(r"^\s*(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})\s*$")
_QUOTES = "\"'\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00ab\u00bb"
_GROUPED = re.compile(r"^[-+]?\d{1,3}(,\d{3})+$")
_GROUPED_DECIMAL = re.compile(r"^[-+]?\d{1,3}(,\d{3})+\.\d+$")
_DECIMAL_COMMA = re.compile(r"^[-+]?\d+,\d+$")
_SPACED = re.compile(r"^[-+]?\d{1,3}([ \u00a0\u202f\u2009']\d{3})+([.,]\d+)?$")
_WITH_UNIT = re.compile(r"^\s*([-+]?\d+(?:\.\d+)?)\s*([^\d\s.,].*?)\s*$")
_LIMIT = re.compile(r"^\s*(<=?|>=?|≤|≥)\s*\d")
_NO_VALUE = {"n/a", "na", "-", "--", "none", "nil", "pending", "unknown", "?", "tbc", "nd"}
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _spoken(day: dt.date) -> str:
    return f"{day.isoformat()} ({day.day} {_MONTHS[day.month - 1]})"


def date_hint(text: str) -> str | None:
    """What to write instead of a date the schema could not read; None when `text` does not
    look like a date someone typed (a word such as "soon" keeps the schema's own reason)."""
    stripped = text.strip().strip(_QUOTES).strip()
    if stripped != text.strip() and _day_from_iso(stripped) is not None:
        return f"remove the quotation marks around the date: write {stripped}"
    if _ISO_SHAPED.match(text):
        return None  # written as the file needs; the schema says what is wrong (no 30 Feb)
    match = _DAY_MONTH.match(stripped)
    if match:
        first, second, year_text = (int(part) for part in match.groups())
        if len(match.group(3)) == 2:
            return (
                "the year has two digits, so the century is not known; write the date as "
                "YYYY-MM-DD with the whole year"
            )
        readings = []
        for day, month in ((first, second), (second, first)):
            found = _day(year_text, month, day)
            if found is not None and found not in readings:
                readings.append(found)
        if len(readings) == 2:
            return (
                f"this could be {_spoken(readings[0])} or {_spoken(readings[1])}; write the "
                "date as YYYY-MM-DD so it cannot be misread"
            )
        if len(readings) == 1:
            return f"write the date as YYYY-MM-DD: {_spoken(readings[0])}"
        return "no such day; write the date as YYYY-MM-DD"
    match = _YEAR_FIRST.match(stripped)
    if match:
        found = _day(*(int(part) for part in match.groups()))
        if found is None:
            return "no such day; write the date as YYYY-MM-DD"
        return f"write the date as YYYY-MM-DD: {found.isoformat()}"
    if any(c.isdigit() for c in stripped):
        return "write the date as YYYY-MM-DD (for example 2024-06-13)"
    return None


def _day_from_iso(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def number_hint(text: str) -> str | None:
    """What to write instead of a number the schema could not read; None when `text` is
    no kind of number people write (the schema's own reason is kept)."""
    stripped = text.strip()
    if stripped.lower() in _NO_VALUE:
        return "this is not a number; leave out a result that has no value"
    if _LIMIT.match(stripped):
        return (
            f"{stripped} is a limit, not one number (below or above what the test can "
            "measure); leave this result out, or ask your care team for the value"
        )
    if _GROUPED_DECIMAL.match(stripped):
        return f"write numbers without a thousands comma: {stripped.replace(',', '')}"
    if _GROUPED.match(stripped):
        plain = stripped.replace(",", "")
        decimal = stripped.replace(",", ".", 1)
        return (
            f"the comma could separate thousands ({plain}) or be a decimal comma "
            f"({decimal}); write {plain} or {decimal}, with a point for decimals and no "
            "thousands comma"
        )
    if _DECIMAL_COMMA.match(stripped):
        return f"write decimals with a point, not a comma: {stripped.replace(',', '.')}"
    if _SPACED.match(stripped):
        plain = re.sub(r"[ \u00a0\u202f\u2009']", "", stripped).replace(",", ".")
        return f"write numbers without spaces between the thousands: {plain}"
    match = _WITH_UNIT.match(stripped)
    if match:
        number, unit = match.groups()
        if unit == "%":
            return f"write the number without the % sign: {number}"
        return f"write only the number here ({number}); the unit ({unit}) goes in the unit field"
    return None


__all__ = ["date_hint", "number_hint"]
