"""Conditions to the patient file: the primary breast cancer (diagnosis date, histology,
stage), secondary cancers (metastatic sites), and mCODE comorbid conditions. A cancer that
is not the breast cancer is noted (`ImportState.other_cancers`) so that facts tied to it stay
out of the breast cancer record."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from nextline.fhir import _fhirdata as fd
from nextline.fhir._state import CancerCode, ImportState, OtherCancer, site_from_words
from nextline.fhir.report import Mapped, Note
from nextline.fhir.tables import (
    ICD10_CA_SYSTEMS,
    ICD10_SYSTEMS,
    ICDO3_SYSTEM,
    SNOMED_SYSTEM,
    icd10_dotted,
)

# Words that make a condition's name a cancer (used only to keep facts out, never to map in).
_CANCER_WORDS = re.compile(
    r"\b(cancer|carcinoma|adenocarcinoma|malignan\w*|neoplasm|tumou?r|lymphoma|leuka?emia|"
    r"sarcoma|melanoma|myeloma|mesothelioma|glioma|blastoma)\b",
    re.IGNORECASE,
)
_SECONDARY_WORDS = re.compile(r"\b(secondary|metasta\w*)\b", re.IGNORECASE)


def note_cancer(imp: ImportState, c: dict[str, Any]) -> None:
    """First pass over the Conditions: which one is the breast cancer, which are other
    cancers (so the second pass, and every later fact, can tell them apart)."""
    ref = fd.ref_of(c)
    if _not_a_fact(c) is not None:
        return
    code = c.get("code")
    said = imp.cancer_code(code)
    if said is not None and said.kind == "breast":
        imp.breast_refs.add(ref)
        return
    if _is_secondary(imp, c):
        return
    generic = said is not None and said.kind == "generic"
    if generic and _breast_site(imp, c) is not None:
        imp.breast_refs.add(ref)
        return
    text = fd.concept_text(code)
    cancer_named = (
        bool(_CANCER_WORDS.search(text))
        and "breast" not in text.lower()
        and not _SECONDARY_WORDS.search(text)
    )
    if (
        generic
        or (said is not None and said.kind == "other")
        or cancer_named
        or (fd.has_profile(c, "mcode-primary-cancer-condition") and "breast" not in text.lower())
    ):
        onset, _ = imp.date_of(c, "onsetDateTime", "onsetPeriod")
        sites = imp.sites_of(c.get("bodySite"))
        word = site_from_words(text)
        if word:
            sites.add(word)
        where = fd.concept_text(c.get("bodySite"))
        name = text or "a cancer"
        if generic and where:
            name = f"{name} of {where}"
        elif generic:
            name = f"{name} (no body site given)"
        codes = frozenset((system, value) for system, value, _ in fd.codings(code))
        cancer = OtherCancer(ref, name, onset, frozenset(sites), codes)
        for key in {ref, *(k for k, v in imp.by_ref.items() if v is c)}:
            imp.other_cancers[key] = cancer


# Condition.verificationStatus values that say the condition is not a fact about the person
# (FHIR R4 condition-ver-status): it was ruled out, or recorded by mistake.
_NOT_FACTS = {"refuted": "it was ruled out", "entered-in-error": "it was recorded by mistake"}


def _not_a_fact(c: dict[str, Any]) -> str | None:
    for _, code, _ in fd.codings(c.get("verificationStatus")):
        if code in _NOT_FACTS:
            return f"verification status is {code} ({_NOT_FACTS[code]}): not a fact"
    return None


# Condition.verificationStatus values that say the condition is suspected, not established
# (FHIR R4 condition-ver-status): not imported as a fact, and the person is asked.
_NOT_YET = {
    "unconfirmed": "not confirmed",
    "provisional": "a working diagnosis, not yet confirmed",
    "differential": "one of several possible diagnoses still being considered",
}


def _not_yet_confirmed(c: dict[str, Any]) -> str | None:
    for _, code, _ in fd.codings(c.get("verificationStatus")):
        if code in _NOT_YET:
            name = fd.concept_text(c.get("code")) or "this condition"
            return (
                f"{name!r} has verification status {code} ({_NOT_YET[code]}): not imported; "
                "ask your care team whether it was confirmed, and add it if it was"
            )
    return None


def map_condition(imp: ImportState, c: dict[str, Any]) -> None:
    ref = fd.ref_of(c)
    code = c.get("code")
    not_fact = _not_a_fact(c)
    if not_fact is not None:
        imp.skip(ref, not_fact)
        return
    suspected = _not_yet_confirmed(c)
    if suspected is not None:
        imp.report.needs.append(Note(ref, suspected))
        return
    onset, why = imp.date_of(c, "onsetDateTime", "onsetPeriod")
    if why:
        imp.odd(ref, f"onset {why}; left out")
    if imp.in_future(ref, onset, "its onset"):
        return
    if fd.has_profile(c, "mcode-comorbid-condition"):
        _comorbidity(imp, c, ref, onset)  # another cancer may well be a comorbidity
        return
    if ref in imp.other_cancers:
        imp.skip(ref, f"other cancer: not imported ({imp.other_cancers[ref].name})")
        return
    said = imp.cancer_code(code)
    if said is not None and said.kind == "breast":
        _primary(imp, c, ref, said, onset)
        return
    if ref in imp.breast_refs:  # a generic cancer code with a breast body site
        _primary(imp, c, ref, None, onset)
        return
    if _is_secondary(imp, c):
        why_other = imp.other_cancer_of(c, None, by_site=False)
        if why_other:
            imp.skip(ref, f"other cancer: not imported ({why_other})")
            return
        row = said.site if said is not None else None
        _secondary(imp, c, ref, row, onset)
    else:
        systems = sorted({s for s, _, _ in fd.codings(code)}) or ["no coding"]
        text = fd.concept_text(code)
        imp.skip(
            ref,
            f"condition {text!r} ({', '.join(systems)}) is not a breast cancer or a "
            "comorbidity nextline reads",
        )


def _is_secondary(imp: ImportState, c: dict[str, Any]) -> bool:
    said = imp.cancer_code(c.get("code"))
    return (said is not None and said.kind == "secondary") or fd.has_profile(
        c, "mcode-secondary-cancer-condition"
    )


def _breast_site(imp: ImportState, c: dict[str, Any]) -> Any:
    """The breast body-site row of a Condition (SNOMED CT, or an ICD-O-3 breast topography
    as mCODE asks registries to write it), or None."""
    for system, code, _ in fd.codings(c.get("bodySite")):
        row = imp.t.body_sites.get(code) if system == SNOMED_SYSTEM else None
        if row is not None and row.location == "breast":
            return row
        if system == ICDO3_SYSTEM and imp.t.icdo3_breast(code):
            return code
    return None


def _morphology(imp: ImportState, c: dict[str, Any]) -> str | None:
    """The histology of an ICD-O-3 morphology (mCODE histology-morphology-behavior)."""
    value = fd.extension_value(c, "mcode-histology-morphology-behavior")
    for system, code, _ in fd.codings(value):
        if system == ICDO3_SYSTEM:
            found = imp.t.icdo3_histology(code)
            if found:
                return found
    return None


def _qualified_sides(imp: ImportState, c: dict[str, Any]) -> set[str]:
    """The breast side given by the mCODE laterality qualifier extension on a breast body
    site ("Breast structure" qualified "Left"): left, right, or both for "Right and left"."""
    sides: set[str] = set()
    for site in c.get("bodySite") or []:
        if not isinstance(site, dict):
            continue
        breast = any(
            system == SNOMED_SYSTEM
            and (row := imp.t.body_sites.get(code)) is not None
            and row.location == "breast"
            for system, code, _ in fd.codings(site)
        )
        qualifier = fd.extension_value(site, "laterality-qualifier")
        row = fd.code_in(qualifier, SNOMED_SYSTEM, imp.t.laterality)
        if breast and row is not None:
            sides |= {"left", "right"} if row.meaning == "bilateral" else {str(row.meaning)}
    return sides


def _primary(
    imp: ImportState, c: dict[str, Any], ref: str, said: CancerCode | None, onset: dt.date | None
) -> None:
    imp.breast_refs.add(ref)
    histology = (said.histology if said else None) or _morphology(imp, c)
    if onset is None and not imp.diagnosis.get("first_diagnosed"):
        written = c.get("onsetString") or c.get("onsetDateTime")  # words, or a year-month
        imp.undated_breast.append((ref, c.get("recordedDate"), written))
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
    sides = {
        row.meaning
        for system, code, _ in fd.codings(c.get("bodySite"))
        if system == SNOMED_SYSTEM
        and (row := imp.t.body_sites.get(code)) is not None
        and row.location == "breast"
        and row.meaning in ("left", "right")
    } | _qualified_sides(imp, c)
    if said is not None and said.side:
        if sides and said.side not in sides:
            # The code says one breast and the body site the other: not both breasts, but
            # a contradiction, so neither is taken from this condition.
            imp.odd(
                ref,
                f"the code says the {said.side} breast but the body site says the "
                f"{' and '.join(sorted(sides))}; laterality not taken from it",
            )
            sides = set()
        else:
            sides.add(said.side)
    held = imp.diagnosis.get("laterality")
    if held == "bilateral":
        sides |= {"left", "right"}
    elif held:
        sides.add(held)
    if sides:
        side = sides.pop() if len(sides) == 1 else "bilateral"
        imp.diagnosis["laterality"] = side
        imp.report.mapped.append(Mapped("diagnosis.laterality", ref, f"the {side} breast"))
    detail = imp.detail(c)
    if detail:
        for key in (
            "presentation",
            "pathologic_response",
            "histology",
            "stage_at_first_diagnosis",
            "metastatic_since",  # nextline's own export: kept even with no site to carry it
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
    imp: ImportState, c: dict[str, Any], ref: str, row: Any, onset: dt.date | None
) -> None:
    site = row.site if row is not None else None
    location = row.location if row is not None else None
    if site is None:
        body = fd.code_in(c.get("bodySite"), SNOMED_SYSTEM, imp.t.body_sites)
        site = body.site if body is not None else None
    if site is None:
        site = site_from_words(fd.concept_text(c.get("bodySite")))
    own = imp.detail(c)
    if site is None and own is not None and isinstance(own.get("site"), str):
        # nextline's own export of a site no code names (`other`, with its location): the
        # generic code and the body site's words say no more, and nothing contradicts it.
        site = own["site"]
    if site is None:
        imp.skip(ref, _unknown_site(imp, c))
        imp.metastatic_shown.append((onset, ref))
        return
    if row is not None and row.note:
        imp.report.needs.append(Note(ref, row.note))
    item: dict[str, Any] = {"site": site}
    if onset is not None:
        item["since"] = onset.isoformat()
    if location:
        item["location"] = location
    abatement, _ = imp.date_of(c, "abatementDateTime", "abatementPeriod")
    if abatement is not None:
        item["resolved"] = abatement.isoformat()
    else:
        _ask_resolved(imp, c, ref, site)
    if onset is None:
        _ask_onset(imp, c, ref, site)
    detail = imp.detail(c)
    if detail and detail.get("site") == site:
        item = detail
    imp.metastatic_shown.append((onset, ref))
    when = f" since {onset}" if onset else " (no date)"
    for held, held_ref, _ in imp.sections.get("metastases", []):
        if (
            held.get("site") == site
            and held.get("location") == item.get("location")
            and not held.get("resolved")
            and not item.get("resolved")
        ):
            # The same metastasis on the problem list and as an encounter diagnosis (often
            # in two code systems): one site, found on the earlier date.
            earlier = min((d for d in (held.get("since"), item.get("since")) if d), default=None)
            if earlier:
                held["since"] = earlier
            imp.skip(ref, f"the same {site} metastasis as {held_ref}; kept once (since {earlier})")
            return
    imp.add("metastases", item, ref, f"{site}{when}")


# Clinical statuses that say a condition is over (FHIR R4 condition-clinical).
_OVER = {"resolved", "remission", "inactive"}


def _ask_resolved(imp: ImportState, c: dict[str, Any], ref: str, site: str) -> None:
    """A metastasis the record calls resolved or in remission without the day it went: kept
    as it is (no day is guessed) and the day asked for."""
    status = [code for _, code, _ in fd.codings(c.get("clinicalStatus")) if code in _OVER]
    words = c.get("abatementString")
    if not status and not isinstance(words, str):
        return
    said = f"'{words.strip()[:60]}'" if isinstance(words, str) and words.strip() else status[0]
    imp.report.needs.append(
        Note(
            ref,
            f"the record says this {site} metastasis is {said} ({', '.join(status) or 'status'})"
            " but gives no date; it is kept as it is. If it has gone, add "
            "metastases[].resolved with the date",
        )
    )


def _ask_onset(imp: ImportState, c: dict[str, Any], ref: str, site: str) -> None:
    """A metastasis with no onset date: when the record writes the onset another way (an age,
    words, a range), the words are named so the person can give the date."""
    age = c.get("onsetAge")
    words = c.get("onsetString")
    if isinstance(age, dict) and age.get("value") is not None:
        how = f"given as an age ({float(age['value']):g} {age.get('unit') or 'years'})"
    elif isinstance(words, str) and words.strip():
        how = f"written as '{words.strip()[:60]}'"
    elif isinstance(c.get("onsetRange"), dict):
        how = "given as a range of ages"
    else:
        return
    imp.report.needs.append(
        Note(
            ref,
            f"the date this {site} metastasis was found is not in the bundle (its onset is "
            f"{how}); add metastases[].since with the date",
        )
    )


def _unknown_site(imp: ImportState, c: dict[str, Any]) -> str:
    """Why a secondary cancer's site was not read, naming the code (a parent code that names
    two sites says which two)."""
    icd = [code for system, code, _ in fd.codings(c.get("code")) if system in ICD10_SYSTEMS]
    # ICD-10-CA is read to four characters, where it is WHO ICD-10 (tables.ICD10_CA_SYSTEMS).
    icd += [
        icd10_dotted(code)[:5]
        for system, code, _ in fd.codings(c.get("code"))
        if system in ICD10_CA_SYSTEMS
    ]
    for code in icd:
        wide = imp.t.icd10_wide(code)
        if wide is not None:
            return (
                f"secondary cancer ICD-10 {code} ({wide.name}) {wide.note}, and no body site "
                "says which; the site is not imported: add it to the patient file"
            )
    for code in icd:
        group = next((r for r in imp.t.icd.secondary_generic if r.code == code[:3]), None)
        if group is not None:
            return (
                f"secondary cancer ICD-10 {code} ({group.name}): the code does not say which "
                "site, and no body site nextline knows says it; the site is not imported: add "
                "it to the patient file"
            )
    text = fd.concept_text(c.get("code")) or fd.concept_text(c.get("bodySite"))
    if not text:
        text = ", ".join(code for _, code, _ in fd.codings(c.get("code"))) or "no code"
    return f"secondary cancer {text!r}: the site is not one nextline knows"


def _comorbidity(imp: ImportState, c: dict[str, Any], ref: str, onset: dt.date | None) -> None:
    text = fd.concept_text(c.get("code"))
    if not text:
        imp.skip(ref, "comorbidity without a name")
        return
    item: dict[str, Any] = {"condition": text}
    if onset is not None:
        item["since"] = onset.isoformat()
    detail = imp.detail(c)
    imp.add("comorbidities", detail or item, ref, text)
