"""Lab test names as labs print them: the folding used to look one up.

Why a second step after the alias table: labs decorate a name with the specimen, a method or
the abbreviation in brackets ("Calcium (serum)", "Platelets, auto", "Absolute neutrophil
count (ANC)"). The aliases in `lab_tests.yaml` hold the names themselves; this folding drops
only words that never change which test is meant, and reads a bracketed part only when it
agrees with the rest. It never guesses: "Calcium (ionized)" or "Neutrophils %" stay unknown
(a different test), and a name whose parts point to two tests is unknown too.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Words that say where or how a result was measured, never which test it is.
FILLER_WORDS = frozenset(
    {
        "serum",
        "plasma",
        "blood",
        "whole",
        "venous",
        "level",
        "levels",
        "result",
        "value",
        "auto",
        "automated",
        "s",
        "p",
        "b",
    }
)

_BRACKETS = re.compile(r"[(\[]([^()\[\]]*)[)\]]")


def _drop_fillers(key: str) -> str:
    return " ".join(word for word in key.split() if word not in FILLER_WORDS)


def find_test_id(written: str, lookup: Callable[[str], str | None]) -> str | None:
    """The test id a written lab name means, or None. `lookup` maps a folded name (as
    `name_key` folds it) to a test id, from the alias table."""
    from nextline.knowledge.base import name_key

    found = lookup(name_key(written))
    if found is not None:
        return found
    # a bracketed unit ("Albumin (g/L)") says nothing about the test; "(%)" does
    inner_parts = [name_key(part) for part in _BRACKETS.findall(written) if "/" not in part]
    outer = _drop_fillers(name_key(_BRACKETS.sub(" ", written)))
    whole = _drop_fillers(name_key(written))
    if whole and (found := lookup(whole)) is not None:
        return found
    if not outer:
        return None
    outer_id = lookup(outer)
    if outer_id is None:
        return None
    for part in inner_parts:
        part = _drop_fillers(part)
        if part and lookup(part) != outer_id:
            return None  # "Calcium (ionized)": the bracket changes what is meant
    return outer_id
