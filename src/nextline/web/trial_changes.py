"""The dashboard's "new trials that may fit since <date>" box, from the same kept snapshot
`nextline trials changes` uses (`trials/history.py`).

Why this shape: matching the whole catalog takes a second or more on a small machine, so the
dashboard never runs it. The trials page runs the match; its result is remembered here (per
person, for that record version, date and catalog), and the dashboard compares it with the
kept snapshot, which is one small file. When no match is remembered for the record as it is
now (the app just started, or the record changed since), the dashboard says when trials were
last checked and points to the trials page. "Mark as seen" keeps the remembered match as the
new snapshot, as `nextline trials changes` does after it prints.

Holds trial ids, titles and verdicts only, like the snapshot itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from nextline.trials.history import (
    Changes,
    Snapshot,
    compare,
    load_snapshot,
    save_snapshot,
    snapshot,
)
from nextline.web.editing import read_form
from nextline.web.trial_pages import PER_PAGE

if TYPE_CHECKING:
    from nextline.web.state import WebState

router = APIRouter(include_in_schema=False)

SHOWN_PER_LIST = 5  # the dashboard lists a few; the trials page has them all


@dataclass(frozen=True)
class _Remembered:
    # the stored version the match was made for, by its digest (content, note, time), not
    # its number alone: a new record under a deleted person's id starts again at version 1
    digest: str
    day: dt.date
    snap: Snapshot


@dataclass(frozen=True)
class DashboardChanges:
    """What the dashboard box shows. `changes` is None when no current match is remembered
    (then only `checked_on`, the kept snapshot's date, is known)."""

    checked_on: str | None  # as-of date of the kept snapshot
    changes: Changes | None
    fits_now: int
    # the trials page (10 a page, in the remembered order) each trial that may fit is on,
    # so a link lands on the page that holds it
    pages: dict[str, int] = field(default_factory=dict)


def remember(
    state: WebState,
    person_id: str,
    day: dt.date,
    matches: Sequence[Any],
    catalog_updated: str | None,
) -> None:
    """Keep the trials page's match (the default list: no distance or phase filter). The
    first time a person's trials are matched, it also becomes the kept snapshot, so later
    changes have something to be compared with."""
    digest = state.latest(person_id).key.digest
    snap = snapshot(matches, day.isoformat(), catalog_updated)
    state.remembered_matches[person_id] = _Remembered(digest, day, snap)
    folder = state.settings.data_dir
    if load_snapshot(folder, person_id) is None:
        save_snapshot(folder, person_id, snap)


def _current(state: WebState, person_id: str, day: dt.date) -> _Remembered | None:
    """The remembered match when it was made for the record as it is now, on this date."""
    from nextline.errors import NotFound

    remembered = state.remembered_matches.get(person_id)
    if not isinstance(remembered, _Remembered) or remembered.day != day:
        return None
    try:
        if remembered.digest != state.latest(person_id).key.digest:
            return None
    except NotFound:
        return None
    return remembered


def dashboard_changes(state: WebState, person_id: str, day: dt.date) -> DashboardChanges | None:
    """The box's content; None when trials were never matched for this person."""
    kept = load_snapshot(state.settings.data_dir, person_id)
    if kept is None:
        return None
    current = _current(state, person_id, day)
    if current is None:
        return DashboardChanges(checked_on=kept.as_of, changes=None, fits_now=len(kept.fits))
    return DashboardChanges(
        checked_on=kept.as_of,
        changes=compare(kept, current.snap),
        fits_now=len(current.snap.fits),
        pages={nct: i // PER_PAGE + 1 for i, nct in enumerate(current.snap.fits)},
    )


@router.post("/people/{person_id}/trials/changes/seen")
async def mark_seen(request: Request, person_id: str) -> Response:
    """Keep the remembered match as the snapshot the next changes are counted from."""
    await read_form(request)  # the CSRF check; the form carries nothing else
    state: WebState = request.app.state.web
    state.file(person_id)  # NotFound (404) for a person who is not stored
    current = _current(state, person_id, state.today())
    if current is None:
        raise HTTPException(
            409,
            "trials: no match for the record as it is now; open the trials page first, "
            "then mark the changes as seen",
        )
    save_snapshot(state.settings.data_dir, person_id, current.snap)
    return RedirectResponse(f"/people/{person_id}", status_code=303)
