"""Correct or delete any one entry of the record (a lab, a scan, a symptom report, ...).

Each is a new version with a one-line note naming the entry, built on the version the page
showed (`base_version`): when the record changed since, nothing is saved and the form is kept.
A correction reuses the entry's add form (`FormSpec`), prefilled from the entry, and replaces
the entry at its index. A field the form has no input for is carried over unchanged
(`keep_unshown`), so a correction never silently drops a detail; an entry whose form cannot
give it back unchanged is not offered for correction.

The form is built and checked against the record *without* the entry being corrected
(`correction_view`): "already on the list" must not count the entry itself, and a correction
of a treatment is not a new treatment (no "does it replace the running one?" question).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from nextline.errors import Conflict, NotFound, RecordInvalid
from nextline.knowledge import load_knowledge
from nextline.record import PatientFile, patient_file_data
from nextline.record.file_models import LIST_SECTIONS
from nextline.web.checked_forms import same_drug
from nextline.web.editing import (
    FORMS,
    FormSpec,
    _render_form,
    _state,
    _validate,
    base_version,
    changed_since,
    read_form,
    row_defaults,
)
from nextline.web.entry_words import entry_words
from nextline.web.forms import FormResult, parse_form, problems_to_form, rows_to_lists, with_entry
from nextline.web.linked_facts import (
    move_replaced_stop,
    relink_new_lesions,
    renamed_side_effects,
    replaced_words,
    restart,
    side_effects_of,
)
from nextline.web.scan_rows import prepare_lesion_rows, size_inputs, small_targets
from nextline.web.state import WebState

router = APIRouter(include_in_schema=False)

_ENTRY = "/people/{person_id}/entries/{section}/{index}"

# Section -> the add form that also corrects its entries (therapies: by kind, below). The scan
# form, when correcting, lists the lesions of the scan corrected (`editing.form_context`).
SECTION_FORMS = {
    "imaging": "scan",
    "labs": "lab",
    "symptoms": "symptoms",
    "tumor_tests": "tumor-test",
    "germline_tests": "germline-test",
    "care_team": "care-team",
    "metastases": "metastasis",
    "performance": "performance",
    "side_effects": "side-effect",
    "assessments": "assessment",
    "appointments": "appointment",
    "comorbidities": "comorbidity",
    "questions": "question",
}
_THERAPY_FORMS = {"drug": "treatment-start", "surgery": "surgery", "radiation": "radiation"}

STALE = "This record changed since you opened it, so nothing was saved. Here is what changed: "


# Each part of the record in the words a person would use for it (the page's headings).
SECTION_WORDS = {
    "tumor_tests": "Tests of the cancer",
    "germline_tests": "Inherited gene tests",
    "metastases": "Where the cancer has spread",
    "therapies": "Treatments",
    "labs": "Blood tests",
    "imaging": "Scans",
    "performance": "How much you can do (ECOG)",
    "symptoms": "How you felt",
    "side_effects": "Side effects",
    "care_team": "Your care team",
    "assessments": "What your care team said",
    "comorbidities": "Other health conditions",
    "appointments": "Appointments",
    "questions": "Your questions",
}


def list_sections() -> list[str]:
    """The parts of the record that hold a list of entries."""
    return list(LIST_SECTIONS)


def _entries(file: PatientFile, section: str) -> list[Any]:
    if section not in list_sections():
        raise NotFound("part of the record", section)
    items: list[Any] = getattr(file, section)
    return items


def _entry(file: PatientFile, section: str, index: int) -> Any:
    items = _entries(file, section)
    if not 0 <= index < len(items):
        raise NotFound("entry", f"{section}[{index}]")
    return items[index]


def form_for(file: PatientFile, section: str, index: int) -> FormSpec | None:
    """The form that corrects this entry, if there is one."""
    entry = _entry(file, section, index)
    key = _THERAPY_FORMS.get(entry.kind) if section == "therapies" else SECTION_FORMS.get(section)
    return FORMS.get(key) if key else None


def _flat(value: Any, name: str, list_fields: tuple[str, ...], out: dict[str, str]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flat(inner, f"{name}.{key}" if name else key, list_fields, out)
    elif isinstance(value, list) and all(isinstance(v, dict) for v in value) and value:
        for i, inner in enumerate(value):
            _flat(inner, f"{name}[{i}]", list_fields, out)
    elif isinstance(value, list):
        out[name] = ", ".join(str(v) for v in value)
    elif isinstance(value, bool):
        out[name] = "true" if value else "false"
    else:
        out[name] = str(value)


def form_values(spec: FormSpec, entry: Any) -> dict[str, str]:
    """The entry as the form's inputs would hold it."""
    out: dict[str, str] = {}
    _flat(entry.model_dump(mode="json", exclude_none=True), "", spec.list_fields, out)
    return out


def _shown(name: str, posted: set[str]) -> bool:
    return any(p == name or p.startswith((name + ".", name + "[")) for p in posted)


def keep_unshown(
    original: Any,
    built: Any,
    posted: set[str],
    prefix: str = "",
    rows_of: dict[str, list[int]] | None = None,
) -> Any:
    """`built` plus the original's fields the form had no input for.

    Why: an add form asks for what a new entry needs; an older entry may hold more (a stop
    date, an assay name). A correction must change only what the person could see and edit,
    so a field the form never showed is carried over unchanged instead of silently dropped.
    Rows of a list (a scan's lesions) are matched by their form row (`rows_of`), so a lesion
    keeps its own unshown details ("too small to measure").
    """
    if isinstance(original, list) and isinstance(built, list):
        path = prefix.rstrip(".")
        rows = (rows_of or {}).get(path)
        if rows is None or len(rows) != len(built):
            return built
        return [
            keep_unshown(original[r], b, posted, f"{path}[{r}].", rows_of)
            if r < len(original)
            else b
            for b, r in zip(built, rows, strict=True)
        ]
    if not isinstance(original, dict) or not isinstance(built, dict):
        return built
    out = dict(built)
    for key, value in original.items():
        name = f"{prefix}{key}"
        if key in out:
            out[key] = keep_unshown(value, out[key], posted, name + ".", rows_of)
        elif not _shown(name, posted):
            out[key] = value
    return out


def correction_view(file: PatientFile, section: str, index: int) -> PatientFile:
    """The record a correction's form is built and checked against: without the entry being
    corrected, and, for a treatment, without the other treatments (the questions about how a
    new treatment relates to the running ones belong to adding one, not to correcting one)."""
    items = _entries(file, section)
    kept = [] if section == "therapies" else [e for i, e in enumerate(items) if i != index]
    view: PatientFile = file.model_copy(update={section: kept})
    return view


def _listify(data: dict[str, Any], prefix: str, rows_of: dict[str, list[int]]) -> None:
    """Row dicts the form's `rows` did not declare (`doses[0].drug`) into lists, in place,
    noting each list's form rows under its path."""
    for key, value in list(data.items()):
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value and all(isinstance(k, int) for k in value):
            order = sorted(value)
            data[key] = [value[k] for k in order]
            rows_of.setdefault(path, order)
            for i, row in enumerate(data[key]):
                if isinstance(row, dict):
                    _listify(row, f"{path}[{order[i]}].", rows_of)
        elif isinstance(value, dict):
            _listify(value, path + ".", rows_of)


def _built(
    spec: FormSpec, file: PatientFile, section: str, index: int, pairs: list[tuple[str, str]]
) -> tuple[Any, dict[str, str], dict[str, list[int]], list[Any]]:
    data, typed = parse_form(pairs, spec.list_fields)
    for extra in ("base_version", "next"):
        data.pop(extra, None)
    row_problems: list[Any] = []
    if spec.key == "scan":
        recorded = len(_entry(file, section, index).lesions)
        row_problems = prepare_lesion_rows(data, recorded, True)
        # The web app's knowledge is the built-in one (WebState.kb); loading is cached.
        row_problems += small_targets(data, file, recorded, load_knowledge(), correcting=True)
    # A row holding a recorded item (a lesion, by its name) stays unless its name is emptied,
    # even with no size typed: "too small to measure" has no input but is a finding.
    rows_of = rows_to_lists(data, row_defaults(spec))
    _listify(data, "", rows_of)
    assert spec.build is not None
    original = _entry(file, section, index).model_dump(mode="json", exclude_none=True)
    posted = {name for name, _ in pairs}
    # The build sees the whole entry (a radiation given on one `date` has no `start` input).
    whole = keep_unshown(original, data, posted, rows_of=rows_of)
    entry, _, problems = spec.build(whole, correction_view(file, section, index))
    problems = [*row_problems, *problems]
    if entry is not None and not problems:
        entry = keep_unshown(original, entry, posted, rows_of=rows_of)
    return entry, typed, rows_of, problems


def round_trips(
    request: Request, spec: FormSpec, file: PatientFile, section: str, index: int
) -> bool:
    """Whether saving the prefilled form unchanged gives back exactly this entry."""
    values = form_values(spec, _entry(file, section, index))
    values.update({name: "yes" for name in spec.confirms})
    try:
        entry, _, _, problems = _built(spec, file, section, index, list(values.items()))
        if entry is None or problems:
            return False
        data, _ = with_entry(file, section, entry, index)
        return bool(_validate(_state(request), data).file == file)
    except (RecordInvalid, ValueError, TypeError, KeyError):
        return False


@router.get(_ENTRY + "/correct")
def show_correct(request: Request, person_id: str, section: str, index: int) -> Response:
    state = _state(request)
    file, version = state.store.get_latest(person_id)
    spec = form_for(file, section, index)
    if spec is None or not round_trips(request, spec, file, section, index):
        raise HTTPException(
            404,
            f"There is no form that can show all of {entry_words(file, section, index)}. "
            "You can delete it and add it again, or ask for help correcting the file.",
        )
    values = form_values(spec, _entry(file, section, index))
    return _correct_response(
        request, spec, file, section, index, FormResult(values=values), 200, version
    )


def _correct_response(
    request: Request,
    spec: FormSpec,
    file: PatientFile,
    section: str,
    index: int,
    result: FormResult,
    status: int,
    base: int,
) -> Response:
    request.state.form_action = f"/people/{file.patient.id}/entries/{section}/{index}/correct"
    request.state.form_title = f"Correct {entry_words(file, section, index)}"
    request.state.form_intro = (
        "Change what is wrong and save. Anything this form does not show is kept as it is."
    )
    view = correction_view(file, section, index)
    return _render_form(
        request, spec, view, result, status, base, correcting=_entry(file, section, index)
    )


@router.post(_ENTRY + "/correct")
async def submit_correct(request: Request, person_id: str, section: str, index: int) -> Response:
    pairs = await read_form(request)
    state = _state(request)
    file, latest = state.store.get_latest(person_id)
    base = base_version(pairs)
    if base is not None and base != latest:
        return _stale_correction(request, file, latest, section, index, base, pairs)
    spec = form_for(file, section, index)
    if spec is None:
        raise NotFound("form for", f"{section}[{index}]")
    entry, typed, rows_of, problems = _built(spec, file, section, index, pairs)
    if base is None:
        result = problems_to_form([], "", typed)
        result.add("", STALE + "; ".join(changed_since(state, person_id, 0)) + ".")
        return _correct_response(request, spec, file, section, index, result, 409, latest)
    if entry is None or problems:
        result = problems_to_form(problems, "", typed)
        return _correct_response(request, spec, file, section, index, result, 422, latest)
    new_data, prefix = with_entry(file, section, entry, index)
    linked = _relink(file, section, index, new_data)
    try:
        record = _validate(state, new_data)
    except RecordInvalid as exc:
        result = problems_to_form(exc.problems, prefix, typed, rows_of, size_inputs(typed))
        return _correct_response(request, spec, file, section, index, result, 422, latest)
    note = "; ".join([f"corrected {entry_words(file, section, index)}", *linked])
    try:
        _, version = state.store.save(record.file, note, base=latest)
    except Conflict:
        result = problems_to_form([], "", typed)
        result.add("", STALE + "; ".join(changed_since(state, person_id, latest)) + ".")
        return _correct_response(
            request, spec, file, section, index, result, 409, state.store.latest_version(person_id)
        )
    return RedirectResponse(f"/people/{person_id}/entries?saved={version}", status_code=303)


GONE = (
    "The entry you were correcting was deleted or changed by someone else since you opened "
    "it, so nothing was saved. Here is what changed: "
)


def where_now(
    state: WebState, person_id: str, section: str, index: int, base: int, latest: PatientFile
) -> int | None:
    """Where the entry at `index` of version `base` is in the latest record: at its new place
    if it is unchanged (entries before it deleted move it up), at the same place if the list
    kept its length (someone corrected it in place), None when it is gone or cannot be told
    apart (deleted, or changed while others were added or deleted)."""
    try:
        was = _entries(state.store.get(person_id, base), section)
    except NotFound:
        return None
    if not 0 <= index < len(was):
        return None
    now = _entries(latest, section)
    same = [i for i, item in enumerate(now) if item == was[index]]
    if same:
        return min(same, key=lambda i: abs(i - index))
    return index if len(now) == len(was) else None


def _stale_correction(
    request: Request,
    file: PatientFile,
    latest: int,
    section: str,
    index: int,
    base: int,
    pairs: list[tuple[str, str]],
) -> Response:
    """A correction sent from a page older than the record: nothing is saved, the form is
    shown again with what was typed and what changed, aimed at the same entry wherever it is
    now, never at whatever entry took its place. When it is gone, the form adds what was
    typed as a new entry (if the person saves it again)."""
    state = _state(request)
    person_id = file.patient.id
    changes = "; ".join(changed_since(state, person_id, base)) + "."
    now = where_now(state, person_id, section, index, base, file)
    spec = form_for(file, section, now) if now is not None else None
    if now is not None and spec is not None:
        _, typed, _, _ = _built(spec, file, section, now, pairs)
        result = problems_to_form([], "", typed)
        result.add("", STALE + changes)
        return _correct_response(request, spec, file, section, now, result, 409, latest)
    was = state.store.get(person_id, base)
    spec = form_for(was, section, index)
    if spec is None or spec.correct_only:
        raise HTTPException(409, GONE + changes)
    _, typed, _, _ = _built(spec, was, section, index, pairs)
    result = problems_to_form([], "", typed)
    result.add(
        "",
        GONE + changes + " What you typed is below: save it to add it as a new entry if "
        "it is still right.",
    )
    return _render_form(request, spec, file, result, 409, latest)


def _relink(file: PatientFile, section: str, index: int, new_data: dict[str, Any]) -> list[str]:
    """Facts this entry made in others, kept true after it changed (web/linked_facts.py)."""
    if section == "therapies":
        old_start = _entry(file, section, index).start
        before = patient_file_data(file).get("therapies", [])
        moved = move_replaced_stop(new_data["therapies"], index, old_start)
        return [*moved, *renamed_side_effects(before, new_data, index)]
    if section == "imaging":
        before = patient_file_data(file).get("imaging", [])
        return relink_new_lesions(before, new_data.get("imaging", []))
    return []


def _replaced(file: PatientFile, section: str, index: int) -> list[tuple[int, str]]:
    if section != "therapies":
        return []
    return replaced_words(patient_file_data(file).get("therapies", []), index)


def _side_effects(file: PatientFile, section: str, index: int) -> list[tuple[int, str]]:
    if section != "therapies":
        return []
    kb = load_knowledge()
    return side_effects_of(
        patient_file_data(file), index, lambda one, other: same_drug(kb, one, other)
    )


def _delete_page(
    request: Request,
    file: PatientFile,
    section: str,
    index: int,
    version: int,
    form: FormResult,
    status: int = 200,
) -> Response:
    person_id = file.patient.id
    response: Response = request.app.state.templates.TemplateResponse(
        request,
        "delete_entry.html",
        {
            "title": "Delete an entry",
            "section": "history",
            "person": file.patient,
            "what": entry_words(file, section, index),
            "action": f"/people/{person_id}/entries/{section}/{index}/delete",
            "base_version": version,
            "replaced": _replaced(file, section, index),
            "side_effects": _side_effects(file, section, index),
            "form": form,
        },
        status_code=status,
    )
    return response


@router.get(_ENTRY + "/delete")
def confirm_delete(request: Request, person_id: str, section: str, index: int) -> Response:
    state = _state(request)
    file, version = state.store.get_latest(person_id)
    _entry(file, section, index)
    return _delete_page(request, file, section, index, version, FormResult(values={}))


@router.post(_ENTRY + "/delete")
async def delete_entry(request: Request, person_id: str, section: str, index: int) -> Response:
    pairs = await read_form(request)
    state = _state(request)
    file, latest = state.store.get_latest(person_id)
    base = base_version(pairs)
    if base is None or base != latest:
        changes = "; ".join(changed_since(state, person_id, base or 0))
        raise HTTPException(
            409,
            f"This record changed since you opened it, so nothing was deleted. "
            f"Here is what changed: {changes}. Look at the entry again and delete it if it is "
            "still wrong.",
        )
    _entry(file, section, index)
    data = patient_file_data(file)
    linked: list[str] = []
    replaced = [i for i, _ in _replaced(file, section, index)]
    answer = dict(pairs).get("replaced")
    if replaced and answer not in ("running", "stopped"):
        form = FormResult(values={})
        form.add(
            "replaced",
            "say whether "
            + " and ".join(words.split(",")[0] for _, words in _replaced(file, section, index))
            + " stopped then, or is still going.",
        )
        return _delete_page(request, file, section, index, latest, form, 422)
    effects = _side_effects(file, section, index)
    kept = dict(pairs).get("side_effects")
    if effects and kept not in ("keep", "delete"):
        form = FormResult(values={"replaced": answer or ""})
        form.add(
            "side_effects",
            "say whether the side effects recorded with this treatment happened, or should go too.",
        )
        return _delete_page(request, file, section, index, latest, form, 422)
    if replaced and answer == "running":
        linked = restart(data["therapies"], replaced)
    if effects and kept == "delete":
        gone = {i for i, _ in effects}
        left = [e for i, e in enumerate(data.get("side_effects", [])) if i not in gone]
        data.pop("side_effects", None)
        if left:
            data["side_effects"] = left
        linked.append("also deleted " + "; ".join(words for _, words in effects))
    items = [e for i, e in enumerate(data.get(section, [])) if i != index]
    data.pop(section, None)
    if items:
        data[section] = items
    if section == "imaging":
        linked = relink_new_lesions(patient_file_data(file).get("imaging", []), items)
    record = _validate(state, data)
    note = "; ".join([f"deleted {entry_words(file, section, index)}", *linked])
    try:
        _, version = state.store.save(record.file, note, base=latest)
    except Conflict as exc:
        raise HTTPException(
            409, "This record changed since you opened it, so nothing was deleted."
        ) from exc
    return RedirectResponse(f"/people/{person_id}/entries?saved={version}", status_code=303)


def _correctable(request: Request, file: PatientFile, section: str, index: int) -> bool:
    spec = form_for(file, section, index)
    return spec is not None and round_trips(request, spec, file, section, index)


@router.get("/people/{person_id}/entries")
def entries_page(request: Request, person_id: str) -> Response:
    state = _state(request)
    file, version = state.store.get_latest(person_id)
    groups = []
    for section in list_sections():
        items = getattr(file, section)
        if items:
            groups.append(
                (
                    section,
                    [
                        (i, entry_words(file, section, i), _correctable(request, file, section, i))
                        for i in range(len(items))
                    ],
                )
            )
    response: Response = request.app.state.templates.TemplateResponse(
        request,
        "entries.html",
        {
            "title": "Correct or delete an entry",
            "section_words": SECTION_WORDS,
            "section": "history",
            "person": file.patient,
            "groups": groups,
            "saved": request.query_params.get("saved"),
            "base_version": version,
        },
    )
    return response


__all__ = ["router"]
