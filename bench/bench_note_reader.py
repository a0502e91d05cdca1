"""Benchmark: reading a pasted note into the signs a triage nurse listens for (`read_note`).

A note is a few lines; a pasted page, a run-on message or a line of brackets is up to
`MAX_NOTE_CHARS` (20,000 characters), and the reader must not take seconds on it: the web
app reads every note when it draws a record. Each shape below is read fresh (nothing kept
between reads), CPU time, best of `--repeats`; the figure is the time for one note of
`--chars` characters. Aim (issue 17, answers as fast as a person can ask): under 1 s for
each shape at 20,000 characters on one core. Before the reader cut long notes into pieces
of whole sentences (eighth wave): short sentences 11.5 s, a run-on sentence 6 s, a run of
brackets 40 s.

The reading of each shape is printed too (signs found, signs dismissed): faster must not
mean different; `tests/assess/test_symptom_reader_pieces.py` checks that reading in pieces
gives the reading of the whole.

Run: .venv/bin/python bench/bench_note_reader.py [--chars N] [--repeats N]
"""

from __future__ import annotations

import argparse
import time

from nextline.assess.symptom_reader import MAX_NOTE_CHARS, note_memo, read_note
from nextline.knowledge import load_knowledge

AIM_S = 1.0  # seconds of CPU for one note of 20,000 characters, each shape
# Each shape, repeated to the length asked; every one ends with a sign that must be found.
SHAPES: dict[str, str] = {
    "short sentences": "I had a fit. Tired today. No fever. ",
    "one sign to a line": "no fever\nslept badly\nback ache\n",
    "a run-on message": "no fever, no pain, feeling tired and fed up, ",
    "a line of brackets": "((((((",
    "a pasted letter": (
        "Dear Dr Smith, thank you for seeing Mrs Jones (DOB 01/01/1960) in clinic today. "
        "She denies fever, chills or rigors; appetite fair.\nPlan: continue letrozole. "
    ),
}
LAST = " I had a fit this morning"


def note(shape: str, chars: int) -> str:
    """The shape repeated to about `chars` characters, then a seizure at the end of what is
    read."""
    unit = SHAPES[shape]
    body = unit * (max(1, chars - len(LAST)) // len(unit))
    return body[: chars - len(LAST)] + LAST


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=MAX_NOTE_CHARS)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    kb = load_knowledge()
    assert kb.assess is not None
    vocab = kb.assess.vocabulary
    read_note("warm up: no fever", vocab)  # builds the spaCy pipeline (not part of the figure)
    print(
        f"read_note, one note of {args.chars:,} characters, fresh each time, "
        f"CPU best of {args.repeats}:"
    )
    for shape in SHAPES:
        text = note(shape, args.chars)
        best = float("inf")
        reading = None
        for _ in range(max(1, args.repeats)):
            note_memo(vocab).clear()  # read it again, not from the memo
            started = time.process_time()
            reading = read_note(text, vocab, "female")
            best = min(best, time.process_time() - started)
        assert reading is not None
        met = "met" if best < AIM_S else "not yet"
        print(
            f"  {shape:<20} {best:6.2f} s | aim < {AIM_S:g} s at 20,000 characters: {met}"
            f" | found {sorted({f.concept for f in reading.findings})},"
            f" {len(reading.dismissed)} dismissed"
        )


if __name__ == "__main__":
    main()
