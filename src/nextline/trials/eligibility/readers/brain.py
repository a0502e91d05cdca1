"""Brain reader: brain, CNS and leptomeningeal metastases, active or any, and the carve-outs
that spare treated, stable metastases.

Pure: text in, mentions out.
"""

from __future__ import annotations

import re

from nextline.trials.eligibility.models import Constraint
from nextline.trials.eligibility.nlp import Mention
from nextline.trials.eligibility.readers.base import Found, Reading

# --- disease -----------------------------------------------------------------------------
BRAIN_RE = re.compile(
    r"\b(?:brain|cns|central nervous system|intracranial|cerebral)\s*(?:\(cns\)\s*)?"
    r"(?:metastas[ie]s|metastatic disease|mets|lesions?|disease|involvement|tumou?rs?)"
    r"|\bleptomeningeal|carcinomatous meningitis",
    re.IGNORECASE,
)
_BRAIN_ACTIVE = re.compile(
    r"\b(?:active|untreated|intact|symptomatic|progressi\w*|unstable|uncontrolled|growing|new|"
    r"requir\w* (?:(?:continuous|ongoing|high|dose|high-dose|systemic)[- ]){0,3}(?:steroids|"
    r"corticosteroids|treatment|immediate)|not (?:been )?(?:treated|stable)"
    r"|not (?:adequately )?controlled)\b",
    re.IGNORECASE,
)
_BRAIN_CARVE_OUT = re.compile(
    r"(?:treated|stable|asymptomatic|controlled|inactive).{0,120}(?:allowed|eligible|permitted|"
    r"may (?:be|participate|enrol)|are not excluded|acceptable|can be)|(?:unless|except|"
    r"provided|if)\b.{0,60}(?:treated|stable|asymptomatic|controlled|inactive)",
    re.IGNORECASE,
)

# "treated or untreated", "whether or not treated", "regardless of treatment": every state,
# so the state words inside do not make it "active"
_ANY_STATE = re.compile(
    r"\b(?:treated (?:or|and/or) untreated|untreated (?:or|and/or) (?:previously )?treated|"
    r"whether (?:or not )?(?:they have been |previously )?treated|regardless of (?:prior )?"
    r"(?:treatment|therapy|whether)|irrespective of (?:prior )?(?:treatment|therapy)|"
    r"(?:stable|active) or (?:unstable|stable|active|inactive)|"
    r"symptomatic or asymptomatic|asymptomatic or symptomatic)\b",
    re.IGNORECASE,
)

# illnesses of the nervous system that are not cancer, named right after "CNS disease"
_NEUROLOGICAL = re.compile(
    r"stroke|epilep|seizure|dementia|alzheimer|parkinson|neurodegenerat|vasculitis|"
    r"multiple sclerosis|encephalitis|cerebrovascular|psychiatric",
    re.IGNORECASE,
)

BRAIN_CONDITIONS = re.compile(
    r"must (?:have been|be) (?:\w+ ){0,2}(?:treated|stable|asymptomatic)|"
    r"(?:if|provided|as long as) (?:they|the|it|brain|cns|lesions?)\b[^.;]{0,60}"
    r"(?:treated|stable|asymptomatic)",
    re.IGNORECASE,
)


def neurological_spans(text: str) -> list[tuple[int, int]]:
    """Where "CNS disease" names an illness of the nervous system that is not the cancer
    ("CNS disease such as stroke or epilepsy"): neither a reading nor a topic to ask."""
    return [
        (m.start(), m.end())
        for m in BRAIN_RE.finditer(text)
        if "metasta" not in m.group(0).lower() and _NEUROLOGICAL.search(text, m.end(), m.end() + 80)
    ]


def find_brain(reading: Reading) -> list[Found]:
    """Brain and leptomeningeal metastases, with their state (active, any)."""
    text = reading.text
    found = []
    carve_out = bool(_BRAIN_CARVE_OUT.search(text))
    neurological = neurological_spans(text)
    for m in BRAIN_RE.finditer(text):
        if (m.start(), m.end()) in neurological:
            continue  # "CNS disease such as stroke or epilepsy": not the cancer
        if "lepto" in m.group(0).lower() or "mening" in m.group(0).lower():
            state = "leptomeningeal"
        else:
            # "any brain lesion thought to require immediate local therapy": the state words
            # may sit a few words after the mention
            near = text[max(0, m.start() - 40) : m.end() + 45]
            steroids = re.search(
                r"steroid|dexamethasone", text[max(0, m.start() - 80) : m.start()], re.I
            )
            # "corticosteroids for symptoms of brain metastases": metastases needing steroids
            state = "active" if (_BRAIN_ACTIVE.search(near) or carve_out or steroids) else "any"
            if _ANY_STATE.search(near):
                state = "any"
        found.append(
            Found(
                Mention(m.start(), m.end(), "BRAIN"),
                Constraint(type="brain_metastases", statuses=(state,), words=m.group(0)),
                extra={"carve_out": carve_out},
            )
        )
    return found[:2]
