"""Do at start what a server process would otherwise do in its first request.

Why: the first dashboard a new server process answered took about 0.2 s where the next took
2 to 7 ms, with the dashboard kept ahead: building the access check's route table (FastAPI
works out every route's parameters on first use, about 0.23 s of CPU), compiling the
store's queries, and importing what a kept dashboard is made of when it is read back. In
the background at start (with the people page's and the dashboard's templates compiled),
the first person to open them does not wait for them.
Nothing is computed, drawn or written: it only reads.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

log = logging.getLogger("nextline.web")

FIRST_PAGES = ("people.html", "dashboard.html")  # the pages a person opens first


def prepare(app: FastAPI) -> None:
    """Build the route table and read the dashboard of the person changed last the way a
    request does (the kept view and the kept page when there are some; else the record)."""
    from nextline.store.views import StoredPageKey
    from nextline.web.access_check import route_entries
    from nextline.web.keep_views import recently_changed

    if getattr(app.state, "route_entries", None) is None:
        app.state.route_entries = route_entries(app.routes)
    for page in FIRST_PAGES:  # compiled once, kept by Jinja
        app.state.templates.get_template(page)
    state = app.state.web
    for person in recently_changed(state.store, 1):
        latest, _ = state.views_of(person)
        pages = state.kept_pages()
        if pages is not None:
            pages.read(StoredPageKey(state.stored_key(latest.key), "0" * 64, "0" * 64))


def prepare_in_background(app: FastAPI) -> threading.Thread:
    def _prepare() -> None:
        try:
            prepare(app)
        except Exception as exc:  # a start-up nicety, never fatal; no health data
            log.warning("preparing the first request stopped: %s", type(exc).__name__)

    thread = threading.Thread(target=_prepare, name="nextline-first-request", daemon=True)
    thread.start()
    return thread


__all__ = ["prepare", "prepare_in_background"]
