"""FHIR R5 shapes read as the R4 ones they replace, before validation.

Why: exports from R5 servers (and IPS documents built on R5) are arriving, and nextline
validates against R4. The few R5 changes that carry a treatment fact are renamed, not
guessed (FHIR R5 "Differences from R4" on each resource page,
https://hl7.org/fhir/R5/medicationstatement.html and the others named below):
- MedicationStatement was renamed MedicationUsage; its `status` lost "active/completed"
  (R5: recorded | entered-in-error | draft), so "recorded" is read as R4 "unknown" and
  nothing is inferred from it;
- `medication[x]` became one CodeableReference `medication` (`concept` or `reference`) on
  MedicationUsage, MedicationRequest, MedicationAdministration and MedicationDispense;
- `reasonCode` + `reasonReference` became one list of CodeableReference `reason`;
- Procedure `performed[x]` became `occurrence[x]`, MedicationAdministration `effective[x]`
  became `occurence[x]` (so spelt in R5).
Each renaming is named in the import report. Any other R5 element is left to the lenient
pass (`_lenient`), which drops what R4 does not know and says so.
"""

from __future__ import annotations

from typing import Any

_MEDICATION_TYPES = {
    "MedicationUsage",
    "MedicationStatement",
    "MedicationRequest",
    "MedicationAdministration",
    "MedicationDispense",
}
# R5 MedicationUsage.status -> R4 MedicationStatement.status (draft: not a fact, skipped).
_USAGE_STATUS = {"recorded": "unknown", "entered-in-error": "entered-in-error", "draft": "intended"}
# R5 MedicationAdministration.occurence[x] (spelt so in R5) was R4 effective[x].
_OCCURENCE = {
    "occurenceDateTime": "effectiveDateTime",
    "occurencePeriod": "effectivePeriod",
}
_OCCURRENCE = {
    "occurrenceDateTime": "performedDateTime",
    "occurrencePeriod": "performedPeriod",
    "occurrenceString": "performedString",
    "occurrenceAge": "performedAge",
    "occurrenceRange": "performedRange",
}


def as_r4(resource: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The resource with its R5-only shapes renamed to R4, and what was renamed (empty when
    the resource has none)."""
    kind = resource.get("resourceType")
    out = dict(resource)
    done: list[str] = []
    if kind == "MedicationUsage":
        out["resourceType"] = "MedicationStatement"
        status = out.get("status")
        if isinstance(status, str) and status in _USAGE_STATUS:
            out["status"] = _USAGE_STATUS[status]
        done.append("an R5 MedicationUsage, read as an R4 MedicationStatement")
    if kind in _MEDICATION_TYPES and isinstance(out.get("medication"), dict):
        medication = out.pop("medication")
        if isinstance(medication.get("concept"), dict):
            out["medicationCodeableConcept"] = medication["concept"]
            done.append("R5 `medication.concept` read as `medicationCodeableConcept`")
        elif isinstance(medication.get("reference"), dict):
            out["medicationReference"] = medication["reference"]
            done.append("R5 `medication.reference` read as `medicationReference`")
        else:
            out["medication"] = medication  # left for validation to name
    reasons = out.get("reason")
    if kind != "Observation" and isinstance(reasons, list) and _codeable_references(reasons):
        out.pop("reason")
        codes = [r["concept"] for r in reasons if isinstance(r.get("concept"), dict)]
        refs = [r["reference"] for r in reasons if isinstance(r.get("reference"), dict)]
        if codes:
            out["reasonCode"] = codes
        if refs:
            out["reasonReference"] = refs
        done.append("R5 `reason` read as `reasonCode` / `reasonReference`")
    renames = {"Procedure": _OCCURRENCE, "MedicationAdministration": _OCCURENCE}.get(str(kind))
    if renames:
        for r5, r4 in renames.items():
            if r5 in out and r4 not in out:
                out[r4] = out.pop(r5)
                done.append(f"R5 `{r5}` read as `{r4}`")
    return (out, done) if done else (resource, [])


def _codeable_references(items: list[Any]) -> bool:
    return bool(items) and all(
        isinstance(i, dict) and set(i) <= {"concept", "reference", "id", "extension"} for i in items
    )
