"""A long note is read in pieces of whole sentences (`symptom_reader._Reader._pieces`): the
reading must be the one the whole text gives, word for word and in the same order.

The notes are built from the phrasing table's own notes (`data/symptom_phrasings.csv`),
shuffled with a fixed seed and joined the ways people join them (full stops, line breaks,
question marks, semicolons, commas), with temperatures cut across a line break among them.
Each is read twice: in pieces, and whole (cuts turned off); both readings must match, and
most notes must really have been cut, or the comparison proves nothing."""

from __future__ import annotations

import random
from typing import Any

import pytest

from nextline.assess.symptom_reader import (
    LONG_SENTENCE,
    MAX_NOTE_CHARS,
    PIECE_TOKENS,
    _may_match,
    _reader,
    read_note,
    tidy,
)
from nextline.knowledge import Knowledge

from .test_symptom_reader import ROWS

JOINS = (". ", ".\n", "\n", ". \n", "\n\n", "! ", "? ", "; ", ", ", " - ", ".  ", " and ", ",")
EXTRA = ("temp\n38.6", "Temp. 38.4", "temperature 101F", "fever of 39", "no fever.")


def _note(rng: random.Random, joins: tuple[str, ...] = JOINS) -> str:
    parts = [row["text"] for row in rng.sample(ROWS, 60)] + list(rng.sample(EXTRA, 2))
    rng.shuffle(parts)
    out = parts[0]
    for part in parts[1:]:
        out += rng.choice(joins) + part
    return out


def _reading(reader: Any, text: str, sex: str | None, whole: bool = False) -> tuple[Any, ...]:
    findings, dismissed, temperatures = reader.read(tidy(text), sex, whole)
    return (
        tuple(findings),
        tuple(dismissed),
        tuple((span.text, affirmed) for span, affirmed in temperatures),
    )


@pytest.mark.parametrize("seed", range(20))
def test_a_long_note_read_in_pieces_reads_as_it_does_whole(kb: Knowledge, seed: int) -> None:
    assert kb.assess is not None
    reader = _reader(kb.assess.vocabulary)
    rng = random.Random(seed)
    cut = 0
    # the last note runs on: commas and "and" only, cut where the sentence runs too long
    notes = [_note(rng) for _ in range(3)] + [_note(rng, (", ", " and ", " "))]
    for i, text in enumerate(notes):
        sex = ("female", "male", None, "female")[i]
        pieces = reader._pieces(reader._signs(reader._sentences(tidy(text))))
        cut += pieces is not None and len(pieces) > 1
        in_pieces = _reading(reader, text, sex)
        whole = _reading(reader, text, sex, whole=True)
        assert in_pieces == whole
        assert whole[0] or whole[1]  # the notes name signs: the comparison is not empty
    assert cut >= 3


def test_a_pasted_page_is_cut_into_pieces_of_bounded_size(kb: Knowledge) -> None:
    assert kb.assess is not None
    reader = _reader(kb.assess.vocabulary)
    for line in ("I had a fit. ", "no fever\n", "Legs numb!\n", "vomiting blood.\n\n"):
        text = tidy(line * (MAX_NOTE_CHARS // len(line)))
        doc = reader._signs(reader._sentences(text))
        pieces = reader._pieces(doc)
        assert pieces is not None
        assert sum(len(p) for p in pieces) == len(doc)
        # each piece stops at the first cut past PIECE_TOKENS tokens
        assert max(len(p) for p in pieces) < PIECE_TOKENS + 20
    reading = read_note("no fever\n" * 2000 + "I had a fit", kb.assess.vocabulary)
    assert reading.has("seizure") is not None


def test_a_long_run_without_spaces_is_spaced_at_its_marks() -> None:
    text = tidy("((((((" * 3000 + " see https://example.org/" + "a" * 120)
    assert max(len(word) for word in text.split()) <= 125
    assert tidy("fever/cough, 38.5") == "fever/cough, 38.5"  # ordinary words stay as written


@pytest.mark.parametrize(
    ("run", "as_if"),
    [
        ("." * 200, ". "),
        (",;" * 100, ", ; "),  # the semicolon, which ends a negation's reach, is kept
        ("!?" * 50 + "))" * 50, "! ? ) "),
        ("-" * 150 + "/" * 50, "- / "),
    ],
)
def test_marks_in_a_row_inside_a_long_run_read_as_one_of_each(
    kb: Knowledge, run: str, as_if: str
) -> None:
    """A run of 100+ characters without a space keeps one of each mark in a row: the reading
    is the reading of the note with those marks written once, spaced as such a run is."""
    assert kb.assess is not None
    vocab = kb.assess.vocabulary
    for before, after in [("No fever", "I had a fit"), ("my legs are weak", "no bleeding")]:
        long_one = read_note(before + run + after, vocab, "female")
        short_one = read_note(before + as_if + after, vocab, "female")
        assert long_one.findings == short_one.findings, (before, run[:8], after)
        assert long_one.findings  # each pair holds a sign that counts
        assert len(tidy(before + run + after)) < 60


@pytest.mark.parametrize(
    ("text", "may"),
    [
        (".", True),
        ("\n", True),
        ("!", True),
        ("fever", True),
        (",", False),  # ", i", ", my": a comma starts a new clause
        ("no", False),  # "no sign of"
        ("he", False),  # "<a man> did": he and the next word
        ("in", False),  # "in <year>"
        ("last", False),  # "last year"
    ],
)
def test_a_cut_is_made_only_where_no_trigger_runs_over_it(
    kb: Knowledge, text: str, may: bool
) -> None:
    assert kb.assess is not None
    assert _reader(kb.assess.vocabulary).may_cut_after(text) is may


@pytest.mark.parametrize(
    ("pattern", "text", "may"),
    [
        ({"ORTH": "."}, ".", True),
        ({"LOWER": "no"}, "No", True),
        ({"LOWER": "no"}, ".", False),
        ({"LOWER": {"IN": ["he", "she"]}}, "He", True),
        ({"LOWER": {"NOT_IN": ["said"]}}, ".", True),
        ({"TEXT": {"REGEX": "^(19|20)[0-9][0-9]$"}}, "2019", True),
        ({"TEXT": {"REGEX": "^(19|20)[0-9][0-9]$"}}, "fever", False),
        ({"IS_ALPHA": True}, ".", False),
        ({}, ".", True),
    ],
)
def test_a_trigger_word_is_matched_cautiously(
    pattern: dict[str, Any], text: str, may: bool
) -> None:
    assert _may_match(pattern, text) is may


def test_a_run_on_sentence_is_cut_where_no_trigger_runs_over(kb: Knowledge) -> None:
    assert kb.assess is not None
    reader = _reader(kb.assess.vocabulary)
    doc = reader._sentences("no fever, no pain, " * 400 + "I had a fit")
    starts = [t.i for t in doc if t.is_sent_start]
    assert len(starts) > 5
    for start in starts[1:]:
        assert reader.may_cut_after(doc[start - 1].text)
        assert start - max(s for s in starts if s < start) <= 2 * LONG_SENTENCE + 10
    short = reader._sentences("no fever, no pain, " * 10)
    assert sum(t.is_sent_start for t in short) == 1  # an ordinary sentence is left whole


@pytest.mark.parametrize("shift", range(4))
def test_a_temperature_across_a_sentence_end_is_never_cut_in_two(kb: Knowledge, shift: int) -> None:
    """ "Temp. 38.4": the number starts a sentence, and a cut there would leave a bare number
    that counts as no temperature. Shifting the note a token at a time puts the first cut
    that could be made right at it."""
    assert kb.assess is not None
    reader = _reader(kb.assess.vocabulary)
    text = "so " * shift + "I feel tired. " * 49 + "Temp. 38.4 and shivery. " + "Tired. " * 150
    in_pieces = _reading(reader, text, "female")
    whole = _reading(reader, text, "female", whole=True)
    assert in_pieces == whole
    assert whole[2] == (("Temp. 38.4", True),)


@pytest.mark.parametrize(
    ("text", "celsius"),
    [
        ("So hot in the room! Temp 38.5 and shivery", 38.5),  # the room is another sentence
        ("the room was 38 degrees today", None),
        ("bath water 39c, lovely", None),
        ("temp 38.2\nsat in the sun all day", 38.2),  # the sun is on the next line
    ],
)
def test_the_words_around_a_temperature_are_read_in_its_own_sentence(
    kb: Knowledge, text: str, celsius: float | None
) -> None:
    assert kb.assess is not None
    assert read_note(text, kb.assess.vocabulary, "female").temperature_c == celsius


def test_a_word_for_temperature_is_never_parted_from_its_number(kb: Knowledge) -> None:
    """Found when the fifth probe's phrasing rows changed the sampled notes: "temp" at the end
    of a line and its number on the next were cut apart when the whole text had not counted
    them (their words, over two sentences, named a bath), and the piece that began with the
    number counted it alone."""
    assert kb.assess is not None
    reader = _reader(kb.assess.vocabulary)
    text = "had a warm bath then " + "felt tired and " * 30 + "temp\n38.6 and temp 38.3 at 6am"
    doc = reader._signs(reader._sentences(tidy(text)))
    assert len(doc) > 60  # long enough to be read in pieces
    assert _reading(reader, text, "female") == _reading(reader, text, "female", whole=True)
