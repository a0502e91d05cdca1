"""Goals and trade-offs: the options that fit, side by side with what the person said matters.

Pure. Information for the conversation: how each option is given, how often and where, its
common side effects (from the drug knowledge), and which of them touch what the person wants
to avoid or meet what they prefer. Never a score, a rank or a pick.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from nextline.knowledge import Knowledge
from nextline.knowledge.schema import Drug
from nextline.plan._facts import fitting_options
from nextline.plan._inputs import options_data
from nextline.plan.models import GoalsTradeoffs, TradeoffRow
from nextline.record import PatientRecord

ROUTE_WORDS = {
    "oral": "pill by mouth",
    "iv": "drip into a vein (IV infusion)",
    "subcutaneous": "shot under the skin (injection)",
    "intramuscular": "shot into a muscle (injection)",
    "other": "other",
}
WHERE_WORDS = {
    "oral": "at home",
    "iv": "at a clinic or hospital",
    "subcutaneous": "at a clinic",
    "intramuscular": "at a clinic",
    "other": "ask your team",
}
NOTE = "This table helps you talk with your care team. It does not rank the choices or pick one."

# What a person may say they want to avoid or prefer, and how to tell if an option touches it.
_ROUTE_AVOID = {
    "iv_infusions": {"iv"},
    "infusions": {"iv"},
    "injections": {"subcutaneous", "intramuscular"},
    "frequent_visits": {"iv", "subcutaneous", "intramuscular"},
}
_PREFER_ROUTE = {"oral": {"oral"}, "pills": {"oral"}, "at_home": {"oral"}}


def goals_tradeoffs(
    record: PatientRecord, kb: Knowledge, as_of: dt.date, options: Any = None
) -> GoalsTradeoffs:
    """The person's goals against each option that fits (empty rows when none is known)."""
    goals = record.file.goals
    priorities = tuple(goals.priorities) if goals else ()
    avoid = tuple(goals.avoid) if goals else ()
    prefer = tuple(goals.prefer) if goals else ()
    rows = tuple(
        _row(option, kb, avoid, prefer) for option in fitting_options(options_data(options))
    )
    return GoalsTradeoffs(priorities, avoid, prefer, rows, NOTE)


def _row(
    option: dict[str, Any], kb: Knowledge, avoid: tuple[str, ...], prefer: tuple[str, ...]
) -> TradeoffRow:
    drugs: list[Drug] = []
    for written in option.get("drugs") or []:
        drug = kb.find_drug(str(written))
        if drug is not None and drug not in drugs:
            drugs.append(drug)
    routes: set[str] = {d.route for d in drugs}
    side_effects = tuple(dict.fromkeys(s for d in drugs for s in d.common_side_effects))
    touched = tuple(a for a in avoid if _touches(a, routes, side_effects))
    met = tuple(p for p in prefer if routes and routes <= _PREFER_ROUTE.get(p, set()))
    return TradeoffRow(
        option_id=str(option.get("id")),
        name=str(option.get("name") or option.get("id")),
        drugs=tuple(d.name for d in drugs),
        routes=tuple(dict.fromkeys(ROUTE_WORDS[d.route] for d in drugs)),
        how_often=tuple(f"{d.name}: {d.how_given}" for d in drugs),
        where=tuple(dict.fromkeys(WHERE_WORDS[d.route] for d in drugs)),
        common_side_effects=side_effects,
        wants_to_avoid=touched,
        matches_preference=met,
    )


def _touches(avoid: str, routes: set[str], side_effects: tuple[str, ...]) -> bool:
    if avoid in _ROUTE_AVOID:
        return bool(routes & _ROUTE_AVOID[avoid])
    words = avoid.replace("_", " ").lower()
    key = words.split()[0] if words.split() else words
    if words == "hair loss":
        key = "hair"
    return any(key in effect.lower() for effect in side_effects)


def avoid_words(item: str) -> str:
    """A goals item as words: `hair_loss` -> `hair loss`."""
    return item.replace("_", " ")
