"""The patient file, version 1, as pydantic models (`../shared/spec/patient-format.md`).

These models hold the file exactly as written (brand names, units and all), so that
`export` gives back what came in. Normalised facts live in `PatientRecord`. The JSON Schema
in `schema/patient-file.schema.json` is generated from `PatientFile`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from nextline.record.text_guard import TEXT_LIMIT, check_text

# Upper bounds are sanity limits, not clinical ones: no real measurement comes near them, and
# they keep absurd numbers (1e308, a 4,000-digit integer) out of every engine and export.
MEASURE_LIMIT = 1e9
NonNegative = Annotated[float, Field(ge=0, le=MEASURE_LIMIT)]
Millimetres = Annotated[float, Field(ge=0, le=2000)]  # 2 m: larger than any body
Score10 = Annotated[int, Field(ge=0, le=10)]


class FileModel(BaseModel):
    """Base for file models: frozen, and an unknown key is an error (catches typos).

    One guard for numbers and text at the model layer, so every way in (file, form, API,
    FHIR) is held to it: numbers must be finite (no NaN, Infinity or 1e309), a text field
    holds at most `TEXT_LIMIT` characters (refused with a clear error, never cut), and text
    with control characters or lone surrogates is refused (`text_guard`).
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        allow_inf_nan=False,
        str_max_length=TEXT_LIMIT,
        defer_build=True,
    )

    @field_validator("*", mode="before")
    @classmethod
    def _plain_text_only(cls, value: Any) -> Any:
        if isinstance(value, str):
            check_text(value)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, str):
                    check_text(item)
        return value


class Location(FileModel):
    country: str | None = None
    postal_code: str | None = None
    city: str | None = None


class Patient(FileModel):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=80)
    name: str | None = None
    birth_date: dt.date | None = None
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    sex: Literal["female", "male"]
    menopausal_status: (
        Literal["premenopausal", "perimenopausal", "postmenopausal", "unknown"] | None
    ) = None
    location: Location | None = None

    @model_validator(mode="after")
    def _needs_menopausal_status_for_women(self) -> Patient:
        if self.sex == "female" and self.menopausal_status is None:
            raise ValueError(
                "menopausal_status is required when sex is female "
                "(use unknown when it is not known)"
            )
        return self


class Diagnosis(FileModel):
    first_diagnosed: dt.date | None = None
    laterality: Literal["left", "right", "bilateral"] | None = Field(
        default=None, description="which breast the cancer started in"
    )
    stage_at_first_diagnosis: str | None = None
    metastatic_since: dt.date | None = None
    presentation: Literal["de_novo", "recurrent"] | None = None
    histology: Literal["ductal", "lobular", "mixed", "other"] | None = None
    pathologic_response: Literal["pCR", "residual"] | None = None


class ReceptorResult(FileModel):
    result: Literal["positive", "low", "negative"] | None = None
    percent: float | None = Field(default=None, ge=0, le=100)


class Her2Result(FileModel):
    ihc: Literal["0", "1+", "2+", "3+"] | None = None
    ish: Literal["amplified", "not_amplified", "equivocal"] | None = None
    ultralow: bool | None = None
    result: Literal["positive", "negative", "equivocal"] | None = None

    @field_validator("ihc", mode="before")
    @classmethod
    def _ihc_number_as_text(cls, value: Any) -> Any:
        # YAML reads an unquoted `ihc: 0` as a number; the score is the same thing.
        if isinstance(value, int) and not isinstance(value, bool):
            return "0" if value == 0 else f"{value}+"
        return value


class PdL1Result(FileModel):
    assay: str | None = None
    cps: float | None = Field(default=None, ge=0, le=100)  # CPS is capped at 100
    ic_percent: float | None = Field(default=None, ge=0, le=100)
    tps_percent: float | None = Field(default=None, ge=0, le=100)


class Variant(FileModel):
    gene: str = Field(min_length=1)
    alteration: str | None = None
    origin: Literal["somatic", "germline", "unknown"] = "unknown"


class TumorTest(FileModel):
    date: dt.date
    specimen: str | None = None
    test_name: str | None = None
    er: ReceptorResult | None = None
    pr: ReceptorResult | None = None
    her2: Her2Result | None = None
    pdl1: PdL1Result | None = None
    ki67: float | None = Field(default=None, ge=0, le=100)
    msi: Literal["high", "low", "stable"] | None = Field(
        default=None, description="microsatellite instability"
    )
    mmr: Literal["deficient", "proficient"] | None = Field(
        default=None, description="mismatch repair proteins (dMMR / pMMR)"
    )
    tmb_mut_per_mb: float | None = Field(
        default=None, ge=0, le=10_000, description="tumor mutational burden, mutations/Mb"
    )
    variants: list[Variant] = []
    not_detected: list[str] = []


class GermlineVariant(FileModel):
    gene: str = Field(min_length=1)
    alteration: str | None = None
    classification: Literal["pathogenic", "likely_pathogenic", "vus", "benign", "likely_benign"]


class GermlineTest(FileModel):
    date: dt.date
    genes_tested: list[str] = []
    variants: list[GermlineVariant] = []


MetastasisSite = Literal[
    "bone",
    "liver",
    "lung",
    "pleura",
    "brain",
    "leptomeninges",
    "lymph_nodes",
    "skin",
    "peritoneum",
    "other",
]


class Metastasis(FileModel):
    site: MetastasisSite
    since: dt.date | None = None
    resolved: dt.date | None = None
    lesions: int | None = Field(default=None, ge=0, le=10_000)
    max_size_mm: Millimetres | None = None
    location: str | None = None
    symptomatic: bool | None = None
    treated: Literal["SRS", "WBRT", "surgery", "none"] | None = None
    stable: bool | None = None
    mass_effect: bool | None = None
    on_steroids: bool | None = None


class Dose(FileModel):
    drug: str
    dose: NonNegative | None = None
    unit: str | None = None
    route: str | None = None
    schedule: str | None = None


class DoseChange(FileModel):
    date: dt.date
    drug: str | None = None
    change: Literal["reduced", "held", "resumed", "increased"]
    reason: str | None = None


class Therapy(FileModel):
    kind: Literal["drug", "radiation", "surgery"] = "drug"
    setting: Literal["neoadjuvant", "adjuvant", "metastatic", "supportive"] | None = None
    drugs: list[str] = []
    doses: list[Dose] = []
    start: dt.date | None = None
    stop: dt.date | None = None
    date: dt.date | None = None
    stop_reason: (
        Literal["progression", "toxicity", "completed", "patient_choice", "break", "other"] | None
    ) = None
    best_response: Literal["CR", "PR", "SD", "PD", "NE"] | None = None
    dose_changes: list[DoseChange] = []
    site: str | None = None
    technique: str | None = None
    notes: str | None = None


class Lab(FileModel):
    date: dt.date
    test: str | None = None
    loinc: str | None = None
    # Every lab the record reads is a count, a concentration or an activity: never negative.
    value: NonNegative
    unit: str | None = Field(default=None, max_length=60)
    ref_low: NonNegative | None = None
    ref_high: NonNegative | None = None

    @model_validator(mode="before")
    @classmethod
    def _test_may_be_a_loinc_mapping(cls, data: Any) -> Any:
        # The spec allows `test: {loinc: "..."}`; keep both spellings.
        if isinstance(data, dict) and isinstance(data.get("test"), dict):
            inner = data["test"]
            data = {**data, "test": None, "loinc": inner.get("loinc")}
            data = {k: v for k, v in data.items() if not (k == "test" and v is None)}
        return data

    @model_validator(mode="after")
    def _needs_a_test(self) -> Lab:
        if not self.test and not self.loinc:
            raise ValueError("a lab result needs `test` (a name) or a LOINC code")
        return self


class Lesion(FileModel):
    id: str = Field(min_length=1)
    organ: str | None = None
    node: bool = False
    role: Literal["target", "non_target", "new"]
    longest_mm: Millimetres | None = None
    short_axis_mm: Millimetres | None = None
    status: Literal["present", "absent", "unequivocal_progression"] | None = None
    too_small_to_measure: bool = False
    not_evaluated: bool = False


class Scan(FileModel):
    date: dt.date
    modality: Literal["CT", "MRI", "PET-CT", "bone scan", "X-ray", "ultrasound"]
    impression: str | None = None
    baseline: bool = False
    assessment: str | None = None
    lesions: list[Lesion] = []


class Performance(FileModel):
    date: dt.date
    ecog: int = Field(ge=0, le=4)


class Esas(FileModel):
    pain: Score10 | None = None
    tiredness: Score10 | None = None
    drowsiness: Score10 | None = None
    nausea: Score10 | None = None
    appetite: Score10 | None = None
    shortness_of_breath: Score10 | None = None
    depression: Score10 | None = None
    anxiety: Score10 | None = None
    wellbeing: Score10 | None = None


# Signs a person ticks on the symptom form (web and file). Each decides a red flag as surely
# as a number does (docs/assess.md lists which sign feeds which flag).
Sign = Literal[
    "fever_or_chills",
    "back_or_neck_pain",
    "leg_weakness_or_numbness",
    "trouble_walking",
    "bladder_or_bowel_change",
    "seizure",
    "new_confusion",
    "severe_headache",
    "vision_change",
    "new_cough",
    "breathlessness",
    "chest_pain",
    "one_swollen_leg",
    "diarrhea",
    "very_thirsty",
    "fainting_or_palpitations",
    "bleeding",
    "jaw_pain",
    "eye_pain",
    "rash_or_blisters",
    # the fourth probe's emergencies (blocked vein in the chest, blocked bowel, high sugar):
    # a tick decides them as surely as the words do (fifth probe)
    "face_or_neck_swelling",
    "no_wind_or_stool",
    "swollen_belly",
    "high_sugar_reading",
]
SIGNS: tuple[str, ...] = Sign.__args__  # type: ignore[attr-defined]


class SymptomReport(FileModel):
    date: dt.date
    esas: Esas | None = None
    temperature_c: float | None = Field(default=None, ge=25, le=45)
    spo2_percent: float | None = Field(default=None, ge=0, le=100)
    signs: list[Sign] = []
    stools_per_day: int | None = Field(
        default=None, ge=0, le=50, description="bowel movements a day (for diarrhoea)"
    )
    notes: str | None = None

    @field_validator("temperature_c", mode="before")
    @classmethod
    def _celsius_not_fahrenheit(cls, value: Any) -> Any:
        # A body temperature in °F (93-113) in the °C field is refused with its °C
        # reading, never converted unasked: the field says °C (fifth probe).
        if isinstance(value, int | float) and not isinstance(value, bool) and 93 <= value <= 113:
            celsius = round((value - 32) * 5 / 9, 1)
            raise ValueError(
                f"the temperature is in °C: {value} looks like °F ({celsius} °C); "
                f"write {celsius}, or put the reading in °F in the notes"
            )
        return value


class SideEffect(FileModel):
    date: dt.date
    term: str = Field(min_length=1)
    grade: int = Field(ge=1, le=5)
    therapy: str | None = None
    resolved: dt.date | None = None
    notes: str | None = None


class UpcomingEvent(FileModel):
    date: dt.date
    what: str


class Goals(FileModel):
    priorities: list[str] = []
    avoid: list[str] = []
    prefer: list[str] = []
    open_to_trials: bool | None = None
    # 20,000 km is half the Earth's circumference: every place on Earth is within it.
    travel_limit_km: float | None = Field(default=None, ge=0, le=20_000)
    considering: list[str] = []
    upcoming_events: list[UpcomingEvent] = []


class CareTeamMember(FileModel):
    role: str
    name: str | None = None
    phone: str | None = None
    organization: str | None = None


class PalliativeCare(FileModel):
    involved: bool
    since: dt.date | None = None


class Assessment(FileModel):
    date: dt.date
    by: str | None = None
    disease_status: Literal["improved", "stable", "worsened", "mixed", "not_evaluable"]
    visceral_crisis: bool | None = None
    notes: str | None = None


class Comorbidity(FileModel):
    condition: str = Field(min_length=1)
    since: dt.date | None = None
    notes: str | None = None


class Appointment(FileModel):
    date: dt.date
    what: str
    notes: str | None = None


class PersonalQuestion(FileModel):
    """A question the person keeps for their next appointment: their own, or a suggested one
    they kept (`source_id` is the suggested question's id), in their order, with the answer."""

    text: str = Field(min_length=1)
    order: int = Field(ge=0, le=100_000)
    answered: bool = False
    answer: str | None = None
    added: dt.date | None = None
    source_id: str | None = None


class PatientFile(FileModel):
    """One person's record as written in a patient file (format version 1)."""

    nextline: Literal[1]
    patient: Patient
    diagnosis: Diagnosis
    tumor_tests: list[TumorTest] = []
    germline_tests: list[GermlineTest] = []
    metastases: list[Metastasis] = []
    therapies: list[Therapy] = []
    labs: list[Lab] = []
    imaging: list[Scan] = []
    performance: list[Performance] = []
    symptoms: list[SymptomReport] = []
    side_effects: list[SideEffect] = []
    goals: Goals | None = None
    care_team: list[CareTeamMember] = []
    palliative_care: PalliativeCare | None = None
    assessments: list[Assessment] = []
    comorbidities: list[Comorbidity] = []
    appointments: list[Appointment] = []
    questions: list[PersonalQuestion] = []


# The parts of the record that hold a list of entries (labs, scans, treatments, ...), in the
# patient file's order: what can be added to, corrected and compared entry by entry.
LIST_SECTIONS: tuple[str, ...] = tuple(
    name for name, info in PatientFile.model_fields.items() if isinstance(info.default, list)
)
