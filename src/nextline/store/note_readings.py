"""Symptom notes already read, kept beside the database so a command does not read them again.

Why: reading a note (`assess.symptom_reader`: spaCy, medspaCy, the Snowball stemmer) costs
about two seconds of start-up, more than everything else `status` does, and a person asks
about the same notes again and again. A reading is a pure function of the note's text, the
person's sex, the vocabulary and the reader's code, so a reading made before is the same
reading. At the CLI edge, `open_for` puts the person's earlier readings into the reader's
own in-process memo before the engines run, and `flush` keeps any new ones afterwards. The
engines stay pure and never see this module.

Never trusted blindly: each file carries a key made of the knowledge base's content key
(which covers the vocabulary), the reader's source and the spaCy, medspaCy and NLTK versions;
a file of another key, damaged, or not private is ignored (`knowledge.cache.read`).

Health data: the readings quote the notes, so they live only where the record itself lives
(the embedded database's folder, `cache/notes`, 0700, files 0600), one file per person, and
`forget` removes a person's file when the person is deleted. Nothing is kept for PostgreSQL
(a server's data folder is not a place for copies), nor for a patient file read by path.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nextline.knowledge import Knowledge

_READER_LIBRARIES = (
    ("spacy", "about.py"),
    ("medspacy", "_version.py"),
    ("nltk", "VERSION"),
)
MAX_READINGS = 512  # per person: a record holds a few dozen notes at most


@dataclass
class _Open:
    path: Path
    key: str
    memo: dict[Any, Any]
    before: frozenset[Any]  # what the memo held before: maybe other people's notes
    mine: dict[Any, Any]  # this person's readings from the file


_pending: list[_Open] = []


def notes_folder(database: Path) -> Path:
    return database.parent / "cache" / "notes"


def _file(folder: Path, person_id: str) -> Path:
    return folder / f"notes-{hashlib.sha256(person_id.encode('utf-8')).hexdigest()[:32]}.pickle"


def _reader_version() -> bytes:
    """The reader's source and its libraries' version files (found without importing them)."""
    digest = hashlib.sha256()
    digest.update((Path(__file__).parents[1] / "assess" / "symptom_reader.py").read_bytes())
    for package, version_file in _READER_LIBRARIES:
        spec = importlib.util.find_spec(package)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            with contextlib.suppress(OSError):
                digest.update(package.encode() + (Path(folder) / version_file).read_bytes())
    return digest.digest()


def _key(kb_key: str) -> str:
    return hashlib.sha256(kb_key.encode("ascii") + _reader_version()).hexdigest()


def open_for(person_id: str, kb: Knowledge) -> None:
    """Put `person_id`'s earlier readings into the reader's memo; `flush` keeps new ones."""
    from nextline.assess.symptom_reader import note_memo
    from nextline.knowledge import cache
    from nextline.store.quick_read import embedded_database

    database = embedded_database()
    if database is None or kb.assess is None:
        return
    path = _file(notes_folder(database), person_id)
    # the key of the knowledge base in hand (`cache.key_of`), else worked out from its files
    key = _key(cache.key_of(kb) or cache.content_key(cache.DATA_DIR))
    memo = note_memo(kb.assess.vocabulary)
    before = frozenset(memo)
    mine = cache.read(path, key, dict) or {}
    for reading_key, reading in mine.items():
        memo.setdefault(reading_key, reading)
    _pending.append(_Open(path, key, memo, before, mine))


def flush() -> None:
    """Keep the readings made since `open_for` (atomic, 0600); forget what was opened."""
    from nextline.knowledge import cache

    while _pending:
        opened = _pending.pop()
        # only what was read since `open_for` (this person's notes) joins this person's file
        new = {k: v for k, v in opened.memo.items() if k not in opened.before}
        if set(new) - set(opened.mine):
            entries = dict(list({**opened.mine, **new}.items())[-MAX_READINGS:])
            cache.write(opened.path, opened.key, entries)


def forget(database: Path, person_id: str) -> None:
    """Remove a deleted person's readings."""
    with contextlib.suppress(FileNotFoundError):
        _file(notes_folder(database), person_id).unlink()
