"""Asking for a menopausal status the record does not hold (a FHIR import rarely carries it).

Why on the dashboard: several options depend on it (aromatase inhibitors, ovarian
suppression); until it is known they say "may fit — needs your menopausal status". One
question, one answer, stored as a new version like every other edit.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from nextline.record import patient_file_data
from nextline.web.editing import read_form
from nextline.web.state import WebState

router = APIRouter(include_in_schema=False)

CHOICES = {
    "premenopausal": "Before menopause (periods, even irregular ones)",
    "perimenopausal": "Around menopause (periods changing or just stopped)",
    "postmenopausal": "After menopause (no periods for 12 months or more, or ovaries removed)",
}


@router.post("/people/{person_id}/menopausal-status")
async def set_menopausal_status(request: Request, person_id: str) -> Response:
    pairs = await read_form(request)
    state: WebState = request.app.state.web
    state.file(person_id)  # NotFound (404) for a person who is not stored
    chosen = next((v for k, v in pairs if k == "menopausal_status"), "")
    if chosen not in CHOICES:
        raise HTTPException(422, "Choose one of the answers offered.")
    from nextline.errors import Conflict
    from nextline.record import PatientFile
    from nextline.record.validate import validate_record
    from nextline.web.editing import base_version, changed_since

    # The question was asked on the version the page showed; if the answer it had then was
    # changed since (another tab answered), this answer is refused, never written over it.
    base = base_version(pairs)
    asked = state.store.get(person_id, base).patient.menopausal_status if base else None

    def answer(file: PatientFile) -> PatientFile:
        if base is not None and file.patient.menopausal_status not in (asked, chosen):
            raise Conflict(person_id, base, state.store.latest_version(person_id))
        data = patient_file_data(file)
        data["patient"]["menopausal_status"] = chosen
        validated: PatientFile = validate_record(data, state.kb, state.today()).file
        return validated

    try:
        version = state.store.update(person_id, answer, "added the menopausal status")
    except Conflict as exc:
        changes = "; ".join(changed_since(state, person_id, exc.base)) if exc.latest else ""
        raise HTTPException(
            409,
            "The record changed since you opened it, so your answer was not saved. "
            + (f"Here is what changed: {changes}. " if changes else "")
            + "Look at the dashboard again.",
        ) from exc
    return RedirectResponse(f"/people/{person_id}?saved={version}", status_code=303)
