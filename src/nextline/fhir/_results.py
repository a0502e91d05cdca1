"""Receptor results written in words, as lab systems send them in `valueString` or a
CodeableConcept's text: "Positive (95%)", "Negative (<1%)", "Negative (1+)", "Equivocal
(2+)", "3+", "Positive, 5%".

Why a reader of its own: many EHRs send pathology results as text, not codes. Only a few
fixed shapes are read — one result word, optionally followed by one percent (ER/PR) or one
IHC score (HER2) — so nothing is inferred from free prose: "weakly positive", "ER-low
positive" or "positive, strong staining" stay unread and are reported. A HER2 word that
disagrees with its IHC score under ASCO/CAP ("Positive (1+)") is not read either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nextline.record.file_models import Her2Result
from nextline.record.receptors import her2_category

_WORD = r"(?P<word>positive|negative|equivocal|pos|neg)"
_SEP = r"\s*(?:[,;:(\-]\s*)?"
_PERCENT = r"(?P<cmp>[<>]=?)?\s*(?P<pct>\d{1,3}(?:\.\d+)?)\s*%"
# An IHC score: 0, 1+, 2+ or 3+ ("score 2+", "IHC 3+"); a bare 1-3 without "+" is not one.
_IHC = r"(?:ihc\s*)?(?:score\s*(?:of\s*)?:?\s*)?(?P<ihc>0|[1-3]\s*\+)"
# The test's name written before a score ("HER2 1+", "HER-2/neu: 3+"); before a word alone
# ("HER2 positive") it is how a diagnosis is named, and stays unread.
_HER2_NAME = r"(?:her-?2(?:\s*/\s*neu)?\s*:?\s*)?"
_END = r"\s*\)?\s*\.?\s*"

_RECEPTOR = re.compile(rf"\s*{_WORD}(?:{_SEP}{_PERCENT})?{_END}", re.IGNORECASE)
_PERCENT_ONLY = re.compile(rf"\s*{_PERCENT}{_END}", re.IGNORECASE)
_HER2_WORD = re.compile(rf"\s*{_WORD}(?:{_SEP}{_IHC})?{_END}", re.IGNORECASE)
# A score then its word, as pathology reports also write it: "2+ (equivocal)".
_HER2_SCORE = re.compile(rf"\s*{_HER2_NAME}{_IHC}(?:{_SEP}{_WORD})?{_END}", re.IGNORECASE)
# An ISH result in words: "Not amplified", "ISH: amplified", "FISH non-amplified".
_ISH_WORD = r"(?P<ish>not\s+amplified|non-?\s*amplified|amplified|equivocal)"
_ISH = re.compile(rf"\s*(?:her-?2\s*)?(?:[fscd]?ish\s*:?\s*)?{_ISH_WORD}\s*\.?\s*", re.I)
_WORDS = {"pos": "positive", "neg": "negative"}
# ASCO/CAP HER2 categories (record.receptors) as the one word a report would use.
_CATEGORY_WORD = {
    "positive": "positive",
    "equivocal": "equivocal",
    "low": "negative",
    "ultralow": "negative",
    "zero": "negative",
    "zero_or_ultralow": "negative",
}


@dataclass(frozen=True)
class Written:
    """A result read from words: the word, and a percent (ER/PR) or IHC score (HER2)."""

    result: str | None = None
    percent: float | None = None
    ihc: str | None = None
    problem: str | None = None  # set when the words contradict themselves
    ish: str | None = None  # amplified | not_amplified | equivocal


def receptor_words(text: str) -> Written | None:
    """ER or PR in words: "Positive", "Positive (95%)", "Negative (<1%)", "Positive, 5%", or
    a percent alone ("95%": the share of cells staining). A percent written with `<` or `>`
    is a limit, not a number: the word is kept alone (and a limit alone is not read)."""
    only = _PERCENT_ONLY.fullmatch(text or "")
    if only is not None:
        value = float(only.group("pct"))
        if only.group("cmp") or value > 100:
            return None
        return Written(percent=value)
    match = _RECEPTOR.fullmatch(text or "")
    if match is None:
        return None
    word = match.group("word").lower()
    result = _WORDS.get(word, word)
    if result not in ("positive", "negative"):
        return None
    percent = match.group("pct")
    if percent is None or match.group("cmp"):
        return Written(result)
    value = float(percent)
    if value > 100:
        return None
    return Written(result, percent=value)


def ish_words(text: str) -> str | None:
    """A HER2 ISH result in words, as the patient file writes it: "Not amplified" is
    `not_amplified`, "AMPLIFIED" `amplified`, "equivocal" `equivocal`; else None."""
    match = _ISH.fullmatch(text or "")
    if match is None:
        return None
    word = " ".join(match.group("ish").lower().replace("-", " ").split())
    if word in ("not amplified", "non amplified"):
        return "not_amplified"
    return word


def her2_words(text: str) -> Written | None:
    """HER2 in words: "Negative", "Negative (1+)", "Equivocal (2+)", "3+", "2+ (equivocal)",
    "Positive (score 3)", "HER2 1+", or an IHC score and an ISH result in one text ("IHC 2+,
    ISH not amplified"). A word that disagrees with its IHC score under ASCO/CAP is
    returned with a `problem`."""
    parts = [p for p in re.split(r"[,;]", text or "") if p.strip()]
    if len(parts) == 2 and ish_words(parts[1]) is not None:
        first = _one_her2(parts[0])
        if first is not None and first.ihc is not None and first.result is None:
            return Written(ihc=first.ihc, ish=ish_words(parts[1]))
    return _one_her2(text)


def _one_her2(text: str) -> Written | None:
    match = _HER2_WORD.fullmatch(text or "") or _HER2_SCORE.fullmatch(text or "")
    if match is None:
        return None
    groups = match.groupdict()
    word = groups.get("word")
    ihc = groups.get("ihc")
    score = None if ihc is None else ihc.replace(" ", "")
    result = _WORDS.get(word.lower(), word.lower()) if word else None
    if result is not None and score is not None:
        expected = _CATEGORY_WORD.get(her2_category(Her2Result.model_validate({"ihc": score})))
        if expected != result:
            return Written(
                result,
                ihc=score,
                problem=f"says {result} but IHC {score} is {expected} (ASCO/CAP)",
            )
    return Written(result, ihc=score)
