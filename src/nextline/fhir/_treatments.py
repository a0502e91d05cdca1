"""Medications and procedures to `therapies`: drugs by RxNorm code (as ingredients), radiation
and surgery from Procedure. Drugs that start and stop together become one therapy entry; the
record's own line numbering then groups entries into lines of therapy."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from nextline.fhir import _fhirdata as fd
from nextline.fhir._state import ImportState, Med
from nextline.fhir.report import Note
from nextline.fhir.tables import ATC_SYSTEMS, IPS_ABSENT_SYSTEM, RXNORM_SYSTEM, SNOMED_SYSTEM

# Code systems that name a drug nextline can read (`ImportState.drug_of`).
_DRUG_SYSTEMS = {RXNORM_SYSTEM, *ATC_SYSTEMS}


def _concept(imp: ImportState, m: dict[str, Any], ref: str) -> Any:
    if "medicationCodeableConcept" in m:
        return m["medicationCodeableConcept"]
    target = fd.reference(m.get("medicationReference"))
    if target is None:
        imp.skip(ref, "no medication given")
        return None
    if target.startswith("#"):
        for contained in m.get("contained") or []:
            if isinstance(contained, dict) and contained.get("id") == target[1:]:
                return _medication_code(imp, contained)
    elif target in imp.by_ref:
        return _medication_code(imp, imp.by_ref[target])
    imp.skip(ref, f"its medication {target} is not in the bundle (dangling reference)")
    return None


def _medication_code(imp: ImportState, medication: dict[str, Any]) -> Any:
    """A Medication's code; when it has no RxNorm coding (an EHR's own code, or only a
    name), the RxNorm code of its one active ingredient (`ingredient.itemCodeableConcept`).
    With several ingredients the code stays as it is (and is reported): a combination is
    never taken for one of its drugs."""
    code = medication.get("code")
    if any(system in _DRUG_SYSTEMS for system, _, _ in fd.codings(code)):
        return code
    items = [
        i.get("itemCodeableConcept")
        for i in medication.get("ingredient") or []
        if isinstance(i, dict) and i.get("isActive", True) is not False
    ]
    coded = [c for c in items if any(s in _DRUG_SYSTEMS for s, _, _ in fd.codings(c))]
    if len(coded) == 1 and len(items) == 1:
        return coded[0]
    return code


def _dates(m: dict[str, Any]) -> tuple[Any, Any]:
    kind = m["resourceType"]
    if kind == "MedicationDispense":
        return m.get("whenHandedOver") or m.get("whenPrepared"), None
    if kind == "MedicationRequest":
        for dosage in m.get("dosageInstruction") or []:
            bounds = (((dosage or {}).get("timing") or {}).get("repeat") or {}).get(
                "boundsPeriod"
            ) or {}
            if bounds.get("start"):
                return bounds.get("start"), bounds.get("end")
        return m.get("authoredOn"), None
    period = m.get("effectivePeriod")
    if isinstance(period, dict):
        return period.get("start"), period.get("end")
    return m.get("effectiveDateTime"), None


def _dose(m: dict[str, Any]) -> tuple[float, str] | None:
    """The dose an order, statement or administration gives as a quantity with a unit
    (`doseAndRate.doseQuantity`, or an administration's `dosage.dose`). A range, a rate or a
    dose written only as text is not read (the patient file keeps one amount and a unit)."""
    kind = m["resourceType"]
    if kind == "MedicationAdministration":
        dosage = m.get("dosage")
        quantities = [dosage.get("dose")] if isinstance(dosage, dict) else []
    else:
        key = "dosageInstruction" if kind == "MedicationRequest" else "dosage"
        quantities = [
            rate.get("doseQuantity")
            for dosage in m.get(key) or []
            if isinstance(dosage, dict)
            for rate in dosage.get("doseAndRate") or []
            if isinstance(rate, dict)
        ]
    for quantity in quantities:
        if not isinstance(quantity, dict) or quantity.get("comparator"):
            continue
        value, unit = quantity.get("value"), quantity.get("unit") or quantity.get("code")
        if isinstance(value, (int, float)) and value >= 0 and isinstance(unit, str) and unit:
            return float(value), unit.strip()
    return None


def _dose_range(m: dict[str, Any]) -> str | None:
    """A dose given only as a range ("1000 to 1500 mg"), in words, or None."""
    key = {"MedicationRequest": "dosageInstruction", "MedicationStatement": "dosage"}.get(
        m["resourceType"]
    )
    for dosage in m.get(key or "") or []:
        for rate in (dosage.get("doseAndRate") or []) if isinstance(dosage, dict) else []:
            span = rate.get("doseRange") if isinstance(rate, dict) else None
            if isinstance(span, dict):
                low, high = span.get("low") or {}, span.get("high") or {}
                unit = high.get("unit") or low.get("unit") or ""
                return f"{low.get('value', '?')} to {high.get('value', '?')} {unit}".strip()
    return None


def _stop_reason(imp: ImportState, m: dict[str, Any], ref: str) -> str | None:
    concepts = []
    reason = m.get("statusReason")
    concepts += reason if isinstance(reason, list) else [reason] if reason else []
    ext = fd.extension_value(m, "mcode-termination-reason")
    if ext:
        concepts.append(ext)
    for concept in concepts:
        row = fd.code_in(concept, SNOMED_SYSTEM, imp.t.stop_reasons)
        if row is not None:
            return str(row.meaning)
    if concepts:
        text = fd.concept_text(concepts[0]) or "a code"
        imp.odd(ref, f"stop reason {text!r} is not one nextline reads; left out")
    return None


# MedicationRequest.intent values that are not an order to give the medicine (FHIR R4
# medicationrequest-intent): a proposal, a plan or an option was never given.
_NOT_GIVEN_INTENTS = {
    "proposal": "a proposal",
    "plan": "a plan",
    "option": "an option",
}


# MedicationDispense.status values (FHIR R4 medicationdispense-status) that say the medicine
# was handed over; any other (preparation, on-hold, declined, stopped, unknown) is not a
# dispense that happened.
_HANDED_OVER = {"completed", "in-progress"}


def map_medication(imp: ImportState, m: dict[str, Any]) -> None:
    ref = fd.ref_of(m)
    intent = m.get("intent")
    if m["resourceType"] == "MedicationDispense" and m.get("status") not in _HANDED_OVER:
        imp.skip(ref, f"dispense status is {m.get('status')}: not handed over; not imported")
        return
    if m["resourceType"] == "MedicationRequest" and intent in _NOT_GIVEN_INTENTS:
        imp.skip(
            ref,
            f"intent is {intent}: {_NOT_GIVEN_INTENTS[intent]}, not an order that was given; "
            "not imported",
        )
        return
    raw_start, raw_stop = _dates(m)
    start, why_start = fd.parse_date(raw_start)
    other = imp.other_cancer_of(m, start, treatment=True)
    if other:
        imp.skip(ref, f"other cancer: not imported ({other})")
        return
    concept = _concept(imp, m, ref)
    if concept is None:
        return
    absent = [(c, d) for s, c, d in fd.codings(concept) if s == IPS_ABSENT_SYSTEM]
    if absent:
        code, display = absent[0]
        imp.skip(
            ref,
            f"not a medicine: the record says {(display or code).lower()!r} (the IPS "
            f"absent-or-unknown code {code}); nothing to import",
        )
        return
    detail = imp.detail(m)
    if detail is not None and not fd.codings(concept):
        drug_id = "(as written)"
    else:
        found = imp.drug_of(concept, ref)
        if found is None:
            return
        drug_id = found
    if start is None and why_start and drug_id in imp.kb.drugs:
        # A known medicine whose start the record gives only as a year or month: asked for,
        # not dropped unseen (the patient file needs the day a treatment began).
        name = imp.kb.drugs[drug_id].name
        imp.report.needs.append(
            Note(
                ref,
                f"{name} is in the record, but its start {why_start}; add it with the day it began",
            )
        )
        return
    if start is None:
        why = why_start
        imp.skip(ref, f"medication without a start date{': ' + why if why else ''}")
        return
    if imp.in_future(ref, start, "its start"):
        return
    stop, why = fd.parse_date(raw_stop)
    if why:
        imp.odd(ref, f"stop {why}; left out")
    if stop is not None and stop > imp.today:
        # An order written to run until a later day: it is still going on.
        imp.odd(ref, f"its end ({stop}) is still to come; kept as ongoing")
        stop = None
    if stop is not None and stop < start:
        imp.odd(ref, f"stops ({stop}) before it starts ({start}); stop left out")
        stop = None
    status = m.get("status")
    amount = _dose(m) if detail is None else None
    span = _dose_range(m) if amount is None and detail is None else None
    if span is not None:
        imp.skip(
            ref,
            f"the dose is given as a range ({span}); the patient file keeps one amount, so "
            "the dose is not imported (the medicine is)",
        )
    if m["resourceType"] == "MedicationAdministration" and detail is None:
        request = fd.reference(m.get("request"))
        imp.admins.append(_Dose(drug_id, start, ref, request, amount))
        return
    if m["resourceType"] == "MedicationDispense":
        # A pharmacy fill (Epic and Cerner export them beside, or instead of, the orders):
        # one day the medicine was handed over, folded into courses like doses given.
        orders = [fd.reference(r) for r in m.get("authorizingPrescription") or []]
        imp.admins.append(_Dose(drug_id, start, ref, next((o for o in orders if o), None)))
        return
    ended = stop is None and status in ("completed", "stopped") and detail is None
    med = Med(drug_id, start, stop, _stop_reason(imp, m, ref), ref, detail, completed=ended)
    if amount is not None:
        med.doses.append(amount)
    imp.meds.append(med)


@dataclass(frozen=True)
class _Dose:
    """One MedicationAdministration: one dose given on one day."""

    drug_id: str
    day: dt.date
    ref: str
    request: str | None
    amount: tuple[float, str] | None = None


# Doses of one drug more than this far apart are two courses (the record's line rules use
# the same 90 days for a restart after a stop).
_COURSE_GAP = dt.timedelta(days=90)


def _fold_doses(imp: ImportState) -> None:
    """Doses given under an imported request join it (provenance); the others become
    courses of the drug: first dose to last, the latest course without a stop (the bundle
    does not say whether it continues)."""
    by_ref = {med.ref: med for med in imp.meds}
    loose: dict[str, list[_Dose]] = {}
    for dose in imp.admins:
        med = by_ref.get(dose.request or "")
        if med is not None and med.drug_id == dose.drug_id:
            med.ref += f", {dose.ref}"
            if dose.amount is not None and dose.amount not in med.doses:
                med.doses.append(dose.amount)
        else:
            loose.setdefault(dose.drug_id, []).append(dose)
    for drug_id, doses in loose.items():
        doses.sort(key=lambda d: d.day)
        courses: list[list[_Dose]] = [[doses[0]]]
        for dose in doses[1:]:
            if dose.day - courses[-1][-1].day > _COURSE_GAP:
                courses.append([])
            courses[-1].append(dose)
        for n, course in enumerate(courses):
            last = n == len(courses) - 1
            stop = None if last else course[-1].day
            refs = ", ".join(d.ref for d in course)
            med = Med(drug_id, course[0].day, stop, None, refs)
            if last and imp.today - course[-1].day > _COURSE_GAP:
                # Kept as running (nothing says it ended), but the last dose or fill is long
                # past: asked, so an old course is not shown as today's treatment unseen.
                name = imp.kb.drugs[drug_id].name if drug_id in imp.kb.drugs else drug_id
                imp.report.needs.append(
                    Note(
                        refs,
                        f"{name} was last given or dispensed on {course[-1].day}, more than 90 "
                        "days ago; the record does not say whether it goes on: add its stop "
                        "date if it ended",
                    )
                )
            for dose in course:
                if dose.amount is not None and dose.amount not in med.doses:
                    med.doses.append(dose.amount)
            imp.meds.append(med)


def _close_completed(imp: ImportState) -> None:
    """Courses marked completed (or stopped) without a stop date: they are over, so they
    cannot run alongside every later treatment.

    Repeated orders of one drug no more than 90 days apart are one course (weekly paclitaxel
    orders); such a course ends with its last order. A single completed order or statement
    ended before the next cancer treatment began: its stop is set to the day before that
    start. So sequential courses become sequential lines, never one impossible combination of
    every drug. Each stop set this way is reported and the real date asked for; a completed
    course with no later treatment keeps no stop, and its date is asked for too."""
    kb = imp.kb

    def cancer(med: Med) -> bool:
        return med.drug_id in kb.drugs and kb.family_of(kb.drugs[med.drug_id]) != "supportive"

    for med in imp.meds:
        if med.completed and med.drug_id in kb.drugs and not cancer(med):
            imp.odd(
                med.ref,
                f"{kb.drugs[med.drug_id].name} is marked completed but no stop date is given; "
                "kept without a stop",
            )
    completed = sorted(
        (m for m in imp.meds if m.completed and cancer(m)),
        key=lambda m: (m.drug_id, str(m.stop_reason), m.start),
    )
    courses: list[list[Med]] = []
    for med in completed:
        last = courses[-1][-1] if courses else None
        if (
            last is not None
            and last.drug_id == med.drug_id
            and last.stop_reason == med.stop_reason
            and med.start - last.start <= _COURSE_GAP
        ):
            courses[-1].append(med)
        else:
            courses.append([med])
    position = {id(m): i for i, m in enumerate(imp.meds)}
    courses.sort(key=lambda orders: position[id(orders[0])])  # reported in the input's order
    merged = {id(m) for course in courses for m in course[1:]}
    imp.meds = [m for m in imp.meds if id(m) not in merged]
    starts = sorted({m.start for m in imp.meds if cancer(m)})
    for orders in courses:
        course = orders[0]
        name = kb.drugs[course.drug_id].name
        if len(orders) > 1:
            course.ref = ", ".join(m.ref for m in orders)
            course.stop = orders[-1].start
            why = (
                f"{name}: {len(orders)} orders from {course.start} to {course.stop}, marked "
                f"completed with no stop date; the course is taken to end with the last order "
                f"({course.stop}). Please give the real stop date"
            )
        else:
            later = [day for day in starts if day > course.start]
            if later:
                course.stop = later[0] - dt.timedelta(days=1)
                why = (
                    f"{name} is marked completed with no stop date; it was taken to end before "
                    f"the next treatment began ({later[0]}), so its stop is set to "
                    f"{course.stop}. Please give the real stop date"
                )
            else:
                why = (
                    f"{name} is marked completed with no stop date and no later treatment "
                    "shows when it ended; it is kept without a stop. Please give the stop date"
                )
        imp.report.needs.append(Note(course.ref, why))


def _doses_of(imp: ImportState, meds: list[Med]) -> list[dict[str, Any]]:
    """The patient file's `doses` of one therapy entry: each drug's amounts, each once (a
    changed dose is a second amount, in the order the orders gave them)."""
    out: list[dict[str, Any]] = []
    for med in meds:
        name = imp.kb.drugs[med.drug_id].name
        for value, unit in med.doses:
            dose = {"drug": name, "dose": value, "unit": unit}
            if dose not in out:
                out.append(dose)
    return out


def therapies_from_meds(imp: ImportState) -> None:
    """Group medication facts into therapy entries and add them to the `therapies` section."""
    _fold_doses(imp)
    _close_completed(imp)
    by_detail: dict[str, list[Any]] = {}
    groups: dict[tuple[Any, ...], list[Any]] = {}
    for med in imp.meds:
        if med.detail is not None and med.detail.get("drugs"):
            by_detail.setdefault(json.dumps(med.detail, sort_keys=True), []).append(med)
            continue
        supportive = imp.kb.family_of(imp.kb.drugs[med.drug_id]) == "supportive"
        key = (med.start, med.stop, med.stop_reason, supportive)
        groups.setdefault(key, []).append(med)
    for meds in by_detail.values():
        detail = meds[0].detail
        refs = ", ".join(m.ref for m in meds)
        imp.add("therapies", detail, refs, " + ".join(detail["drugs"]) + f" from {meds[0].start}")
    since_text = imp.diagnosis.get("metastatic_since")
    since = dt.date.fromisoformat(since_text) if since_text else None
    for (start, stop, stop_reason, supportive), meds in groups.items():
        names: list[str] = []
        for med in meds:
            name = imp.kb.drugs[med.drug_id].name
            if name not in names:
                names.append(name)
        item: dict[str, Any] = {"drugs": names, "start": start.isoformat()}
        doses = _doses_of(imp, meds)
        if doses:
            item["doses"] = doses
        if supportive:
            item["setting"] = "supportive"
        elif since is not None and start >= since:
            item["setting"] = "metastatic"
        if stop is not None:
            item["stop"] = stop.isoformat()
        if stop_reason is not None:
            item["stop_reason"] = stop_reason
        refs = ", ".join(m.ref for m in meds)
        setting = f" ({item['setting']})" if "setting" in item else ""
        imp.add("therapies", item, refs, " + ".join(names) + f" from {start}{setting}")


def map_procedure(imp: ImportState, p: dict[str, Any]) -> None:
    ref = fd.ref_of(p)
    when, _ = imp.date_of(p, "performedDateTime", "performedPeriod")
    other = imp.other_cancer_of(p, when, treatment=True)
    if other:
        imp.skip(ref, f"other cancer: not imported ({other})")
        return
    row = fd.code_in(p.get("code"), SNOMED_SYSTEM, imp.t.procedures)
    if fd.has_profile(
        p, "mcode-cancer-related-radiation-procedure", "mcode-radiotherapy-course-summary"
    ):
        kind = "radiation"
    elif fd.has_profile(p, "mcode-cancer-related-surgical-procedure"):
        kind = "surgery"
    elif row is not None:
        kind = str(row.kind)
    else:
        text = fd.concept_text(p.get("code")) or "no code"
        imp.skip(ref, f"procedure {text!r} is not a cancer surgery or radiation nextline knows")
        return
    if kind == "diagnostic":
        imp.skip(ref, f"{row.name if row else 'procedure'}: a test, not a treatment")
        return
    start, why = imp.date_of(p, "performedDateTime", "performedPeriod")
    period = p.get("performedPeriod")
    stop, _ = fd.parse_date(period.get("end") if isinstance(period, dict) else None)
    if start is None:
        imp.skip(ref, f"{kind} without a date{': ' + why if why else ''}")
        return
    if imp.in_future(ref, start, f"the {kind}"):
        return
    if stop is not None and stop > imp.today:
        imp.odd(ref, f"its end ({stop}) is still to come; kept without an end")
        stop = None
    item: dict[str, Any] = {"kind": kind}
    if stop is None or stop == start:
        item["date"] = start.isoformat()
    else:
        item["start"] = start.isoformat()
        item["stop"] = stop.isoformat()
    site = fd.concept_text(p.get("bodySite"))
    if site:
        item["site"] = site
    name = fd.concept_text(p.get("code"))
    if name:
        item["notes"] = name
    detail = imp.detail(p)
    if detail is not None and detail.get("kind") == kind:
        item = detail
    imp.add("therapies", item, ref, f"{kind} on {start}" + (f" ({site})" if site else ""))
