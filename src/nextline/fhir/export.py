"""Export a `PatientFile` as a FHIR R4 Bundle with the mCODE profiles.

Standard codes are written wherever the offline tables confirm one (SNOMED CT sites and
disease status, LOINC receptors, ECOG, stage group and labs, RxNorm ingredients), so other
systems can read the main facts. What the patient file holds that no confirmed code carries
(HER2 IHC score, Ki-67, PD-L1 score, goals, symptoms, scans, ...) travels in nextline's own
extension (`DETAIL_URL`, the exact patient-file entry as JSON) and, for sections with no
FHIR home here, in `Basic` resources under nextline's local code system. That is what makes
export -> import -> export stable. Ids are derived from positions, so the same file always
gives the same bundle, byte for byte.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from nextline.fhir.importer import DETAIL_URL
from nextline.fhir.tables import (
    AJCC_SYSTEM,
    LOINC_SYSTEM,
    MCODE,
    NEXTLINE_SYSTEM,
    RXNORM_SYSTEM,
    SNOMED_SYSTEM,
    CodeTables,
    load_tables,
)
from nextline.knowledge import Knowledge
from nextline.record.export import patient_file_data
from nextline.record.file_models import PatientFile

US_CORE_LAB = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-lab"
_NAMESPACE = uuid.UUID("6f1c2a8e-4b1e-4f8e-9a57-0c3d2b1e7a10")
_ROMAN_TO_CODE = {"IV": "4", "III": "3", "II": "2", "I": "1", "0": "0"}
_BASIC_SECTIONS = (
    "germline_tests",
    "imaging",
    "symptoms",
    "side_effects",
    "care_team",
    "appointments",
    "questions",
    "goals",
    "palliative_care",
)


def _fhir_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.-]", "-", text)[:64]


def _detail(value: Any) -> list[dict[str, Any]]:
    return [{"url": DETAIL_URL, "valueString": json.dumps(value, sort_keys=True)}]


def _coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    out = {"system": system, "code": code}
    if display:
        out["display"] = display
    return out


class _Exporter:
    def __init__(self, file: PatientFile, kb: Knowledge, tables: CodeTables) -> None:
        self.data = patient_file_data(file)
        self.kb = kb
        self.t = tables
        self.pid = _fhir_id(file.patient.id)
        self.subject = {"reference": f"Patient/{self.pid}"}
        self.entries: list[dict[str, Any]] = []

    def emit(self, resource: dict[str, Any]) -> None:
        name = f"{resource['resourceType']}/{resource['id']}"
        full_url = f"urn:uuid:{uuid.uuid5(_NAMESPACE, self.pid + '/' + name)}"
        self.entries.append({"fullUrl": full_url, "resource": resource})

    def observation(
        self, rid: str, profile: str, code: dict[str, Any], date: str | None, **value: Any
    ) -> dict[str, Any]:
        resource: dict[str, Any] = {
            "resourceType": "Observation",
            "id": rid,
            "meta": {"profile": [profile]},
            "status": "final",
            "code": {"coding": [code]},
            "subject": self.subject,
        }
        if date:
            resource["effectiveDateTime"] = date
        resource.update(value)
        return resource

    # -- sections -------------------------------------------------------------------------

    def patient(self) -> None:
        p = self.data["patient"]
        resource: dict[str, Any] = {
            "resourceType": "Patient",
            "id": self.pid,
            "meta": {"profile": [MCODE + "mcode-cancer-patient"]},
            "extension": _detail(p),
            "gender": p["sex"],
        }
        if p.get("name"):
            resource["name"] = [{"text": p["name"]}]
        if p.get("birth_date"):
            resource["birthDate"] = p["birth_date"]
        elif p.get("birth_year"):
            resource["birthDate"] = str(p["birth_year"])
        self.emit(resource)

    def primary(self) -> None:
        d = self.data.get("diagnosis") or {}
        histology = d.get("histology")
        row = (
            next(
                (
                    r
                    for r in self.t.primary_breast.values()
                    if histology and r.histology == histology
                ),
                None,
            )
            or self.t.primary_breast["254837009"]
        )
        resource: dict[str, Any] = {
            "resourceType": "Condition",
            "id": "primary-cancer",
            "meta": {"profile": [MCODE + "mcode-primary-cancer-condition"]},
            "extension": _detail(d),
            "category": [{"coding": [_coding(SNOMED_SYSTEM, "64572001", "Disease")]}],
            "code": {"coding": [_coding(SNOMED_SYSTEM, row.code, row.name)]},
            "subject": self.subject,
        }
        if d.get("first_diagnosed"):
            resource["onsetDateTime"] = d["first_diagnosed"]
        sides = {"left": ["left"], "right": ["right"], "bilateral": ["left", "right"]}
        breasts = {r.meaning: r for r in self.t.body_sites.values() if r.location == "breast"}
        body_site = [
            _coding(SNOMED_SYSTEM, breasts[side].code, breasts[side].name)
            for side in sides.get(d.get("laterality") or "", [])
            if side in breasts
        ]
        if body_site:
            resource["bodySite"] = [{"coding": [coding]} for coding in body_site]
        self.emit(resource)
        stage = d.get("stage_at_first_diagnosis")
        match = re.fullmatch(r"(IV|III|II|I|0)([A-C]?)", stage or "")
        if match:
            code = _ROMAN_TO_CODE[match.group(1)] + match.group(2)
            self.emit(
                self.observation(
                    "stage-group",
                    MCODE + "mcode-cancer-stage-group",
                    _coding(LOINC_SYSTEM, "21908-9", "Stage group.clinical Cancer"),
                    d.get("first_diagnosed"),
                    valueCodeableConcept={"coding": [_coding(AJCC_SYSTEM, code, stage)]},
                    focus=[{"reference": "Condition/primary-cancer"}],
                )
            )

    def metastases(self) -> None:
        by_site = {r.site: r for r in self.t.secondary_sites.values() if r.location is None}
        for i, m in enumerate(self.data.get("metastases") or []):
            row = by_site.get(m["site"])
            resource: dict[str, Any] = {
                "resourceType": "Condition",
                "id": f"metastasis-{i}",
                "meta": {"profile": [MCODE + "mcode-secondary-cancer-condition"]},
                "extension": _detail(m),
                "category": [{"coding": [_coding(SNOMED_SYSTEM, "64572001", "Disease")]}],
                "subject": self.subject,
            }
            if row is not None:
                resource["code"] = {"coding": [_coding(SNOMED_SYSTEM, row.code, row.name)]}
            else:
                generic = self.t.secondary_generic["128462008"]
                resource["code"] = {"coding": [_coding(SNOMED_SYSTEM, generic.code, generic.name)]}
                resource["bodySite"] = [{"text": m["site"].replace("_", " ")}]
            if m.get("since"):
                resource["onsetDateTime"] = m["since"]
            if m.get("resolved"):
                resource["abatementDateTime"] = m["resolved"]
            self.emit(resource)

    def tumor_tests(self) -> None:
        profile = MCODE + "mcode-tumor-marker-test"
        codes = {"er": "85337-4", "pr": "85339-0", "her2": "48676-1"}
        answers = {"positive": "LA6576-8", "negative": "LA6577-6"}
        for i, test in enumerate(self.data.get("tumor_tests") or []):
            base = {k: test[k] for k in ("date", "specimen", "test_name") if k in test}
            for field in ("er", "pr", "her2", "ki67", "pdl1", "not_detected"):
                if field not in test:
                    continue
                value = test[field]
                detail = _detail({**base, "field": field, "value": value})
                result = value.get("result") if isinstance(value, dict) else None
                result = "positive" if result == "low" else result
                rid = f"tumor-test-{i}-{field.replace('_', '-')}"
                if field in codes and result in answers:
                    row = self.t.loinc[codes[field]]
                    self.emit(
                        self.observation(
                            rid,
                            profile,
                            _coding(LOINC_SYSTEM, row.code, row.name),
                            test["date"],
                            extension=detail,
                            valueCodeableConcept={
                                "coding": [_coding(LOINC_SYSTEM, answers[result], result.title())]
                            },
                        )
                    )
                else:
                    code = _coding(NEXTLINE_SYSTEM, f"tumor_tests.{field}", field)
                    self.emit(self.observation(rid, profile, code, test["date"], extension=detail))
            for j, variant in enumerate(test.get("variants") or []):
                components = [
                    {
                        "code": {"coding": [_coding(LOINC_SYSTEM, "48018-6", "Gene studied [ID]")]},
                        "valueCodeableConcept": {"text": variant["gene"]},
                    }
                ]
                if variant.get("origin") in ("somatic", "germline"):
                    answer = "LA6684-0" if variant["origin"] == "somatic" else "LA6683-2"
                    components.append(
                        {
                            "code": {"coding": [_coding(LOINC_SYSTEM, "48002-0")]},
                            "valueCodeableConcept": {
                                "coding": [_coding(LOINC_SYSTEM, answer, variant["origin"].title())]
                            },
                        }
                    )
                self.emit(
                    self.observation(
                        f"tumor-test-{i}-variant-{j}",
                        MCODE + "mcode-genomic-variant",
                        _coding(LOINC_SYSTEM, "69548-6", "Genetic variant assessment"),
                        test["date"],
                        extension=_detail({**base, "field": "variants", "value": variant}),
                        valueCodeableConcept={
                            "coding": [_coding(LOINC_SYSTEM, "LA9633-4", "Present")]
                        },
                        component=components,
                    )
                )

    def performance(self) -> None:
        for i, p in enumerate(self.data.get("performance") or []):
            self.emit(
                self.observation(
                    f"ecog-{i}",
                    MCODE + "mcode-ecog-performance-status",
                    _coding(LOINC_SYSTEM, "89247-1", "ECOG Performance Status score"),
                    p["date"],
                    valueInteger=p["ecog"],
                )
            )

    def assessments(self) -> None:
        by_meaning = {r.meaning: r for r in self.t.disease_status.values()}
        for i, a in enumerate(self.data.get("assessments") or []):
            row = by_meaning.get(a["disease_status"])
            if row is None:  # `mixed` has no confirmed code
                self.basic("assessments", i, a)
                continue
            self.emit(
                self.observation(
                    f"disease-status-{i}",
                    MCODE + "mcode-cancer-disease-status",
                    _coding(LOINC_SYSTEM, "97509-4", "Cancer Disease Progression"),
                    a["date"],
                    extension=_detail(a),
                    valueCodeableConcept={"coding": [_coding(SNOMED_SYSTEM, row.code, row.name)]},
                )
            )

    def labs(self) -> None:
        for i, lab in enumerate(self.data.get("labs") or []):
            test = self.kb.find_lab_test(lab.get("test") or lab.get("loinc") or "")
            if test is None:
                self.basic("labs", i, lab)
                continue
            quantity: dict[str, Any] = {"value": lab["value"]}
            if lab.get("unit"):
                quantity["unit"] = lab["unit"]
            self.emit(
                self.observation(
                    f"lab-{i}",
                    US_CORE_LAB,
                    _coding(LOINC_SYSTEM, test.loinc, test.name),
                    lab["date"],
                    extension=_detail(lab),
                    category=[
                        {
                            "coding": [
                                _coding(
                                    "http://terminology.hl7.org/CodeSystem/observation-category",
                                    "laboratory",
                                )
                            ]
                        }
                    ],
                    valueQuantity=quantity,
                )
            )

    def therapies(self) -> None:
        for i, therapy in enumerate(self.data.get("therapies") or []):
            kind = therapy.get("kind", "drug")
            if kind == "drug":
                self.drug_therapy(i, therapy)
                continue
            profile = (
                "mcode-radiotherapy-course-summary"
                if kind == "radiation"
                else "mcode-cancer-related-surgical-procedure"
            )
            resource: dict[str, Any] = {
                "resourceType": "Procedure",
                "id": f"therapy-{i}",
                "meta": {"profile": [MCODE + profile]},
                "extension": _detail(therapy),
                "status": "completed",
                "code": {"text": therapy.get("technique") or therapy.get("notes") or kind},
                "subject": self.subject,
            }
            start = therapy.get("date") or therapy.get("start")
            if therapy.get("stop") and therapy.get("start"):
                resource["performedPeriod"] = {"start": therapy["start"], "end": therapy["stop"]}
            elif start:
                resource["performedDateTime"] = start
            if therapy.get("site"):
                resource["bodySite"] = [{"text": therapy["site"]}]
            self.emit(resource)

    def drug_therapy(self, i: int, therapy: dict[str, Any]) -> None:
        for j, name in enumerate(therapy.get("drugs") or []):
            drug = self.kb.find_drug(name)
            code = self.t.rxnorm_for_drug(drug.id) if drug else None
            concept: dict[str, Any] = {"text": name}
            if code and drug:
                concept["coding"] = [_coding(RXNORM_SYSTEM, code, drug.name)]
            bounds: dict[str, Any] = {"start": therapy.get("start") or therapy.get("date")}
            if therapy.get("stop"):
                bounds["end"] = therapy["stop"]
            resource: dict[str, Any] = {
                "resourceType": "MedicationRequest",
                "id": f"therapy-{i}-drug-{j}",
                "meta": {"profile": [MCODE + "mcode-cancer-related-medication-request"]},
                "extension": _detail(therapy),
                "status": "completed" if therapy.get("stop") else "active",
                "intent": "order",
                "medicationCodeableConcept": concept,
                "subject": self.subject,
                "authoredOn": bounds["start"],
                "dosageInstruction": [{"timing": {"repeat": {"boundsPeriod": bounds}}}],
            }
            if therapy.get("stop_reason") == "completed":
                row = self.t.stop_reasons["182992009"]
                resource["statusReason"] = {"coding": [_coding(SNOMED_SYSTEM, row.code, row.name)]}
            self.emit(resource)

    def comorbidities(self) -> None:
        for i, c in enumerate(self.data.get("comorbidities") or []):
            resource: dict[str, Any] = {
                "resourceType": "Condition",
                "id": f"comorbidity-{i}",
                "meta": {"profile": [MCODE + "mcode-comorbid-condition"]},
                "extension": _detail(c),
                "code": {"text": c["condition"]},
                "subject": self.subject,
            }
            if c.get("since"):
                resource["onsetDateTime"] = c["since"]
            self.emit(resource)

    def basic(self, section: str, i: int, value: Any) -> None:
        self.emit(
            {
                "resourceType": "Basic",
                "id": f"{section.replace('_', '-')}-{i}",
                "extension": _detail(value),
                "code": {"coding": [_coding(NEXTLINE_SYSTEM, section, section)]},
                "subject": self.subject,
            }
        )

    def rest(self) -> None:
        for section in _BASIC_SECTIONS:
            value = self.data.get(section)
            if isinstance(value, list):
                for i, item in enumerate(value):
                    self.basic(section, i, item)
            elif value is not None:
                self.basic(section, 0, value)

    def bundle(self) -> dict[str, Any]:
        self.patient()
        self.primary()
        self.metastases()
        self.tumor_tests()
        self.performance()
        self.assessments()
        self.labs()
        self.therapies()
        self.comorbidities()
        self.rest()
        return {
            "resourceType": "Bundle",
            "id": f"nextline-{self.pid}"[:64],
            "type": "collection",
            "entry": self.entries,
        }


def export_bundle(file: PatientFile, kb: Knowledge, validate: bool = True) -> dict[str, Any]:
    """The file as an mCODE FHIR R4 Bundle (a dict), checked against the R4B models."""
    bundle = _Exporter(file, kb, load_tables(kb)).bundle()
    if validate:
        from fhir.resources.R4B.bundle import Bundle

        Bundle.model_validate(bundle)
    return bundle


def dump_bundle(bundle: dict[str, Any]) -> str:
    """The bundle as JSON text, keys in a fixed order."""
    return json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
