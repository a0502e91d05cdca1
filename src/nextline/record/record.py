"""`PatientRecord`: the one in-memory truth about a person, normalised, immutable.

Built by `build_record` from a validated `PatientFile`; engines read only this. It keeps the
file itself (for export and for "why?") and adds the normalised facts: drugs as generic ids
with their classes, lines of metastatic therapy, labs in canonical units, receptor
categories. Views that depend on time take the as-of date as an argument: no clock here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from nextline.errors import Problem
from nextline.record.esas_readings import EsasReading, read_esas
from nextline.record.file_models import (
    Metastasis,
    PatientFile,
    Performance,
    Scan,
    SymptomReport,
    TumorTest,
)
from nextline.record.receptors import (
    Her2Category,
    ReceptorStatus,
    her2_category,
    receptor_status,
)
from nextline.record.scan_readings import ScanReading, read_scans

GeneStatus = str  # "detected" | "not_detected" | "not_tested"


@dataclass(frozen=True, slots=True)
class DrugRef:
    """A drug as written, and what it means (None when the name is unknown)."""

    written: str
    drug_id: str | None
    name: str  # the generic name, or the name as written when unknown
    classes: frozenset[str] = frozenset()
    family: str | None = None


@dataclass(frozen=True, slots=True)
class TherapyEntry:
    """One `therapies[i]` entry, normalised. `line` is its metastatic line number, if any."""

    index: int
    kind: str
    setting: str | None
    drugs: tuple[DrugRef, ...]
    start: dt.date | None
    stop: dt.date | None
    stop_reason: str | None
    best_response: str | None
    line: int | None
    site: str | None
    technique: str | None

    @property
    def path(self) -> str:
        return f"therapies[{self.index}]"

    def seen_on(self, day: dt.date) -> TherapyEntry:
        """This entry as it looked on `day`: a stop after `day` had not happened yet."""
        if self.stop is None or self.stop <= day:
            return self
        return replace(self, stop=None, stop_reason=None, best_response=None)

    def active_on(self, day: dt.date) -> bool:
        """Started on or before `day` and not yet stopped on it."""
        if self.start is None or self.start > day:
            return False
        return self.stop is None or self.stop >= day


@dataclass(frozen=True, slots=True)
class Line:
    """A line of metastatic therapy: the entries that make it, first start to last stop."""

    number: int
    entries: tuple[TherapyEntry, ...]
    start: dt.date
    stop: dt.date | None
    stop_reason: str | None
    best_response: str | None

    @property
    def drugs(self) -> tuple[DrugRef, ...]:
        """Every drug of the line, first appearance order, each once."""
        seen: dict[str, DrugRef] = {}
        for entry in self.entries:
            for drug in entry.drugs:
                seen.setdefault(drug.drug_id or drug.written.lower(), drug)
        return tuple(seen.values())

    @property
    def drug_names(self) -> list[str]:
        return [d.name for d in self.drugs]

    def ongoing_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.stop is None or self.stop >= day)

    def seen_on(self, day: dt.date) -> Line:
        """This line as it looked on `day`: entries not yet started are left out, and a stop
        (with its reason and best response) after `day` had not happened yet."""
        entries = tuple(e.seen_on(day) for e in self.entries if e.start and e.start <= day)
        if self.stop is not None and self.stop <= day and len(entries) == len(self.entries):
            return self
        return replace(self, entries=entries, stop=None, stop_reason=None, best_response=None)


@dataclass(frozen=True, slots=True)
class LabValue:
    """One lab result, with its value in the test's canonical unit when the test is known."""

    index: int
    date: dt.date
    test_id: str | None
    name: str
    loinc: str | None
    kind: str | None
    value: float
    unit: str | None
    canonical_value: float | None
    canonical_unit: str | None
    uln_multiple: float | None = None

    @property
    def path(self) -> str:
        return f"labs[{self.index}]"


@dataclass(frozen=True, slots=True)
class ReceptorReading:
    """A receptor category and the tumor test it came from."""

    status: str
    date: dt.date | None
    test_index: int | None


@dataclass(frozen=True)
class PatientRecord:
    """One person's record as of its latest entry: normalised, immutable, engine input."""

    file: PatientFile
    therapies: tuple[TherapyEntry, ...]
    lines: tuple[Line, ...]
    labs: tuple[LabValue, ...]
    warnings: tuple[Problem, ...] = ()
    _labs_by_test: dict[str, tuple[LabValue, ...]] = field(default_factory=dict, repr=False)
    # every scan's lesions read once, in date order (`scan_readings`); None: not read yet
    _scan_readings: tuple[ScanReading, ...] | None = field(default=None, repr=False, compare=False)
    # every ESAS-r score by item, in date order (`esas_readings`); None: not read yet
    _esas_readings: dict[str, tuple[EsasReading, ...]] | None = field(
        default=None, repr=False, compare=False
    )

    # --- identity -------------------------------------------------------------------------
    @property
    def id(self) -> str:
        return self.file.patient.id

    @property
    def name(self) -> str | None:
        return self.file.patient.name

    @property
    def imaging(self) -> list[Scan]:
        return self.file.imaging

    @property
    def scan_readings(self) -> tuple[ScanReading, ...]:
        """The scans' lesions as every reader needs them, read once when the record was
        built (`scan_readings.py` says why), in date order."""
        readings = self._scan_readings
        if readings is None:  # a record built by hand, not by `build_record`
            readings = read_scans(self.file.imaging)
        return readings

    @property
    def esas_readings(self) -> dict[str, tuple[EsasReading, ...]]:
        """Each ESAS-r item's scores in date order, read once when the record was built
        (`esas_readings.py` says why)."""
        readings = self._esas_readings
        if readings is None:  # a record built by hand, not by `build_record`
            readings = read_esas(self.file.symptoms)
        return readings

    def age_on(self, day: dt.date) -> int | None:
        """Age in whole years on `day`; from a birth year alone, the lower of the two ages."""
        patient = self.file.patient
        if patient.birth_date is not None:
            born = patient.birth_date
            return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        if patient.birth_year is not None:
            return day.year - patient.birth_year - 1
        return None

    # --- therapy --------------------------------------------------------------------------
    def lines_as_of(self, day: dt.date) -> list[Line]:
        """The lines started on or before `day`, each as it looked on `day` (no later stops)."""
        return [line.seen_on(day) for line in self.lines if line.start <= day]

    def current_line(self, day: dt.date) -> Line | None:
        """The line running on `day` (started on or before it, not stopped before it), as
        seen on `day`. A line that stopped on `day` itself is not current."""
        running = [line for line in self.lines_as_of(day) if line.stop is None]
        return running[-1] if running else None

    def last_line(self, day: dt.date) -> Line | None:
        """The latest line started on or before `day`, running or not, as seen on `day`."""
        started = self.lines_as_of(day)
        return started[-1] if started else None

    def therapies_as_of(self, day: dt.date) -> list[TherapyEntry]:
        """Every treatment started on or before `day`, as seen on `day`."""
        return [t.seen_on(day) for t in self.therapies if t.start and t.start <= day]

    def drug_entries(self, day: dt.date) -> list[TherapyEntry]:
        return [t for t in self.therapies_as_of(day) if t.kind == "drug"]

    # --- labs ------------------------------------------------------------------------------
    def labs_of(self, test_id: str, day: dt.date | None = None) -> tuple[LabValue, ...]:
        """Results of one test in date order (up to `day` when given)."""
        values = self._labs_by_test.get(test_id, ())
        if day is None:
            return values
        return tuple(v for v in values if v.date <= day)

    def latest_lab(self, test_id: str, day: dt.date) -> LabValue | None:
        values = self.labs_of(test_id, day)
        return values[-1] if values else None

    def latest_labs(self, day: dt.date) -> dict[str, LabValue]:
        """The latest result of each known test on or before `day`."""
        out: dict[str, LabValue] = {}
        for test_id in self._labs_by_test:
            latest = self.latest_lab(test_id, day)
            if latest is not None:
                out[test_id] = latest
        return out

    # --- tumor biology --------------------------------------------------------------------
    def _tumor_tests(self, day: dt.date) -> list[tuple[int, TumorTest]]:
        tests = [(i, t) for i, t in enumerate(self.file.tumor_tests) if t.date <= day]
        return sorted(tests, key=lambda pair: (pair[1].date, pair[0]))

    def er(self, day: dt.date) -> ReceptorReading:
        """The newest ER result on or before `day`."""
        return self._receptor("er", day)

    def pr(self, day: dt.date) -> ReceptorReading:
        return self._receptor("pr", day)

    def _receptor(self, which: str, day: dt.date) -> ReceptorReading:
        for index, test in reversed(self._tumor_tests(day)):
            value = getattr(test, which)
            status: ReceptorStatus = receptor_status(value)
            if status != "not_tested":
                return ReceptorReading(status, test.date, index)
        return ReceptorReading("not_tested", None, None)

    def her2(self, day: dt.date) -> ReceptorReading:
        """The newest HER2 category on or before `day` (ASCO/CAP)."""
        for index, test in reversed(self._tumor_tests(day)):
            category: Her2Category = her2_category(test.her2)
            if category != "not_tested":
                return ReceptorReading(category, test.date, index)
        return ReceptorReading("not_tested", None, None)

    def hr_positive(self, day: dt.date) -> bool | None:
        """Hormone receptor-positive: ER or PR positive or low. None when neither was tested."""
        er, pr = self.er(day).status, self.pr(day).status
        if er in ("positive", "low") or pr in ("positive", "low"):
            return True
        if er == "not_tested" and pr == "not_tested":
            return None
        return False

    def gene_status(self, gene: str, day: dt.date) -> tuple[GeneStatus, str | None]:
        """Whether an alteration in `gene` was found: detected / not_detected / not_tested,
        with the path of the entry that says so. Any detection wins over a negative test;
        a germline VUS is not a detection."""
        gene = gene.upper()
        negative: str | None = None
        for index, test in self._tumor_tests(day):
            for variant in test.variants:
                if variant.gene.upper() == gene:
                    return "detected", f"tumor_tests[{index}]"
            if gene in (g.upper() for g in test.not_detected):
                negative = f"tumor_tests[{index}]"
        for index, germline in enumerate(self.file.germline_tests):
            if germline.date > day:
                continue
            for found in germline.variants:
                if found.gene.upper() == gene and found.classification in (
                    "pathogenic",
                    "likely_pathogenic",
                ):
                    return "detected", f"germline_tests[{index}]"
            if gene in (g.upper() for g in germline.genes_tested):
                negative = f"germline_tests[{index}]"
        return ("not_detected", negative) if negative else ("not_tested", None)

    def germline_detected(self, gene: str, day: dt.date) -> bool:
        gene = gene.upper()
        return any(
            v.gene.upper() == gene and v.classification in ("pathogenic", "likely_pathogenic")
            for g in self.file.germline_tests
            if g.date <= day
            for v in g.variants
        ) or any(
            v.gene.upper() == gene and v.origin == "germline"
            for _, t in self._tumor_tests(day)
            for v in t.variants
        )

    # --- disease ---------------------------------------------------------------------------
    def metastatic_sites(self, day: dt.date) -> list[Metastasis]:
        """Sites known on `day` (since on or before it) and not resolved by then."""
        return [
            m
            for m in self.file.metastases
            if (m.since is None or m.since <= day) and (m.resolved is None or m.resolved > day)
        ]

    def has_site(self, site: str, day: dt.date) -> bool:
        return any(m.site == site for m in self.metastatic_sites(day))

    def latest_ecog(self, day: dt.date) -> Performance | None:
        readings = [p for p in self.file.performance if p.date <= day]
        return max(readings, key=lambda p: p.date) if readings else None

    def symptoms_as_of(self, day: dt.date) -> list[SymptomReport]:
        return sorted((s for s in self.file.symptoms if s.date <= day), key=lambda s: s.date)
