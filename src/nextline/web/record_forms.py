"""The record forms beyond labs, scans and treatments: every part of the patient file a person
or caregiver enters by hand (where the cancer has spread, diagnosis and stage, ECOG, side
effects, surgery, radiation, the care team's own assessment, appointments, upcoming events,
palliative care).

Each is a `FormSpec` like those in web/editing.py: the form's input names are the entry's own
paths in the patient format, the build function only shapes the entry (and adds the checks
that need the current record, such as "already on the list"), and the importer's validation
decides the rest, so a form and an imported file accept exactly the same things.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from nextline.errors import Problem
from nextline.record import PatientFile
from nextline.web.checked_forms import after_stop_question
from nextline.web.record_vocab import (
    BRAIN_TREATMENTS,
    DISEASE_STATUS,
    ECOG,
    HISTOLOGY,
    LATERALITY,
    METASTASIS_SITES,
    PATHOLOGIC_RESPONSE,
    PRESENTATION,
    SIDE_EFFECT_GRADES,
    SITE_WORDS,
    THERAPY_SETTING,
    YES_NO,
)
from nextline.web.scan_sites import unconfirmed_sites

if TYPE_CHECKING:
    from nextline.web.editing import FormSpec
    from nextline.web.state import WebState

Built = tuple[Any, int | None, list[Problem]]


def _dumped(model: Any) -> dict[str, Any]:
    return dict(model.model_dump(mode="json", exclude_none=True, exclude_defaults=True))


# --- build functions (parsed form data, current file) -> (entry, index, problems) ----------


def _metastasis(data: dict[str, Any], file: PatientFile) -> Built:
    site = data.get("site")
    listed = {m.site for m in file.metastases if m.resolved is None}
    # A site no longer seen (`resolved`) may sit beside the same site seen again: only a
    # second current entry for one site is a repeat.
    current = not data.get("resolved")
    if current and isinstance(site, str) and site != "other" and site in listed:
        words = SITE_WORDS.get(site, site).lower()
        return None, None, [Problem("site", f"{words} is already on the list")]
    if site == "other" and not data.get("location"):
        return None, None, [Problem("location", "say where, for a site not in the list")]
    return data, None, []


def _diagnosis(data: dict[str, Any], file: PatientFile) -> Built:
    # The form shows every field it covers, filled in: what is blank now was cleared.
    kept = {k: v for k, v in _dumped(file.diagnosis).items() if k not in DIAGNOSIS_FIELDS}
    return {**kept, **data}, None, []


def _surgery(data: dict[str, Any], _file: PatientFile) -> Built:
    problems = [] if data.get("date") else [Problem("date", "give the date of the operation")]
    return {"kind": "surgery", **data}, None, problems


def _radiation(data: dict[str, Any], _file: PatientFile) -> Built:
    # A course has a start; a single treatment (one SRS session) may be kept as its `date`.
    dated = data.get("start") or data.get("date")
    problems = [] if dated else [Problem("start", "give the date radiation started")]
    if not data.get("site"):
        problems.append(Problem("site", "say which part of the body was treated"))
    return {"kind": "radiation", **data}, None, problems


def _upcoming_event(data: dict[str, Any], file: PatientFile) -> Built:
    """Add an important date, and correct or take off the ones already noted.

    The page shows the noted events as rows and says how many (`events_shown`): a row it
    showed that comes back empty was emptied, so that event is taken off. A sender that did
    not show them (no `events_shown`) only adds."""
    goals = _dumped(file.goals) if file.goals is not None else {}
    events = list(goals.get("upcoming_events", []))
    sent = data.get("upcoming_events")
    rows = {k: v for k, v in sent.items() if isinstance(k, int)} if isinstance(sent, dict) else {}
    if str(data.get("events_shown", "")) != str(len(events)):
        # Not shown (or shown when the list was different): the noted events stay as they are.
        rows = {**dict(enumerate(events)), **{k: v for k, v in rows.items() if k >= len(events)}}
    kept = [rows[k] for k in sorted(rows) if isinstance(rows[k], dict) and rows[k]]
    if kept == events:
        return (
            None,
            None,
            [Problem(f"upcoming_events[{len(events)}].what", "say what the event is")],
        )
    goals["upcoming_events"] = kept
    return goals, None, []


def _event_initial(file: PatientFile, _today: dt.date) -> dict[str, str]:
    events = file.goals.upcoming_events if file.goals is not None else []
    values = {}
    for i, event in enumerate(events):
        values[f"upcoming_events[{i}].what"] = event.what
        values[f"upcoming_events[{i}].date"] = event.date.isoformat()
    return values


def _question(data: dict[str, Any], _file: PatientFile) -> Built:
    # The question's place in the list (`order`) is kept as it was: moving is the questions
    # page's job. A question is never blank.
    problems = [] if data.get("text") else [Problem("text", "write the question")]
    return data, None, problems


def drug_treatments(file: PatientFile) -> list[tuple[str, str]]:
    """Every medicine treatment on record, newest first: (index, words)."""
    out = []
    for i, therapy in enumerate(file.therapies):
        start = therapy.start or therapy.date
        if therapy.kind == "drug" and therapy.drugs:
            when = f" (since {_nice(start.isoformat())})" if start else ""
            stopped = f", stopped {_nice(therapy.stop.isoformat())}" if therapy.stop else ""
            out.append((str(i), f"{' + '.join(therapy.drugs)}{when}{stopped}"))
    return out[::-1]


def _iso_day(text: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)) if text else None
    except ValueError:
        return None  # named by the importer


def _dose_change(data: dict[str, Any], file: PatientFile) -> Built:
    """A dose change is kept on its treatment (`therapies[i].dose_changes`): the form picks
    the treatment and appends the change to it."""
    chosen = data.pop("therapy", None)
    keep_date = data.pop("confirm", None) == "yes"
    offered = dict(drug_treatments(file))
    if chosen not in offered:
        return None, None, [Problem("therapy", "choose the treatment whose dose changed")]
    problems = []
    if not data.get("date"):
        problems.append(Problem("date", "give the date of the change"))
    if not data.get("change"):
        problems.append(Problem("change", "say what changed: lowered, paused, restarted or raised"))
    index = int(str(chosen))
    therapy = _dumped(file.therapies[index])
    drug = data.get("drug")
    if isinstance(drug, str) and drug.lower() not in {
        d.lower() for d in file.therapies[index].drugs
    }:
        names = ", ".join(file.therapies[index].drugs)
        problems.append(Problem("drug", f"{drug} is not part of this treatment ({names})"))
    began = file.therapies[index].start or file.therapies[index].date
    changed = _iso_day(data.get("date"))
    if began is not None and changed is not None and changed < began:
        problems.append(
            Problem("date", f"this is before the treatment started ({_nice(began.isoformat())})")
        )
    stopped = file.therapies[index].stop
    if not keep_date and stopped is not None and changed is not None and changed > stopped:
        problems.append(Problem("date", after_stop_question(stopped, changed)))
    if problems:
        return None, None, problems
    therapy["dose_changes"] = [*therapy.get("dose_changes", []), data]
    return therapy, index, []


PERSON_FIELDS = ("name", "birth_date", "birth_year", "sex", "menopausal_status", "location")
MENOPAUSE = [
    ("premenopausal", "before menopause"),
    ("perimenopausal", "around menopause"),
    ("postmenopausal", "after menopause"),
    ("unknown", "not sure"),
]


def _person(data: dict[str, Any], file: PatientFile) -> Built:
    """The person's own details; the record's id is kept (it names the record, never asked)."""
    kept = {k: v for k, v in _dumped(file.patient).items() if k not in PERSON_FIELDS}
    written = data.pop("birth", None)
    entry = {**kept, **data}
    if written is None:
        return entry, None, []
    if written == _person_initial(file, dt.date.today()).get("birth"):
        # Unchanged: a file may hold both the date and the year; the form shows one of them.
        given = {k: v for k, v in _dumped(file.patient).items() if k.startswith("birth_")}
        return {**entry, **given}, None, []
    year = int(written[:4]) if written[:4].isdigit() else 0
    if len(written) == 4 and 1900 <= year <= dt.date.today().year:
        return {**entry, "birth_year": year}, None, []
    try:
        born = dt.date.fromisoformat(written)
    except ValueError:
        born = None
    if born is not None and born.year >= 1900 and born <= dt.date.today():
        return {**entry, "birth_date": born.isoformat()}, None, []
    return (
        None,
        None,
        [Problem("birth", "write the year (1964) or the full date as year-month-day (1964-03-12)")],
    )


def _person_initial(file: PatientFile, _today: dt.date) -> dict[str, str]:
    person = file.patient
    values: dict[str, str] = {"sex": person.sex}
    if person.name:
        values["name"] = person.name
    if person.birth_date is not None:
        values["birth"] = person.birth_date.isoformat()
    elif person.birth_year is not None:
        values["birth"] = str(person.birth_year)
    if person.menopausal_status:
        values["menopausal_status"] = person.menopausal_status
    if person.location is not None:
        for key, value in _dumped(person.location).items():
            values[f"location.{key}"] = str(value)
    return values


def _plain(data: dict[str, Any], _file: PatientFile) -> Built:
    return data, None, []


DIAGNOSIS_FIELDS = (
    "first_diagnosed",
    "laterality",
    "stage_at_first_diagnosis",
    "metastatic_since",
    "presentation",
    "histology",
    "pathologic_response",
)


# --- what each form shows ----------------------------------------------------------------


def _metastasis_context(_state: WebState, file: PatientFile) -> dict[str, Any]:
    seen = unconfirmed_sites(file)
    seen_keys = {s.site for s in seen}
    listed = {m.site for m in file.metastases if m.resolved is None}
    # Sites a scan shows come first, marked; sites already listed are not offered again.
    choices = [
        (s.site, f"{SITE_WORDS[s.site]} (seen on your {s.scan} of {_nice(s.date)})") for s in seen
    ] + [
        (value, text)
        for value, text in METASTASIS_SITES
        if value not in seen_keys and (value not in listed or value == "other")
    ]
    return {
        "site_choices": choices,
        "listed": [m for m in file.metastases if m.resolved is None],
        "site_words": SITE_WORDS,
        "yes_no": YES_NO,
        "brain_treatments": BRAIN_TREATMENTS,
    }


def _nice(iso: str) -> str:
    from nextline.web.rendering import nice_date

    return nice_date(iso)


def _choices(**named: Any) -> Any:
    def context(_state: WebState, _file: PatientFile) -> dict[str, Any]:
        return dict(named)

    return context


def _dated(field: str = "date") -> Any:
    def initial(_file: PatientFile, today: dt.date) -> dict[str, str]:
        return {field: today.isoformat()}

    return initial


def _no_initial(_file: PatientFile, _today: dt.date) -> dict[str, str]:
    return {}


def _diagnosis_initial(file: PatientFile, _today: dt.date) -> dict[str, str]:
    current = _dumped(file.diagnosis)
    return {k: str(current[k]) for k in DIAGNOSIS_FIELDS if k in current}


def _dose_change_context(state: WebState, file: PatientFile) -> dict[str, Any]:
    from nextline.web.checked_forms import DOSE_CHANGES
    from nextline.web.plausibility import known_drug_names

    return {
        "drug_treatments": drug_treatments(file),
        "dose_change_kinds": DOSE_CHANGES,
        "drug_names": known_drug_names(state.kb),
    }


def _event_context(_state: WebState, file: PatientFile) -> dict[str, Any]:
    events = file.goals.upcoming_events if file.goals is not None else []
    return {"events": events, "row": len(events)}


def _palliative_initial(file: PatientFile, _today: dt.date) -> dict[str, str]:
    care = file.palliative_care
    if care is None:
        return {}
    values = {"involved": "true" if care.involved else "false"}
    if care.since is not None:
        values["since"] = care.since.isoformat()
    return values


def record_forms(existing: dict[str, FormSpec]) -> dict[str, FormSpec]:
    """The forms, keyed by their URL key, merged into `editing.FORMS`: the new ones, and the
    lab and treatment-start forms with their questions before saving (web/checked_forms.py)."""
    from nextline.web.checked_forms import checked_forms
    from nextline.web.editing import FormSpec

    specs = [
        FormSpec(
            "person",
            "About the person",
            "forms/person.html",
            "patient",
            "Name, birth, sex and menopause, to correct or bring up to date.",
            build=_person,
            note="updated the person's details",
            context=_choices(menopause=MENOPAUSE),
            initial=_person_initial,
        ),
        FormSpec(
            "metastasis",
            "Where the cancer has spread",
            "forms/metastasis.html",
            "metastases",
            "A place the cancer has spread to (a metastatic site), as your care team told you. "
            "Places seen on your scans are offered first.",
            build=_metastasis,
            note="added a place where the cancer has spread",
            context=_metastasis_context,
            initial=_no_initial,
        ),
        FormSpec(
            "diagnosis",
            "Diagnosis and stage",
            "forms/diagnosis.html",
            "diagnosis",
            "When and how the cancer was found, from your pathology or clinic letters.",
            build=_diagnosis,
            note="updated the diagnosis",
            context=_choices(
                laterality=LATERALITY,
                presentation=PRESENTATION,
                histology=HISTOLOGY,
                pathologic_response=PATHOLOGIC_RESPONSE,
            ),
            initial=_diagnosis_initial,
        ),
        FormSpec(
            "performance",
            "How much you can do (ECOG)",
            "forms/performance.html",
            "performance",
            "How your daily activity is now. Doctors call this the ECOG performance status; "
            "it helps decide which treatments fit.",
            build=_plain,
            note="added an activity level (ECOG)",
            context=_choices(ecog=ECOG),
            initial=_dated(),
        ),
        FormSpec(
            "side-effect",
            "Add a side effect",
            "forms/side_effect.html",
            "side_effects",
            "A side effect of treatment and how bad it is (its grade).",
            build=_plain,
            note="added a side effect",
            context=_choices(grades=SIDE_EFFECT_GRADES),
            initial=_dated(),
        ),
        FormSpec(
            "surgery",
            "Add an operation",
            "forms/surgery.html",
            "therapies",
            "An operation for the cancer, such as removing the breast lump or a spot elsewhere.",
            build=_surgery,
            note="added an operation",
            context=_choices(settings=THERAPY_SETTING),
            initial=_dated(),
        ),
        FormSpec(
            "radiation",
            "Add radiation treatment",
            "forms/radiation.html",
            "therapies",
            "A course of radiation (radiotherapy): where, and when it started and ended.",
            build=_radiation,
            note="added radiation treatment",
            context=_choices(settings=THERAPY_SETTING),
            initial=_dated("start"),
        ),
        FormSpec(
            "assessment",
            "What your care team said",
            "forms/assessment.html",
            "assessments",
            "Your doctor's own view of how the cancer is doing, from a visit or a letter.",
            build=_plain,
            note="added the care team's assessment",
            context=_choices(statuses=DISEASE_STATUS, yes_no=YES_NO),
            initial=_dated(),
        ),
        FormSpec(
            "appointment",
            "Add an appointment",
            "forms/appointment.html",
            "appointments",
            "A visit, scan or treatment day, so the questions can be ready in time.",
            build=_plain,
            note="added an appointment",
            initial=_no_initial,
        ),
        FormSpec(
            "upcoming-event",
            "Important dates",
            "forms/upcoming_event.html",
            "goals",
            "Something coming up in your life (a wedding, a trip, a birthday), so the questions "
            "can include timing treatment around it. Add one, or correct those noted.",
            build=_upcoming_event,
            note="added or changed an important date",
            context=_event_context,
            initial=_event_initial,
        ),
        FormSpec(
            "palliative-care",
            "Palliative care",
            "forms/palliative_care.html",
            "palliative_care",
            "Palliative care is care for comfort and symptoms, at any stage, alongside "
            "cancer treatment.",
            build=_plain,
            note="updated palliative care",
            context=_choices(yes_no=YES_NO),
            initial=_palliative_initial,
        ),
        FormSpec(
            "comorbidity",
            "Another health condition",
            "forms/comorbidity.html",
            "comorbidities",
            "A health problem besides the cancer, such as diabetes or heart disease, so the "
            "whole picture is in one place for your care team.",
            build=_plain,
            note="added another health condition",
            initial=_no_initial,
        ),
        FormSpec(
            "dose-change",
            "Change a dose",
            "forms/dose_change.html",
            "therapies",
            "A dose lowered, paused, restarted or raised, for example after side effects.",
            build=_dose_change,
            note="recorded a dose change",
            confirms=("confirm",),
            context=_dose_change_context,
            initial=_dated(),
        ),
        FormSpec(
            "question",
            "Your question",
            "forms/question.html",
            "questions",
            "A question you keep for your next appointment. Add new ones on the questions page.",
            build=_question,
            note="changed a question",
            context=_choices(yes_no=YES_NO),
            initial=_no_initial,
            correct_only=True,
        ),
    ]
    return {**checked_forms(existing), **{spec.key: spec for spec in specs}}


__all__ = ["DIAGNOSIS_FIELDS", "record_forms"]
