"""Red flags: symptoms that mean "call your care team now" or "go to emergency". Pure.

Each red flag in `red_flags.yaml` is a list of groups that must all hold, a group holding
when any one of its conditions does. Each condition type has one small evaluator here,
matched against one symptom report (its temperature, ESAS scores and note words) and the
record around its date (metastatic sites, recent labs, recent treatment).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Literal

from nextline.assess._evidence import Cite, Evidence, cites, fmt
from nextline.assess._value import value
from nextline.knowledge.assess_schema import (
    Condition,
    EsasCondition,
    FeverCondition,
    LabBelowCondition,
    LabHighCondition,
    OnTreatmentCondition,
    RedFlag,
    SiteCondition,
    WordsCondition,
)
from nextline.record.file_models import SymptomReport
from nextline.record.record import LabValue, PatientRecord

Urgency = Literal["call_now", "emergency"]
_NEGATIONS = frozenset({"no", "not", "without", "denies", "never", "nor"})
_WORD = re.compile(r"[a-z']+")
_ENDINGS = frozenset({"s", "es", "ness", "ed", "ing", "ly", "'s"})


@value
class RedFlagHit:
    """The contract's red flag: kind, date, urgency, what to do; and why."""

    kind: str
    date: dt.date
    urgency: Urgency
    name: str
    message: str
    because: tuple[str, ...]
    paths: tuple[str, ...]
    rule: str
    sources: tuple[Cite, ...]


Match = tuple[str, str] | None  # (plain reason, record path)


def note_mentions(note: str, phrase: str) -> bool:
    """Whether `phrase` is in `note` as whole words, not right after a negation ("no
    weakness" does not mention weakness). A phrase ending in `*` is a word start
    ("confus*" matches "confused"); otherwise only plain endings may follow ("weak" matches
    "weakness" and "weakly", never "weekend"; "numb" never matches "number")."""
    text = note.lower()
    stem = phrase.endswith("*")
    target = phrase.rstrip("*").lower()
    start = 0
    while True:
        found = text.find(target, start)
        if found < 0:
            return False
        start = found + 1
        if found > 0 and text[found - 1].isalnum():
            continue  # not the start of a word
        if not stem:
            end = found + len(target)
            tail = _WORD.match(text, end)
            if tail is not None and tail.group(0) not in _ENDINGS:
                continue  # another word that happens to start the same way
        before = _WORD.findall(text[max(0, found - 30) : found])[-3:]
        if _NEGATIONS.intersection(before):
            continue
        return True


class _Context:
    """What the evaluators read for one symptom report."""

    def __init__(self, record: PatientRecord, index: int, report: SymptomReport) -> None:
        self.record = record
        self.index = index
        self.report = report
        self.path = f"symptoms[{index}]"


def _fever(c: FeverCondition, ctx: _Context) -> Match:
    temp = ctx.report.temperature_c
    if temp is not None and temp >= c.min_c:
        return f"a temperature of {fmt(temp)} °C", f"{ctx.path}.temperature_c"
    return None


def _words(c: WordsCondition, ctx: _Context) -> Match:
    note = ctx.report.notes
    if not note:
        return None
    for phrase in c.any:
        if note_mentions(note, phrase):
            return f'the note says "{note.strip()}"', f"{ctx.path}.notes"
    return None


def _site(c: SiteCondition, ctx: _Context) -> Match:
    day = ctx.report.date
    for i, site in enumerate(ctx.record.file.metastases):
        if site.site not in c.any:
            continue
        if (site.since is None or site.since <= day) and (
            site.resolved is None or site.resolved > day
        ):
            return f"known cancer in the {site.site.replace('_', ' ')}", f"metastases[{i}]"
    return None


def _esas(c: EsasCondition, ctx: _Context) -> Match:
    esas = ctx.report.esas
    score = getattr(esas, c.item) if esas else None
    if score is not None and score >= c.min:
        item = c.item.replace("_", " ")
        return f"{item} scored {score} out of 10", f"{ctx.path}.esas.{c.item}"
    return None


def _recent_labs(ctx: _Context, test: str, days: int) -> list[tuple[LabValue, float | None]]:
    """Results of `test` in the `days` before the report, each with how far its raw value is
    over the lab's own upper limit (None when the lab gave no range)."""
    day = ctx.report.date
    out = []
    for result in ctx.record.labs_of(test, day):
        if (day - result.date).days > days or result.canonical_value is None:
            continue
        lab = ctx.record.file.labs[result.index]
        over = result.value - lab.ref_high if lab.ref_high is not None else None
        out.append((result, over))
    return out


def _lab_below(c: LabBelowCondition, ctx: _Context) -> Match:
    for result, _ in reversed(_recent_labs(ctx, c.test, c.within_days)):
        amount = result.canonical_value
        if amount is not None and amount < c.value:
            unit = result.canonical_unit or ""
            return f"{result.name} {fmt(amount)} {unit} on {result.date} (low)", result.path
    return None


def _lab_high(c: LabHighCondition, ctx: _Context) -> Match:
    for result, over in reversed(_recent_labs(ctx, c.test, c.within_days)):
        amount = result.canonical_value or 0.0
        if (over > 0) if over is not None else amount > c.value:
            unit = result.unit or ""
            return f"{result.name} {fmt(result.value)} {unit} on {result.date} (high)", result.path
    return None


def _on_treatment(c: OnTreatmentCondition, ctx: _Context) -> Match:
    day = ctx.report.date
    for entry in ctx.record.therapies:
        if entry.kind != "drug" or entry.start is None or entry.start > day:
            continue
        if entry.stop is not None and (day - entry.stop).days > c.within_days:
            continue
        names = [d.name for d in entry.drugs if d.family in c.families]
        if names:
            return f"recent treatment with {', '.join(names)}", entry.path
    return None


_EVALUATORS: dict[str, Callable[..., Match]] = {
    "fever": _fever,
    "words": _words,
    "site": _site,
    "esas": _esas,
    "lab_below": _lab_below,
    "lab_high": _lab_high,
    "on_treatment": _on_treatment,
}


def _holds(condition: Condition, ctx: _Context) -> Match:
    return _EVALUATORS[condition.type](condition, ctx)


def find_red_flags(
    record: PatientRecord, flags: list[RedFlag], window_days: int, as_of: dt.date
) -> tuple[list[RedFlagHit], list[Evidence]]:
    """Red flags in the symptom reports of the last `window_days` before `as_of` (the
    latest hit of each kind), most urgent first."""
    hits: dict[str, RedFlagHit] = {}
    for index, report in enumerate(record.file.symptoms):
        if report.date > as_of or (as_of - report.date).days > window_days:
            continue
        ctx = _Context(record, index, report)
        for flag in flags:
            reasons: list[str] = []
            paths: list[str] = []
            for group in flag.when:
                found = next((m for m in (_holds(c, ctx) for c in group) if m), None)
                if found is None:
                    break
                if found[0] not in reasons:
                    reasons.append(found[0])
                if found[1] not in paths:
                    paths.append(found[1])
            else:
                held = hits.get(flag.kind)
                if held is None or held.date <= report.date:
                    hits[flag.kind] = RedFlagHit(
                        kind=flag.kind,
                        date=report.date,
                        urgency=flag.urgency,
                        name=flag.name,
                        message=flag.message,
                        because=tuple(reasons),
                        paths=tuple(paths),
                        rule=f"red_flag_{flag.kind}",
                        sources=cites(flag.sources),
                    )
    ordered = sorted(
        hits.values(), key=lambda h: (h.urgency != "emergency", -h.date.toordinal(), h.kind)
    )
    evidence = [
        Evidence(
            kind="red_flag",
            date=hit.date,
            text=f"{hit.name[:1].upper()}{hit.name[1:]} on {hit.date}: {'; '.join(hit.because)}.",
            paths=hit.paths,
            rule=hit.rule,
            sources=hit.sources,
        )
        for hit in ordered
    ]
    return ordered, evidence
