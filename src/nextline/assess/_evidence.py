"""What every conclusion carries: the record entries it rests on, the rule, the sources."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Literal

from nextline.assess._format import kept_text
from nextline.assess._value import value
from nextline.knowledge.schema import SourceRef

PointsTo = Literal["working", "not_working", "neither"]
Kind = Literal[
    "recist",
    "line_stop",
    "marker",
    "blood_counts",
    "red_flag",
    "symptom",
    "new_site",
    "side_effect",
    "clinician",
]


@value
class Cite:
    """A source a rule rests on, and the section that says it."""

    id: str
    section: str | None = None


@value
class Evidence:
    """One piece of evidence: what it says (plain words), which record entries, which rule,
    which sources, and which way it points."""

    kind: Kind
    date: dt.date | None
    text: str
    paths: tuple[str, ...]
    rule: str
    sources: tuple[Cite, ...]
    points_to: PointsTo = "neither"
    supporting_only: bool = False


def cites(refs: Iterable[SourceRef]) -> tuple[Cite, ...]:
    """Source refs from the knowledge base as citations, each once, order kept."""
    seen: dict[tuple[str, str | None], Cite] = {}
    for ref in refs:
        seen.setdefault((ref.id, ref.section), Cite(ref.id, ref.section))
    return tuple(seen.values())


def _two_decimals(value: float) -> str:
    """A number as people write it: no trailing .0, at most two decimals."""
    return f"{round(value, 2):g}"


# Each value worked out once per process: lab values come back record after record
# (`assess._format.kept_text`; the text is what `_two_decimals` gave, byte for byte).
fmt = kept_text(_two_decimals)
