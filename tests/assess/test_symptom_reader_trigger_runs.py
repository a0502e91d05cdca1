"""A note that runs on in words that may each begin a ConText trigger ("no no no ...", "fine
fine ...", "no, no, ...") is cut into sentences where no trigger is parted from a sign it
reaches (`symptom_reader._Reader._safe_cuts`): the reader's work on it is bounded (20,000
characters of "no no no" took 13 s of CPU, as one sentence of 6,667 triggers that ConText
weighed each against each, now about 1 s).

The notes mix the phrasing table's own notes with such runs; each, cut, must read as the
same note with short runs does, in pieces as whole; and no note of the phrasing table is
cut this way, so every earlier probe reads as it did."""

from __future__ import annotations

import itertools
import random

import pytest

from nextline.assess.symptom_reader import (
    _SAFE_CUTS,
    MAX_NOTE_CHARS,
    PIECE_TOKENS,
    SAFE_CUT_AFTER,
    _reader,
    read_note,
    tidy,
)
from nextline.knowledge import Knowledge

from .test_symptom_reader import ROWS
from .test_symptom_reader_pieces import _reading

# words each of which may begin a longer trigger ("no sign of", "fine now", "not seen", ", i"),
# so no cut may follow any of them by `may_cut_after` alone
RUNS = ("no ", "fine ", "not ", "no, ", "never ", "n't ")


def _notes(rng: random.Random) -> tuple[str, str]:
    """A note of four of the table's notes with long runs of trigger words between them,
    and the same note with each run only 40 words long. A long run is 270 to 300 words: one
    cut is made in it, past `SAFE_CUT_AFTER`, and what is left of the run and the next note
    stay short of the other run-on cuts (which may part a trigger from a sign)."""
    parts = [row["text"] for row in rng.sample(ROWS, 4)]
    long_note = short_note = parts[0]
    for part in parts[1:]:
        run = rng.choice(RUNS)
        words = len(run.split()) + run.count(",")
        long_note += " " + run * (rng.randint(270, 300) // words) + part
        short_note += " " + run * 40 + part
    return long_note, short_note


@pytest.mark.parametrize("seed", range(6))
def test_a_run_of_trigger_words_is_cut_and_read_as_a_short_run_is(kb: Knowledge, seed: int) -> None:
    """Cut, the note reads as the same note with short runs (which no cut touches): the
    words far from a sign change nothing, in pieces as whole."""
    assert kb.assess is not None
    reader = _reader(kb.assess.vocabulary)
    long_note, short_note = _notes(random.Random(seed))
    assert reader._sentences(tidy(long_note)).user_data[_SAFE_CUTS]  # cut where only this may
    assert not reader._sentences(tidy(short_note)).user_data[_SAFE_CUTS]
    cut = _reading(reader, long_note, "female", whole=True)
    in_pieces = _reading(reader, long_note, "female")
    short = _reading(reader, short_note, "female", whole=True)
    assert cut == in_pieces
    assert cut[:2] == short[:2]  # findings and dismissed (temperatures keep their words)
    assert short[0] or short[1]  # the notes name signs: the comparison is not empty


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("no " * 300 + "so I had a fit", "seizure"),  # "so" ends the last "no"'s reach
        ("no " * 300 + "I had a fit", None),  # the last "no" reaches the fit, as when short
        ("I had a fit so " + "fine " * 300, "seizure"),
        ("no " * 300 + "fever", None),  # the last "no" still denies the fever
        ("legs numb " + "not " * 300, "leg_weakness_or_numbness"),
    ],
)
def test_a_sign_beside_a_run_reads_as_it_should(kb: Knowledge, text: str, sign: str | None) -> None:
    assert kb.assess is not None
    reading = read_note(text, kb.assess.vocabulary, "female")
    assert {f.concept for f in reading.findings} == ({sign} if sign else set())


@pytest.mark.parametrize("unit", ["no ", "no, ", "fine ", "n't ", "no no fever "])
def test_a_pasted_run_of_trigger_words_is_read_in_pieces_of_bounded_size(
    kb: Knowledge, unit: str
) -> None:
    """The whole 20,000 characters, in sentences no longer than `SAFE_CUT_AFTER` and pieces
    no longer than that plus `PIECE_TOKENS`: ConText's work grows with the square of
    a piece, not of the note."""
    assert kb.assess is not None
    reader = _reader(kb.assess.vocabulary)
    text = tidy((unit * (MAX_NOTE_CHARS // len(unit) + 1))[:MAX_NOTE_CHARS])
    doc = reader._signs(reader._sentences(text))
    starts = [t.i for t in doc if t.is_sent_start] + [len(doc)]
    assert max(b - a for a, b in itertools.pairwise(starts)) <= SAFE_CUT_AFTER + 1
    pieces = reader._pieces(doc)
    assert pieces is not None
    assert sum(len(p) for p in pieces) == len(doc)
    assert max(len(p) for p in pieces) <= SAFE_CUT_AFTER + PIECE_TOKENS


def test_no_note_of_the_phrasing_table_is_cut_this_way(kb: Knowledge) -> None:
    """The probes read before this cut existed are read as they were: none of them runs on
    far enough for it."""
    assert kb.assess is not None
    reader = _reader(kb.assess.vocabulary)
    for row in ROWS:
        assert not reader._sentences(tidy(row["text"])).user_data[_SAFE_CUTS]
