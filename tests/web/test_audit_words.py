"""The audit log's routes in plain words, for every route of a person the app serves."""

from __future__ import annotations

import pytest

from nextline.web.audit_words import has_words, plain_source, plain_what
from tests.web.conftest import all_routes


def test_every_route_of_a_person_has_its_own_words() -> None:
    missing = [
        f"{method} {path}"
        for method, path in all_routes()
        if "{person_id}" in path and not has_words(method, path)
    ]
    assert missing == []


@pytest.mark.parametrize(
    ("what", "action", "words"),
    [
        ("GET /people/{person_id}", "read", "looked at the dashboard"),
        ("GET /people/maria-2/", "read", "looked at the dashboard"),
        ("GET /people/{person_id}/summary.pdf", "download", "downloaded the summary PDF"),
        ("GET /people/anna/summary?x=1", "read", "looked at the summary"),
        ("get /people/{person_id}/timeline", "read", "looked at the timeline"),
        ("HEAD /people/{person_id}/summary.pdf", "download", "downloaded the summary PDF"),
        ("POST /people/{person_id}/entries/labs/3/correct", "change",
         "corrected an entry of the record"),
        ("POST /people/{person_id}/restore/{version}", "change",
         "brought back an earlier version of the record"),
        ("POST /people/x/questions/2/answer", "change", "wrote the answer to a question"),
        ("POST /api/people/{person_id}/entries/labs", "change",
         "added something to the record (through a program, not the web pages)"),
        ("GET /people/{person_id}/summary", "refused", "tried to look at the summary (refused)"),
        ("POST /people/{person_id}/delete", "refused", "tried to delete the record (refused)"),
        # routes the tables do not know yet: words by what was done, never the address
        ("GET /people/{person_id}/some-new-page", "read", "looked at a page of the record"),
        ("POST /people/{person_id}/some-new-form", "change", "changed the record"),
        ("GET /people/{person_id}/new.zip", "download", "downloaded part of the record"),
        ("PUT /people/{person_id}/summary", "change", "changed the record"),
        ("POST /people/{person_id}/sharing/members/{account_id}/remove", "change",
         "took away a helper's access to the record"),
        ("POST /people/{person_id}/sharing/links/{share_id}/revoke", "refused",
         "tried to turn off a link for a doctor or nurse (refused)"),
        ("GET /navigator", "read", "looked at the record's line in the navigator's list"),
        ("", "read", "looked at a page of the record"),
        ("GET /elsewhere", "refused", "tried to open a page of the record (refused)"),
    ],
)  # fmt: skip
def test_plain_words(what: str, action: str, words: str) -> None:
    assert plain_what(what, action) == words


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("127.0.0.1", "this computer"),
        ("127.0.1.1", "this computer"),
        ("::1", "this computer"),
        ("::ffff:127.0.0.1", "this computer"),
        ("::ffff:198.51.100.4", "198.51.100.4"),
        (" 203.0.113.9 ", "203.0.113.9"),
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8::7", "2001:db8::7"),
        ("", "unknown"),
    ],
)
def test_where_from(source: str, words: str) -> None:
    assert plain_source(source) == words


def test_every_verb_has_its_past_form() -> None:
    from nextline.web.audit_words import API, BY_ACTION, PAGES, PAST, SHARED

    tables = (PAGES, API, SHARED, BY_ACTION)
    verbs = {verb for table in tables for verb, _ in table.values()}
    assert sorted(verbs - set(PAST)) == []
