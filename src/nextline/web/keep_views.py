"""Compute and keep people's dashboards before anyone asks, so a first view costs what a
repeat view does: one read of the kept page (`store.views.PageRows`), not a computation.

Who calls it:
- `nextline web keep-views`, the step a program's nightly job runs after `nextline trials
  rematch` (every stored person, or the most recently changed);
- the keeper process beside every `nextline serve` (`web.keeper`): everyone at start, then
  each person as they change; one keeper per data folder (a lock file in it), the server
  processes read what it kept.

What is kept: the dashboard's computed content (`store.views.ViewRows`, read by every
process and any viewer) and, in local mode, the drawn page for the one local user. In
server mode the page depends on who looks (their name, what they may do), so each account's
page is drawn at its first view; the content is already kept, so that costs a draw, not a
computation. Nothing is logged; what is kept lives only where the record lives and is
deleted with it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

    from nextline.store import RecordStore

LOCK_FILE = "keep-views.lock"


@dataclass(frozen=True)
class Kept:
    """What one run did: people looked at, dashboards computed, pages drawn."""

    people: int
    computed: int
    drawn: int


def recently_changed(store: RecordStore, limit: int | None) -> list[str]:
    """Stored people's ids, the one whose latest version was stored last first (all of them
    when `limit` is None)."""
    return [person for person, _ in changed_after(store, 0, limit)]


def changed_after(
    store: RecordStore, after: int, limit: int | None = None
) -> list[tuple[str, int]]:
    """The people with a version stored after row id `after`, the one whose latest version
    was stored last first, each with that version's row id (the keeper's next look starts
    from the first one's). By the versions' row ids, which only grow: exact, where the
    people's `updated_at` holds whole seconds."""
    from sqlalchemy import func, select

    from nextline.store.tables import RecordVersion

    last = func.max(RecordVersion.id)
    query = (
        select(RecordVersion.person_id, last)
        .where(RecordVersion.id > after)
        .group_by(RecordVersion.person_id)
        .order_by(last.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    with store.engine.connect() as connection:
        return [(str(person), int(newest)) for person, newest in connection.execute(query)]


def keep_views(app: FastAPI, person_ids: Iterable[str]) -> Kept:
    """Keep today's dashboard of each person (content, and the local user's page in local
    mode); a person kept already for their latest version, today and this code is read,
    not computed again. A person deleted meanwhile is passed over."""
    from nextline.errors import NotFound

    state = app.state.web
    local = not app.state.accounts.any_accounts()
    people = computed = drawn = 0
    for person_id in person_ids:
        people += 1
        try:
            fresh = state.views_of(person_id)[1].dashboard is None
            if fresh:
                state.dashboard_views(person_id)
            computed += fresh
            if local and _draw_local_page(app, person_id):
                drawn += 1
        except NotFound:
            continue
    return Kept(people, computed, drawn)


def _draw_local_page(app: FastAPI, person_id: str) -> bool:
    """Draw and keep the local user's dashboard page, as the route would for a plain GET
    (False when a page was kept already)."""
    from starlette.requests import Request

    from nextline.accounts.principal import Principal
    from nextline.web.page_cache import page_key
    from nextline.web.pages import dashboard

    state = app.state.web
    scope: dict[str, Any] = {
        "type": "http",
        "method": "GET",
        "scheme": "http",
        "path": f"/people/{person_id}",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1")],
        "app": app,
        "path_params": {"person_id": person_id},
        "client": None,
        "server": ("127.0.0.1", 80),
        "state": {},
    }
    request = Request(scope)
    request.state.principal = Principal.local()
    request.state.server_mode = False
    request.state.csrf_token = "0" * 64  # joined into the answer, which is dropped
    key, _ = page_key(request, state, state.latest(person_id).key)
    if state.kept_page(key) is not None:
        return False
    dashboard(request, person_id)
    return True


@contextlib.contextmanager
def only_one(data_dir: Path) -> Iterator[bool]:
    """True for the one process holding the data folder's keep-views lock (others get False
    at once and do nothing: they read what the holder keeps)."""
    import fcntl

    try:
        handle = (data_dir / LOCK_FILE).open("a")
    except OSError:
        yield False
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


__all__ = ["Kept", "changed_after", "keep_views", "only_one", "recently_changed"]
