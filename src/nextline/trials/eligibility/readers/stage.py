"""Stage reader: early (stage I-III, non-metastatic, DCIS) or advanced (metastatic,
unresectable, stage IV) disease, in inclusions; metastatic disease as an exclusion.

Pure: text in, mentions out.
"""

from __future__ import annotations

import re

from nextline.trials.eligibility.models import Constraint
from nextline.trials.eligibility.nlp import Mention
from nextline.trials.eligibility.readers.base import Found, Reading
from nextline.trials.kind import ANY_STAGE

_EARLY_RE = re.compile(
    r"\bstage\s+(?:0|i{1,3}|[1-3])[abc]?(?!\s*(?:-|–|to|through|or)?\s*(?:iv|4))(?![v\d])|"
    r"non-?metastatic|not metastatic|(?:no|without) (?:clinical |radiologic\w* )?(?:evidence of )?"
    r"(?:distant )?metasta\w+|"
    r"\bm0\b|early[- ]stage|early breast cancer|\boperable breast|localized breast|"
    r"candidates? for (?:neo)?adjuvant|ductal carcinoma in situ|\bdcis\b",
    re.IGNORECASE,
)
_ADVANCED_RE = re.compile(
    r"\b(?:metastatic|advanced|unresectable|inoperable|stage\s+iv|stage\s+4)\b", re.IGNORECASE
)
_METASTATIC_EXCLUSION = re.compile(
    r"(?:distant|systemic|visceral) metasta|\bstage iv\b|metastatic (?:breast )?(?:cancer|"
    r"disease)|de novo metastatic|evidence of metasta",
    re.IGNORECASE,
)
_NOT_STAGE_CONTEXT = re.compile(
    r"brain|cns|central nervous|lepto|bone[- ]only|spinal|other (?:malignanc|cancer)|"
    r"second(?:ary)? (?:malignanc|cancer)|prior malignanc|another",
    re.IGNORECASE,
)

# an exclusion is about having the spread only when the words before it say just that
# ("Known metastatic disease", "Patients with evidence of distant metastases"); otherwise
# the spread is the object of something else ("Inability to obtain histologic proof of
# metastatic breast cancer", "Concurrent participation in a trial for metastatic breast
# cancer", "Progressing or untreated extra-hepatic metastatic disease")
_HAVING_SPREAD = re.compile(
    r"^\W*(?:(?:patients?|participants?|subjects?|women|men|those|who|with|have|has|having|"
    r"had|known|any|presence|of|clinical(?:ly)?|radiologic(?:al)?(?:ly)?|confirmed|documented|"
    r"diagnosis|diagnosed|history|evidence|current|prior|previous|or|and|a|the|de novo|"
    r"suspected|definitive|overt|frank|distant|systemic|visceral|m1)\b\W*)*$",
    re.IGNORECASE,
)

_STAGE_HINT = re.compile(
    r"metasta|advanced|unresectable|inoperable|stage|\bm0\b|early|"
    r"operable|locali[sz]ed|adjuvant|dcis|in situ",
    re.IGNORECASE,
)


# "de novo metastatic disease", "stage IV at first diagnosis": spread already when the cancer
# was found. Read only where no relapse is offered as another way in ("de novo, or relapsed
# after ...", unless the alternatives were split apart first), which would make it everyone's
# requirement
_DE_NOVO_RE = re.compile(
    r"de[- ]?novo\s+(?:stage\s+iv|metastatic|advanced|mbc|abc|(?:\w+\s+){0,3}?(?:metastatic|"
    r"advanced) (?:breast cancer|disease))|(?:metastatic|stage iv)[^.;]{0,40}?\bat (?:the time of "
    r")?(?:initial |first |primary )?diagnosis",
    re.IGNORECASE,
)
_RELAPSE_ALTERNATIVE = re.compile(r"relaps|recurr", re.IGNORECASE)


def find_stage(reading: Reading) -> list[Found]:
    """Early or advanced disease (see the module docstring)."""
    text, section = reading.text, reading.section
    out: list[Found] = []
    de_novo = _DE_NOVO_RE.search(text)
    if de_novo and section == "inclusion" and not _RELAPSE_ALTERNATIVE.search(text):
        return [
            Found(
                Mention(de_novo.start(), de_novo.end(), "STAGE"),
                Constraint(type="disease_stage", statuses=("de_novo",), words=de_novo.group(0)),
            )
        ]
    if not _STAGE_HINT.search(text) or _NOT_STAGE_CONTEXT.search(text):
        return out
    if ANY_STAGE.search(text):
        return out  # "Stage I, II, III, or IV": every stage, so no stage requirement
    if section == "inclusion":
        early = _EARLY_RE.search(text)
        advanced_first = _ADVANCED_RE.search(text)
        if early and advanced_first and advanced_first.start() < early.start():
            # "metastatic breast cancer ... (documented on early-stage or metastatic
            # samples)": the early words describe something else
            early = None
        if early:
            out.append(
                Found(
                    Mention(early.start(), early.end(), "STAGE"),
                    Constraint(type="disease_stage", statuses=("early",), words=early.group(0)),
                )
            )
            return out
        advanced = _ADVANCED_RE.search(text)
        if advanced and re.search(
            r"cancer|carcinoma|disease|tumou?r|\bmbc\b|\babc\b", text, re.IGNORECASE
        ):
            out.append(
                Found(
                    Mention(advanced.start(), advanced.end(), "STAGE"),
                    Constraint(
                        type="disease_stage", statuses=("advanced",), words=advanced.group(0)
                    ),
                )
            )
    else:
        m = _METASTATIC_EXCLUSION.search(text)
        if m and len(text.split()) <= 25 and _HAVING_SPREAD.match(text[: m.start()]):
            out.append(
                Found(
                    Mention(m.start(), m.end(), "STAGE"),
                    Constraint(type="disease_stage", statuses=("advanced",), words=m.group(0)),
                )
            )
    return out
