""" "Who has looked at my record": the owner's audit log page (50 a page, newest first, in
plain words) and its CSV and JSON downloads; nobody else may open them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest

from nextline.accounts.audit import AuditEntry, record
from tests.web.accounts_setup import client_as, server_mode
from tests.web.conftest import MARIA

OTHER = "triple-negative-brca"
START = dt.datetime(2026, 11, 1, 8, 0)


def _entry(i: int, person: str = MARIA, **changes: object) -> AuditEntry:
    base = {
        "at": START + dt.timedelta(minutes=7 * i),
        "person_id": person,
        "actor": f"Helper {i}",
        "actor_kind": "account",
        "account_id": 10 + i,
        "action": "read",
        "what": "GET /people/{person_id}/summary",
        "source": "203.0.113.9",
    }
    base.update(changes)
    return AuditEntry(**base)  # type: ignore[arg-type]


def _rows(html: str) -> list[list[str]]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)
        ]
        for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def test_an_empty_log_says_so_and_still_offers_the_downloads(client) -> None:
    page = client.get(f"/people/{MARIA}/access-log")
    assert page.status_code == 200
    assert "Nobody has looked at this record through nextline yet." in page.text
    assert f'href="/people/{MARIA}/access-log.csv"' in page.text
    assert f'href="/people/{MARIA}/access-log.json"' in page.text


def test_the_history_page_links_to_the_log(client) -> None:
    assert f'href="/people/{MARIA}/access-log"' in client.get(f"/people/{MARIA}/history").text


def test_entries_are_newest_first_in_plain_words_and_only_this_persons(app, client) -> None:
    engine = app.state.web.store.engine
    record(engine, _entry(1, what="GET /people/{person_id}/summary.pdf", action="download"))
    record(engine, _entry(2, what="POST /people/{person_id}/add/{form_key}", action="change"))
    record(engine, _entry(3, what="GET /api/people/hr-positive-esr1/status", source="127.0.0.1"))
    record(engine, _entry(4, what="GET /people/{person_id}/options", action="refused"))
    record(engine, _entry(5, person=OTHER, actor="Someone else"))
    record(engine, _entry(6, actor="Dr Lee", actor_kind="share", account_id=None))
    rows = _rows(client.get(f"/people/{MARIA}/access-log").text)
    assert rows == [
        ["1 Nov 2026, 08:42", "Dr Lee (through a clinician's link)", "looked at the summary",
         "203.0.113.9"],
        ["1 Nov 2026, 08:28", "Helper 4", "tried to look at the treatment options (refused)",
         "203.0.113.9"],
        ["1 Nov 2026, 08:21", "Helper 3",
         "looked at whether the treatment is working (through a program, not the web pages)",
         "this computer"],
        ["1 Nov 2026, 08:14", "Helper 2", "added something to the record", "203.0.113.9"],
        ["1 Nov 2026, 08:07", "Helper 1", "downloaded the summary PDF", "203.0.113.9"],
    ]  # fmt: skip


def test_the_log_is_paged_fifty_at_a_time(app, client) -> None:
    engine = app.state.web.store.engine
    for i in range(1, 121):
        record(engine, _entry(i))
    first = client.get(f"/people/{MARIA}/access-log")
    assert [r[1] for r in _rows(first.text)] == [f"Helper {i}" for i in range(120, 70, -1)]
    assert "Showing 1 to 50 of 120" in first.text
    assert "Page 1 of 3" in first.text
    assert f'href="/people/{MARIA}/access-log?page=2"' in first.text
    third = client.get(f"/people/{MARIA}/access-log?page=3")
    assert [r[1] for r in _rows(third.text)] == [f"Helper {i}" for i in range(20, 0, -1)]
    assert "Showing 101 to 120 of 120" in third.text
    assert 'rel="next"' not in third.text
    # a page past the end (the list was longer when the link was saved) shows the last one
    beyond = client.get(f"/people/{MARIA}/access-log?page=9")
    assert _rows(beyond.text) == _rows(third.text)


@pytest.mark.parametrize("bad", ["0", "-1", "two", "1.5"])
def test_a_bad_page_number_names_the_field(client, bad: str) -> None:
    page = client.get(f"/people/{MARIA}/access-log", params={"page": bad})
    assert page.status_code == 422
    assert "page: a whole number from 1" in page.text


def test_the_csv_download_has_every_entry_and_defuses_formulas(app, client) -> None:
    engine = app.state.web.store.engine
    for i in range(1, 61):
        record(engine, _entry(i))
    record(engine, _entry(61, actor='=HYPERLINK("http://x")', source="198.51.100.4"))
    record(engine, _entry(62, person=OTHER))
    got = client.get(f"/people/{MARIA}/access-log.csv")
    assert got.status_code == 200
    assert got.headers["content-type"] == "text/csv; charset=utf-8"
    assert got.headers["content-disposition"] == (
        f'attachment; filename="nextline-{MARIA}-access-log.csv"'
    )
    table = list(csv.reader(io.StringIO(got.text)))
    assert table[0] == ["when_utc", "who", "kind", "action", "what", "route", "from"]
    assert len(table) == 1 + 61
    assert table[1] == [
        "2026-11-01T15:07:00",
        '\'=HYPERLINK("http://x")',
        "account",
        "read",
        "looked at the summary",
        "GET /people/{person_id}/summary",
        "198.51.100.4",
    ]
    assert table[-1][1] == "Helper 1"


def test_the_json_download_matches_the_csv(app, client) -> None:
    engine = app.state.web.store.engine
    record(engine, _entry(1, what="POST /people/{person_id}/undo", action="change"))
    record(engine, _entry(2, actor="Dr Lee (clinician link)", actor_kind="share"))
    got = client.get(f"/people/{MARIA}/access-log.json")
    assert got.status_code == 200
    assert got.headers["content-disposition"].startswith("attachment; ")
    assert got.json() == {
        "person": MARIA,
        "entries": [
            {
                "when_utc": "2026-11-01T08:14:00",
                "who": "Dr Lee (clinician link)",
                "kind": "share",
                "action": "read",
                "what": "looked at the summary",
                "route": "GET /people/{person_id}/summary",
                "from": "203.0.113.9",
            },
            {
                "when_utc": "2026-11-01T08:07:00",
                "who": "Helper 1",
                "kind": "account",
                "action": "change",
                "what": "undid the last change to the record",
                "route": "POST /people/{person_id}/undo",
                "from": "203.0.113.9",
            },
        ],
    }


# Through the real sign-in (aweb's access check decides first; the page checks again).
REFUSED = {
    "caregiver": 403,
    "navigator": 403,
    "clinician": 403,
    "norole": 404,  # never says whether the person exists
    "admin": 404,
    "anonymous": 303,  # to the sign-in page
}


@pytest.mark.parametrize("role", sorted(REFUSED))
def test_only_the_owner_may_read_or_download_the_log(app, role: str) -> None:
    server = server_mode(app)
    record(app.state.web.store.engine, _entry(1, actor="Secret helper"))
    client = client_as(server, role)
    try:
        for suffix in ("", ".csv", ".json"):
            got = client.get(f"/people/{MARIA}/access-log{suffix}", follow_redirects=False)
            assert got.status_code == REFUSED[role], (suffix, got.status_code)
            assert "Secret helper" not in got.text
    finally:
        client.__exit__(None, None, None)


def test_a_signed_in_owner_reads_their_log_and_sees_the_others_visits(app) -> None:
    server = server_mode(app)
    caregiver = client_as(server, "caregiver")
    owner = client_as(server, "owner")
    try:
        assert caregiver.get(f"/people/{MARIA}/summary").status_code == 200
        rows = _rows(owner.get(f"/people/{MARIA}/access-log").text)
        assert [r[1:3] for r in rows[:2]] == [
            ["Owner", "looked at who has looked at the record"],
            ["Caregiver", "looked at the summary"],
        ]
        assert "Caregiver" in owner.get(f"/people/{MARIA}/access-log.csv").text
    finally:
        caregiver.__exit__(None, None, None)
        owner.__exit__(None, None, None)


def test_the_log_points_to_where_access_is_taken_away(client) -> None:
    page = client.get(f"/people/{MARIA}/access-log").text
    assert f'<a href="/people/{MARIA}/sharing">take their access away</a>' in page
    assert client.get(f"/people/{MARIA}/sharing").status_code == 200


def test_only_the_owner_is_shown_the_link_to_the_log(app) -> None:
    server = server_mode(app)
    link = f'href="/people/{MARIA}/access-log"'
    for role, shown in (("owner", True), ("caregiver", False), ("navigator", False)):
        client = client_as(server, role)
        try:
            assert (link in client.get(f"/people/{MARIA}/history").text) is shown, role
        finally:
            client.__exit__(None, None, None)
