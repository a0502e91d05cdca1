"""Measurable-disease reader: an inclusion asking for measurable disease (RECIST 1.1), but
not one that also accepts evaluable or bone-only disease.

Pure: text in, mentions out.
"""

from __future__ import annotations

import re

from nextline.trials.eligibility.models import Constraint
from nextline.trials.eligibility.nlp import Mention
from nextline.trials.eligibility.readers.base import Found, Reading

_MEASURABLE_RE = re.compile(r"\bmeasurable\b", re.IGNORECASE)
_NOT_STRICTLY_MEASURABLE = re.compile(
    r"non-?measurable|evaluable|bone[- ]only|or not measurable|measurable or", re.IGNORECASE
)
# "bone-only disease allowed if a soft-tissue part / lytic lesion is measurable": still
# asks for something measurable
_BONE_ONLY_IF_MEASURABLE = re.compile(
    r"bone[- ]only[^.;]{0,80}\b(?:if|provided|as long as|when|only if)\b[^.;]{0,80}measurable",
    re.IGNORECASE,
)


def find_measurable(reading: Reading) -> list[Found]:
    """An inclusion asking for measurable disease (strictly: not "measurable or evaluable")."""
    text = reading.text
    m = _MEASURABLE_RE.search(text)
    if (
        m is None
        or reading.section != "inclusion"
        or (_NOT_STRICTLY_MEASURABLE.search(text) and not _BONE_ONLY_IF_MEASURABLE.search(text))
    ):
        return []
    return [
        Found(
            Mention(m.start(), m.end(), "MEASURABLE"),
            Constraint(type="measurable_disease", words=m.group(0)),
        )
    ]
