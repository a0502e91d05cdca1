"""A person's history as dated events, oldest first: what `nextline show` and the web
timeline display. Pure: reads a `PatientRecord`, returns plain data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from nextline.record.file_models import Esas
from nextline.record.receptors import her2_category, receptor_status
from nextline.record.record import PatientRecord

_STOP_WORDS = {
    "progression": "stopped because the cancer grew (progression)",
    "toxicity": "stopped because of side effects",
    "completed": "completed as planned",
    "patient_choice": "stopped by choice",
    "break": "paused for a treatment break",
    "other": "stopped (other reason)",
}


@dataclass(frozen=True)
class Event:
    date: dt.date
    kind: str  # diagnosis | line | therapy | test | scan | lab | symptom | side_effect | ...
    text: str
    path: str


def _fmt(day: dt.date | None) -> str:
    return day.isoformat() if day else "?"


def _lines(record: PatientRecord) -> list[Event]:
    events = []
    for line in record.lines:
        stop = (
            f"until {_fmt(line.stop)}, {_STOP_WORDS.get(line.stop_reason or '', 'stopped')}"
            if line.stop
            else "ongoing"
        )
        best = f"; best response {line.best_response}" if line.best_response else ""
        events.append(
            Event(
                line.start,
                "line",
                f"Line {line.number}: {' + '.join(line.drug_names)} ({stop}{best})",
                line.entries[0].path,
            )
        )
    return events


def _other_therapies(record: PatientRecord) -> list[Event]:
    events = []
    for entry in record.therapies:
        if entry.line is not None or entry.start is None:
            continue
        what = " + ".join(d.name for d in entry.drugs) or (entry.technique or entry.kind)
        where = f" to {entry.site}" if entry.site else ""
        setting = f"{entry.setting} " if entry.setting else ""
        label = {"radiation": "radiation", "surgery": "surgery"}.get(entry.kind, "treatment")
        span = f" until {_fmt(entry.stop)}" if entry.stop and entry.stop != entry.start else ""
        events.append(
            Event(entry.start, "therapy", f"{setting}{label}: {what}{where}{span}", entry.path)
        )
    return events


def _tests(record: PatientRecord) -> list[Event]:
    events = []
    for i, test in enumerate(record.file.tumor_tests):
        parts = []
        if test.er:
            parts.append(f"ER {receptor_status(test.er)}")
        if test.pr:
            parts.append(f"PR {receptor_status(test.pr)}")
        if test.her2:
            parts.append(f"HER2 {her2_category(test.her2).replace('_', ' ')}")
        if test.pdl1 and test.pdl1.cps is not None:
            parts.append(f"PD-L1 CPS {test.pdl1.cps:g}")
        parts += [f"{v.gene} {v.alteration or ''}".strip() for v in test.variants]
        if test.not_detected:
            parts.append(f"no change found in {', '.join(test.not_detected)}")
        name = test.test_name or "tumor test"
        events.append(
            Event(
                test.date,
                "test",
                f"{name} ({test.specimen or '?'}): {'; '.join(parts)}",
                f"tumor_tests[{i}]",
            )
        )
    for i, germline in enumerate(record.file.germline_tests):
        found = [f"{v.gene} {v.alteration or ''} ({v.classification})" for v in germline.variants]
        text = "inherited gene test: " + (
            "; ".join(found) if found else f"nothing found in {', '.join(germline.genes_tested)}"
        )
        events.append(Event(germline.date, "test", text, f"germline_tests[{i}]"))
    return events


def _scans(record: PatientRecord) -> list[Event]:
    events = []
    for i, scan in enumerate(record.file.imaging):
        sizes = [
            f"{lesion.id} {lesion.short_axis_mm if lesion.node else lesion.longest_mm:g} mm"
            for lesion in scan.lesions
            if (lesion.short_axis_mm if lesion.node else lesion.longest_mm) is not None
        ]
        new = [lesion.id for lesion in scan.lesions if lesion.role == "new"]
        text = f"{scan.modality} scan"
        if scan.impression:
            text += f": {scan.impression}"
        if sizes:
            text += f" [{', '.join(sizes)}]"
        if new:
            text += f" new: {', '.join(new)}"
        events.append(Event(scan.date, "scan", text, f"imaging[{i}]"))
    return events


def _labs(record: PatientRecord) -> list[Event]:
    return [
        Event(lab.date, "lab", f"{lab.name} {lab.value:g} {lab.unit or ''}".strip(), lab.path)
        for lab in record.labs
    ]


def _scores(esas: Esas) -> list[tuple[str, int]]:
    """The scores given, in the form's order: what `esas.model_dump(exclude_none=True)`
    gives, read from the fields (a dump builds the model's serializer first, which cost
    `nextline show` more than the rest of the timeline)."""
    given = [(name, getattr(esas, name)) for name in type(esas).model_fields]
    return [(name, score) for name, score in given if score is not None]


def _symptoms(record: PatientRecord) -> list[Event]:
    events = []
    for i, report in enumerate(record.file.symptoms):
        parts = []
        if report.esas:
            parts += [
                f"{name.replace('_', ' ')} {score}/10" for name, score in _scores(report.esas)
            ]
        if report.temperature_c is not None:
            parts.append(f"temperature {report.temperature_c:g} °C")
        if report.notes:
            parts.append(f'"{report.notes}"')
        events.append(
            Event(report.date, "symptom", "symptoms: " + "; ".join(parts), f"symptoms[{i}]")
        )
    for i, effect in enumerate(record.file.side_effects):
        therapy = f" from {effect.therapy}" if effect.therapy else ""
        events.append(
            Event(
                effect.date,
                "side_effect",
                f"side effect: {effect.term}, grade {effect.grade}{therapy}",
                f"side_effects[{i}]",
            )
        )
    return events


def build_timeline(record: PatientRecord) -> list[Event]:
    """Every dated fact of the record as an event, oldest first."""
    diagnosis = record.file.diagnosis
    events: list[Event] = []
    if diagnosis.first_diagnosed:
        stage = diagnosis.stage_at_first_diagnosis
        events.append(
            Event(
                diagnosis.first_diagnosed,
                "diagnosis",
                f"first diagnosed{f', stage {stage}' if stage else ''}",
                "diagnosis",
            )
        )
    if diagnosis.metastatic_since:
        events.append(
            Event(
                diagnosis.metastatic_since,
                "diagnosis",
                "metastatic disease found",
                "diagnosis.metastatic_since",
            )
        )
    for i, site in enumerate(record.file.metastases):
        if site.since:
            events.append(
                Event(
                    site.since,
                    "metastasis",
                    f"spread to {site.site.replace('_', ' ')}",
                    f"metastases[{i}]",
                )
            )
    events += _lines(record) + _other_therapies(record) + _tests(record) + _scans(record)
    events += _labs(record) + _symptoms(record)
    for i, assessment in enumerate(record.file.assessments):
        events.append(
            Event(
                assessment.date,
                "assessment",
                f"care team's reading: {assessment.disease_status}",
                f"assessments[{i}]",
            )
        )
    order = {"diagnosis": 0, "metastasis": 1, "line": 2}
    return sorted(events, key=lambda e: (e.date, order.get(e.kind, 9), e.path))


def timeline_data(record: PatientRecord, day: dt.date) -> dict[str, object]:
    """The `show --json` contract (also served by the web API): lines and events up to
    `day`, as seen on `day`, and the record's warnings."""
    return {
        "patient": record.id,
        "as_of": day.isoformat(),
        "lines": [
            {
                "number": line.number,
                "drugs": line.drug_names,
                "start": line.start.isoformat(),
                "stop": line.stop.isoformat() if line.stop else None,
                "stop_reason": line.stop_reason,
                "best_response": line.best_response,
            }
            for line in record.lines_as_of(day)
        ],
        "events": [
            {"date": e.date.isoformat(), "kind": e.kind, "text": e.text, "path": e.path}
            for e in build_timeline(record)
            if e.date <= day
        ],
        "warnings": [vars(w) for w in record.warnings],
    }
