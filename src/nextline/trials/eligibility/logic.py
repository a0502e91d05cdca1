"""The small grammar above single mentions: where a criterion offers two histories as
alternatives ("at least one line of anti-HER2 therapy for metastatic disease, or relapse
within 6 months of adjuvant anti-HER2 therapy"), each side is read on its own and either
one is enough.

Why: reading the whole sentence at once joins every mention with "and", so a person who
fits the first half fails on the second. Only a top-level "or" that starts a new clause
(a verb or a history word, outside brackets) splits; "ER or PR positive", lists of drugs and
"IHC 1+ or 2+" stay whole and are read by the receptor and therapy readers.

Pure: text in, text out.
"""

from __future__ import annotations

import re

_CLAUSE_OR = re.compile(
    r"(?:,\s*|\s+)or\s+(?:\(\w\)\s*|\b\w\)\s*)?"
    r"(?=(?:have |has |had |who |with |patients? |participants? )?"
    r"(?:relapsed|relapse|recurred|recurrence|progressed|progression|received|completed|"
    r"(?:documented )?(?:disease )?progression|at least|prior|previous(?:ly)?|"
    r"been treated|treated|intoleran|refractory|ineligible|not (?:be )?(?:a )?candidates?|"
    r"de novo)\b)",
    re.IGNORECASE,
)


# "1) ... or 2) ...": an item number's bracket opens nothing
_ENUMERATOR = re.compile(r"(?:^|(?<=\s))\w\)")


def _depth_at(text: str, index: int) -> int:
    head = _ENUMERATOR.sub("", text[:index])
    return head.count("(") - head.count(")")


def split_alternatives(text: str) -> list[str]:
    """The clauses of a criterion joined by a top-level "or" (see the module docstring);
    one item when there is no such "or"."""
    cuts = [m for m in _CLAUSE_OR.finditer(text) if _depth_at(text, m.start()) == 0]
    if not cuts:
        return [text]
    parts = []
    start = 0
    for m in cuts:
        parts.append(text[start : m.start()].strip(" ,;"))
        start = m.end()
    parts.append(text[start:].strip(" ,;."))
    return [p for p in parts if len(p.split()) >= 3] or [text]


_SENTENCE = re.compile(r"(?<=[.;])\s+(?=[A-Z(•*-])")
# A sentence that applies only to some people ("ER+ patients must have progressed on ...",
# "If premenopausal, ...", "For participants with HER2-positive disease: ...") or that only
# allows something ("patients relapsing on adjuvant tamoxifen are eligible"): neither limits
# everyone, so neither is read as a requirement of the whole criterion.
_CONDITIONAL = re.compile(
    r"^\W*(?:if\b|for (?:patients|participants|subjects|women|men|those)\b|in (?:patients|"
    r"participants|subjects)\b|(?:[\w+/()-]+\s+){1,6}(?:patients|participants|subjects|women|"
    r"men)\s+(?:must|should|need to|are required to|will need)\b|"
    # "Patients with KRAS G12C mutations must have had ...": binds only those patients
    r"(?:patients|participants|subjects|those|women|men) (?:with|who (?:have|has)|whose)\b"
    r"[^.;]{0,80}?\b(?:must|should|need to|are required to|will need)\b)",
    re.IGNORECASE,
)
_ALLOWANCE = re.compile(
    r"\b(?:are|is|will be|remain) (?:also )?(?:eligible|allowed|permitted|acceptable)\b|"
    r"\bmay (?:also )?(?:have|be|enrol|enroll|participate)\b|"
    # "Patients previously exposed to anti-PD-1 ... should not be excluded"
    r"\b(?:should|will|shall|are|is|need) not (?:be )?excluded\b|\b(?:may|can) be considered\b|"
    # "Patients on DL1 can continue prior checkpoint inhibitors", "This does not include
    # stable, previously-treated brain metastases"
    r"\b(?:can|may) continue\b|\b(?:does|do) not include\b",
    re.IGNORECASE,
)


def requirement_text(text: str) -> str:
    """`text` without the sentences that bind only some people or only allow something;
    the text unchanged when every sentence is such (the readers then judge it whole)."""
    parts = _SENTENCE.split(text)
    if len(parts) < 2:
        return text
    kept = [
        p
        for i, p in enumerate(parts)
        if i == 0 or not (_CONDITIONAL.search(p) or _ALLOWANCE.search(p))
    ]
    return " ".join(kept)


# "Patients who are postmenopausal must ...", "Participants with brain metastases must have
# completed local therapy": the subject names who the requirement binds, so it reads
# "if <condition> then <requirement>", never "<condition> and <requirement>".
_SUBJECT_CONDITION = re.compile(
    r"^\W*(?:all\s+)?(?:patients|participants|subjects|women|men|those|individuals|people|"
    r"persons)\s+(?:who\s+(?:are|have|has|had|were)|with|whose|that\s+(?:are|have))\b"
    r"(?P<condition>[^.;:]{3,140}?)\s*,?\s+(?:must|should|need to|are required to|"
    r"will (?:need|be required) to|have to|shall)\b(?P<requirement>[^.;]*)[.;]?\s*$",
    re.IGNORECASE,
)


def subject_condition(text: str) -> tuple[str, str] | None:
    """The condition and the requirement of a one-sentence criterion whose subject says who
    it binds (see `_SUBJECT_CONDITION`); None for any other criterion."""
    m = _SUBJECT_CONDITION.match(text)
    if m is None:
        return None
    # the subject stays with its condition: "patients with brain metastases" is how the
    # readers know the metastases are had, not merely mentioned
    condition = text[: m.end("condition")].strip(" ,")
    requirement = text[m.start("requirement") - len(_verb(text, m)) :].strip()
    return condition, requirement


def _verb(text: str, m: re.Match[str]) -> str:
    """The modal verb before the requirement ("must", "should"), kept with it so that "must
    not" still reads as a prohibition."""
    head = text[m.end("condition") : m.start("requirement")]
    return head.strip(" ,")
