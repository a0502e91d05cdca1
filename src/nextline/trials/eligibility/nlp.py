"""Negation and scope of concepts in a criterion, with medspaCy's ConText.

Why ConText: "No prior CDK4/6 inhibitor", "Prior fulvestrant is allowed", "brain metastases
unless treated and stable" and "If the patient has ER+ disease:" carry the same concept with
four different meanings. ConText (Harkema et al., 2009) finds the trigger words and their
scope in the sentence; the rules below are written for eligibility criteria (the default
rules are made for clinical notes: "any other" and "but" count as negation there).

The pipeline is `spacy.blank("en")` with a sentencizer and ConText: no model is downloaded,
nothing leaves the machine. spaCy and medspaCy are imported here only, on first use.
"""

from __future__ import annotations

import functools
import re
import warnings
from dataclasses import dataclass
from typing import Any

# (literal, category, direction). Categories: NEGATED (the concept is absent / must be
# absent), ALLOWED (the concept is permitted, not required), EXCEPTION (a carve-out),
# CONDITION (the sentence applies only to some people: "if", "for patients with").
_RULES: tuple[tuple[str, str, str], ...] = (
    ("no", "NEGATED", "FORWARD"),
    ("not", "NEGATED", "FORWARD"),
    ("without", "NEGATED", "FORWARD"),
    ("absence of", "NEGATED", "FORWARD"),
    ("free of", "NEGATED", "FORWARD"),
    ("never", "NEGATED", "FORWARD"),
    ("untreated with", "NEGATED", "FORWARD"),
    ("previously untreated", "NEGATED", "FORWARD"),
    ("lack of", "NEGATED", "FORWARD"),
    ("naive to", "NEGATED", "FORWARD"),
    ("naïve to", "NEGATED", "FORWARD"),
    ("negative for", "NEGATED", "FORWARD"),
    ("must not", "PROHIBITED", "FORWARD"),
    ("may not", "PROHIBITED", "FORWARD"),
    ("should not", "PROHIBITED", "FORWARD"),
    ("shouldn't", "PROHIBITED", "FORWARD"),
    ("cannot", "PROHIBITED", "FORWARD"),
    ("can not", "PROHIBITED", "FORWARD"),
    ("shall not", "PROHIBITED", "FORWARD"),
    ("has not", "NEGATED", "FORWARD"),
    ("have not", "NEGATED", "FORWARD"),
    ("not allowed", "NEGATED", "BACKWARD"),
    ("not permitted", "NEGATED", "BACKWARD"),
    ("is excluded", "NEGATED", "BACKWARD"),
    ("are excluded", "NEGATED", "BACKWARD"),
    ("will be excluded", "NEGATED", "BACKWARD"),
    ("not eligible", "NEGATED", "BACKWARD"),
    ("ineligible", "NEGATED", "BACKWARD"),
    ("naive", "NEGATED", "BACKWARD"),
    ("naïve", "NEGATED", "BACKWARD"),
    ("wild-type", "NEGATED", "BACKWARD"),
    ("wild type", "NEGATED", "BACKWARD"),
    ("wildtype", "NEGATED", "BACKWARD"),
    ("not detected", "NEGATED", "BACKWARD"),
    ("allowed", "ALLOWED", "BIDIRECTIONAL"),
    ("permitted", "ALLOWED", "BIDIRECTIONAL"),
    ("eligible", "ALLOWED", "BACKWARD"),
    ("acceptable", "ALLOWED", "BACKWARD"),
    ("may enroll", "ALLOWED", "BACKWARD"),
    ("may be enrolled", "ALLOWED", "BACKWARD"),
    ("may participate", "ALLOWED", "BACKWARD"),
    ("may be included", "ALLOWED", "BACKWARD"),
    ("regardless of", "ALLOWED", "FORWARD"),
    ("no limit", "ALLOWED", "BIDIRECTIONAL"),
    ("not mandatory", "ALLOWED", "BIDIRECTIONAL"),
    ("is optional", "ALLOWED", "BACKWARD"),
    ("no restriction", "ALLOWED", "BIDIRECTIONAL"),
    ("irrespective of", "ALLOWED", "FORWARD"),
    ("with or without", "ALLOWED", "FORWARD"),
    ("may have received", "ALLOWED", "FORWARD"),
    ("may have had", "ALLOWED", "FORWARD"),
    ("may have been", "ALLOWED", "FORWARD"),
    ("can have received", "ALLOWED", "FORWARD"),
    # examples of who may join, not a limit: "mainly but not limited to TNBC", "solid tumors
    # such as TNBC", "(e.g., TNBC, NSCLC)"; the general words before them still count
    ("not limited to", "EXAMPLE", "FORWARD"),
    ("such as", "EXAMPLE", "FORWARD"),
    ("e.g.", "EXAMPLE", "FORWARD"),
    ("e.g", "EXAMPLE", "FORWARD"),
    ("eg", "EXAMPLE", "FORWARD"),
    ("for example", "EXAMPLE", "FORWARD"),
    ("for instance", "EXAMPLE", "FORWARD"),
    ("mainly", "EXAMPLE", "FORWARD"),
    ("primarily", "EXAMPLE", "FORWARD"),
    ("preferably", "EXAMPLE", "FORWARD"),
    ("except", "EXCEPTION", "FORWARD"),
    ("except for", "EXCEPTION", "FORWARD"),
    ("unless", "EXCEPTION", "FORWARD"),
    ("other than", "EXCEPTION", "FORWARD"),
    ("excluding", "EXCEPTION", "FORWARD"),
    ("exclusive of", "EXCEPTION", "FORWARD"),
    ("with the exception of", "EXCEPTION", "FORWARD"),
    ("provided", "EXCEPTION", "FORWARD"),
    ("if", "CONDITION", "FORWARD"),
    ("in case of", "CONDITION", "FORWARD"),
    ("for patients with", "CONDITION", "FORWARD"),
    ("for participants with", "CONDITION", "FORWARD"),
    ("for subjects with", "CONDITION", "FORWARD"),
    ("for patients who", "CONDITION", "FORWARD"),
    ("for participants who", "CONDITION", "FORWARD"),
    ("but", "TERMINATE", "TERMINATE"),
    ("however", "TERMINATE", "TERMINATE"),
    ("and must", "TERMINATE", "TERMINATE"),
    (";", "TERMINATE", "TERMINATE"),
    ("not required", "PSEUDO", "PSEUDO"),
    ("no more than", "PSEUDO", "PSEUDO"),
    ("not more than", "PSEUDO", "PSEUDO"),
    ("no longer than", "PSEUDO", "PSEUDO"),
    ("not exceed", "PSEUDO", "PSEUDO"),
    ("no less than", "PSEUDO", "PSEUDO"),
    ("not less than", "PSEUDO", "PSEUDO"),
    ("no change", "PSEUDO", "PSEUDO"),
    ("not necessary", "PSEUDO", "PSEUDO"),
)


# Mention labels that an example cue ("such as", "e.g.") makes merely allowed.
_EXAMPLE_TYPES = {"RECEPTOR", "GENE", "HER2_ALTERED", "STAGE", "MENO"}

# How many tokens a negation reaches ("no prior chemotherapy or radiotherapy within 4 weeks"
# reaches both treatments; it does not run on through a whole long criterion). Chosen on the
# LCT corpus (docs/parser-evaluation.md).
NEGATION_SCOPE = 8

# The longest criterion read with ConText (a real criterion is a few hundred characters).
MAX_SCOPED_CHARS = 4000


@dataclass(frozen=True, slots=True)
class Mention:
    """A concept found in the text, by character offsets, with a label of the caller's."""

    start: int
    end: int
    label: str


@dataclass(frozen=True, slots=True)
class Scoped:
    """A mention and the ConText categories that modify it."""

    mention: Mention
    categories: frozenset[str]

    @property
    def negated(self) -> bool:
        return "NEGATED" in self.categories

    @property
    def prohibited(self) -> bool:
        """ "must not", "may not": negation in an inclusion, a restatement in an exclusion."""
        return "PROHIBITED" in self.categories

    @property
    def allowed(self) -> bool:
        """Permitted, not required; or named as an example ("such as TNBC")."""
        return bool({"ALLOWED", "EXAMPLE"} & self.categories)

    @property
    def excepted(self) -> bool:
        return "EXCEPTION" in self.categories

    @property
    def conditional(self) -> bool:
        return "CONDITION" in self.categories


@functools.lru_cache(maxsize=1)
def _pipeline() -> Any:
    import spacy
    from medspacy.context import ConText, ConTextRule

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    context = ConText(nlp, rules=None)
    context.add(
        [
            ConTextRule(
                literal,
                category,
                direction=direction,
                max_scope=NEGATION_SCOPE if category == "NEGATED" else None,
                # examples of a therapy class stay alternatives of it ("a CDK4/6 inhibitor such
                # as palbociclib"), read by the therapy reader; examples of cancers, subtypes
                # and genes are not a limit on who may join
                allowed_types=_EXAMPLE_TYPES if category == "EXAMPLE" else None,
            )
            for literal, category, direction in _RULES
        ]
    )
    return nlp, context


def scope(text: str, mentions: list[Mention]) -> list[Scoped]:
    """Each mention with the ConText categories whose scope covers it. Mentions that share
    tokens ("HR+/HER2-" is one token) share the answer of the first of them."""
    if not mentions:
        return []
    if len(text) > MAX_SCOPED_CHARS:
        # spaCy's tokenizer slows down sharply on long runs of brackets; a criterion this long
        # is a pasted document. Mentions past the cap are returned unscoped (no negation).
        inside = [m for m in mentions if m.end <= MAX_SCOPED_CHARS]
        scoped = {id(s.mention): s for s in scope(text[:MAX_SCOPED_CHARS], inside)}
        return [scoped.get(id(m), Scoped(m, frozenset())) for m in mentions]
    nlp, context = _pipeline()
    doc = nlp.make_doc(text)
    spans = []
    placed: list[tuple[Mention, tuple[int, int] | None]] = []
    taken: dict[int, tuple[int, int]] = {}
    for mention in sorted(mentions, key=lambda m: (m.start, -m.end)):
        span = doc.char_span(
            mention.start, mention.end, label=mention.label, alignment_mode="expand"
        )
        if span is None:
            placed.append((mention, None))
            continue
        overlap = next((taken[i] for i in range(span.start, span.end) if i in taken), None)
        if overlap is not None:
            placed.append((mention, overlap))
            continue
        key = (span.start, span.end)
        for i in range(span.start, span.end):
            taken[i] = key
        spans.append(span)
        placed.append((mention, key))
    doc.ents = spans
    for _, component in nlp.pipeline:
        doc = component(doc)
    with warnings.catch_warnings():
        # medspaCy warns that its (unused) target matcher has no patterns: we give it spans
        warnings.simplefilter("ignore", UserWarning)
        doc = context(doc)
    brackets = _bracket_spans(text)
    found: dict[tuple[int, int], frozenset[str]] = {
        (ent.start, ent.end): frozenset(
            m.category
            for m in ent._.modifiers
            if not _aside_elsewhere(doc, m.modifier_span, ent, m.category, brackets)
        )
        for ent in doc.ents
    }
    return [
        Scoped(mention, found.get(key, frozenset()) if key is not None else frozenset())
        for mention, key in placed
    ]


# Categories whose cue, written inside brackets, speaks only about the words in the same
# brackets: "Endocrine therapy within 2 weeks (ongoing GnRH agonist is permitted)" allows the
# GnRH agonist, not the endocrine therapy outside. (An "unless" or "if" in brackets often
# does bind the words before it, "brain metastases (unless treated)", so those keep their
# reach.)
_BRACKETED_ONLY = frozenset({"ALLOWED"})
_OPEN_CLOSE = re.compile(r"[()]")


def _bracket_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of each innermost-to-outermost bracketed aside "( ... )"."""
    spans: list[tuple[int, int]] = []
    stack: list[int] = []
    for m in _OPEN_CLOSE.finditer(text):
        if m.group(0) == "(":
            stack.append(m.start())
        elif stack:
            spans.append((stack.pop(), m.end()))
    return spans


def _aside_elsewhere(
    doc: Any, cue: tuple[int, int], ent: Any, category: str, brackets: list[tuple[int, int]]
) -> bool:
    """Whether a cue sits in brackets that do not also hold the mention (see
    `_BRACKETED_ONLY`)."""
    if category not in _BRACKETED_ONLY or not brackets:
        return False
    cue_start, cue_end = doc[cue[0]].idx, doc[cue[1] - 1].idx + len(doc[cue[1] - 1])
    ent_start, ent_end = ent.start_char, ent.end_char
    return any(
        a <= cue_start and cue_end <= b and not (a <= ent_start and ent_end <= b)
        for a, b in brackets
    )
