"""Notes in voices and shapes the earlier probes did not try (issue 11, third probe): a carer's
or a nurse's third person and abbreviations ("pt c/o SOB", "LOC this am"), phone shorthand
and capitals, a sign that changes over time, a sign asked as a question, numbers written in
words or with a decimal comma, and plain wordings of the emergencies of metastatic breast
cancer.

Each row of `data/voices_s10.csv` is one note in a record with the drug and site given, and
must raise exactly the red-flag kinds listed, each with its urgency: a kind missing is a
missed emergency, a wrong urgency a wrong answer, any other kind a false alarm. The rows were
written before the fixes, in rounds: 190 first, then 25 guards of the new rules (class
`guard`), then 32 more in the same classes, written after the first fixes and before
running them; how many failed then is in the CHANGELOG."""

from __future__ import annotations

import pytest

from nextline.knowledge import Knowledge
from tests.assess.voices_harness import assert_varied, expected, flags, params, read_rows

ROWS = read_rows("voices_s10.csv")
# Rows still read wrong, each kept as a test that fails until it is fixed (strict xfail: a
# row that starts passing must be moved out of here), with why it is not fixed yet.
OPEN = {
    "pt vomiting ++, headache worse on lying flat": "a headache worse lying down: no public "
    "source verified for it as a warning sign; headache and vomiting are read only within "
    "one clause",
    "headache that's worse when I lie down": "a headache worse lying down: no public source "
    "verified for it as a warning sign",
    "breathless since Tuesday, now even sitting still": "'even sitting still' after a comma "
    "is not tied back to the breathlessness of the clause before",
    "no seizures for three years until today when she had one": "'had one' refers back to "
    "a negated word; the reader does not resolve what 'one' stands for",
    "I'm a nurse and see seizures at work all the time": "signs seen in one's work are not "
    "told apart from the writer's own",
    "Dad (my carer) had chest pain yesterday": "'my' inside a bracket after 'Dad' is read as "
    "the writer coming back in",
    "no back pain before, but since Thursday it's terrible and my legs are numb": "'it' "
    "refers back to a negated sign; the reader does not resolve what 'it' stands for",
    "fever last week, none since": "a sign said to be over after a comma is kept as possible "
    "and asked about (the eighth wave's rule, as for 'was confused yesterday, fine now'); "
    "whether a fever a week ago, gone since, should still raise an emergency is a clinical "
    "choice left open",
}


def test_the_table_is_varied_enough() -> None:
    assert_varied(ROWS, OPEN, quiet=4)


@pytest.mark.parametrize("row", params(ROWS, OPEN))
def test_note_raises_exactly_its_flags(kb: Knowledge, row: dict[str, str]) -> None:
    assert flags(kb, row) == expected(row)
