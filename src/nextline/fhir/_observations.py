"""Observations to the patient file: receptors, HER2, genomic variants, staging, ECOG, the
clinician's disease status (mCODE CancerDiseaseStatus), and labs with units."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from nextline.fhir import _fhirdata as fd
from nextline.fhir._results import her2_words, ish_words, receptor_words
from nextline.fhir._state import ImportState, TumorFact, ajcc_stage, hgnc_gene
from nextline.fhir._vitals import read_vital
from nextline.fhir.report import Mapped, Note
from nextline.fhir.tables import (
    INTERPRETATION_SYSTEM,
    LOINC_SYSTEM,
    NEXTLINE_SYSTEM,
    SNOMED_SYSTEM,
)

# What the patient format has no place for, and why that is said in the report.
_NOT_IN_FORMAT = {
    "msi": "microsatellite instability is not part of the patient format yet",
    "tmb": "tumor mutation burden is not part of the patient format yet",
    "karnofsky": "the patient file keeps ECOG, not Karnofsky (no conversion is guessed)",
    "region_studied": "genes studied without a result per gene; not read",
    "genomics_report": "a report grouping results; its results are read one by one",
    "tnm_category": "TNM categories are not kept; the stage group is",
    "gene_studied": "a component, not an observation",
    "pdl1_presence": "PD-L1 present/absent without a CPS or IC score: the patient file needs "
    "the score",
    "tumor_size": "a tumor size (from a scan or a pathology report) is not imported: the "
    "patient file keeps scans with their lesions, and FHIR does not say which lesions are "
    "RECIST 1.1 targets; add the scan and its lesions on the imaging page",
    "stage_pathological": "the patient file keeps the stage at first diagnosis (the clinical "
    "stage group); the pathological stage is not kept",
}
_TUMOR_FIELDS = ("er", "pr", "her2", "ki67", "pdl1", "variants", "not_detected")


# A result written as one plain word and nothing else ("Positive", "negative."): the word is
# the result, nothing is inferred. "ER-low positive", "weakly positive" or "equivocal" are
# not one of these words and stay unread.
_WORDS = {"positive": "positive", "negative": "negative", "present": "present"}


def _written(o: dict[str, Any]) -> str:
    value = o.get("valueString")
    return value[:80] if isinstance(value, str) and value.strip() else "no value"


def _meaning(
    imp: ImportState, concept: Any, written: Any = None, interpretation: Any = None
) -> str | None:
    """The meaning of a result: from its LOINC answer or SNOMED CT code; without a code we
    know, from a text (or `valueString`) that is exactly one plain word; with no value at
    all, from the `interpretation` (HL7 POS / NEG, or one plain word)."""
    row = fd.code_in(concept, LOINC_SYSTEM, imp.t.answers) or fd.code_in(
        concept, SNOMED_SYSTEM, imp.t.qualifiers
    )
    if row is not None:
        return str(row.meaning) if row.meaning else None
    texts = [fd.concept_text(concept) if isinstance(concept, dict) else "", written]
    for text in texts:
        if isinstance(text, str):
            word = _WORDS.get(text.strip().rstrip(".").strip().lower())
            if word is not None:
                return word
    if concept is None and written is None and interpretation:
        row = fd.code_in(interpretation, INTERPRETATION_SYSTEM, imp.t.interpretations)
        if row is not None:
            return str(row.meaning)
        word = _WORDS.get(fd.concept_text(interpretation).strip().rstrip(".").lower())
        if word is not None:
            return word
    return None


def _value_text(o: dict[str, Any]) -> str:
    """The result as written: `valueString`, else the value concept's text."""
    value = o.get("valueString")
    if isinstance(value, str) and value.strip():
        return value
    return fd.concept_text(o.get("valueCodeableConcept"))


def map_observation(imp: ImportState, o: dict[str, Any]) -> None:
    ref = fd.ref_of(o)
    # effective[x] as a dateTime, an instant (devices, vital signs) or a period; else the
    # day the result was issued.
    day, why = imp.date_of(o, "effectiveDateTime", "effectiveInstant", "effectivePeriod", "issued")
    if why:
        imp.odd(ref, f"effective {why}")
    if imp.in_future(ref, day, "its date"):
        return
    other = imp.other_cancer_of(o, day)
    if other:
        imp.skip(ref, f"other cancer: not imported ({other})")
        return
    absent = _absent(o)
    if absent is not None:
        imp.skip(ref, absent)
        return
    if o.get("status") == "preliminary":
        # Kept (a final result of the same test, when there is one, has already replaced
        # it: `_versions`), but said: a preliminary result may still change.
        name = fd.concept_text(o.get("code")) or "this result"
        imp.report.needs.append(
            Note(
                ref,
                f"{name!r} is a preliminary result (status preliminary), kept as it is; ask "
                "whether the final result came, and import that",
            )
        )
    local = [c for s, c, _ in fd.codings(o.get("code")) if s == NEXTLINE_SYSTEM]
    if local:
        _local(imp, o, ref, local[0], day)
        return
    row = _row(imp, o.get("code"))
    if row is None:
        if _components(imp, o, ref, day):
            return
        if o.get("hasMember") and not _has_value(o):
            name = fd.concept_text(o.get("code")) or "a panel"
            imp.skip(
                ref,
                f"{name!r} is a panel that groups other results; its members are read one by one",
            )
            return
        _lab(imp, o, ref, day)
        return
    kind = str(row.kind)
    if kind in _NOT_IN_FORMAT:
        imp.skip(ref, f"{row.name}: {_NOT_IN_FORMAT[kind]}")
    elif kind in ("er", "pr"):
        _receptor(imp, o, ref, day, kind)
    elif kind == "her2":
        _her2(imp, o, ref, day)
    elif kind == "her2_ish":
        _her2_ish(imp, o, ref, day)
    elif kind == "genetic_variant":
        _variant(imp, o, ref, day)
    elif kind == "ecog":
        _ecog(imp, o, ref, day)
    elif kind == "disease_status":
        _disease_status(imp, o, ref, day)
    elif kind == "stage_clinical":
        _stage(imp, o, ref, day)
    elif kind in _VITAL_KINDS:
        read_vital(imp, o, ref, day, kind)
    elif kind == "menopausal_status":
        _menopause(imp, o, ref, day)
    elif kind == "distant_metastases":
        value = o.get("valueCodeableConcept")
        codes = [c for _, c, _ in fd.codings(value)]
        snomed = fd.code_in(value, SNOMED_SYSTEM, imp.t.m_categories)
        if any("M1" in c for c in codes) or (snomed is not None and snomed.meaning == "M1"):
            imp.metastatic_shown.append((day, ref))
            imp.report.mapped.append(Mapped("diagnosis.metastatic_since", ref, "M1"))
        else:
            imp.skip(ref, f"{row.name} {', '.join(codes)}: no distant metastases")
    else:  # pragma: no cover - every kind in loinc.yaml is handled above
        imp.skip(ref, f"{row.name}: not read")


def _has_value(o: dict[str, Any]) -> bool:
    return any(key.startswith("value") for key in o)


def _absent(o: dict[str, Any]) -> str | None:
    """Why an Observation holds no result, when it says so (`dataAbsentReason`: not
    performed, unknown, error, asked but declined, ...) and has no value or component."""
    reason = o.get("dataAbsentReason")
    if not reason or _has_value(o) or o.get("component"):
        return None
    why = fd.concept_text(reason) or ", ".join(c for _, c, _ in fd.codings(reason)) or "no reason"
    name = fd.concept_text(o.get("code")) or "observation"
    return f"{name!r} has no result: the record says {why!r} (dataAbsentReason); not imported"


def _row(imp: ImportState, code: Any) -> Any:
    return fd.code_in(code, LOINC_SYSTEM, imp.t.loinc) or fd.code_in(
        code, SNOMED_SYSTEM, imp.t.observation_codes
    )


# Vital signs the safety net reads (`_vitals`): they become `symptoms` entries.
_VITAL_KINDS = {"body_temperature", "oxygen_saturation"}

# Results a panel may carry as components, each read as if it were its own Observation.
_COMPONENT_KINDS = {"er", "pr", "her2", "her2_ish", *_VITAL_KINDS}


def _component_kind(imp: ImportState, part: dict[str, Any]) -> str | None:
    """What nextline reads a panel component as: a receptor, HER2 or vital-sign kind, "lab"
    for a blood test the knowledge base knows by its LOINC code, or None."""
    row = _row(imp, part.get("code"))
    if row is not None and row.kind in _COMPONENT_KINDS:
        return str(row.kind)
    loinc = [c for s, c, _ in fd.codings(part.get("code")) if s == LOINC_SYSTEM]
    if any(imp.kb.find_lab_test(code) is not None for code in loinc):
        return "lab"
    return None


def _components(imp: ImportState, o: dict[str, Any], ref: str, day: dt.date | None) -> bool:
    """A panel (one Observation whose code nextline does not read) with receptor results,
    vital signs or blood tests as components (a blood count sent as one resource): each
    known component is read on its own, with the panel's date; the others are reported.
    False when no component is one nextline reads."""
    parts = [c for c in o.get("component") or [] if isinstance(c, dict)]
    known = [(i, c, _component_kind(imp, c)) for i, c in enumerate(parts)]
    if not any(kind is not None for _, _, kind in known):
        return False
    for i, part, kind in known:
        where = f"{ref} component[{i}]"
        if kind is None:
            name = fd.concept_text(part.get("code")) or "no name"
            imp.skip(where, f"panel component {name!r} is not a result nextline reads")
            continue
        one = {k: v for k, v in part.items() if k != "code"}
        one.update({"resourceType": "Observation", "id": o.get("id"), "code": part["code"]})
        absent = _absent(one)
        if absent is not None:
            imp.skip(where, absent)
            continue
        if kind in _VITAL_KINDS:
            read_vital(imp, one, where, day, kind)
        elif kind in ("er", "pr"):
            _receptor(imp, one, where, day, kind)
        elif kind == "her2":
            _her2(imp, one, where, day)
        elif kind == "her2_ish":
            _her2_ish(imp, one, where, day)
        else:
            _lab(imp, one, where, day)
    return True


def _fact(
    imp: ImportState,
    day: dt.date | None,
    field: str,
    value: Any,
    ref: str,
    what: str,
    detail: dict[str, Any] | None = None,
) -> None:
    imp.tumor.append(TumorFact(day, field, value, ref, what, detail))


def _receptor(
    imp: ImportState, o: dict[str, Any], ref: str, day: dt.date | None, kind: str
) -> None:
    detail = imp.detail(o)
    meaning = _meaning(
        imp, o.get("valueCodeableConcept"), o.get("valueString"), o.get("interpretation")
    )
    value: dict[str, Any] = {}
    if meaning in ("positive", "negative"):
        value["result"] = meaning
    elif meaning == "absent":
        # The receptor coded as absent (ICHOM EstrogenStatusVS: 373572006 "Clinical finding
        # absent" is its negative ER): not expressed, a negative result.
        value["result"] = "negative"
    elif (words := receptor_words(_value_text(o))) is not None:
        if words.result is not None:
            value["result"] = words.result
        if words.percent is not None:
            value["percent"] = words.percent
    quantity = o.get("valueQuantity")
    if isinstance(quantity, dict) and quantity.get("value") is not None:
        unit = str(quantity.get("code") or quantity.get("unit") or "")
        if unit == "%":
            value["percent"] = float(quantity["value"])
    if not value:
        text = fd.concept_text(o.get("valueCodeableConcept")) or _written(o)
        imp.skip(ref, f"{kind.upper()} result {text!r} is not positive, negative or a percent")
        return
    if detail is not None and isinstance(detail.get("value"), dict):
        exact = detail["value"]
        standard = "positive" if exact.get("result") in ("positive", "low") else exact.get("result")
        if value.get("result") and standard and standard != value["result"]:
            imp.odd(
                ref,
                f"{kind.upper()} is {value['result']} but nextline's detail says "
                f"{exact.get('result')}; the coded value was kept",
            )
        else:
            value = exact
    label = value.get("result") or f"{value.get('percent')} %"
    _fact(imp, day, kind, value, ref, f"{kind.upper()} {label}", detail)


def _her2(imp: ImportState, o: dict[str, Any], ref: str, day: dt.date | None) -> None:
    detail = imp.detail(o)
    meaning = _meaning(
        imp, o.get("valueCodeableConcept"), o.get("valueString"), o.get("interpretation")
    )
    value: dict[str, Any] = {}
    if meaning in ("positive", "negative", "equivocal"):
        value["result"] = meaning
    elif meaning is not None and meaning.startswith("ihc:"):
        value["ihc"] = meaning.removeprefix("ihc:")  # a LOINC answer of LL4396-9
    else:
        words = her2_words(_value_text(o))
        if words is not None and words.problem:
            imp.odd(ref, f"HER2 result {_value_text(o)!r} {words.problem}; not imported")
            imp.skip(ref, "HER2 result and its IHC score disagree")
            return
        if words is not None:
            if words.result:
                value["result"] = words.result
            if words.ihc:
                value["ihc"] = words.ihc
            if words.ish:
                value["ish"] = words.ish
    if not value:
        text = fd.concept_text(o.get("valueCodeableConcept")) or _written(o)
        imp.skip(ref, f"HER2 result {text!r} is not a positive or negative nextline can read")
        return
    meaning = value.get("result") or f"IHC {value.get('ihc')}"
    if detail is not None and isinstance(detail.get("value"), dict):
        if detail["value"].get("result") in (None, value.get("result")):
            value = detail["value"]
        else:
            imp.odd(ref, "HER2 coded value and nextline's detail disagree; coded value kept")
    _fact(imp, day, "her2", value, ref, f"HER2 {meaning}", detail)


def _her2_ish(imp: ImportState, o: dict[str, Any], ref: str, day: dt.date | None) -> None:
    # HER2 "presence by FISH": a positive test is HER2 gene amplification, a negative one no
    # amplification (the ISH field of the patient file).
    meaning = _meaning(
        imp, o.get("valueCodeableConcept"), o.get("valueString"), o.get("interpretation")
    )
    ish = {"positive": "amplified", "negative": "not_amplified", "equivocal": "equivocal"}.get(
        meaning or ""
    ) or ish_words(_value_text(o))
    if ish is None:
        text = fd.concept_text(o.get("valueCodeableConcept")) or _written(o)
        imp.skip(ref, f"HER2 FISH result {text!r} is not a positive or negative nextline can read")
        return
    _fact(imp, day, "her2", {"ish": ish}, ref, f"HER2 ISH {ish.replace('_', ' ')}")


# Which component names the alteration when several do: the protein change (how reports and
# trial criteria name a variant, "p.His1047Arg"), then the change in the coding DNA
# (c.HGVS), then a named variation (ClinVar), then the genomic position (g.HGVS).
_ALTERATION_KINDS = ("amino_acid_change", "coding_change", "variation", "dna_change")


def _variant(imp: ImportState, o: dict[str, Any], ref: str, day: dt.date | None) -> None:
    meaning = _meaning(imp, o.get("valueCodeableConcept"), o.get("valueString"))
    if meaning not in ("present", "absent"):
        text = fd.concept_text(o.get("valueCodeableConcept")) or _written(o)
        imp.skip(ref, f"genetic variant result {text!r}: only 'Present' or 'Absent' is read")
        return
    gene = None
    changes: dict[str, str] = {}
    origin = "unknown"
    for component in o.get("component") or []:
        row = fd.code_in(component.get("code"), LOINC_SYSTEM, imp.t.loinc)
        value = component.get("valueCodeableConcept")
        if row is None:
            continue
        if row.kind == "gene_studied":
            gene = hgnc_gene(value, imp.t)
        elif row.kind in _ALTERATION_KINDS:
            change = fd.concept_text(value) or next((c for _, c, _ in fd.codings(value)), None)
            if change:
                changes.setdefault(str(row.kind), change)
        elif row.kind == "genomic_source_class":
            origin = _meaning(imp, value) or "unknown"
    if gene is None:
        imp.skip(ref, "genetic variant without a gene nextline can read (HGNC)")
        return
    alteration = next((changes[k] for k in _ALTERATION_KINDS if k in changes), None)
    if meaning == "absent":
        # Genomics Reporting: "Absent" with only the gene studied says no variant was found
        # in that gene (the gene tested normal); with a named change it says only that this
        # one change was not found.
        if alteration:
            imp.skip(
                ref,
                f"{gene} {alteration} absent: one named variant not found says nothing of "
                "the gene's other variants, so the gene is not recorded as tested normal",
            )
            return
        _fact(imp, day, "not_detected", [gene], ref, f"{gene} tested, no variant found")
        return
    variant: dict[str, Any] = {"gene": gene}
    if alteration:
        variant["alteration"] = alteration
    if origin in ("somatic", "germline"):
        variant["origin"] = origin
    detail = imp.detail(o)
    if (
        detail is not None
        and isinstance(detail.get("value"), dict)
        and detail["value"].get("gene") == gene
    ):
        variant = detail["value"]
    _fact(imp, day, "variants", variant, ref, f"{gene} variant", detail)


def _ecog(imp: ImportState, o: dict[str, Any], ref: str, day: dt.date | None) -> None:
    value = o.get("valueInteger")
    if not isinstance(value, int) or not 0 <= value <= 4:
        imp.skip(ref, f"ECOG value {value!r} is not 0-4")
        return
    if day is None:
        imp.skip(ref, "ECOG without a date")
        return
    imp.add("performance", {"date": day.isoformat(), "ecog": value}, ref, f"ECOG {value}")


def _menopause(imp: ImportState, o: dict[str, Any], ref: str, day: dt.date | None) -> None:
    """Menopausal status as an Observation (ICHOM MenopausalStatus): the newest one is kept
    for the patient (`importer` applies it when the person did not give one)."""
    row = fd.code_in(o.get("valueCodeableConcept"), SNOMED_SYSTEM, imp.t.menopausal_status)
    if row is None:
        text = _value_text(o) or "no value"
        imp.skip(ref, f"menopausal status {text!r} is not before or after menopause")
        return
    held = imp.menopause
    if held is None or (day is not None and (held[0] is None or day >= held[0])):
        imp.menopause = (day, str(row.meaning), ref)


def _disease_status(imp: ImportState, o: dict[str, Any], ref: str, day: dt.date | None) -> None:
    row = fd.code_in(o.get("valueCodeableConcept"), SNOMED_SYSTEM, imp.t.disease_status)
    if row is None:
        text = fd.concept_text(o.get("valueCodeableConcept")) or _written(o)
        imp.skip(ref, f"disease status {text!r} is not improved/stable/worsened/undetermined")
        return
    if day is None:
        imp.skip(ref, "disease status without a date")
        return
    item: dict[str, Any] = {"date": day.isoformat(), "disease_status": row.meaning}
    detail = imp.detail(o)
    if detail is not None and detail.get("disease_status") == row.meaning:
        item = detail
    imp.add("assessments", item, ref, f"the care team's view: {row.meaning} ({day})")


def _stage(imp: ImportState, o: dict[str, Any], ref: str, day: dt.date | None) -> None:
    text = imp.stage_text(o.get("valueCodeableConcept"))
    if text is None and isinstance(o.get("valueString"), str):
        text = ajcc_stage("", o["valueString"])
    if text is None:
        imp.skip(ref, "clinical stage group without an AJCC stage nextline can read")
        return
    focus = {fd.reference(f) for f in o.get("focus") or [] if isinstance(o.get("focus"), list)}
    if imp.other_cancers and not focus & imp.breast_refs:
        names = sorted({c.name for c in imp.other_cancers.values()})
        imp.skip(
            ref,
            f"other cancer: not imported (stage {text} is not tied to the breast cancer by "
            f"`focus`, and the bundle also has {', '.join(names)})",
        )
        return
    if "stage_at_first_diagnosis" not in imp.diagnosis:
        imp.diagnosis["stage_at_first_diagnosis"] = text
        imp.report.mapped.append(Mapped("diagnosis.stage_at_first_diagnosis", ref, text))
    if text == "IV":
        imp.metastatic_shown.append((day, ref))
        if "presentation" not in imp.diagnosis:
            # Stage IV at the clinical (diagnosis) staging is, by definition, metastatic
            # disease found at first diagnosis.
            imp.diagnosis["presentation"] = "de_novo"
            imp.report.mapped.append(
                Mapped("diagnosis.presentation", ref, "de novo (clinical stage IV)")
            )


def _lab(imp: ImportState, o: dict[str, Any], ref: str, day: dt.date | None) -> None:
    loinc = [c for s, c, _ in fd.codings(o.get("code")) if s == LOINC_SYSTEM]
    test = next((t for t in map(imp.kb.find_lab_test, loinc) if t is not None), None)
    if test is None:
        systems = sorted({s for s, _, _ in fd.codings(o.get("code"))}) or ["no coding"]
        text = fd.concept_text(o.get("code")) or "no name"
        imp.skip(
            ref,
            f"observation {text!r} ({', '.join(systems)} {', '.join(loinc)}) is "
            "not a test nextline knows",
        )
        return
    quantity = o.get("valueQuantity")
    if not isinstance(quantity, dict) or quantity.get("value") is None:
        written = o.get("valueString")
        if isinstance(written, str) and _LIMIT.match(written):
            # "<0.5", ">1000 U/mL": past the range the lab can measure, written as text.
            imp.skip(
                ref,
                f"{test.name} is {written.strip()[:40]!r}: a limit, not a measured number "
                "(the patient file keeps exact numbers); not imported",
            )
            return
        imp.skip(ref, f"{test.name} without a number")
        return
    if isinstance(quantity["value"], str):
        # A number sent as text ("11.2"), as some interfaces do: not valid FHIR R4, but
        # unambiguous when the whole text is one number; anything else is not read.
        written = quantity["value"]
        try:
            number = float(written.strip())
        except ValueError:
            imp.skip(ref, f"{test.name} value {written[:40]!r} is not a number")
            return
        if number != number or number in (float("inf"), float("-inf")):
            imp.skip(ref, f"{test.name} value {written[:40]!r} is not a number")
            return
        imp.odd(
            ref,
            f"not valid FHIR R4, read leniently: valueQuantity.value is the text {written!r}, "
            "read as the number it says",
        )
        quantity = {**quantity, "value": int(number) if number.is_integer() else number}
    if day is None:
        imp.skip(ref, f"{test.name} without a date")
        return
    unit = quantity.get("code") or quantity.get("unit")
    comparator = quantity.get("comparator")
    if comparator:
        shown = f"{comparator}{quantity['value']} {unit or ''}".strip()
        imp.skip(
            ref,
            f"{test.name} is {shown}: a limit, not a measured number (the patient file "
            "keeps exact numbers); not imported",
        )
        return
    problem = _unit_problem(test, unit)
    if problem:
        imp.skip(ref, f"{test.name} {quantity['value']}: {problem}; not imported")
        return
    item: dict[str, Any] = {"date": day.isoformat(), "test": test.name, "value": quantity["value"]}
    if unit:
        item["unit"] = str(unit)
    band = _normal_range(imp, o.get("referenceRange"), day)
    if band is not None:
        low, high = band.get("low"), band.get("high")
        if isinstance(low, dict) and low.get("value") is not None:
            item["ref_low"] = low["value"]
        if isinstance(high, dict) and high.get("value") is not None:
            item["ref_high"] = high["value"]
    detail = imp.detail(o)
    if detail is not None and detail.get("value") == item["value"]:
        item = detail
    imp.add("labs", item, ref, f"{test.name} {quantity['value']} {unit or ''}".strip())


_RANGE_MEANING = "http://terminology.hl7.org/CodeSystem/referencerange-meaning"


def _normal_range(imp: ImportState, bands: Any, day: dt.date) -> dict[str, Any] | None:
    """The lab's normal range for this person (FHIR R4 Observation.referenceRange): the
    first band that is a normal range (`type` normal, or none) and whose `appliesTo` (sex)
    and `age` fit the person on the day of the test. A band for the other sex, another
    age, a treatment range, or one that depends on something nextline cannot check
    (`appliesTo` it does not read) is passed over; with none left, no range is kept."""
    for band in bands if isinstance(bands, list) else []:
        if not isinstance(band, dict):
            continue
        meaning = [c for s, c, _ in fd.codings(band.get("type")) if s == _RANGE_MEANING]
        if band.get("type") and meaning != ["normal"]:
            continue
        if not all(_applies(imp, concept) for concept in band.get("appliesTo") or []):
            continue
        if band.get("age") is not None and not _age_fits(imp, band["age"], day):
            continue
        return band
    return None


def _applies(imp: ImportState, concept: Any) -> bool:
    """Whether an `appliesTo` concept fits the person: a sex nextline reads and is theirs,
    or "normal" (a referencerange-meaning code some systems put here: no condition)."""
    if [(s, c) for s, c, _ in fd.codings(concept)] == [(_RANGE_MEANING, "normal")]:
        return True
    row = fd.code_in(concept, SNOMED_SYSTEM, imp.t.sexes)
    return row is not None and row.meaning == imp.patient_data.get("sex")


def _age_fits(imp: ImportState, age: Any, day: dt.date) -> bool:
    """Whether the person's age in years on `day` is inside an age Range given in years
    (UCUM `a`); False when either is unknown."""
    born = imp.patient_data.get("birth_date")
    if not isinstance(born, str) or not isinstance(age, dict):
        return False
    birth = dt.date.fromisoformat(born)
    years = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
    for end, sign in (("low", 1), ("high", -1)):
        limit = age.get(end)
        if limit is None:
            continue
        if not isinstance(limit, dict) or limit.get("code", limit.get("unit")) != "a":
            return False
        value = limit.get("value")
        if not isinstance(value, (int, float)) or sign * (years - value) < 0:
            return False
    return True


# A result written as a limit: a comparator, then a number ("<0.5", ">= 1000 U/mL").
_LIMIT = re.compile(r"\s*(?:<=|>=|<|>|\u2264|\u2265)\s*\d")


def _unit_problem(test: Any, unit: Any) -> str | None:
    """Why a lab's unit cannot be stored (the record converts every lab to its test's unit,
    and one it cannot convert would refuse the whole patient file), or None."""
    from nextline.record.units import UnitError, conversion_factor

    if not unit:
        if test.canonical_unit == "%":
            return None
        return f"no unit is given (the patient file needs one, e.g. {test.canonical_unit})"
    try:
        conversion_factor(str(unit), test.canonical_unit, test.molar_mass_g_per_mol)
    except UnitError:
        return f"its unit {unit!r} cannot be converted to {test.canonical_unit}"
    return None


def _local(imp: ImportState, o: dict[str, Any], ref: str, code: str, day: dt.date | None) -> None:
    """An observation nextline exported under its own code system: read its detail."""
    detail = imp.detail(o)
    field = code.split(".", 1)[1] if code.startswith("tumor_tests.") else None
    if detail is None or field not in _TUMOR_FIELDS:
        imp.skip(ref, f"code {code} of nextline's own system without a readable detail")
        return
    _fact(imp, day, field, detail.get("value"), ref, field, detail)


def tumor_tests_from_facts(imp: ImportState, data: dict[str, Any]) -> None:
    """Group tumor facts into `tumor_tests` entries by date (and specimen, test name)."""
    undated = [f for f in imp.tumor if f.date is None]
    if undated and imp.opt.undated_tests_on is None:
        for fact in undated:
            imp.skip(fact.ref, f"{fact.what}: no date in the bundle")
        imp.report.needs.append(
            Note(
                ", ".join(f.ref for f in undated),
                f"{len(undated)} tumor test result(s) have no date; the patient file needs one. "
                "Supply the date they were done with --undated-tests-date DATE",
            )
        )
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    sources: dict[tuple[str, str, str], list[tuple[str, str, str]]] = {}
    for fact in imp.tumor:
        day = fact.date or imp.opt.undated_tests_on
        if day is None:
            continue
        detail = fact.detail or {}
        key = (
            day.isoformat(),
            str(detail.get("specimen") or ""),
            str(detail.get("test_name") or ""),
        )
        test = groups.setdefault(key, {"date": key[0]})
        if key[1]:
            test["specimen"] = key[1]
        if key[2]:
            test["test_name"] = key[2]
        if fact.field in ("variants", "not_detected"):
            values = fact.value if isinstance(fact.value, list) else [fact.value]
            target = test.setdefault(fact.field, [])
            for value in values:
                if value not in target:
                    target.append(value)
            path_field = fact.field
        elif (
            fact.field == "her2"
            and isinstance(test.get("her2"), dict)
            and isinstance(fact.value, dict)
            and all(test["her2"].get(k, v) == v for k, v in fact.value.items())
        ):
            test["her2"] = {**test["her2"], **fact.value}  # IHC and ISH of the same test
            path_field = "her2"
        elif fact.field in test and test[fact.field] != fact.value:
            imp.odd(
                fact.ref,
                f"a second {fact.field} result on {key[0]} that differs; the first was kept",
            )
            continue
        else:
            test[fact.field] = fact.value
            path_field = fact.field
        what = fact.what + ("" if fact.date else f" (date supplied: {day})")
        sources.setdefault(key, []).append((path_field, fact.ref, what))
    tests: list[dict[str, Any]] = []
    for key in sorted(groups):
        index = len(tests)
        tests.append(groups[key])
        for field, ref, what in sources[key]:
            imp.report.mapped.append(Mapped(f"tumor_tests[{index}].{field}", ref, what))
    if tests:
        data["tumor_tests"] = tests
