"""Correct or delete any entry: a new version with a note naming it, on the page's base."""

from __future__ import annotations

import re

import pytest

from nextline.examples import EXAMPLE_IDS
from tests.web.conftest import MARIA, csrf, make_client

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _form_values(html: str) -> list[tuple[str, str]]:
    """The inputs a browser would send back unchanged (text, hidden, selected, checked)."""
    from html.parser import HTMLParser

    pairs: list[tuple[str, str]] = []

    class Reader(HTMLParser):
        select: str | None = None
        textarea: str | None = None

        def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
            a = dict(attrs)
            if tag == "input" and a.get("name"):
                kind = a.get("type", "text")
                if kind in ("checkbox", "radio") and "checked" not in a:
                    return
                pairs.append((a["name"], a.get("value") or ""))
            elif tag == "select":
                self.select = a.get("name")
            elif tag == "option" and self.select and "selected" in a:
                pairs.append((self.select, a.get("value") or ""))
            elif tag == "textarea":
                self.textarea = a.get("name")

        def handle_data(self, data):  # type: ignore[no-untyped-def]
            if self.textarea:
                pairs.append((self.textarea, data))
                self.textarea = None

        def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
            if tag == "select":
                self.select = None

    form = html[html.index('class="entry-form"') :]
    Reader().feed(form[: form.index("</form>")])
    return pairs


def _send(client, url: str, pairs: list[tuple[str, str]]):
    """POST the pairs as a browser form (repeated names kept)."""
    from urllib.parse import urlencode

    return client.post(
        url,
        content=urlencode(pairs),
        headers={"content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )


def _links(client, person: str, what: str) -> list[str]:
    page = client.get(f"/people/{person}/entries").text
    return re.findall(rf'href="(/people/{person}/entries/[a-z_]+/\d+/{what})"', page)


def _lab_index(app, test: str) -> int:
    labs = app.state.web.store.get(MARIA).labs
    return next(i for i, lab in enumerate(labs) if lab.test == test)


def test_correct_a_wrong_lab_replaces_it_at_its_index(app, client) -> None:
    index = _lab_index(app, "CA 15-3")
    before = app.state.web.store.get(MARIA).labs
    url = f"/people/{MARIA}/entries/labs/{index}/correct"
    page = client.get(url).text
    assert "<h1>Correct your CA 15-3 result of" in page
    assert f'value="{before[index].value:g}"' in page or f'value="{before[index].value}"' in page
    pairs = [(k, "123" if k == "value" else v) for k, v in _form_values(page)]
    response = _send(client, url, pairs)
    assert response.status_code == 303, response.text
    after = app.state.web.store.get(MARIA).labs
    assert len(after) == len(before)
    assert after[index].value == 123
    assert [lab for i, lab in enumerate(after) if i != index] == [
        lab for i, lab in enumerate(before) if i != index
    ]
    note = app.state.web.store.history(MARIA)[-1].note
    assert note.startswith("corrected your CA 15-3 result of ")


@pytest.mark.parametrize("person", EXAMPLE_IDS)
def test_every_correct_form_saved_unchanged_changes_nothing(app, client, person: str) -> None:
    links = _links(client, person, "correct")
    assert len(links) >= 10
    for url in links:
        page = client.get(url)
        assert page.status_code == 200, url
        response = _send(client, url, _form_values(page.text))
        assert response.status_code == 303, (url, response.text[:300])
    assert len(app.state.web.store.history(person)) == 1  # identical content: no new version


@pytest.mark.parametrize("person", EXAMPLE_IDS)
def test_delete_any_entry_after_a_confirm_step(app, client, person: str) -> None:
    store = app.state.web.store
    seen = set()
    for url in _links(client, person, "delete"):
        section = url.split("/")[4]
        if section in seen:
            continue
        seen.add(section)
        before = store.get_latest(person)
        count = len(getattr(before[0], section))
        confirm = client.get(url)
        assert confirm.status_code == 200
        assert "Yes, delete it" in confirm.text
        assert store.latest_version(person) == before[1]  # the confirm page saves nothing
        sent = {"csrf_token": csrf(client), "base_version": str(before[1])}
        if 'name="side_effects"' in confirm.text:
            sent["side_effects"] = "keep"  # asked: side effects name this treatment
        response = client.post(url, data=sent, follow_redirects=False)
        assert response.status_code == 303, (url, response.text[:300])
        after = store.get(person)
        assert len(getattr(after, section)) == count - 1
        assert getattr(after, section) == getattr(before[0], section)[1:]
        assert store.history(person)[-1].note.startswith("deleted ")
    assert len(seen) >= 5


def test_a_stale_correction_is_refused_with_the_form_kept(app, client) -> None:
    index = _lab_index(app, "CA 15-3")
    url = f"/people/{MARIA}/entries/labs/{index}/correct"
    pairs = [(k, "77.5" if k == "value" else v) for k, v in _form_values(client.get(url).text)]
    app.state.web.store.update(MARIA, lambda f: f.model_copy(update={"symptoms": []}), "other")
    response = _send(client, url, pairs)
    assert response.status_code == 409
    assert "This record changed since you opened it" in response.text
    assert "version 2: other" in response.text
    assert 'value="77.5"' in response.text
    assert 'name="base_version" value="2"' in response.text
    assert app.state.web.store.latest_version(MARIA) == 2


def test_a_stale_delete_is_refused_and_deletes_nothing(app, client) -> None:
    app.state.web.store.update(MARIA, lambda f: f.model_copy(update={"symptoms": []}), "other")
    labs = app.state.web.store.get(MARIA).labs
    response = client.post(
        f"/people/{MARIA}/entries/labs/0/delete",
        data={"csrf_token": csrf(client), "base_version": "1"},
    )
    assert response.status_code == 409
    assert "This record changed since you opened it, so nothing was deleted." in response.text
    assert app.state.web.store.get(MARIA).labs == labs


def test_a_wrong_correction_shows_the_field_and_saves_nothing(app, client) -> None:
    index = _lab_index(app, "CA 15-3")
    url = f"/people/{MARIA}/entries/labs/{index}/correct"
    pairs = [(k, "" if k == "date" else v) for k, v in _form_values(client.get(url).text)]
    response = _send(client, url, pairs)
    assert response.status_code == 422
    assert 'id="f-date"' in response.text
    assert app.state.web.store.latest_version(MARIA) == 1


@pytest.mark.parametrize(
    "path", ["labs/999/correct", "labs/999/delete", "nonsense/0/delete", "patient/0/correct"]
)
def test_an_entry_that_is_not_there_is_a_404(client, path: str) -> None:
    assert client.get(f"/people/{MARIA}/entries/{path}").status_code == 404


def test_two_editors_of_one_entry_lose_nothing(app) -> None:
    """Two people open the same lab at the same version; the second save is refused."""
    index = _lab_index(app, "CA 15-3")
    url = f"/people/{MARIA}/entries/labs/{index}/correct"
    with make_client(app) as first, make_client(app) as second:
        for c in (first, second):
            c.get("/people")
        one = [(k, "50" if k == "value" else v) for k, v in _form_values(first.get(url).text)]
        two = [(k, "60" if k == "value" else v) for k, v in _form_values(second.get(url).text)]
        assert _send(first, url, one).status_code == 303
        refused = _send(second, url, two)
        assert refused.status_code == 409
        assert "This record changed since you opened it" in refused.text
        assert 'value="60"' in refused.text  # the second person's typing is kept
    store = app.state.web.store
    assert store.get(MARIA).labs[index].value == 50
    assert store.latest_version(MARIA) == 2


def test_the_entries_page_names_each_part_of_the_record_in_plain_words(client) -> None:
    from nextline.web.entry_edits import SECTION_WORDS, list_sections

    assert sorted(SECTION_WORDS) == sorted(list_sections())
    html = client.get(f"/people/{MARIA}/entries").text
    assert ">Where the cancer has spread</h2>" in html
    assert ">metastases</h2>" not in html
