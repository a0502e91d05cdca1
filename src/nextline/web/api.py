"""The JSON API under `/api` (OpenAPI at `/api/openapi.json`, docs at `/api/docs`).

Same contracts as the command line's `--json`. Writes take JSON only (a page on another site
cannot send JSON here without the browser asking first, and this server never agrees), are
validated exactly like the file importer, and store a new version or nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Path, Query, Request
from fastapi.responses import Response
from pydantic import BeforeValidator

from nextline.errors import Problem, RecordInvalid
from nextline.record import PatientFile, patient_file_data
from nextline.record.file_models import LIST_SECTIONS
from nextline.web import engines
from nextline.web.contracts import (
    PersonOut,
    SavedOut,
    ShowOut,
    VersionOut,
    person_out,
    show_out,
    version_out,
)
from nextline.web.state import WebState

router = APIRouter(tags=["people"])

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {
        "description": "No such person (the error shape: `{error: {status, kind, message, "
        "problems}}`)"
    },
    422: {"description": "Invalid input; `problems` names each field and the reason"},
}
WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    400: {"description": "The body is not readable JSON"},
    403: {"description": "Sent from another site (`Origin` / `Sec-Fetch-Site`): refused"},
    413: {"description": "The body is over the size limit: refused before it was read"},
    415: {"description": "The body is not JSON (`application/json`)"},
    409: {
        "description": "The record changed since `base_version`: nothing was stored "
        "(kind `conflict`); read it again and decide"
    },
}
BaseVersion = Query(
    None,
    ge=0,
    le=2_000_000_000,
    description="The version this change was made on (0: a new person). When the record has "
    "changed since, nothing is stored and the answer is 409.",
)

IdempotencyKey = Header(
    None,
    alias="Idempotency-Key",
    min_length=8,
    max_length=100,
    pattern=r"^[!-~]+$",
    description="Any unique text (8 to 100 visible characters) naming this change: a post "
    "sent again with the same key and the same body (a retry after a timeout) stores "
    "nothing new and answers the first post's version; the same key with another body is "
    "refused (409). Send a new key for each new change.",
)


def _once(key: str | None, *parts: Any) -> Any:
    """The submission an `Idempotency-Key` names (`store.records.Once`), or None."""
    import hashlib
    import json

    from nextline.store.records import Once

    if key is None:
        return None
    what = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return Once(key, hashlib.sha256(what.encode("utf-8")).hexdigest(), strict=True)


# List sections of the patient file that accept a new entry through the API.
ENTRY_SECTIONS = LIST_SECTIONS


def _state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


def _day(state: WebState, as_of: dt.date | None) -> dt.date:
    return as_of or state.today()


def _iso_date_text(value: Any) -> Any:
    # A query date is YYYY-MM-DD text only: pydantic would also read a number as seconds
    # since 1970 (`as_of=1e-202` was 1970-01-01), which the OpenAPI document does not allow.
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("use a date written YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_text)]

AsOf = Query(None, description="Read the record as of this date (YYYY-MM-DD); default today.")
WithTrials = Query(
    False, description="Also match the catalog's breast cancer trials (as the CLI's --trials)"
)


@router.get("/people", response_model=list[PersonOut], summary="List the stored people")
def list_people(request: Request) -> list[dict[str, Any]]:
    from nextline.web.access import visible
    from nextline.web.principal import principal_of

    people = visible(principal_of(request), _state(request).store.list())
    return [person_out(p) for p in people]


@router.post(
    "/people",
    response_model=SavedOut,
    status_code=201,
    responses=WRITE_RESPONSES,
    summary="Import a patient file (all or nothing); a stored person gets a new version",
)
def import_person(
    request: Request,
    body: dict[str, Any] = Body(  # noqa: B008
        ..., description="A patient file (format version 1) as JSON"
    ),
    as_of: IsoDate | None = AsOf,
    base_version: int | None = BaseVersion,
) -> dict[str, Any]:
    from nextline.record.validate import validate_record
    from nextline.web.signed_in import claim, may_change, new_person_id

    state = _state(request)
    patient = body.get("patient")
    named = patient.get("id") if isinstance(patient, dict) else None
    base = base_version
    if isinstance(named, str) and named:
        wanted = new_person_id(request, named)
        if wanted != named or not may_change(request, named):
            # a new person for this caller: stored only if nobody took the id meanwhile
            body = {**body, "patient": {**patient, "id": wanted}}  # type: ignore[dict-item]
            base = 0
    record = validate_record(body, state.kb, _day(state, as_of))
    person_id, version = state.store.save(record.file, "import through the API", base=base)
    claim(request, person_id)
    return {"id": person_id, "version": version, "warnings": [vars(w) for w in record.warnings]}


@router.get(
    "/people/{person_id}",
    response_model=ShowOut,
    responses=ERROR_RESPONSES,
    summary="A person's lines and timeline (as `nextline show --json`)",
)
def show_person(request: Request, person_id: str, as_of: IsoDate | None = AsOf) -> dict[str, Any]:
    from nextline.record import build_record

    state = _state(request)
    day = _day(state, as_of)
    record = build_record(state.file(person_id), state.kb, _checked_on(state, day))
    return show_out(record, day)


@router.get(
    "/people/{person_id}/record",
    responses=ERROR_RESPONSES,
    summary="The stored patient file as JSON (as `nextline export --format json`)",
)
def get_record(
    request: Request,
    person_id: str,
    version: int | None = Query(None, ge=1, le=2_000_000_000, description="An earlier version"),
) -> dict[str, Any]:
    return patient_file_data(_state(request).store.get(person_id, version))


@router.get(
    "/people/{person_id}/history",
    response_model=list[VersionOut],
    responses=ERROR_RESPONSES,
    summary="The stored versions (as `nextline history --json`)",
)
def get_history(request: Request, person_id: str) -> list[dict[str, Any]]:
    return [version_out(v) for v in _state(request).store.history(person_id)]


STEP_RESPONSES: dict[int | str, dict[str, Any]] = {
    **WRITE_RESPONSES,
    404: {
        "description": "No such person, or nothing to step to (nothing left to undo; no undone "
        "change to redo; no such version to restore). The error shape: "
        "`{error: {status, kind, message, problems}}`"
    },
}


@router.post(
    "/people/{person_id}/undo",
    response_model=SavedOut,
    responses=STEP_RESPONSES,
    summary="Make the version before the latest current again (as a new version)",
)
def undo(
    request: Request, person_id: str, base_version: int | None = BaseVersion
) -> dict[str, Any]:
    version = _state(request).store.undo(person_id, base=base_version)
    return {"id": person_id, "version": version, "warnings": []}


@router.post(
    "/people/{person_id}/redo",
    response_model=SavedOut,
    responses=STEP_RESPONSES,
    summary="Put back the change the last undo took back (as a new version); 404 when no "
    "undo is waiting to be redone (an ordinary change after an undo ends the redo chain)",
)
def redo(
    request: Request, person_id: str, base_version: int | None = BaseVersion
) -> dict[str, Any]:
    version = _state(request).store.redo(person_id, base=base_version)
    return {"id": person_id, "version": version, "warnings": []}


@router.post(
    "/people/{person_id}/restore/{version}",
    response_model=SavedOut,
    responses=STEP_RESPONSES,
    summary="Make an earlier version current again (as a new version, itself undoable); "
    "when the record already holds that content, the latest version is answered unchanged",
)
def restore(
    request: Request,
    person_id: str,
    version: int = Path(..., ge=1, le=2_000_000_000, description="The version to bring back"),
    base_version: int | None = BaseVersion,
) -> dict[str, Any]:
    new = _state(request).store.restore(person_id, version, base=base_version)
    return {"id": person_id, "version": new, "warnings": []}


@router.post(
    "/people/{person_id}/entries/{section}",
    response_model=SavedOut,
    status_code=201,
    responses=WRITE_RESPONSES,
    summary="Add one entry to a list section (labs, imaging, symptoms, ...) as a new version; "
    "an entry added while another save lands is added to that newer version",
)
def add_entry(
    request: Request,
    person_id: str,
    section: str = Path(
        ...,
        description=f"One of: {', '.join(ENTRY_SECTIONS)}",
        json_schema_extra={"enum": list(ENTRY_SECTIONS)},
    ),
    entry: dict[str, Any] = Body(  # noqa: B008
        ..., description="One entry of that section, as in a patient file"
    ),
    as_of: IsoDate | None = AsOf,
    idempotency_key: str | None = IdempotencyKey,
) -> dict[str, Any]:
    from nextline.record.validate import validate_record

    if section not in ENTRY_SECTIONS:
        raise RecordInvalid(
            [Problem("section", f"{section!r} is not one of: {', '.join(ENTRY_SECTIONS)}")]
        )
    state = _state(request)
    warnings: list[dict[str, Any]] = []

    def add(file: PatientFile) -> PatientFile:
        data = patient_file_data(file)
        data[section] = [*data.get(section, []), entry]
        record = validate_record(data, state.kb, _day(state, as_of))
        warnings[:] = [vars(w) for w in record.warnings]
        return record.file

    once = _once(idempotency_key, section, entry)
    version = state.store.update(person_id, add, f"added to {section} through the API", once)
    return {"id": person_id, "version": version, "warnings": warnings}


def _checked_on(state: WebState, day: dt.date) -> dt.date:
    """A read shows the record as of `day`, never validates it against `day`: the stored
    record is checked as of today (or `day` if later), and the engines leave out what came
    after `day` (as the CLI's `--as-of` does)."""
    return max(day, state.today())


def _record(request: Request, person_id: str, as_of: dt.date | None) -> tuple[Any, dt.date]:
    from nextline.record import build_record

    state = _state(request)
    day = _day(state, as_of)
    return build_record(state.file(person_id), state.kb, _checked_on(state, day)), day


@router.get(
    "/people/{person_id}/status",
    responses=ERROR_RESPONSES,
    summary="Is the treatment working? Red flags and the evidence (as `nextline status --json`)",
)
def get_status(request: Request, person_id: str, as_of: IsoDate | None = AsOf) -> Any:
    record, day = _record(request, person_id, as_of)
    return engines.status_json(engines.status(record, _state(request).kb, day))


@router.get(
    "/people/{person_id}/options",
    responses=ERROR_RESPONSES,
    summary="Every next option with its verdict and evidence (as `nextline options --json`)",
)
def get_options(request: Request, person_id: str, as_of: IsoDate | None = AsOf) -> Any:
    record, day = _record(request, person_id, as_of)
    return engines.options(record, _state(request).kb, day).to_json()


@router.get(
    "/people/{person_id}/questions",
    responses=ERROR_RESPONSES,
    summary="Questions for the next appointment (as `nextline questions --json`)",
)
def get_questions(
    request: Request, person_id: str, as_of: IsoDate | None = AsOf, trials: bool = WithTrials
) -> Any:
    state = _state(request)
    record, day = _record(request, person_id, as_of)
    found = engines.briefing_trials(record, state.kb, day, state, wait=True) if trials else None
    brief = engines.briefing(record, state.kb, day, trial_matches=found)
    return {
        "patient": record.id,
        "as_of": day.isoformat(),
        "questions": [q.to_json() for q in brief.questions],
        "personal_questions": [q.to_json() for q in brief.personal_questions],
        "unavailable": list(brief.unavailable),
    }


@router.get(
    "/people/{person_id}/brief",
    responses=ERROR_RESPONSES,
    summary="The whole briefing (as `nextline brief --json`)",
)
def get_brief(
    request: Request, person_id: str, as_of: IsoDate | None = AsOf, trials: bool = WithTrials
) -> Any:
    state = _state(request)
    record, day = _record(request, person_id, as_of)
    found = engines.briefing_trials(record, state.kb, day, state, wait=True) if trials else None
    brief = engines.briefing(record, state.kb, day, trial_matches=found)
    return brief.to_json()


@router.get(
    "/people/{person_id}/trials",
    responses=ERROR_RESPONSES,
    summary="Trials this record may fit, each criterion answered (as `nextline trials match "
    "--json`)",
)
def get_trials(
    request: Request,
    person_id: str,
    as_of: IsoDate | None = AsOf,
    within_km: float | None = Query(None, gt=0, le=20000, description="Nearest site within"),
    include_ineligible: bool = Query(False, description="Also list likely ineligible trials"),
    limit: int | None = Query(None, ge=1, le=5000),
) -> Any:
    state = _state(request)
    record, day = _record(request, person_id, as_of)
    matches = engines.trials(
        record,
        state.kb,
        day,
        state,
        within_km=within_km,
        include_ineligible=include_ineligible,
    )
    catalog = state.trial_catalog(state.kb)
    shown = matches[:limit] if limit is not None else matches
    return {
        "patient": record.id,
        "as_of": day.isoformat(),
        "catalog": catalog,
        "matches": [m.as_json() for m in shown],
    }


@router.get(
    "/people/{person_id}/summary.pdf",
    responses={
        **ERROR_RESPONSES,
        200: {"content": {"application/pdf": {}}, "description": "The summary packet"},
    },
    summary="The summary packet as PDF (as `nextline report -o FILE.pdf`)",
)
def get_summary_pdf(request: Request, person_id: str, as_of: IsoDate | None = AsOf) -> Response:
    state = _state(request)
    record, day = _record(request, person_id, as_of)
    pdf = engines.summary_pdf(record, state.kb, day, engines.trials(record, state.kb, day, state))
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="nextline-{person_id}-{day}.pdf"'},
    )
