"""Disease-site reader: where the cancer must be (or must not only be) for a study built
around one organ: "must have measurable metastatic liver disease", "liver-dominant
disease", "high-risk asymptomatic bone metastases", "measurable disease outside the liver",
and as an exclusion "measurable sites of disease only in the liver".

A `disease_site` constraint names the site and how: present (`("liver",)`), the main site
(`("liver", "dominant")`) or the only site (`("liver", "only")`); `negated` turns "only in
the liver" into "somewhere besides the liver".

Pure: text in, constraints out.
"""

from __future__ import annotations

import re

from nextline.trials.eligibility.models import Constraint
from nextline.trials.eligibility.readers.base import Reading

# words that make a site a side note, not a requirement: lab limits raised for people with
# liver or bone metastases, allowances, conditions
_ASIDE = re.compile(
    r"\bunless\b|\bexcept\b|\bif\b|\ballowed\b|\beligible\b|\bpermitted\b|\bmay\b|"
    r"\bfor (?:patients|participants|subjects|those) with\b|\bin (?:the )?(?:case|presence) of\b|"
    r"\buln\b|upper limit|bilirubin|transaminase|\bast\b|\balt\b|alkaline|hemoglobin|"
    r"haemoglobin|platelet|neutrophil|creatinine|marrow|\bonly\b(?! in the liver)|"
    r"bone[- ]only|\bexclud",
    re.IGNORECASE,
)
# "measurable disease or evaluable bone lesions": the site is one way in among others
_ALTERNATIVE = re.compile(r"\bor\b[^.;]{0,30}\b(?:bone|liver|hepatic)\b", re.IGNORECASE)
_DOMINANT = re.compile(
    r"\b(?P<site>liver|hepatic)[- ](?:dominant|predominant)\b|"
    r"\bpredominant(?:ly)?\s+(?P<site2>liver|hepatic)\b",
    re.IGNORECASE,
)
_PRESENT = re.compile(
    r"\bmeasurable\s+(?:metastatic\s+)?(?P<site>liver|hepatic)\s+(?:disease|metasta\w+)\b|"
    r"\b(?:have|has|with|having|evidence of)\s+(?:(?:\w+|\(\w+\))\s+){0,4}?"
    r"(?P<site2>liver|hepatic|bone)\s+metasta\w+|"
    r"\b(?:high[- ]risk|asymptomatic|painful)\b[^.;]{0,30}?\b(?P<site3>liver|hepatic|bone)\s+"
    r"metasta\w+",
    re.IGNORECASE,
)
_OUTSIDE = re.compile(
    r"\b(?:disease|lesions?|metasta\w+)\s+outside\s+(?:of\s+)?the\s+(?P<site>liver)\b",
    re.IGNORECASE,
)
_ONLY_IN = re.compile(
    r"\b(?:disease|lesions?|metasta\w+)\s+only\s+in\s+the\s+(?P<site>liver)\b|"
    r"\b(?P<site2>liver)[- ]only\s+(?:disease|metasta\w+)\b",
    re.IGNORECASE,
)


def _site(found: re.Match[str]) -> str:
    word = next(v for k, v in found.groupdict().items() if k.startswith("site") and v)
    return "liver" if word.lower() in ("liver", "hepatic") else "bone"


def read_sites(reading: Reading) -> list[Constraint]:
    """Where the disease must be (see the module docstring)."""
    text = reading.text
    if not re.search(r"liver|hepatic|bone|osseous|skeletal", text, re.IGNORECASE):
        return []
    if reading.section == "exclusion":
        only = _ONLY_IN.search(text)
        if only is None:
            return []
        words = only.group(0)
        return [Constraint(type="disease_site", statuses=(_site(only), "only"), words=words)]
    outside = _OUTSIDE.search(text)
    if outside is not None:
        return [
            Constraint(
                type="disease_site",
                statuses=(_site(outside), "only"),
                negated=True,
                words=outside.group(0),
            )
        ]
    if _ASIDE.search(text) or _ALTERNATIVE.search(text):
        return []
    dominant = _DOMINANT.search(text)
    if dominant is not None:
        return [
            Constraint(
                type="disease_site", statuses=(_site(dominant), "dominant"), words=dominant.group(0)
            )
        ]
    present = _PRESENT.search(text)
    if present is not None:
        return [Constraint(type="disease_site", statuses=(_site(present),), words=present.group(0))]
    return []


__all__ = ["read_sites"]
