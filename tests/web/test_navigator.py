"""The navigator's view: the people followed, sorted by what needs attention today, each
reason in plain words and linking to the person; an unreadable record is listed, never
dropped; in server mode only the people the account navigates for."""

from __future__ import annotations

import datetime as dt
import json
import re
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from nextline.accounts.audit import entries as audit_entries
from nextline.accounts.principal import Role
from nextline.record.validate import validate_record
from nextline.store.tables import RecordVersion
from nextline.web.trial_changes import remember
from tests.web.accounts_setup import DANA, client_as, server_mode
from tests.web.attention_people import appointment, base, emergency, growth, lesions, questions
from tests.web.conftest import AS_OF, MARIA, make_app, make_client

ANA = "her2-positive-brain"


def _save(app, data: dict[str, Any]) -> None:
    state = app.state.web
    state.store.save(validate_record(data, state.kb, AS_OF).file, "import", base=None)


def _break(app, person_id: str) -> None:
    """Spoil the stored latest version, as a bad migration or a hand edit of the database
    could: the record can no longer be read."""
    with Session(app.state.web.store.engine) as session, session.begin():
        session.execute(
            update(RecordVersion)
            .where(RecordVersion.person_id == person_id)
            .values(content=json.dumps({"nextline": 1, "patient": {"id": person_id}}))
        )


@pytest.fixture
def site(tmp_path):
    app = make_app(tmp_path / "home", people=(), trials=False)
    _save(app, base("quiet", "Quinn Quiet"))
    _save(app, questions(base("asks", "Ada Asks"), "Can I travel in July?", "What about pain?"))
    _save(app, appointment(base("visit", "Vera Visit"), 3, "oncology visit"))
    _save(app, growth(base("turned", "Tom Turned")))
    _save(app, emergency(base("urgent", "Uma Urgent")))
    _save(app, base("broken", "Bo Broken"))
    _break(app, "broken")
    return app


def _rows(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<tr data-person="([^"]+)" data-first="([^"]+)">', html)


def _reasons(html: str, person: str) -> list[str]:
    row = html.split(f'<tr data-person="{person}"', 1)[1].split("</tr>", 1)[0]
    return [
        re.sub(r"<[^>]+>", "", text).strip()
        for text in re.findall(r'<li class="reason[^"]*"[^>]*>(.*?)</li>', row, re.S)
    ]


def test_everyone_is_listed_most_pressing_first_in_local_mode(site) -> None:
    with make_client(site) as client:
        page = client.get("/navigator")
    assert page.status_code == 200
    assert _rows(page.text) == [
        ("urgent", "emergency"),
        ("broken", "unreadable"),
        ("turned", "status_turned"),
        ("visit", "appointment"),
        ("asks", "question"),
        ("quiet", "nothing"),
    ]
    assert "5 of 6 people need attention today." in page.text
    assert _reasons(page.text, "urgent") == [
        "Emergency sign reported on 31 May 2025: weak or numb legs, trouble "
        "walking, or a bladder or bowel change (possible spinal cord compression)"
    ]
    assert _reasons(page.text, "turned") == [
        "The treatment now looks “probably not working” after the scan of 22 May 2025; "
        "before, it looked “probably working”"
    ]
    assert _reasons(page.text, "visit") == ["Visit with your cancer doctor on Wed 4 Jun 2025"]
    assert _reasons(page.text, "asks") == ["2 questions kept for the team, not answered yet"]
    quiet = page.text.split('<tr data-person="quiet"', 1)[1].split("</tr>", 1)[0]
    assert "Nothing due today" in quiet


def test_an_unreadable_record_is_listed_with_the_reason(site) -> None:
    with make_client(site) as client:
        page = client.get("/navigator").text
    assert _reasons(page, "broken") == [
        "The record could not be read, so nothing else could be checked: "
        "patient.sex: required field is missing; diagnosis: required field is missing"
    ]


def test_each_row_links_to_the_person_and_each_reason_to_its_page(site) -> None:
    with make_client(site) as client:
        page = client.get("/navigator").text
    for person in ("urgent", "broken", "turned", "visit", "asks", "quiet"):
        row = page.split(f'<tr data-person="{person}"', 1)[1].split("</tr>", 1)[0]
        assert f'<a href="/people/{person}">' in row, person
    asks = page.split('<tr data-person="asks"', 1)[1].split("</tr>", 1)[0]
    assert 'href="/people/asks/questions"' in asks


def test_the_site_menu_links_to_the_view(site) -> None:
    with make_client(site) as client:
        assert 'href="/navigator"' in client.get("/people").text
        assert 'aria-current="page">Who needs attention' in client.get("/navigator").text


def test_a_change_to_the_record_is_seen_at_once_despite_the_cache(site) -> None:
    with make_client(site) as client:
        assert dict(_rows(client.get("/navigator").text))["quiet"] == "nothing"
        state = site.state.web
        data = emergency(base("quiet", "Quinn Quiet"))
        state.store.save(
            validate_record(data, state.kb, AS_OF).file,
            "symptoms",
            base=state.store.latest_version("quiet"),
        )
        assert dict(_rows(client.get("/navigator").text))["quiet"] == "emergency"


def test_a_new_day_is_worked_out_again(site) -> None:
    with make_client(site) as client:
        assert dict(_rows(client.get("/navigator").text))["visit"] == "appointment"
        site.state.web.as_of = AS_OF + dt.timedelta(days=4)  # the visit is yesterday now
        assert dict(_rows(client.get("/navigator").text))["visit"] == "nothing"


def _match(nct: str) -> Any:
    return SimpleNamespace(
        verdict="possibly_eligible",
        nct_id=nct,
        title=f"Study {nct}",
        trial=SimpleNamespace(nct_id=nct, title=f"Study {nct}"),
    )


def test_new_trials_come_from_the_kept_match_and_no_match_runs(site, monkeypatch) -> None:
    state = site.state.web
    remember(state, "quiet", AS_OF, [_match("NCT01")], "2025-05-01")  # the kept snapshot
    remember(state, "quiet", AS_OF, [_match(n) for n in ("NCT01", "NCT02", "NCT03")], None)

    def no_matching(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the navigator's view must never run a trial match")

    import nextline.trials.matching

    monkeypatch.setattr(nextline.trials.matching, "match_trials", no_matching)
    with make_client(site) as client:
        page = client.get("/navigator").text
    assert dict(_rows(page))["quiet"] == "new_trials"
    assert _reasons(page, "quiet") == ["2 new trials may fit since 1 Jun 2025"]
    assert 'href="/people/quiet/trials"' in page


def test_a_navigator_account_sees_only_the_people_it_navigates_for(tmp_path) -> None:
    """Through the real sign-in: the navigator of Maria is also given Ana's record to follow;
    Dana's owner and Maria's caregiver are other accounts."""
    app = make_app(tmp_path / "home", trials=False)
    server = server_mode(app)
    server.accounts.grant(server.ids["navigator"], ANA, Role.NAVIGATOR)
    client = client_as(server, "navigator")
    try:
        page = client.get("/navigator").text
    finally:
        client.__exit__(None, None, None)
    assert sorted(p for p, _ in _rows(page)) == sorted([MARIA, ANA])
    assert "The people you follow as a navigator" in page
    assert DANA not in page
    # the list read both people: each one's log says so; nobody else's log changed
    engine = app.state.web.store.engine
    for person in (MARIA, ANA):
        lines = [e for e in audit_entries(engine, person) if e.what == "GET /navigator"]
        assert [(e.actor, e.actor_kind, e.account_id, e.action) for e in lines] == [
            ("Navigator", "account", server.ids["navigator"], "read")
        ]
    assert audit_entries(engine, DANA) == []


@pytest.mark.parametrize("role", ["caregiver", "owner", "clinician", "admin", "norole"])
def test_others_follow_nobody_here(tmp_path, role: str) -> None:
    app = make_app(tmp_path / "home", trials=False)
    client = client_as(server_mode(app), role)
    try:
        page = client.get("/navigator")
    finally:
        client.__exit__(None, None, None)
    assert page.status_code == 200
    assert _rows(page.text) == []
    assert "You do not follow anyone as a navigator yet." in page.text


def test_the_view_asks_an_anonymous_caller_to_sign_in(tmp_path) -> None:
    app = make_app(tmp_path / "home", trials=False)
    client = client_as(server_mode(app), "anonymous")
    try:
        page = client.get("/navigator", follow_redirects=False)
    finally:
        client.__exit__(None, None, None)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/sign-in")


def test_the_local_user_leaves_no_audit_lines(site) -> None:
    with make_client(site) as client:
        client.get("/navigator")
    assert audit_entries(site.state.web.store.engine, "urgent") == []


def test_an_empty_store(tmp_path) -> None:
    app = make_app(tmp_path / "home", people=(), trials=False)
    with make_client(app) as client:
        page = client.get("/navigator")
    assert page.status_code == 200
    assert "No one is stored yet." in page.text


def test_one_persons_unexpected_failure_hides_nobody_and_logs_no_health_data(
    site, monkeypatch, caplog
) -> None:
    import nextline.assess

    real = nextline.assess.assess_status

    def failing_for_vera(record, kb, day):
        if record.file.patient.id == "visit":
            raise RuntimeError("secret detail: Vera's liver")
        return real(record, kb, day)

    monkeypatch.setattr(nextline.assess, "assess_status", failing_for_vera)
    with make_client(site) as client:
        page = client.get("/navigator").text
    assert [p for p, _ in _rows(page)] == ["urgent", "broken", "visit", "turned", "asks", "quiet"]
    assert _reasons(page, "visit") == [
        "The record could not be read, so nothing else could be checked: "
        "an unexpected problem (RuntimeError)"
    ]
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "navigator: RuntimeError" in logged
    assert "Vera" not in logged and "visit" not in logged and "liver" not in logged


def test_a_status_that_turned_with_the_latest_change(tmp_path) -> None:
    """The latest scan was entered too small (the status read "working" after an earlier
    scan that showed growth); the correction, a new version, turns it. The day before that
    scan it was already "not working", so it is the change that turned it."""
    app = make_app(tmp_path / "home", people=(), trials=False)
    state = app.state.web
    data = base("p", "Pat")
    data["imaging"].append(
        {"date": "2025-03-01", "modality": "CT", "lesions": lesions(40, 30, 20, 25)}
    )
    data["imaging"].append(
        {"date": "2025-05-22", "modality": "CT", "lesions": lesions(21, 12, 9, 10)}
    )
    _save(app, data)
    with make_client(app) as client:
        assert _rows(client.get("/navigator").text) == [("p", "nothing")]
        data["imaging"][-1]["lesions"] = lesions(45, 30, 20, 25)
        state.store.save(validate_record(data, state.kb, AS_OF).file, "corrected", base=1)
        page = client.get("/navigator").text
    assert _rows(page) == [("p", "status_turned")]
    assert _reasons(page, "p") == [
        "The treatment now looks “probably not working” after the latest change; "
        "before, it looked “probably working”"
    ]


@pytest.mark.parametrize(
    ("role", "shown"),
    [("navigator", True), ("caregiver", False), ("admin", False), ("clinician", False)],
)
def test_the_menu_link_is_for_those_who_follow_someone(tmp_path, role: str, shown: bool) -> None:
    app = make_app(tmp_path / "home", trials=False)
    client = client_as(server_mode(app), role)
    try:
        page = client.get("/account" if role != "clinician" else f"/people/{MARIA}").text
    finally:
        client.__exit__(None, None, None)
    assert ('href="/navigator"' in page) is shown


def test_a_damaged_snapshot_date_still_counts_the_new_trials(site) -> None:
    from nextline.trials.history import Snapshot, save_snapshot

    state = site.state.web
    save_snapshot(state.settings.data_dir, "quiet", Snapshot("not a date", None, {}))
    remember(state, "quiet", AS_OF, [_match("NCT07")], None)
    with make_client(site) as client:
        page = client.get("/navigator").text
    assert _reasons(page, "quiet") == ["1 new trial may fit"]
