"""What the concept readers hand to the pipeline: a mention in the text with the
constraint it would mean, before medspaCy's ConText decides whether it is negated, merely
allowed, an exception or a condition; and what every reader is given (`Reading`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nextline.knowledge import Knowledge
from nextline.trials.eligibility.models import Constraint, Section
from nextline.trials.eligibility.nlp import Mention


@dataclass(frozen=True, slots=True)
class Reading:
    """One criterion as every reader sees it. `claimed` holds spans an earlier reader has
    read (a count of lines, "2 prior endocrine therapies"), which a later reader must not
    read again as a therapy name."""

    text: str
    section: Section
    kb: Knowledge
    claimed: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Found:
    """A concept mention with what it means, before ConText has judged it."""

    mention: Mention
    constraint: Constraint
    extra: dict[str, Any] = field(default_factory=dict)
