"""Web forms to patient-file entries, validated exactly like the file importer.

A form's input names are the entry's own paths in the patient format (`date`, `esas.pain`,
`lesions[2].longest_mm`), so an error from the importer (`imaging[5].lesions[2].longest_mm`)
lands on the very input it is about. Nothing here writes: `apply_*` returns the new validated
`PatientFile` (and its record) or raises `RecordInvalid`; the caller stores it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from nextline.errors import Problem, RecordInvalid
from nextline.knowledge import Knowledge
from nextline.record import PatientFile, PatientRecord, patient_file_data
from nextline.record.validate import validate_record

_PART = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d{1,3})\])?")
_MAX_FIELDS = 400
_MAX_VALUE = 5000


@dataclass
class FormResult:
    """A form as typed (to show it again) and the problems found, keyed by input name."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    summary: list[tuple[str, str]] = field(default_factory=list)  # (input name, reason)

    def add(self, name: str, reason: str) -> None:
        self.errors.setdefault(name, []).append(reason)
        self.summary.append((name, reason))


def _split_name(name: str) -> list[str | int] | None:
    parts: list[str | int] = []
    for chunk in name.split("."):
        match = _PART.fullmatch(chunk)
        if match is None:
            return None
        parts.append(match.group(1))
        if match.group(2) is not None:
            parts.append(int(match.group(2)))
    return parts


def parse_form(
    items: Iterable[tuple[str, str]],
    list_fields: Iterable[str] = (),
    ignore: Iterable[str] = ("csrf_token", "form_token"),
) -> tuple[dict[str, Any], dict[str, str]]:
    """Form pairs to nested data (empty inputs left out) and the values as typed.

    `list_fields` are written as comma-separated text (or repeated checkboxes) and become
    lists. Indexed names become dicts keyed by row number; `rows_to_lists` turns them into
    lists.
    """
    listy = set(list_fields)
    skip = set(ignore)
    data: dict[str, Any] = {}
    typed: dict[str, str] = {}
    for count, (name, raw) in enumerate(items):
        if count >= _MAX_FIELDS:
            break
        if name in skip:
            continue
        value = raw.strip()[:_MAX_VALUE]
        if name not in typed:
            typed[name] = value
        elif value:
            typed[name] = f"{typed[name]}, {value}" if typed[name] else value
        parts = _split_name(name)
        if parts is None or not value:
            continue
        node: Any = data
        for part in parts[:-1]:
            node = node.setdefault(part, {}) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            continue
        leaf = parts[-1]
        if name in listy or leaf in listy:
            words = [w.strip() for w in value.split(",") if w.strip()]
            node.setdefault(leaf, [])
            if isinstance(node[leaf], list):
                node[leaf].extend(words)
        else:
            node[leaf] = value
    return data, typed


def rows_to_lists(data: dict[str, Any], keep: Mapping[str, Iterable[str]]) -> dict[str, list[int]]:
    """Turn row dicts (`{0: {...}, 3: {...}}`) into lists, in row order, in place.

    A row is kept when it has any value outside the fields a select box fills by itself
    (`keep[name]` lists those). Returns, for each list, the form row of each kept entry, so an
    error on entry 1 can be shown on form row 3.
    """
    rows_of: dict[str, list[int]] = {}
    for name, defaults in keep.items():
        rows = data.get(name)
        if not isinstance(rows, dict):
            data.pop(name, None)
            rows_of[name] = []
            continue
        prefilled = set(defaults)
        kept: list[dict[str, Any]] = []
        order: list[int] = []
        for number in sorted(k for k in rows if isinstance(k, int)):
            row = rows[number]
            if isinstance(row, dict) and any(k not in prefilled for k in row):
                kept.append(row)
                order.append(number)
        if kept:
            data[name] = kept
        else:
            data.pop(name, None)
        rows_of[name] = order
    return rows_of


def _form_name(path: str, prefix: str, rows_of: Mapping[str, list[int]]) -> str:
    """`imaging[5].lesions[1].longest_mm` under `imaging[5]` as the input
    `lesions[3].longest_mm` (form row 3 became entry 1 when empty rows were left out)."""
    rest = path[len(prefix) :].lstrip(".")

    def remap(match: re.Match[str]) -> str:
        name, index = match.group(1), int(match.group(2))
        rows = rows_of.get(name)
        if rows is not None and index < len(rows):
            return f"{name}[{rows[index]}]"
        return match.group(0)

    return re.sub(r"([A-Za-z_][A-Za-z0-9_]*)\[(\d+)\]", remap, rest)


def problems_to_form(
    problems: Iterable[Problem],
    prefix: str,
    typed: dict[str, str],
    rows_of: Mapping[str, list[int]] | None = None,
    rename: Mapping[str, str] | None = None,
) -> FormResult:
    """Importer problems as errors on the form's inputs (others go to the summary)."""
    result = FormResult(values=dict(typed))
    for problem in problems:
        if problem.severity != "error":
            continue
        path = problem.path
        if not prefix:
            name = path
        elif path == prefix or path.startswith((prefix + ".", prefix + "[")):
            name = _form_name(path, prefix, rows_of or {})
        else:
            name = ""
        name = (rename or {}).get(name, name)
        inside = bool(name) or path == prefix  # about this entry: the reason says enough
        reason = plain_reason(problem.reason, path)
        result.add(name, reason if inside else f"{path}: {reason}")
    return result


_FUTURE = re.compile(r"^date (\d{4}-\d{2}-\d{2}) is after the as-of date (\d{4}-\d{2}-\d{2})$")
_LIMIT = re.compile(r"^Input should be (less|greater) than or equal to (\S+) \(got '?(.*?)'?\)$")
_NOT_A_NUMBER = re.compile(r"^Input should be a valid (number|integer)\b.*\(got '(.*)'\)$")
_NOT_A_DATE = re.compile(r"^Input should be a valid date or datetime\b.*\(got '(.*)'\)$")


def plain_reason(reason: str, path: str = "") -> str:
    """The importer's reason in a person's words: a date after the day the record is read on
    has not come yet (the importer says "after the as-of date"); a needed field left empty
    ("required field is missing"); a number over or under what
    the field can hold, text where a number or a date goes (the schema's "Input should be").
    A temperature that only fits in degrees Fahrenheit says so."""
    if reason == "required field is missing":
        return "this is needed: please fill it in"
    future = _FUTURE.match(reason)
    if future is not None:
        from nextline.web.rendering import nice_date

        day, today = (nice_date(future.group(i)) for i in (1, 2))
        return (
            f"{day} has not come yet (today is {today}). Check the date; something planned "
            "goes under appointments or important dates."
        )
    limit = _LIMIT.match(reason)
    if limit is not None:
        side, bound, got = limit.groups()
        fahrenheit = _fahrenheit(got) if path.endswith("temperature_c") else None
        if fahrenheit is not None:
            return fahrenheit
        if side == "less":
            return f"{got} is more than this can be: at most {bound}"
        return f"{got} is less than this can be: at least {bound}"
    number = _NOT_A_NUMBER.match(reason)
    if number is not None and number.group(1) == "integer":
        return f"'{number.group(2)}' is not a whole number: write it without a fraction, such as 3"
    if number is not None:
        return f"'{number.group(2)}' is not a number: write it with digits, such as 12 or 3.5"
    not_a_day = _NOT_A_DATE.match(reason)
    if not_a_day is not None:
        return (
            f"'{not_a_day.group(1)}' is not a date on the calendar: write it as year-month-day, "
            "such as 2025-03-14"
        )
    return reason


def _fahrenheit(got: str) -> str | None:
    try:
        value = float(got)
    except ValueError:
        return None
    if not 86 <= value <= 113:  # 30 to 45 °C, in °F
        return None
    celsius = (value - 32) * 5 / 9
    return (
        f"{got} looks like degrees Fahrenheit: this asks for degrees Celsius "
        f"({got} °F is {celsius:.1f} °C)"
    )


@dataclass(frozen=True)
class WholeSection:
    """A form's entry that changes several items of a list section at once (a new treatment
    that replaces the running one also stops it); `focus` is the item the form is about."""

    items: list[Any]
    focus: int


def with_entry(
    file: PatientFile, section: str, entry: Any, index: int | None = None
) -> tuple[dict[str, Any], str]:
    """The file's data with `entry` appended to (or replacing `index` of) a list section,
    or set as a single section; returns the data and the entry's path."""
    data = patient_file_data(file)
    if isinstance(entry, WholeSection):
        data[section] = entry.items
        return data, f"{section}[{entry.focus}]"
    current = data.get(section)
    if index is None and isinstance(PatientFile.model_fields[section].default, list):
        items = list(current or [])
        items.append(entry)
        data[section] = items
        return data, f"{section}[{len(items) - 1}]"
    if index is not None:
        items = list(current or [])
        items[index] = entry
        data[section] = items
        return data, f"{section}[{index}]"
    data[section] = entry
    return data, section


def validate_data(data: dict[str, Any], kb: Knowledge, as_of: dt.date) -> PatientRecord:
    """The importer's full check (schema, then normalisation); `RecordInvalid` on any error."""
    return validate_record(data, kb, as_of)


__all__ = [
    "FormResult",
    "RecordInvalid",
    "WholeSection",
    "parse_form",
    "problems_to_form",
    "rows_to_lists",
    "validate_data",
    "with_entry",
]
