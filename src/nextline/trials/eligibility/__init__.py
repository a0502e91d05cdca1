"""Eligibility criteria: split a trial's text into inclusion and exclusion criteria and read
each into structured constraints (`parse_eligibility`). The result is serialisable, so the
catalog parses each trial once, at load, and stores it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from nextline.knowledge import Knowledge
from nextline.trials.eligibility.models import (
    KEY_TYPES,
    Constraint,
    Criterion,
    ParsedEligibility,
    describe_constraint,
)

if TYPE_CHECKING:
    from nextline.trials.models import Trial

PARSER_VERSION = 8


@dataclass(frozen=True, slots=True)
class CriterionMeaning:
    """One criterion as written and, when it could be read, its meaning in short words."""

    section: str
    text: str
    type: str
    meaning: str | None  # None: kept as text, answered "unknown" when matching
    cohort: str | None  # set when it applies only to part of the study
    unread_topics: tuple[str, ...]


__all__ = [
    "KEY_TYPES",
    "PARSER_VERSION",
    "Constraint",
    "Criterion",
    "CriterionMeaning",
    "ParsedEligibility",
    "describe_constraint",
    "describe_criteria",
    "parse_eligibility",
    "parse_trial",
]


def parse_eligibility(text: str, kb: Knowledge | None = None) -> ParsedEligibility:
    """Split `text` (a trial's raw eligibility criteria) and read every criterion."""
    from nextline.knowledge import load_knowledge
    from nextline.trials.eligibility.extract import read_criterion
    from nextline.trials.eligibility.lists import join_indication_lists
    from nextline.trials.eligibility.split import split_criteria

    kb = kb or load_knowledge()
    raw, unsectioned = split_criteria(text)
    return ParsedEligibility(
        version=PARSER_VERSION,
        criteria=join_indication_lists(raw, [read_criterion(item, kb) for item in raw]),
        unsectioned=unsectioned,
    )


def parse_trial(trial: Trial, kb: Knowledge | None = None) -> ParsedEligibility:
    """A trial's criteria text, read, plus the criteria its study record states (the cancer
    types it is for, a subtype named in its title or conditions, age and sex limits).

    A study whose conditions name only other cancers (not breast, not "solid tumors") is
    not for anyone nextline serves: its criteria are split but not read, which keeps
    loading a whole oncology catalog fast; `parse_eligibility` reads any text in full.
    """
    from nextline.knowledge import load_knowledge
    from nextline.trials.eligibility.split import split_criteria
    from nextline.trials.eligibility.study_record import condition_constraint, study_record_criteria

    kb = kb or load_knowledge()
    record = study_record_criteria(trial, kb)
    if condition_constraint(trial).statuses == ("other",):
        raw, unsectioned = split_criteria(trial.eligibility_text)
        text_only = tuple(
            Criterion(text=r.text, section=r.section, group=r.group, cohort=r.cohort) for r in raw
        )
        return ParsedEligibility(
            version=PARSER_VERSION, criteria=(*record, *text_only), unsectioned=unsectioned
        )
    parsed = parse_eligibility(trial.eligibility_text, kb)
    return parsed.model_copy(update={"criteria": (*record, *parsed.criteria)})


def describe_criteria(trial: Trial, kb: Knowledge | None = None) -> list[CriterionMeaning]:
    """Each criterion of a trial with what nextline read in it, for `trials show`."""
    parsed = parse_trial(trial, kb)
    out = []
    for criterion in parsed.criteria:
        meanings = [" and ".join(c.describe() for c in group) for group in criterion.groups]
        out.append(
            CriterionMeaning(
                section=criterion.section,
                text=criterion.text,
                type=criterion.type,
                meaning=" — or — ".join(meanings) if meanings else None,
                cohort=criterion.cohort,
                unread_topics=criterion.topics,
            )
        )
    return out
