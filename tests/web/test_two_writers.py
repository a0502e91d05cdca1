"""Two writers on one record through the web app, in cases the other concurrency tests do not
cover: a question page left open while another tab changes the list, an entry corrected on a
page opened before another tab deleted it, two API imports built on the same version, and a
save that reaches a person deleted meanwhile. Each asserts that no edit lands on the wrong
entry or vanishes: the late writer is refused with a clear "changed since you opened it", or
both edits are kept."""

from __future__ import annotations

import re
import threading

import pytest

from nextline.record import patient_file_data
from tests.web.conftest import MARIA, csrf, make_client

QUESTIONS = ["Can I keep working?", "What does the scan mean?", "Who do I call at night?"]


def _kept(app) -> list[dict]:
    return patient_file_data(app.state.web.store.get(MARIA)).get("questions", [])


def _add(client, *texts: str) -> None:
    for text in texts:
        response = client.post(
            f"/people/{MARIA}/questions/add",
            data={"csrf_token": csrf(client), "text": text},
            follow_redirects=False,
        )
        assert response.status_code == 303


def _forms_of(page: str, text: str) -> dict[str, tuple[str, dict[str, str]]]:
    """The forms the page shows for the question `text`: kind -> (action, hidden fields)."""
    items = re.findall(r'<li class="question[^"]*" id="q-\d+">(.*?)</li>', page, flags=re.S)
    (item,) = [i for i in items if '<p class="q-text">' in i and text in i.split("</p>")[0]]
    forms: dict[str, tuple[str, dict[str, str]]] = {}
    for action, body in re.findall(
        r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', item, flags=re.S
    ):
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', body))
        kind = action.rsplit("/", 1)[1]
        if kind == "move":
            kind += "-" + hidden["direction"]
        forms[kind] = (action, hidden)
    return forms


def _other_tab(app, action: str) -> None:
    """Another tab (another browser session) changes the question list meanwhile."""
    with make_client(app) as other:
        other.get("/people")
        page = other.get(f"/people/{MARIA}/questions").text
        forms = _forms_of(page, QUESTIONS[0])
        if action == "remove-first":
            path, hidden = forms["remove"]
            data = hidden
        elif action == "tick-the-same":  # another tab ticks the very question
            path, data = _forms_of(page, QUESTIONS[2])["tick"]
        elif action == "move-first-down":
            path, hidden = forms["move-down"]
            data = hidden
        else:  # add one at the top: added last, then moved up twice
            _add(other, "Is this new pain normal?")
            for _ in range(3):
                page = other.get(f"/people/{MARIA}/questions").text
                forms = _forms_of(page, "Is this new pain normal?")
                if "move-up" not in forms:
                    break
                path, data = forms["move-up"]
                assert other.post(path, data=data, follow_redirects=False).status_code == 303
            return
        assert other.post(path, data=data, follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    "meanwhile", ["remove-first", "move-first-down", "add-at-top", "tick-the-same"]
)
@pytest.mark.parametrize("change", ["answer", "tick", "remove", "move-up"])
def test_a_question_changed_on_an_old_page_never_lands_on_another_question(
    app, client, meanwhile: str, change: str
) -> None:
    _add(client, *QUESTIONS)
    page = client.get(f"/people/{MARIA}/questions").text  # this tab opens the page
    target = QUESTIONS[2]
    action, hidden = _forms_of(page, target)[change]
    _other_tab(app, meanwhile)
    before = _kept(app)
    data = {**hidden, "answer": "Ring the ward"} if change == "answer" else hidden
    response = client.post(action, data=data, follow_redirects=False)
    after = _kept(app)
    if response.status_code == 409:  # refused clearly, nothing stored
        assert "changed since" in response.text
        assert after == before
        return
    assert response.status_code in (200, 303), response.text[:300]
    # else the change went to the question this tab meant, and only to it
    others = [q for q in after if q["text"] != target]
    assert sorted(q["text"] for q in others) == sorted(
        q["text"] for q in before if q["text"] != target
    )
    for q in others:
        (was,) = [b for b in before if b["text"] == q["text"]]
        assert {k: v for k, v in q.items() if k != "order"} == {
            k: v for k, v in was.items() if k != "order"
        }
    mine = [q for q in after if q["text"] == target]
    if change == "remove":
        assert mine == []
    elif change == "answer":
        assert mine[0]["answer"] == "Ring the ward"
    elif change == "tick":
        assert mine[0]["answered"] is True


def test_a_question_removed_by_another_tab_is_not_answered_in_its_place(app, client) -> None:
    _add(client, *QUESTIONS)
    page = client.get(f"/people/{MARIA}/questions").text
    action, hidden = _forms_of(page, QUESTIONS[1])["answer"]
    with make_client(app) as other:
        other.get("/people")
        forms = _forms_of(other.get(f"/people/{MARIA}/questions").text, QUESTIONS[1])
        path, data = forms["remove"]
        assert other.post(path, data=data, follow_redirects=False).status_code == 303
    before = _kept(app)
    response = client.post(action, data={**hidden, "answer": "Yes"}, follow_redirects=False)
    assert response.status_code == 409
    assert "changed since" in response.text
    assert "removed a question" in response.text  # says what changed
    assert _kept(app) == before


def test_correcting_an_entry_another_tab_deleted_is_refused(app, client) -> None:
    store = app.state.web.store
    for value in (12, 13):
        client.post(
            f"/api/people/{MARIA}/entries/labs",
            json={"date": "2025-01-02", "test": "CA 15-3", "value": value, "unit": "U/mL"},
        )
    labs = store.get(MARIA).labs
    index = len(labs) - 2  # the 12
    page = client.get(f"/people/{MARIA}/entries/labs/{index}/correct").text
    base = re.search(r'name="base_version" value="(\d+)"', page)
    assert base is not None
    delete_page = client.get(f"/people/{MARIA}/entries/labs/{index}/delete").text
    delete_base = re.search(r'name="base_version" value="(\d+)"', delete_page)
    assert delete_base is not None
    deleted = client.post(
        f"/people/{MARIA}/entries/labs/{index}/delete",
        data={"csrf_token": csrf(client), "base_version": delete_base.group(1)},
        follow_redirects=False,
    )
    assert deleted.status_code == 303
    before = store.latest_version(MARIA)
    stale = client.post(
        f"/people/{MARIA}/entries/labs/{index}/correct",
        data={
            "csrf_token": csrf(client),
            "base_version": base.group(1),
            "date": "2025-01-02",
            "test": "CA 15-3",
            "value": "14",
            "unit": "U/mL",
        },
        follow_redirects=False,
    )
    assert stale.status_code == 409
    assert "since you opened it" in stale.text
    assert "nothing was saved" in stale.text
    assert "deleted" in stale.text  # what changed is named
    assert store.latest_version(MARIA) == before
    assert [lab.value for lab in store.get(MARIA).labs if str(lab.date) == "2025-01-02"] == [13]


def test_two_api_imports_on_the_same_base_one_lands_one_is_a_409(app) -> None:
    client = make_client(app)
    record = client.get(f"/api/people/{MARIA}/record").json()
    answers: list[tuple[int, dict]] = []
    start = threading.Barrier(2)

    def importer(name: str) -> None:
        body = {**record, "patient": {**record["patient"], "name": name}}
        start.wait()
        response = make_client(app).post("/api/people?base_version=1", json=body)
        answers.append((response.status_code, response.json()))

    threads = [threading.Thread(target=importer, args=(n,)) for n in ("Ana One", "Ana Two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(status for status, _ in answers) == [201, 409]
    refused = next(body for status, body in answers if status == 409)
    assert MARIA in refused["error"]["message"]
    assert "nothing was stored" in refused["error"]["message"]
    assert app.state.web.store.latest_version(MARIA) == 2


def test_a_save_after_another_tab_deleted_the_person_says_so(app, client) -> None:
    from nextline.errors import Conflict

    store = app.state.web.store
    file, version = store.get_latest(MARIA)
    store.delete(MARIA)
    with pytest.raises(Conflict) as refused:
        store.save(file, "edit from an old tab", base=version)
    message = str(refused.value)
    assert MARIA in message and "deleted" in message and "nothing was stored" in message
    assert not store.exists(MARIA)


def _unknown_menopause(app, person: str) -> None:
    from nextline.record import PatientFile

    data = patient_file_data(app.state.web.store.get(person))
    data["patient"]["menopausal_status"] = "unknown"
    app.state.web.store.save(PatientFile.model_validate(data), "imported", base=None)


def _menopause_form(page: str) -> dict[str, str]:
    section = page.split('id="ask-menopause"', 1)[1].split("</form>", 1)[0]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', section))


@pytest.mark.parametrize(
    ("first", "second", "refused"),
    [
        ("premenopausal", "postmenopausal", True),  # two different answers: the later is refused
        ("perimenopausal", "perimenopausal", False),  # the same answer: nothing to refuse
        (None, "postmenopausal", False),  # an unrelated save meanwhile: both kept
    ],
)
def test_two_tabs_answering_the_menopause_question(
    app, first: str | None, second: str, refused: bool
) -> None:
    person = "triple-negative-brca"
    _unknown_menopause(app, person)
    tabs = [make_client(app), make_client(app)]
    forms = []
    for tab in tabs:
        tab.get("/people")
        forms.append(_menopause_form(tab.get(f"/people/{person}").text))
    store = app.state.web.store
    if first is None:
        other = tabs[0].post(
            f"/api/people/{person}/entries/labs",
            json={"date": "2025-01-02", "test": "CA 15-3", "value": 12, "unit": "U/mL"},
        )
        assert other.status_code == 201
    else:
        answered = tabs[0].post(
            f"/people/{person}/menopausal-status",
            data={**forms[0], "menopausal_status": first},
            follow_redirects=False,
        )
        assert answered.status_code == 303
    before = store.latest_version(person)
    late = tabs[1].post(
        f"/people/{person}/menopausal-status",
        data={**forms[1], "menopausal_status": second},
        follow_redirects=False,
    )
    status = store.get(person).patient.menopausal_status
    if refused:
        assert late.status_code == 409
        assert "changed since you opened it" in late.text
        assert "added the menopausal status" in late.text  # what changed is named
        assert store.latest_version(person) == before
        assert status == first
    else:
        assert late.status_code == 303
        assert status == second
        if first is None:  # the lab saved meanwhile is kept
            assert 12 in [lab.value for lab in store.get(person).labs]
