"""Checks a typed value before it is saved: a lab result outside what a lab can report for
that test, and a drug name the knowledge base does not know but nearly spells.

Why: a wrong number or name saved silently misleads every engine (platelets "16000 x10^9/L"
is a unit mix-up, "elacestrent" matches no drug). The form asks instead of guessing: it names
the unit that would make the value plausible, or the drug it probably means, and saves only
when the person changes it or confirms it. Pure: knowledge and typed text in, a question out.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from nextline.knowledge import Knowledge
from nextline.record.plausible import Implausible, implausible

# The unit a form offers that stands for "times the upper limit of normal": not a quantity.
_ULN = "xULN"


@dataclass(frozen=True)
class Question:
    """An implausible typed lab value (the finding shared with the importer's warning) and
    the question the form asks about it."""

    finding: Implausible

    def question(self) -> str:
        """The words shown at the value: what is odd, what was probably meant, what to do."""
        text = f"Is this right? {self.finding.outside()}."
        meant = self.finding.meant()
        if meant:
            text += f" Did you mean {meant}?"
        return text + " Check the unit on the report, or tick the box to keep it as typed."


def check_lab(
    kb: Knowledge, test: str | None, value: str | None, unit: str | None, units: list[str]
) -> Question | None:
    """The question to ask about one lab value, or None when it is plausible, cannot be
    checked (unknown test, no range, not a number) or is left to the importer to refuse.
    `units` are the form's unit choices: the candidates for "did you mean"."""
    if not test or not value or not unit or unit == _ULN:
        return None
    known = kb.find_lab_test(test)
    if known is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    finding = implausible(known, number, unit, [u for u in units if u != _ULN])
    return Question(finding) if finding is not None else None


def known_drug_names(kb: Knowledge) -> list[str]:
    """Every generic and brand name, for the "as you type" list of a drug input."""
    names = {d.name for d in kb.drugs.values()}
    names |= {b for d in kb.drugs.values() for b in d.brands}
    return sorted(names, key=str.lower)


def closest_drug(kb: Knowledge, written: str) -> str | None:
    """The generic name a misspelt drug name most likely means, or None when the name is
    known already or nothing is close. Closeness is difflib's ratio (at least 0.8: one or two
    letters wrong in a usual drug name), over generic names, brands and aliases."""
    if not written.strip() or kb.find_drug(written) is not None:
        return None
    spellings: dict[str, str] = {}
    for drug in kb.drugs.values():
        for name in (drug.name, *drug.brands, *drug.aliases):
            spellings.setdefault(name.lower(), drug.name)
    match = difflib.get_close_matches(written.strip().lower(), list(spellings), n=1, cutoff=0.8)
    return spellings[match[0]] if match else None


__all__ = ["Question", "check_lab", "closest_drug", "known_drug_names"]
