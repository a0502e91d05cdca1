"""Files that hold health data are private to the person who runs nextline.

Why here and not left to the umask: a common umask (022) makes new files readable by every
account on the machine. The data folder is made 0700, and the database (with SQLite's WAL
and shared-memory files) and every file nextline writes on request (`export -o`,
`report -o`, an import report) 0600, whatever the umask says.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def private_folder(folder: Path) -> None:
    """Create `folder` (and its parents) if needed and make it 0700."""
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, FOLDER_MODE)


def private_database(path: Path) -> None:
    """Create the SQLite file as 0600 before SQLite does (SQLite gives its WAL and
    shared-memory files the database file's mode), and tighten any that already exist."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    for suffix in SQLITE_COMPANIONS[1:]:
        with contextlib.suppress(FileNotFoundError):
            os.chmod(f"{path}{suffix}", FILE_MODE)


def write_private(out: Path, data: bytes) -> Path:
    """Write `data` to `out` as a 0600 file, all or nothing (a temporary file, then a
    rename), so a half-written or world-readable copy never exists."""
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:  # a full disk: say which file could not be written
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise OSError(exc.errno, exc.strerror or str(exc), str(out)) from exc
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    os.replace(tmp, out)
    return out
