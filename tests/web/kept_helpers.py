"""What the tests of kept dashboards share (`test_kept_views`, `test_keep_views`,
`test_page_cache`): reading a page's heading, renaming a person in their file, a second app
instance on the same store (another server process), and the kept rows of a table."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from nextline.settings import Settings
from nextline.web import create_app
from tests.web.conftest import AS_OF


def heading(html: str) -> str:
    """The page's `<h1>` text."""
    found = re.search(r"<h1>(.*?)</h1>", html)
    assert found is not None
    return found.group(1)


def renamed(name: str) -> Callable[[Any], Any]:
    """A change to a patient file that gives the person another name."""
    return lambda f: f.model_copy(update={"patient": f.patient.model_copy(update={"name": name})})


def app_at(home: Path, as_of: dt.date = AS_OF) -> Any:
    """Another app instance on the store in `home`: what a second server process sees."""
    return create_app(Settings(home=home), as_of=as_of)


def kept_rows(app: Any, table: Any) -> list[tuple[str, int, dt.date]]:
    """The (person, version, day) of every row of a kept-views table, sorted."""
    with app.state.web.store.engine.connect() as connection:
        found = connection.execute(select(table.person_id, table.version, table.day)).all()
    return sorted((p, v, d) for p, v, d in found)
