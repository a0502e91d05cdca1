"""A stored person's normalised record kept beside the database, so a reading command does
not rebuild it from the raw file each time.

Why: validating a stored file and normalising it (`record.build`: drug names, lines, lab
units, plausibility) cost `status` more than the engines' own work, and the same stored
version is read again and again. The `PatientRecord` built from it is a pure function of
the stored text, the knowledge base, the record code and the date it is checked on, so a
record built before from the same four is the same record.

Never trusted blindly. Each file carries a key made of all four: the SHA-256 of the stored
text (with the person's id and version), the knowledge base's content key (its files, its
code, the unit table's module and the nextline, Python and pydantic versions), the source of
every `record` module and of `nextline.errors`, and the check date. A file of another key,
damaged, or not private is ignored (`knowledge.cache.read`) and the record is built again,
then kept in its place. The check date is in the key because a date after it is an error
(`record.build`): a record is at most rebuilt once a day, and a record valid only for a
later date is never reused for an earlier one. A record that is not valid is never kept:
building it raises, and nothing is written.

Health data: the record is the person's record, so it lives only where the record itself
lives (the embedded database's folder, `cache/records`, 0700, files 0600), one file per
person, removed by `forget` when the person is deleted. Nothing is kept for PostgreSQL, nor
for a patient file read by path: the caller only comes here through `store.quick_read`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nextline.record import PatientRecord

# Bump when what is pickled changes shape in a way the source hashes would not show.
CACHE_FORMAT = "1"
_PACKAGE = Path(__file__).parents[1]


def records_folder(database: Path) -> Path:
    return database.parent / "cache" / "records"


def _file(folder: Path, person_id: str) -> Path:
    name = hashlib.sha256(person_id.encode("utf-8")).hexdigest()[:32]
    return folder / f"record-{name}.pickle"


def _code_version() -> bytes:
    """The source of the code that turns a stored file into a record."""
    digest = hashlib.sha256()
    for path in [*sorted((_PACKAGE / "record").glob("*.py")), _PACKAGE / "errors.py"]:
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
    return digest.digest()


def record_key(person_id: str, version: int, content: str, kb_key: str, checked_on: dt.date) -> str:
    """The key a kept record must carry to be read back (see the module docstring)."""
    digest = hashlib.sha256(f"{CACHE_FORMAT}|{kb_key}|".encode("ascii"))
    digest.update(_code_version())
    digest.update(f"|{person_id}\0{version}\0{checked_on.isoformat()}\0".encode())
    digest.update(hashlib.sha256(content.encode("utf-8")).digest())
    return digest.hexdigest()


def cached_record(
    database: Path,
    person_id: str,
    version: int,
    content: str,
    checked_on: dt.date,
    build: Callable[[], PatientRecord],
    kb_key: str | None = None,
) -> PatientRecord:
    """The record `build()` makes from `person_id`'s stored `content`, read back from the
    file beside `database` when its key matches, else built (errors propagate: nothing is
    written) and kept for the next call. `kb_key` is the content key of the bundled
    knowledge base `build()` uses, when the caller holds it (`knowledge.cache.key_of`);
    else it is worked out from the files."""
    from nextline.knowledge import cache
    from nextline.record.record import PatientRecord

    path = _file(records_folder(database), person_id)
    if kb_key is None:
        kb_key = cache.content_key(cache.DATA_DIR)
    key = record_key(person_id, version, content, kb_key, checked_on)
    found = cache.read(path, key, PatientRecord)
    if found is not None:
        return found
    record = build()
    cache.write(path, key, record)
    return record


def forget(database: Path, person_id: str) -> None:
    """Remove a deleted person's kept record."""
    with contextlib.suppress(FileNotFoundError):
        _file(records_folder(database), person_id).unlink()
