""" "Who has looked at my record": a person's audit log, 50 entries a page, newest first, and
its export as CSV or JSON (a download).

Why only the owner: the log says who follows the person and when; a caregiver or navigator
reading it would learn about the others. In local mode the one user owns everyone
(`web/principal.py`). The page shows the route in plain words (`web/audit_words.py`) and
holds no health data, like the log itself.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from nextline.accounts import audit
from nextline.errors import NotFound
from nextline.web.audit_words import plain_source, plain_what
from nextline.web.principal import principal_of
from nextline.web.trial_pages import page_of, read_page_number

if TYPE_CHECKING:
    from nextline.accounts.audit import AuditEntry
    from nextline.web.state import WebState

router = APIRouter(include_in_schema=False)

PER_PAGE = 50
_LOG = "/people/{person_id}/access-log"
COLUMNS = ("when_utc", "who", "kind", "action", "what", "route", "from")
# A cell a spreadsheet would run as a formula (CSV injection): shown as text instead.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _owner_only(request: Request, person_id: str) -> WebState:
    """The state, once the caller is the person themself and the person exists."""
    if not principal_of(request).is_owner(person_id):
        raise HTTPException(403, "Only the person themself can see who has looked at their record.")
    state: WebState = request.app.state.web
    return state


def row(entry: AuditEntry) -> dict[str, str]:
    """One entry as the page and the exports show it."""
    return {
        "when_utc": entry.at.isoformat(timespec="seconds"),
        "who": entry.actor,
        "kind": entry.actor_kind,
        "action": entry.action,
        "what": plain_what(entry.what, entry.action),
        "route": entry.what,
        "from": plain_source(entry.source),
    }


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def as_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for found in rows:
        writer.writerow([_cell(found[c]) for c in COLUMNS])
    return out.getvalue()


@router.get(_LOG)
def access_log(request: Request, person_id: str) -> Response:
    state = _owner_only(request, person_id)
    file = state.file(person_id)  # NotFound (404) for a person who is not stored
    try:
        number = read_page_number(request.query_params.get("page"))
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    offset = (number - 1) * PER_PAGE
    shown, total = audit.page(state.store.engine, person_id, offset=offset, limit=PER_PAGE)
    if not shown and total and number > 1:  # past the end: the last page, as the trials do
        number = -(-total // PER_PAGE)
        offset = (number - 1) * PER_PAGE
        shown, total = audit.page(state.store.engine, person_id, offset=offset, limit=PER_PAGE)
    pages = page_of(range(total), number, PER_PAGE)
    context: dict[str, Any] = {
        "title": "Who has looked at this record",
        "section": "access-log",
        "person": file.patient,
        "rows": [{**row(e), "at": e.at} for e in shown],
        "page": pages,
    }
    response: Response = request.app.state.templates.TemplateResponse(
        request, "access_log.html", context
    )
    return response


def _download(body: str, media_type: str, person_id: str, ext: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={
            "content-disposition": f'attachment; filename="nextline-{person_id}-access-log.{ext}"'
        },
    )


def _log_rows(request: Request, person_id: str) -> list[dict[str, str]]:
    """The whole log of one person as rows to download (the owner only)."""
    state = _owner_only(request, person_id)
    if not state.store.exists(person_id):
        raise NotFound("person", person_id)
    return [row(e) for e in audit.entries(state.store.engine, person_id)]


@router.get(_LOG + ".csv")
def access_log_csv(request: Request, person_id: str) -> Response:
    rows = _log_rows(request, person_id)
    return _download(as_csv(rows), "text/csv; charset=utf-8", person_id, "csv")


@router.get(_LOG + ".json")
def access_log_json(request: Request, person_id: str) -> Response:
    rows = _log_rows(request, person_id)
    body = json.dumps({"person": person_id, "entries": rows}, ensure_ascii=False, indent=1)
    return _download(body, "application/json", person_id, "json")


__all__ = ["COLUMNS", "PER_PAGE", "as_csv", "router", "row"]
