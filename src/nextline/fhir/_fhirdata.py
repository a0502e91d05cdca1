"""Small readers for raw FHIR JSON (already validated by fhir.resources): codings, dates,
references. Raw dicts are read instead of the models because the mapping only needs a few
fields and this keeps it fast."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from nextline.fhir.tables import MCODE, SYSTEM_OIDS


def codings(concept: Any) -> list[tuple[str, str, str]]:
    """(system, code, display) of each coding of a CodeableConcept (or a list of them)."""
    if isinstance(concept, list):
        return [c for item in concept for c in codings(item)]
    if not isinstance(concept, dict):
        return []
    out = []
    for coding in concept.get("coding") or []:
        if isinstance(coding, dict) and coding.get("code") is not None:
            system = str(coding.get("system", ""))
            system = SYSTEM_OIDS.get(system, system)  # an OID names the same code system
            out.append((system, str(coding["code"]), str(coding.get("display", ""))))
    return out


def concept_text(concept: Any) -> str:
    """The text of a CodeableConcept, or its first display."""
    if isinstance(concept, dict):
        if isinstance(concept.get("text"), str) and concept["text"].strip():
            return str(concept["text"]).strip()
        for _, _, display in codings(concept):
            if display:
                return display
    if isinstance(concept, list) and concept:
        return concept_text(concept[0])
    return ""


def code_in(concept: Any, system: str, table: dict[str, Any]) -> Any:
    """The first table row whose code is a coding of `concept` in `system`, or None."""
    for sys, code, _ in codings(concept):
        if sys == system and code in table:
            return table[code]
    return None


def parse_date(value: Any) -> tuple[dt.date | None, str | None]:
    """A FHIR date/dateTime as a date; (None, why) for a partial or malformed one."""
    if not isinstance(value, str) or not value:
        return None, None
    text = value[:10]
    if len(text) < 10:
        return None, f"date {value!r} gives only the year or month"
    try:
        return dt.date.fromisoformat(text), None
    except ValueError:
        return None, f"date {value!r} is not a date"


def profiles(resource: dict[str, Any]) -> list[str]:
    meta = resource.get("meta")
    if not isinstance(meta, dict):
        return []
    return [p for p in meta.get("profile") or [] if isinstance(p, str)]


def has_profile(resource: dict[str, Any], *names: str) -> bool:
    """Whether meta.profile names one of the mCODE profiles `names` (any version)."""
    found = [p.split("|")[0] for p in profiles(resource)]
    return any(p == MCODE + name for p in found for name in names)


def ref_of(resource: dict[str, Any]) -> str:
    return f"{resource.get('resourceType')}/{resource.get('id', '?')}"


def reference(value: Any) -> str | None:
    """The reference a Reference names, without a version (`Patient/1/_history/3` is
    `Patient/1`: a version-specific reference names the same resource), and without the
    server's base when it is an absolute RESTful URL (`https://ehr.example/R4/Patient/1` is
    `Patient/1`, as a bulk export without `fullUrl`s writes it)."""
    if isinstance(value, dict) and isinstance(value.get("reference"), str):
        return relative(_HISTORY.sub("", str(value["reference"])))
    return None


def relative(ref: str) -> str:
    """`Type/id` for an absolute RESTful URL that ends in one; any other reference as is."""
    match = _ABSOLUTE.fullmatch(ref)
    return match.group(1) if match else ref


_HISTORY = re.compile(r"/_history/[^/]*$")
_ABSOLUTE = re.compile(r"https?://\S+?/([A-Z][A-Za-z]+/[A-Za-z0-9\-.]{1,64})")


def extension_value(resource: dict[str, Any], url_suffix: str) -> Any:
    for ext in resource.get("extension") or []:
        if isinstance(ext, dict) and str(ext.get("url", "")).endswith(url_suffix):
            for key, value in ext.items():
                if key.startswith("value"):
                    return value
    return None


def modifier_extension(value: Any, depth: int = 0) -> str | None:
    """The url of the first `modifierExtension` anywhere in a resource, or None."""
    if depth > 40:
        return None
    if isinstance(value, dict):
        for ext in value.get("modifierExtension") or []:
            url = ext.get("url") if isinstance(ext, dict) else None
            return url if isinstance(url, str) else "no url"
        for key, inner in value.items():
            if key != "contained" and isinstance(inner, (dict, list)):
                found = modifier_extension(inner, depth + 1)
                if found is not None:
                    return found
    elif isinstance(value, list):
        for inner in value:
            found = modifier_extension(inner, depth + 1)
            if found is not None:
                return found
    return None
