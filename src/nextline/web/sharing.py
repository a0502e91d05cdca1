"""Sharing a record, for its owner: invite a caregiver or a navigator (a one-time link to
copy), see and remove who has access, make a clinician's read-only link that expires, list
and revoke those links; and the clinician's side, `/share/{token}`.

Why links to copy and no e-mail: nextline assumes no e-mail service, and a link handed over by
the owner (a message, a printout) is the owner's own choice of who gets it. A link is shown
once, when it is made: only its hash is stored, so it cannot be shown again (make another).

Why a share link signs its holder in with its own cookie: the clinician has no account; the
link's token is the cookie, checked on every request, so revoking the link or reaching its
expiry closes every page at once. The share principal reads one person and changes nothing
(`web.access`: a share link has no write rule).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from nextline.accounts.errors import AccountError
from nextline.accounts.principal import Role
from nextline.web.editing import read_form
from nextline.web.forms import FormResult
from nextline.web.signed_in import (
    SHARE_COOKIE,
    account_store,
    clear_cookie,
    principal,
    server_mode,
    set_cookie,
)

router = APIRouter(include_in_schema=False)

_S = "/people/{person_id}/sharing"
INVITE_ROLES = (
    (Role.CAREGIVER.value, "Caregiver: can read the record and add to it"),
    (Role.NAVIGATOR.value, "Navigator: can read the record and add to it"),
)
DEFAULT_SHARE_DAYS = "14"


def _field(pairs: list[tuple[str, str]], name: str) -> str:
    return next((v for k, v in pairs if k == name), "")


def _link(request: Request, path: str) -> str:
    """A full address to copy (this server's own, as the browser reached it)."""
    return str(request.base_url).rstrip("/") + path


def _page(
    request: Request,
    person_id: str,
    *,
    status: int = 200,
    made: dict[str, str] | None = None,
    invite_form: FormResult | None = None,
    share_form: FormResult | None = None,
) -> Response:
    person = request.app.state.web.file(person_id).patient
    context: dict[str, Any] = {
        "title": "Sharing",
        "section": "sharing",
        "person": person,
        "server": server_mode(request),
        "made": made,
        "invite_form": invite_form or FormResult(values={"role": Role.CAREGIVER.value}),
        "share_form": share_form or FormResult(values={"days": DEFAULT_SHARE_DAYS}),
        "roles": INVITE_ROLES,
        "members": [],
        "shares": [],
        "me": principal(request).account_id,
    }
    if context["server"]:
        accounts = account_store(request)
        context["members"] = accounts.members(person_id)
        context["shares"] = accounts.shares(person_id)
    response: Response = request.app.state.templates.TemplateResponse(
        request, "sharing.html", context, status_code=status
    )
    return response


@router.get(_S)
def sharing_page(request: Request, person_id: str) -> Response:
    return _page(request, person_id)


def _needs_accounts(request: Request, person_id: str) -> Response | None:
    request.app.state.web.file(person_id)  # NotFound first, as on every person's route
    if server_mode(request):
        return None
    return _page(request, person_id, status=409)


@router.post(_S + "/invite")
async def invite(request: Request, person_id: str) -> Response:
    pairs = await read_form(request)
    refused = _needs_accounts(request, person_id)
    if refused is not None:
        return refused
    role = _field(pairs, "role")
    form = FormResult(values={"role": role})
    if role not in dict(INVITE_ROLES):
        form.add("role", "choose caregiver or navigator")
        return _page(request, person_id, status=422, invite_form=form)
    token = account_store(request).create_invite(
        person_id, Role(role), principal(request).account_id
    )
    made = {"kind": "invite", "url": _link(request, f"/invite/{token}"), "role": role}
    return _page(request, person_id, made=made)


@router.post(_S + "/members/{account_id}/remove")
async def remove_member(request: Request, person_id: str, account_id: str) -> Response:
    # `account_id` is read as text: the CSRF token is checked before anything else is
    await read_form(request)
    request.app.state.web.file(person_id)  # NotFound first, as on every person's route
    accounts = account_store(request)
    member = next((m for m in accounts.members(person_id) if str(m.account_id) == account_id), None)
    if member is None or member.role is Role.OWNER:
        from fastapi import HTTPException

        # An owner stays: the record is theirs. Anyone else not listed is simply not here.
        raise HTTPException(
            404 if member is None else 403,
            "There is no such helper for this record."
            if member is None
            else "The person this record is about cannot be removed.",
        )
    accounts.revoke(member.account_id, person_id)
    return RedirectResponse(f"/people/{person_id}/sharing?removed=1", status_code=303)


@router.post(_S + "/links")
async def make_share(request: Request, person_id: str) -> Response:
    pairs = await read_form(request)
    refused = _needs_accounts(request, person_id)
    if refused is not None:
        return refused
    label = _field(pairs, "label").strip()
    days_text = _field(pairs, "days").strip()
    form = FormResult(values={"label": label, "days": days_text})
    days = int(days_text) if days_text.isdigit() and len(days_text) < 4 else 0
    if not 1 <= days <= 90:
        form.add("days", "write a number of days from 1 to 90")
    if not label:
        form.add("label", "say who the link is for, for example 'Dr Lee, oncology'")
    if form.summary:
        return _page(request, person_id, status=422, share_form=form)
    try:
        token = account_store(request).create_share(
            person_id, label, principal(request).account_id, days
        )
    except AccountError as exc:
        form.add(exc.field, exc.reason)
        return _page(request, person_id, status=422, share_form=form)
    made = {"kind": "share", "url": _link(request, f"/share/{token}"), "label": label}
    return _page(request, person_id, made=made)


@router.post(_S + "/links/{share_id}/revoke")
async def revoke_share(request: Request, person_id: str, share_id: str) -> Response:
    await read_form(request)
    request.app.state.web.file(person_id)  # NotFound first, as on every person's route
    account_store(request).revoke_share(person_id, share_id)  # NotFound: not this person's
    return RedirectResponse(f"/people/{person_id}/sharing?revoked=1", status_code=303)


@router.get("/share/{token}")
def open_share(request: Request, token: str) -> Response:
    """A clinician's link: sign in as the link (its own cookie) and show the summary."""
    found = account_store(request).principal_for_share(token) if server_mode(request) else None
    if found is None:
        from nextline.web.account_pages import link_gone

        response = link_gone(request)
        clear_cookie(request, response, SHARE_COOKIE)
        return response
    person_id = next(iter(found.roles))
    response = RedirectResponse(f"/people/{person_id}/summary", status_code=303)
    set_cookie(request, response, SHARE_COOKIE, token)
    return response


__all__ = ["router"]
