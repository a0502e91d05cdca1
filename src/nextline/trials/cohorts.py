"""Which cohorts, parts or arms a criterion's label names, and a plain name for each.

Why: a study split into cohorts ("Cohort 1: HR+/HER2-low", "Cohort 2: HR-/HER2-low") is
joined through one of them. The splitter marks a criterion with the heading or prefix it sits
under (`Criterion.cohort`); here that label becomes the cohorts it applies to, so the matcher
can judge each cohort on the shared criteria plus its own. A label may name several
("Cohorts A and B", "Cohort A2/B1/B2", "Phase 1 and Phase 2"); it then applies to each.

Labels that are not cohorts stay out: conditions ("If the patient has ER+ disease"),
definitions ("Postmenopausal is defined as"), alternatives ("one of the following") and the
steps everyone goes through ("Pre-registration"). The matcher treats those as before.

Pure.
"""

from __future__ import annotations

import re

# The kinds of division a study names, singular. "Stage" is left out on purpose: in
# criteria it is far more often the cancer's stage ("stage II or III breast cancer").
_KINDS = {
    "cohort": "cohort",
    "cohorts": "cohort",
    "part": "part",
    "parts": "part",
    "arm": "arm",
    "arms": "arm",
    "module": "module",
    "modules": "module",
    "phase": "phase",
    "phases": "phase",
    "substudy": "sub-study",
    "sub-study": "sub-study",
    "sub-studies": "sub-study",
    "substudies": "sub-study",
    "group": "group",
    "groups": "group",
}
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
_ID = r"(?:\d{1,2}[a-z]?\d?|[a-z](?:-?\d{1,2})?|i{1,3}[ab]?|iv)"
_KIND_RE = "|".join(sorted(map(re.escape, _KINDS), key=len, reverse=True))
# a kind word followed by one identifier or a list of them ("Cohorts A1/A2 and C")
_NAMED = re.compile(
    rf"\b(?P<kind>{_KIND_RE})\s+(?P<ids>{_ID}(?:\s*(?:,|/|&|\band\b|\bor\b)\s*"
    rf"(?:(?:{_KIND_RE})\s+)?{_ID})*)\b(?![-+/])",
    re.IGNORECASE,
)
_SPLIT_IDS = re.compile(rf"\s*(?:,|/|&|\band\b|\bor\b)\s*(?:(?:{_KIND_RE})\s+)?", re.IGNORECASE)
# divisions without an identifier: "Dose Escalation", "Treatment Cohort", "Single agent arm"
_DOSE = re.compile(r"\bdose[- ]?(escalation|expansion|finding)\b", re.IGNORECASE)
_UNNAMED = re.compile(r"\b(?:cohorts?|arms?|modules?|sub-?stud(?:y|ies))\b", re.IGNORECASE)
# labels that make criteria conditional or define a word: not cohorts
_NOT_A_COHORT = re.compile(
    r"^(?:if|unless|when|note)\b|\bdefined\b|\bas follows\b|\bone of the following\b|"
    r"\bany of the following\b|\bregistration\b|\bother cancer types\b",
    re.IGNORECASE,
)
_MAX_UNNAMED_WORDS = 8  # a long sentence mentioning "arm" is a criterion, not a heading


def _roman(value: str) -> str | None:
    for roman, digit in _ROMAN.items():
        if re.fullmatch(rf"{roman}[ab]?", value):
            return digit + value[len(roman) :]
    return None


def _identifiers(kind: str, raws: list[str]) -> list[str]:
    """Identifiers as keys: "B-1" is "b1"; Roman numerals are numbers for phases, or when
    every identifier is one ("Arm I, Arm II"), but "Cohorts F, H, I" keep their letters."""
    values = [raw.lower().replace("-", "") for raw in raws]
    romans = [_roman(v) for v in values]
    if kind == "phase" or all(r is not None for r in romans):
        return [r if r is not None else v for r, v in zip(romans, values, strict=True)]
    return values


def cohort_keys(label: str | None) -> tuple[str, ...]:
    """The cohorts a label names, as stable lower-case keys ("cohort 2b", "phase 1"), in
    order; () when the label is not a cohort (a condition, a definition, a step). Only the
    first kind a label names counts ("Cohort 1 (Stage 1)" is cohort 1): that is the level
    the study is divided by."""
    if not label or _NOT_A_COHORT.search(label):
        return ()
    found = [m for m in _NAMED.finditer(label)]
    if found:
        kind = _KINDS[found[0].group("kind").lower()]
        keys: dict[str, None] = {}
        raws = [
            raw
            for m in found
            if _KINDS[m.group("kind").lower()] == kind
            for raw in _SPLIT_IDS.split(m.group("ids"))
            if raw
        ]
        for ident in _identifiers(kind, raws):
            keys.setdefault(f"{kind} {ident}", None)
        return tuple(keys)
    words = label.split()
    if len(words) > _MAX_UNNAMED_WORDS:
        return ()
    dose = _DOSE.search(label)
    if dose:
        return (f"dose {dose.group(1).lower()}",)
    if _UNNAMED.search(label):
        return (" ".join(w.lower() for w in words).strip(" :"),)
    return ()


def cohort_kind(key: str) -> str:
    """The level a key divides the study at: "cohort", "part", "phase", "dose", ... or
    "named" for a division known only by its words ("Treatment Cohort")."""
    kind = key.partition(" ")[0]
    return kind if kind in _KINDS.values() or kind == "dose" else "named"


def display_name(key: str) -> str:
    """A key as a person reads it: "cohort 2b" -> "Cohort 2B"."""
    kind, _, ident = key.partition(" ")
    if kind in _KINDS.values() and ident and " " not in ident:
        return f"{kind.capitalize()} {ident.upper()}"
    return key[:1].upper() + key[1:]


_MAX_DESCRIPTION = 120


def cohort_name(key: str, label: str, text: str) -> str:
    """A cohort's name with what it is for, from the criterion that introduces it: the words
    in brackets after its label ("Part 2B (ER+HER2- breast cancer 2-4L, with fulvestrant)")
    or the first sentence after its colon ("Cohort 1: Participants with HR+/HER2-low ...").
    Just the name ("Cohort B") when the text says no more."""
    name = display_name(key)
    if not text.lower().startswith(label.lower()):
        return name
    rest = text[len(label) :].lstrip()
    if rest.startswith("("):
        depth = 0
        for index, char in enumerate(rest):
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth == 0:
                inner = rest[1:index].strip()
                return f"{name} ({_clip(inner)})" if inner else name
        return name
    if rest.startswith(":"):
        sentence = re.split(r"(?<=[\w)])\.\s+(?=[A-Z])", rest[1:].strip(), maxsplit=1)[0]
        sentence = sentence.strip().rstrip(".:").strip()
        return f"{name}: {_clip(sentence)}" if sentence else name
    return name


def _clip(words: str) -> str:
    if len(words) <= _MAX_DESCRIPTION:
        return words
    return words[: _MAX_DESCRIPTION - 3].rstrip() + "..."
