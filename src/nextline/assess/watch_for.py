"""What to watch for on the treatment that is running: each drug's serious side effects (its
label's warnings, in plain words) and the red flags that drug makes urgent. Pure.

Why always shown: a warning read only when a symptom is already recorded comes too late. The
person on trastuzumab deruxtecan should know before any cough that a new cough or
breathlessness means calling the team the same day (the label's boxed warning), whether or
not lung disease is on record.
"""

from __future__ import annotations

import datetime as dt

from nextline.assess._cache import once_per
from nextline.assess._evidence import Cite, cites
from nextline.assess._value import value
from nextline.knowledge import Knowledge
from nextline.knowledge.assess_schema import OnTreatmentCondition, RedFlag
from nextline.knowledge.schema import SourceRef
from nextline.record.record import DrugRef, Line


@value
class WatchFor:
    """For one running drug: its serious side effects, and what to report at once."""

    drug: str
    serious_side_effects: tuple[str, ...]
    report_at_once: tuple[str, ...]
    sources: tuple[Cite, ...]


def _flags_for(drug: DrugRef, flags: list[RedFlag]) -> list[RedFlag]:
    """The red flags whose rules name this drug (by id, class or family)."""
    out = []
    for flag in flags:
        for rule in flag.rules:
            conditions = [c for group in rule.when for c in group]
            if any(
                isinstance(c, OnTreatmentCondition)
                and c.names(drug.drug_id, drug.family, drug.classes)
                for c in conditions
            ):
                out.append(flag)
                break
    return out


def watch_for(record_line: Line | None, kb: Knowledge, as_of: dt.date) -> tuple[WatchFor, ...]:
    """One item per drug of the line running on `as_of` (none when nothing runs)."""
    if record_line is None or (record_line.stop is not None and record_line.stop <= as_of):
        return ()
    # A drug's item depends on the drug and the knowledge base alone: worked out once per
    # knowledge base and drug (matching every red flag rule per drug per record was a tenth
    # of `bench/bench_assess.py`). Keyed by everything `_item` reads of the drug.
    held: dict[tuple[str, str | None, frozenset[str]], WatchFor | None] = once_per(
        kb, "watch_for", dict
    )
    out: list[WatchFor] = []
    seen: set[str] = set()
    for entry in record_line.entries:
        for drug in entry.drugs:
            if drug.drug_id is None or drug.drug_id in seen:
                continue
            seen.add(drug.drug_id)
            key = (drug.drug_id, drug.family, drug.classes)
            if key in held:
                item = held[key]
            else:
                item = held[key] = _item(drug, drug.drug_id, kb)
            if item is not None:
                out.append(item)
    return tuple(out)


def _item(drug: DrugRef, drug_id: str, kb: Knowledge) -> WatchFor | None:
    """What to watch for on one drug; None when the knowledge base says nothing about it."""
    known = kb.drugs.get(drug_id)
    if known is None:
        return None
    know = kb.assess
    related = _flags_for(drug, know.red_flags if know else [])
    if not (known.serious_side_effects or related):
        return None
    refs: list[SourceRef] = [
        ref
        for ref in known.sources
        if ref.section and ("warning" in ref.section.lower() or "adverse" in ref.section.lower())
    ] or list(known.sources[:1])
    for flag in related:
        refs += [r for r in flag.sources if r.id == f"fda_label_{drug_id}"]
    return WatchFor(
        drug=known.name,
        serious_side_effects=tuple(known.serious_side_effects),
        report_at_once=tuple(flag.name for flag in related),
        sources=cites(refs),
    )
