"""The "add to the record" forms: each builds the new patient file with the added entry, runs
the importer's validation on it, and stores it as a new version only when it has no error.

Every POST reads its form through `read_form`, which checks the CSRF token first.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from nextline.errors import Conflict, NotFound, Problem, RecordInvalid
from nextline.record import PatientFile, patient_file_data
from nextline.record.file_models import ReceptorResult
from nextline.record.receptors import receptor_conflict, receptor_status
from nextline.store.records import Once
from nextline.web.checked_forms import after_stop_question, changes_after_stop
from nextline.web.forms import (
    FormResult,
    parse_form,
    problems_to_form,
    rows_to_lists,
    with_entry,
)
from nextline.web.scan_rows import prepare_lesion_rows, size_inputs, small_targets
from nextline.web.security import CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER
from nextline.web.state import WebState
from nextline.web.vocab import (
    CARE_ROLES,
    CONSIDERING,
    GOAL_AVOID,
    GOAL_PREFER,
    GOAL_PRIORITIES,
    SIGN_CHOICES,
    lab_units,
)

router = APIRouter(include_in_schema=False)

_PERSON = "/people/{person_id}"


class CsrfRefused(Exception):
    """The form came without the page's token (or with another one)."""


async def read_form(request: Request) -> list[tuple[str, str]]:
    """The posted form's fields, after checking the CSRF token (403 otherwise)."""
    from fastapi import HTTPException

    form = await request.form()
    pairs = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    sent = request.headers.get(CSRF_HEADER) or next((v for k, v in pairs if k == CSRF_FIELD), None)
    if not request.app.state.csrf.check(request.cookies.get(CSRF_COOKIE), sent):
        raise HTTPException(
            403,
            "This form was refused because it did not come from this page. "
            "Reload the page and try again.",
        )
    return pairs


def _state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


@dataclass
class FormSpec:
    """One add-to-the-record form."""

    key: str
    title: str
    template: str
    section: str
    intro: str
    list_fields: tuple[str, ...] = ()
    rows: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # (parsed data, current file) -> (entry, index to replace or None to append, extra errors)
    build: Callable[[dict[str, Any], PatientFile], tuple[Any, int | None, list[Problem]]] | None = (
        None
    )
    note: str = ""
    # Optional hooks for forms defined outside this module (web/record_forms.py).
    context: Callable[[WebState, PatientFile], dict[str, Any]] | None = None
    initial: Callable[[PatientFile, dt.date], dict[str, str]] | None = None
    # Only corrects entries added elsewhere (a kept question: the questions page adds them).
    correct_only: bool = False
    # The "yes, keep it as typed" answers of its questions before saving: a stored entry had
    # them answered when it was saved, so checking that it can be corrected assumes them.
    confirms: tuple[str, ...] = ()


def _plain_entry(data: dict[str, Any], _file: PatientFile) -> tuple[Any, int | None, list[Problem]]:
    return data, None, []


def _treatment_start(
    data: dict[str, Any], _file: PatientFile
) -> tuple[Any, int | None, list[Problem]]:
    entry = {"kind": "drug", **data}
    return entry, None, []


def _tumor_test(data: dict[str, Any], _file: PatientFile) -> tuple[Any, int | None, list[Problem]]:
    """A tumor test as typed, with the contradictions asked about rather than quietly
    resolved: HER2-ultralow (faint staining in up to 10 % of cells) is a kind of HER2 IHC 0
    (ASCO/CAP), and an ER or PR result that disagrees with its percent. A report that says so
    is kept as written when the person ticks the box (`confirm_receptors`), so a test
    imported that way can be corrected through this form too."""
    if data.pop("confirm_receptors", None) == "yes":
        return data, None, []  # the report says so: kept as written (the importer warns)
    her2 = data.get("her2")
    ihc = her2.get("ihc") if isinstance(her2, dict) else None
    if isinstance(her2, dict) and her2.get("ultralow") == "true" and ihc not in (None, "0"):
        reason = (
            f"HER2-ultralow is a kind of IHC score 0, but this test says {ihc}. "
            "Check the report, and choose 'not stated' if it does not say ultralow. "
            "If the report says both, tick the box to keep it as written."
        )
        return None, None, [Problem("her2.ultralow", reason)]
    problems = []
    for which in ("er", "pr"):
        result = data.get(which)
        if not isinstance(result, dict) or not result.get("result"):
            continue
        try:
            stated = ReceptorResult(result=result["result"], percent=result.get("percent"))
        except ValueError:
            continue  # a malformed percent is named by the importer
        if receptor_conflict(stated):
            derived = receptor_status(ReceptorResult(percent=stated.percent))
            problems.append(
                Problem(
                    f"{which}.percent",
                    f"{stated.percent:g} % of cells staining is {derived}, but the result "
                    f"says {stated.result} (ASCO/CAP: under 1 % negative, 1 to 10 % low, "
                    "over 10 % positive). Check the report; if it gives both, leave the "
                    "result empty and the percent is used, or tick the box to keep both as "
                    "written.",
                )
            )
    return (None, None, problems) if problems else (data, None, [])


def _ongoing_therapies(file: PatientFile) -> list[tuple[int, str]]:
    out = []
    for i, therapy in enumerate(file.therapies):
        start = therapy.start or therapy.date
        if therapy.kind == "drug" and therapy.stop is None and start is not None:
            out.append((i, f"{' + '.join(therapy.drugs)} (since {start.isoformat()})"))
    return out


def _treatment_stop(
    data: dict[str, Any], file: PatientFile
) -> tuple[Any, int | None, list[Problem]]:
    problems: list[Problem] = []
    raw = data.pop("therapy", None)
    why = data.pop("why", None)
    ongoing = dict(_ongoing_therapies(file))
    try:
        index = int(raw) if raw is not None else -1
    except ValueError:
        index = -1
    if index not in ongoing:
        problems.append(Problem("therapy", "choose the treatment that stopped"))
        return None, None, problems
    if not data.get("stop_reason"):
        problems.append(Problem("stop_reason", "say why the treatment stopped"))
    if not data.get("stop"):
        problems.append(Problem("stop", "give the date it stopped"))
    keep_dates = data.pop("confirm", None) == "yes"
    later = changes_after_stop(file.therapies[index].dose_changes, data.get("stop"))
    if later and not keep_dates:
        stop = dt.date.fromisoformat(str(data["stop"]))
        problems.append(Problem("stop", after_stop_question(stop, later[-1][1], own=False)))
    current = file.therapies[index].model_dump(
        mode="json", exclude_none=True, exclude_defaults=True
    )
    entry = {**current, **data}
    if why:
        entry["notes"] = f"{current['notes']}; {why}" if current.get("notes") else why
    return entry, index, problems


def _goals(data: dict[str, Any], file: PatientFile) -> tuple[Any, int | None, list[Problem]]:
    kept = (
        file.goals.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
        if (file.goals)
        else {}
    )
    entry = {k: v for k, v in kept.items() if k == "upcoming_events"}
    if "open_to_trials" in data and data["open_to_trials"] == "unsure":
        data.pop("open_to_trials")
    for extra in ("priorities", "avoid", "prefer", "considering"):
        other = data.pop(f"{extra}_other", None)
        if other:
            data.setdefault(extra, [])
            data[extra] += [w for w in other if w not in data[extra]]
    entry.update(data)
    if file.goals is not None:
        # The boxes are shown in a fixed order; the person's own order of what is ticked stays.
        for key in ("priorities", "avoid", "prefer", "considering"):
            ticked = entry.get(key)
            if isinstance(ticked, list):
                before = [w for w in getattr(file.goals, key) if w in ticked]
                entry[key] = before + [w for w in ticked if w not in before]
    return entry, None, []


FORMS: dict[str, FormSpec] = {
    spec.key: spec
    for spec in [
        FormSpec(
            "lab",
            "Add a lab result",
            "forms/lab.html",
            "labs",
            "A blood test result, with its unit as printed on the report.",
            build=_plain_entry,
            note="added a lab result",
            confirms=("confirm",),
        ),
        FormSpec(
            "scan",
            "Add a scan",
            "forms/scan.html",
            "imaging",
            "The sizes from the radiology report. Lesions from the last scan are listed; "
            "fill in today's size for each.",
            rows={"lesions": ("id", "organ", "role", "node")},
            build=_plain_entry,
            note="added a scan",
            confirms=("confirm_sizes",),
        ),
        FormSpec(
            "symptoms",
            "How are you feeling?",
            "forms/symptoms.html",
            "symptoms",
            "Tick any warning signs, then score each from 0 (none) to 10 (worst possible). "
            "Leave blank what you skip.",
            list_fields=("signs",),
            build=_plain_entry,
            note="added a symptom report",
        ),
        FormSpec(
            "treatment-start",
            "Start a treatment",
            "forms/treatment_start.html",
            "therapies",
            "A new medicine or combination the care team has started.",
            list_fields=("drugs",),
            rows={"doses": (), "dose_changes": ()},
            build=_treatment_start,
            note="started a treatment",
            confirms=("confirm_drugs", "confirm_dates"),
        ),
        FormSpec(
            "treatment-stop",
            "Stop a treatment",
            "forms/treatment_stop.html",
            "therapies",
            "When a treatment stops, say why: it matters for what comes next.",
            build=_treatment_stop,
            note="stopped a treatment",
            confirms=("confirm",),
        ),
        FormSpec(
            "tumor-test",
            "Add a tumor test",
            "forms/tumor_test.html",
            "tumor_tests",
            "Results from a biopsy or a blood (liquid biopsy) test of the cancer.",
            list_fields=("not_detected",),
            rows={"variants": ("origin",)},
            build=_tumor_test,
            note="added a tumor test",
            confirms=("confirm_receptors",),
        ),
        FormSpec(
            "germline-test",
            "Add an inherited gene test",
            "forms/germline_test.html",
            "germline_tests",
            "A blood or saliva test for gene changes you were born with.",
            list_fields=("genes_tested",),
            rows={"variants": ("classification",)},
            build=_plain_entry,
            note="added an inherited gene test",
        ),
        FormSpec(
            "goals",
            "Goals and preferences",
            "forms/goals.html",
            "goals",
            "What matters most to you. This shapes the questions to ask; it never decides.",
            list_fields=(
                "priorities",
                "avoid",
                "prefer",
                "considering",
                "priorities_other",
                "avoid_other",
                "prefer_other",
                "considering_other",
            ),
            build=_goals,
            note="updated goals and preferences",
        ),
        FormSpec(
            "care-team",
            "Add to the care team",
            "forms/care_team.html",
            "care_team",
            "Who looks after you, and how to reach them.",
            build=_plain_entry,
            note="added a care team member",
        ),
    ]
}


def _scan_context(file: PatientFile, correcting: Any) -> dict[str, Any]:
    """The lesion rows of the scan form: when adding, those of the latest scan (sizes to fill
    in); when correcting a scan, that scan's own lesions as recorded."""
    if correcting is not None:
        earlier = [s for s in file.imaging if s.date < correcting.date]
        rows = [
            {"id": x.id, "organ": x.organ or "", "role": x.role, "node": x.node}
            for x in correcting.lesions
        ]
        return {
            "last_scan": max(earlier, key=lambda s: s.date, default=None),
            "carried": rows,
            "blank_rows": 3,
            "correcting": True,
        }
    last = max(file.imaging, key=lambda s: s.date, default=None)
    # A lesion first seen on the last scan ("new") is, from then on, an existing lesion
    # followed by eye (non-target) unless the team makes it a target (patient format).
    carried = [
        {
            "id": lesion.id,
            "organ": lesion.organ or "",
            "role": "target" if lesion.role == "target" else "non_target",
            "node": lesion.node,
        }
        for lesion in (last.lesions if last else [])
    ]
    return {"last_scan": last, "carried": carried, "blank_rows": 3}


def form_context(
    spec: FormSpec, state: WebState, file: PatientFile, correcting: Any = None
) -> dict[str, Any]:
    """What a form's template needs besides the values and errors (`correcting`: the entry
    a correction form shows, `file` then being the record without it)."""
    context: dict[str, Any] = {"spec": spec, "today": state.today().isoformat()}
    if spec.key == "lab":
        context["lab_tests"] = sorted(state.kb.lab_tests.values(), key=lambda t: t.name.lower())
        context["units"] = lab_units(state.kb)
    elif spec.key == "scan":
        context.update(_scan_context(file, correcting))
    elif spec.key == "treatment-stop":
        context["ongoing"] = _ongoing_therapies(file)
    elif spec.key == "goals":
        context.update(
            priorities=GOAL_PRIORITIES,
            avoid=GOAL_AVOID,
            prefer=GOAL_PREFER,
            considering=CONSIDERING,
            goals=file.goals,
        )
    elif spec.key == "care-team":
        context["roles"] = CARE_ROLES
    elif spec.key == "symptoms":
        context["signs"] = SIGN_CHOICES
    elif spec.key in ("tumor-test", "germline-test"):
        # A correction shows every recorded gene change, and one blank row to add another.
        recorded = len(getattr(correcting, "variants", []))
        context["variant_rows"] = max(3, recorded + 1)
    if spec.context is not None:
        context.update(spec.context(state, file))
    if spec.key == "treatment-start" and correcting is not None:
        # Every recorded dose and dose change, and a blank row to add one.
        context["dose_rows"] = len(correcting.doses) + 1
        context["change_rows"] = len(correcting.dose_changes) + 1
    return context


def _initial_values(spec: FormSpec, file: PatientFile, today: dt.date) -> dict[str, str]:
    values = {"date": today.isoformat()}
    if spec.initial is not None:
        return spec.initial(file, today)
    if spec.key == "treatment-start":
        values = {"start": today.isoformat(), "setting": "metastatic"}
    elif spec.key == "treatment-stop":
        values = {"stop": today.isoformat()}
    elif spec.key == "goals" and file.goals is not None:
        goals = file.goals
        values = {
            "priorities": ", ".join(goals.priorities),
            "avoid": ", ".join(goals.avoid),
            "prefer": ", ".join(goals.prefer),
            "considering": ", ".join(goals.considering),
            "open_to_trials": {True: "true", False: "false", None: "unsure"}[goals.open_to_trials],
            "travel_limit_km": f"{goals.travel_limit_km:g}" if goals.travel_limit_km else "",
        }
        for key in ("priorities", "avoid", "prefer", "considering"):
            known = {
                "priorities": GOAL_PRIORITIES,
                "avoid": GOAL_AVOID,
                "prefer": GOAL_PREFER,
                "considering": CONSIDERING,
            }[key]
            others = [w for w in getattr(goals, key) if w not in dict(known)]
            values[f"{key}_other"] = ", ".join(others)
    elif spec.key == "care-team":
        values = {}
    return values


def _render_form(
    request: Request,
    spec: FormSpec,
    file: PatientFile,
    result: FormResult,
    status: int = 200,
    base_version: int | None = None,
    correcting: Any = None,
) -> Response:
    state = _state(request)
    context = {
        "person": file.patient,
        "title": spec.title,
        "form": result,
        "section": "add",
        "base_version": base_version,
        "form_token": new_form_token(),
        **form_context(spec, state, file, correcting),
    }
    response: Response = request.app.state.templates.TemplateResponse(
        request, spec.template, context, status_code=status
    )
    return response


@router.get(_PERSON + "/add/{form_key}")
def show_form(request: Request, person_id: str, form_key: str) -> Response:
    spec = FORMS.get(form_key)
    if spec is None or spec.correct_only:
        raise NotFound("form", form_key)
    state = _state(request)
    file, version = state.store.get_latest(person_id)
    values = _initial_values(spec, file, state.today())
    return _render_form(request, spec, file, FormResult(values=values), base_version=version)


def new_form_token() -> str:
    """A token for one drawing of a form: the submission it makes is stored once however often
    it is sent (`submission`), while the same entry sent from another page is a new one."""
    import secrets

    return secrets.token_urlsafe(16)


def submission(pairs: list[tuple[str, str]], *parts: Any) -> Once | None:
    """The form page's submission (`store.records.Once`) for what it sends (`parts`): None
    when the page had no token (drawn before tokens existed; `already_added` decides then)."""
    import hashlib
    import json

    sent = next((v for k, v in pairs if k == "form_token"), "")
    if not re.fullmatch(r"[A-Za-z0-9_-]{16,64}", sent):
        return None
    what = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return Once(sent, hashlib.sha256(what.encode("utf-8")).hexdigest())


def base_version(pairs: list[tuple[str, str]]) -> int | None:
    """The version the page was showing when the form was filled (None when not sent)."""
    sent = next((v for k, v in pairs if k == "base_version"), "").strip()
    return int(sent) if sent.isdigit() and len(sent) <= 9 else None


def changed_since(state: WebState, person_id: str, base: int) -> list[str]:
    """What was saved after version `base`, one line per version, to show with a conflict."""
    return [
        f"version {v.version}: {v.note}" for v in state.store.history(person_id) if v.version > base
    ]


def _conflict_result(typed: dict[str, str], changes: list[str]) -> FormResult:
    result = problems_to_form([], "", typed)
    result.add(
        "",
        "This record changed while you were editing it, so nothing was saved. "
        "Here is what changed: " + "; ".join(changes) + ". "
        "Check the form and save again if it is still right.",
    )
    return result


def row_defaults(spec: FormSpec) -> dict[str, tuple[str, ...]]:
    """The fields of each row a select box fills by itself. A scan's lesion name is typed
    (or, on a recorded lesion's row, kept only with a finding: `prepare_lesion_rows`), so a
    new lesion with a name and no size (a bone scan measures none) is kept."""
    if spec.key != "scan":
        return spec.rows
    return {name: tuple(f for f in fixed if f != "id") for name, fixed in spec.rows.items()}


@router.post(_PERSON + "/add/{form_key}")
async def submit_form(request: Request, person_id: str, form_key: str) -> Response:
    spec = FORMS.get(form_key)
    if spec is None or spec.correct_only:
        raise NotFound("form", form_key)
    pairs = await read_form(request)
    state = _state(request)
    file, latest = state.store.get_latest(person_id)
    base = base_version(pairs)
    data, typed = parse_form(pairs, spec.list_fields)
    data.pop("base_version", None)
    rows_extra: list[Problem] = []
    if spec.key == "scan":
        last = max(file.imaging, key=lambda s: s.date, default=None)
        carried = len(last.lesions) if last else 0
        rows_extra = prepare_lesion_rows(data, carried, False)
        rows_extra += small_targets(data, file, carried, state.kb)
    rows_of = rows_to_lists(data, row_defaults(spec))
    assert spec.build is not None
    once = submission(pairs, spec.key, data)
    done = state.store.stored_by(person_id, once)
    if done is not None:
        # The same page's form sent twice (a double click, a re-sent request): it landed.
        return RedirectResponse(f"/people/{person_id}?saved={done}", status_code=303)
    if (
        once is None
        and base is not None
        and base != latest
        and already_added(state, person_id, spec, data, base)
    ):
        # A page drawn without a token, posted twice: the first landed (by content).
        return RedirectResponse(f"/people/{person_id}?saved={latest}", status_code=303)
    entry, index, extra = spec.build(data, file)
    extra = [*rows_extra, *extra]
    if entry is None or extra:
        result = problems_to_form(extra, "", typed)
        return _render_form(request, spec, file, result, 422, base or latest)
    whole = not isinstance(PatientFile.model_fields[spec.section].default, list)
    if (
        base is not None
        and base != latest
        and (index is not None or (whole and _part_changed(state, person_id, spec, base, file)))
    ):
        # Changing an entry, or replacing a part (the person's details, palliative care),
        # that changed meanwhile: show what did, save nothing.
        result = _conflict_result(typed, changed_since(state, person_id, base))
        return _render_form(request, spec, file, result, 409, latest)
    new_data, prefix = with_entry(file, spec.section, entry, index)
    try:
        record = _validate(state, new_data)
    except RecordInvalid as exc:
        problems = exc.problems
        if spec.section == "patient":
            problems = [_at_birth(problem, file) for problem in problems]
        rename = {**size_inputs(typed), **_nested_inputs(spec, entry)}
        result = problems_to_form(problems, prefix, typed, rows_of, rename)
        return _render_form(request, spec, file, result, 422, base or latest)
    if index is None:
        # An added entry cannot conflict: if another save lands first, add it to that one.
        def _add(current: PatientFile) -> PatientFile:
            if current == file:
                same: PatientFile = record.file
                return same
            if whole and getattr(current, spec.section) != getattr(file, spec.section):
                raise Conflict(person_id, latest, latest + 1)  # replaced by another writer
            added, _ = with_entry(current, spec.section, entry, None)
            rebuilt: PatientFile = _validate(state, added).file
            return rebuilt

        try:
            version = state.store.update(person_id, _add, spec.note, once)
        except Conflict:
            result = _conflict_result(typed, changed_since(state, person_id, latest))
            return _render_form(
                request, spec, file, result, 409, state.store.latest_version(person_id)
            )
    else:
        try:
            _, version = state.store.save(record.file, spec.note, base=latest, once=once)
        except Conflict:
            result = _conflict_result(typed, changed_since(state, person_id, latest))
            return _render_form(
                request, spec, file, result, 409, state.store.latest_version(person_id)
            )
    return RedirectResponse(f"/people/{person_id}?saved={version}", status_code=303)


def _nested_inputs(spec: FormSpec, entry: Any) -> dict[str, str]:
    """The dose change form's inputs are the last dose change of its treatment: a problem
    with `dose_changes[j].date` is about the `date` input."""
    if spec.key != "dose-change" or not isinstance(entry, dict):
        return {}
    last = len(entry.get("dose_changes") or []) - 1
    return {f"dose_changes[{last}].{name}": name for name in ("date", "drug", "change", "reason")}


def _at_birth(problem: Problem, file: PatientFile) -> Problem:
    """A birth date typed after a date already in the record: said at the birth input, naming
    that entry in words (the importer names the entry's date, which this form does not show)."""
    from nextline.web.entry_words import cite

    if "before the person was born" not in problem.reason or problem.path.startswith("patient"):
        return problem
    day = problem.reason.split(" is before", 1)[0]
    return Problem(
        "patient.birth",
        f"{cite(problem.path, file)} is dated {day}, before this birth date. "
        "Check the year of birth, or correct that entry.",
    )


def _part_changed(
    state: WebState, person_id: str, spec: FormSpec, base: int, latest: PatientFile
) -> bool:
    """Whether the part a form replaces whole differs between version `base` (what the page
    showed) and the latest record: then saving the form would silently undo that change."""
    try:
        shown = state.store.get(person_id, base)
    except NotFound:
        return True
    return bool(getattr(shown, spec.section) != getattr(latest, spec.section))


def already_added(
    state: WebState, person_id: str, spec: FormSpec, data: dict[str, Any], base: int
) -> bool:
    """Whether the entry this form adds on version `base` was already added since: the
    latest record holds it more often than `base` did. That is the same form posted twice
    (a double click, or a browser re-sending a slow post), not a second reading: the same
    entry added again from a fresh page names the newer version as its base and is stored.
    The entry is built on `base`, as the person saw it (on the latest record the first post's
    entry may already be running and ask a question)."""
    import copy
    import json

    if not isinstance(PatientFile.model_fields[spec.section].default, list):
        return False
    assert spec.build is not None
    try:
        base_file = state.store.get(person_id, base)
        entry, index, extra = spec.build(copy.deepcopy(data), base_file)
        if entry is None or index is not None or extra:
            return False
        added, _ = with_entry(base_file, spec.section, entry, None)
        on_base = _validate(state, added).file
    except (NotFound, RecordInvalid):
        return False

    def entries(file: PatientFile) -> list[str]:
        items = patient_file_data(file).get(spec.section) or []
        return [json.dumps(item, sort_keys=True) for item in items]

    before = entries(base_file)
    new = [item for item in entries(on_base) if before.count(item) < entries(on_base).count(item)]
    if not new:
        return False
    now = entries(state.store.get(person_id))
    return all(now.count(item) > before.count(item) for item in set(new))


def _validate(state: WebState, data: dict[str, Any]) -> Any:
    from nextline.record.validate import validate_record

    return validate_record(data, state.kb, state.today())


@router.post(_PERSON + "/care-team/{index}/remove")
async def remove_care_member(request: Request, person_id: str, index: int) -> Response:
    """Remove one member, on the version the page showed: a list that changed since (another
    tab removed or added someone) would make `index` point at someone else, so a stale or
    missing `base_version` removes nothing and says what changed."""
    from fastapi import HTTPException

    pairs = await read_form(request)
    state = _state(request)
    file, latest = state.store.get_latest(person_id)
    base = base_version(pairs)
    if base is None or base != latest:
        changes = "; ".join(changed_since(state, person_id, base or 0))
        raise HTTPException(
            409,
            "This record changed since you opened it, so nobody was removed. "
            f"Here is what changed: {changes}. Look at the care team again and remove the "
            "person if that is still right.",
        )
    if not 0 <= index < len(file.care_team):
        raise NotFound("care team member", f"{person_id}#{index}")
    data = patient_file_data(file)
    members = [m for i, m in enumerate(data.get("care_team", [])) if i != index]
    data.pop("care_team", None)
    if members:
        data["care_team"] = members
    record = _validate(state, data)
    try:
        _, version = state.store.save(record.file, "removed a care team member", base=latest)
    except Conflict as exc:
        raise HTTPException(
            409, "This record changed since you opened it, so nobody was removed."
        ) from exc
    return RedirectResponse(f"/people/{person_id}/add/care-team?saved={version}", 303)


@router.post(_PERSON + "/undo")
async def undo(request: Request, person_id: str) -> Response:
    """One step back per press (a new version); see `nextline.store.steps`."""
    return await _step(request, person_id, "undo")


@router.post(_PERSON + "/redo")
async def redo(request: Request, person_id: str) -> Response:
    """One step forward again per press, after undos (a new version)."""
    return await _step(request, person_id, "redo")


@router.post(_PERSON + "/restore/{version}")
async def restore(request: Request, person_id: str, version: int) -> Response:
    """Make an earlier version current again in one click (a new version)."""
    return await _step(request, person_id, "restore", version)


_NOTHING = {
    "undo": "There is nothing to undo: every earlier change has already been taken back.",
    "redo": "There is nothing to redo: no change was undone since the last edit.",
    "restore": "There is no such version of this record.",
}
_DID_NOT = {
    "undo": "nothing was undone",
    "redo": "nothing was redone",
    "restore": "nothing was restored",
}


async def _step(request: Request, person_id: str, action: str, version: int = 0) -> Response:
    from fastapi import HTTPException

    pairs = await read_form(request)
    state = _state(request)
    if not state.store.exists(person_id):
        raise NotFound("person", person_id)
    base = base_version(pairs)
    try:
        if action == "undo":
            new = state.store.undo(person_id, base=base)
        elif action == "redo":
            new = state.store.redo(person_id, base=base)
        else:
            new = state.store.restore(person_id, version, base=base)
    except NotFound as exc:
        nothing = _NOTHING[action]
        if action == "undo" and state.store.latest_version(person_id) < 2:
            nothing = "There is nothing to undo: this record has only one version."
        raise HTTPException(404, nothing) from exc
    except Conflict as exc:
        changes = "; ".join(changed_since(state, person_id, exc.base))
        raise HTTPException(
            409,
            f"This record changed since the page was shown, so {_DID_NOT[action]}. "
            f"Here is what changed: {changes}. Look at the latest version and try again "
            "if it is still what you want.",
        ) from exc
    back = next((v for k, v in pairs if k == "next"), "")
    if not back.startswith(f"/people/{person_id}") or "//" in back or "?" in back:
        back = f"/people/{person_id}"
    said = {"undo": "undone", "redo": "redone", "restore": "restored"}[action]
    return RedirectResponse(f"{back}?{said}={new}", status_code=303)


@router.get("/people/new")
def new_person_form() -> Response:
    """The old address of "add a person": the form is now `/people/start` (no id asked)."""
    return RedirectResponse("/people/start", status_code=303)


from nextline.web.record_forms import record_forms  # noqa: E402  (they use FormSpec)

FORMS.update(record_forms(FORMS))

__all__ = ["FORMS", "read_form", "router"]
