"""The questions page: the suggested questions (from the plan) and the person's own list,
kept in the patient file's `questions` section: tick, add, reorder, record answers, remove.

Each change is a new stored version (with undo), checked like an imported file. With htmx a
tick or an answer swaps only that question; without JavaScript the page reloads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from nextline.errors import NotFound, Problem, RecordInvalid
from nextline.record import PatientFile, patient_file_data
from nextline.web import engines
from nextline.web.editing import read_form
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
    record = state.record(person_id)
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
        },
        status_code=status_code,
    )
    return response


@router.get(_Q)
def questions_page(request: Request, person_id: str) -> Response:
    return _render(request, person_id)


Ordered = list[tuple[int, dict[str, Any]]]


def _save(
    request: Request, person_id: str, edit: Callable[[Ordered], list[dict[str, Any]]], note: str
) -> int:
    """Apply `edit` to the latest questions and store them. When another save lands first,
    `edit` runs again on that newer version, so no one's change is dropped."""
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

    return state.store.update(person_id, change, note)


def _ordered_data(file: PatientFile) -> Ordered:
    data = patient_file_data(file).get("questions", [])
    return [(i, data[i]) for i, _ in kept_in_order(file)]


def _find(ordered: Ordered, index: int, person_id: str) -> int:
    for position, (i, _) in enumerate(ordered):
        if i == index:
            return position
    raise NotFound("question", f"{person_id}#{index}")


def _done(request: Request, person_id: str, version: int, anchor: str = "") -> Response:
    if request.headers.get("hx-request") == "true":
        return _item(request, person_id, anchor)
    return RedirectResponse(f"/people/{person_id}/questions?saved={version}{anchor}", 303)


def _item(request: Request, person_id: str, anchor: str) -> Response:
    """Only the changed question (htmx swaps it in place)."""
    file = _state(request).file(person_id)
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
    try:
        version = _save(
            request,
            person_id,
            lambda ordered: [*(q for _, q in ordered), entry],
            "added a question",
        )
    except RecordInvalid as exc:
        form = problems_to_form(exc.problems, f"questions[{count - 1}]", {"text": text})
        return _render(request, person_id, form, 422)
    return RedirectResponse(f"/people/{person_id}/questions?saved={version}", 303)


@router.post(_Q + "/{index}/tick")
async def tick_question(request: Request, person_id: str, index: int) -> Response:
    await read_form(request)
    ordered = _ordered_data(_state(request).file(person_id))
    position = _find(ordered, index, person_id)
    answered = not ordered[position][1].get("answered", False)

    def edit(latest: Ordered) -> list[dict[str, Any]]:
        question = latest[_find(latest, index, person_id)][1]
        question.pop("answered", None)
        if answered:
            question["answered"] = True
        return [q for _, q in latest]

    note = "ticked a question" if answered else "unticked a question"
    version = _save(request, person_id, edit, note)
    return _done(request, person_id, version, f"#q-{position}")


@router.post(_Q + "/{index}/answer")
async def answer_question(request: Request, person_id: str, index: int) -> Response:
    fields = dict(await read_form(request))
    ordered = _ordered_data(_state(request).file(person_id))
    position = _find(ordered, index, person_id)
    answer = (fields.get("answer") or "").strip()

    def edit(latest: Ordered) -> list[dict[str, Any]]:
        question = latest[_find(latest, index, person_id)][1]
        if answer:
            question["answer"] = answer
            question["answered"] = True
        else:
            question.pop("answer", None)
        return [q for _, q in latest]

    version = _save(request, person_id, edit, "recorded an answer")
    return _done(request, person_id, version, f"#q-{position}")


@router.post(_Q + "/{index}/move")
async def move_question(request: Request, person_id: str, index: int) -> Response:
    fields = dict(await read_form(request))
    ordered = _ordered_data(_state(request).file(person_id))
    position = _find(ordered, index, person_id)
    step = -1 if fields.get("direction") == "up" else 1
    target = position + step
    if not 0 <= target < len(ordered):
        return RedirectResponse(f"/people/{person_id}/questions#q-{position}", 303)

    def edit(latest: Ordered) -> list[dict[str, Any]]:
        here = _find(latest, index, person_id)
        there = here + step
        if 0 <= there < len(latest):
            latest[here], latest[there] = latest[there], latest[here]
        return [q for _, q in latest]

    version = _save(request, person_id, edit, "reordered the questions")
    return RedirectResponse(f"/people/{person_id}/questions?saved={version}#q-{target}", 303)


@router.post(_Q + "/{index}/remove")
async def remove_question(request: Request, person_id: str, index: int) -> Response:
    await read_form(request)
    ordered = _ordered_data(_state(request).file(person_id))
    _find(ordered, index, person_id)

    def edit(latest: Ordered) -> list[dict[str, Any]]:
        del latest[_find(latest, index, person_id)]
        return [q for _, q in latest]

    version = _save(request, person_id, edit, "removed a question")
    return RedirectResponse(f"/people/{person_id}/questions?saved={version}", 303)


__all__ = ["kept_in_order", "router"]
