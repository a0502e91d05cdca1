"""Sessions end when idle, at their absolute time-out, and at once after sign-out, sign-out
everywhere, a password reset or a disabled account; no token or password is stored as is."""

from __future__ import annotations

from sqlalchemy import Engine, MetaData, select

from nextline.accounts.principal import Role
from nextline.accounts.store import AccountStore
from tests.accounts.conftest import PASSWORD, Clock


def _sam(accounts: AccountStore) -> int:
    sam = accounts.create_account("sam", "Sam", password=PASSWORD)
    accounts.grant(sam, "maria", Role.CAREGIVER)
    return sam


def test_a_session_ends_after_thirty_idle_minutes(accounts: AccountStore, clock: Clock) -> None:
    token = accounts.start_session(_sam(accounts), "a")
    clock.advance(minutes=29)
    assert accounts.principal_for_session(token) is not None
    clock.advance(minutes=29)  # 58 minutes after sign-in, 29 after the last request
    assert accounts.principal_for_session(token) is not None
    clock.advance(minutes=30)
    assert accounts.principal_for_session(token) is None
    clock.advance(minutes=-1)  # the refusal did not count as a request either
    assert accounts.principal_for_session(token) is not None


def test_a_busy_session_still_ends_twelve_hours_after_sign_in(
    accounts: AccountStore, clock: Clock
) -> None:
    token = accounts.start_session(_sam(accounts), "a")
    for _ in range(35):  # a request every 20 minutes: 11 h 40 min
        clock.advance(minutes=20)
        assert accounts.principal_for_session(token) is not None
    clock.advance(minutes=19)
    assert accounts.principal_for_session(token) is not None
    clock.advance(minutes=1)
    assert accounts.principal_for_session(token) is None


def test_sign_out_ends_only_that_session(accounts: AccountStore) -> None:
    sam = _sam(accounts)
    laptop = accounts.start_session(sam, "a")
    phone = accounts.start_session(sam, "b")
    accounts.end_session(laptop)
    assert accounts.principal_for_session(laptop) is None
    assert accounts.principal_for_session(phone) is not None
    accounts.end_session(laptop)  # twice is harmless
    accounts.end_session("never issued")
    accounts.end_session("")


def test_sign_out_everywhere_ends_every_session_of_that_account_only(
    accounts: AccountStore,
) -> None:
    sam = _sam(accounts)
    ana = accounts.create_account("ana", "Ana", password=PASSWORD)
    mine = [accounts.start_session(sam, "a"), accounts.start_session(sam, "b")]
    hers = accounts.start_session(ana, "c")
    accounts.end_all_sessions(sam)
    assert [accounts.principal_for_session(t) for t in mine] == [None, None]
    assert accounts.principal_for_session(hers) is not None
    fresh = accounts.start_session(sam, "a")  # signing in again works
    assert accounts.principal_for_session(fresh) is not None


def test_a_password_reset_and_disabling_end_the_sessions(accounts: AccountStore) -> None:
    sam = _sam(accounts)
    before_reset = accounts.start_session(sam, "a")
    accounts.reset_password(accounts.create_reset_link(sam, None), "another good passphrase")
    assert accounts.principal_for_session(before_reset) is None
    before_disable = accounts.start_session(sam, "a")
    accounts.disable(sam)
    assert accounts.principal_for_session(before_disable) is None


def test_every_sign_in_gets_a_new_token_and_made_up_tokens_get_nothing(
    accounts: AccountStore,
) -> None:
    sam = _sam(accounts)
    tokens = {accounts.start_session(sam, "a") for _ in range(5)}
    assert len(tokens) == 5
    assert {len(t) for t in tokens} == {43}
    for made_up in (None, "", "x", "a" * 43, "a" * 5000, next(iter(tokens)) + "x"):
        assert accounts.principal_for_session(made_up) is None
        assert accounts.principal_for_share(made_up) is None
        assert accounts.invite_details(made_up or "") is None


def _everything_stored(engine: Engine) -> str:
    """Every row of every table, as one text."""
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        return "\n".join(
            repr(tuple(row))
            for table in metadata.sorted_tables
            for row in connection.execute(select(table))
        )


def test_no_token_or_password_is_stored_as_is(accounts: AccountStore, engine: Engine) -> None:
    import hashlib

    sam = _sam(accounts)
    secrets = {
        "session": accounts.start_session(sam, "a"),
        "share": accounts.create_share("maria", "Dr Lee", sam, 7),
        "invite": accounts.create_invite("maria", Role.CAREGIVER, sam),
        "reset": accounts.create_reset_link(sam, None),
    }
    stored = _everything_stored(engine)
    for what, token in secrets.items():
        assert token not in stored, what
        assert hashlib.sha256(token.encode()).hexdigest() in stored, what
    assert PASSWORD not in stored
    assert "$argon2id$" in stored
