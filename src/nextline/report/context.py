"""What the report template shows, gathered from the record and the briefing. Pure.

Page one is the two-minute summary an oncologist needs for a second opinion: the subtype and
biomarkers with their dates, where the cancer has spread, every line of treatment, the
current status with its evidence, the options that fit and what is unknown, trials to ask
about, and the questions. The pages after it hold the detail and the charts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from nextline.assess.line_best import best_responses
from nextline.assess.status_words import overall_words
from nextline.knowledge import Knowledge
from nextline.plan import Briefing
from nextline.record import PatientRecord

HER2_WORDS = {
    "positive": "HER2-positive",
    "low": "HER2-low",
    "ultralow": "HER2-ultralow",
    "zero": "HER2-zero",
    "zero_or_ultralow": "HER2-zero or -ultralow",
    "negative_unspecified": "HER2-negative (low, ultralow or zero not known)",
    "equivocal": "HER2 equivocal",
    "not_tested": "HER2 not tested",
}
STOP_WORDS = {
    "progression": "cancer grew",
    "toxicity": "side effects",
    "completed": "completed",
    "patient_choice": "person's choice",
    "break": "break",
    "other": "other",
}
SITE_WORDS = {"lymph_nodes": "lymph nodes", "leptomeninges": "leptomeninges (brain lining)"}
VERDICT_WORDS = {
    "fits": "fits",
    "may_fit": "may fit",
    "does_not_fit": "does not fit",
    "likely_eligible": "likely eligible",
    "possibly_eligible": "possibly eligible",
    "likely_ineligible": "likely not eligible",
}


@dataclass
class Row:
    cells: list[str]
    note: str | None = None


@dataclass
class ReportContext:
    name: str
    patient_id: str
    as_of: str
    age: int | None
    sex: str
    menopausal_status: str | None
    subtype: str
    biomarkers: list[Row]
    diagnosis: list[Row]
    sites: list[Row]
    lines: list[Row]
    other_treatments: list[Row]
    status: dict[str, Any] | None
    status_words: str | None
    status_evidence: list[str]
    red_flags: list[dict[str, Any]]
    options_fit: list[dict[str, Any]]
    options_may_fit: list[dict[str, Any]]
    tests_to_consider: list[str]
    trials: list[dict[str, Any]]
    briefing: Briefing
    sources: list[dict[str, str]] = field(default_factory=list)
    charts: list[Any] = field(default_factory=list)


def _d(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"


def build_context(record: PatientRecord, kb: Knowledge, briefing: Briefing) -> ReportContext:
    as_of = briefing.as_of
    patient = record.file.patient
    status = briefing.status
    options = briefing.options or {}
    best = best_responses(record.lines_as_of(as_of), (status or {}).get("recist"))
    return ReportContext(
        name=record.name or record.id,
        patient_id=record.id,
        as_of=as_of.isoformat(),
        age=record.age_on(as_of),
        sex=patient.sex,
        menopausal_status=patient.menopausal_status,
        subtype=subtype_words(record, as_of),
        biomarkers=biomarker_rows(record, as_of),
        diagnosis=diagnosis_rows(record),
        sites=[
            Row([SITE_WORDS.get(m.site, m.site), _d(m.since), _site_note(m)])
            for m in record.metastatic_sites(as_of)
        ],
        lines=[
            Row(
                [
                    str(line.number),
                    " + ".join(line.drug_names),
                    _d(line.start),
                    _d(line.stop) if line.stop else "ongoing",
                    best[line.number].text if line.number in best else "—",
                    STOP_WORDS.get(line.stop_reason or "", line.stop_reason or "—"),
                ]
            )
            for line in record.lines_as_of(as_of)
        ],
        other_treatments=other_treatment_rows(record, as_of),
        status=status,
        status_words=overall_words(str(status.get("overall")), capital=True) if status else None,
        status_evidence=_evidence_lines(status),
        red_flags=[f for f in (status or {}).get("red_flags") or [] if isinstance(f, dict)],
        options_fit=[o for o in options.get("options", []) if o.get("verdict") == "fits"],
        options_may_fit=[o for o in options.get("options", []) if o.get("verdict") == "may_fit"],
        tests_to_consider=[_test_text(t) for t in options.get("tests_to_consider", [])],
        trials=[
            m
            for m in (briefing.trials or {}).get("matches", [])
            if m.get("verdict") in ("likely_eligible", "possibly_eligible")
        ][:6],
        briefing=briefing,
        sources=_sources(kb, briefing),
    )


def subtype_words(record: PatientRecord, day: dt.date) -> str:
    hr = record.hr_positive(day)
    her2 = record.her2(day).status
    hr_text = {True: "HR-positive", False: "HR-negative", None: "HR status not known"}[hr]
    text = f"{hr_text}, {HER2_WORDS.get(her2, her2)}"
    if hr is False and her2 in ("zero", "ultralow", "zero_or_ultralow", "low"):
        text += " (triple-negative)"
    return text


def biomarker_rows(record: PatientRecord, day: dt.date) -> list[Row]:
    """Receptors (newest, with date and specimen), PD-L1, and gene findings with dates."""
    rows: list[Row] = []
    tests = [t for t in record.file.tumor_tests if t.date <= day]
    for which, label in (("er", "ER"), ("pr", "PR")):
        reading = record.er(day) if which == "er" else record.pr(day)
        if reading.test_index is not None:
            test = record.file.tumor_tests[reading.test_index]
            value = getattr(test, which)
            pct = f" ({value.percent:g}%)" if value and value.percent is not None else ""
            rows.append(
                Row([label, f"{reading.status}{pct}", _d(reading.date), test.specimen or ""])
            )
    her2 = record.her2(day)
    if her2.test_index is not None:
        test = record.file.tumor_tests[her2.test_index]
        detail = []
        if test.her2 and test.her2.ihc:
            detail.append(f"IHC {test.her2.ihc}")
        if test.her2 and test.her2.ish:
            detail.append(f"ISH {test.her2.ish.replace('_', ' ')}")
        extra = f" ({', '.join(detail)})" if detail else ""
        rows.append(
            Row(
                [
                    "HER2",
                    HER2_WORDS.get(her2.status, her2.status) + extra,
                    _d(her2.date),
                    test.specimen or "",
                ]
            )
        )
    for test in sorted(tests, key=lambda t: t.date):
        if test.pdl1 is not None:
            p = test.pdl1
            value = (
                f"CPS {p.cps:g}"
                if p.cps is not None
                else f"IC {p.ic_percent:g}%"
                if p.ic_percent is not None
                else f"TPS {p.tps_percent:g}%"
                if p.tps_percent is not None
                else "tested"
            )
            rows.append(
                Row(
                    [
                        "PD-L1",
                        f"{value}{f' ({p.assay})' if p.assay else ''}",
                        _d(test.date),
                        test.specimen or "",
                    ]
                )
            )
        if test.ki67 is not None:
            rows.append(Row(["Ki-67", f"{test.ki67:g}%", _d(test.date), test.specimen or ""]))
        for v in test.variants:
            rows.append(
                Row(
                    [
                        v.gene,
                        f"found: {v.alteration or 'alteration'} ({v.origin})",
                        _d(test.date),
                        test.test_name or test.specimen or "",
                    ]
                )
            )
        if test.not_detected:
            rows.append(
                Row(
                    [
                        ", ".join(test.not_detected),
                        "not found",
                        _d(test.date),
                        test.test_name or test.specimen or "",
                    ]
                )
            )
    for g in record.file.germline_tests:
        if g.date > day:
            continue
        found = [
            f"{v.gene} {v.alteration or ''} ({v.classification.replace('_', ' ')})".strip()
            for v in g.variants
        ]
        rows.append(
            Row(
                [
                    "Inherited genes (germline)",
                    "; ".join(found) if found else "no harmful change found",
                    _d(g.date),
                    "tested: " + ", ".join(g.genes_tested),
                ]
            )
        )
    return rows


def diagnosis_rows(record: PatientRecord) -> list[Row]:
    d = record.file.diagnosis
    rows = []
    if d.first_diagnosed:
        stage = f", stage {d.stage_at_first_diagnosis}" if d.stage_at_first_diagnosis else ""
        rows.append(Row(["First diagnosed", f"{_d(d.first_diagnosed)}{stage}"]))
    if d.metastatic_since:
        how = {"de_novo": "at first diagnosis (de novo)", "recurrent": "recurrence"}.get(
            d.presentation or "", ""
        )
        rows.append(Row(["Metastatic since", f"{_d(d.metastatic_since)} {how}".strip()]))
    if d.histology:
        rows.append(Row(["Histology", d.histology]))
    return rows


def other_treatment_rows(record: PatientRecord, day: dt.date) -> list[Row]:
    """Early-stage, radiation, surgery and supportive treatments (not counted as lines)."""
    rows = []
    for t in record.therapies:
        when = t.start or t.stop
        if t.line is not None or when is None or when > day:
            continue
        what = " + ".join(d.name for d in t.drugs) if t.drugs else (t.technique or t.kind)
        if t.kind != "drug" and t.site:
            what = f"{t.kind}: {what} ({t.site})"
        span = _d(t.start) + (f" to {_d(t.stop)}" if t.stop and t.stop != t.start else "")
        rows.append(Row([t.setting or t.kind, what, span]))
    return rows


def _site_note(m: Any) -> str:
    parts = []
    if m.lesions is not None:
        parts.append(f"{m.lesions} lesion(s)")
    if m.max_size_mm is not None:
        parts.append(f"up to {m.max_size_mm:g} mm")
    if m.treated:
        parts.append(f"treated: {m.treated}")
    if m.stable is not None:
        parts.append("stable" if m.stable else "not stable")
    if m.symptomatic:
        parts.append("had symptoms")
    return ", ".join(parts)


def _evidence_lines(status: dict[str, Any] | None, limit: int = 4) -> list[str]:
    out = []
    for item in (status or {}).get("evidence") or []:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            text = item.get("message") or item.get("text") or item.get("summary")
            paths = item.get("paths") or [item.get("path") or item.get("record")]
            where = ", ".join(str(x) for x in paths if x)
            if text:
                out.append(f"{text}" + (f" [{where}]" if where else ""))
    return out[:limit]


def _test_text(test: Any) -> str:
    if isinstance(test, str):
        return test
    if isinstance(test, dict):
        for key in ("name", "test", "what", "text", "title", "id"):
            if isinstance(test.get(key), str):
                reason = test.get("why") or test.get("reason")
                return str(test[key]) + (f": {reason}" if isinstance(reason, str) else "")
    return str(test)


def _sources(kb: Knowledge, briefing: Briefing) -> list[dict[str, str]]:
    ids: dict[str, None] = {}
    for q in briefing.questions:
        ids.update(dict.fromkeys(q.sources))
    for t in briefing.supportive_care.topics:
        ids.update(dict.fromkeys(t.sources))
    out = []
    for sid in ids:
        source = kb.sources.get(sid)
        if source is not None:
            out.append(
                {
                    "id": sid,
                    "title": source.title,
                    "publisher": source.publisher,
                    "url": source.url,
                    "accessed": source.accessed.isoformat(),
                }
            )
    return out
