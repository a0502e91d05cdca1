"""Import a FHIR R4 Bundle, NDJSON file or bulk-export folder (mCODE) into a patient file,
resource by resource.

The flow, one way: the people in the input are found first (`_people`), one is chosen, then
every resource about that person is validated (strictly, then leniently: `_lenient`),
mapped (`_conditions`, `_observations`, `_treatments`, all writing to the shared
`_state.ImportState`), and assembled. Each resource that fails is reported and skipped, the
rest go on. Every mapped fact names its resource (provenance) in the report. Nothing is
guessed: a code not in the offline tables, a partial date, or a fact the bundle does not
give (menopausal status, the date metastatic disease was found) is reported, and the person
may supply it (`ImportOptions`). Resources about other people are counted, not kept, so a
large bulk export streams in constant memory.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from nextline.errors import Problem, RecordInvalid
from nextline.fhir import _fhirdata as fd
from nextline.fhir._conditions import map_condition, note_cancer
from nextline.fhir._lenient import repair, strict_errors
from nextline.fhir._observations import map_observation, tumor_tests_from_facts
from nextline.fhir._people import People, choose_person, find_people
from nextline.fhir._r5 import as_r4
from nextline.fhir._state import DETAIL_URL, ImportOptions, ImportState, slug
from nextline.fhir._treatments import map_medication, map_procedure, therapies_from_meds
from nextline.fhir._versions import newest_only
from nextline.fhir._vitals import symptoms_from_vitals
from nextline.fhir.reading import FhirInput, RawEntry, with_id
from nextline.fhir.report import ImportReport, Mapped, Note
from nextline.fhir.tables import LOINC_SYSTEM, NEXTLINE_SYSTEM, SNOMED_SYSTEM, load_tables
from nextline.knowledge import Knowledge
from nextline.record.file_models import PatientFile

_READ_TYPES = {
    "Patient",
    "Condition",
    "Observation",
    "MedicationStatement",
    "MedicationRequest",
    "MedicationAdministration",
    "MedicationDispense",
    "Medication",
    "Procedure",
    "Basic",
}
_SKIP_STATUS = {"entered-in-error", "not-taken", "intended", "cancelled", "draft", "not-done"}
# Resource types that have no subject and may be referenced by the person's resources.
_SHARED_TYPES = {"Medication"}

# The start of each "still to supply" note about one field of the patient, so a merge with a
# stored record that has the answer can drop the question (`asks_for`).
_ASKED = {"menopausal_status": "menopausal status is not in the bundle"}


def asks_for(note: Note, key: str) -> bool:
    """Whether an import note asks for this field of the patient."""
    words = _ASKED.get(key)
    return words is not None and note.reason.startswith(words)


@dataclass
class ImportResult:
    """The patient-file data an import produced, the file if it validates, and the report."""

    data: dict[str, Any]
    report: ImportReport
    file: PatientFile | None = None
    problems: list[str] = field(default_factory=list)


class _Importer(ImportState):
    resources_seen = 0  # entries that hold a resource (read, or passed over as another's)

    def run(self, source: FhirInput) -> ImportResult:
        from fhir.resources.R4B import get_fhir_model_class

        self.report.source = source.source
        self.report.bundle_id = source.bundle_id
        if source.next_page:
            self.report.needs.append(
                Note(
                    "(bundle)",
                    "this file is one page of a search result and says there is a next page; "
                    "the facts on the later pages are not in it. Export the whole record (or "
                    "every page) and import it again",
                )
            )
        people = find_people(source)
        chosen = choose_person(people, self.opt.patient, source.source)
        resources = self._read(source, people, chosen, get_fhir_model_class)
        if not self.resources_seen and not people.ids:
            kind = source.bundle_type or ""
            why = (
                f" (a {kind} Bundle says what a server did with resources sent to it, and "
                "holds none of them; export the record itself)"
                if kind.endswith("-response")
                else ""
            )
            raise RecordInvalid(
                [Problem("", f"the input holds no resources to import{why}")],
                source.source,
            )
        patients = [r for r in resources if r["resourceType"] == "Patient"]
        for old in [p for p in patients if p.get("id") in people.merged]:
            self.skip(
                fd.ref_of(old),
                f"an earlier record of this person, merged into Patient/{people.merged[old['id']]} "
                "(Patient.link replaced-by): its facts are read as this person's",
            )
        self._patient([p for p in patients if p.get("id") not in people.merged])
        if self.patient is None:
            self.report.needs.append(
                Note("(bundle)", "no valid Patient resource: birth date and sex are unknown")
            )
        mine = [r for r in resources if r["resourceType"] != "Patient" and self.about_patient(r)]
        conditions = [r for r in mine if r["resourceType"] == "Condition"]
        for resource in conditions:
            note_cancer(self, resource)
        for resource in mine:
            self._contained_conditions(resource)
        for resource in conditions:
            map_condition(self, resource)
        self._diagnosis_date()
        for resource in mine:
            kind = resource["resourceType"]
            if kind == "Observation":
                map_observation(self, resource)
            elif kind == "Procedure":
                map_procedure(self, resource)
            elif kind == "Basic":
                self._basic(resource)
        self._condition_stage()
        self._metastatic_since()
        self._recorded_menopause()
        for resource in mine:
            kind = resource["resourceType"]
            if kind.startswith("Medication") and kind != "Medication":
                map_medication(self, resource)
        return self._assemble()

    def _contained_conditions(self, resource: dict[str, Any]) -> None:
        """A Condition contained in a treatment or a result (its `reasonReference` is then
        `#id`) is sorted like any other: breast cancer, or another cancer. It is known by
        `Type/id#cid`, the key `other_cancer_of` looks a `#cid` reference up by."""
        for inner in resource.get("contained") or []:
            if not isinstance(inner, dict) or inner.get("resourceType") != "Condition":
                continue
            key = f"{fd.ref_of(resource)}#{inner.get('id')}"
            copy = {**inner, "id": f"{resource.get('id')}-contained-{inner.get('id')}"}
            self.by_ref[key] = copy
            note_cancer(self, copy)
            if fd.ref_of(copy) in self.breast_refs:
                self.breast_refs.add(key)

    # -- reading: one person's resources, validated ----------------------------------------

    def _read(
        self, source: FhirInput, people: People, chosen: str | None, model_class: Any
    ) -> list[dict[str, Any]]:
        """The chosen person's resources (and shared ones such as Medication), validated.
        With several people, the others' resources are counted and dropped unread."""
        several = len(people.ids) > 1
        keep = people.line_filter(chosen) if several and chosen else None
        if chosen is not None:
            self.patient_refs = people.refs_of(chosen)
        self.owner_of = people.owner
        others = 0
        unattached = 0
        resources: list[dict[str, Any]] = []
        deletions: dict[str, str | None] = {}
        for entry in source.read(keep):
            self.report.resources_read += 1
            if entry.deleted is not None:
                deletions[fd.relative(entry.deleted)] = entry.deleted_at
                continue
            if isinstance(entry.resource, dict) or entry.filtered:
                self.resources_seen += 1
            if entry.filtered:
                others += 1
                continue
            if several and isinstance(entry.resource, dict):
                belongs = self._belongs(entry.resource, people, chosen)
                if belongs == "other":
                    others += 1
                    continue
                if belongs == "unattached":
                    unattached += 1
                    continue
            resource = self._validate(entry, model_class)
            if resource is None:
                continue
            resources.append(resource)
            self.position.setdefault(fd.ref_of(resource), len(self.position))
            if entry.full_url:
                self.by_ref[entry.full_url] = resource
        resources = newest_only(self, resources, deletions, source.bundle_type == "history")
        read = {id(r) for r in resources}
        for url in [u for u, r in self.by_ref.items() if id(r) not in read]:
            del self.by_ref[url]
        for url, resource in list(self.by_ref.items()):
            self.by_ref.setdefault(fd.relative(url), resource)
        for resource in resources:
            self.by_ref[fd.ref_of(resource)] = resource
        if others:
            self.skip(
                "(input)",
                f"{others} resource(s) about the {len(people.ids) - 1} other people in the "
                "input: not imported",
            )
        if unattached:
            self.skip(
                "(input)",
                f"{unattached} resource(s) name no person (no subject) in an input with "
                "several people, so they cannot be tied to this one: not imported",
            )
        return resources

    def _belongs(self, resource: dict[str, Any], people: People, chosen: str | None) -> str:
        kind = resource.get("resourceType")
        if kind == "Patient":
            return "mine" if resource.get("id") == chosen else "other"
        if kind in _SHARED_TYPES:
            return "mine"
        subject = fd.reference(resource.get("subject") or resource.get("patient"))
        if subject is None:
            return "unattached"
        if subject in self.patient_refs:
            return "mine"
        if people.owner(subject) is not None:
            return "other"
        return "mine"  # a dangling subject is reported by `about_patient`

    def _validate(self, entry: RawEntry, model_class: Any) -> dict[str, Any] | None:
        if entry.problem is not None or entry.resource is None:
            self.skip(entry.where, entry.problem or "empty entry")
            return None
        resource, renamed = as_r4(with_id(entry.resource, entry.full_url))
        kind = resource.get("resourceType")
        if not isinstance(kind, str):
            self.skip(entry.where, "no resourceType: not a FHIR resource")
            return None
        ref = f"{entry.where} {kind}/{resource.get('id', '?')}"
        if renamed:
            self.odd(ref, f"written in FHIR R5: {'; '.join(renamed)}")
        if kind not in _READ_TYPES:
            self.skip(fd.ref_of(resource), f"{kind} resources are not read by nextline")
            return None
        try:
            model = model_class(kind)
            errors = strict_errors(model, resource)
            if errors is not None:
                repaired, defects = repair(model, resource, errors, self._value_meaning)
                if repaired is None:
                    self.skip(ref, f"not valid FHIR R4, skipped ({'; '.join(defects[-3:])})")
                    return None
                for defect in defects:
                    self.odd(ref, f"not valid FHIR R4, read leniently: {defect}")
                resource = repaired
        except (ValueError, TypeError, KeyError, RecursionError) as exc:
            self.skip(ref, f"not valid FHIR R4, skipped ({type(exc).__name__}: {exc})"[:300])
            return None
        if resource.get("status") in _SKIP_STATUS:
            self.skip(fd.ref_of(resource), f"status is {resource['status']}: not a fact")
            return None
        modifier = fd.modifier_extension(resource)
        if modifier is not None:
            # FHIR R4 (Extensibility, modifierExtension): a modifier extension changes the
            # meaning of what holds it ("declined", "about a family member"), and a system
            # that does not know it must not read that element as if it were not there.
            self.skip(
                fd.ref_of(resource),
                f"has a modifier extension nextline does not know ({modifier}); it may change "
                "what the resource means, so it is not imported",
            )
            return None
        return dict(resource)

    def _value_meaning(self, value: Any) -> set[str]:
        """What a coded value means (positive, negative, present...), from the tables."""
        found: set[str] = set()
        for system, code, _ in fd.codings(value):
            table = {LOINC_SYSTEM: self.t.answers, SNOMED_SYSTEM: self.t.qualifiers}.get(system)
            row = table.get(code) if table is not None else None
            if row is not None and row.meaning:
                found.add(row.meaning)
        return found

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
        self.patient_refs |= {ref, *(k for k, v in self.by_ref.items() if v is patient)}
        for other in patients[1:]:
            self.skip(fd.ref_of(other), "a placeholder Patient with no details; not read")
        detail = self.detail(patient) or {}
        pid = self.opt.person_id or detail.get("id") or slug(str(patient.get("id", "imported")))
        self.patient_data["id"] = pid
        name = _current_name(patient.get("name"), self.today)
        if name is not None:
            given = [g for g in name.get("given") or [] if isinstance(g, str)]
            family = str(name["family"]) if isinstance(name.get("family"), str) else ""
            text = name.get("text") or " ".join([*given, family])
            if isinstance(text, str) and text.strip():
                self.patient_data["name"] = text.strip()
        birth = patient.get("birthDate")
        if isinstance(birth, str) and len(birth) >= 10:
            self.patient_data["birth_date"] = birth[:10]
            self.report.mapped.append(Mapped("patient.birth_date", ref, f"born {birth[:10]}"))
        elif isinstance(birth, str) and len(birth) == 4 and birth.isdigit():
            self.patient_data["birth_year"] = int(birth)
            self.report.mapped.append(Mapped("patient.birth_year", ref, f"born in {birth}"))
        else:
            self.report.needs.append(Note(ref, "no birth date"))
        died = patient.get("deceasedDateTime") or patient.get("deceasedBoolean")
        if died:
            when = f" on {str(died)[:10]}" if isinstance(died, str) else ""
            self.skip(
                ref,
                f"the record says this person died{when} (deceased); the patient file keeps "
                "no date of death, so this is not imported",
            )
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
        if self.patient_data.get("sex") == "female" and self.patient_data.get(
            "menopausal_status"
        ) in (None, "unknown"):
            self.patient_data["menopausal_status"] = "unknown"
            self.report.needs.append(
                Note(
                    ref,
                    f"{_ASKED['menopausal_status']} and is never guessed; it is kept "
                    "as unknown. Add it with --menopausal-status premenopausal|"
                    "perimenopausal|postmenopausal (importing again fills it in): some treatment "
                    "options depend on it",
                )
            )

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

    def _diagnosis_date(self) -> None:
        """Ask for the date the breast cancer was found when no Condition gives it. A
        `recordedDate` is when someone wrote it down, not when it was found: never used."""
        if self.diagnosis.get("first_diagnosed") or not self.undated_breast:
            return
        ref, recorded, words = self.undated_breast[0]
        hints = []
        if isinstance(words, str) and words.strip():
            hints.append(f"the onset is written as {words.strip()[:40]!r}")
        if isinstance(recorded, str) and recorded:
            hints.append(f"it was recorded on {recorded[:10]}, which may be later")
        extra = f" ({'; '.join(hints)})" if hints else ""
        self.report.needs.append(
            Note(
                ref,
                "the date the breast cancer was first diagnosed is not in the bundle"
                f"{extra}; add diagnosis.first_diagnosed to the patient file",
            )
        )

    # -- stage and dates of metastatic disease ---------------------------------------------

    def _condition_stage(self) -> None:
        if self.condition_stage is None:
            return
        text, ref = self.condition_stage
        stage = self.diagnosis.get("stage_at_first_diagnosis")
        if stage is None:
            self.diagnosis["stage_at_first_diagnosis"] = text
            self.report.mapped.append(Mapped("diagnosis.stage_at_first_diagnosis", ref, text))
            if text == "IV" and "presentation" not in self.diagnosis:
                # Stage IV when the cancer was found is metastatic disease at first diagnosis,
                # as for a stage group Observation (and so the export reads back the same).
                self.diagnosis["presentation"] = "de_novo"
                self.report.mapped.append(
                    Mapped("diagnosis.presentation", ref, "de novo (stage IV)")
                )
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

    def _recorded_menopause(self) -> None:
        """Menopausal status recorded in the record (`_observations._menopause`): taken when
        the person gave none, and then not asked for; a different answer given with the
        import is kept and the difference said."""
        if self.menopause is None or self.patient_data.get("sex") == "male":
            return
        day, meaning, ref = self.menopause
        given = self.opt.menopausal_status
        if given and given != meaning:
            self.odd(
                ref,
                f"the record says {meaning}" + (f" ({day})" if day else "") + f"; the "
                f"{given} given with the import is kept",
            )
            return
        if self.patient_data.get("menopausal_status") in (None, "unknown"):
            self.patient_data["menopausal_status"] = meaning
            self.report.needs = [
                n for n in self.report.needs if not asks_for(n, "menopausal_status")
            ]
            self.report.mapped.append(Mapped("patient.menopausal_status", ref, meaning))

    # -- assembly --------------------------------------------------------------------------

    def _assemble(self) -> ImportResult:
        data: dict[str, Any] = {"nextline": 1, "patient": self.patient_data}
        data["diagnosis"] = self.diagnosis
        tumor_tests_from_facts(self, data)
        therapies_from_meds(self)
        symptoms_from_vitals(self)
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
            unique.sort(key=lambda x: self.position.get(_resource_of(x[1]), 0))
            data.setdefault(section, [])
            for item, ref, what in unique:
                self.report.mapped.append(Mapped(f"{section}[{len(data[section])}]", ref, what))
                data[section].append(item)
        result = ImportResult(data=data, report=self.report)
        _validate_file(result)
        return result


# HumanName.use (FHIR R4 name-use): the name a person goes by now, best first. An `old` or
# `maiden` name, or one whose period has ended, is never taken.
_NAME_USES = ("official", "usual", None, "temp", "nickname", "anonymous")


def _current_name(names: Any, today: Any) -> dict[str, Any] | None:
    """The name to show: the official one, else the usual one, else one with no `use`;
    never an old or maiden name, or one whose `period.end` is past."""
    current = []
    for name in names if isinstance(names, list) else []:
        if not isinstance(name, dict) or name.get("use") not in _NAME_USES:
            continue
        period = name.get("period")
        end, _ = fd.parse_date(period.get("end") if isinstance(period, dict) else None)
        if end is not None and end < today:
            continue
        current.append(name)
    current.sort(key=lambda n: _NAME_USES.index(n.get("use")))
    return current[0] if current else None


def _resource_of(ref: str) -> str:
    """The `Type/id` a provenance names ("Observation/cbc component[2]", "A/1, B/2": the
    first), by which entries keep the input's order."""
    first = ref.split(", ")[0]
    return next((part for part in first.split(" ") if "/" in part), first)


def _validate_file(result: ImportResult) -> None:
    from nextline.record.parse import validate_patient_data

    try:
        result.file = validate_patient_data(result.data, result.report.source)
    except RecordInvalid as exc:
        result.problems = [str(p) for p in exc.problems]


def import_fhir(
    source: FhirInput, kb: Knowledge, options: ImportOptions | None = None
) -> ImportResult:
    """Map a FHIR input to patient-file data, with the report of what was and was not mapped.

    `MultiplePeople` (a `RecordInvalid`) when the input holds several people and
    `options.patient` does not say which one; nothing is mapped then."""
    importer = _Importer(kb, load_tables(kb), options or ImportOptions())
    return importer.run(source)


__all__ = ["DETAIL_URL", "ImportOptions", "ImportResult", "import_fhir", "slug"]
