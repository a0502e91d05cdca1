"""Local or server mode, decided from the store: server mode once any account exists.

Why a module of its own: `nextline serve` asks this before anything starts, for a
non-loopback address only, and must not create a database just to learn that it is empty
(an embedded SQLite file that does not exist yet holds no accounts).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nextline.settings import Settings


def accounts_exist(settings: Settings) -> bool:
    """Whether the store of these settings holds at least one account (server mode)."""
    from sqlalchemy import make_url

    url = settings.effective_database_url
    if url.startswith("sqlite"):
        database = make_url(url).database
        if not database or database == ":memory:" or not Path(database).exists():
            return False
    from nextline.accounts.store import AccountStore
    from nextline.store import open_engine

    engine = open_engine(settings)
    try:
        return AccountStore(engine).any_accounts()
    finally:
        engine.dispose()
