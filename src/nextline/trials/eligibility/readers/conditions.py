"""Other-conditions reader: exclusions for HIV, hepatitis B and another cancer ("Known
positive test for HIV", "Active hepatitis B", "Second primary malignancy that has not been in
remission for greater than 3 years", "Concurrent active or previous malignancy").

A `comorbidity` constraint names the condition (`hiv`, `hepatitis_b`, `other_cancer`), adds
`active` when the exclusion is only for an active or uncontrolled infection (the study team
judges that), and carries a window in days for another cancer ("within 3 years").
Exclusions only: an inclusion about HIV states who may join despite it.

Pure: text in, constraints out.
"""

from __future__ import annotations

import re

from nextline.trials.eligibility.models import Constraint
from nextline.trials.eligibility.readers.base import Reading

_HIV = re.compile(r"\b(?:hiv|human immunodeficiency virus)\b", re.IGNORECASE)
_HBV = re.compile(r"\bhepatitis b\b|\bhbv\b", re.IGNORECASE)
_OTHER_CANCER = re.compile(
    r"\b(?:second(?:ary)?|other|another|prior|previous|concurrent|additional|history of)\s+"
    # the words between name the cancer ("invasive non study"), never a treatment of it
    r"(?:(?!therap|treat|radiat|surger|chemo|for\b)(?:\w+|\(\w+\))\s+){0,4}?"
    r"(?:malignanc(?:y|ies)|cancers?|primary (?:tumou?r|cancer))\b",
    re.IGNORECASE,
)
_ACTIVE = re.compile(
    r"\b(?:active|uncontrolled|untreated|detectable|replicating|viral load|viremia|"
    r"requiring (?:treatment|therapy)|not (?:on|receiving)|opportunistic)\b",
    re.IGNORECASE,
)
# "Patients with HIV are eligible if ...", "is allowed": who may join despite it
_ALLOWED = re.compile(
    r"(?<!not )\b(?:eligible|allowed|permitted|may (?:be )?(?:enrolled|included|participate))\b",
    re.IGNORECASE,
)
_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "ten": 10}
_YEARS = re.compile(
    r"(?:within|in) (?:the )?(?:last |past |previous |prior )?(?P<a>\d{1,2}|one|two|three|four|"
    r"five|ten) years|"
    r"(?:disease[- ]free|in remission|remission|no evidence of disease)\s+(?:for\s+)?"
    r"(?:at least |≥\s*|>\s*|greater than |more than |over )?(?P<b>\d{1,2}|one|two|three|four|"
    r"five|ten)\s+years|"
    r"(?P<c>\d{1,2}|one|two|three|four|five|ten) years (?:prior|before|preceding)",
    re.IGNORECASE,
)


def _years(text: str) -> int | None:
    found = _YEARS.search(text)
    if found is None:
        return None
    word = next(v for v in found.groupdict().values() if v)
    return int(word) if word.isdigit() else _WORD_NUMBERS[word.lower()]


def read_conditions(reading: Reading) -> list[Constraint]:
    """HIV, hepatitis B and another cancer as exclusions (see the module docstring)."""
    text = reading.text
    if reading.section != "exclusion" or _ALLOWED.search(text):
        return []
    out: list[Constraint] = []
    active = ("active",) if _ACTIVE.search(text) else ()
    for name, pattern in (("hiv", _HIV), ("hepatitis_b", _HBV)):
        found = pattern.search(text)
        if found is not None:
            out.append(
                Constraint(type="comorbidity", statuses=(name, *active), words=found.group(0))
            )
    other = _OTHER_CANCER.search(text)
    if other is not None and not re.search(r"\bbreast\b", other.group(0), re.IGNORECASE):
        years = _years(text)
        out.append(
            Constraint(
                type="comorbidity",
                statuses=("other_cancer",),
                within_days=years * 365 if years is not None else None,
                words=other.group(0),
            )
        )
    return out


__all__ = ["read_conditions"]
