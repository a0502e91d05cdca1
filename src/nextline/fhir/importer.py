"""Import a FHIR R4 Bundle (mCODE) into a patient file, resource by resource.

Each resource is validated on its own with `fhir.resources` (R4B models: mCODE is R4, and the
R4B models read R4 resources); one that fails is reported and skipped, the rest go on. Every
mapped fact names its resource (provenance) in the report. Nothing is guessed: a code not in
the offline tables, a partial date, or a fact the bundle does not give (menopausal status, the
date metastatic disease was found) is reported, and the person may supply it
(`ImportOptions`). The result is plain patient-file data plus, when it validates, a
`PatientFile`; the caller decides whether to store it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from nextline.errors import RecordInvalid
from nextline.fhir import _fhirdata as fd
from nextline.fhir.reading import FhirInput, RawEntry
from nextline.fhir.report import ImportReport, Mapped, Note
from nextline.fhir.tables import (
    AJCC_SYSTEM,
    HGNC_SYSTEMS,
    NEXTLINE_SYSTEM,
    RXNORM_SYSTEM,
    CodeTables,
    load_tables,
)
from nextline.knowledge import Knowledge
from nextline.record.file_models import PatientFile

# The extension our export writes: the exact patient-file entry a resource was made from.
DETAIL_URL = NEXTLINE_SYSTEM + "#detail"

_READ_TYPES = {
    "Patient",
    "Condition",
    "Observation",
    "MedicationStatement",
    "MedicationRequest",
    "MedicationAdministration",
    "Medication",
    "Procedure",
    "Basic",
}
_SKIP_STATUS = {"entered-in-error", "not-taken", "intended", "cancelled", "draft", "not-done"}
_ROMAN = {"0": "0", "1": "I", "2": "II", "3": "III", "4": "IV"}


@dataclass(frozen=True)
class ImportOptions:
    """What the person supplies that a bundle rarely holds."""

    person_id: str | None = None
    menopausal_status: str | None = None
    metastatic_since: dt.date | None = None
    undated_tests_on: dt.date | None = None


@dataclass
class ImportResult:
    """The patient-file data an import produced, the file if it validates, and the report."""

    data: dict[str, Any]
    report: ImportReport
    file: PatientFile | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class _Med:
    drug_id: str
    start: dt.date
    stop: dt.date | None
    stop_reason: str | None
    ref: str
    detail: dict[str, Any] | None = None


@dataclass
class _TumorFact:
    date: dt.date | None
    field: str  # er | pr | her2 | ki67 | pdl1 | variant | not_detected
    value: Any
    ref: str
    what: str
    detail: dict[str, Any] | None = None


def slug(text: str) -> str:
    """A FHIR id as a patient-file id (lowercase letters, digits, `-` and `_`)."""
    out = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-_")
    return out[:80] or "imported"


class _Importer:
    def __init__(self, kb: Knowledge, tables: CodeTables, options: ImportOptions) -> None:
        self.kb = kb
        self.t = tables
        self.opt = options
        self.report = ImportReport(source="")
        self.by_ref: dict[str, dict[str, Any]] = {}
        self.position: dict[str, int] = {}
        self.patient: dict[str, Any] | None = None
        self.patient_refs: set[str] = set()
        self.patient_data: dict[str, Any] = {}
        self.diagnosis: dict[str, Any] = {}
        self.tumor: list[_TumorFact] = []
        self.meds: list[_Med] = []
        self.admins: list[Any] = []  # `_treatments._Dose`, folded into `meds` at assembly
        self.sections: dict[str, list[tuple[dict[str, Any], str, str]]] = {}
        self.metastatic_shown: list[tuple[dt.date | None, str]] = []
        self.clinical_stage_iv = False
        self.condition_stage: tuple[str, str] | None = None
        self._drug_words = [
            (re.compile(r"\b" + re.escape(name.lower()) + r"\b"), drug.id)
            for drug in kb.drugs.values()
            for name in [drug.name, *drug.brands, *drug.aliases]
            if len(name) > 3
        ]

    # -- helpers ---------------------------------------------------------------------------

    def skip(self, ref: str, reason: str) -> None:
        self.report.not_mapped.append(Note(ref, reason))

    def odd(self, ref: str, reason: str) -> None:
        self.report.inconsistent.append(Note(ref, reason))

    def add(self, section: str, item: dict[str, Any], ref: str, what: str) -> None:
        self.sections.setdefault(section, []).append((item, ref, what))

    def date_of(self, resource: dict[str, Any], *keys: str) -> tuple[dt.date | None, str | None]:
        for key in keys:
            value = resource.get(key)
            if isinstance(value, dict):  # a Period
                value = value.get("start")
            day, why = fd.parse_date(value)
            if day is not None or why is not None:
                return day, why
        return None, None

    def about_patient(self, resource: dict[str, Any]) -> bool:
        """Whether the resource is about the bundle's patient; reports it when it is not."""
        subject = fd.reference(resource.get("subject") or resource.get("patient"))
        ref = fd.ref_of(resource)
        if subject is None:
            return True  # mCODE requires a subject, but a missing one hides no one else
        if subject in self.patient_refs:
            return True
        if subject in self.by_ref:
            self.skip(ref, f"about another person ({subject}); not imported")
        else:
            self.skip(ref, f"its subject {subject} is not in the bundle (dangling reference)")
        return False

    def detail(self, resource: dict[str, Any]) -> dict[str, Any] | None:
        value = fd.extension_value(resource, DETAIL_URL)
        if isinstance(value, str):
            try:
                data = json.loads(value)
            except json.JSONDecodeError:
                return None
            return data if isinstance(data, dict) else None
        return None

    # -- entry point -----------------------------------------------------------------------

    def run(self, source: FhirInput) -> ImportResult:
        from fhir.resources.R4B import get_fhir_model_class

        self.report.source = source.source
        self.report.bundle_id = source.bundle_id
        resources: list[dict[str, Any]] = []
        for entry in source.entries:
            self.report.resources_read += 1
            resource = self._validate(entry, get_fhir_model_class)
            if resource is None:
                continue
            resources.append(resource)
            self.position.setdefault(fd.ref_of(resource), len(self.position))
            self.by_ref[fd.ref_of(resource)] = resource
            if entry.full_url:
                self.by_ref[entry.full_url] = resource
        self._patient([r for r in resources if r["resourceType"] == "Patient"])
        if self.patient is None:
            self.report.needs.append(
                Note("(bundle)", "no valid Patient resource: birth date and sex are unknown")
            )
        order = ["Condition", "Observation", "Procedure", "Basic"]
        for kind in order:
            for resource in resources:
                if resource["resourceType"] == kind and self.about_patient(resource):
                    getattr(self, f"_{kind.lower()}")(resource)
        self._condition_stage()
        self._metastatic_since()
        for resource in resources:
            if (
                resource["resourceType"].startswith("Medication")
                and resource["resourceType"] != "Medication"
                and self.about_patient(resource)
            ):
                self._medication(resource)
        return self._assemble()

    def _validate(self, entry: RawEntry, model_class: Any) -> dict[str, Any] | None:
        if entry.problem is not None or entry.resource is None:
            self.skip(entry.where, entry.problem or "empty entry")
            return None
        resource = entry.resource
        kind = resource.get("resourceType")
        ref = f"{entry.where} {kind}/{resource.get('id', '?')}"
        if not isinstance(kind, str):
            self.skip(entry.where, "no resourceType: not a FHIR resource")
            return None
        if kind not in _READ_TYPES:
            self.skip(fd.ref_of(resource), f"{kind} resources are not read by nextline")
            return None
        try:
            model_class(kind).model_validate(resource)
        except ValidationError as exc:
            reasons = "; ".join(
                f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:3]
            )
            self.skip(ref, f"not valid FHIR R4, skipped ({reasons})")
            return None
        except (ValueError, TypeError) as exc:
            self.skip(ref, f"not valid FHIR R4, skipped ({exc})")
            return None
        if resource.get("status") in _SKIP_STATUS:
            self.skip(fd.ref_of(resource), f"status is {resource['status']}: not a fact")
            return None
        return dict(resource)

    # -- Patient ---------------------------------------------------------------------------

    def _patient(self, patients: list[dict[str, Any]]) -> None:
        if not patients:
            return
        # The person is the Patient that says who they are (an mCODE test bundle may put an
        # empty placeholder Patient first).
        patients = sorted(patients, key=lambda p: 0 if p.get("gender") else 1)
        patient = patients[0]
        self.patient = patient
        ref = fd.ref_of(patient)
        self.patient_refs = {ref, *(k for k, v in self.by_ref.items() if v is patient)}
        for other in patients[1:]:
            self.skip(fd.ref_of(other), "a second person in the bundle; only the first is read")
        detail = self.detail(patient) or {}
        pid = self.opt.person_id or detail.get("id") or slug(str(patient.get("id", "imported")))
        self.patient_data["id"] = pid
        names = patient.get("name") or []
        if names and isinstance(names[0], dict):
            name = names[0]
            text = name.get("text") or " ".join([*name.get("given", []), name.get("family", "")])
            if isinstance(text, str) and text.strip():
                self.patient_data["name"] = text.strip()
        birth = patient.get("birthDate")
        if isinstance(birth, str) and len(birth) >= 10:
            self.patient_data["birth_date"] = birth[:10]
            self.report.mapped.append(Mapped("patient.birth_date", ref, f"born {birth[:10]}"))
        elif isinstance(birth, str) and len(birth) == 4:
            self.patient_data["birth_year"] = int(birth)
            self.report.mapped.append(Mapped("patient.birth_year", ref, f"born in {birth}"))
        else:
            self.report.needs.append(Note(ref, "no birth date"))
        gender = patient.get("gender")
        if gender in ("female", "male"):
            self.patient_data["sex"] = gender
            self.report.mapped.append(Mapped("patient.sex", ref, str(gender)))
        else:
            self.report.needs.append(
                Note(ref, f"sex is {gender or 'not given'}; the patient file needs female or male")
            )
        if self.opt.menopausal_status:
            self.patient_data["menopausal_status"] = self.opt.menopausal_status
        if isinstance(detail.get("name"), str):
            self.patient_data["name"] = detail["name"]
        if isinstance(detail.get("menopausal_status"), str):
            self.patient_data.setdefault("menopausal_status", detail["menopausal_status"])
        if isinstance(detail.get("location"), dict):
            self.patient_data["location"] = detail["location"]
        if (
            self.patient_data.get("sex") == "female"
            and "menopausal_status" not in self.patient_data
        ):
            self.report.needs.append(
                Note(
                    ref,
                    "menopausal status is not in the bundle and is never guessed; supply it "
                    "with --menopausal-status premenopausal|perimenopausal|postmenopausal",
                )
            )

    # -- Condition -------------------------------------------------------------------------

    def stage_text(self, concept: Any) -> str | None:
        for system, code, display in fd.codings(concept):
            if system == AJCC_SYSTEM:
                if display and re.fullmatch(r"[0IV]+[A-C]?[0-9]?", display):
                    return display
                match = re.fullmatch(r"([0-4])([A-C]?)", code)
                if match:
                    return _ROMAN[match.group(1)] + match.group(2)
        return None

    def _condition(self, c: dict[str, Any]) -> None:
        from nextline.fhir._conditions import map_condition

        map_condition(self, c)

    # -- Observation -----------------------------------------------------------------------

    def _observation(self, o: dict[str, Any]) -> None:
        from nextline.fhir._observations import map_observation

        map_observation(self, o)

    # -- Procedure -------------------------------------------------------------------------

    def _procedure(self, p: dict[str, Any]) -> None:
        from nextline.fhir._treatments import map_procedure

        map_procedure(self, p)

    def _medication(self, m: dict[str, Any]) -> None:
        from nextline.fhir._treatments import map_medication

        map_medication(self, m)

    def _basic(self, b: dict[str, Any]) -> None:
        ref = fd.ref_of(b)
        codes = [c for s, c, _ in fd.codings(b.get("code")) if s == NEXTLINE_SYSTEM]
        detail = self.detail(b)
        if not codes or detail is None:
            self.skip(ref, "a Basic resource nextline did not write; not read")
            return
        section = codes[0]
        if section in ("goals", "palliative_care"):
            self.sections.setdefault(section, []).append((detail, ref, section))
        else:
            self.add(section, detail, ref, section)

    # -- dates of metastatic disease -------------------------------------------------------

    def _condition_stage(self) -> None:
        if self.condition_stage is None:
            return
        text, ref = self.condition_stage
        stage = self.diagnosis.get("stage_at_first_diagnosis")
        if stage is None:
            self.diagnosis["stage_at_first_diagnosis"] = text
            self.report.mapped.append(Mapped("diagnosis.stage_at_first_diagnosis", ref, text))
        elif stage != text:
            self.odd(
                ref,
                f"the condition's stage summary says {text}, the stage group observation says "
                f"{stage}; {stage} was kept",
            )

    def _metastatic_since(self) -> None:
        if self.opt.metastatic_since is not None:
            self.diagnosis["metastatic_since"] = self.opt.metastatic_since.isoformat()
            return
        if "metastatic_since" in self.diagnosis:
            return
        dated = sorted((d, ref) for d, ref in self.metastatic_shown if d is not None)
        if dated:
            day, ref = dated[0]
            self.diagnosis["metastatic_since"] = day.isoformat()
            self.report.mapped.append(
                Mapped("diagnosis.metastatic_since", ref, f"metastatic disease on {day}")
            )
        elif self.metastatic_shown:
            refs = ", ".join(sorted({ref for _, ref in self.metastatic_shown}))
            self.report.needs.append(
                Note(
                    refs,
                    "the bundle shows metastatic disease but not since when, so no treatment "
                    "is counted as a metastatic line; supply it with --metastatic-since DATE",
                )
            )

    # -- drug codes ------------------------------------------------------------------------

    def drug_of(self, concept: Any, ref: str) -> str | None:
        """The knowledge-base drug of a medication CodeableConcept, by RxNorm code only."""
        rx = [(code, display) for s, code, display in fd.codings(concept) if s == RXNORM_SYSTEM]
        text = fd.concept_text(concept)
        if not rx:
            systems = sorted({s for s, _, _ in fd.codings(concept)}) or ["no coding"]
            self.skip(
                ref,
                f"medication {text!r} has no RxNorm code ({', '.join(systems)}); "
                "the name alone is not trusted",
            )
            return None
        for code, display in rx:
            drug_id = self.t.drug_for_rxnorm(code)
            if drug_id is None:
                continue
            named = self.drugs_named(display or text)
            if named and drug_id not in named:
                self.odd(
                    ref,
                    f"RxNorm {code} is {self.kb.drugs[drug_id].name}, but its text says "
                    f"{display or text!r}; not imported until one of them is corrected",
                )
                self.skip(ref, f"RxNorm {code} and its text disagree")
                return None
            return drug_id
        codes = ", ".join(code for code, _ in rx)
        self.skip(
            ref,
            f"RxNorm {codes} ({text!r}) is not in nextline's offline table; the text is not "
            "trusted to choose a drug",
        )
        return None

    def drugs_named(self, text: str) -> set[str]:
        lowered = text.lower()
        return {drug_id for pattern, drug_id in self._drug_words if pattern.search(lowered)}

    # -- assembly --------------------------------------------------------------------------

    def _assemble(self) -> ImportResult:
        from nextline.fhir._observations import tumor_tests_from_facts
        from nextline.fhir._treatments import therapies_from_meds

        data: dict[str, Any] = {"nextline": 1, "patient": self.patient_data}
        data["diagnosis"] = self.diagnosis
        tumor_tests_from_facts(self, data)
        therapies_from_meds(self)
        for section, items in self.sections.items():
            if section in ("goals", "palliative_care"):
                data[section] = items[0][0]
                continue
            unique: list[tuple[dict[str, Any], str, str]] = []
            seen: set[str] = set()
            for item, ref, what in items:
                key = json.dumps(item, sort_keys=True)
                if key in seen:
                    continue
                seen.add(key)
                unique.append((item, ref, what))
            # In the bundle's order (so nextline's own export reads back exactly as written).
            unique.sort(key=lambda x: self.position.get(x[1].split(", ")[0], 0))
            data.setdefault(section, [])
            for item, ref, what in unique:
                self.report.mapped.append(Mapped(f"{section}[{len(data[section])}]", ref, what))
                data[section].append(item)
        result = ImportResult(data=data, report=self.report)
        _validate_file(result)
        return result


def _validate_file(result: ImportResult) -> None:
    from nextline.record.parse import validate_patient_data

    try:
        result.file = validate_patient_data(result.data, result.report.source)
    except RecordInvalid as exc:
        result.problems = [str(p) for p in exc.problems]


def import_fhir(
    source: FhirInput, kb: Knowledge, options: ImportOptions | None = None
) -> ImportResult:
    """Map a FHIR input to patient-file data, with the report of what was and was not mapped."""
    importer = _Importer(kb, load_tables(kb), options or ImportOptions())
    return importer.run(source)


def hgnc_gene(concept: Any, tables: CodeTables) -> str | None:
    """A gene symbol from an HGNC-coded CodeableConcept: by HGNC id from the table, else a
    display or text that is written as a symbol (PALB2), else None."""
    for system, code, display in fd.codings(concept):
        if system in HGNC_SYSTEMS:
            key = code if code.startswith("HGNC:") else f"HGNC:{code}"
            if key in tables.hgnc:
                return tables.hgnc[key].name
            if display and re.fullmatch(r"[A-Z0-9-]+", display):
                return display
    text = fd.concept_text(concept)
    return text if re.fullmatch(r"[A-Z][A-Z0-9-]+", text or "") else None


__all__ = ["DETAIL_URL", "ImportOptions", "ImportResult", "import_fhir", "slug"]
