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


# "measurable disease or bone-only disease": either is enough (but "measurable or
# evaluable" lets in anyone with metastases, so it is not read at all)
_OR_BONE_ONLY = re.compile(
    r"measurable[^.;]{0,80}?\bor\b[^.;]{0,40}?bone[- ]only|"
    r"bone[- ]only[^.;]{0,60}?\bor\b[^.;]{0,60}?measurable",
    re.IGNORECASE,
)
_EVALUABLE = re.compile(r"non-?measurable|evaluable|or not measurable", re.IGNORECASE)
# bone-only disease accepted only of one kind ("with a lytic lesion"): the record cannot say
_BONE_QUALIFIED = re.compile(r"lytic|blastic|sclerotic|mixed|soft[- ]tissue", re.IGNORECASE)


# "measurable disease or evaluable bone lesions", "... or non-measurable bone disease": any
# bone metastasis is the other way in, bone-only or not
_OR_BONE_LESIONS = re.compile(
    r"measurable(?:[^.;]|\.\d){0,80}?\bor\b[^.;]{0,30}?(?:evaluable|non-?measurable|assessable)\s+"
    r"(?:\w+\s+){0,2}?(?:bone|osseous|skeletal)\s+(?:lesions?|disease|metasta\w*)",
    re.IGNORECASE,
)
# "patients with bone-only disease are not eligible": still strictly measurable
_BONE_ONLY_BARRED = re.compile(
    r"bone[- ]only[^.;]{0,60}?\b(?:(?:is|are) (?:not eligible|ineligible|excluded|not "
    r"allowed|not permitted)|not eligible)",
    re.IGNORECASE,
)
# an exclusion of bone-only disease ("bone-only non-measurable disease"), not of something
# that merely mentions it
_BONE_ONLY_EXCLUDED = re.compile(
    r"^\W*(?:(?:patients|participants|subjects) with\s+)?(?:(?:non-?measurable|"
    r"non-?evaluable)\s*,?\s*)?bone[- ]only\b(?:\s*,?\s*(?:non-?measurable|"
    r"non-?evaluable))?(?:\s+(?:metastatic\s+)?(?:disease|metastas[ie]s|lesions?))?"
    r"(?:\s+(?:only|\(?without (?:any )?(?:measurable|visceral|soft[- ]tissue) (?:disease|"
    r"lesions?)\)?))?\W*$",
    re.IGNORECASE,
)


def find_measurable(reading: Reading) -> list[Found]:
    """An inclusion asking for measurable disease (strictly: not "measurable or evaluable");
    "measurable or bone-only" is read with bone-only disease as the other way in,
    "measurable or evaluable bone lesions" with any bone metastasis. An exclusion of
    bone-only disease is read as that."""
    text = reading.text
    if reading.section == "exclusion":
        bone_only = _BONE_ONLY_EXCLUDED.match(text)
        if bone_only is None:
            return []
        return [
            Found(
                Mention(0, len(text), "MEASURABLE"),
                Constraint(
                    type="measurable_disease", statuses=("is_bone_only",), words=text.strip()
                ),
            )
        ]
    m = _MEASURABLE_RE.search(text)
    if m is None or reading.section != "inclusion":
        return []
    if _OR_BONE_LESIONS.search(text):
        bone = "bone_qualified" if _BONE_QUALIFIED.search(text) else "bone"
        return [
            Found(
                Mention(m.start(), m.end(), "MEASURABLE"),
                Constraint(
                    type="measurable_disease", statuses=("measurable", bone), words=m.group(0)
                ),
            )
        ]
    if _BONE_ONLY_BARRED.search(text) and not _EVALUABLE.search(text):
        return [
            Found(
                Mention(m.start(), m.end(), "MEASURABLE"),
                Constraint(type="measurable_disease", words=m.group(0)),
            )
        ]
    if (
        _OR_BONE_ONLY.search(text)
        and not _EVALUABLE.search(text)
        and not _BONE_ONLY_IF_MEASURABLE.search(text)
    ):
        bone = "bone_only_qualified" if _BONE_QUALIFIED.search(text) else "bone_only"
        return [
            Found(
                Mention(m.start(), m.end(), "MEASURABLE"),
                Constraint(
                    type="measurable_disease", statuses=("measurable", bone), words=m.group(0)
                ),
            )
        ]
    if _NOT_STRICTLY_MEASURABLE.search(text) and not _BONE_ONLY_IF_MEASURABLE.search(text):
        return []
    return [
        Found(
            Mention(m.start(), m.end(), "MEASURABLE"),
            Constraint(type="measurable_disease", words=m.group(0)),
        )
    ]
