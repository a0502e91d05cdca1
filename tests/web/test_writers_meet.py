"""Two writers meet (issue 15, fourth probe): web tabs, accounts, the API and the command line
writing one record at once, on SQLite and PostgreSQL. Nothing acknowledged is lost, nothing is
silently overwritten, a refusal says what changed and keeps what the person typed, a double
post stores one entry while two real entries made on purpose are both kept."""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from nextline.record import patient_file_data
from tests.web.concurrency_app import app_on
from tests.web.conftest import MARIA, csrf, make_client

# Sequential cases (no two requests at once) check the web rules, the same on both databases:
# SQLite only, to keep the suite fast. Every case where requests meet runs on both.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
LAB = {"date": "2025-05-01", "test": "CA 15-3", "value": "64.5", "unit": "U/mL"}
SYMPTOMS = {"date": "2025-05-30", "esas.pain": "4", "notes": "aching hips"}
SIDE_EFFECT = {"date": "2025-05-03", "term": "nausea", "grade": "1"}


@pytest.fixture
def app(tmp_path: Path, database_url: str | None) -> Any:
    return app_on(tmp_path, database_url)


def _client(app: Any) -> Any:
    client = make_client(app)
    client.get("/people")  # the CSRF cookie
    return client


def _page_fields(client: Any, path: str) -> dict[str, str]:
    """The hidden fields of the form a page shows (its base version, its form token)."""
    page = client.get(path).text
    fields = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', page))
    fields.pop("csrf_token", None)
    assert "base_version" in fields, page[:600]
    return fields


def _post(client: Any, path: str, hidden: dict[str, str], typed: dict[str, str]) -> Any:
    return client.post(
        path,
        data={"csrf_token": csrf(client), **hidden, **typed},
        follow_redirects=False,
    )


def _section(app: Any, section: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = (
        patient_file_data(app.state.web.store.get(MARIA)).get(section) or []
    )
    return items


def _at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; their answers in order."""
    start = threading.Barrier(len(calls))
    answers: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        start.wait()
        answers[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def test_two_tabs_adding_to_different_parts_keep_both(app: Any) -> None:
    tab_a, tab_b = _client(app), _client(app)
    lab_page = _page_fields(tab_a, f"/people/{MARIA}/add/lab")
    symptom_page = _page_fields(tab_b, f"/people/{MARIA}/add/symptoms")
    labs, symptoms = len(_section(app, "labs")), len(_section(app, "symptoms"))
    answers = _at_once(
        lambda: _post(tab_a, f"/people/{MARIA}/add/lab", lab_page, LAB),
        lambda: _post(tab_b, f"/people/{MARIA}/add/symptoms", symptom_page, SYMPTOMS),
    )
    assert [a.status_code for a in answers] == [303, 303]
    assert len(_section(app, "labs")) == labs + 1
    assert len(_section(app, "symptoms")) == symptoms + 1


def test_two_tabs_correcting_one_entry_keep_one_and_tell_the_other(app: Any) -> None:
    path = f"/people/{MARIA}/entries/labs/0/correct"
    tab_a, tab_b = _client(app), _client(app)
    page_a, page_b = _page_fields(tab_a, path), _page_fields(tab_b, path)
    first = {"date": "2021-05-25", "test": "CA 15-3", "value": "97", "unit": "U/mL"}
    second = {"date": "2021-05-25", "test": "CA 15-3", "value": "98.5", "unit": "U/mL"}
    answers = _at_once(
        lambda: _post(tab_a, path, page_a, first), lambda: _post(tab_b, path, page_b, second)
    )
    codes = sorted(a.status_code for a in answers)
    assert codes == [303, 409], [a.text[:400] for a in answers]
    refused = next(a for a in answers if a.status_code == 409)
    won = first if refused is answers[1] else second
    lost = second if won is first else first
    assert "changed since you opened it" in refused.text
    assert "corrected" in refused.text  # what changed meanwhile
    assert f'value="{lost["value"]}"' in refused.text  # what they typed is still there
    assert _section(app, "labs")[0]["value"] == float(won["value"])


@SQLITE_ONLY
def test_a_stale_correction_after_an_earlier_entry_was_deleted_changes_nothing_else(
    app: Any,
) -> None:
    """Tab A deletes the first lab; tab B, opened before, corrects the second one. The
    second lab is now first: the refusal must not offer to save B's values over whatever
    entry moved into its place."""
    tab_a, tab_b = _client(app), _client(app)
    correct = f"/people/{MARIA}/entries/labs/1/correct"
    page_b = _page_fields(tab_b, correct)
    page_a = _page_fields(tab_a, f"/people/{MARIA}/entries/labs/0/delete")
    deleted = _post(tab_a, f"/people/{MARIA}/entries/labs/0/delete", page_a, {})
    assert deleted.status_code == 303
    labs = _section(app, "labs")
    typed = {"date": "2021-09-10", "test": "CA 15-3", "value": "42", "unit": "U/mL"}
    refused = _post(tab_b, correct, page_b, typed)
    assert refused.status_code == 409
    assert 'value="42"' in refused.text  # what they typed is kept
    action = re.search(r'<form[^>]*action="([^"]*correct)"', refused.text)
    assert action is not None
    # saving the re-shown form again must change the lab that was corrected (now index 0)
    resent = _post(tab_b, html.unescape(action.group(1)), _hidden(refused.text), typed)
    assert resent.status_code == 303, resent.text[:500]
    after = _section(app, "labs")
    assert after[0] == {**labs[0], "value": 42}
    assert after[1:] == labs[1:]


def _hidden(page: str) -> dict[str, str]:
    fields = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', page))
    fields.pop("csrf_token", None)
    return fields


@SQLITE_ONLY
def test_a_correction_of_an_entry_deleted_meanwhile_keeps_what_was_typed(app: Any) -> None:
    tab_a, tab_b = _client(app), _client(app)
    last = len(_section(app, "labs")) - 1
    correct = f"/people/{MARIA}/entries/labs/{last}/correct"
    page_b = _page_fields(tab_b, correct)
    page_a = _page_fields(tab_a, f"/people/{MARIA}/entries/labs/{last}/delete")
    assert _post(tab_a, f"/people/{MARIA}/entries/labs/{last}/delete", page_a, {}).status_code
    typed = {"date": "2024-03-20", "test": "ALT", "value": "49", "unit": "U/L"}
    refused = _post(tab_b, correct, page_b, typed)
    assert refused.status_code == 409, refused.text[:400]
    assert "deleted" in refused.text
    assert "49" in refused.text


@pytest.mark.parametrize("form,typed", [("lab", LAB), ("side-effect", SIDE_EFFECT)])
def test_two_pages_adding_the_same_entry_on_purpose_keep_both(
    app: Any, form: str, typed: dict[str, str]
) -> None:
    """Two identical readings (two equal doses, two equal results on one day) added from two
    pages opened at the same version are two real entries, not a double click."""
    section = {"lab": "labs", "side-effect": "side_effects"}[form]
    before = len(_section(app, section))
    tab_a, tab_b = _client(app), _client(app)
    page_a = _page_fields(tab_a, f"/people/{MARIA}/add/{form}")
    page_b = _page_fields(tab_b, f"/people/{MARIA}/add/{form}")
    assert _post(tab_a, f"/people/{MARIA}/add/{form}", page_a, typed).status_code == 303
    assert _post(tab_b, f"/people/{MARIA}/add/{form}", page_b, typed).status_code == 303
    assert len(_section(app, section)) == before + 2


def test_a_double_click_whose_two_posts_arrive_together_stores_one(app: Any) -> None:
    tab = _client(app)
    page = _page_fields(tab, f"/people/{MARIA}/add/lab")
    before = len(_section(app, "labs"))
    answers = _at_once(
        lambda: _post(tab, f"/people/{MARIA}/add/lab", page, LAB),
        lambda: _post(tab, f"/people/{MARIA}/add/lab", page, LAB),
    )
    assert [a.status_code for a in answers] == [303, 303]
    assert answers[0].headers["location"] == answers[1].headers["location"]
    assert len(_section(app, "labs")) == before + 1


def _api_lab(client: Any, value: float, key: str | None) -> Any:
    headers = {"X-CSRF-Token": csrf(client)}
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(
        f"/api/people/{MARIA}/entries/labs",
        json={"date": "2025-05-01", "test": "CA 15-3", "value": value, "unit": "U/mL"},
        headers=headers,
    )


@SQLITE_ONLY
def test_an_api_post_retried_after_a_timeout_stores_one_entry(app: Any) -> None:
    """The client's first post landed but its answer was lost; it sends the same post again
    with the same key: one entry, and the same answer."""
    client = _client(app)
    before = len(_section(app, "labs"))
    first = _api_lab(client, 70.0, "retry-7f3a")
    again = _api_lab(client, 70.0, "retry-7f3a")
    assert first.status_code == 201 and again.status_code == 201, again.text
    assert again.json()["version"] == first.json()["version"]
    assert len(_section(app, "labs")) == before + 1
    # two equal results sent on purpose carry two keys (or none): both are stored
    assert _api_lab(client, 70.0, "other-key-1").status_code == 201
    assert _api_lab(client, 70.0, None).status_code == 201
    assert len(_section(app, "labs")) == before + 3


def test_an_api_retry_racing_its_first_post_stores_one_entry(app: Any) -> None:
    client = _client(app)
    before = len(_section(app, "labs"))
    answers = _at_once(
        lambda: _api_lab(client, 71.0, "race-key-01"), lambda: _api_lab(client, 71.0, "race-key-01")
    )
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json()["version"] == answers[1].json()["version"]
    assert len(_section(app, "labs")) == before + 1


@SQLITE_ONLY
def test_a_key_reused_for_a_different_entry_is_refused_clearly(app: Any) -> None:
    client = _client(app)
    assert _api_lab(client, 72.0, "reused-key-1").status_code == 201
    before = len(_section(app, "labs"))
    other = _api_lab(client, 99.0, "reused-key-1")
    assert other.status_code == 409
    assert other.json()["error"]["kind"] == "conflict"
    assert "Idempotency-Key" in other.json()["error"]["message"]
    assert len(_section(app, "labs")) == before


def test_a_caregiver_and_a_nurse_writing_at_once_lose_nothing_and_each_write_is_audited(
    tmp_path: Path, database_url: str | None
) -> None:
    from nextline.accounts.audit import entries
    from tests.web.accounts_setup import DANA, client_as, server_mode

    server = server_mode(app_on(tmp_path / "server", database_url, (MARIA, DANA)))
    app = server.app
    caregiver, navigator = client_as(server, "caregiver"), client_as(server, "navigator")
    rounds = 2

    def writes(client: Any, offset: int) -> list[int]:
        done = []
        for n in range(rounds):
            page = _page_fields(client, f"/people/{MARIA}/add/lab")
            value = str(500 + offset + n)
            answer = _post(client, f"/people/{MARIA}/add/lab", page, {**LAB, "value": value})
            if answer.status_code == 303:
                done.append(int(value))
        return done

    acked = _at_once(lambda: writes(caregiver, 0), lambda: writes(navigator, 100))
    stored = {lab["value"] for lab in _section(app, "labs")}
    assert len(acked[0]) == len(acked[1]) == rounds
    assert {float(v) for v in acked[0] + acked[1]} <= stored
    changes = [e for e in entries(app.state.web.store.engine, MARIA) if e.action == "change"]
    by = {e.actor: sum(1 for c in changes if c.actor == e.actor) for e in changes}
    assert sorted(by.values()) == [rounds, rounds], by


def test_the_command_line_fhir_import_beside_web_edits_loses_nothing(
    app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str | None
) -> None:
    """`nextline import bundle.json` merging into the person while the API adds labs: every
    acknowledged add is in the record, and the import either lands (keeping them) or says
    clearly that the record changed."""
    from typer.testing import CliRunner

    from nextline.cli import app as cli
    from nextline.examples import example_path
    from nextline.fhir.export import dump_bundle, export_bundle
    from nextline.knowledge import load_knowledge
    from nextline.record import read_patient_file

    if database_url:
        monkeypatch.setenv("NEXTLINE_DATABASE_URL", database_url)
    monkeypatch.setenv("NEXTLINE_HOME", str(tmp_path / "home"))
    bundle = tmp_path / "maria.json"
    bundle.write_text(
        dump_bundle(export_bundle(read_patient_file(example_path(MARIA)), load_knowledge()))
    )
    client = _client(app)
    acked: list[float] = []

    def adds() -> None:
        for n in range(6):
            answer = _api_lab(client, 300.0 + n, None)
            if answer.status_code == 201:
                acked.append(300.0 + n)

    def imports() -> list[Any]:
        return [
            CliRunner().invoke(cli, ["import", str(bundle), "--as-of", "2025-06-01"])
            for _ in range(2)
        ]

    _, runs = _at_once(adds, imports)
    for run in runs:
        assert "Traceback" not in (run.stderr or ""), run.stderr
        assert run.exception is None or isinstance(run.exception, SystemExit), run.exception
        if run.exit_code != 0:
            assert "changed" in run.stderr, run.stderr
    stored = {lab["value"] for lab in _section(app, "labs")}
    assert len(acked) == 6
    assert set(acked) <= stored


@pytest.mark.parametrize(
    "form,first,second,section",
    [
        (
            "person",
            {"name": "Maria A", "sex": "female", "menopausal_status": "postmenopausal"},
            {"name": "Maria B", "sex": "female", "menopausal_status": "postmenopausal"},
            "patient",
        ),
        ("palliative-care", {"involved": "yes"}, {"involved": "no"}, "palliative_care"),
    ],
)
def test_two_tabs_changing_one_whole_part_keep_one_and_tell_the_other(
    app: Any, form: str, first: dict[str, str], second: dict[str, str], section: str
) -> None:
    """A part of the record that a form replaces whole (the person's details, palliative
    care): the second tab, opened before the first saved, must not silently replace it."""
    tab_a, tab_b = _client(app), _client(app)
    page_a = _page_fields(tab_a, f"/people/{MARIA}/add/{form}")
    page_b = _page_fields(tab_b, f"/people/{MARIA}/add/{form}")
    saved = _post(tab_a, f"/people/{MARIA}/add/{form}", page_a, first)
    assert saved.status_code == 303, saved.text[:600]
    after_first = patient_file_data(app.state.web.store.get(MARIA)).get(section)
    refused = _post(tab_b, f"/people/{MARIA}/add/{form}", page_b, second)
    assert refused.status_code == 409, refused.text[:300]
    assert "changed" in refused.text
    assert patient_file_data(app.state.web.store.get(MARIA)).get(section) == after_first


@SQLITE_ONLY
def test_a_whole_part_changed_from_a_page_older_than_another_part_is_saved(app: Any) -> None:
    """The page is older, but only another part changed (a lab was added): the details are
    saved, on top of the lab."""
    tab_a, tab_b = _client(app), _client(app)
    page_b = _page_fields(tab_b, f"/people/{MARIA}/add/person")
    lab_page = _page_fields(tab_a, f"/people/{MARIA}/add/lab")
    assert _post(tab_a, f"/people/{MARIA}/add/lab", lab_page, LAB).status_code == 303
    labs = _section(app, "labs")
    typed = {"name": "Maria C", "sex": "female", "menopausal_status": "postmenopausal"}
    assert _post(tab_b, f"/people/{MARIA}/add/person", page_b, typed).status_code == 303
    assert app.state.web.store.get(MARIA).patient.name == "Maria C"
    assert _section(app, "labs") == labs


@pytest.mark.parametrize("action", ["undo", "restore/1"])
def test_an_undo_or_restore_pressed_twice_on_one_page_takes_one_step(app: Any, action: str) -> None:
    """The second press of a double click (or the same button on a second tab showing the
    same version) finds its step already done: it says so as done, it does not refuse with
    "the record changed" (the person's own press changed it) nor take a second step."""
    client = _client(app)
    assert _api_lab(client, 80.0, None).status_code == 201
    page = {"base_version": "2"}
    answers = _at_once(
        lambda: _post(client, f"/people/{MARIA}/{action}", page, {}),
        lambda: _post(client, f"/people/{MARIA}/{action}", page, {}),
    )
    assert [a.status_code for a in answers] == [303, 303], [a.text[:300] for a in answers]
    assert answers[0].headers["location"] == answers[1].headers["location"]
    assert app.state.web.store.latest_version(MARIA) == 3
    api = client.post(f"/api/people/{MARIA}/{action}?base_version=2", json={})
    assert api.status_code == 200 and api.json()["version"] == 3, api.text


@SQLITE_ONLY
def test_an_api_import_retried_after_its_answer_was_lost_is_not_a_conflict(app: Any) -> None:
    """The first import on version 1 landed (version 2) but its answer was lost; the client
    sends it again on version 1: the record already is what it sends, so the answer is
    version 2, not "the record changed". Another change in between still conflicts."""
    client = _client(app)
    record = client.get(f"/api/people/{MARIA}/record").json()
    record["patient"]["name"] = "Maria R"
    first = client.post("/api/people?base_version=1", json=record)
    again = client.post("/api/people?base_version=1", json=record)
    assert first.status_code == again.status_code == 201, again.text
    assert again.json()["version"] == first.json()["version"] == 2
    assert _api_lab(client, 81.0, None).status_code == 201
    record["patient"]["name"] = "Maria S"
    stale = client.post("/api/people?base_version=2", json=record)
    assert stale.status_code == 409
