"""Read one stored person's latest record from the embedded SQLite file without SQLAlchemy.

Why: `status`, `options`, `questions` and `show` read one row. Importing SQLAlchemy and the
settings library costs more than everything else such a command does, so the reading
commands first try this path with Python's own `sqlite3` driver.

It only ever reads, and only when nothing is unusual: the embedded database is in use (no
`NEXTLINE_DATABASE_URL`), its file exists, and its schema is already at the newest revision.
Anything else (PostgreSQL, no database yet, a schema that needs migrating, a person not
stored, any driver error) returns None, and the caller takes the ordinary `RecordStore`
path, which migrates, creates and reports errors as before. The content returned is the
same text `RecordStore.get` validates, so the record built from it is the same.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from nextline.store.revision import HEAD_REVISION

VERSION_LIMIT = 2**31 - 1  # as `RecordStore`: no stored version is beyond a 32-bit integer


def _environment() -> dict[str, str]:
    # pydantic-settings reads `NEXTLINE_*` case-insensitively; so does this
    return {k.upper(): v for k, v in os.environ.items() if k.upper().startswith("NEXTLINE_")}


def embedded_database() -> Path | None:
    """The SQLite file the settings point at, or None when another database is configured."""
    env = _environment()
    if env.get("NEXTLINE_DATABASE_URL"):
        return None
    home = env.get("NEXTLINE_HOME")
    if home is None:
        from platformdirs import user_data_dir

        # as `Settings.data_dir` (a test holds them equal), without importing the settings
        folder = Path(user_data_dir("nextline", appauthor=False))
    elif home.strip():
        folder = Path(home)
    else:
        return None  # an empty setting: leave its meaning to the settings object
    return folder / "nextline.db"


def _connect() -> sqlite3.Connection | None:
    """A connection to the embedded database when it exists and its schema is at head."""
    path = embedded_database()
    if path is None or not path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"{path.as_uri()}?mode=rw", uri=True, timeout=30)
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.Error:
        return None
    if revision != [(HEAD_REVISION,)]:
        connection.close()
        return None
    return connection


def trial_count() -> int | None:
    """How many trials the embedded catalog holds, or None when the ordinary path must say."""
    connection = _connect()
    if connection is None:
        return None
    try:
        return int(connection.execute("SELECT count(*) FROM trials").fetchone()[0])
    except sqlite3.Error:
        return None
    finally:
        connection.close()


def latest_content(person_id: str) -> tuple[str, int] | None:
    """(the stored JSON text, its version) of `person_id`'s latest record, or None when the
    ordinary path must answer (see the module docstring)."""
    connection = _connect()
    if connection is None:
        return None
    try:
        person = connection.execute(
            "SELECT latest_version FROM people WHERE id = ?", (person_id,)
        ).fetchone()
        if person is None or not 0 < person[0] <= VERSION_LIMIT:
            return None
        row = connection.execute(
            "SELECT content FROM record_versions WHERE person_id = ? AND version = ?",
            (person_id, person[0]),
        ).fetchone()
        return None if row is None else (str(row[0]), int(person[0]))
    except sqlite3.Error:
        return None
    finally:
        connection.close()
