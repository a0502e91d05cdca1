"""Open the database and bring its schema to the newest Alembic revision."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect, make_url, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from nextline.errors import StoreError
from nextline.settings import Settings
from nextline.store.files import private_database, private_folder
from nextline.store.revision import HEAD_REVISION as HEAD_REVISION

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.orm import Session

MIGRATIONS = Path(__file__).parent / "migrations"


def _alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except OperationalError:
        return None
    except ProgrammingError:  # PostgreSQL: no such table yet
        return None
    return str(rows[0][0]) if len(rows) == 1 else None


def alembic_head() -> str | None:
    """The head revision as Alembic reads it from the migration scripts."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config("sqlite://")).get_current_head()


def migrate(engine: Engine) -> None:
    """Upgrade the schema to head (cheap when it is already there)."""
    if _current_revision(engine) == HEAD_REVISION:
        return
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = _alembic_config(engine.url.render_as_string(hide_password=False))
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current == head:
        return
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def fold_text(text: str) -> str:
    """`text` case-folded and without accents, as people type a name: "nunez" finds
    "Núñez", "strasse" finds "STRAẞE"."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# How long a write waits for a lock another program holds (a second app, a backup tool, a
# stuck session) before it is refused as "busy": on SQLite the busy timeout, on PostgreSQL
# `lock_timeout` (without it a locked row or table made a request wait forever).
LOCK_WAIT_SECONDS = 30.0


def create_db_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets foreign keys and a busy timeout, PostgreSQL the same
    bounded wait for locks (`LOCK_WAIT_SECONDS`)."""
    wait = LOCK_WAIT_SECONDS
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": wait})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "postgresql":

        @event.listens_for(engine, "connect")
        def _lock_wait(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute(f"SET lock_timeout = {max(1, int(wait * 1000))}")
            cursor.close()
            dbapi_connection.commit()

    return engine


def open_engine(settings: Settings) -> Engine:
    """Create the data folder if needed (0700), connect, and migrate. A SQLite database and
    its WAL/SHM files are 0600 whatever the umask (`nextline.store.files`)."""
    url = settings.effective_database_url
    if url.startswith("sqlite:///"):
        try:
            private_folder(settings.data_dir)
            database = make_url(url).database
            if database and database != ":memory:":
                private_folder(Path(database).parent)
                private_database(Path(database))
        except OSError as exc:
            raise StoreError(f"cannot create the data folder {settings.data_dir}: {exc}") from exc
    try:
        engine = create_db_engine(url)
        migrate(engine)
    except StoreError:
        raise
    except Exception as exc:
        raise StoreError(f"cannot open the database: {type(exc).__name__}: {exc}") from exc
    return engine


def table_names(engine: Engine) -> list[str]:
    return sorted(inspect(engine).get_table_names())


# PostgreSQL: the gate every write passes. Each write transaction holds this advisory lock
# shared; a restore holds it alone (`store.backup`), so it waits for the writes under way to
# commit and the writes that come meanwhile wait for it (up to `LOCK_WAIT_SECONDS`, then
# "busy"). One lock per schema, so stores in two schemas of one database do not wait on each
# other. Without it a write acknowledged between the copy kept before a restore and the
# restore itself was in neither.
_GATE_KEY = "hashtext('nextline-writes'), hashtext(current_schema())"
WRITE_GATE = f"SELECT pg_advisory_xact_lock_shared({_GATE_KEY})"
HOLD_GATE = f"SELECT pg_advisory_lock({_GATE_KEY})"
OPEN_GATE = f"SELECT pg_advisory_unlock({_GATE_KEY})"


@contextmanager
def write_transaction(engine: Engine, *, expire_on_commit: bool = True) -> Iterator[Session]:
    """One write transaction that holds the write lock from its first statement.

    SQLite: `BEGIN IMMEDIATE`, so two writers queue on the busy timeout instead of both
    reading the same row and one failing on commit (PostgreSQL: the caller's `FOR UPDATE`
    or conditional UPDATEs decide, after the restore gate, `WRITE_GATE`). A busy or
    unreachable database is a StoreError.
    """
    from sqlalchemy.exc import InternalError
    from sqlalchemy.orm import Session

    with Session(engine, expire_on_commit=expire_on_commit) as session:
        try:
            if engine.dialect.name == "sqlite":
                session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            elif engine.dialect.name == "postgresql":
                session.connection().exec_driver_sql(WRITE_GATE)
            yield session
            session.commit()
        except (OperationalError, InternalError) as exc:
            _rollback(session)
            raise StoreError(write_failure(str(exc.orig))) from exc
        except OSError as exc:
            _rollback(session)
            raise StoreError(write_failure(exc.strerror or str(exc), exc.errno)) from exc
        except BaseException:
            _rollback(session)
            raise


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Session]:
    """A session for reading: a database that is locked past the wait, unreachable or
    failing is a StoreError that says so."""
    from sqlalchemy.exc import InternalError
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        try:
            yield session
        except (OperationalError, InternalError) as exc:
            _rollback(session)
            said = write_failure(str(exc.orig)).replace("could not be written", "could not be read")
            raise StoreError(said) from exc


def _rollback(session: Session) -> None:
    """Roll back; a database that fails even that (a vanished disk) has stored nothing of
    this transaction either, so the first error is the one to report."""
    import contextlib

    with contextlib.suppress(Exception):
        session.rollback()


def write_failure(reason: str, code: int | None = None) -> str:
    """A refused write in words a person can act on: a full disk, a read-only database, a
    busy one, or the driver's own reason. Always says that nothing was stored."""
    import errno

    reason = (reason.strip().splitlines() or [""])[0]  # PostgreSQL adds the statement's lines
    said = reason.lower()
    if code == errno.ENOSPC or "disk is full" in said or "no space left" in said:
        what = "the disk is full; free some space and try again"
    elif (
        code in (errno.EROFS, errno.EACCES, errno.EPERM)
        or "readonly" in said
        or ("read-only" in said)
    ):
        what = (
            "the database is read-only (its file, its folder or the disk cannot be written); "
            f"ask whoever set it up ({reason})"
        )
    elif "locked" in said or "busy" in said or "lock timeout" in said:
        what = f"the database is busy; try again in a moment ({reason})"
    else:
        what = f"the database could not be written: {reason}"
    return f"{what}; nothing was stored"
