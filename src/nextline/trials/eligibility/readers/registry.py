"""The one table of criterion readers, in the order they run.

Two kinds of reader: a *concept* reader finds mentions (a receptor, a gene, a therapy, brain
metastases...) whose meaning medspaCy's ConText then judges (negated, merely allowed, an
exception, a condition); a *value* reader reads numbers with their comparison directly
(lines, performance status, labs, age) and returns constraints. The order is explicit
because it matters: the lines reader claims "2 prior endocrine therapies" before the therapy
reader looks for therapy names, and value constraints keep their order in the result.

To add a family: write one module in this package with a `find_*` or `read_*` function taking
a `Reading`, and add one row here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from nextline.trials.eligibility.models import Constraint
from nextline.trials.eligibility.readers.alterations import find_alterations
from nextline.trials.eligibility.readers.base import Found, Reading
from nextline.trials.eligibility.readers.brain import find_brain
from nextline.trials.eligibility.readers.conditions import read_conditions
from nextline.trials.eligibility.readers.labs import read_labs
from nextline.trials.eligibility.readers.lines import read_lines
from nextline.trials.eligibility.readers.measurable import find_measurable
from nextline.trials.eligibility.readers.performance import read_performance
from nextline.trials.eligibility.readers.person import (
    find_menopause,
    read_age,
    read_sex,
    read_since_diagnosis,
)
from nextline.trials.eligibility.readers.receptors import find_receptors
from nextline.trials.eligibility.readers.sites import read_sites
from nextline.trials.eligibility.readers.stage import find_stage
from nextline.trials.eligibility.readers.therapies import find_therapies
from nextline.trials.eligibility.refractory import standard_options_constraint

FindMentions = Callable[[Reading], list[Found]]
ReadValues = Callable[[Reading], list[Constraint]]


@dataclass(frozen=True, slots=True)
class Reader:
    """One family's reader: exactly one of `find` (concepts) or `read` (values)."""

    name: str
    find: FindMentions | None = None
    read: ReadValues | None = None


def read_standard_options(reading: Reading) -> list[Constraint]:
    """ "No standard therapy available", in an inclusion (see `refractory.py`)."""
    if reading.section != "inclusion":
        return []
    found = standard_options_constraint(reading.text)
    return [] if found is None else [found]


# "a genomic tumor test has not been ordered or has been ordered but not resulted", "no prior
# NGS testing": the study is for people whose tumour has not been profiled yet
_PROFILING = re.compile(
    r"\b(?:genomic|molecular|genetic|ngs|next[- ]generation sequencing|comprehensive genomic)\b"
    r"[^.;]{0,40}?\b(?:tumou?r )?(?:test(?:ing)?|profil\w*|sequencing|panel)\b",
    re.IGNORECASE,
)
_NOT_YET = re.compile(
    r"\b(?:has|have) not (?:yet )?been (?:ordered|performed|done|resulted|completed)|"
    r"not (?:yet )?resulted|\bno (?:prior|previous) (?:ngs|genomic|molecular)",
    re.IGNORECASE,
)


def read_tumor_profiling(reading: Reading) -> list[Constraint]:
    """A tumour profile not done yet (negated) or required (inclusion only)."""
    if reading.section != "inclusion":
        return []
    profiling = _PROFILING.search(reading.text)
    if profiling is None or _NOT_YET.search(reading.text) is None:
        return []
    return [Constraint(type="tumor_profiling", negated=True, words=profiling.group(0))]


READERS: tuple[Reader, ...] = (
    Reader("receptors", find=find_receptors),
    Reader("alterations", find=find_alterations),
    Reader("lines", read=read_lines),  # before therapies: claims the counted words
    Reader("therapies", find=find_therapies),
    Reader("brain", find=find_brain),
    Reader("stage", find=find_stage),
    Reader("menopause", find=find_menopause),
    Reader("measurable", find=find_measurable),
    Reader("sites", read=read_sites),
    Reader("standard_options", read=read_standard_options),
    Reader("tumor_profiling", read=read_tumor_profiling),
    Reader("performance", read=read_performance),
    Reader("labs", read=read_labs),
    Reader("conditions", read=read_conditions),
    Reader("age", read=read_age),
    Reader("sex", read=read_sex),
    Reader("since_diagnosis", read=read_since_diagnosis),
)
