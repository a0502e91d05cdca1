"""`nextline admin ...`: the accounts of server mode, managed from the server's own shell.

Why a command line and not only a web page: the first admin account must exist before
anyone can sign in (`admin init`), and whoever runs the server already holds its files, so
the shell is the one place that needs no sign-in. Accounts are made without a password: the
admin hands the person a one-time link to set it (no e-mail service assumed). Nothing here
shows health data: accounts, roles and person ids only.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from nextline.cli._common import JSON_HELP, print_json

if TYPE_CHECKING:
    from nextline.accounts.models import AccountInfo
    from nextline.accounts.store import AccountStore


admin_app = typer.Typer(
    name="admin",
    help="Manage the accounts of server mode: the first admin, people's accounts, roles, "
    "password links. Shows no health data.",
    no_args_is_help=True,
)

BASE_URL_HELP = (
    "The address people open nextline at, for the link (default: NEXTLINE_BASE_URL, "
    "else http://HOST:PORT from the settings)."
)


def _accounts() -> AccountStore:
    from nextline.accounts.store import AccountStore
    from nextline.settings import Settings
    from nextline.store import open_engine

    return AccountStore(open_engine(Settings()))


def _account(accounts: AccountStore, username: str, field: str = "USER") -> AccountInfo:
    from nextline.accounts.errors import AccountError

    found = accounts.find_account(username)
    if found is None:
        raise AccountError(field, f"no account named {username!r} (see `nextline admin list`)")
    return found


def _need_admin(accounts: AccountStore) -> None:
    from nextline.accounts.errors import AccountError

    if not accounts.any_admin():
        raise AccountError("account", "no admin account yet: run `nextline admin init` first")


def base_url(option: str | None) -> str:
    """Where links point: `--base-url`, else the settings' base URL, else host and port."""
    from nextline.accounts.errors import AccountError
    from nextline.settings import Settings

    settings = Settings()
    url = option or settings.base_url
    field = "--base-url" if option else "NEXTLINE_BASE_URL"
    if not url:
        host = f"[{settings.host}]" if ":" in settings.host else settings.host
        return f"http://{host}:{settings.port}"
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")) or len(url.split("://", 1)[1]) == 0:
        raise AccountError(field, f"{url!r} is not a web address (http://... or https://...)")
    if any(ch in url for ch in "?# \t"):
        raise AccountError(field, f"{url!r}: give the address without '?', '#' or spaces")
    return url


def _check_hours(hours: int) -> None:
    from nextline.accounts.errors import AccountError
    from nextline.accounts.policy import RESET_MAX_HOURS

    if not 1 <= hours <= RESET_MAX_HOURS:
        raise AccountError("--hours", f"a link works from 1 to {RESET_MAX_HOURS} hours")


def _link(url: str, token: str) -> str:
    from nextline.accounts.links import set_password_link

    return set_password_link(url, token)


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    value: str = typer.prompt(
        "Password for the admin account (at least 12 characters)",
        hide_input=True,
        confirmation_prompt="Type it again",
    )
    return value


@admin_app.command("init")
def init(
    username: Annotated[str, typer.Option("--username", help="The admin's username.")] = "admin",
    name: Annotated[str, typer.Option("--name", help="The name shown for it.")] = "Admin",
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin",
            help="Read the password from the first line of standard input (for scripts) "
            "instead of asking twice with a hidden prompt.",
        ),
    ] = False,
) -> None:
    """Create the first admin account and turn server mode on (everyone then signs in).

    Refused when an admin account exists. An admin manages accounts and sees no health data.
    """
    from nextline.accounts.errors import AccountError
    from nextline.accounts.passwords import check_strength
    from nextline.accounts.store import check_display_name, check_username

    accounts = _accounts()
    if accounts.any_admin():
        raise AccountError(
            "account",
            "an admin account exists already; add accounts with `nextline admin add`",
        )
    check_username(username)
    check_display_name(name)
    password = _read_password(password_stdin)
    check_strength(password)
    accounts.create_account(username, name, password=password, is_admin=True)
    typer.echo(
        f"Admin account {username.strip().lower()!r} created. nextline is now in server mode: "
        "everyone signs in. Add people with `nextline admin add`."
    )


@admin_app.command("add")
def add(
    user: Annotated[str, typer.Argument(help="The new account's username.")],
    name: Annotated[str, typer.Option("--name", help="The name shown for the account.")],
    owner_of: Annotated[
        list[str] | None,
        typer.Option("--owner-of", help="A person id this account is (repeat for more)."),
    ] = None,
    caregiver_for: Annotated[
        list[str] | None,
        typer.Option("--caregiver-for", help="A person id this account helps (read and edit)."),
    ] = None,
    navigator_for: Annotated[
        list[str] | None,
        typer.Option("--navigator-for", help="A person id this navigator follows (repeatable)."),
    ] = None,
    admin: Annotated[
        bool, typer.Option("--admin", help="Another admin account (accounts only, no people).")
    ] = False,
    url: Annotated[str | None, typer.Option("--base-url", help=BASE_URL_HELP)] = None,
    hours: Annotated[int, typer.Option("--hours", help="How long the link works.")] = 24,
    json_out: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Add an account and print a one-time link for its person to set a password."""
    from nextline.accounts.errors import AccountError
    from nextline.accounts.principal import Role
    from nextline.accounts.store import check_display_name, check_username
    from nextline.store import RecordStore

    grants = [
        (option, person, role)
        for option, people, role in (
            ("--owner-of", owner_of, Role.OWNER),
            ("--caregiver-for", caregiver_for, Role.CAREGIVER),
            ("--navigator-for", navigator_for, Role.NAVIGATOR),
        )
        for person in people or []
    ]
    check_username(user)
    check_display_name(name)
    _check_hours(hours)
    where = base_url(url)
    if admin and grants:
        raise AccountError(
            "--admin", "an admin account holds no role for a person; leave out the roles"
        )
    seen: dict[str, str] = {}
    for option, person, _ in grants:
        if person in seen:
            raise AccountError(option, f"{person!r} is given twice ({seen[person]} and {option})")
        seen[person] = option
    accounts = _accounts()
    _need_admin(accounts)
    records = RecordStore(accounts.engine)
    for option, person, _ in grants:
        if not records.exists(person):
            raise AccountError(option, f"no person with id {person!r} is stored")
    if accounts.find_account(user) is not None:
        raise AccountError("USER", f"the username {user.strip().lower()!r} is taken")
    account_id = accounts.create_account(user, name, password=None, is_admin=admin)
    for _, person, role in grants:
        accounts.grant(account_id, person, role)
    link = _link(where, accounts.create_reset_link(account_id, None, hours=hours))
    if json_out:
        roles = {person: role.value for _, person, role in grants}
        print_json({"account_id": account_id, "roles": roles, "link": link})
        return
    typer.echo(f"Account {user.strip().lower()!r} added.")
    typer.echo(f"Give this link to {name} to set a password (works once, {hours} hours):")
    typer.echo(link)


@admin_app.command("reset-link")
def reset_link(
    user: Annotated[str, typer.Argument(help="The account's username.")],
    url: Annotated[str | None, typer.Option("--base-url", help=BASE_URL_HELP)] = None,
    hours: Annotated[int, typer.Option("--hours", help="How long the link works.")] = 24,
) -> None:
    """Print a one-time link that sets a new password for an account (a forgotten password).

    Using it signs the account out everywhere."""
    _check_hours(hours)
    where = base_url(url)
    accounts = _accounts()
    account = _account(accounts, user)
    token = accounts.create_reset_link(account.id, None, hours=hours)
    typer.echo(f"Give this link to {account.display_name} (works once, {hours} hours):")
    typer.echo(_link(where, token))


@admin_app.command("assign")
def assign(
    user: Annotated[str, typer.Argument(help="The account's username.")],
    person: Annotated[str, typer.Argument(help="The person's id.")],
    role: Annotated[str, typer.Option("--role", help="owner, caregiver or navigator.")],
) -> None:
    """Give an account a role for a person (replaces the role it had for that person)."""
    from nextline.accounts.errors import AccountError
    from nextline.accounts.principal import Role

    choices = ("owner", "caregiver", "navigator")
    if role.strip().lower() not in choices:
        raise AccountError("--role", f"{role!r} is not one of {', '.join(choices)}")
    accounts = _accounts()
    account = _account(accounts, user)
    from nextline.store import RecordStore

    if not RecordStore(accounts.engine).exists(person):
        raise AccountError("PERSON", f"no person with id {person!r} is stored")
    accounts.grant(account.id, person, Role(role.strip().lower()))
    typer.echo(f"{account.username!r} is now {role.strip().lower()} for {person!r}.")


@admin_app.command("unassign")
def unassign(
    user: Annotated[str, typer.Argument(help="The account's username.")],
    person: Annotated[str, typer.Argument(help="The person's id.")],
) -> None:
    """Take away an account's role for a person (from its next request on)."""
    from nextline.accounts.errors import AccountError

    accounts = _accounts()
    account = _account(accounts, user)
    if person not in account.roles:
        raise AccountError("PERSON", f"{account.username!r} has no role for {person!r}")
    accounts.revoke(account.id, person)
    typer.echo(f"{account.username!r} no longer has a role for {person!r}.")


@admin_app.command("list")
def list_accounts(
    json_out: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """List every account with its roles (person ids only, no health data)."""
    rows = [
        {
            "username": a.username,
            "name": a.display_name,
            "admin": a.is_admin,
            "status": _status(a),
            "two_factor": a.totp_enabled,
            "roles": {person: role.value for person, role in a.roles.items()},
        }
        for a in _accounts().accounts()
    ]
    if json_out:
        print_json({"accounts": rows})
        return
    if not rows:
        typer.echo("No accounts: nextline is in local mode (run `nextline admin init`).")
        return
    for row in rows:
        roles = row["roles"]
        assert isinstance(roles, dict)
        held = ", ".join(f"{p} ({r})" for p, r in roles.items())
        kind = "admin" if row["admin"] else (held or "no people yet")
        factor = ", two-step sign-in" if row["two_factor"] else ""
        typer.echo(f"{row['username']}  {row['name']}  [{row['status']}{factor}]  {kind}")


def _status(account: AccountInfo) -> str:
    if account.disabled_at is not None:
        return "disabled"
    return "active" if account.has_password else "waiting for a password"


@admin_app.command("disable")
def disable(user: Annotated[str, typer.Argument(help="The account's username.")]) -> None:
    """Disable an account for good: it cannot sign in and is signed out everywhere now."""
    accounts = _accounts()
    account = _account(accounts, user)
    accounts.disable(account.id)
    typer.echo(f"{account.username!r} is disabled and signed out everywhere.")


@admin_app.command("two-step-off")
def two_step_off(user: Annotated[str, typer.Argument(help="The account's username.")]) -> None:
    """Turn off an account's two-step sign-in (a lost phone); they can set it up again."""
    accounts = _accounts()
    account = _account(accounts, user)
    accounts.totp_disable(account.id)
    accounts.end_all_sessions(account.id)
    typer.echo(f"Two-step sign-in is off for {account.username!r}; it is signed out everywhere.")


def register(app: typer.Typer) -> None:
    app.add_typer(admin_app)
