"""`assess_status`: is the current treatment still working? One status, with its evidence.

Pure: a function of the record, the knowledge base and the as-of date; no I/O, no clock.

What the overall status means (docs/assess.md says the same, for people):
- `not_working`: the latest scan of the running line shows growth by RECIST 1.1 (PD), or
  the record says the line is stopping because the cancer grew.
- `working`: the latest scan of the running line shows a complete or partial response,
  stable disease, or (for disease that cannot be measured) no clear growth, and nothing
  recorded after that scan (a new site of cancer, the team's "worse") points the other way.
- `unclear`: a line is running but there is no scan since it began, the scan could not be
  read, or later signs disagree with the last scan.
- `no_current_treatment`: no line is running on the as-of date. `current_line` is then null
  and `last_line` says what ran last, how it ended and, when it stopped because the cancer
  grew, the headline says that the last treatment stopped working.
Tumor markers and symptoms never decide the status on their own (ASCO); they are evidence.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from nextline.assess._cache import once_per
from nextline.assess._evidence import Cite, Evidence, cites
from nextline.assess._value import value
from nextline.assess.blood_counts import BloodCounts, assess_blood_counts
from nextline.assess.clinician import ClinicianView, clinician_view
from nextline.assess.recist import (
    RULE_SOURCES,
    LineResponse,
    Timepoint,
    assess_grouped,
    grouped_scans,
)
from nextline.assess.red_flags import RedFlagHit, find_red_flags
from nextline.assess.symptoms import (
    SideEffectChange,
    SymptomTrend,
    side_effect_changes,
    symptom_trends,
)
from nextline.assess.tumor_markers import MarkerTrend, marker_trends
from nextline.assess.watch_for import WatchFor, watch_for
from nextline.errors import KnowledgeInvalid, Problem
from nextline.knowledge import Knowledge
from nextline.knowledge.assess_schema import AssessKnowledge, RecistRules, SourcedNumber
from nextline.knowledge.schema import SourceRef
from nextline.record.record import Line, PatientRecord

Overall = Literal["working", "unclear", "not_working", "no_current_treatment"]

DISCLAIMER = (
    "nextline reads the record with published rules to help you talk with your care team. "
    "It does not decide anything: your team knows things the record does not."
)
_STOP_WORDS = {
    "progression": "because the cancer grew",
    "toxicity": "because of side effects",
    "completed": "as planned",
    "patient_choice": "by choice",
    "break": "for a planned break",
    "other": "for another reason",
}


@value
class LineRef:
    """A line of treatment as the contract shows it."""

    number: int
    drugs: tuple[str, ...]
    start: dt.date
    stop: dt.date | None
    stop_reason: str | None
    paths: tuple[str, ...]


@value
class NewSite:
    site: str
    since: dt.date
    path: str


@value
class SourceInfo:
    id: str
    title: str
    url: str


@value
class Status:
    """The answer to "is the treatment still working?" as of one date (the `--json`
    contract of `nextline status`, `schema/status.schema.json`)."""

    patient: str
    as_of: dt.date
    overall: Overall
    headline: str
    current_line: LineRef | None
    last_line: LineRef | None
    latest_scan: dt.date | None
    recist: tuple[LineResponse, ...]
    markers: tuple[MarkerTrend, ...]
    blood_counts: BloodCounts
    red_flags: tuple[RedFlagHit, ...]
    symptoms: tuple[SymptomTrend, ...]
    side_effects: tuple[SideEffectChange, ...]
    new_sites: tuple[NewSite, ...]
    clinician: ClinicianView | None
    evidence: tuple[Evidence, ...]
    warnings: tuple[str, ...]
    sources: tuple[SourceInfo, ...]
    watch_for: tuple[WatchFor, ...] = ()
    disclaimer: str = DISCLAIMER


def _line_ref(line: Line | None, as_of: dt.date) -> LineRef | None:
    """The line as known on `as_of`: a stop after that date is not known yet."""
    if line is None:
        return None
    stopped = line.stop is not None and line.stop <= as_of
    # positional, in `LineRef`'s field order (a keyword call costs more)
    return LineRef(
        line.number,  # number
        tuple(line.drug_names),  # drugs
        line.start,  # start
        line.stop if stopped else None,  # stop
        line.stop_reason if stopped else None,  # stop_reason
        tuple([entry.path for entry in line.entries]),  # paths
    )


def _cites_by_rule(rules: RecistRules) -> dict[str, tuple[Cite, ...]]:
    """Every RECIST rule id's citations, worked out once per (immutable) knowledge base."""
    return once_per(
        rules, "cites_by_rule", lambda: {rule: rule_sources(rule, rules) for rule in RULE_SOURCES}
    )


def rule_sources(rule: str, rules: RecistRules) -> tuple[Cite, ...]:
    """The sources of a RECIST rule id, from the knowledge fields that state it."""
    refs: list[SourceRef] = []
    for name in RULE_SOURCES.get(rule, ()):
        value = getattr(rules, name)
        refs += value.sources if isinstance(value, SourcedNumber) else value
    return cites(refs)


def _recist_evidence(
    point: Timepoint, line: int, by_rule: dict[str, tuple[Cite, ...]], rules: RecistRules
) -> Evidence:
    # a timepoint's rules come from a few dozen combinations: their sources, each once,
    # are worked out once per combination (hashing citations is most of the cost)
    by_rules = once_per(rules, "cites_by_rules", dict[tuple[str, ...], tuple[Cite, ...]])
    sources = by_rules.get(point.rules)
    if sources is None:
        sources = by_rules[point.rules] = tuple(
            dict.fromkeys(c for rule in point.rules for c in by_rule[rule])
        )
    points_to = {
        "PD": "not_working",
        "NE": "neither",
    }.get(point.overall, "working")
    if point.unconfirmed_new_lesions and point.overall != "PD":
        points_to = "neither"  # a new spot on a bone scan alone needs confirming first
    return Evidence(
        kind="recist",
        date=point.date,
        text=f"Line {line}, scan on {point.date}: {point.text}",
        paths=point.paths,
        rule=point.rule,
        sources=sources,
        points_to=points_to,  # type: ignore[arg-type]
    )


def _drugs(line: Line) -> str:
    names = line.drug_names
    return " + ".join(names) if names else f"line {line.number}"


def _decide(
    current: Line | None,
    last: Line | None,
    latest: Timepoint | None,
    later_signs: list[Evidence],
    response: LineResponse | None,
    as_of: dt.date,
) -> tuple[Overall, str]:
    """The overall status and its headline, in plain words with the term beside."""
    if current is None:
        if last is None:
            return "no_current_treatment", "No treatment for metastatic cancer is recorded yet."
        why = _STOP_WORDS.get(last.stop_reason or "", "")
        head = (
            f"No treatment is recorded as running now. The last one, {_drugs(last)} "
            f"(line {last.number}), stopped on {last.stop}{' ' + why if why else ''}."
        )
        if last.stop_reason == "progression" or (latest and latest.overall == "PD"):
            head += " That treatment stopped working"
            if latest and latest.overall == "PD":
                head += f": the scan on {latest.date} showed growth (RECIST PD)"
            head += ". This is the time to talk with your team about what comes next."
        return "no_current_treatment", head
    name = _drugs(current)
    if current.stop_reason == "progression" and current.stop == as_of:
        return "not_working", (
            f"{name} is stopping because the cancer grew. Talk with your team about what "
            "comes next."
        )
    if latest is None:
        if response is not None and response.baseline_date is None:
            return "unclear", (
                f"It is not possible to tell yet whether {name} is working: there is no scan "
                "from before it started to compare with."
            )
        return "unclear", (
            f"It is too early to tell whether {name} is working: there is no scan since it "
            f"started on {current.start}."
        )
    if latest.overall == "PD":
        return "not_working", (
            f"The scan on {latest.date} suggests the cancer is growing on {name} (RECIST PD). "
            "Talk with your team about what comes next."
        )
    if latest.unconfirmed_new_lesions:
        return "unclear", (
            f"The scan on {latest.date} shows a new spot on a bone scan only. It may mean the "
            f"cancer is growing on {name}, but it needs to be checked with another kind of scan "
            "(such as CT, MRI or an X-ray) first (RECIST 1.1). Talk with your team about it."
        )
    if latest.overall == "NE":
        return "unclear", (
            f"The scan on {latest.date} could not be fully compared with the one before "
            f"{name} started (RECIST NE), so it is unclear whether it is working."
        )
    if later_signs:
        return "unclear", (
            f"The scan on {latest.date} suggests {name} was working (RECIST "
            f"{latest.overall.replace('_', '-')}), but something recorded since then points "
            "the other way; see the evidence below."
        )
    words = {
        "CR": "no measurable cancer is left",
        "PR": "the measured tumors have shrunk by at least 30 %",
        "SD": "the cancer is under control, neither clearly shrinking nor growing",
        "non_CR_non_PD": "the known spots are not clearly growing",
    }[latest.overall]
    label = "non-CR/non-PD" if latest.overall == "non_CR_non_PD" else latest.overall
    return "working", (
        f"The latest scan ({latest.date}) suggests {name} is working: {words} (RECIST {label})."
    )


def _assess_knowledge(kb: Knowledge) -> AssessKnowledge:
    if kb.assess is None:
        raise KnowledgeInvalid(
            [Problem("assess_thresholds.yaml", "the assess knowledge is missing")]
        )
    return kb.assess


def assess_status(record: PatientRecord, kb: Knowledge, as_of: dt.date) -> Status:
    """Is the current treatment still working, as of `as_of`? Pure."""
    know = _assess_knowledge(kb)
    lines = record.lines_as_of(as_of)
    # the running line, as `record.current_line(as_of)` finds it, without a second pass
    current = next((line for line in reversed(lines) if line.stop is None), None)
    last = lines[-1] if lines else None
    focus = current or last
    previous_start = None
    if focus is not None and focus.number > 1:
        previous_start = next(
            (line.start for line in lines if line.number == focus.number - 1), None
        )

    # the scans grouped once: for every line's response and for the latest scan's date
    grouped = grouped_scans(record.scan_readings, know.recist, as_of)
    responses = assess_grouped(lines, grouped, know.recist, as_of)
    by_rule = _cites_by_rule(know.recist)
    response = next((r for r in responses if focus and r.line == focus.number), None)
    latest = response.timepoints[-1] if response and response.timepoints else None

    evidence: list[Evidence] = []
    flags, flag_evidence = find_red_flags(record, know, as_of)
    evidence += flag_evidence
    if latest is not None and response is not None:
        evidence.append(_recist_evidence(latest, response.line, by_rule, know.recist))
    if focus is not None and focus.stop is not None and focus.stop <= as_of:
        why = _STOP_WORDS.get(focus.stop_reason or "", "")
        evidence.append(
            Evidence(
                kind="line_stop",
                date=focus.stop,
                text=f"Line {focus.number} ({_drugs(focus)}) stopped on {focus.stop}"
                + (f" {why}." if why else "."),
                paths=tuple(entry.path for entry in focus.entries),
                rule="line_stop_reason",
                sources=(),
                points_to="not_working" if focus.stop_reason == "progression" else "neither",
            )
        )

    new_sites: list[NewSite] = []
    later_signs: list[Evidence] = []
    if focus is not None:
        for index, site in enumerate(record.file.metastases):
            if site.since is None or not (focus.start < site.since <= as_of):
                continue
            new_sites.append(NewSite(site.site, site.since, f"metastases[{index}]"))
            item = Evidence(
                kind="new_site",
                date=site.since,
                text=(
                    f"Cancer was found in a new place, the {site.site.replace('_', ' ')}, on "
                    f"{site.since}, after line {focus.number} began (a new lesion is growth "
                    "under RECIST 1.1)."
                ),
                paths=(f"metastases[{index}]",),
                rule="new_metastatic_site",
                sources=cites(know.recist.new_lesion_is_pd),
                points_to="not_working",
            )
            evidence.append(item)
            if latest is None or site.since > latest.date:
                later_signs.append(item)

    view, view_evidence = clinician_view(record, focus, latest, as_of)
    evidence += view_evidence
    if (
        view is not None
        and view.disease_status == "worsened"
        and (latest is None or view.date > latest.date)
    ):
        later_signs += view_evidence

    markers: list[MarkerTrend] = []
    if focus is not None:
        markers, marker_evidence = marker_trends(record, focus, know.markers, as_of, previous_start)
        evidence += marker_evidence
    counts, count_evidence = assess_blood_counts(record, focus, know.blood_counts, as_of)
    evidence += count_evidence
    symptoms, symptom_evidence = symptom_trends(record, know.esas, as_of)
    evidence += symptom_evidence
    side_effects, side_evidence = side_effect_changes(record, focus, as_of)
    evidence += side_evidence

    overall, headline = _decide(current, last, latest, later_signs, response, as_of)
    warnings = [w for r in responses for w in r.warnings]
    unknown = sorted(
        {
            d.written
            for entry in record.therapies
            if entry.start is not None and entry.start <= as_of
            for d in entry.drugs
            if d.drug_id is None
        }
    )
    if unknown:
        warnings.append(
            f"medicine name not recognised: {', '.join(unknown)} — its warnings and red flags "
            "cannot be checked; check the spelling or ask your care team"
        )
    if counts.stale and counts.chemo_drugs:
        warnings.append(
            f"blood counts from {counts.date} are more than "
            f"{know.blood_counts.max_age_days} days old"
        )

    cited: dict[str, None] = {}
    for item in evidence:
        for cite in item.sources:
            cited.setdefault(cite.id, None)
    # the timepoints' rule tuples repeat (a few kinds per record): the set of tuples first
    fired_sets = {point.rules for r in responses for point in r.timepoints}
    fired = {rule for rules in fired_sets for rule in rules}
    for rule in sorted(fired):
        for cite in by_rule[rule]:
            cited.setdefault(cite.id, None)
    watching = watch_for(current, kb, as_of)
    for cite in [c for flag in flags for c in flag.sources] + [
        c for item in watching for c in item.sources
    ]:
        cited.setdefault(cite.id, None)
    infos = once_per(
        kb,
        "source_infos",
        lambda: {i: SourceInfo(s.id, s.title, s.url) for i, s in kb.sources.items()},
    )
    sources = tuple([infos[i] for i in cited if i in infos])
    current_ref = _line_ref(current, as_of)  # the last line too, most of the time
    # positional, in `Status`'s field order (a keyword call of 21 fields costs more)
    return Status(
        record.id,  # patient
        as_of,  # as_of
        overall,  # overall
        headline,  # headline
        current_ref,  # current_line
        current_ref if last is current else _line_ref(last, as_of),  # last_line
        # the last assessment is dated by the latest scan on or before as_of
        grouped.dates[-1] if grouped.dates else None,  # latest_scan
        tuple(responses),  # recist
        tuple(markers),  # markers
        counts,  # blood_counts
        tuple(flags),  # red_flags
        tuple(symptoms),  # symptoms
        tuple(side_effects),  # side_effects
        tuple(new_sites),  # new_sites
        view,  # clinician
        tuple(evidence),  # evidence
        tuple(warnings),  # warnings
        sources,  # sources
        watching,  # watch_for
    )


def status_json(status: Status) -> dict[str, object]:
    """The `--json` contract: the status as plain JSON data (dates as YYYY-MM-DD)."""
    from pydantic import TypeAdapter

    data: dict[str, object] = TypeAdapter(Status).dump_python(status, mode="json")
    return data


def status_schema() -> dict[str, object]:
    """The JSON Schema of `status_json`'s output."""
    from pydantic import TypeAdapter

    schema: dict[str, object] = TypeAdapter(Status).json_schema(mode="serialization")
    return schema
