"""The questions page: keep a suggested question, add one's own, tick, answer, reorder and
remove; each change a new version in the file's `questions` section."""

from __future__ import annotations

from nextline.record import patient_file_data
from tests.web.conftest import AS_OF, MARIA, csrf, field_errors, versions


def _kept(app) -> list[dict]:
    return patient_file_data(app.state.web.store.get(MARIA)).get("questions", [])


def _post(client, path: str, data: dict[str, str], **kwargs):
    return client.post(
        f"/people/{MARIA}/questions{path}",
        data={"csrf_token": csrf(client), **data},
        follow_redirects=False,
        **kwargs,
    )


def _add(client, *texts: str) -> None:
    for text in texts:
        assert _post(client, "/add", {"text": text}).status_code == 303


def test_the_page_lists_the_plans_suggestions_with_why(app, client) -> None:
    from nextline.plan import build_questions
    from nextline.record import build_record

    state = app.state.web
    record = build_record(state.store.get(MARIA), state.kb, AS_OF)
    html = client.get(f"/people/{MARIA}/questions").text
    for question in build_questions(record, state.kb, AS_OF, None, None, None)[:3]:
        assert question.text.replace("'", "&#39;") in html


def test_keeping_a_suggested_question_remembers_where_it_came_from(app, client) -> None:
    response = _post(client, "/add", {"text": "What is the outlook?", "source_id": "outlook"})
    assert response.status_code == 303
    assert _kept(app) == [
        {"text": "What is the outlook?", "order": 0, "added": "2025-06-01", "source_id": "outlook"}
    ]
    assert "In your list." in client.get(f"/people/{MARIA}/questions").text


def test_an_empty_question_is_refused_at_the_field(app, client) -> None:
    response = _post(client, "/add", {"text": "   "})
    assert response.status_code == 422
    assert field_errors(response.text) == {"text": "write the question first"}
    assert versions(app) == 1


def test_tick_and_untick(app, client) -> None:
    _add(client, "Can I keep working?")
    assert _post(client, "/0/tick", {}).status_code == 303
    assert _kept(app)[0]["answered"] is True
    _post(client, "/0/tick", {})
    assert "answered" not in _kept(app)[0]
    assert [v.note for v in app.state.web.store.history(MARIA)][-2:] == [
        "ticked a question",
        "unticked a question",
    ]


def test_an_htmx_tick_returns_only_that_question(app, client) -> None:
    _add(client, "Can I keep working?")
    response = _post(client, "/0/tick", {}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.text.strip()
    assert html.startswith('<li class="question done" id="q-0">')
    assert html.endswith("</li>")
    assert (
        'aria-pressed="true"' in html
        and '<p class="visually-hidden" role="status">Saved.</p>' in html
    )


def test_recording_an_answer_ticks_it(app, client) -> None:
    _add(client, "How often are scans?")
    _post(client, "/0/answer", {"answer": "every 12 weeks"})
    assert _kept(app)[0] == {
        "text": "How often are scans?",
        "order": 0,
        "answered": True,
        "answer": "every 12 weeks",
        "added": "2025-06-01",
    }


def test_reorder_and_remove(app, client) -> None:
    _add(client, "first", "second", "third")
    _post(client, "/2/move", {"direction": "up"})
    assert [q["text"] for q in _kept(app)] == ["first", "third", "second"]
    _post(client, "/0/move", {"direction": "down"})
    assert [q["text"] for q in _kept(app)] == ["third", "first", "second"]
    assert [q["order"] for q in _kept(app)] == [0, 1, 2]
    _post(client, "/0/move", {"direction": "up"})  # already first: nothing changes
    assert [q["text"] for q in _kept(app)] == ["third", "first", "second"]
    _post(client, "/1/remove", {})
    assert [q["text"] for q in _kept(app)] == ["third", "second"]


def test_an_unknown_question_is_not_found(app, client) -> None:
    response = _post(client, "/7/tick", {})
    assert response.status_code == 404
    assert "no question with id &#39;hr-positive-esr1#7&#39;" in response.text
    assert versions(app) == 1


def test_every_change_can_be_undone(app, client) -> None:
    _add(client, "first")
    _post(client, "/0/tick", {})
    client.post(f"/people/{MARIA}/undo", data={"csrf_token": csrf(client)})
    assert _kept(app) == [{"text": "first", "order": 0, "added": "2025-06-01"}]
