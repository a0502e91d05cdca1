"""Upload a patient file or FHIR data from the web app: the people page (a new person) and a
person's "Add to the record" page (a new version of them).

Why the token is checked from the address: a multipart body is parsed only after its CSRF
token is known good. `RequestGate` has already checked the origin, the signed session and the
declared size before any of the body was read; here the token (in the form's `action` query,
or the `X-CSRF-Token` header) is compared before `request.form()` touches the body, so a
forged upload is refused without parsing a byte of it. The import itself is `web.uploading`.

A patient file uploaded onto a stored person would replace their record: the page first shows
what would change and stores nothing until the person chooses "Replace" (the file is carried
to that step in a hidden field, so it is not chosen twice). A FHIR file of several people
offers them as a list to pick from.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from nextline.errors import Conflict, InputTooLarge, RecordInvalid
from nextline.web.security import CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER
from nextline.web.signed_in import claim, new_person_id
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
    """The uploaded file's bytes and name, and the other (text) fields. With no file chosen,
    the file a previous page carried back (`carried`, base64, and `carried_name`)."""
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
    if not raw and fields.get(CARRIED):
        try:
            raw = base64.b64decode(fields[CARRIED], validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        name = fields.get(CARRIED + "_name") or name
    return raw, name, fields


CARRIED = "carried"


def _carry(raw: bytes, name: str | None) -> dict[str, str] | None:
    """The file as the next page carries it back (None: too large, to be chosen again)."""
    from nextline.web.uploading import CARRY_LIMIT, safe_name

    if not raw or len(raw) > CARRY_LIMIT:
        return None
    return {"data": base64.b64encode(raw).decode("ascii"), "name": safe_name(name)}


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
    people: list[tuple[str, str]] | None = None,
    carried: dict[str, str] | None = None,
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
        file_people=people or [],
        carried=carried,
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


_CHANGED = (
    "this record changed since you opened this page; nothing was stored. "
    "Reload the page and upload again."
)


async def _upload(request: Request, into: str | None) -> Response:
    from nextline.web.uploading import ChoosePerson, import_upload, is_fhir, safe_name

    raw, name, fields = await _read_upload(request)
    state = _state(request)
    person = state.file(into).patient if into is not None else None
    base = _base(fields.get("base_version"))
    if into is not None and base is None:
        problems = [{"path": "base_version", "reason": "reload the page and upload again"}]
        return _form(request, person, problems, 422)
    try:
        # A patient file onto a stored person replaces their record: ask first.
        replacing = into is not None and base is not None and raw.strip() != b""
        if replacing and fields.get("replace") != "yes" and not is_fhir(raw, name):
            assert into is not None and base is not None
            return _confirm(request, person, raw, name, into, base)
        chosen = fields.get("patient", "").strip() or None
        done = import_upload(
            state,
            raw,
            name,
            into=into,
            base=base,
            patient=chosen,
            new_id=lambda wanted: new_person_id(request, wanted),
        )
        if into is None:
            claim(request, done.person_id)
    except ChoosePerson as exc:
        problems = [vars(p) for p in exc.problems]
        carried = _carry(raw, name)
        return _form(request, person, problems, 422, True, exc.people, carried)
    except RecordInvalid as exc:
        problems = [vars(p) for p in exc.problems]
        return _form(request, person, problems or [_whole(str(exc))], 422, _asks_patient(problems))
    except InputTooLarge as exc:
        return _form(request, person, [_whole(str(exc))], 413)
    except Conflict:
        return _form(request, person, [{"path": "file", "reason": _CHANGED}], 409)
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


def _confirm(
    request: Request, person: Any, raw: bytes, name: str | None, into: str, base: int
) -> Response:
    """What replacing the record with this patient file would change, and the choice to
    replace it or not; nothing is stored. A page that showed an older version is refused
    ("this record changed") before anything is compared."""
    from nextline.web.entry_edits import SECTION_WORDS
    from nextline.web.record_diff import SINGLE_WORDS
    from nextline.web.uploading import preview_replacement, safe_name

    preview = preview_replacement(_state(request), raw, name, into)
    if preview.base != base:
        raise Conflict(into, base, preview.base)
    return _render(
        request,
        "upload_confirm.html",
        title="Replace the record with this file?",
        section="add",
        person=person,
        preview=preview,
        words={**SINGLE_WORDS, **SECTION_WORDS},
        file_name=safe_name(name),
        carried=_carry(raw, name),
        base_version=base,
    )


def _base(text: str | None) -> int | None:
    """The version the page showed; None when missing or 0 (a stored person has version 1
    or more, and a save on base 0 would make a new person)."""
    return int(text) or None if text is not None and text.isdigit() and len(text) <= 9 else None


def _whole(reason: str) -> dict[str, str]:
    return {"path": "file", "reason": reason.splitlines()[0] if reason else "not readable"}


__all__ = ["check_token_first", "router"]
