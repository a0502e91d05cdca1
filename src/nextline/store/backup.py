"""Back up the whole store to one file, and restore it into a store.

Why each choice:
- **SQLite**: the online backup API (`sqlite3.Connection.backup`) copies a consistent
  snapshot page by page while the web app may be writing; copying the file could catch a
  half-written page or miss what is still in the WAL. The copy is written beside its target
  and renamed into place, 0600, so a half-written or readable-by-all backup never exists.
- **PostgreSQL**: `pg_dump --format=custom` and `pg_restore`, the database's own tools. The
  connection is passed to them in `PG*` environment variables, never on the command line (a
  password in the arguments is visible to every account on the machine through `ps`).
- **Restore never loses the current store silently**: into a store that already holds
  people it is refused unless asked to replace; a replaced SQLite store is first kept beside
  itself as `nextline.db.before-restore-<time>`, a replaced PostgreSQL store in the data
  folder as `postgresql.before-restore-<time>.pgdump`. Writes wait while a restore runs
  (SQLite: its one write transaction; PostgreSQL: the write gate, `store.engine`), so a
  write acknowledged meanwhile is in the kept copy or on the restored store.
- A backup is checked before it is trusted: a SQLite file must pass `PRAGMA
  integrity_check` and hold nextline's tables at a revision this version knows; it is
  brought to the newest schema after the restore.

What a backup holds: every table (people and every version of every record, the trial
catalog, accounts, sharing and the audit log). The caches beside the database (knowledge,
symptom-note readings, trial snapshots) are not part of it: they are rebuilt.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from nextline.errors import StoreError
from nextline.store.files import FILE_MODE, private_database

if TYPE_CHECKING:
    from nextline.settings import Settings

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


@dataclass(frozen=True)
class BackupSummary:
    """What a backup or a restore holds: shown to the person, no health data."""

    path: Path
    database: str  # "sqlite" | "postgresql"
    people: int
    versions: int


def _is_sqlite(settings: Settings) -> bool:
    return settings.effective_database_url.startswith("sqlite")


def _sqlite_path(settings: Settings) -> Path:
    from sqlalchemy import make_url

    database = make_url(settings.effective_database_url).database
    if not database or database == ":memory:":
        raise StoreError("this store is held in memory only: there is nothing to back up")
    return Path(database)


def backup(settings: Settings, out: Path) -> BackupSummary:
    """Write a backup of the store named by `settings` to `out`."""
    from nextline.store.engine import open_engine

    open_engine(settings).dispose()  # the schema is current and the file exists
    if out.exists() and out.is_dir():
        raise StoreError(f"{out} is a folder: give the name of the backup file to write")
    if not out.parent.is_dir():
        raise StoreError(f"the folder {out.parent} does not exist")
    if _is_sqlite(settings):
        return _backup_sqlite(_sqlite_path(settings), out)
    return _backup_postgres(settings, out)


def restore(settings: Settings, source: Path, *, replace: bool = False) -> BackupSummary:
    """Restore the backup `source` into the store named by `settings`."""
    try:
        with source.open("rb") as handle:
            head = handle.read(16)
    except OSError as exc:
        raise StoreError(f"cannot read the backup {source}: {exc.strerror or exc}") from exc
    if head.startswith(SQLITE_MAGIC):
        kind = "sqlite"
    elif head.startswith(PG_MAGIC):
        kind = "postgresql"
    else:
        raise StoreError(
            f"{source} is not a nextline backup (neither a SQLite database nor a "
            "PostgreSQL custom-format dump)"
        )
    target = "sqlite" if _is_sqlite(settings) else "postgresql"
    if kind != target:
        raise StoreError(
            f"{source} is a {kind} backup, but this store is {target}: restore it into a "
            f"{kind} store (NEXTLINE_DATABASE_URL), then copy the people across with "
            "`nextline export` and `nextline import`"
        )
    if kind == "sqlite":
        return _restore_sqlite(settings, source, replace=replace)
    return _restore_postgres(settings, source, replace=replace)


# --- SQLite -------------------------------------------------------------------------------


def _counts(connection: sqlite3.Connection) -> tuple[int, int]:
    people = connection.execute("SELECT count(*) FROM people").fetchone()[0]
    versions = connection.execute("SELECT count(*) FROM record_versions").fetchone()[0]
    return int(people), int(versions)


def _backup_sqlite(database: Path, out: Path) -> BackupSummary:
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        os.fchmod(fd, FILE_MODE)
        os.close(fd)
        source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        copy = sqlite3.connect(tmp)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            people, versions = _counts(copy)
        finally:
            copy.close()
            source.close()
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, out)
    except sqlite3.Error as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"cannot back up the database: {exc}") from exc
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"cannot write the backup {out}: {exc.strerror or exc}") from exc
    return BackupSummary(out, "sqlite", people, versions)


def _known_revisions() -> set[str]:
    from nextline.store.engine import MIGRATIONS

    return {p.stem for p in (MIGRATIONS / "versions").glob("0*.py")}


def _check_sqlite_backup(source: Path) -> tuple[int, int]:
    try:
        connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
            if verdict != "ok":
                raise StoreError(f"the backup {source} is damaged ({verdict})")
            tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
            if not {"people", "record_versions", "alembic_version"} <= tables:
                raise StoreError(f"{source} is a SQLite database, but not a nextline backup")
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            if revision is None or revision[0] not in _known_revisions():
                raise StoreError(
                    f"the backup {source} comes from a newer nextline (schema "
                    f"{revision[0] if revision else 'unknown'}): update nextline first"
                )
            return _counts(connection)
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"the backup {source} cannot be read: {exc}") from exc


def _restore_sqlite(settings: Settings, source: Path, *, replace: bool) -> BackupSummary:
    """Restore in one write transaction on the store itself: writers (the web app, another
    command) wait while the current store is kept aside and the backup's rows replace its
    rows, so a write is either in the kept copy or lands afterwards on the restored store,
    never lost between the two. The backup is first brought to the newest schema in a
    private staging copy, so both hold the same tables and columns."""
    import tempfile

    from nextline.store.engine import LOCK_WAIT_SECONDS, create_db_engine, open_engine

    people, versions = _check_sqlite_backup(source)
    open_engine(settings).dispose()  # the store's folder and file exist, 0700/0600, at head
    database = _sqlite_path(settings)
    with tempfile.TemporaryDirectory(dir=database.parent, prefix=".restore-") as folder:
        staged = Path(folder) / "staged.db"
        _copy_sqlite(source, staged)
        engine = create_db_engine(f"sqlite:///{staged}")
        try:
            from nextline.store.engine import migrate

            migrate(engine)  # a backup from an older nextline is brought up to date
        finally:
            engine.dispose()
        target = sqlite3.connect(database, timeout=LOCK_WAIT_SECONDS, isolation_level=None)
        try:
            target.execute("ATTACH DATABASE ? AS staged", (str(staged),))
            target.execute("BEGIN IMMEDIATE")  # from here on nobody else writes
            try:
                held = target.execute("SELECT count(*) FROM main.people").fetchone()[0]
                if held and not replace:
                    raise StoreError(
                        f"this store already holds {held} "
                        f"{'person' if held == 1 else 'people'}: restoring would replace "
                        "them. Back them up first, then restore with --replace"
                    )
                if held:
                    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
                    kept = database.with_name(f"{database.name}.before-restore-{stamp}")
                    _backup_sqlite(database, kept)  # reads what is stored: nobody can write
                _replace_rows(target)
                target.execute("COMMIT")
            except BaseException:
                target.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise StoreError(f"cannot restore the backup: {exc}") from exc
        finally:
            target.close()
    private_database(database)
    return BackupSummary(source, "sqlite", people, versions)


def _copy_sqlite(source: Path, out: Path) -> None:
    """A private copy of the SQLite database `source` (read only) at `out`."""
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    os.close(fd)
    reading = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    copy = sqlite3.connect(out)
    try:
        reading.backup(copy)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot read the backup {source}: {exc}") from exc
    finally:
        copy.close()
        reading.close()


def _replace_rows(target: sqlite3.Connection) -> None:
    """Every table of `main` emptied and filled from `staged` (same schema), inside the open
    transaction. The audit log's append-only triggers are set aside and put back in it."""
    target.execute("PRAGMA defer_foreign_keys=ON")
    tables = [
        row[0]
        for row in target.execute(
            "SELECT name FROM main.sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    triggers = target.execute(
        "SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger'"
    ).fetchall()
    for name, _ in triggers:
        target.execute(f'DROP TRIGGER main."{name}"')
    for table in tables:
        columns = ", ".join(
            f'"{row[1]}"' for row in target.execute(f'PRAGMA main.table_info("{table}")')
        )
        target.execute(f'DELETE FROM main."{table}"')
        target.execute(
            f'INSERT INTO main."{table}" ({columns}) SELECT {columns} FROM staged."{table}"'
        )
    for _, sql in triggers:
        target.execute(sql)


# --- PostgreSQL ---------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    """`pg_dump` or `pg_restore`: from NEXTLINE_PG_BIN, the PATH, or Debian's folders."""
    folder = os.environ.get("NEXTLINE_PG_BIN")
    if folder and (Path(folder) / name).is_file():
        return str(Path(folder) / name)
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise StoreError(
        f"{name} is not installed: install PostgreSQL's client tools (Debian: "
        "postgresql-client) or set NEXTLINE_PG_BIN to the folder that holds them"
    )


def _pg_environment(url: str) -> tuple[dict[str, str], str | None]:
    """The `PG*` variables for `url`, and the schema its search_path names (if any)."""
    from sqlalchemy import make_url

    parsed = make_url(url)
    env = dict(os.environ)
    query = {k: (v if isinstance(v, str) else v[0]) for k, v in parsed.query.items()}
    host = parsed.host or query.get("host")
    values = {
        "PGHOST": host,
        "PGPORT": str(parsed.port) if parsed.port else query.get("port"),
        "PGUSER": parsed.username,
        "PGPASSWORD": parsed.password if isinstance(parsed.password, str) else None,
        "PGDATABASE": parsed.database,
        "PGSSLMODE": query.get("sslmode"),
    }
    env.update({k: v for k, v in values.items() if v})
    schema = None
    options = unquote(query.get("options", ""))
    for part in options.split():
        if part.startswith("-csearch_path="):
            schema = part.split("=", 1)[1].split(",")[0]
            env["PGOPTIONS"] = part
    return env, schema


def _pg_counts(settings: Settings) -> tuple[int, int]:
    from sqlalchemy import text

    from nextline.store.engine import create_db_engine

    engine = create_db_engine(settings.effective_database_url)
    try:
        with engine.connect() as connection:
            people = connection.execute(text("SELECT count(*) FROM people")).scalar_one()
            versions = connection.execute(text("SELECT count(*) FROM record_versions")).scalar_one()
    finally:
        engine.dispose()
    return int(people), int(versions)


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise StoreError(f"{what} failed: {detail[-1] if detail else 'no message'}")


def _backup_postgres(settings: Settings, out: Path) -> BackupSummary:
    env, schema = _pg_environment(settings.effective_database_url)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    command = [_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={tmp}"]
    if schema:
        command.append(f"--schema={schema}")
    try:
        _run(command, env, "pg_dump")
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    people, versions = _pg_counts(settings)
    return BackupSummary(out, "postgresql", people, versions)


def _restore_postgres(settings: Settings, source: Path, *, replace: bool) -> BackupSummary:
    """Restore through the write gate (`store.engine.HOLD_GATE`): the writes under way
    finish first and the writes that come meanwhile wait, while the current store is kept
    aside (`postgresql.before-restore-<time>.pgdump` in the data folder, 0600) and the
    backup replaces it. So a write is either in the kept copy or lands afterwards on the
    restored store, never in neither, as for SQLite."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import OperationalError

    from nextline.store.engine import HOLD_GATE, OPEN_GATE, create_db_engine, migrate

    engine = create_db_engine(settings.effective_database_url)
    try:
        with engine.connect() as gate:
            gate.exec_driver_sql(HOLD_GATE)  # held by this session until it is let go
            gate.commit()
            try:
                _restore_postgres_held(settings, source, replace, inspect(engine))
                migrate(engine)
            finally:
                gate.exec_driver_sql(OPEN_GATE)
                gate.commit()
    except OperationalError as exc:
        raise StoreError(f"cannot restore the backup: {str(exc.orig).strip()}") from exc
    finally:
        engine.dispose()
    people, versions = _pg_counts(settings)
    return BackupSummary(source, "postgresql", people, versions)


def _restore_postgres_held(settings: Settings, source: Path, replace: bool, found: Any) -> None:
    from nextline.store.files import private_folder

    has_people = "people" in found.get_table_names()
    if has_people:
        held, _ = _pg_counts(settings)
        if held and not replace:
            raise StoreError(
                f"this store already holds {held} {'person' if held == 1 else 'people'}: "
                "restoring would replace them. Back them up first, then restore with --replace"
            )
        if held:
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
            private_folder(settings.data_dir)
            _backup_postgres(
                settings, settings.data_dir / f"postgresql.before-restore-{stamp}.pgdump"
            )
    env, _schema = _pg_environment(settings.effective_database_url)
    command = [_pg_tool("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction"]
    if has_people:
        command += ["--clean", "--if-exists"]
    _run([*command, f"--dbname={env.get('PGDATABASE', '')}", str(source)], env, "pg_restore")
