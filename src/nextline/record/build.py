"""Turn a validated `PatientFile` into a `PatientRecord`: resolve drug names, convert lab
units, number the lines, and collect every problem (errors and warnings) in one pass.

Pure: the knowledge base and the as-of date are arguments. Errors make `build_record` raise
`RecordInvalid` listing all of them at once; warnings ride along on the record.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator

from nextline.errors import Problem, RecordInvalid
from nextline.knowledge import Knowledge
from nextline.knowledge.base import name_key
from nextline.record.esas_readings import read_esas
from nextline.record.file_models import Lab, PatientFile, Therapy
from nextline.record.lines import LineCandidate, number_lines
from nextline.record.plausible import plausibility_warnings
from nextline.record.receptors import receptor_conflict
from nextline.record.record import DrugRef, LabValue, Line, PatientRecord, TherapyEntry
from nextline.record.scan_readings import read_scans
from nextline.record.units import ULN_MULTIPLE, UnitError, fold_unit, to_canonical


def resolve_drug(kb: Knowledge, written: str) -> DrugRef:
    """A written drug name as a `DrugRef`; unknown names are kept exactly as written."""
    drug = kb.find_drug(written)
    if drug is None:
        return DrugRef(written=written, drug_id=None, name=written)
    return DrugRef(
        written=written,
        drug_id=drug.id,
        name=drug.name,
        classes=frozenset(kb.drug_class_ids(drug)),
        family=kb.family_of(drug),
    )


# Words a drug entry may hold beside the names: joins, doses, routes and schedules
# ("Kisqali + Femara", "Xeloda 1000 mg/m2 twice daily", "letrozole tablets").
_FILLER = frozenset(
    [
        "and",
        "with",
        "plus",
        "or",
        "also",
        "a",
        "an",
        "of",
        "the",
        "x",
        "mg",
        "mcg",
        "ug",
        "g",
        "ml",
        "kg",
        "m2",
        "iu",
        "unit",
        "units",
        "dose",
        "doses",
        "daily",
        "weekly",
        "monthly",
        "day",
        "days",
        "week",
        "weeks",
        "every",
        "once",
        "twice",
        "bd",
        "bid",
        "od",
        "qd",
        "tds",
        "tid",
        "q2w",
        "q3w",
        "q4w",
        "po",
        "iv",
        "sc",
        "im",
        "oral",
        "tablet",
        "tablets",
        "tabs",
        "tab",
        "capsule",
        "capsules",
        "caps",
        "injection",
        "injections",
        "infusion",
        "infusions",
        "cycle",
        "cycles",
        "co",
        "pack",
        "copack",
    ]
)
_LONGEST_NAME_WORDS = 6


def resolve_drugs(kb: Knowledge, written: str) -> tuple[tuple[DrugRef, ...], tuple[str, ...]]:
    """One written entry of `drugs` as the drugs it names, and the words left unread.

    Why: people and letters write several drugs, or a name with its dose, in one entry
    ("Kisqali + Femara", "alpelisib (Piqray)", "Enhertu 5.4 mg/kg"); read as one unknown
    name, the drug-aware red flags could not see what is running. The whole entry is tried
    first (a known name with "and" or a comma in it stays whole); otherwise the longest known
    names are taken from left to right, each drug once. Joins, doses and schedule words are
    not names; any other word left is returned to be reported. No name found: the entry
    stays one unknown drug, as written."""
    whole = resolve_drug(kb, written)
    if whole.drug_id is not None:
        return (whole,), ()
    words = [w for w in re.split(r"[^\w%]+", name_key(written)) if w]
    found: dict[str, DrugRef] = {}
    left: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(_LONGEST_NAME_WORDS, len(words) - i), 0, -1):
            part = " ".join(words[i : i + n])
            ref = resolve_drug(kb, part)
            if ref.drug_id is not None:
                found.setdefault(ref.drug_id, dataclasses.replace(ref, written=written))
                i += n
                break
        else:
            word = words[i]
            if word not in _FILLER and not re.fullmatch(r"[\d.%]+\w{0,3}", word):
                left.append(word)
            i += 1
    if not found:
        return (whole,), ()
    return tuple(found.values()), tuple(left)


_DATE_FIELDS = ("date", "start", "stop", "since", "resolved")
_HISTORY_SECTIONS = (
    "tumor_tests",
    "germline_tests",
    "metastases",
    "therapies",
    "labs",
    "imaging",
    "performance",
    "symptoms",
    "side_effects",
    "assessments",
    "comorbidities",
)


def _walk_dates(file: PatientFile) -> Iterator[tuple[str, dt.date]]:
    """Every date of the record's history with its path (plans, in `appointments` and
    `goals`, are left out). Written out per section: a generic walk over the models was
    three quarters of the time it takes to build a record."""
    if file.patient.birth_date is not None:
        yield "patient.birth_date", file.patient.birth_date
    for name in ("first_diagnosed", "metastatic_since"):
        value = getattr(file.diagnosis, name)
        if value is not None:
            yield f"diagnosis.{name}", value
    if file.palliative_care is not None and file.palliative_care.since is not None:
        yield "palliative_care.since", file.palliative_care.since
    for section in _HISTORY_SECTIONS:
        for i, item in enumerate(getattr(file, section)):
            for name in _DATE_FIELDS:
                value = getattr(item, name, None)
                if value is not None:
                    yield f"{section}[{i}].{name}", value
    for i, therapy in enumerate(file.therapies):
        for j, change in enumerate(therapy.dose_changes):
            yield f"therapies[{i}].dose_changes[{j}].date", change.date


def _born(file: PatientFile) -> tuple[dt.date, str] | None:
    """The earliest day the person can have been born on, and how to say it."""
    patient = file.patient
    if patient.birth_date is not None:
        day = patient.birth_date
        return day, f"{day.day} {day:%B %Y}"
    if patient.birth_year is not None:
        return dt.date(patient.birth_year, 1, 1), str(patient.birth_year)
    return None


def _check_dates(file: PatientFile, as_of: dt.date, problems: list[Problem]) -> None:
    born = _born(file)
    for path, value in _walk_dates(file):
        if value > as_of:
            problems.append(
                Problem(path, f"date {value.isoformat()} is after the as-of date {as_of}")
            )
        elif born is not None and value < born[0] and path != "patient.birth_date":
            problems.append(
                Problem(
                    path,
                    f"{value.day} {value:%B %Y} is before the person was born ({born[1]}); "
                    "check the year",
                )
            )
    for i, therapy in enumerate(file.therapies):
        if therapy.start and therapy.stop and therapy.stop < therapy.start:
            problems.append(
                Problem(
                    f"therapies[{i}].stop",
                    f"stop {therapy.stop} is before start {therapy.start}",
                )
            )
        began = therapy.start or therapy.date
        for j, change in enumerate(therapy.dose_changes):
            if began and change.date < began:
                problems.append(
                    Problem(
                        f"therapies[{i}].dose_changes[{j}].date",
                        f"{change.date} is before the treatment started ({began})",
                    )
                )
        if therapy.kind == "drug" and therapy.start is None and therapy.date is None:
            problems.append(Problem(f"therapies[{i}].start", "a drug treatment needs a start"))
        if therapy.kind == "drug" and not therapy.drugs:
            problems.append(Problem(f"therapies[{i}].drugs", "a drug treatment needs drugs"))
    for i, metastasis in enumerate(file.metastases):
        if metastasis.since and metastasis.resolved and metastasis.resolved < metastasis.since:
            problems.append(
                Problem(
                    f"metastases[{i}].resolved",
                    f"{metastasis.resolved} (gone since) is before {metastasis.since} (found on)",
                )
            )
    for i, lab in enumerate(file.labs):
        if lab.ref_low is not None and lab.ref_high is not None and lab.ref_high < lab.ref_low:
            problems.append(
                Problem(
                    f"labs[{i}].ref_high",
                    f"the upper limit of normal ({lab.ref_high:g}) is below the lower limit "
                    f"({lab.ref_low:g}); check which is which on the report",
                )
            )
    for i, effect in enumerate(file.side_effects):
        if effect.resolved and effect.resolved < effect.date:
            problems.append(
                Problem(
                    f"side_effects[{i}].resolved",
                    f"{effect.resolved} is before the side effect began ({effect.date})",
                )
            )
    diagnosis = file.diagnosis
    if (
        diagnosis.first_diagnosed
        and diagnosis.metastatic_since
        and diagnosis.metastatic_since < diagnosis.first_diagnosed
    ):
        problems.append(
            Problem(
                "diagnosis.metastatic_since",
                f"{diagnosis.metastatic_since} is before the cancer was first diagnosed "
                f"({diagnosis.first_diagnosed})",
            )
        )


def _check_tests(file: PatientFile, problems: list[Problem]) -> None:
    for i, test in enumerate(file.tumor_tests):
        for which in ("er", "pr"):
            result = getattr(test, which)
            conflict = receptor_conflict(result) if result else None
            if conflict:
                problems.append(Problem(f"tumor_tests[{i}].{which}", conflict, "warning"))


def _check_imaging(file: PatientFile, problems: list[Problem]) -> None:
    for i, scan in enumerate(file.imaging):
        if not scan.lesions:
            problems.append(
                Problem(
                    f"imaging[{i}].lesions",
                    "no lesion measurements: this scan cannot be read with RECIST",
                    "warning",
                )
            )
        seen: set[str] = set()
        for j, lesion in enumerate(scan.lesions):
            where = f"imaging[{i}].lesions[{j}]"
            if lesion.id in seen:
                problems.append(Problem(f"{where}.id", f"duplicate lesion id {lesion.id!r}"))
            seen.add(lesion.id)
            if lesion.role != "target" or lesion.too_small_to_measure or lesion.not_evaluated:
                continue
            size = lesion.short_axis_mm if lesion.node else lesion.longest_mm
            if size is None:
                field = "short_axis_mm" if lesion.node else "longest_mm"
                problems.append(Problem(where, f"target lesion without {field}", "warning"))


def _effective_setting(
    therapy: Therapy, drugs: tuple[DrugRef, ...], file: PatientFile
) -> str | None:
    if therapy.setting is not None or therapy.kind != "drug":
        return therapy.setting
    if drugs and all(d.family == "supportive" for d in drugs):
        return "supportive"
    start = therapy.start or therapy.date
    since = file.diagnosis.metastatic_since
    if start is not None and since is not None and start >= since:
        return "metastatic"
    return None


def _therapies(
    file: PatientFile, kb: Knowledge, problems: list[Problem]
) -> tuple[tuple[TherapyEntry, ...], tuple[Line, ...]]:
    resolved: list[tuple[int, Therapy, tuple[DrugRef, ...], str | None]] = []
    for i, therapy in enumerate(file.therapies):
        refs: list[DrugRef] = []
        for j, name in enumerate(therapy.drugs):
            read, left = resolve_drugs(kb, name)
            refs.extend(read)
            if read[0].drug_id is None:
                problems.append(
                    Problem(
                        f"therapies[{i}].drugs[{j}]",
                        f"unknown drug {name!r}: kept as written; not used by the engines",
                        "warning",
                    )
                )
            elif left:
                named = " + ".join(r.name for r in read)
                problems.append(
                    Problem(
                        f"therapies[{i}].drugs[{j}]",
                        f"{name!r} read as {named}; not recognised: {' '.join(left)!r}",
                        "warning",
                    )
                )
        drugs = tuple(refs)
        for j, dose in enumerate(therapy.doses):
            if kb.find_drug(dose.drug) is None:
                problems.append(
                    Problem(
                        f"therapies[{i}].doses[{j}].drug", f"unknown drug {dose.drug!r}", "warning"
                    )
                )
        resolved.append((i, therapy, drugs, _effective_setting(therapy, drugs, file)))

    candidates = [
        LineCandidate(
            index=i,
            start=therapy.start or therapy.date,  # type: ignore[arg-type]
            stop=therapy.stop,
            stop_reason=therapy.stop_reason,
            # A product is the drugs it contains (Phesgo: pertuzumab and trastuzumab), so
            # THP followed by Phesgo maintenance is one line, not two.
            drug_keys=frozenset(
                key
                for d in drugs
                for key in (
                    (kb.drugs[d.drug_id].contains or [d.drug_id])
                    if d.drug_id
                    else [d.written.lower()]
                )
            ),
            drug_classes=tuple(d.classes for d in drugs),
        )
        for i, therapy, drugs, setting in resolved
        if therapy.kind == "drug" and setting == "metastatic" and (therapy.start or therapy.date)
    ]
    numbers = number_lines(candidates)
    entries = tuple(
        TherapyEntry(
            index=i,
            kind=therapy.kind,
            setting=setting,
            drugs=drugs,
            start=therapy.start or therapy.date,
            stop=therapy.stop or (therapy.date if therapy.start is None else None),
            stop_reason=therapy.stop_reason,
            best_response=therapy.best_response,
            line=numbers.get(i),
            site=therapy.site,
            technique=therapy.technique,
        )
        for i, therapy, drugs, setting in resolved
    )
    return entries, _group_lines(entries)


_RESPONSE_ORDER = {"CR": 0, "PR": 1, "SD": 2, "PD": 3, "NE": 4}


def _group_lines(entries: tuple[TherapyEntry, ...]) -> tuple[Line, ...]:
    grouped: dict[int, list[TherapyEntry]] = defaultdict(list)
    for entry in entries:
        if entry.line is not None:
            grouped[entry.line].append(entry)
    lines = []
    for number in sorted(grouped):
        members = sorted(grouped[number], key=lambda e: (e.start or dt.date.min, e.index))
        stops = [e.stop for e in members]
        ongoing = any(s is None for s in stops)
        last = max(members, key=lambda e: (e.stop or dt.date.max, e.index))
        responses = [e.best_response for e in members if e.best_response]
        lines.append(
            Line(
                number=number,
                entries=tuple(members),
                start=members[0].start or dt.date.min,
                stop=None if ongoing else last.stop,
                stop_reason=None if ongoing else last.stop_reason,
                best_response=min(responses, key=_RESPONSE_ORDER.__getitem__)
                if responses
                else None,
            )
        )
    return tuple(lines)


def _lab_value(index: int, lab: Lab, kb: Knowledge, problems: list[Problem]) -> LabValue:
    where = f"labs[{index}]"
    written = lab.test or lab.loinc or ""
    test = kb.find_lab_test(lab.test) if lab.test else None
    if test is None and lab.loinc:
        test = kb.find_lab_test(lab.loinc)
    canonical_value: float | None = None
    uln_multiple: float | None = None
    unit = lab.unit
    if unit is not None and fold_unit(unit) == fold_unit(ULN_MULTIPLE):
        uln_multiple = lab.value
    elif test is None:
        problems.append(
            Problem(f"{where}.test", f"unknown test {written!r}: kept as written", "warning")
        )
    elif unit is None:
        if test.canonical_unit != "%":
            problems.append(
                Problem(f"{where}.unit", f"{test.name} needs a unit (e.g. {test.canonical_unit})")
            )
    else:
        try:
            canonical_value = to_canonical(
                lab.value, unit, test.canonical_unit, test.molar_mass_g_per_mol
            )
        except UnitError as exc:
            problems.append(Problem(f"{where}.unit", f"{exc} for {test.name}"))
    if unit is None and test is not None and test.canonical_unit == "%":
        canonical_value = lab.value
    if uln_multiple is None and lab.ref_high:
        uln_multiple = round(lab.value / lab.ref_high, 4)
    return LabValue(
        index=index,
        date=lab.date,
        test_id=test.id if test else None,
        name=test.name if test else written,
        loinc=test.loinc if test else lab.loinc,
        kind=test.kind if test else None,
        value=lab.value,
        unit=unit,
        canonical_value=canonical_value,
        canonical_unit=test.canonical_unit if test else None,
        uln_multiple=uln_multiple,
    )


def build_record(file: PatientFile, kb: Knowledge, as_of: dt.date) -> PatientRecord:
    """Normalise a validated file; raise `RecordInvalid` with every error at once."""
    problems: list[Problem] = []
    _check_dates(file, as_of, problems)
    _check_tests(file, problems)
    _check_imaging(file, problems)
    therapies, lines = _therapies(file, kb, problems)
    labs = tuple(_lab_value(i, lab, kb, problems) for i, lab in enumerate(file.labs))
    problems.extend(plausibility_warnings(labs, kb))
    if any(p.severity == "error" for p in problems):
        raise RecordInvalid(problems)
    by_test: dict[str, list[LabValue]] = defaultdict(list)
    for value in sorted(labs, key=lambda v: (v.date, v.index)):
        if value.test_id is not None:
            by_test[value.test_id].append(value)
    return PatientRecord(
        file=file,
        therapies=therapies,
        lines=lines,
        labs=labs,
        warnings=tuple(problems),
        _labs_by_test={k: tuple(v) for k, v in by_test.items()},
        _scan_readings=read_scans(file.imaging),
        _esas_readings=read_esas(file.symptoms),
    )
