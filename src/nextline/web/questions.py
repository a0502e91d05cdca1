"""The questions page: the suggested questions (from the plan) and the person's own list,
kept in the patient file's `questions` section: tick, add, reorder, record answers, remove.

Each change is a new stored version (with undo), checked like an imported file. With htmx a
tick or an answer swaps only that question; without JavaScript the page reloads.

A question is named in its address by its place in the file, and places move when another
tab adds, removes or reorders. So each form also carries the version the page showed
(`base_version`): the question meant is the one at that place in that version, found again
in the latest version by what it says. A question removed meanwhile is refused with what
changed (409), never answered, ticked or removed in another's place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from nextline.errors import Conflict, NotFound, Problem, RecordInvalid
from nextline.record import PatientFile, patient_file_data
from nextline.store.records import Once
from nextline.web import engines
from nextline.web.editing import (
    base_version,
    changed_since,
    new_form_token,
    read_form,
    submission,
)
from nextline.web.forms import FormResult, problems_to_form
from nextline.web.state import WebState

router = APIRouter(include_in_schema=False)
_Q = "/people/{person_id}/questions"


def _state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


def kept_in_order(file: PatientFile) -> list[tuple[int, Any]]:
    """(index in the file, question), in the person's order."""
    return sorted(enumerate(file.questions), key=lambda pair: (pair[1].order, pair[0]))


def _render(
    request: Request, person_id: str, form: FormResult | None = None, status_code: int = 200
) -> Response:
    state = _state(request)
    latest, views = state.views_of(person_id)
    record = views.record
    day = state.today()
    kb = state.kb
    brief = engines.briefing(
        record, kb, day, trial_matches=engines.briefing_trials(record, kb, day, state, wait=False)
    )
    titles: dict[str, str] = {g.id: g.title for g in (kb.plan.groups if kb.plan else [])}
    kept_ids = {q.source_id for q in record.file.questions if q.source_id}
    groups: dict[str, list[Any]] = {}
    for question in brief.questions:
        groups.setdefault(question.group, []).append(question)
    sources = {i: kb.sources[i] for q in brief.questions for i in q.sources if i in kb.sources}
    response: Response = request.app.state.templates.TemplateResponse(
        request,
        "questions.html",
        {
            "title": "Questions",
            "section": "questions",
            "person": record.file.patient,
            "kept": kept_in_order(record.file),
            "groups": [(titles.get(g, g.replace("_", " ")), qs) for g, qs in groups.items()],
            "kept_ids": kept_ids,
            "sources": sources,
            "form": form or FormResult(),
            "unavailable": brief.unavailable,
            "saved": request.query_params.get("saved"),
            "base_version": latest.key.version,
            # one per drawing of the page: a question sent twice from it is kept once
            "form_token": new_form_token(),
        },
        status_code=status_code,
    )
    return response


@router.get(_Q)
def questions_page(request: Request, person_id: str) -> Response:
    return _render(request, person_id)


Ordered = list[tuple[int, dict[str, Any]]]


def _save(
    request: Request,
    person_id: str,
    edit: Callable[[Ordered], list[dict[str, Any]]],
    note: str,
    once: Once | None = None,
) -> int:
    """Apply `edit` to the latest questions and store them. When another save lands first,
    `edit` runs again on that newer version, so no one's change is dropped. With `once` (the
    page's submission), the same post sent again stores nothing more."""
    from nextline.record.validate import validate_record

    state = _state(request)

    def change(file: PatientFile) -> PatientFile:
        questions = edit(_ordered_data(file))
        data = patient_file_data(file)
        for order, question in enumerate(questions):
            question["order"] = order
        data.pop("questions", None)
        if questions:
            data["questions"] = questions
        return validate_record(data, state.kb, state.today()).file

    return state.store.update(person_id, change, note, once)


def _ordered_data(file: PatientFile) -> Ordered:
    data = patient_file_data(file).get("questions", [])
    return [(i, data[i]) for i, _ in kept_in_order(file)]


def _find(ordered: Ordered, index: int, person_id: str) -> int:
    for position, (i, _) in enumerate(ordered):
        if i == index:
            return position
    raise NotFound("question", f"{person_id}#{index}")


def _identity(question: dict[str, Any]) -> tuple[Any, ...]:
    """What makes a question the same one in another version (an answer or a tick may
    change; what it asks, when and from where it was added do not)."""
    return (question.get("text"), question.get("added"), question.get("source_id"))


class _Moved(Exception):
    """The question the page meant is no longer in the list (removed by another tab)."""


class _Target:
    """The question a form meant: the one at `index` in the version the page showed."""

    def __init__(self, request: Request, person_id: str, index: int, pairs: Any) -> None:
        state = _state(request)
        base = base_version(pairs)
        file, latest = state.store.get_latest(person_id)
        if base is not None and base != latest:
            file = state.store.get(person_id, base)  # NotFound for a version never stored
        self.person_id = person_id
        self.index = index
        self.base = base if base is not None else latest
        shown = _ordered_data(file)
        self.position = _find(shown, index, person_id)  # NotFound: no such question shown
        self.shown = shown[self.position][1]
        self.identity = _identity(self.shown)

    def find(self, latest: Ordered) -> int:
        """Its position in `latest`: the same place if it still holds it, else where it
        went; `_Moved` when it is gone."""
        same = [n for n, (_, q) in enumerate(latest) if _identity(q) == self.identity]
        if not same:
            raise _Moved
        at_index = [n for n in same if latest[n][0] == self.index]
        return (at_index or same)[0]


def _moved(request: Request, target: _Target) -> Exception:
    from fastapi import HTTPException

    changes = "; ".join(changed_since(_state(request), target.person_id, target.base))
    return HTTPException(
        409,
        "Your questions changed since you opened this page, and this question is no longer "
        f"there, so nothing was saved. Here is what changed: {changes}. Look at your "
        "questions again.",
    )


def _save_to(
    request: Request,
    target: _Target,
    edit: Callable[[Ordered, int], list[dict[str, Any]]],
    note: str,
) -> int:
    """`_save` of an edit to the question `target`, refused (409) when it is gone."""
    try:
        return _save(
            request, target.person_id, lambda latest: edit(latest, target.find(latest)), note
        )
    except _Moved:
        raise _moved(request, target) from None
    except Conflict as exc:  # the person was deleted meanwhile
        raise _moved(request, target) from exc


def _done(request: Request, person_id: str, version: int, anchor: str = "") -> Response:
    if request.headers.get("hx-request") == "true":
        return _item(request, person_id, anchor)
    return RedirectResponse(f"/people/{person_id}/questions?saved={version}{anchor}", 303)


def _anchor(request: Request, person_id: str, target: _Target) -> str:
    """`#q-N` of the changed question in the latest version (its place may have moved)."""
    latest = _ordered_data(_state(request).file(person_id))
    try:
        return f"#q-{latest[target.find(latest)][0]}"
    except _Moved:
        return f"#q-{target.position}"


def _item(request: Request, person_id: str, anchor: str) -> Response:
    """Only the changed question (htmx swaps it in place)."""
    file, version = _state(request).store.get_latest(person_id)
    kept = kept_in_order(file)
    position = next((n for n, (i, _) in enumerate(kept) if f"#q-{i}" == anchor), None)
    if position is None:
        return _render(request, person_id)
    response: Response = request.app.state.templates.TemplateResponse(
        request,
        "_question_item.html",
        {
            "person": file.patient,
            "index": kept[position][0],
            "q": kept[position][1],
            "position": position,
            "count": len(kept),
            "announce": True,
            "base_version": version,
        },
    )
    return response


@router.post(_Q + "/add")
async def add_question(request: Request, person_id: str) -> Response:
    pairs = await read_form(request)
    fields = dict(pairs)
    text = (fields.get("text") or "").strip()
    state = _state(request)
    file = state.file(person_id)
    entry: dict[str, Any] = {"text": text, "added": state.today().isoformat()}
    if fields.get("source_id"):
        entry["source_id"] = fields["source_id"][:200]
    if not text:
        form = problems_to_form([Problem("text", "write the question first")], "", {"text": ""})
        return _render(request, person_id, form, 422)
    count = len(_ordered_data(file)) + 1
    # a double click or a retry of this page's post stores one question; the same words
    # sent from another page (another token) are a question asked again, kept
    once = submission(pairs, "question", text, entry.get("source_id", ""))
    try:
        version = _save(
            request,
            person_id,
            lambda ordered: [*(q for _, q in ordered), entry],
            "added a question",
            once,
        )
    except RecordInvalid as exc:
        form = problems_to_form(exc.problems, f"questions[{count - 1}]", {"text": text})
        return _render(request, person_id, form, 422)
    return RedirectResponse(f"/people/{person_id}/questions?saved={version}", 303)


@router.post(_Q + "/{index}/tick")
async def tick_question(request: Request, person_id: str, index: int) -> Response:
    target = _Target(request, person_id, index, await read_form(request))
    # the button the page showed: "Mark as asked" ticks even if another tab ticked meanwhile
    answered = not target.shown.get("answered", False)

    def edit(latest: Ordered, here: int) -> list[dict[str, Any]]:
        question = latest[here][1]
        question.pop("answered", None)
        if answered:
            question["answered"] = True
        return [q for _, q in latest]

    note = "ticked a question" if answered else "unticked a question"
    version = _save_to(request, target, edit, note)
    return _done(request, person_id, version, _anchor(request, person_id, target))


@router.post(_Q + "/{index}/answer")
async def answer_question(request: Request, person_id: str, index: int) -> Response:
    pairs = await read_form(request)
    fields = dict(pairs)
    target = _Target(request, person_id, index, pairs)
    answer = (fields.get("answer") or "").strip()

    def edit(latest: Ordered, here: int) -> list[dict[str, Any]]:
        question = latest[here][1]
        if answer:
            question["answer"] = answer
            question["answered"] = True
        else:
            question.pop("answer", None)
        return [q for _, q in latest]

    version = _save_to(request, target, edit, "recorded an answer")
    return _done(request, person_id, version, _anchor(request, person_id, target))


@router.post(_Q + "/{index}/move")
async def move_question(request: Request, person_id: str, index: int) -> Response:
    pairs = await read_form(request)
    fields = dict(pairs)
    target = _Target(request, person_id, index, pairs)
    step = -1 if fields.get("direction") == "up" else 1
    moved_to: list[int] = []

    def edit(latest: Ordered, here: int) -> list[dict[str, Any]]:
        there = here + step
        moved_to[:] = [here]
        if 0 <= there < len(latest):
            latest[here], latest[there] = latest[there], latest[here]
            moved_to[:] = [there]
        return [q for _, q in latest]

    version = _save_to(request, target, edit, "reordered the questions")
    place = moved_to[0] if moved_to else target.position
    return RedirectResponse(f"/people/{person_id}/questions?saved={version}#q-{place}", 303)


@router.post(_Q + "/{index}/remove")
async def remove_question(request: Request, person_id: str, index: int) -> Response:
    target = _Target(request, person_id, index, await read_form(request))

    def edit(latest: Ordered, here: int) -> list[dict[str, Any]]:
        del latest[here]
        return [q for _, q in latest]

    version = _save_to(request, target, edit, "removed a question")
    return RedirectResponse(f"/people/{person_id}/questions?saved={version}", 303)


__all__ = ["kept_in_order", "router"]
