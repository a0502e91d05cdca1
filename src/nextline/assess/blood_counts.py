"""Blood counts before a chemotherapy cycle, against the drug labels' thresholds. Pure.

The thresholds are the levels the FDA labels ask for before a dose (per drug where the label
gives one, else the common default), in each test's canonical unit: lab values arrive
converted by the record, so nothing is compared across units. The words are deliberately
soft: "counts usually allow treatment" or "your team may delay or adjust", never a decision.
"""

from __future__ import annotations

import datetime as dt

from nextline.assess._cache import once_per
from nextline.assess._evidence import Cite, Evidence, cites, fmt
from nextline.assess.part_results import BloodCounts, CountValue
from nextline.knowledge.assess_schema import BloodCountRules, CountRule
from nextline.record.record import LabValue, Line, PatientRecord

__all__ = ["BloodCounts", "CountValue"]  # the part's results, kept importable from here

RULE = "blood_counts_before_chemotherapy"


def thresholds_for(
    line: Line | None, rules: BloodCountRules
) -> tuple[dict[str, tuple[CountRule, str]], list[str]]:
    """Per test, the strictest rule over the line's chemotherapy-like drugs (each drug's own
    label rule, or the default), and those drugs' names. Without any: the defaults."""
    per_drug = once_per(rules, "per_drug", lambda: {e.drug: e.rules for e in rules.drugs})
    chemo = [d for d in (line.drugs if line else ()) if d.family in rules.families and d.drug_id]
    chosen: dict[str, tuple[CountRule, str]] = {}
    owners = [(d.drug_id or "", per_drug.get(d.drug_id or "")) for d in chemo] or [("", None)]
    for drug_id, drug_rules in owners:
        applied = drug_rules if drug_rules is not None else rules.default
        owner = drug_id if drug_rules is not None else "default"
        for rule in applied:
            held = chosen.get(rule.test)
            if held is None or rule.min > held[0].min:
                chosen[rule.test] = (rule, owner)
    return chosen, [d.name for d in chemo]


def _latest(record: PatientRecord, test_id: str, day: dt.date) -> LabValue | None:
    """`record.latest_lab`, without first copying every result up to `day` into a tuple."""
    for result in reversed(record.labs_of(test_id)):
        if result.date <= day:
            return result
    return None


def _rule_cites(rule: CountRule) -> tuple[Cite, ...]:
    return once_per(rule, "cites", lambda: cites(rule.sources))


def _unit_words(value: float, unit: str | None) -> str:
    if unit == "10^9/L":
        return f"{fmt(value)} × 10^9/L ({value * 1000:,.0f}/mm3)"
    return f"{fmt(value)} {unit}" if unit else fmt(value)


def assess_blood_counts(
    record: PatientRecord, line: Line | None, rules: BloodCountRules, as_of: dt.date
) -> tuple[BloodCounts, list[Evidence]]:
    """The latest ANC, platelets and hemoglobin on or before `as_of`, read against the
    thresholds of the line's chemotherapy (or the defaults, for reference)."""
    chosen, chemo = thresholds_for(line, rules)
    values: list[CountValue] = []
    for test_id in rules.shown_tests:
        latest = _latest(record, test_id, as_of)
        if latest is None or latest.canonical_value is None:
            continue
        held = chosen.get(test_id)
        rule, owner = held if held else (None, None)
        amount = latest.canonical_value
        values.append(
            CountValue(
                test=test_id,
                name=latest.name,
                value=amount,
                unit=latest.canonical_unit,
                date=latest.date,
                path=latest.path,
                min=rule.min if rule else None,
                below=bool(rule and amount < rule.min),
                threshold_from=owner,
                label_text=rule.label_text if rule else None,
                sources=_rule_cites(rule) if rule else (),
            )
        )
    date = max((v.date for v in values), default=None)
    stale = date is not None and (as_of - date).days > rules.max_age_days
    below = tuple(v.name for v in values if v.below)
    have = {v.test for v in values}
    missing = [test for test in chosen if test not in have]
    # Not judged (None) when the line is not chemotherapy or the counts are old; a low count
    # is read as low even when another count is missing (what is known already says "wait").
    if not chemo or stale or date is None:
        ready: bool | None = None
    elif below:
        ready = False
    else:
        ready = None if missing else True
    message = _message(values, chemo, ready, missing, stale, date, as_of, rules.max_age_days)
    if chemo and line is not None and line.stop is not None and line.stop <= as_of:
        message += f" (That treatment stopped on {line.stop}; these are shown against its limits.)"
    result = BloodCounts(
        date=date,
        ready_for_chemo=ready,
        below_threshold=below,
        line=line.number if line else None,
        chemo_drugs=tuple(chemo),
        values=tuple(values),
        stale=stale,
        message=message,
    )
    evidence = []
    if values:
        evidence.append(
            Evidence(
                kind="blood_counts",
                date=date,
                text=message,
                paths=tuple(v.path for v in values),
                rule=RULE,
                sources=tuple(c for v in values for c in v.sources),
            )
        )
    return result, evidence


def _message(
    values: list[CountValue],
    chemo: list[str],
    ready: bool | None,
    missing: list[str],
    stale: bool,
    date: dt.date | None,
    as_of: dt.date,
    max_age: int,
) -> str:
    if not values:
        return "No blood counts are recorded yet."
    readings = "; ".join(
        f"{v.name} {_unit_words(v.value, v.unit)}"
        + (f", at least {fmt(v.min)} asked for" if v.min is not None else "")
        for v in values
    )
    low = [v for v in values if v.below]
    low_words = ", ".join(f"{v.name} {_unit_words(v.value, v.unit)}" for v in low)
    when = f"Blood counts on {date}: {readings}."
    if not chemo:
        note = (
            " The current or last treatment is not a chemotherapy, so these are shown for "
            "reference only."
        )
        if low:
            note += (
                f" {low_words} {'is' if len(low) == 1 else 'are'} under the level usually "
                "asked for before chemotherapy."
            )
        return when + note
    drugs = ", ".join(chemo)
    # A low count is said first, before anything missing or old: it is what matters most.
    text = when
    if low:
        text += (
            f" {low_words} {'is' if len(low) == 1 else 'are'} under the level the label of "
            f"{drugs} asks for: your team may delay or adjust the next dose."
        )
    if stale:
        return text + (
            f" These counts are more than {max_age} days old on {as_of}; a new blood "
            f"test is usually done before each dose of {drugs}."
        )
    if missing:
        return text + f" Not every count {drugs} needs is recorded ({', '.join(missing)})."
    if ready:
        return text + f" Counts usually allow treatment with {drugs}."
    return text
