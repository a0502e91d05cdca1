"""Each person's dashboard as last computed, kept in the database beside the record.

Why: computing a dashboard (build the record, assess, list options, prepare questions) costs
about 5 ms of CPU, reading it back about 0.5 ms. Kept in memory only (`web.view_cache`), it
is computed again by every server process and after every restart; kept here, the first
process to show a person's dashboard on a day computes it and every other reads it with one
query by primary key.

Never trusted blindly. A row holds what it was computed from: the record version, a digest
of that stored version (content, note, time), the as-of date, and the code key (the source
of the code and the knowledge base's content key; `web.view_cache.code_key`). A reader
asks with the key it expects and takes the row only when every part matches: a new save
from any process, another day, or new code or knowledge is a miss, so a stale view is never
found rather than ever invalidated. One row per person, replaced when a newer one is
computed, so the table holds at most one view per person.

The payload is a pickle, so it is signed: an HMAC-SHA256 over the key and the payload with a
secret kept in the data folder (`view-secret`, 0600, made on first use). A row that does not
verify (written by a process with another secret, or by anyone without it) is a miss and is
never unpickled. Processes on other machines that do not share the data folder each compute
and write their own rows (correct, only not shared).

Health data: the view is derived from the person's record and lives only where the record
lives; it is deleted with the person (`RecordStore.delete`). Nothing is logged.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import hmac
import os
import pickle
import secrets
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nextline.store.files import FILE_MODE

if TYPE_CHECKING:
    from sqlalchemy import Engine

SECRET_FILE = "view-secret"
SECRET_BYTES = 32
VIEW_FORMAT = "1"  # bump when what is pickled changes shape beyond what the code key shows


@dataclass(frozen=True)
class StoredViewKey:
    """What a kept view was computed from (see the module docstring)."""

    person_id: str
    version: int
    digest: str
    day: dt.date
    code: str

    def signed_part(self) -> bytes:
        return "\0".join(
            [
                VIEW_FORMAT,
                self.person_id,
                str(self.version),
                self.digest,
                self.day.isoformat(),
                self.code,
            ]
        ).encode("utf-8")


def view_secret(data_dir: Path) -> bytes | None:
    """The secret that signs the kept views, made on first use (0600, written once: two
    processes starting together agree on the one that landed). None when the data folder
    cannot hold it: then views are not kept in the database."""
    from nextline.store.files import private_folder

    try:
        private_folder(data_dir)  # PostgreSQL deployments may not have made it yet
    except OSError:
        return None
    path = data_dir / SECRET_FILE
    for _ in range(2):
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            pass
        except OSError:
            return None
        else:
            if len(data) == SECRET_BYTES and (os.stat(path).st_mode & 0o077) == 0:
                return data
            if not _left_by_a_killed_process(path, data):
                return None  # damaged or readable by others: not trusted
            with contextlib.suppress(OSError):
                path.unlink()
        if not _write_once(path):
            return None
    with contextlib.suppress(OSError):
        data = path.read_bytes()
        if len(data) == SECRET_BYTES:
            return data
    return None


# An older nextline wrote the secret into the file it had just created, so a process killed
# between the two left it short; after this long no writer can still be finishing it.
STALE_AFTER_S = 60


def _left_by_a_killed_process(path: Path, data: bytes) -> bool:
    import time

    try:
        age = time.time() - os.stat(path).st_mtime
    except OSError:
        return False
    return len(data) < SECRET_BYTES and age > STALE_AFTER_S


def _write_once(path: Path) -> bool:
    """Write a new secret whole, then give it its name only if none exists (a hard link
    fails on an existing name), so no process ever reads a half-written secret. False when
    the folder cannot hold it; True also when another process's secret landed first."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        try:
            os.write(fd, secrets.token_bytes(SECRET_BYTES))
            os.fsync(fd)
        finally:
            os.close(fd)
        with contextlib.suppress(FileExistsError):  # another process's landed first: theirs
            os.link(tmp, path)
        return True
    except OSError:
        return False
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


class ViewRows:
    """Read and write the kept views with one secret."""

    def __init__(self, engine: Engine, secret: bytes) -> None:
        self.engine = engine
        self._secret = secret

    def _mac(self, key: StoredViewKey, payload: bytes) -> str:
        digest = hmac.new(self._secret, key.signed_part() + b"\0", hashlib.sha256)
        digest.update(payload)
        return digest.hexdigest()

    def read(self, key: StoredViewKey) -> object | None:
        """The view kept for exactly this key, or None (none kept, another key, or a row
        that does not verify)."""
        with self.engine.connect() as connection:
            row = connection.execute(_select(), {"person_id": key.person_id}).one_or_none()
        if row is None:
            return None
        version, digest, day, code, mac, payload = row
        if (version, digest, day, code) != (key.version, key.digest, key.day, key.code):
            return None
        if not hmac.compare_digest(str(mac), self._mac(key, bytes(payload))):
            return None
        try:
            found: object = pickle.loads(zlib.decompress(bytes(payload)))
            return found
        except Exception:  # a row from other code that still verified: recompute
            return None

    def write(self, key: StoredViewKey, value: object) -> bool:
        """Keep `value` as the person's view (replacing any other). False, and nothing kept,
        when the person is no longer stored or the database refuses the write."""
        from sqlalchemy.exc import IntegrityError, OperationalError

        payload = zlib.compress(pickle.dumps(value, protocol=5), 1)
        values = {
            "person_id": key.person_id,
            "version": key.version,
            "digest": key.digest,
            "day": key.day,
            "code": key.code,
            "mac": self._mac(key, payload),
            "payload": payload,
        }
        try:
            with self.engine.begin() as connection:
                connection.execute(_upsert(self.engine.dialect.name), values)
        except (IntegrityError, OperationalError):
            return False  # deleted meanwhile, or busy: computed again next time
        return True


@functools.cache
def _upsert(dialect: str) -> Any:
    """INSERT the person's row, or UPDATE it when there is one (both dialects say it alike),
    with the values bound at each call; built once, as building costs more than running."""
    from nextline.store.tables import DashboardViewRow as Row

    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        pg = pg_insert(Row)
        return pg.on_conflict_do_update(
            index_elements=[Row.person_id], set_={c: pg.excluded[c] for c in _CHANGED}
        )
    from sqlalchemy.dialects.sqlite import insert as lite_insert

    lite = lite_insert(Row)
    return lite.on_conflict_do_update(
        index_elements=[Row.person_id], set_={c: lite.excluded[c] for c in _CHANGED}
    )


_CHANGED = ("version", "digest", "day", "code", "mac", "payload")


@functools.cache
def _select() -> Any:
    from sqlalchemy import bindparam, select

    from nextline.store.tables import DashboardViewRow as Row

    return select(Row.version, Row.digest, Row.day, Row.code, Row.mac, Row.payload).where(
        Row.person_id == bindparam("person_id")
    )


@dataclass(frozen=True)
class StoredPageKey:
    """What a kept dashboard page was drawn from: the view's key, a digest of the viewer
    (who asks, as far as the page shows it) and a digest of the trials box's content."""

    view: StoredViewKey
    viewer: str
    trials: str

    def signed_part(self) -> bytes:
        return self.view.signed_part() + f"\0page\0{self.viewer}\0{self.trials}".encode()


def pack_parts(parts: tuple[bytes, ...]) -> bytes:
    """A page cut where its token goes, as one value: each part after its length."""
    return b"".join(len(part).to_bytes(4, "big") + part for part in parts)


def unpack_parts(packed: bytes) -> tuple[bytes, ...]:
    """`pack_parts` undone (ValueError for bytes it did not make)."""
    parts: list[bytes] = []
    at = 0
    while at < len(packed):
        if at + 4 > len(packed):
            raise ValueError("page: cut short")
        size = int.from_bytes(packed[at : at + 4], "big")
        at += 4
        if at + size > len(packed):
            raise ValueError("page: cut short")
        parts.append(packed[at : at + size])
        at += size
    return tuple(parts)


class PageRows:
    """Read and write the kept dashboard pages with the views' secret. A page is HTML put
    out as it is, so a row that does not verify is never answered."""

    def __init__(self, engine: Engine, secret: bytes) -> None:
        self.engine = engine
        self._secret = secret

    def _mac(self, key: StoredPageKey, payload: bytes) -> str:
        digest = hmac.new(self._secret, key.signed_part() + b"\0", hashlib.sha256)
        digest.update(payload)
        return digest.hexdigest()

    def read(self, key: StoredPageKey) -> tuple[bytes, ...] | None:
        """The page kept for exactly this key, cut where its token goes, or None."""
        with self.engine.connect() as connection:
            row = connection.execute(
                _select_page(), {"person_id": key.view.person_id, "viewer": key.viewer}
            ).one_or_none()
        if row is None:
            return None
        version, digest, day, code, trials, mac, payload = row
        view = key.view
        if (version, digest, day, code, trials) != (
            view.version,
            view.digest,
            view.day,
            view.code,
            key.trials,
        ):
            return None
        if not hmac.compare_digest(str(mac), self._mac(key, bytes(payload))):
            return None
        try:
            return unpack_parts(zlib.decompress(bytes(payload)))
        except (ValueError, zlib.error):
            return None

    def write(self, key: StoredPageKey, parts: tuple[bytes, ...]) -> bool:
        """Keep the page (replacing this viewer's other one). False, and nothing kept, when
        the person is no longer stored or the database refuses the write."""
        from sqlalchemy.exc import IntegrityError, OperationalError

        payload = zlib.compress(pack_parts(parts), 1)
        view = key.view
        values = {
            "person_id": view.person_id,
            "viewer": key.viewer,
            "version": view.version,
            "digest": view.digest,
            "day": view.day,
            "code": view.code,
            "trials": key.trials,
            "mac": self._mac(key, payload),
            "page": payload,
        }
        try:
            with self.engine.begin() as connection:
                connection.execute(_upsert_page(self.engine.dialect.name), values)
        except (IntegrityError, OperationalError):
            return False
        return True


_PAGE_CHANGED = ("version", "digest", "day", "code", "trials", "mac", "page")


@functools.cache
def _upsert_page(dialect: str) -> Any:
    from nextline.store.tables import DashboardPageRow as Row

    keys = [Row.person_id, Row.viewer]
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        pg = pg_insert(Row)
        return pg.on_conflict_do_update(
            index_elements=keys, set_={c: pg.excluded[c] for c in _PAGE_CHANGED}
        )
    from sqlalchemy.dialects.sqlite import insert as lite_insert

    lite = lite_insert(Row)
    return lite.on_conflict_do_update(
        index_elements=keys, set_={c: lite.excluded[c] for c in _PAGE_CHANGED}
    )


@functools.cache
def _select_page() -> Any:
    from sqlalchemy import bindparam, select

    from nextline.store.tables import DashboardPageRow as Row

    return select(Row.version, Row.digest, Row.day, Row.code, Row.trials, Row.mac, Row.page).where(
        (Row.person_id == bindparam("person_id")) & (Row.viewer == bindparam("viewer"))
    )


__all__ = [
    "PageRows",
    "StoredPageKey",
    "StoredViewKey",
    "ViewRows",
    "pack_parts",
    "unpack_parts",
    "view_secret",
]
