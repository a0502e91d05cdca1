"""Configuration as one typed object, built when called (never at import).

Environment variables carry the `NEXTLINE_` prefix. Defaults are safe: data in the user's
data folder, the web app bound to loopback.
"""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_home() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("nextline", appauthor=False))


class Settings(BaseSettings):
    """Where nextline keeps things and how it serves them."""

    model_config = SettingsConfigDict(env_prefix="NEXTLINE_", extra="ignore")

    home: Path | None = None
    database_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8321
    # The address people open nextline at in server mode (e.g. https://nextline.example.org),
    # for the links `nextline admin` prints; default http://HOST:PORT.
    base_url: str | None = None

    @property
    def data_dir(self) -> Path:
        """The folder that holds the embedded database (created on first use)."""
        return self.home if self.home is not None else _default_home()

    @property
    def effective_database_url(self) -> str:
        """PostgreSQL when `NEXTLINE_DATABASE_URL` is set, else SQLite in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'nextline.db'}"
