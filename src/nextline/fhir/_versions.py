"""Which of several copies of one fact is read: the newest.

Real exports carry a fact more than once. A `_history` Bundle lists every version of a
resource (newest first) and records deletions; a bulk export run twice and appended gives the
same resource id twice; a lab that corrects a result sends a second Observation with the same
`identifier` and status `corrected` or `amended` (FHIR R4 observation-status), often beside
the first, and a preliminary result is followed by the final one. Reading them all put two
contradicting receptor results, or two hemoglobins, on one day.

The rule, the same for every resource type:
- copies with the same type and id: the one with the highest `meta.versionId`, else the
  latest `meta.lastUpdated`, else the first in a `_history` Bundle (newest first by the FHIR
  spec) and the last anywhere else (a later export appended);
- a deletion recorded in a `_history` Bundle removes the resource, unless a version was
  written after the deletion;
- Observations with the same `identifier` (system and value) and the same test code: the
  one with the most final status (corrected/amended over final over preliminary), then the
  latest `issued` or `meta.lastUpdated`, then the later in the input.
Each copy left out is reported with the copy that replaced it.
"""

from __future__ import annotations

from typing import Any

from nextline.fhir import _fhirdata as fd
from nextline.fhir._state import ImportState

# How final an Observation status is (FHIR R4 observation-status); a higher one supersedes.
_STATUS_RANK = {"registered": 0, "preliminary": 1, "final": 2, "amended": 3, "corrected": 3}


def _meta(resource: dict[str, Any], key: str) -> str:
    meta = resource.get("meta")
    value = meta.get(key) if isinstance(meta, dict) else None
    return value if isinstance(value, str) else ""


def _version(resource: dict[str, Any]) -> tuple[int, str]:
    text = _meta(resource, "versionId")
    number = int(text) if text.isdigit() else -1
    return number, _meta(resource, "lastUpdated")


def _identifiers(resource: dict[str, Any]) -> list[str]:
    """Keys of one result: each identifier with each code of the test. The code is part of
    the key because some systems give every result of one order (a blood count's hemoglobin
    and platelets) the order's accession number as its identifier; those are different
    results, not corrections of each other."""
    codes = [f"{system}|{code}" for system, code, _ in fd.codings(resource.get("code"))]
    found = []
    for ident in resource.get("identifier") or []:
        if isinstance(ident, dict) and isinstance(ident.get("value"), str):
            found += [f"{ident.get('system') or ''}|{ident['value']}|{c}" for c in codes]
    return found


def newest_only(
    imp: ImportState,
    resources: list[dict[str, Any]],
    deletions: dict[str, str | None],
    newest_first: bool,
) -> list[dict[str, Any]]:
    """`resources` with every superseded copy left out (and reported), in input order."""
    # The same type and id.
    best: dict[str, int] = {}
    for i, resource in enumerate(resources):
        ref = fd.ref_of(resource)
        held = best.get(ref)
        if held is None:
            best[ref] = i
            continue
        old, new = _version(resources[held]), _version(resource)
        if new > old or (new == old and not newest_first):
            best[ref] = i
    kept: list[int] = []
    for i, resource in enumerate(resources):
        ref = fd.ref_of(resource)
        if best[ref] != i:
            winner = _version(resources[best[ref]])[0]
            said = f" (version {winner})" if winner >= 0 else ""
            imp.skip(ref, f"an older version of the same resource; the newest{said} is read")
            continue
        if ref in deletions:
            when = deletions[ref]
            if not when or not _version(resource)[1] or _version(resource)[1] <= when:
                imp.skip(
                    ref,
                    "deleted in the record (a DELETE in the history"
                    + (f", {when}" if when else "")
                    + "): not imported",
                )
                continue
        kept.append(i)
    # Observations with the same identifier.
    chosen: dict[str, int] = {}
    for i in kept:
        resource = resources[i]
        if resource.get("resourceType") != "Observation":
            continue
        for ident in _identifiers(resource):
            held = chosen.get(ident)
            if held is None or _rank(resource, i) > _rank(resources[held], held):
                chosen[ident] = i
    out = []
    for i in kept:
        resource = resources[i]
        winners = {chosen[k] for k in _identifiers(resource) if k in chosen} - {i}
        if resource.get("resourceType") == "Observation" and winners:
            other = resources[min(winners)]
            imp.skip(
                fd.ref_of(resource),
                f"superseded by {fd.ref_of(other)} (status {other.get('status')}, the same "
                f"identifier); status here {resource.get('status')}: not imported",
            )
            continue
        out.append(resource)
    return out


def _rank(resource: dict[str, Any], position: int) -> tuple[int, str, int]:
    when = resource.get("issued") if isinstance(resource.get("issued"), str) else ""
    return (
        _STATUS_RANK.get(str(resource.get("status")), 0),
        max(str(when), _meta(resource, "lastUpdated")),
        position,
    )
