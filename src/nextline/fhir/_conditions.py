"""Conditions to the patient file: the primary breast cancer (diagnosis date, histology,
stage), secondary cancers (metastatic sites), and mCODE comorbid conditions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from nextline.fhir import _fhirdata as fd
from nextline.fhir.report import Mapped
from nextline.fhir.tables import SNOMED_SYSTEM

if TYPE_CHECKING:
    from nextline.fhir.importer import _Importer


def map_condition(imp: _Importer, c: dict[str, Any]) -> None:
    ref = fd.ref_of(c)
    code = c.get("code")
    onset, why = imp.date_of(c, "onsetDateTime", "onsetPeriod")
    if why:
        imp.odd(ref, f"onset {why}; left out")
    primary = fd.code_in(code, SNOMED_SYSTEM, imp.t.primary_breast)
    site_row = fd.code_in(code, SNOMED_SYSTEM, imp.t.secondary_sites)
    generic = fd.code_in(code, SNOMED_SYSTEM, imp.t.secondary_generic)
    is_primary = fd.has_profile(c, "mcode-primary-cancer-condition")
    is_secondary = fd.has_profile(c, "mcode-secondary-cancer-condition")
    if primary is not None:
        _primary(imp, c, ref, primary.histology, onset)
    elif site_row is not None or generic is not None or is_secondary:
        _secondary(imp, c, ref, site_row, onset)
    elif is_primary:
        text = fd.concept_text(code) or "no code"
        imp.skip(ref, f"primary cancer {text!r} is not a breast cancer code nextline knows")
    elif fd.has_profile(c, "mcode-comorbid-condition"):
        _comorbidity(imp, c, ref, onset)
    else:
        systems = sorted({s for s, _, _ in fd.codings(code)}) or ["no coding"]
        text = fd.concept_text(code)
        imp.skip(
            ref,
            f"condition {text!r} ({', '.join(systems)}) is not a breast cancer or a "
            "comorbidity nextline reads",
        )


def _primary(
    imp: _Importer, c: dict[str, Any], ref: str, histology: str | None, onset: dt.date | None
) -> None:
    if onset is not None:
        old = imp.diagnosis.get("first_diagnosed")
        if old is None or onset.isoformat() < old:
            imp.diagnosis["first_diagnosed"] = onset.isoformat()
            imp.report.mapped.append(
                Mapped("diagnosis.first_diagnosed", ref, f"breast cancer found {onset}")
            )
    if histology:
        imp.diagnosis["histology"] = histology
        imp.report.mapped.append(Mapped("diagnosis.histology", ref, histology))
    detail = imp.detail(c)
    if detail:
        for key in (
            "presentation",
            "pathologic_response",
            "histology",
            "stage_at_first_diagnosis",
        ):
            if key in detail:
                imp.diagnosis[key] = detail[key]
    for stage in c.get("stage") or []:
        summary = stage.get("summary") if isinstance(stage, dict) else None
        text = imp.stage_text(summary)
        if text and imp.condition_stage is None:
            # Read after the stage group Observations, which mCODE treats as the source.
            imp.condition_stage = (text, ref)
            if text == "IV":
                imp.metastatic_shown.append((onset, ref))


def _secondary(
    imp: _Importer, c: dict[str, Any], ref: str, row: Any, onset: dt.date | None
) -> None:
    site = row.site if row is not None else None
    location = row.location if row is not None else None
    if site is None:
        body = fd.code_in(c.get("bodySite"), SNOMED_SYSTEM, imp.t.body_sites)
        site = body.site if body is not None else None
    if site is None:
        site = _site_from_words(fd.concept_text(c.get("bodySite")))
    if site is None:
        text = fd.concept_text(c.get("code")) or fd.concept_text(c.get("bodySite"))
        imp.skip(ref, f"secondary cancer {text!r}: the site is not one nextline knows")
        imp.metastatic_shown.append((onset, ref))
        return
    item: dict[str, Any] = {"site": site}
    if onset is not None:
        item["since"] = onset.isoformat()
    if location:
        item["location"] = location
    abatement, _ = imp.date_of(c, "abatementDateTime")
    if abatement is not None:
        item["resolved"] = abatement.isoformat()
    detail = imp.detail(c)
    if detail and detail.get("site") == site:
        item = detail
    imp.metastatic_shown.append((onset, ref))
    when = f" since {onset}" if onset else " (no date)"
    imp.add("metastases", item, ref, f"{site}{when}")


def _comorbidity(imp: _Importer, c: dict[str, Any], ref: str, onset: dt.date | None) -> None:
    text = fd.concept_text(c.get("code"))
    if not text:
        imp.skip(ref, "comorbidity without a name")
        return
    item: dict[str, Any] = {"condition": text}
    if onset is not None:
        item["since"] = onset.isoformat()
    detail = imp.detail(c)
    imp.add("comorbidities", detail or item, ref, text)


def _site_from_words(text: str) -> str | None:
    lowered = text.lower()
    for word, site in (
        ("lymph node", "lymph_nodes"),
        ("leptomening", "leptomeninges"),
        ("pleura", "pleura"),
        ("peritone", "peritoneum"),
        ("brain", "brain"),
        ("liver", "liver"),
        ("lung", "lung"),
        ("bone", "bone"),
        ("skin", "skin"),
    ):
        if word in lowered:
            return site
    return None
