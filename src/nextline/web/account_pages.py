"""Signing in and out, setting a password from a one-time link, accepting an invitation, and
"my account" (turning on the second step, TOTP).

Why these words and checks: a wrong username and a wrong password get the same sentence (so
the page never says which usernames exist); a locked sign-in says how long to wait; nothing
typed here is ever logged or written back into a page (a password is never shown again). A
sign-in makes a fresh session token and a fresh CSRF session, so nothing set before signing
in carries over (session fixation). Every POST checks the CSRF token first (`read_form`).
The accounts core does the work (`accounts.store.AccountStore`); its slow parts (argon2, the
pause after a failure) run in a worker thread, never on the event loop.
"""

from __future__ import annotations

import logging
import math
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from nextline.accounts.errors import AccountError
from nextline.accounts.links import SET_PASSWORD_ROUTE
from nextline.accounts.principal import Kind
from nextline.web.editing import read_form
from nextline.web.forms import FormResult
from nextline.web.security import CSRF_COOKIE
from nextline.web.signed_in import (
    SESSION_COOKIE,
    SHARE_COOKIE,
    account_store,
    clear_cookie,
    client_address,
    principal,
    server_mode,
    set_cookie,
)

router = APIRouter(include_in_schema=False)
log = logging.getLogger("nextline.web")

NO_MATCH = "That username and password do not match."
CODE_NEEDED = "This account also asks for the 6-digit code from your authenticator app."
DISABLED = "This account is turned off. Ask the person who runs nextline here."
LINK_GONE = (
    "This link does not work any more: it was used already, or it expired. "
    "Ask the person who sent it for a new one."
)
ROLE_WORDS = {
    "owner": "the person this record is about",
    "caregiver": "a caregiver (can read and add to the record)",
    "navigator": "a navigator (can read and add to the record)",
    "clinician": "a clinician (can read the summary)",
}


def _render(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    response: Response = request.app.state.templates.TemplateResponse(
        request, template, {"section": "account", **context}, status_code=status
    )
    return response


def safe_next(value: str | None) -> str:
    """Where to go after signing in: a path on this site only (never `//elsewhere` or a
    full address), else the list of people."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/people"
    return value


def _field(pairs: list[tuple[str, str]], name: str) -> str:
    return next((v for k, v in pairs if k == name), "")


def locked_words(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return f"Too many tries. Try again in {minutes} minute{'s' if minutes != 1 else ''}."


# -- sign in and out --------------------------------------------------------------------------


@router.get("/sign-in")
def sign_in_form(request: Request) -> Response:
    if not server_mode(request):
        return RedirectResponse("/people", status_code=303)  # one user, no accounts: no sign-in
    return _sign_in_page(request, FormResult(), request.query_params.get("next"))


def _sign_in_page(
    request: Request, form: FormResult, next_url: str | None, status: int = 200, notice: str = ""
) -> Response:
    return _render(
        request,
        "sign_in.html",
        status,
        title="Sign in",
        form=form,
        next_url=safe_next(next_url),
        notice=notice or _notice(request),
    )


def _notice(request: Request) -> str:
    said = request.query_params.get("done")
    return {
        "password": "Your password is set. Sign in with it.",
        "account": "Your account is ready. Sign in with your username and password.",
        "out": "You are signed out.",
    }.get(said or "", "")


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    pairs = await read_form(request)
    username = _field(pairs, "username").strip()
    password = _field(pairs, "password")
    code = _field(pairs, "code").strip() or None
    next_url = _field(pairs, "next")
    form = FormResult(values={"username": username})
    if not server_mode(request):
        return RedirectResponse("/people", status_code=303)
    if not username or not password:
        form.add("username" if not username else "password", "write your username and password")
        return _sign_in_page(request, form, next_url, 422)
    accounts = account_store(request)
    client = client_address(request)
    result = await run_in_threadpool(accounts.sign_in, username, password, client, code)
    log.info("sign-in: %s", result.outcome)  # never the username, the password or the code
    if result.outcome != "ok" or result.account_id is None:
        message, status = {
            "bad": (NO_MATCH, 401),
            "locked": (locked_words(result.retry_after_seconds), 429),
            "totp_needed": (CODE_NEEDED, 401),
            "disabled": (DISABLED, 403),
        }[result.outcome]
        form.add("code" if result.outcome == "totp_needed" else "password", message)
        return _sign_in_page(request, form, next_url, status)
    token = await run_in_threadpool(accounts.start_session, result.account_id, client)
    previous = request.cookies.get(SESSION_COOKIE)
    if previous:  # signing in again (perhaps as someone else): the old session ends
        await run_in_threadpool(accounts.end_session, previous)
    response = RedirectResponse(safe_next(next_url), status_code=303)
    set_cookie(request, response, SESSION_COOKIE, token)
    clear_cookie(request, response, SHARE_COOKIE)
    # A fresh CSRF session too: whatever cookie the browser had before is not carried over.
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    await read_form(request)
    token = request.cookies.get(SESSION_COOKIE)
    if token and server_mode(request):
        await run_in_threadpool(account_store(request).end_session, token)
    response = RedirectResponse("/sign-in?done=out", status_code=303)
    clear_cookie(request, response, SESSION_COOKIE)
    clear_cookie(request, response, SHARE_COOKIE)
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


# -- a password from a one-time link ----------------------------------------------------------


@router.get(SET_PASSWORD_ROUTE)
def set_password_form(request: Request, token: str) -> Response:
    account = account_store(request).reset_details(token)
    if account is None:
        return link_gone(request)
    return _render(
        request,
        "set_password.html",
        title="Choose a password",
        form=FormResult(),
        username=account.username,
        token=token,
    )


def link_gone(request: Request) -> Response:
    """The one error page (404) for a link that was used, expired or turned off."""
    from nextline.web.app import error_payload

    payload = error_payload(404, "not_found", LINK_GONE)
    response: Response = request.app.state.templates.TemplateResponse(
        request,
        "error.html",
        {"error": payload["error"], "title": "This link does not work any more"},
        status_code=404,
    )
    return response


def _passwords(pairs: list[tuple[str, str]], form: FormResult) -> str | None:
    """The new password typed twice the same, else None (with the reason on the form)."""
    password = _field(pairs, "password")
    if password != _field(pairs, "password_again"):
        form.add("password_again", "the two passwords are not the same; type them again")
        return None
    return password


@router.post(SET_PASSWORD_ROUTE)
async def set_password(request: Request, token: str) -> Response:
    pairs = await read_form(request)
    accounts = account_store(request)
    account = accounts.reset_details(token)
    if account is None:
        return link_gone(request)
    form = FormResult()
    password = _passwords(pairs, form)
    if password is not None:
        try:
            await run_in_threadpool(accounts.reset_password, token, password)
        except AccountError as exc:
            form.add(exc.field, exc.reason)
        else:
            return RedirectResponse("/sign-in?done=password", status_code=303)
    return _render(
        request,
        "set_password.html",
        422,
        title="Choose a password",
        form=form,
        username=account.username,
        token=token,
    )


# -- invitations ------------------------------------------------------------------------------


@router.get("/invite/{token}")
def invite_page(request: Request, token: str) -> Response:
    invite = account_store(request).invite_details(token)
    if invite is None:
        return link_gone(request)
    return _invite_page(request, token, FormResult(), invite.role.value)


def _invite_page(
    request: Request, token: str, form: FormResult, role: str, status: int = 200
) -> Response:
    who = principal(request)
    return _render(
        request,
        "invite.html",
        status,
        title="You are invited",
        form=form,
        token=token,
        role_words=ROLE_WORDS.get(role, role),
        signed_in=who.kind is Kind.ACCOUNT and not who.is_admin,
        sign_in_url="/sign-in?next=" + quote(f"/invite/{token}"),
    )


@router.post("/invite/{token}")
async def accept_as_new_account(request: Request, token: str) -> Response:
    """A new account from an invitation: a username, a name to show, a password."""
    pairs = await read_form(request)
    accounts = account_store(request)
    invite = accounts.invite_details(token)
    if invite is None:
        return link_gone(request)
    username = _field(pairs, "username").strip()
    display_name = _field(pairs, "display_name").strip()
    form = FormResult(values={"username": username, "display_name": display_name})
    password = _passwords(pairs, form)
    if password is not None:
        try:
            await run_in_threadpool(
                lambda: accounts.accept_invite(
                    token, username=username, display_name=display_name, password=password
                )
            )
        except AccountError as exc:
            form.add(exc.field, exc.reason)
        else:
            return RedirectResponse(
                "/sign-in?done=account&next=" + quote(f"/people/{invite.person_id}"),
                status_code=303,
            )
    return _invite_page(request, token, form, invite.role.value, 422)


@router.post("/invite/{token}/accept")
async def accept_signed_in(request: Request, token: str) -> Response:
    """The invitation taken by the account already signed in."""
    await read_form(request)
    who = principal(request)
    accounts = account_store(request)
    invite = accounts.invite_details(token)
    if invite is None:
        return link_gone(request)
    if who.kind is not Kind.ACCOUNT or who.account_id is None or who.is_admin:
        form = FormResult()
        form.add("account", "an administrator's account cannot hold a role for a person")
        return _invite_page(request, token, form, invite.role.value, 403)
    try:
        accounts.accept_invite(token, account_id=who.account_id)
    except AccountError as exc:
        form = FormResult()
        form.add(exc.field, exc.reason)
        return _invite_page(request, token, form, invite.role.value, 422)
    return RedirectResponse(f"/people/{invite.person_id}", status_code=303)


# -- my account -------------------------------------------------------------------------------


def _my_account(request: Request) -> int | None:
    who = principal(request)
    return who.account_id if who.kind is Kind.ACCOUNT else None


def _account_page(
    request: Request,
    account_id: int,
    *,
    secret: str | None = None,
    form: FormResult | None = None,
    notice: str = "",
    status: int = 200,
) -> Response:
    from nextline.accounts.totp import provisioning_uri

    info = account_store(request).account(account_id)
    assert info is not None  # the session was just found for it
    return _render(
        request,
        "account.html",
        status,
        title="My account",
        account=info,
        secret=secret,
        uri=provisioning_uri(secret, info.username) if secret else None,
        form=form or FormResult(),
        notice=notice,
    )


def _no_account(request: Request) -> Response:
    from fastapi import HTTPException

    raise HTTPException(404, "There is no account page here: you are not signed in to an account.")


@router.get("/account")
def account_page(request: Request) -> Response:
    account_id = _my_account(request)
    if account_id is None:
        return _no_account(request)
    return _account_page(request, account_id)


@router.post("/account/totp")
async def totp_begin(request: Request) -> Response:
    """A new secret for an authenticator app, shown once as text (and as the otpauth link)."""
    await read_form(request)
    account_id = _my_account(request)
    if account_id is None:
        return _no_account(request)
    secret = account_store(request).totp_begin(account_id)
    return _account_page(request, account_id, secret=secret)


@router.post("/account/totp/confirm")
async def totp_confirm(request: Request) -> Response:
    pairs = await read_form(request)
    account_id = _my_account(request)
    if account_id is None:
        return _no_account(request)
    code = _field(pairs, "code").strip()
    if account_store(request).totp_confirm(account_id, code):
        notice = "The second step is on. From now on, sign in with a code from your app too."
        return _account_page(request, account_id, notice=notice)
    form = FormResult()
    form.add("code", "that code does not match; start again and type the newest code")
    return _account_page(request, account_id, form=form, status=422)


__all__ = ["NO_MATCH", "link_gone", "locked_words", "router", "safe_next"]
