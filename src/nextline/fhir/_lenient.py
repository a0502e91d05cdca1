"""The lenient second pass: a resource that fails strict FHIR validation on some fields is
read without them, when what is left is valid and still unambiguous.

Why: hospital and registry exports often break one rule (an object where FHIR wants a list,
a malformed `issued` instant, two `value[x]` where one is allowed) while the fact itself is
clear. Skipping the whole resource would lose an ER+ or HER2+ result; keeping it silently
would hide the defect. So each defect is named and the field left out; a resource whose
essential parts (its type, subject, code, medication) are broken is still skipped.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

# Without these a resource says nothing nextline can trust, so they are never dropped.
_ESSENTIAL = {
    "resourceType",
    "subject",
    "patient",
    "code",
    "medicationCodeableConcept",
    "medicationReference",
}
# Who a resource is about is never repaired, even in part.
_WHO = {"subject", "patient"}
_MULTIPLE = re.compile(r"from this list \[(.*?)\], but got multiple")
# Which of several value[x] is read, when only one may stay (the richest first).
_PREFERRED = ("valueCodeableConcept", "valueQuantity", "valueInteger", "valueBoolean")
_WORDS = ("positive", "negative", "present", "absent", "not detected", "detected")
_MAX_ROUNDS = 12


def strict_errors(model: Any, resource: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The validation errors of `resource`, or None when it is valid."""
    try:
        model.model_validate(resource)
    except ValidationError as exc:
        return [dict(e) for e in exc.errors()]
    return None


# What a value means in words ("positive"), from its codes; the text is read here too.
Meaning = Callable[[Any], set[str]]


def repair(
    model: Any,
    resource: dict[str, Any],
    errors: list[dict[str, Any]],
    meaning: Meaning | None = None,
) -> tuple[dict[str, Any] | None, list[str]]:
    """(the resource without its broken fields, the defects named), or (None, why) when it
    cannot be read without guessing. `meaning` reads coded values, so that two values of one
    resource that disagree ("positive" coded, "negative" written) are never chosen between."""
    work = copy.deepcopy(resource)
    defects: list[str] = []
    for _ in range(_MAX_ROUNDS):
        for error in errors:
            why = _drop(work, error, meaning)
            if why.startswith("!"):
                return None, [*defects, why[1:]]
            defects.append(why)
        try:
            found = strict_errors(model, work)
        except (ValueError, TypeError, RecursionError) as exc:
            return None, [*defects, f"cannot be read ({type(exc).__name__})"]
        if found is None:
            return work, defects
        errors = found
    return None, [*defects, "too many defects to read safely"]


def _drop(work: dict[str, Any], error: dict[str, Any], meaning: Meaning | None) -> str:
    """Remove what one error is about; a reason starting with "!" means it cannot be."""
    loc = [p for p in error.get("loc", ()) if isinstance(p, (str, int))]
    message = str(error.get("msg", "invalid"))
    if not loc:
        multiple = _MULTIPLE.search(message)
        if multiple:
            choices = [f.strip(" '\"") for f in multiple.group(1).split(",")]
            return _one_value(work, choices, meaning)
        return f"!not valid FHIR R4 ({message})"
    if error.get("type") == "missing":
        loc = loc[:-1]  # the element that lacks a required part goes
        if not loc:
            return f"!{error['loc'][-1]} is required and missing"
    if str(loc[0]) in _ESSENTIAL and (len(loc) == 1 or loc[0] in _WHO):
        return f"!{loc[0]} is not valid ({message})"
    parent: Any = work
    for step in loc[:-1]:
        try:
            parent = parent[step]
        except (KeyError, IndexError, TypeError):
            return f"!{_path(loc)} is not valid ({message})"
    last = loc[-1]
    value = _at(parent, last)
    if isinstance(value, str) and "should match pattern" in message:
        tidy = " ".join(value.split())
        if tidy and tidy != value:
            # A code or id with a stray space ("L02BG06 "): the same code once trimmed.
            parent[last] = tidy
            return f"{_path(loc)}: {value!r} has spaces FHIR does not allow; read as {tidy!r}"
    try:
        del parent[last]
    except (KeyError, IndexError, TypeError):
        return f"!{_path(loc)} is not valid ({message})"
    return f"{_path(loc)}: {message}; left out"


def _at(parent: Any, key: str | int) -> Any:
    try:
        return parent[key]
    except (KeyError, IndexError, TypeError):
        return None


def _one_value(work: dict[str, Any], choices: list[str], meaning: Meaning | None) -> str:
    present = [c for c in choices if c in work]
    if len(present) < 2:
        return "!more than one value, which FHIR does not allow"
    meanings = {
        c: _meaning_words(work[c]) | (meaning(work[c]) if meaning else set()) for c in present
    }
    said = {frozenset(m) for m in meanings.values() if m}
    if len(said) > 1:
        values = ", ".join(present)
        return f"!it has {len(present)} values that disagree ({values}); not read"
    keep = next((c for c in _PREFERRED if c in present), present[0])
    for choice in present:
        if choice != keep:
            del work[choice]
    dropped = ", ".join(c for c in present if c != keep)
    return f"more than one value ({', '.join(present)}): {keep} was read, {dropped} left out"


def _meaning_words(value: Any) -> set[str]:
    text = str(value).lower()
    found = set()
    for word in _WORDS:
        if word in text:
            found.add(word)
            text = text.replace(word, " ")
    return found


def _path(loc: list[str | int]) -> str:
    out = ""
    for step in loc:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out
