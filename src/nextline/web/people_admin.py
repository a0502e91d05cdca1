"""People, beyond one record: start a record without inventing an id, try the app with an
example person, and delete a person (typed confirmation, after the record download is
offered: `/people/{id}/record.yaml`).

Why separate from editing.py: these act on the list of people, not on one record's entries.
Every POST reads its form through `read_form` (CSRF first), like every other form.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from nextline.errors import Problem, RecordInvalid
from nextline.web.editing import read_form
from nextline.web.forms import FormResult, parse_form, problems_to_form
from nextline.web.signed_in import claim, new_person_id, principal
from nextline.web.state import WebState

router = APIRouter(include_in_schema=False)

_BIRTH = "patient.birth"
_YEAR = re.compile(r"\d{4}")


def _state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


def derive_id(name: str | None, taken: Callable[[str], bool]) -> str:
    """A record id from a person's name (`Ana María López` -> `ana-maria-lopez`), made
    unique with `-2`, `-3`...; `person` when the name gives no letters. Nobody is asked to
    invent one (the patient format needs it: `patient.id`)."""
    folded = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:60].strip("-") or "person"
    candidate, number = base, 1
    while taken(candidate):
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _birth(data: dict[str, Any]) -> list[Problem]:
    """`patient.birth` as typed (a year, or a full date) into the format's own field."""
    patient = data.setdefault("patient", {})
    written = patient.pop("birth", None)
    if written is None:
        return []
    if _YEAR.fullmatch(written):
        patient["birth_year"] = written
        return []
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", written):
        patient["birth_date"] = written
        return []
    return [
        Problem(_BIRTH, "write the year (1964) or the full date as year-month-day (1964-03-12)")
    ]


def _render_start(request: Request, result: FormResult, status: int = 200) -> Response:
    response: Response = request.app.state.templates.TemplateResponse(
        request,
        "forms/start_person.html",
        {"title": "Add a person", "form": result, "section": "people"},
        status_code=status,
    )
    return response


@router.get("/people/start")
def start_person_form(request: Request) -> Response:
    return _render_start(request, FormResult(values={"patient.sex": "female"}))


@router.post("/people/start")
async def start_person(request: Request) -> Response:
    pairs = await read_form(request)
    state = _state(request)
    data, typed = parse_form([(k, v) for k, v in pairs if k != "patient.id"])
    data["nextline"] = 1
    data.setdefault("diagnosis", {})
    problems = _birth(data)
    if problems:
        return _render_start(request, problems_to_form(problems, "", typed), 422)
    data["patient"]["id"] = derive_id(data["patient"].get("name"), state.store.exists)
    from nextline.record.validate import validate_record

    try:
        record = validate_record(data, state.kb, state.today())
    except RecordInvalid as exc:
        rename = {"patient.birth_date": _BIRTH, "patient.birth_year": _BIRTH}
        result = problems_to_form(exc.problems, "", typed, rename=rename)
        return _render_start(request, result, 422)
    twin = _just_created(request, state, record.file, data["patient"].get("name"))
    if twin is not None:  # the same form posted twice (a double click): the first landed
        return RedirectResponse(f"/people/{twin}", status_code=303)
    new_id, _ = state.store.save(record.file, "created in the web app", base=0)
    claim(request, new_id)
    return RedirectResponse(f"/people/{new_id}", status_code=303)


CREATED_NOTE = "created in the web app"
# How recent a person made from the same form must be to count as the same post sent twice.
TWIN_WINDOW_S = 120


def _just_created(request: Request, state: WebState, file: Any, name: str | None) -> str | None:
    """The id of a person this caller created from this form moments ago with exactly this
    record (only the id differs), or None. Names never collide on purpose (`derive_id`), so
    without this a double click on "Create" made `ana` and `ana-2`; a second person of the
    same name and details made minutes later is still made."""
    import datetime as dt

    from nextline.record import patient_file_data

    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    wanted = patient_file_data(file)
    candidates: list[str] = []

    def taken(candidate: str) -> bool:
        candidates.append(candidate)
        return state.store.exists(candidate)

    derive_id(name, taken)
    for candidate in candidates[:-1]:  # every id taken on the way to the free one
        if not principal(request).can_read(candidate):
            continue
        history = state.store.history(candidate)
        if len(history) != 1 or history[0].note != CREATED_NOTE:
            continue
        if (now - history[0].created_at).total_seconds() > TWIN_WINDOW_S:
            continue
        stored = patient_file_data(state.store.get(candidate))
        stored["patient"]["id"] = wanted["patient"]["id"]
        if stored == wanted:
            return candidate
    return None


@router.post("/people/examples")
async def add_example(request: Request) -> Response:
    """Store one of the bundled example people, to try the app with (once: again opens it)."""
    from nextline.examples import EXAMPLE_IDS, example_path
    from nextline.record import read_patient_file

    pairs = await read_form(request)
    chosen = next((v for k, v in pairs if k == "example"), "")
    if chosen not in EXAMPLE_IDS:
        raise HTTPException(422, "Choose one of the examples offered.")
    state = _state(request)
    # Stored by someone this caller may not see (server mode): a copy of their own instead.
    person_id = (
        new_person_id(request, chosen) if not principal(request).can_read(chosen) else chosen
    )
    if not state.store.exists(person_id):
        import contextlib

        from nextline.errors import Conflict

        file = read_patient_file(example_path(chosen))
        if person_id != chosen:
            file = file.model_copy(
                update={"patient": file.patient.model_copy(update={"id": person_id})}
            )
        with contextlib.suppress(Conflict):  # added by another tab a moment ago: open it
            state.store.save(file, "added the example person", base=0)
            claim(request, person_id)
    return RedirectResponse(f"/people/{person_id}", status_code=303)


def _render_delete(
    request: Request, person: Any, result: FormResult, status: int = 200
) -> Response:
    response: Response = request.app.state.templates.TemplateResponse(
        request,
        "delete_person.html",
        {"title": "Delete this record", "form": result, "person": person, "section": "people"},
        status_code=status,
    )
    return response


def _confirm_words(person: Any) -> str:
    return str(person.name or person.id)


@router.get("/people/{person_id}/delete")
def delete_person_form(request: Request, person_id: str) -> Response:
    person = _state(request).file(person_id).patient
    return _render_delete(request, person, FormResult())


@router.post("/people/{person_id}/delete")
async def delete_person(request: Request, person_id: str) -> Response:
    pairs = await read_form(request)
    state = _state(request)
    person = state.file(person_id).patient
    typed = next((v for k, v in pairs if k == "confirm_name"), "").strip()
    expected = _confirm_words(person)
    if typed.casefold() != expected.casefold():
        result = FormResult(values={"confirm_name": typed})
        result.add("confirm_name", f"type {expected} exactly to delete this record")
        return _render_delete(request, person, result, 422)
    state.store.delete(person_id)
    # what this process keeps about them beside the store goes too: a later record under
    # the same id shows none of it
    from nextline.web.navigator import FactsCache

    state.forget_person(person_id)
    FactsCache.of(request.app.state).forget(person_id)
    return RedirectResponse("/people?deleted=1", status_code=303)


def examples_to_try(store_exists: Callable[[str], bool]) -> list[tuple[str, str]]:
    """The example people not stored yet: (id, what they show)."""
    from nextline.examples import EXAMPLE_IDS

    about = {
        "hr-positive-esr1": "Hormone receptor-positive cancer in the bones and liver",
        "her2-positive-brain": "HER2-positive cancer that has spread to the brain",
        "triple-negative-brca": "Triple-negative cancer with an inherited BRCA change",
    }
    return [(i, about.get(i, i)) for i in EXAMPLE_IDS if not store_exists(i)]


__all__ = ["derive_id", "examples_to_try", "router"]
