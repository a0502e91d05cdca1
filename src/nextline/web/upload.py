"""Upload a patient file or FHIR data from the web app: the people page (a new person) and a
person's "Add to the record" page (a new version of them).

Why the token is checked from the address: a multipart body is parsed only after its CSRF
token is known good. `RequestGate` has already checked the origin, the signed session and the
declared size before any of the body was read; here the token (in the form's `action` query,
or the `X-CSRF-Token` header) is compared before `request.form()` touches the body, so a
forged upload is refused without parsing a byte of it. The import itself is `web.uploading`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from nextline.errors import Conflict, InputTooLarge, RecordInvalid
from nextline.web.security import CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER
from nextline.web.state import WebState

router = APIRouter(include_in_schema=False)

FILE_FIELD = "file"


def _state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


def check_token_first(request: Request) -> None:
    """The CSRF token from the header or the address, before the body is read (403)."""
    sent = request.headers.get(CSRF_HEADER) or request.query_params.get(CSRF_FIELD)
    if not request.app.state.csrf.check(request.cookies.get(CSRF_COOKIE), sent):
        raise HTTPException(
            403,
            "This upload was refused because it did not come from this page. "
            "Reload the page and try again.",
        )


async def _read_upload(request: Request) -> tuple[bytes, str | None, dict[str, str]]:
    """The uploaded file's bytes and name, and the other (text) fields."""
    check_token_first(request)
    form = await request.form()
    raw, name = b"", None
    fields: dict[str, str] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            fields[key] = value
        elif key == FILE_FIELD:
            raw, name = await value.read(), value.filename
    await form.close()
    return raw, name, fields


def _render(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    response: Response = request.app.state.templates.TemplateResponse(
        request, template, context, status_code=status
    )
    return response


def _asks_patient(problems: list[dict[str, str]]) -> bool:
    return any(p.get("path") == "patient" for p in problems)


def _form(
    request: Request,
    person: Any,
    problems: list[dict[str, str]],
    status: int = 200,
    ask_patient: bool = False,
) -> Response:
    return _render(
        request,
        "upload.html",
        status,
        title="Upload a file",
        section="add" if person is not None else "people",
        person=person,
        problems=problems,
        ask_patient=ask_patient,
        base_version=_latest(request, person.id) if person is not None else None,
    )


def _latest(request: Request, person_id: str) -> int:
    return _state(request).store.get_latest(person_id)[1]


@router.get("/people/upload")
def upload_form(request: Request) -> Response:
    return _form(request, None, [])


@router.get("/people/{person_id}/upload")
def upload_form_for(request: Request, person_id: str) -> Response:
    return _form(request, _state(request).file(person_id).patient, [])


@router.post("/people/upload")
async def upload_new(request: Request) -> Response:
    return await _upload(request, None)


@router.post("/people/{person_id}/upload")
async def upload_into(request: Request, person_id: str) -> Response:
    _state(request).file(person_id)  # NotFound for a person who is not stored
    return await _upload(request, person_id)


async def _upload(request: Request, into: str | None) -> Response:
    from nextline.web.uploading import import_upload, safe_name

    raw, name, fields = await _read_upload(request)
    state = _state(request)
    person = state.file(into).patient if into is not None else None
    base = _base(fields.get("base_version"))
    if into is not None and base is None:
        problems = [{"path": "base_version", "reason": "reload the page and upload again"}]
        return _form(request, person, problems, 422)
    try:
        chosen = fields.get("patient", "").strip() or None
        done = import_upload(state, raw, name, into=into, base=base, patient=chosen)
    except RecordInvalid as exc:
        problems = [vars(p) for p in exc.problems]
        return _form(request, person, problems or [_whole(str(exc))], 422, _asks_patient(problems))
    except InputTooLarge as exc:
        return _form(request, person, [_whole(str(exc))], 413)
    except Conflict:
        reason = (
            "this record changed since you opened this page; nothing was stored. "
            "Reload the page and upload again."
        )
        return _form(request, person, [{"path": "file", "reason": reason}], 409)
    record = state.record(done.person_id)
    return _render(
        request,
        "upload_done.html",
        title="The file was added",
        section="people",
        person=record.file.patient,
        done=done,
        file_name=safe_name(name),
        menopause_unknown=record.file.patient.menopausal_status in (None, "unknown"),
    )


def _base(text: str | None) -> int | None:
    return int(text) if text is not None and text.isdigit() else None


def _whole(reason: str) -> dict[str, str]:
    return {"path": "file", "reason": reason.splitlines()[0] if reason else "not readable"}


__all__ = ["check_token_first", "router"]
