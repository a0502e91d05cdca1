"""Where a criterion names a gene or a receptor without asking it of the person.

Two kinds of aside, both seen in MORPHEUS (NCT04802759):

- **A test result that is unavailable**: "Inability to determine ESR1 mutation status",
  "PIK3CA mutation status is unknown", "unknown gBRCA status". The words are about the test
  (missing, failed, not evaluable), not about having the alteration. A gene named there is
  not read as an alteration; the criterion keeps the topic, so the matcher asks about it.
- **The label of a part of the study**: "HbA1c ≥ 6.4 % for the ESR1m enriched Arm only",
  "LVEF < 50 % (HER2-positive cohort only)". The gene or receptor names who the line is for,
  not what the person must have. The label is neither read nor left as a topic: the cohort
  itself states what it requires in its own criteria.

Pure: text in, character spans out.
"""

from __future__ import annotations

import re

Span = tuple[int, int]

# "Inability to determine ...", "unable to confirm ...": the rest of the sentence is about
# a result that could not be had
_CANNOT_FORWARD = re.compile(
    r"\b(?:inability|unable|failure|failed|not able|impossible|cannot|can not|could not)\s+"
    r"(?:to\s+)?(?:determine|confirm|assess|evaluate|establish|obtain|document|ascertain|"
    r"identify|test)\b",
    re.IGNORECASE,
)
# "unknown ESR1 mutation status", "indeterminate or unknown gBRCA status": up to the noun
_UNKNOWN_BEFORE = re.compile(
    r"\b(?:unknown|indeterminate|undetermined|unavailable|missing|inconclusive|non-?evaluable|"
    r"unevaluable)\b[^.;:()]{0,60}?\b(?:status|results?|test(?:ing)?|assessment)\b",
    re.IGNORECASE,
)
# "PIK3CA mutation status is unknown", "testing failed or was not evaluable", "ESR1 status
# cannot be determined": back to the start of the clause
_UNKNOWN_AFTER = re.compile(
    r"\b(?:status|results?|test(?:ing)?|assessment)\s+(?:is\s+|are\s+|was\s+|were\s+|"
    r"remains?\s+|has\s+|have\s+)?(?:unknown|not (?:known|available|evaluable|assessable|"
    r"determined|done|performed|interpretable)|unavailable|indeterminate|undetermined|"
    r"inconclusive|missing|pending|failed|(?:cannot|can not|could not) be (?:determined|"
    r"assessed|evaluated|confirmed))\b",
    re.IGNORECASE,
)
# "PIK3CA mutation could not be assessed", "BRCA1/2 status has not been determined",
# "whose ESR1 is unknown": back to the start of the clause
_NOT_ESTABLISHED = re.compile(
    r"\b(?:not been|never been|(?:cannot|can not|could not) be|not yet been)\s+(?:determined|"
    r"assessed|evaluated|confirmed|tested|established|known)\b|"
    r"\b(?:is|are|was|were|remains?)\s+(?:unknown|indeterminate|undetermined|unavailable|"
    r"not (?:known|evaluable|assessable|available))\b",
    re.IGNORECASE,
)
# "not tested for gBRCA", "untested for PIK3CA": forward to the end of the sentence
_NOT_TESTED_FOR = re.compile(
    r"\b(?:not (?:been )?tested|untested|never tested|no (?:prior )?testing)\s+for\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.;](?:\s|$)")
_CLAUSE_START = re.compile(r"[.;:(,]\s*")

# "for the ESR1m enriched Arm only", "in the PIK3CA-mutant arm", "(HER2-positive cohort only)":
# a few words that name an arm, cohort, group or part, after "the"/"for"/"in" or before "only"
_PART = r"(?:arms?|cohorts?|sub-?groups?|groups?|parts?|strat(?:um|a)|sub-?stud(?:y|ies)|modules?)"
_LABEL_AFTER_DETERMINER = re.compile(
    r"\b(?:the|for|in|into|to|each)\s+(?P<label>(?:[\w+/-]+\s+){1,3}?)" + _PART + r"\b",
    re.IGNORECASE,
)
_ANY_PART = re.compile(r"\b" + _PART + r"\b", re.IGNORECASE)
# found from the part word back (an unanchored search from every position is slow)
_PART_ONLY = re.compile(_PART + r"\s+only\b", re.IGNORECASE)
_WORDS_BEFORE = re.compile(r"(?:[\w+/-]+\s+){1,3}$")


def unknown_result_spans(text: str) -> list[Span]:
    """Spans of `text` about a test result that is unknown, unavailable or failed."""
    spans: list[Span] = []
    for m in (*_CANNOT_FORWARD.finditer(text), *_NOT_TESTED_FOR.finditer(text)):
        end = _SENTENCE_END.search(text, m.end())
        spans.append((m.start(), end.start() if end else len(text)))
    spans += [(m.start(), m.end()) for m in _UNKNOWN_BEFORE.finditer(text)]
    for m in (*_UNKNOWN_AFTER.finditer(text), *_NOT_ESTABLISHED.finditer(text)):
        start = 0
        for b in _CLAUSE_START.finditer(text, 0, m.start()):
            start = b.end()
        spans.append((start, m.end()))
    return spans


def part_label_spans(text: str) -> list[Span]:
    """Spans of `text` that name an arm, cohort or part of the study ("the ESR1m arm")."""
    if not _ANY_PART.search(text):
        return []  # most criteria name no part: one quick search instead of two
    spans = [(m.start("label"), m.end()) for m in _LABEL_AFTER_DETERMINER.finditer(text)]
    for m in _PART_ONLY.finditer(text):
        before = _WORDS_BEFORE.search(text, max(0, m.start() - 80), m.start())
        if before:
            spans.append((before.start(), m.end()))
    return spans


def inside(start: int, end: int, spans: list[Span]) -> bool:
    """Whether the text from `start` to `end` lies within one of `spans`."""
    return any(a <= start and end <= b for a, b in spans)
