"""`nextline admin`: the first admin, accounts with a one-time password link, roles per
person, reset links, disabling; clear errors that name the option, and nothing half-done."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner, Result

from nextline.accounts.principal import Role
from nextline.accounts.store import AccountStore
from nextline.cli import app
from nextline.examples import example_path
from nextline.record import read_patient_file
from nextline.settings import Settings
from nextline.store import open_engine, open_store

runner = CliRunner(env={"COLUMNS": "200"})
PASSWORD = "correct horse battery"
MARIA = "hr-positive-esr1"
AISHA = "her2-positive-brain"


def _run(*args: str, stdin: str | None = None) -> Result:
    return runner.invoke(app, ["admin", *args], input=stdin)


def _err(result: Result) -> str:
    return result.output + (result.stderr or "")


def _accounts() -> AccountStore:
    return AccountStore(open_engine(Settings()), sleep=lambda _: None)


@pytest.fixture
def people() -> None:
    store = open_store()
    for person in (MARIA, AISHA):
        store.save(read_patient_file(example_path(person)), "import", base=None)
    store.engine.dispose()


@pytest.fixture
def initialised(people: None) -> None:
    result = _run("init", "--password-stdin", stdin=PASSWORD + "\n")
    assert result.exit_code == 0, _err(result)


def _token(link: str) -> str:
    assert link.startswith("http://127.0.0.1:8321/set-password/"), link
    return link.split("/set-password/", 1)[1]


def test_init_makes_the_first_admin_from_stdin_and_turns_server_mode_on() -> None:
    assert _accounts().any_accounts() is False
    result = _run("init", "--username", "Boss", "--password-stdin", stdin=PASSWORD + "\n")
    assert result.exit_code == 0, _err(result)
    assert "Admin account 'boss' created" in result.stdout
    accounts = _accounts()
    assert [(a.username, a.is_admin) for a in accounts.accounts()] == [("boss", True)]
    assert accounts.sign_in("boss", PASSWORD, "cli").outcome == "ok"


def test_init_asks_for_the_password_twice_with_a_hidden_prompt() -> None:
    result = _run("init", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, _err(result)
    assert PASSWORD not in result.output  # hidden
    assert _accounts().sign_in("admin", PASSWORD, "cli").outcome == "ok"


def test_init_with_two_different_passwords_makes_nothing() -> None:
    result = _run("init", stdin=f"{PASSWORD}\nsomething else entirely\n")
    assert result.exit_code != 0
    assert _accounts().any_accounts() is False


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        ((), "short\n", "password: a password needs at least 12 characters"),
        ((), "\n", "password: a password needs at least 12 characters (this one has 0)"),
        (("--username", "no spaces please"), PASSWORD + "\n", "username: a username has"),
        (("--name", "  "), PASSWORD + "\n", "display_name: a name to show is needed"),
    ],
)
def test_init_refuses_bad_input_naming_the_field_and_stays_local(
    args: tuple[str, ...], stdin: str, message: str
) -> None:
    result = _run("init", *args, "--password-stdin", stdin=stdin)
    assert result.exit_code == 1
    assert f"nextline: {message}" in _err(result)
    assert "Traceback" not in _err(result)
    assert _accounts().any_accounts() is False


def test_init_is_refused_once_an_admin_exists(initialised: None) -> None:
    result = _run("init", "--username", "second", "--password-stdin", stdin=PASSWORD + "\n")
    assert result.exit_code == 1
    assert "account: an admin account exists already" in _err(result)
    assert [a.username for a in _accounts().accounts()] == ["admin"]


def test_add_needs_an_admin_first(people: None) -> None:
    result = _run("add", "sam", "--name", "Sam", "--caregiver-for", MARIA)
    assert result.exit_code == 1
    assert "run `nextline admin init` first" in _err(result)
    assert _accounts().any_accounts() is False


def test_add_prints_a_one_time_link_that_sets_the_password(initialised: None) -> None:
    result = _run("add", "Sam", "--name", "Sam Lee", "--caregiver-for", MARIA, "--owner-of", AISHA)
    assert result.exit_code == 0, _err(result)
    link = result.stdout.strip().splitlines()[-1]
    accounts = _accounts()
    sam = accounts.find_account("sam")
    assert sam is not None
    assert (sam.display_name, sam.has_password) == ("Sam Lee", False)
    assert sam.roles == {MARIA: Role.CAREGIVER, AISHA: Role.OWNER}
    assert accounts.sign_in("sam", PASSWORD, "cli").outcome == "bad"
    assert accounts.reset_password(_token(link), PASSWORD) == sam.id
    assert accounts.sign_in("sam", PASSWORD, "cli").outcome == "ok"


def test_add_uses_the_base_url_option_then_the_setting(
    initialised: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _run(
        "add", "ana", "--name", "Ana", "--base-url", "https://care.example.org/", "--json"
    )
    assert result.exit_code == 0, _err(result)
    assert json.loads(result.stdout)["link"].startswith("https://care.example.org/set-password/")
    monkeypatch.setenv("NEXTLINE_BASE_URL", "https://nextline.example.net")
    result = _run("add", "bo", "--name", "Bo", "--navigator-for", MARIA, "--json")
    data = json.loads(result.stdout)
    assert data["link"].startswith("https://nextline.example.net/set-password/")
    assert data["roles"] == {MARIA: "navigator"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--owner-of", "nobody"), "--owner-of: no person with id 'nobody' is stored"),
        (("--navigator-for", MARIA, "--navigator-for", "ghost"), "--navigator-for: no person"),
        (("--owner-of", MARIA, "--caregiver-for", MARIA), "--caregiver-for: 'hr-positive-esr1'"),
        (("--admin", "--owner-of", MARIA), "--admin: an admin account holds no role"),
        (("--base-url", "care.example.org"), "--base-url: 'care.example.org' is not a web"),
        (("--base-url", "https://x.org/?a=1"), "--base-url: 'https://x.org/?a=1': give"),
        (("--hours", "0"), "--hours: a link works from 1 to 168 hours"),
    ],
)
def test_add_refuses_bad_options_naming_them_and_adds_nothing(
    initialised: None, args: tuple[str, ...], message: str
) -> None:
    result = _run("add", "sam", "--name", "Sam", *args)
    assert result.exit_code == 1
    assert f"nextline: {message}" in _err(result)
    assert [a.username for a in _accounts().accounts()] == ["admin"]


def test_add_refuses_a_taken_username(initialised: None) -> None:
    result = _run("add", "ADMIN", "--name", "Someone")
    assert result.exit_code == 1
    assert "USER: the username 'admin' is taken" in _err(result)


def test_reset_link_sets_a_new_password_and_signs_out_everywhere(initialised: None) -> None:
    accounts = _accounts()
    admin = accounts.find_account("admin")
    assert admin is not None
    session = accounts.start_session(admin.id, "cli")
    result = _run("reset-link", "Admin", "--hours", "2")
    assert result.exit_code == 0, _err(result)
    assert "works once, 2 hours" in result.stdout
    token = _token(result.stdout.strip().splitlines()[-1])
    accounts.reset_password(token, "a new long passphrase")
    assert accounts.principal_for_session(session) is None
    assert accounts.sign_in("admin", "a new long passphrase", "cli").outcome == "ok"


def test_reset_link_for_an_unknown_account_names_it(initialised: None) -> None:
    result = _run("reset-link", "nobody")
    assert result.exit_code == 1
    assert "nextline: USER: no account named 'nobody'" in _err(result)


def test_assign_and_unassign_change_the_role(initialised: None) -> None:
    assert _run("add", "sam", "--name", "Sam").exit_code == 0
    result = _run("assign", "sam", MARIA, "--role", "Caregiver")
    assert result.exit_code == 0, _err(result)
    assert _run("assign", "sam", AISHA, "--role", "navigator").exit_code == 0
    sam = _accounts().find_account("sam")
    assert sam is not None
    assert sam.roles == {MARIA: Role.CAREGIVER, AISHA: Role.NAVIGATOR}
    assert _run("unassign", "sam", MARIA).exit_code == 0
    sam = _accounts().find_account("sam")
    assert sam is not None
    assert sam.roles == {AISHA: Role.NAVIGATOR}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("assign", "sam", MARIA, "--role", "clinician"), "--role: 'clinician' is not one of"),
        (("assign", "sam", "nobody", "--role", "owner"), "PERSON: no person with id 'nobody'"),
        (("assign", "ghost", MARIA, "--role", "owner"), "USER: no account named 'ghost'"),
        (("assign", "admin", MARIA, "--role", "owner"), "account: 'admin' is an admin account"),
        (("unassign", "sam", MARIA), "PERSON: 'sam' has no role for 'hr-positive-esr1'"),
    ],
)
def test_assign_and_unassign_refuse_naming_the_field(
    initialised: None, args: tuple[str, ...], message: str
) -> None:
    assert _run("add", "sam", "--name", "Sam").exit_code == 0
    result = _run(*args)
    assert result.exit_code == 1
    assert f"nextline: {message}" in _err(result)
    assert {a.username: a.roles for a in _accounts().accounts()} == {"admin": {}, "sam": {}}


def test_list_shows_accounts_and_roles_by_person_id_and_no_health_data(
    initialised: None,
) -> None:
    assert _run("add", "sam", "--name", "Sam", "--caregiver-for", MARIA).exit_code == 0
    text = _run("list").stdout
    assert text.splitlines() == [
        "admin  Admin  [active]  admin",
        f"sam  Sam  [waiting for a password]  {MARIA} (caregiver)",
    ]
    data = json.loads(_run("list", "--json").stdout)["accounts"]
    assert [(a["username"], a["status"], a["roles"]) for a in data] == [
        ("admin", "active", {}),
        ("sam", "waiting for a password", {MARIA: "caregiver"}),
    ]
    for private in ("Maria", "Aisha", "letrozole", "ESR1"):
        assert private not in text
        assert private not in json.dumps(data)


def test_list_without_accounts_says_local_mode() -> None:
    result = _run("list")
    assert result.exit_code == 0
    assert "No accounts: nextline is in local mode" in result.stdout


def test_disable_signs_out_and_stops_sign_in_but_not_the_last_admin(initialised: None) -> None:
    assert _run("add", "sam", "--name", "Sam").exit_code == 0
    accounts = _accounts()
    sam = accounts.find_account("sam")
    assert sam is not None
    session = accounts.start_session(sam.id, "cli")
    result = _run("disable", "sam")
    assert result.exit_code == 0, _err(result)
    assert accounts.principal_for_session(session) is None
    assert "sam  Sam  [disabled]" in _run("list").stdout
    result = _run("disable", "admin")
    assert result.exit_code == 1
    assert "account: 'admin' is the only admin account" in _err(result)


def test_two_step_off_turns_the_second_factor_off(initialised: None) -> None:
    accounts = _accounts()
    admin = accounts.find_account("admin")
    assert admin is not None
    accounts.totp_begin(admin.id)
    result = _run("two-step-off", "admin")
    assert result.exit_code == 0, _err(result)
    assert accounts.sign_in("admin", PASSWORD, "cli").outcome == "ok"


def test_the_admin_commands_import_nothing_heavy_until_run() -> None:
    code = (
        "import sys, nextline.cli; "
        "print(sorted(m for m in ('argon2', 'pyotp', 'sqlalchemy', 'nextline.accounts.store') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_printed_link_opens_in_the_web_app_sets_the_password_and_signs_in(
    initialised: None,
) -> None:
    """The whole path a person takes: the admin's link, pasted into a browser as printed."""
    import re
    from urllib.parse import urlsplit

    from fastapi.testclient import TestClient

    from nextline.web import create_app

    result = _run("add", "sam", "--name", "Sam", "--owner-of", MARIA, "--json")
    assert result.exit_code == 0, _err(result)
    path = urlsplit(json.loads(result.stdout)["link"]).path
    with TestClient(create_app(Settings()), base_url="http://127.0.0.1:8321") as client:
        page = client.get(path)
        assert page.status_code == 200, page.text[:300]
        assert "Choose a password" in page.text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token is not None
        done = client.post(
            path,
            data={"password": PASSWORD, "password_again": PASSWORD, "csrf_token": token[1]},
            follow_redirects=False,
        )
        assert done.status_code == 303
        assert done.headers["location"] == "/sign-in?done=password"
        assert client.get(path).status_code == 404  # used once
    assert _accounts().sign_in("sam", PASSWORD, "cli").outcome == "ok"
