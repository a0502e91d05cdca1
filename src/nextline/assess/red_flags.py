"""Red flags: signs that mean "call your care team now" or "go to emergency". Pure.

Each red flag in `red_flags.yaml` has rules; the most urgent rule that holds decides. A rule
is a list of groups that must all hold, a group holding when any one of its conditions does.
Each condition type has one small evaluator here, read against one entry of the record (a
symptom report, or a scan's written impression) and the record around its date (sites of
cancer, recent labs, what is running).

Why the sign and not the site decides: a person may write "back pain, legs gone weak" before
anyone has recorded bone metastases, and a triage nurse would still send them in. Known sites
are `supports`: named in the evidence when they hold, never required. Notes are read by
`symptom_reader` (negated, past, hypothetical and other people's signs never count).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from nextline.assess._cache import once_per
from nextline.assess._evidence import Cite, Evidence, cites, fmt
from nextline.assess._value import value
from nextline.assess.calcium import CalciumVerdict, calcium_verdicts
from nextline.assess.symptom_reader import NoteReading, read_note
from nextline.knowledge.assess_schema import (
    AssessKnowledge,
    CalciumHighCondition,
    CalciumNormalCondition,
    Condition,
    EsasCondition,
    FeverCondition,
    LabBelowCondition,
    LabHighCondition,
    OnTreatmentCondition,
    RedFlag,
    SideEffectCondition,
    SignCondition,
    SiteCondition,
    Spo2BelowCondition,
    StoolsCondition,
)
from nextline.knowledge.symptom_schema import SymptomVocabularyFile
from nextline.record.file_models import Esas
from nextline.record.record import LabValue, PatientRecord

Urgency = Literal["call_now", "emergency"]
_RANK = {"call_now": 1, "emergency": 2}


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
    supported_by: tuple[str, ...] = ()


Match = tuple[str, str] | None  # (plain reason, record path)


@dataclass(frozen=True, slots=True)
class _Entry:
    """One dated entry the flags read: a symptom report or a scan's written words."""

    date: dt.date
    path: str
    note_path: str | None
    signs: tuple[str, ...]
    reading: NoteReading | None
    temperature_c: float | None
    stools_per_day: int | None
    esas: Esas | None
    spo2_percent: float | None = None
    says: str = "the note says"


class _Context:
    """What the evaluators read for one entry."""

    def __init__(
        self,
        record: PatientRecord,
        entry: _Entry,
        names: dict[str, str],
        know: AssessKnowledge,
        as_of: dt.date,
        earlier: tuple[_Entry, ...] = (),
    ) -> None:
        self.record = record
        self.entry = entry
        self.names = names
        self.know = know
        self.as_of = as_of
        # the look-back's entries before this one, latest first: a sign told in one of them
        # completes a rule this entry's own sign begins (`_rule_match`)
        self.earlier = earlier
        self.reach_back = False
        self.reached_back = False


def _sign_in(c: SignCondition, ctx: _Context, entry: _Entry, when: str = "") -> Match:
    """A sign of `c` ticked or written in `entry`; `when` ("on 2025-11-17, ") dates an
    earlier entry's."""
    for sign in c.any:
        if sign in entry.signs:
            return f"{when}you ticked “{ctx.names.get(sign, sign)}”", f"{entry.path}.signs"
    if entry.reading is not None and entry.note_path is not None:
        for sign in c.any:
            found = entry.reading.has(sign)
            if found is not None:
                maybe = "may mean" if found.possible else "means"
                name = ctx.names.get(sign, sign)
                return f"{when}{entry.says} “{found.words}” ({maybe} {name})", entry.note_path
    return None


def _sign(c: SignCondition, ctx: _Context) -> Match:
    found = _sign_in(c, ctx, ctx.entry)
    if found is None and ctx.reach_back:
        for entry in ctx.earlier:
            found = _sign_in(c, ctx, entry, f"on {entry.date}, ")
            if found is not None:
                break
    return found


def _fever(c: FeverCondition, ctx: _Context) -> Match:
    entry = ctx.entry
    temp = entry.temperature_c
    if temp is not None and temp >= c.min_c:
        return f"a temperature of {fmt(temp)} °C", f"{entry.path}.temperature_c"
    reading = entry.reading
    if reading and reading.temperature_c is not None and reading.temperature_c >= c.min_c:
        words = reading.temperature_words
        return f"a temperature of {fmt(reading.temperature_c)} °C (the note says “{words}”)", (
            entry.note_path or entry.path
        )
    return None


def _stools(c: StoolsCondition, ctx: _Context) -> Match:
    entry = ctx.entry
    if entry.stools_per_day is not None and entry.stools_per_day >= c.min:
        return f"{entry.stools_per_day} stools a day", f"{entry.path}.stools_per_day"
    reading = entry.reading
    if reading and reading.stools_per_day is not None and reading.stools_per_day >= c.min:
        return f"{reading.stools_per_day} stools a day (from the note)", (
            entry.note_path or entry.path
        )
    return None


def _spo2_below(c: Spo2BelowCondition, ctx: _Context) -> Match:
    entry = ctx.entry
    spo2 = entry.spo2_percent
    if spo2 is not None and spo2 < c.value:
        return f"oxygen saturation {fmt(spo2)} %", f"{entry.path}.spo2_percent"
    reading = entry.reading
    if reading and reading.spo2_percent is not None and reading.spo2_percent < c.value:
        return f"oxygen saturation {reading.spo2_percent} % (from the note)", (
            entry.note_path or entry.path
        )
    return None


def _site(c: SiteCondition, ctx: _Context) -> Match:
    """A site that supports the sign. What is known by the as-of date counts, not only what
    was known on the entry's day: bone metastases found two days after "my legs keep giving
    way" were there when it was written. A site resolved by then does not."""
    day, known_by = ctx.entry.date, ctx.as_of
    for i, site in enumerate(ctx.record.file.metastases):
        if site.site not in c.any:
            continue
        if (site.since is None or site.since <= known_by) and (
            site.resolved is None or site.resolved > day
        ):
            return f"known cancer in the {site.site.replace('_', ' ')}", f"metastases[{i}]"
    found = _site_in_scan_words(c, ctx)
    if found is not None or not c.organ_words:
        return found
    words = tuple(w.lower() for w in c.organ_words)
    for s, scan in enumerate(ctx.record.file.imaging):
        if scan.date > known_by:
            continue
        for li, lesion in enumerate(scan.lesions):
            organ = (lesion.organ or "").lower()
            if lesion.status != "absent" and any(w in organ for w in words):
                return (
                    f"a spot in the {lesion.organ} on the {scan.modality} of {scan.date} "
                    "(not yet confirmed as a site)",
                    f"imaging[{s}].lesions[{li}]",
                )
    for entry in ctx.record.therapies:
        site_text = (entry.site or "").lower()
        started = entry.start is not None and entry.start <= known_by
        if entry.kind == "radiation" and started and any(w in site_text for w in words):
            return f"radiation to the {site_text}", entry.path
    return None


def _site_in_scan_words(c: SiteCondition, ctx: _Context) -> Match:
    """The site in a scan's written impression ("new lytic metastasis in the L2 vertebral
    body"), read by the note reader: "no evidence of bone metastases" does not count."""
    if not c.scan_signs:
        return None
    sex = ctx.record.file.patient.sex
    for s, scan in enumerate(ctx.record.file.imaging):
        words = scan.impression
        if not words or scan.date > ctx.as_of:
            continue
        reading = read_note(words, ctx.know.vocabulary, sex)
        for sign in c.scan_signs:
            found = reading.has(sign)
            if found is not None:
                return (
                    f"the {scan.modality} of {scan.date} says “{found.words}” "
                    "(not yet confirmed as a site)",
                    f"imaging[{s}].impression",
                )
    return None


def _esas(c: EsasCondition, ctx: _Context) -> Match:
    esas = ctx.entry.esas
    score = getattr(esas, c.item) if esas else None
    if score is not None and score >= c.min:
        item = c.item.replace("_", " ")
        return f"{item} scored {score} out of 10", f"{ctx.entry.path}.esas.{c.item}"
    return None


def _recent_labs(ctx: _Context, test: str, days: int) -> list[tuple[LabValue, float | None]]:
    """Results of `test` in the `days` before the entry, each with how far its raw value is
    over the lab's own upper limit (None when the lab gave no range)."""
    day = ctx.entry.date
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
        if (over > 0) if over is not None and c.over_range else amount > c.value:
            unit = result.unit or ""
            return f"{result.name} {fmt(result.value)} {unit} on {result.date} (high)", result.path
    return None


def _calcium(
    c: CalciumHighCondition | CalciumNormalCondition, ctx: _Context
) -> list[CalciumVerdict]:
    return calcium_verdicts(
        ctx.record, ctx.know.calcium, ctx.entry.date, c.within_days, c.value, c.ionized_value
    )


def _calcium_high(c: CalciumHighCondition, ctx: _Context) -> Match:
    for verdict in _calcium(c, ctx):
        if verdict.high:
            return f"{verdict.words} (high)", verdict.path
    return None


def _calcium_normal(c: CalciumNormalCondition, ctx: _Context) -> Match:
    verdicts = _calcium(c, ctx)
    if verdicts and not any(v.high for v in verdicts):
        return f"{verdicts[0].words} (normal)", verdicts[0].path
    return None


def _term(words: str) -> str:
    """A CTCAE term as compared: lower case, hyphens and runs of spaces as one space."""
    return " ".join(words.lower().replace("-", " ").replace("_", " ").split())


def _side_effect(c: SideEffectCondition, ctx: _Context) -> Match:
    day = ctx.entry.date
    terms = {_term(t) for t in c.terms}
    for i, effect in reversed(list(enumerate(ctx.record.file.side_effects))):
        if effect.date > day or (day - effect.date).days > c.within_days:
            continue
        if effect.resolved is not None and effect.resolved <= day:
            continue
        if effect.grade >= c.min_grade and _term(effect.term) in terms:
            when = "" if effect.date == day else f" on {effect.date}"
            return f"{effect.term}, grade {effect.grade}{when}", f"side_effects[{i}]"
    return None


def _on_treatment(c: OnTreatmentCondition, ctx: _Context) -> Match:
    day = ctx.entry.date
    for entry in ctx.record.therapies:
        if entry.kind != "drug" or entry.start is None or entry.start > day:
            continue
        if entry.stop is not None and (day - entry.stop).days > c.within_days:
            continue
        names = [d.name for d in entry.drugs if c.names(d.drug_id, d.family, d.classes)]
        if names:
            when = "recent" if entry.stop is not None and entry.stop < day else "current"
            return f"{when} treatment with {', '.join(names)}", entry.path
    return None


_EVALUATORS: dict[str, Callable[..., Match]] = {
    "sign": _sign,
    "fever": _fever,
    "stools": _stools,
    "spo2_below": _spo2_below,
    "site": _site,
    "esas": _esas,
    "lab_below": _lab_below,
    "lab_high": _lab_high,
    "calcium_high": _calcium_high,
    "calcium_normal": _calcium_normal,
    "side_effect": _side_effect,
    "on_treatment": _on_treatment,
}


def _holds(condition: Condition, ctx: _Context) -> Match:
    return _EVALUATORS[condition.type](condition, ctx)


def _entries(
    record: PatientRecord, vocab: SymptomVocabularyFile, window_days: int, as_of: dt.date
) -> list[_Entry]:
    """The symptom reports, side effects and scan impressions of the look-back window,
    oldest first."""
    out: list[_Entry] = []
    sex = record.file.patient.sex

    def recent(day: dt.date) -> bool:
        return day <= as_of and (as_of - day).days <= window_days

    for index, report in enumerate(record.file.symptoms):
        if not recent(report.date):
            continue
        note = report.notes
        out.append(
            _Entry(
                date=report.date,
                path=f"symptoms[{index}]",
                note_path=f"symptoms[{index}].notes" if note else None,
                signs=tuple(report.signs),
                reading=read_note(note, vocab, sex) if note else None,
                temperature_c=report.temperature_c,
                stools_per_day=report.stools_per_day,
                esas=report.esas,
                spo2_percent=report.spo2_percent,
            )
        )
    for index, effect in enumerate(record.file.side_effects):
        # A side effect recorded in the window (a CTCAE term: "Fever", "Diarrhea", "Cough")
        # is the sign as surely as a symptom report, unless it had resolved by the as-of date.
        if not recent(effect.date) or (effect.resolved is not None and effect.resolved <= as_of):
            continue
        words = f"{effect.term}. {effect.notes}" if effect.notes else effect.term
        out.append(
            _Entry(
                date=effect.date,
                path=f"side_effects[{index}]",
                note_path=f"side_effects[{index}].term",
                signs=(),
                reading=read_note(words, vocab, sex),
                temperature_c=None,
                stools_per_day=None,
                esas=None,
                says="the side effect recorded is",
            )
        )
    for index, scan in enumerate(record.file.imaging):
        # Most scans hold no words: the fields are read once (`__dict__`, see
        # `recist.group_assessments`) and nothing is joined for a scan without them.
        fields = scan.__dict__
        impression, label = fields["impression"], fields["assessment"]
        if not (impression or label) or not recent(fields["date"]):
            continue
        words = f"{impression} {label}" if impression and label else impression or label
        field = "impression" if impression else "assessment"
        out.append(
            _Entry(
                date=fields["date"],
                path=f"imaging[{index}]",
                note_path=f"imaging[{index}].{field}",
                signs=(),
                reading=read_note(words, vocab, sex),
                temperature_c=None,
                stools_per_day=None,
                esas=None,
            )
        )
    out.sort(key=lambda e: e.date)
    return out


def _rule_match(flag: RedFlag, ctx: _Context) -> tuple[Urgency, list[str], list[str]] | None:
    """The most urgent rule of `flag` that holds for this entry, with its reasons: the
    entry's own signs first; then, for a rule of several signs, with signs told in the
    look-back's earlier entries too, when one of the signs is this entry's own.

    Why: people tell a story over days ("Mum's back has been sore for a week" on Monday,
    "she can't move her legs" on Wednesday); a triage nurse puts the two together (NICE
    NG234: back pain with a new neurological sign), and the flag is dated by the entry that
    completes it. `ctx.reached_back` tells whether it did: such a match only ever raises a
    flag's urgency (`find_red_flags`), never moves an earlier flag as urgent to this date."""
    ctx.reach_back = ctx.reached_back = False
    best = _most_urgent(flag, ctx)
    if ctx.earlier and (best is None or best[0] != "emergency"):
        ctx.reach_back = True
        together = _most_urgent(flag, ctx, own=ctx.entry.path)
        ctx.reach_back = False
        if together is not None and (best is None or _RANK[together[0]] > _RANK[best[0]]):
            best = together
            ctx.reached_back = True
    return best


def _most_urgent(
    flag: RedFlag, ctx: _Context, own: str | None = None
) -> tuple[Urgency, list[str], list[str]] | None:
    """The most urgent rule of `flag` that holds; with `own`, only a rule with at least two
    groups of signs, one of them met by the entry at that path."""
    best: tuple[Urgency, list[str], list[str]] | None = None
    for rule in flag.rules:
        if own is not None and sum(all(c.type == "sign" for c in group) for group in rule.when) < 2:
            continue
        if best is not None and _RANK[rule.urgency] <= _RANK[best[0]]:
            continue
        if any(_holds(c, ctx) for c in rule.unless):
            continue
        reasons: list[str] = []
        paths: list[str] = []
        for group in rule.when:
            found = next((m for m in (_holds(c, ctx) for c in group) if m), None)
            if found is None:
                break
            if found[0] not in reasons:
                reasons.append(found[0])
            if found[1] not in paths:
                paths.append(found[1])
        else:
            if own is not None and not any(
                p == own or p.startswith((own + ".", own + "[")) for p in paths
            ):
                continue  # every sign from earlier entries: those entries raised it
            best = (rule.urgency, reasons, paths)
    return best


def find_red_flags(
    record: PatientRecord, know: AssessKnowledge, as_of: dt.date
) -> tuple[list[RedFlagHit], list[Evidence]]:
    """Red flags in the entries of the look-back window before `as_of` (for each kind, the
    most urgent, then the latest), most urgent first."""
    vocab = know.vocabulary
    flags = know.red_flags
    window_days = know.red_flag_window_days
    # the vocabulary's names, once per (immutable) vocabulary rather than once per record
    names = once_per(vocab, "concept_names", lambda: {c.id: c.name for c in vocab.concepts})
    hits: dict[str, RedFlagHit] = {}
    entries = _entries(record, vocab, window_days, as_of)
    for i, entry in enumerate(entries):
        ctx = _Context(record, entry, names, know, as_of, tuple(reversed(entries[:i])))
        for flag in flags:
            matched = _rule_match(flag, ctx)
            if matched is None:
                continue
            urgency, reasons, paths = matched
            support: list[str] = []
            for condition in flag.supports:
                held = _holds(condition, ctx)
                if held is not None and held[0] not in reasons:
                    support.append(held[0])
                    paths.append(held[1])
            held_hit = hits.get(flag.kind)
            if held_hit is not None and (
                _RANK[held_hit.urgency] > _RANK[urgency]
                or (held_hit.urgency == urgency and held_hit.date > entry.date)
                or (held_hit.urgency == urgency and ctx.reached_back)
            ):
                continue
            hits[flag.kind] = RedFlagHit(
                kind=flag.kind,
                date=entry.date,
                urgency=urgency,
                name=flag.name,
                message=flag.message,
                because=tuple(reasons),
                paths=tuple(dict.fromkeys(paths)),
                rule=f"red_flag_{flag.kind}",
                sources=cites(flag.sources),
                supported_by=tuple(support),
            )
    ordered = sorted(
        hits.values(), key=lambda h: (h.urgency != "emergency", -h.date.toordinal(), h.kind)
    )
    evidence = [
        Evidence(
            kind="red_flag",
            date=hit.date,
            text=f"{hit.name[:1].upper()}{hit.name[1:]} on {hit.date}: {'; '.join(hit.because)}"
            + (f" (more likely with {'; '.join(hit.supported_by)})" if hit.supported_by else "")
            + ".",
            paths=hit.paths,
            rule=hit.rule,
            sources=hit.sources,
        )
        for hit in ordered
    ]
    return ordered, evidence
