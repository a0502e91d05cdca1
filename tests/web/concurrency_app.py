"""An app over the example person Maria on SQLite or on a private PostgreSQL schema (the
`database_url` fixture), for the tests where writers meet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from nextline.settings import Settings
from tests.web.conftest import MARIA, make_app


def app_on(tmp_path: Path, database: str | None, people: tuple[str, ...] = (MARIA,)) -> Any:
    """The app, its store on `database` (None: the SQLite file in the data folder)."""
    if database is None:
        return make_app(tmp_path / "home", people=people, trials=False)
    original = Settings.__init__

    def settings_with_database(self, **kwargs):  # type: ignore[no-untyped-def]
        original(self, **{"database_url": database, **kwargs})

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Settings, "__init__", settings_with_database)
        return make_app(tmp_path / "home", people=people, trials=False)
