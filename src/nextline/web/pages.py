"""The HTML pages: people, a person's dashboard, timeline, the add-to-the-record menu,
history, and the engines' pages (options, trials, questions, supportive care, summary)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from nextline.web import engines
from nextline.web.access import readable_people
from nextline.web.editing import FORMS
from nextline.web.menopause import CHOICES as MENOPAUSE_CHOICES
from nextline.web.people_admin import examples_to_try
from nextline.web.principal import principal_of
from nextline.web.state import WebState
from nextline.web.trial_changes import dashboard_changes, remember

router = APIRouter(include_in_schema=False)

_PERSON = "/people/{person_id}"


def _state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


def render(request: Request, template: str, *, status_code: int = 200, **context: Any) -> Response:
    response: Response = request.app.state.templates.TemplateResponse(
        request, template, context, status_code=status_code
    )
    return response


def _last_change(state: WebState, person_id: str) -> Any:
    versions = state.store.history(person_id)
    return versions[-1] if len(versions) >= 2 else None


@router.get("/")
def home() -> Response:
    return RedirectResponse("/people", status_code=303)


PEOPLE_PER_PAGE = 50
NAME_LIMIT = 200  # characters of the name search, as long as a stored name may be


@router.get("/people")
def people(request: Request) -> Response:
    """The people this caller may see, 50 a page by id, with a search on the name (or id):
    two indexed queries, so 10,000 people do not make a page of 10,000 rows."""
    from fastapi import HTTPException

    from nextline.web.trial_pages import Page, read_page_number

    state = _state(request)
    name = request.query_params.get("q", "").strip()  # as typed, often with a space after
    if len(name) > NAME_LIMIT:
        raise HTTPException(422, f"q: a name of at most {NAME_LIMIT} characters")
    try:
        number = read_page_number(request.query_params.get("page"))
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    only = readable_people(principal_of(request))
    shown, total = state.store.list_page(
        offset=(number - 1) * PEOPLE_PER_PAGE,
        limit=PEOPLE_PER_PAGE,
        name=name,
        only=only,
        past_end_last=True,  # a link saved when the list was longer: its last page
    )
    number = min(number, max(1, -(-total // PEOPLE_PER_PAGE)))
    return render(
        request,
        "people.html",
        title="People",
        people=shown,
        listing=Page.window(shown, number, PEOPLE_PER_PAGE, total),
        search=name,
        section="people",
        examples=examples_to_try(
            lambda i: principal_of(request).can_read(i) and state.store.exists(i)
        ),
        deleted=request.query_params.get("deleted") == "1",
    )


@router.get(_PERSON)
def dashboard(request: Request, person_id: str) -> Response:
    """The dashboard: its content computed once per record version and date
    (`web.view_cache`), the page drawn once per view, viewer and trials box and kept as
    bytes (`web.page_cache`); this request's form token is joined in. With a query (a
    "saved" or "undone" notice) it is drawn afresh and not kept."""
    from fastapi.responses import HTMLResponse

    from nextline.web.page_cache import TOKEN_STAND_IN, KeptPage, page_key

    state = _state(request)
    latest, views = state.latest_dashboard(person_id)
    request.state.person_views = (person_id, views)  # for the red-flag banner
    request.state.base_version = latest.key.version  # the version the page's forms change
    view = views.dashboard
    assert view is not None
    if request.url.query:
        return _draw_dashboard(request, view, dashboard_changes(state, person_id, view.day))
    key, changes = page_key(request, state, latest.key)
    token = str(request.state.csrf_token)
    page = state.kept_page(key)
    if page is None:
        request.state.csrf_token = TOKEN_STAND_IN
        try:
            drawn = _draw_dashboard(request, view, changes)
        finally:
            request.state.csrf_token = token
        page = KeptPage.cut(bytes(drawn.body))
        if page is None or drawn.status_code != 200:  # nothing to keep apart: draw it
            return _draw_dashboard(request, view, changes)
        state.keep_page(key, page)
    return HTMLResponse(page.join(token))


def _draw_dashboard(request: Request, view: Any, changes: Any) -> Response:
    return render(
        request,
        "dashboard.html",
        title="Dashboard",
        section="dashboard",
        **view.context(),
        saved=request.query_params.get("saved"),
        undone=request.query_params.get("undone"),
        menopause_choices=MENOPAUSE_CHOICES,
        trial_changes=changes,
        base_version=getattr(request.state, "base_version", ""),
    )


@router.get(_PERSON + "/timeline")
def timeline(request: Request, person_id: str) -> Response:
    from nextline.assess.line_best import best_responses
    from nextline.record.timeline import build_timeline

    state = _state(request)
    record = state.record(person_id)
    day = state.today()
    events = [e for e in build_timeline(record) if e.date <= day]
    lines = record.lines_as_of(day)
    status = engines.status_json(engines.status(record, state.kb, day))
    return render(
        request,
        "timeline.html",
        title="Timeline",
        section="timeline",
        person=record.file.patient,
        events=list(reversed(events)),
        lines=lines,
        best=best_responses(lines, status.get("recist")),
        charts=engines.charts(record, day, status),
        kinds=sorted({e.kind for e in events}),
        kind=request.query_params.get("kind", ""),
    )


@router.get(_PERSON + "/add")
def add_menu(request: Request, person_id: str) -> Response:
    state = _state(request)
    file = state.file(person_id)
    return render(
        request,
        "add.html",
        title="Add to the record",
        section="add",
        person=file.patient,
        forms=[f for f in FORMS.values() if not f.correct_only],
        last_change=_last_change(state, person_id),
        care_team=file.care_team,
        base_version=state.store.latest_version(person_id),
        saved=request.query_params.get("saved"),
    )


@router.get(_PERSON + "/history")
def history(request: Request, person_id: str) -> Response:
    state = _state(request)
    file = state.file(person_id)
    return render(
        request,
        "history.html",
        title="Changes",
        section="history",
        person=file.patient,
        versions=list(reversed(state.store.history(person_id))),
        steps=state.store.steps(person_id),
    )


@router.get(_PERSON + "/record.yaml")
def download_record(request: Request, person_id: str) -> Response:
    from nextline.record import dump_patient_file

    file = _state(request).file(person_id)
    return Response(
        dump_patient_file(file),
        media_type="application/yaml; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{person_id}.yaml"'},
    )


@router.get(_PERSON + "/options")
def options_page(request: Request, person_id: str) -> Response:
    from nextline.report.context import subtype_words

    state = _state(request)
    record = state.record(person_id)
    day = state.today()
    result = engines.options(record, state.kb, day)
    verdicts = [
        ("fits", "Fit the record", "The record meets what the approval asks for."),
        (
            "may_fit",
            "May fit: something to check first",
            "Something is missing or unclear in the record; each says what.",
        ),
        (
            "does_not_fit",
            "Do not fit the record now",
            "Each says which part of the record rules it out.",
        ),
    ]
    brief = engines.briefing(record, state.kb, day, options_result=result)
    return render(
        request,
        "options.html",
        title="Options",
        section="options",
        person=record.file.patient,
        result=result,
        verdicts=[(key, title, hint, result.by_verdict(key)) for key, title, hint in verdicts],  # type: ignore[arg-type]
        goals=brief.goals,
        subtype_text=subtype_words(record, day),
        record_file=record.file,
    )


PHASES = [
    ("PHASE1", "Phase 1 (first in people: dose and safety)"),
    ("PHASE2", "Phase 2 (does it work?)"),
    ("PHASE3", "Phase 3 (compared with usual treatment)"),
    ("PHASE4", "Phase 4 (after approval)"),
]
DISTANCES = [25, 50, 100, 250, 500, 1000, 2500]


def _trial_context(
    request: Request,
    person_id: str,
    within_km: float | None,
    phase: str | None,
    include_ineligible: bool,
    page: int = 1,
) -> dict[str, Any]:
    from nextline.web.trial_pages import PER_PAGE, filter_query, page_of

    state = _state(request)
    record = state.record(person_id)
    day = state.today()
    context: dict[str, Any] = {
        "person": record.file.patient,
        "within_km": within_km,
        "phase": phase,
        "include_ineligible": include_ineligible,
        "ready": state.trials_ready(),
        "matches": None,
        "total": 0,
        "query": filter_query(within_km, phase, include_ineligible),
        "page": None,
        "page_size": PER_PAGE,
    }
    if not context["ready"]:
        state.warm_trials(state.kb)
    if state.trials_ready():
        found = (
            engines.trials(
                record,
                state.kb,
                day,
                state,
                within_km=within_km,
                include_ineligible=include_ineligible,
            )
            or []
        )
        catalog = state.trial_catalog(state.kb)
        if phase is None and within_km is None:  # the default list: the dashboard's "new"
            remember(state, person_id, day, found, catalog["updated"])
        if phase:
            wanted = {phase} | ({"EARLY_PHASE1"} if phase == "PHASE1" else set())
            found = [m for m in found if wanted & set(m.trial.phases)]
        shown = page_of(found, page)
        context["total"] = shown.total
        context["page"] = shown
        context["matches"] = shown.items
        context["catalog"] = catalog
        context["record_file"] = record.file
    return context


def _page_number(request: Request) -> int:
    from fastapi import HTTPException

    from nextline.web.trial_pages import read_page_number

    try:
        return read_page_number(request.query_params.get("page"))
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc


def _query_filters(request: Request) -> tuple[float | None, str | None, bool]:
    from fastapi import HTTPException

    params = request.query_params
    raw_km = params.get("within_km") or ""
    within_km: float | None = None
    if raw_km:
        try:
            within_km = float(raw_km)
        except ValueError:
            within_km = -1.0
        if not 0 < within_km <= 20000:
            raise HTTPException(422, f"within_km: a distance in km above 0 (got {raw_km!r})")
    phase = params.get("phase") or None
    if phase is not None and phase not in dict(PHASES):
        raise HTTPException(422, f"phase: one of {', '.join(dict(PHASES))} (got {phase!r})")
    return within_km, phase, params.get("include_ineligible") == "true"


@router.get(_PERSON + "/trials")
def trials_page(request: Request, person_id: str) -> Response:
    within_km, phase, include_ineligible = _query_filters(request)
    context = _trial_context(
        request, person_id, within_km, phase, include_ineligible, _page_number(request)
    )
    return render(
        request,
        "trials.html",
        title="Trials",
        section="trials",
        phases=PHASES,
        distances=DISTANCES,
        **context,
    )


@router.get(_PERSON + "/trials/results")
def trials_results(request: Request, person_id: str) -> Response:
    within_km, phase, include_ineligible = _query_filters(request)
    context = _trial_context(
        request, person_id, within_km, phase, include_ineligible, _page_number(request)
    )
    # `more=true`: only the next page's studies and its "show more" link, which htmx puts in
    # place of the link that asked for them (the list grows; nothing is reloaded).
    more = request.query_params.get("more") == "true" and context["matches"] is not None
    return render(
        request, "_trial_page.html" if more else "_trial_results.html", more=more, **context
    )


@router.get(_PERSON + "/supportive-care")
def supportive_page(request: Request, person_id: str) -> Response:
    state = _state(request)
    record = state.record(person_id)
    day = state.today()
    brief = engines.briefing(record, state.kb, day)
    care = brief.supportive_care
    ids = {i for topic in care.topics for i in topic.sources}
    return render(
        request,
        "supportive.html",
        title="Supportive care",
        section="supportive",
        person=record.file.patient,
        care=care,
        sources={i: state.kb.sources[i] for i in ids if i in state.kb.sources},
    )


@router.get(_PERSON + "/summary")
def summary_page(request: Request, person_id: str) -> Response:
    state = _state(request)
    file = state.file(person_id)
    return render(
        request,
        "summary.html",
        title="Summary",
        section="summary",
        person=file.patient,
        day=state.today(),
    )


@router.get(_PERSON + "/summary.pdf")
def summary_pdf(request: Request, person_id: str) -> Response:
    state = _state(request)
    record = state.record(person_id)
    day = state.today()
    pdf = engines.summary_pdf(
        record, state.kb, day, engines.briefing_trials(record, state.kb, day, state, wait=False)
    )
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="nextline-{person_id}-{day}.pdf"'},
    )


@router.get(_PERSON + "/summary.html")
def summary_html(request: Request, person_id: str) -> Response:
    state = _state(request)
    record = state.record(person_id)
    day = state.today()
    html = engines.summary_html(
        record, state.kb, day, engines.briefing_trials(record, state.kb, day, state, wait=False)
    )
    # A standalone file to save and share (its styles are inside it), so it is downloaded,
    # never shown inside the app.
    return Response(
        html,
        media_type="text/html; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="nextline-{person_id}-{day}.html"'},
    )


__all__ = ["render", "router"]
