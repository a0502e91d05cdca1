"""Server mode is on exactly when an account exists; asking never creates a database."""

from __future__ import annotations

from pathlib import Path

from nextline.accounts.mode import accounts_exist
from nextline.accounts.store import AccountStore
from nextline.settings import Settings
from nextline.store import open_engine


def test_a_missing_sqlite_file_means_local_mode_and_stays_missing(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "nowhere")
    assert accounts_exist(settings) is False
    assert not (tmp_path / "nowhere").exists()


def test_server_mode_follows_the_first_account(database_url: str | None, tmp_path: Path) -> None:
    settings = Settings(database_url=database_url) if database_url else Settings(home=tmp_path)
    engine = open_engine(settings)
    assert accounts_exist(settings) is False
    AccountStore(engine).create_account("boss", "Admin", password=None, is_admin=True)
    assert accounts_exist(settings) is True
    engine.dispose()
