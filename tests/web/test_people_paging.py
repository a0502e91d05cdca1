"""The people page lists 50 people a page, by id, with a search on the name (or id), and
only the people the caller may see: a program of 10,000 people is two small queries, not a
page of 10,000 rows (issue 17)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from nextline.examples import example_path
from nextline.record import patient_file_data, read_patient_file, validate_patient_data
from tests.web.accounts_setup import DANA, client_as, server_mode
from tests.web.conftest import MARIA, make_app, make_client

LISTED = re.compile(r'<li><a href="/people/([^"]+)">')


def _store_many(app, count: int) -> list[str]:
    base = patient_file_data(read_patient_file(example_path(MARIA)))
    ids = []
    for n in range(count):
        data = dict(base)
        data["patient"] = {**data["patient"], "id": f"p-{n:03d}", "name": f"Person {n}"}
        app.state.web.store.save(validate_patient_data(data), "import", base=None)
        ids.append(f"p-{n:03d}")
    return ids


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory):
    app = make_app(tmp_path_factory.mktemp("paging") / "home", people=(), trials=False)
    ids = _store_many(app, 120)
    base = patient_file_data(read_patient_file(example_path(MARIA)))
    for person, name in (
        ("ana", "Ana Núñez-O'Brien"),
        ("under", "Under_Score 100%"),
        ("ursula", "ÚRSULA STRAẞE"),
    ):
        app.state.web.store.save(
            validate_patient_data(
                {**base, "patient": {**base["patient"], "id": person, "name": name}}
            ),
            "import",
            base=None,
        )
    with make_client(app) as client:
        yield client, sorted([*ids, "ana", "under", "ursula"])


def test_the_first_page_shows_fifty_people_by_id_and_links_to_the_next(many) -> None:
    client, ids = many
    html = client.get("/people").text
    assert LISTED.findall(html) == ids[:50]
    assert "123 people, 1 to 50 shown." in html
    assert 'href="/people?page=2" rel="next"' in html
    assert 'rel="prev"' not in html
    assert "Page 1 of 3" in html


def test_the_last_page_holds_the_rest_and_a_page_past_the_end_shows_the_last(many) -> None:
    client, ids = many
    last = client.get("/people?page=3").text
    assert LISTED.findall(last) == ids[100:]
    assert "101 to 123 shown" in last
    assert 'href="/people?page=2" rel="prev"' in last
    assert 'rel="next"' not in last
    assert LISTED.findall(client.get("/people?page=40").text) == ids[100:]


@pytest.mark.parametrize("page", ["0", "-1", "two", "1.5", "9" * 12])
def test_a_page_that_is_not_a_whole_number_from_1_is_refused_naming_the_field(many, page) -> None:
    client, _ = many
    response = client.get("/people", params={"page": page})
    assert response.status_code == 422
    assert "page: a whole number from 1" in response.text


def test_the_search_finds_names_in_any_case_and_keeps_the_search_in_the_page_links(many) -> None:
    client, _ = many
    html = client.get("/people", params={"q": "PERSON 11"}).text
    assert LISTED.findall(html) == ["p-011", *[f"p-{n}" for n in range(110, 120)]]
    assert "11 people whose name or id holds “PERSON 11”." in html
    assert LISTED.findall(client.get("/people", params={"q": "núñez"}).text) == ["ana"]
    assert LISTED.findall(client.get("/people", params={"q": "NÚÑEZ"}).text) == ["ana"]
    assert LISTED.findall(client.get("/people", params={"q": "úrsula"}).text) == ["ursula"]
    assert LISTED.findall(client.get("/people", params={"q": "strasse"}).text) == ["ursula"]
    assert LISTED.findall(client.get("/people", params={"q": "p-00"}).text) == [
        f"p-00{n}" for n in range(10)
    ]  # the id too
    wide = client.get("/people", params={"q": "person 1"}).text  # 1, 10-19, 100-119: 31
    assert "31 people whose name or id holds “person 1”.</p>" in wide  # one page: no "shown"
    assert len(LISTED.findall(wide)) == 31
    paged = client.get("/people", params={"q": "person", "page": "2"}).text
    assert 'href="/people?page=3&amp;q=person" rel="next"' in paged


def test_search_wildcards_are_plain_characters(many) -> None:
    client, _ = many
    assert LISTED.findall(client.get("/people", params={"q": "_"}).text) == ["under"]
    assert LISTED.findall(client.get("/people", params={"q": "100%"}).text) == ["under"]
    none = client.get("/people", params={"q": "zzz"}).text
    assert LISTED.findall(none) == []
    assert "No one whose name or id holds “zzz”." in none
    assert none.count("Show everyone") == 1  # beside the search box, not again below it
    assert 'href="/people/start">add this person</a>' in none


def test_a_search_longer_than_a_name_is_refused_naming_the_field(many) -> None:
    client, _ = many
    response = client.get("/people", params={"q": "a" * 201})
    assert response.status_code == 422
    assert "q: a name of at most 200 characters" in response.text


def test_a_signed_in_account_pages_and_searches_only_the_people_it_may_see(tmp_path: Path) -> None:
    app = make_app(tmp_path / "home", trials=False)
    _store_many(app, 60)
    server = server_mode(app)
    owner = client_as(server, "owner")
    html = owner.get("/people").text
    assert LISTED.findall(html) == [MARIA]
    assert "Page 1 of" not in html
    assert LISTED.findall(owner.get("/people", params={"q": "person"}).text) == []
    assert LISTED.findall(owner.get("/people", params={"q": DANA[:6]}).text) == []
    assert LISTED.findall(client_as(server, "admin").get("/people").text) == []


def test_the_search_finds_a_name_typed_without_its_accents(many) -> None:
    client, _ = many
    assert LISTED.findall(client.get("/people", params={"q": "nunez"}).text) == ["ana"]
    assert LISTED.findall(client.get("/people", params={"q": "URSULA"}).text) == ["ursula"]
    assert LISTED.findall(client.get("/people", params={"q": "ana nunez-o'b"}).text) == ["ana"]


def test_a_search_with_a_space_after_it_finds_and_shows_the_words_without_it(many) -> None:
    client, _ = many
    html = client.get("/people", params={"q": "núñez  "}).text
    assert LISTED.findall(html) == ["ana"]
    assert "1 person whose name or id holds “núñez”." in html
    assert 'name="q" value="núñez"' in html


def test_a_search_that_finds_no_one_says_what_to_try_next(many) -> None:
    client, _ = many
    html = client.get("/people", params={"q": "zzz"}).text
    assert "Check the spelling, try part of the name or the id, or <a" in html
    assert '<a href="/people/start">add this person</a>' in html
    assert "Find a person by name or id" in html
