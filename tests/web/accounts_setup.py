"""Server mode for web tests: the example people, accounts with each role, and clients that
sign in through the real sign-in form (the real session cookie), or open a share link.

The password hasher is argon2id with fewer rounds (the same algorithm, cheap enough for many
sign-ins) and a failed sign-in's pause is recorded, not slept, so these tests stay fast."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher

from nextline.accounts.principal import Role
from nextline.accounts.store import AccountStore, utcnow
from tests.web.conftest import MARIA, make_client

DANA = "triple-negative-brca"  # another person: nobody below but her owner may see her
PASSWORD = "correct horse battery"
ROLES = ("owner", "caregiver", "navigator", "clinician", "admin", "anonymous", "norole")


def cheap_hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


class Clock:
    """Naive UTC time that moves only when the test says so (starts at the real now)."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@dataclass
class Server:
    """An app in server mode and who is who in it."""

    app: Any
    accounts: AccountStore
    clock: Clock
    ids: dict[str, int] = field(default_factory=dict)  # username -> account id
    share_token: str = ""
    waits: list[float] = field(default_factory=list)


def server_mode(app: Any) -> Server:
    """Accounts on the app's own database: Maria's owner, caregiver and navigator, a
    clinician's share link to Maria, an admin, an account with no role, and Dana's owner."""
    clock = Clock()
    waits: list[float] = []
    accounts = AccountStore(
        app.state.web.store.engine, clock=clock, hasher=cheap_hasher(), sleep=waits.append
    )
    app.state.accounts = accounts
    server = Server(app, accounts, clock, waits=waits)
    for username, is_admin in (
        ("admin", True),
        ("owner", False),
        ("caregiver", False),
        ("navigator", False),
        ("norole", False),
        ("dana", False),
    ):
        server.ids[username] = accounts.create_account(
            username, username.title(), password=PASSWORD, is_admin=is_admin
        )
    accounts.grant(server.ids["owner"], MARIA, Role.OWNER)
    accounts.grant(server.ids["caregiver"], MARIA, Role.CAREGIVER)
    accounts.grant(server.ids["navigator"], MARIA, Role.NAVIGATOR)
    accounts.grant(server.ids["dana"], DANA, Role.OWNER)
    server.share_token = accounts.create_share(MARIA, "Dr Lee", server.ids["owner"], days=7)
    return server


def csrf_of(client: Any) -> str:
    """The CSRF token of this client's current session (the hidden field every form holds)."""
    page = client.get("/sign-in")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    if found is None:  # signed in already: any page of ours carries it
        found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/people").text)
    assert found is not None
    return found.group(1)


def sign_in(client: Any, username: str, password: str = PASSWORD, **extra: str) -> Any:
    """Sign in through the form, as a browser does; returns the response (303 when it worked)."""
    token = csrf_of(client)
    data = {"csrf_token": token, "username": username, "password": password, **extra}
    return client.post("/sign-in", data=data, follow_redirects=False)


def client_as(server: Server, role: str) -> Any:
    """A test client for one role: signed in through the form, holding a share link, or
    anonymous."""
    client = make_client(server.app)
    client.__enter__()
    if role == "clinician":
        opened = client.get(f"/share/{server.share_token}", follow_redirects=False)
        assert opened.status_code == 303, opened.text
    elif role != "anonymous":
        response = sign_in(client, role)
        assert response.status_code == 303, response.text
    client.get("/people")  # receive a CSRF cookie for this (new) session
    return client


def home(tmp_path: Path) -> Path:
    return tmp_path / "home"
