"""The one check the note-reader probes share: a note read for one sex finds every sign it
must and none it must not."""

from __future__ import annotations

from nextline.assess.symptom_reader import read_note
from nextline.knowledge import Knowledge


def assert_signs(
    kb: Knowledge, note: str, must: set[str], must_not: set[str], sex: str = "female"
) -> None:
    assert kb.assess is not None
    reading = read_note(note, kb.assess.vocabulary, sex)
    found = {f.concept for f in reading.findings}
    assert must <= found, (note, reading.findings, reading.dismissed)
    assert not (must_not & found), (note, reading.findings)
