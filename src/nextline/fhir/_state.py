"""The importer's shared state and the small helpers every mapper uses.

Why a module of its own: the mappers (`_conditions`, `_observations`, `_treatments`) and the
flow (`importer`) all need this state; with it here the imports go one way only:
`importer` -> mappers -> `_state` (never back), so each module can be read and tested alone.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nextline.fhir import _fhirdata as fd
from nextline.fhir.report import ImportReport, Note
from nextline.fhir.tables import (
    AJCC_SYSTEM,
    ATC_SYSTEMS,
    HGNC_SYSTEMS,
    ICD10_CA_SYSTEMS,
    ICD10_SYSTEMS,
    ICDO3_SYSTEM,
    NEXTLINE_SYSTEM,
    RXNORM_SYSTEM,
    SNOMED_SYSTEM,
    CodeRow,
    CodeTables,
    icd10_dotted,
)
from nextline.knowledge import Knowledge

# The extension our export writes: the exact patient-file entry a resource was made from.
DETAIL_URL = NEXTLINE_SYSTEM + "#detail"

_ROMAN = {"0": "0", "1": "I", "2": "II", "3": "III", "4": "IV"}
# An AJCC stage group as written in `http://cancerstaging.org` codes: an optional prefix for
# how it was staged (c clinical, p pathological, yc/yp after neoadjuvant treatment, r
# recurrence, a autopsy), a stage 0-4 (or 0-IV), and an optional letter and digit (IIIC, 1A1).
_AJCC_CODE = re.compile(r"(?:y?[cpra])?([0-4]|0|I{1,3}|IV)([A-C]?[0-9]?)", re.IGNORECASE)
_ROMAN_OF = {"I": "I", "II": "II", "III": "III", "IV": "IV", "0": "0"}
# The words around a stage group in a display: "Stage IIB", "AJCC stage 3A", and SNOMED CT's
# names for the AJCC stage groups, "American Joint Committee on Cancer stage IIA (qualifier
# value)" (mCODE STU3 and ICHOM examples code stage groups so).
_STAGE_WORDS = re.compile(
    r"^\s*(ajcc\s+|american\s+joint\s+committee\s+on\s+cancer\s+)?stage\s+"
    r"|\s*\(qualifier value\)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ImportOptions:
    """What the person supplies that a bundle rarely holds."""

    person_id: str | None = None
    menopausal_status: str | None = None
    metastatic_since: dt.date | None = None
    undated_tests_on: dt.date | None = None
    patient: str | None = None  # which Patient of a multi-person export (its FHIR id)
    # The day of the import: a fact dated after it is reported, not imported (a typo such as
    # 2091, or a planned start). None means the machine's date.
    today: dt.date | None = None


@dataclass
class Med:
    """One medication fact before grouping into therapy entries."""

    drug_id: str
    start: dt.date
    stop: dt.date | None
    stop_reason: str | None
    ref: str
    detail: dict[str, Any] | None = None
    completed: bool = False  # the resource says the course is over, with or without a stop
    # Each dose the orders give (`doseQuantity`: amount and unit), in the order found.
    doses: list[tuple[float, str]] = field(default_factory=list)


@dataclass
class TumorFact:
    """One tumor test result before grouping into `tumor_tests` entries by date."""

    date: dt.date | None
    field: str  # er | pr | her2 | ki67 | pdl1 | variant | not_detected
    value: Any
    ref: str
    what: str
    detail: dict[str, Any] | None = None


@dataclass(frozen=True)
class OtherCancer:
    """A cancer in the bundle that is not the breast cancer: facts tied to it stay out."""

    ref: str
    name: str
    onset: dt.date | None
    sites: frozenset[str]  # patient-file site words of where it is (lung, bone, ...)
    codes: frozenset[tuple[str, str]] = frozenset()  # its (system, code) pairs


@dataclass(frozen=True)
class CancerCode:
    """What a condition code (SNOMED CT, ICD-10(-CM) or ICD-O-3 topography) says.

    `kind`: "breast" (a breast primary), "generic" (a cancer that does not say where),
    "secondary" (a metastasis; `site` the site row when the code says where) or "other" (a
    primary cancer elsewhere)."""

    kind: str
    histology: str | None = None
    side: str | None = None  # left | right, when the code says which breast
    site: CodeRow | None = None


def slug(text: str) -> str:
    """A FHIR id as a patient-file id (lowercase letters, digits, `-` and `_`)."""
    out = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-_")
    return out[:80] or "imported"


def ajcc_stage(code: str, display: str = "") -> str | None:
    """An AJCC stage group (`IIIC`) from a cancerstaging.org code or display: `3C`, `c3C`,
    `p2A`, `IIIC`, `Stage IV`; None when it is not one."""
    for text in (_STAGE_WORDS.sub("", display).strip(), code.strip()):
        match = _AJCC_CODE.fullmatch(text)
        if match:
            number, rest = match.group(1).upper(), match.group(2).upper()
            roman = _ROMAN.get(number) or _ROMAN_OF.get(number)
            if roman is not None:
                return roman + rest
    return None


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


class ImportState:
    """Everything one import has found so far, and the helpers that add to it."""

    def __init__(self, kb: Knowledge, tables: CodeTables, options: ImportOptions) -> None:
        self.kb = kb
        self.t = tables
        self.opt = options
        self.report = ImportReport(source="")
        self.by_ref: dict[str, dict[str, Any]] = {}
        self.position: dict[str, int] = {}
        self.patient: dict[str, Any] | None = None
        self.patient_refs: set[str] = set()
        # Who a reference names among the input's people (set once they are found).
        self.owner_of: Callable[[str], str | None] = lambda _ref: None
        self.patient_data: dict[str, Any] = {}
        self.diagnosis: dict[str, Any] = {}
        self.tumor: list[TumorFact] = []
        self.meds: list[Med] = []
        self.admins: list[Any] = []  # `_treatments.Dose`, folded into `meds` at assembly
        self.sections: dict[str, list[tuple[dict[str, Any], str, str]]] = {}
        self.metastatic_shown: list[tuple[dt.date | None, str]] = []
        self.vitals: list[Any] = []  # `_vitals.Reading`, folded into `symptoms` at assembly
        self.condition_stage: tuple[str, str] | None = None
        # Menopausal status recorded as an Observation: (date, meaning, ref) of the newest.
        self.menopause: tuple[dt.date | None, str, str] | None = None
        self.breast_refs: set[str] = set()  # the breast cancer's own Conditions
        self.other_cancers: dict[str, OtherCancer] = {}
        # Breast cancer Conditions without a full onset date: (ref, recordedDate, onsetString)
        self.undated_breast: list[tuple[str, Any, Any]] = []
        self.today = options.today or dt.date.today()
        self._drug_words = [
            (re.compile(r"\b" + re.escape(name.lower()) + r"\b"), drug.id)
            for drug in kb.drugs.values()
            for name in [drug.name, *drug.brands, *drug.aliases]
            if len(name) > 3
        ]

    # -- report ----------------------------------------------------------------------------

    def skip(self, ref: str, reason: str) -> None:
        self.report.not_mapped.append(Note(ref, reason))

    def odd(self, ref: str, reason: str) -> None:
        self.report.inconsistent.append(Note(ref, reason))

    def add(self, section: str, item: dict[str, Any], ref: str, what: str) -> None:
        self.sections.setdefault(section, []).append((item, ref, what))

    def in_future(self, ref: str, day: dt.date | None, what: str) -> bool:
        """Whether a fact is dated after today; if so it is reported and not imported (a
        typo such as 2091 for 2019, or a start that is only planned). One such date would
        otherwise make the whole patient file invalid."""
        if day is None or day <= self.today:
            return False
        self.skip(ref, f"{what} ({day}) is in the future: not imported; check the date")
        return True

    # -- reading ---------------------------------------------------------------------------

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
        """Whether the resource is about the person imported; reports it when it is not."""
        subject = fd.reference(resource.get("subject") or resource.get("patient"))
        ref = fd.ref_of(resource)
        if subject is None:
            return True  # mCODE requires a subject, but a missing one hides no one else
        if subject in self.patient_refs:
            return True
        if subject in self.by_ref or self.owner_of(subject) is not None:
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

    def cancer_code(self, concept: Any) -> CancerCode | None:
        """What the codes of a concept say about a cancer, from the offline tables; None when
        no code is one nextline reads. A breast code wins over the others in one concept
        (an EHR may send SNOMED CT and ICD-10-CM side by side)."""
        t = self.t
        found: list[CancerCode] = []
        for system, code, _ in fd.codings(concept):
            if system == SNOMED_SYSTEM:
                if code in t.primary_breast:
                    row = t.primary_breast[code]
                    side = row.meaning if row.meaning in ("left", "right") else None
                    found.append(CancerCode("breast", row.histology, side))
                elif code in t.secondary_sites:
                    found.append(CancerCode("secondary", site=t.secondary_sites[code]))
                elif code in t.secondary_generic:
                    found.append(CancerCode("secondary"))
                elif code in t.primary_generic:
                    found.append(CancerCode("generic"))
            elif system in ICD10_SYSTEMS or system in ICD10_CA_SYSTEMS:
                # ICD-10-CA: read to four characters only, where it is WHO ICD-10.
                said = t.icd10_kind(code if system in ICD10_SYSTEMS else icd10_dotted(code)[:5])
                if said is not None:
                    name, icd_row = said
                    if name == "breast":
                        side = icd_row.meaning if icd_row else None
                        found.append(CancerCode("breast", side=side))
                    elif name == "secondary":
                        found.append(CancerCode("secondary", site=icd_row))
                    else:
                        found.append(CancerCode("other"))
            elif system == ICDO3_SYSTEM and t.icdo3_breast(code):
                found.append(CancerCode("breast"))
        breast = [f for f in found if f.kind == "breast"]
        if breast:
            histology = next((f.histology for f in breast if f.histology), None)
            side = next((f.side for f in breast if f.side), None)
            return CancerCode("breast", histology, side)
        for wanted in ("secondary", "other", "generic"):
            same = [f for f in found if f.kind == wanted]
            if same:
                return next((f for f in same if f.site is not None), same[0])
        return None

    def stage_text(self, concept: Any) -> str | None:
        """An AJCC stage group from an AJCC-coded or SNOMED CT-coded CodeableConcept."""
        for system, code, display in fd.codings(concept):
            if system == AJCC_SYSTEM:
                stage = ajcc_stage(code, display)
                if stage is not None:
                    return stage
            elif system == SNOMED_SYSTEM and code in self.t.stage_groups:
                return self.t.stage_groups[code].meaning
        # A stage written in words ("Stage IIB") as the text, or as the display of a local
        # code (an EHR's own code is never read as a stage itself: "12" is not I2).
        for text in [fd.concept_text(concept), *(d for _, _, d in fd.codings(concept))]:
            stage = ajcc_stage("", text) if text else None
            if stage is not None:
                return stage
        return None

    # -- which cancer a fact belongs to ----------------------------------------------------

    def other_cancer_of(
        self,
        resource: dict[str, Any],
        day: dt.date | None,
        treatment: bool = False,
        by_site: bool = True,
    ) -> str | None:
        """Why a fact belongs to a cancer other than the breast cancer, or None.

        The checks, in order (docs/fhir.md, "Which cancer a fact belongs to"):
        1. linkage: `reasonReference` (treatments), `focus` (observations) or the mCODE
           related-primary extension naming another cancer's Condition;
        2. body site (not for a metastasis, whose site is where it spread): the fact's body
           site is where another cancer is and no breast cancer spread there;
        3. date (treatments only): it began before the breast cancer was found, and another
           cancer had been found by then. Tests are not judged by date: a biopsy's receptor
           result is often dated days before the diagnosis is recorded.
        """
        if not self.other_cancers and not resource.get("reasonCode"):
            return None
        linked = [
            fd.reference(r)
            for key in ("reasonReference", "focus")
            for r in _listed(resource.get(key))
        ]
        # A contained resource (`#lc`) is known by the resource that holds it.
        linked = [f"{fd.ref_of(resource)}{t}" if t and t.startswith("#") else t for t in linked]
        for suffix in ("mcode-related-primary-cancer-condition", "condition-related"):
            linked.append(fd.reference(fd.extension_value(resource, suffix)))
        breast_linked = False
        for target in linked:
            if target in self.other_cancers:
                return f"tied to {self.other_cancers[target].name} ({target})"
            if target in self.breast_refs:
                breast_linked = True
        for concept in _listed(resource.get("reasonCode")):
            said = self.cancer_code(concept)
            codes = {(system, code) for system, code, _ in fd.codings(concept)}
            if said is not None and said.kind == "breast":
                breast_linked = True
                continue
            for cancer in self.other_cancers.values():
                if codes & cancer.codes:
                    return f"its reason is {cancer.name} ({cancer.ref})"
            if said is not None and said.kind == "other":
                return f"its reason is another cancer ({fd.concept_text(concept) or 'coded'})"
        if breast_linked:
            return None
        sites = self.sites_of(resource.get("bodySite")) if by_site else set()
        breast_sites = {str(item.get("site")) for item, _, _ in self.sections.get("metastases", [])}
        for cancer in self.other_cancers.values():
            if sites and sites & cancer.sites and not sites & breast_sites:
                where = ", ".join(sorted(sites & cancer.sites))
                return f"its body site ({where}) is where {cancer.name} is ({cancer.ref})"
        found = self.diagnosis.get("first_diagnosed")
        if treatment and day is not None and found is not None and day.isoformat() < found:
            earlier = [c for c in self.other_cancers.values() if c.onset and c.onset <= day]
            if earlier:
                cancer = earlier[0]
                return (
                    f"dated {day}, before the breast cancer was found ({found}), when "
                    f"{cancer.name} ({cancer.ref}) was known"
                )
        return None

    def sites_of(self, concept: Any) -> set[str]:
        """Patient-file site words (lung, bone, ...) a body site concept names."""
        found: set[str] = set()
        for system, code, _ in fd.codings(concept):
            row = self.t.body_sites.get(code) if system == SNOMED_SYSTEM else None
            if row is not None and row.site:
                found.add(row.site)
        word = site_from_words(fd.concept_text(concept))
        if word:
            found.add(word)
        return found

    # -- drug codes ------------------------------------------------------------------------

    def drug_of(self, concept: Any, ref: str) -> str | None:
        """The knowledge-base drug of a medication CodeableConcept, by its RxNorm code, else
        its WHO ATC code (EU exports); never by its name."""
        coded = fd.codings(concept)
        rx = [(code, display) for s, code, display in coded if s == RXNORM_SYSTEM]
        atc = [(code.strip().upper(), display) for s, code, display in coded if s in ATC_SYSTEMS]
        text = fd.concept_text(concept)
        if not rx and not atc:
            systems = sorted({s for s, _, _ in coded}) or ["no coding"]
            self.skip(
                ref,
                f"medication {text!r} has no RxNorm code ({', '.join(systems)}); the name "
                "alone is not trusted",
            )
            return None
        found = [(c, d, self.t.drug_for_rxnorm(c), "RxNorm") for c, d in rx]
        found += [(c, d, row.drug if (row := self.t.atc.get(c)) else None, "ATC") for c, d in atc]
        for code, display, drug_id, system in found:
            if drug_id is None:
                continue
            named = self.drugs_named(display or text)
            if named and drug_id not in named:
                self.odd(
                    ref,
                    f"{system} {code} is {self.kb.drugs[drug_id].name}, but its text says "
                    f"{display or text!r}; not imported until one of them is corrected",
                )
                self.skip(ref, f"{system} {code} and its text disagree")
                return None
            return drug_id
        codes = ", ".join(code for code, _ in rx)
        said = [f"RxNorm {codes}"] if rx else []
        if atc:
            # An ATC group (L02BG) or combination (L01XY) names no one drug, and a 5th-level
            # code outside the table is not a cancer medicine nextline knows.
            said.append("ATC " + ", ".join(code for code, _ in atc))
        self.skip(
            ref,
            f"{' and '.join(said)} ({text!r}) is not in nextline's offline table; the text "
            "is not trusted to choose a drug",
        )
        return None

    def drugs_named(self, text: str) -> set[str]:
        lowered = text.lower()
        return {drug_id for pattern, drug_id in self._drug_words if pattern.search(lowered)}


def _listed(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    return [value] if value is not None else []


def site_from_words(text: str) -> str | None:
    """A patient-file site named in plain words ("Secondary malignant neoplasm of liver")."""
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
