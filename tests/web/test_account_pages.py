"""The account pages and the owner's sharing page, through the TestClient: a password set from
a reset link, an invitation taken by a new or a signed-in account, the second step (TOTP)
turned on and then asked at sign-in, a turned-off account, and the sharing page's checks."""

from __future__ import annotations

import re

import pytest

from nextline.accounts.principal import Role
from nextline.accounts.totp import code_at
from tests.web.accounts_setup import (
    DANA,
    PASSWORD,
    Server,
    client_as,
    csrf_of,
    server_mode,
    sign_in,
)
from tests.web.conftest import MARIA, csrf, field_errors, make_app, make_client


@pytest.fixture
def server(tmp_path) -> Server:
    return server_mode(make_app(tmp_path / "home", people=(MARIA, DANA), trials=False))


def _text(response) -> str:
    return response.text.replace("&#39;", "'")


def test_with_no_accounts_there_is_no_sign_in(tmp_path) -> None:
    app = make_app(tmp_path / "home", people=(MARIA,), trials=False)
    with make_client(app) as local:
        response = local.get("/sign-in", follow_redirects=False)
        assert response.headers["location"] == "/people"
        assert local.get(f"/people/{MARIA}").status_code == 200
        sharing = local.get(f"/people/{MARIA}/sharing")
        assert "Sharing needs accounts" in sharing.text
        made = local.post(
            f"/people/{MARIA}/sharing/links",
            data={"csrf_token": csrf(local), "label": "Dr Lee", "days": "7"},
        )
        assert made.status_code == 409 and "/share/" not in made.text


def test_a_reset_link_sets_a_password_once_and_ends_the_old_sessions(server) -> None:
    old = client_as(server, "caregiver")
    token = server.accounts.create_reset_link(server.ids["caregiver"], server.ids["admin"])
    with make_client(server.app) as browser:
        page = browser.get(f"/set-password/{token}")
        assert "For the account <strong>caregiver</strong>" in page.text
        form = {"csrf_token": csrf_of(browser)}
        mismatch = browser.post(
            f"/set-password/{token}",
            data={**form, "password": "a brand new password", "password_again": "different"},
        )
        assert mismatch.status_code == 422
        assert field_errors(mismatch.text) == {
            "password_again": "the two passwords are not the same; type them again"
        }
        short = browser.post(
            f"/set-password/{token}", data={**form, "password": "short", "password_again": "short"}
        )
        assert short.status_code == 422 and "12 characters" in _text(short)
        done = browser.post(
            f"/set-password/{token}",
            data={
                **form,
                "password": "a brand new password",
                "password_again": "a brand new password",
            },
            follow_redirects=False,
        )
        assert done.headers["location"] == "/sign-in?done=password"
        again = browser.get(f"/set-password/{token}")
        assert again.status_code == 404 and "does not work any more" in again.text
        assert sign_in(browser, "caregiver", PASSWORD).status_code == 401
        assert sign_in(browser, "caregiver", "a brand new password").status_code == 303
    # the session from before the reset is over
    assert old.get(f"/people/{MARIA}", follow_redirects=False).status_code == 303


def test_an_invitation_makes_a_new_account_with_its_role(server) -> None:
    token = server.accounts.create_invite(MARIA, Role.NAVIGATOR, server.ids["owner"])
    with make_client(server.app) as browser:
        page = browser.get(f"/invite/{token}")
        assert "as a navigator" in page.text
        taken = browser.post(
            f"/invite/{token}",
            data={
                "csrf_token": csrf_of(browser),
                "username": "owner",  # taken
                "display_name": "Kim",
                "password": "kim's long password",
                "password_again": "kim's long password",
            },
        )
        assert taken.status_code == 422 and "username" in field_errors(taken.text)
        made = browser.post(
            f"/invite/{token}",
            data={
                "csrf_token": csrf_of(browser),
                "username": "nurse.kim",
                "display_name": "Kim",
                "password": "kim's long password",
                "password_again": "kim's long password",
            },
            follow_redirects=False,
        )
        assert made.status_code == 303
        assert made.headers["location"] == f"/sign-in?done=account&next=/people/{MARIA}"
        assert browser.get(f"/invite/{token}").status_code == 404  # used once
        signed = sign_in(browser, "nurse.kim", "kim's long password", next=f"/people/{MARIA}")
        assert signed.headers["location"] == f"/people/{MARIA}"
        assert browser.get(f"/people/{MARIA}").status_code == 200


def test_a_signed_in_account_accepts_an_invitation(server) -> None:
    token = server.accounts.create_invite(DANA, Role.CAREGIVER, server.ids["dana"])
    norole = client_as(server, "norole")
    assert norole.get(f"/people/{DANA}").status_code == 404
    page = norole.get(f"/invite/{token}")
    assert "Accept the invitation" in page.text
    accepted = norole.post(
        f"/invite/{token}/accept", data={"csrf_token": csrf(norole)}, follow_redirects=False
    )
    assert accepted.headers["location"] == f"/people/{DANA}"
    assert norole.get(f"/people/{DANA}").status_code == 200
    # the owner sees the new helper on her sharing page
    dana = client_as(server, "dana")
    sharing = dana.get(f"/people/{DANA}/sharing").text
    assert re.search(
        r'member-name">Norole</span> <span class="meta">\(norole\) · caregiver', sharing
    )


def test_turning_on_the_second_step_then_signing_in_with_a_code(server) -> None:
    owner = client_as(server, "owner")
    page = owner.post("/account/totp", data={"csrf_token": csrf(owner)})
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)</code>', page.text)
    assert secret is not None
    assert "otpauth://totp/" in page.text
    wrong = owner.post("/account/totp/confirm", data={"csrf_token": csrf(owner), "code": "000000"})
    assert wrong.status_code == 422
    owner.post("/account/totp", data={"csrf_token": csrf(owner)})  # start again: a new secret
    fresh = re.search(r'id="totp-secret">([A-Z2-7]+)</code>', owner.get("/account").text)
    assert fresh is None  # the secret is shown only when it is made
    page = owner.post("/account/totp", data={"csrf_token": csrf(owner)})
    secret_text = re.search(r'id="totp-secret">([A-Z2-7]+)</code>', page.text).group(1)
    code = code_at(secret_text, server.clock.now)
    done = owner.post("/account/totp/confirm", data={"csrf_token": csrf(owner), "code": code})
    assert "The second step is on." in done.text
    with make_client(server.app) as browser:
        needs = sign_in(browser, "owner", PASSWORD)
        assert needs.status_code == 401
        assert "also asks for the 6-digit code" in _text(needs)
        server.clock.advance(seconds=30)
        later = code_at(secret_text, server.clock.now)
        assert sign_in(browser, "owner", PASSWORD, code=later).status_code == 303


def test_a_turned_off_account_cannot_sign_in(server) -> None:
    server.accounts.disable(server.ids["navigator"])
    with make_client(server.app) as browser:
        response = sign_in(browser, "navigator")
    assert response.status_code == 403
    assert "This account is turned off." in _text(response)


def test_the_sharing_page_checks_what_the_owner_types(server) -> None:
    owner = client_as(server, "owner")
    url = f"/people/{MARIA}/sharing"
    for days, label, errors in (
        ("0", "Dr Lee", {"days": "write a number of days from 1 to 90"}),
        ("91", "Dr Lee", {"days": "write a number of days from 1 to 90"}),
        ("two", "Dr Lee", {"days": "write a number of days from 1 to 90"}),
        ("7", "  ", {"label": "say who the link is for, for example 'Dr Lee, oncology'"}),
    ):
        response = owner.post(
            url + "/links", data={"csrf_token": csrf(owner), "label": label, "days": days}
        )
        assert response.status_code == 422
        assert field_errors(response.text) == errors
    bad_role = owner.post(url + "/invite", data={"csrf_token": csrf(owner), "role": "owner"})
    assert field_errors(bad_role.text) == {"role": "choose caregiver or navigator"}
    # the owner cannot be removed; a helper can, and then sees nothing
    mine = owner.post(
        f"{url}/members/{server.ids['owner']}/remove",
        data={"csrf_token": csrf(owner)},
        follow_redirects=False,
    )
    assert mine.status_code == 403
    gone = owner.post(
        f"{url}/members/{server.ids['caregiver']}/remove",
        data={"csrf_token": csrf(owner)},
        follow_redirects=False,
    )
    assert gone.headers["location"] == f"{url}?removed=1"
    assert client_as(server, "caregiver").get(f"/people/{MARIA}").status_code == 404
    # a share id of another person's link is not found here
    dana_link = server.accounts.create_share(DANA, "Dr Ng", server.ids["dana"], days=3)
    dana_id = server.accounts.shares(DANA)[0].id
    other = owner.post(f"{url}/links/{dana_id}/revoke", data={"csrf_token": csrf(owner)})
    assert other.status_code == 404
    assert server.accounts.principal_for_share(dana_link) is not None


def test_the_list_offers_delete_only_to_the_owner(server) -> None:
    owner_page = client_as(server, "owner").get("/people").text
    carer_page = client_as(server, "caregiver").get("/people").text
    assert f'href="/people/{MARIA}/delete"' in owner_page
    assert f'href="/people/{MARIA}/delete"' not in carer_page
    assert f'href="/people/{MARIA}/record.yaml"' in carer_page


def test_pages_say_where_the_record_is_kept_in_each_mode(server, tmp_path) -> None:
    """On a server the record is not "on this computer", and a name is not "only shown
    here": it is shown to the people the record is shared with."""
    signed_in = client_as(server, "owner")
    for path in ("/people", f"/people/{MARIA}/delete", "/people/start"):
        page = _text(signed_in.get(path))
        assert "this computer" not in page, path
    assert "this nextline server" in _text(signed_in.get("/people"))
    assert "the people you share this record with" in _text(signed_in.get("/people/start"))
    local = make_client(make_app(tmp_path / "local", people=(MARIA,), trials=False))
    assert "Each record stays on this computer." in _text(local.get("/people"))
    assert "Only shown on this computer" in _text(local.get("/people/start"))
