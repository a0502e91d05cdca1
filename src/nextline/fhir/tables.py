"""The offline code tables in `fhir/data/` (RxNorm, SNOMED CT, LOINC, HGNC), validated when loaded.

Why offline tables: an import must work without a network, and a code is mapped only when a
source confirms what it means. Every row names a source defined in `data/sources.yaml`; a
row whose source is missing, or whose drug is not in the knowledge base, fails the load.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import ValidationError

from nextline.errors import KnowledgeInvalid, Problem
from nextline.knowledge import Knowledge
from nextline.knowledge.schema import Slug, SourcesFile, Strict

DATA_DIR = Path(__file__).parent / "data"

RXNORM_SYSTEM = "http://www.nlm.nih.gov/research/umls/rxnorm"
SNOMED_SYSTEM = "http://snomed.info/sct"
LOINC_SYSTEM = "http://loinc.org"
AJCC_SYSTEM = "http://cancerstaging.org"
HGNC_SYSTEMS = ("http://www.genenames.org/geneId", "http://www.genenames.org")
# ICD-10-CM (US) and WHO ICD-10: the same codes to four characters, so one table reads both.
ICD10_SYSTEMS = ("http://hl7.org/fhir/sid/icd-10-cm", "http://hl7.org/fhir/sid/icd-10")
# ICD-10-CA (Canada): WHO ICD-10 with CIHI's enhancements, identical to ICD-10 at four
# characters (Manitoba Centre for Health Policy, "ICD-10-CA" glossary; CIHI, ICD-10-CA), so
# only its first four characters are read. The system URI is Canada Health Infoway's.
ICD10_CA_SYSTEMS = ("https://fhir.infoway-inforoute.ca/CodeSystem/icd10ca",)
ICDO3_SYSTEM = "http://terminology.hl7.org/CodeSystem/icd-o-3"
# IPS "absent or unknown" codes (no-medication-info, no-known-medications, ...): a
# statement that there is nothing to list, in place of a medicine or a problem
# (HL7 International Patient Summary, CodeSystem absent-unknown-uv-ips).
IPS_ABSENT_SYSTEM = "http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips"
# WHO ATC, as HL7 (IPS) names it and as German exports do (BfArM, formerly DIMDI).
ATC_SYSTEMS = (
    "http://www.whocc.no/atc",
    "http://fhir.de/CodeSystem/bfarm/atc",
    "http://fhir.de/CodeSystem/dimdi/atc",
)
INTERPRETATION_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
# The same code systems named by their OIDs, as exports converted from C-CDA often write them
# (`urn:oid:2.16.840.1.113883.6.96`). From the FHIR R4 list of terminology identifiers
# (https://hl7.org/fhir/r4/namingsystem-terminologies.html) and, for ICD-10-CM, HL7
# Terminology's CodeSystem icd10CM (identifier urn:oid:2.16.840.1.113883.6.90).
SYSTEM_OIDS = {
    "urn:oid:2.16.840.1.113883.6.96": SNOMED_SYSTEM,
    "urn:oid:2.16.840.1.113883.6.1": LOINC_SYSTEM,
    "urn:oid:2.16.840.1.113883.6.88": RXNORM_SYSTEM,
    "urn:oid:2.16.840.1.113883.6.3": ICD10_SYSTEMS[1],
    "urn:oid:2.16.840.1.113883.6.90": ICD10_SYSTEMS[0],
}
# Facts the patient file holds that no confirmed standard code carries (menopausal status,
# Ki-67, PD-L1 scores, HER2 IHC score and ISH): exported under this local code system so that
# export -> import gives the same record. Other systems will ignore these codes.
NEXTLINE_SYSTEM = "urn:nextline:patient-file"
MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"


class RxNormRow(Strict):
    code: str
    drug: Slug
    level: Literal[
        "ingredient",
        "precise_ingredient",
        "brand_name",
        "clinical_drug",
        "branded_drug",
        "clinical_dose_form",
        "dose_form_group",
        "unknown",
    ]
    name: str
    source: Slug


class RxNormFile(Strict):
    format_version: Literal[1]
    codes: list[RxNormRow]


class AtcRow(Strict):
    code: str
    drug: Slug
    name: str
    source: Slug


class AtcFile(Strict):
    format_version: Literal[1]
    codes: list[AtcRow]


class CodeRow(Strict):
    code: str
    name: str
    source: Slug
    histology: Literal["ductal", "lobular", "mixed", "other"] | None = None
    site: str | None = None
    location: str | None = None
    kind: str | None = None
    meaning: str | None = None
    note: str | None = None


class SnomedFile(Strict):
    format_version: Literal[1]
    primary_breast: list[CodeRow]
    primary_generic: list[CodeRow]
    stage_groups: list[CodeRow]
    observation_codes: list[CodeRow]
    secondary_sites: list[CodeRow]
    secondary_generic: list[CodeRow]
    body_sites: list[CodeRow]
    procedures: list[CodeRow]
    qualifiers: list[CodeRow]
    disease_status: list[CodeRow]
    stop_reasons: list[CodeRow]
    laterality: list[CodeRow] = []
    m_categories: list[CodeRow] = []
    menopausal_status: list[CodeRow] = []
    sexes: list[CodeRow] = []


class IcdFile(Strict):
    format_version: Literal[1]
    primary_breast: list[CodeRow]
    breast_sides: list[CodeRow]
    secondary_sites: list[CodeRow]
    secondary_wide: list[CodeRow] = []
    secondary_generic: list[CodeRow]
    other_primary: list[CodeRow]
    icdo3_breast_topography: list[CodeRow]
    icdo3_histology: list[CodeRow]


class Hl7File(Strict):
    format_version: Literal[1]
    interpretations: list[CodeRow]


class CodeFile(Strict):
    format_version: Literal[1]
    codes: list[CodeRow]


class LoincFile(Strict):
    format_version: Literal[1]
    codes: list[CodeRow]
    answers: list[CodeRow]


@dataclass(frozen=True)
class CodeTables:
    """The loaded tables, indexed by code."""

    rxnorm: dict[str, RxNormRow]
    ingredient_codes: dict[str, str]  # drugs.yaml `rxnorm:` -> drug id
    primary_breast: dict[str, CodeRow]
    primary_generic: dict[str, CodeRow]
    stage_groups: dict[str, CodeRow]
    observation_codes: dict[str, CodeRow]
    secondary_sites: dict[str, CodeRow]
    secondary_generic: dict[str, CodeRow]
    body_sites: dict[str, CodeRow]
    procedures: dict[str, CodeRow]
    qualifiers: dict[str, CodeRow]
    disease_status: dict[str, CodeRow]
    stop_reasons: dict[str, CodeRow]
    laterality: dict[str, CodeRow]
    m_categories: dict[str, CodeRow]
    menopausal_status: dict[str, CodeRow]
    sexes: dict[str, CodeRow]
    loinc: dict[str, CodeRow]
    answers: dict[str, CodeRow]
    hgnc: dict[str, CodeRow]
    icd: IcdFile
    interpretations: dict[str, CodeRow]
    atc: dict[str, AtcRow]

    def icd10_kind(self, code: str) -> tuple[str, CodeRow | None] | None:
        """What an ICD-10(-CM) code says about a cancer: ("breast", side row or None),
        ("secondary", site row or None) or ("other", None); None when it is not a cancer
        code nextline reads."""
        dotted = icd10_dotted(code)
        category = dotted[:3]
        if any(category == row.code for row in self.icd.primary_breast):
            digits = dotted[4:]
            side = None
            if len(digits) == 3:
                side = next((r for r in self.icd.breast_sides if r.code == digits[2]), None)
            return "breast", side
        site = next((r for r in self.icd.secondary_sites if r.code == dotted), None)
        if site is not None:
            return "secondary", site
        if any(category == row.code for row in self.icd.secondary_generic):
            return "secondary", None
        for row in self.icd.other_primary:
            low, high = row.code.split("-")
            if low <= category <= high:
                return "other", None
        return None

    def icd10_wide(self, code: str) -> CodeRow | None:
        """The row of a secondary-cancer parent code that names two sites (C79.3), or None."""
        dotted = icd10_dotted(code)
        return next((r for r in self.icd.secondary_wide if r.code == dotted), None)

    def icdo3_breast(self, code: str) -> bool:
        """Whether an ICD-O-3 topography code is the breast (C50.x)."""
        category = icd10_dotted(code)[:3]
        return any(category == row.code for row in self.icd.icdo3_breast_topography)

    def icdo3_histology(self, code: str) -> str | None:
        row = next((r for r in self.icd.icdo3_histology if r.code == code.strip()), None)
        return row.histology if row is not None else None

    def drug_for_rxnorm(self, code: str) -> str | None:
        """The knowledge-base drug id an RxNorm code contains, or None when unconfirmed."""
        row = self.rxnorm.get(code)
        if row is not None:
            return row.drug
        return self.ingredient_codes.get(code)

    def rxnorm_for_drug(self, drug_id: str) -> str | None:
        """An RxNorm code to write for a drug on export: its ingredient (or salt) code, never
        a product code, which would claim a strength and form the record does not hold."""
        for code, found in self.ingredient_codes.items():
            if found == drug_id:
                return code
        for level in ("ingredient", "precise_ingredient"):
            for row in self.rxnorm.values():
                if row.drug == drug_id and row.level == level:
                    return row.code
        return None


def icd10_dotted(code: str) -> str:
    """An ICD-10 code in its dotted, upper-case form: `c50911` and `C50.911` are `C50.911`."""
    text = code.strip().upper().replace(".", "")
    return text[:3] + "." + text[3:] if len(text) > 3 else text


def _read(name: str, problems: list[Problem]) -> object:
    path = DATA_DIR / name
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        problems.append(Problem(f"fhir/data/{name}", f"cannot be read: {exc}"))
        return None


def _index(rows: list[CodeRow], where: str, problems: list[Problem]) -> dict[str, CodeRow]:
    out: dict[str, CodeRow] = {}
    for row in rows:
        if row.code in out:
            problems.append(Problem(where, f"code {row.code} appears twice"))
        out[row.code] = row
    return out


_DrugRow = TypeVar("_DrugRow", RxNormRow, AtcRow)


def _drug_index(
    rows: list[_DrugRow], where: str, kb: Knowledge, problems: list[Problem]
) -> dict[str, _DrugRow]:
    """Drug code rows by code; a drug not in the knowledge base, or a code given twice, is
    a problem."""
    out: dict[str, _DrugRow] = {}
    for row in rows:
        if row.drug not in kb.drugs:
            problems.append(Problem(where, f"code {row.code}: unknown drug {row.drug!r}"))
        if row.code in out:
            problems.append(Problem(where, f"code {row.code} appears twice"))
        out[row.code] = row
    return out


def load_tables(kb: Knowledge) -> CodeTables:
    """Load and cross-check the tables (cached per knowledge base)."""
    cached = _CACHE.get(id(kb))
    if cached is not None and cached[0] is kb:
        return cached[1]
    tables = _load(kb)
    _CACHE[id(kb)] = (kb, tables)
    return tables


# Keyed by id: `Knowledge` holds dicts and is not hashable; the entry keeps `kb` alive so the
# id cannot be reused while cached.
_CACHE: dict[int, tuple[Knowledge, CodeTables]] = {}


def _load(kb: Knowledge) -> CodeTables:
    problems: list[Problem] = []
    try:
        sources = SourcesFile.model_validate(_read("sources.yaml", problems))
        rx = RxNormFile.model_validate(_read("rxnorm.yaml", problems))
        sn = SnomedFile.model_validate(_read("snomed.yaml", problems))
        lo = LoincFile.model_validate(_read("loinc.yaml", problems))
        hg = CodeFile.model_validate(_read("hgnc.yaml", problems))
        icd = IcdFile.model_validate(_read("icd.yaml", problems))
        hl7 = Hl7File.model_validate(_read("hl7.yaml", problems))
        atc_file = AtcFile.model_validate(_read("atc.yaml", problems))
    except ValidationError as exc:
        problems += [Problem("fhir/data", str(e["loc"]) + ": " + e["msg"]) for e in exc.errors()]
        raise KnowledgeInvalid(problems) from exc
    source_ids = {s.id for s in sources.sources}
    all_rows: list[tuple[str, CodeRow | RxNormRow | AtcRow]] = [
        ("rxnorm.yaml", r) for r in rx.codes
    ]
    all_rows += [("atc.yaml", r) for r in atc_file.codes]
    for section in type(sn).model_fields:
        if section != "format_version":
            all_rows += [(f"snomed.yaml {section}", r) for r in getattr(sn, section)]
    all_rows += [("loinc.yaml", r) for r in lo.codes + lo.answers]
    all_rows += [("hgnc.yaml", r) for r in hg.codes]
    for section in type(icd).model_fields:
        if section != "format_version":
            all_rows += [(f"icd.yaml {section}", r) for r in getattr(icd, section)]
    all_rows += [("hl7.yaml", r) for r in hl7.interpretations]
    for where, row in all_rows:
        if row.source not in source_ids:
            problems.append(Problem(where, f"code {row.code}: unknown source {row.source!r}"))
    rxnorm = _drug_index(rx.codes, "rxnorm.yaml", kb, problems)
    atc = _drug_index(atc_file.codes, "atc.yaml", kb, problems)
    ingredient_codes = {d.rxnorm: d.id for d in kb.drugs.values() if d.rxnorm}
    for code, drug_id in ingredient_codes.items():
        if code in rxnorm and rxnorm[code].drug != drug_id:
            problems.append(
                Problem("rxnorm.yaml", f"code {code}: drugs.yaml says {drug_id}, not this row")
            )
    tables = CodeTables(
        rxnorm=rxnorm,
        ingredient_codes=ingredient_codes,
        primary_breast=_index(sn.primary_breast, "snomed.yaml", problems),
        primary_generic=_index(sn.primary_generic, "snomed.yaml", problems),
        stage_groups=_index(sn.stage_groups, "snomed.yaml", problems),
        observation_codes=_index(sn.observation_codes, "snomed.yaml", problems),
        secondary_sites=_index(sn.secondary_sites, "snomed.yaml", problems),
        secondary_generic=_index(sn.secondary_generic, "snomed.yaml", problems),
        body_sites=_index(sn.body_sites, "snomed.yaml", problems),
        procedures=_index(sn.procedures, "snomed.yaml", problems),
        qualifiers=_index(sn.qualifiers, "snomed.yaml", problems),
        disease_status=_index(sn.disease_status, "snomed.yaml", problems),
        stop_reasons=_index(sn.stop_reasons, "snomed.yaml", problems),
        laterality=_index(sn.laterality, "snomed.yaml", problems),
        m_categories=_index(sn.m_categories, "snomed.yaml", problems),
        menopausal_status=_index(sn.menopausal_status, "snomed.yaml", problems),
        sexes=_index(sn.sexes, "snomed.yaml", problems),
        loinc=_index(lo.codes, "loinc.yaml", problems),
        answers=_index(lo.answers, "loinc.yaml", problems),
        hgnc=_index(hg.codes, "hgnc.yaml", problems),
        icd=icd,
        interpretations=_index(hl7.interpretations, "hl7.yaml", problems),
        atc=atc,
    )
    if problems:
        raise KnowledgeInvalid(problems)
    return tables
