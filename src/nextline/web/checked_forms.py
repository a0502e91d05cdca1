"""The lab and treatment-start forms with their questions before saving: an implausible lab
value ("is this right?"), a misspelt drug ("did you mean elacestrant?"), and a new medicine
while a treatment runs ("does it replace it, or is it added to it?").

Why here and not in the importer: a file is someone's finished record, imported as written;
a form is being typed now, so it can ask. The answers are fields of the form (`confirm`,
`confirm_drugs`, `running`, `replace_reason`), never stored themselves.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any

from nextline.errors import Problem
from nextline.knowledge import Knowledge, load_knowledge
from nextline.record import PatientFile, patient_file_data
from nextline.web.forms import WholeSection
from nextline.web.plausibility import check_lab, closest_drug, known_drug_names
from nextline.web.vocab import lab_units

if TYPE_CHECKING:
    from nextline.web.editing import FormSpec
    from nextline.web.state import WebState

Built = tuple[Any, int | None, list[Problem]]

# Why the running treatment stops when a new one replaces it (the patient format's
# `stop_reason`), in plain words.
REPLACE_REASONS = [
    ("progression", "It stopped working (the cancer grew)"),
    ("toxicity", "Side effects"),
    ("patient_choice", "My choice"),
    ("other", "Another reason"),
]
# Why a treatment stopped, and the best response, as the stop form words them.
STOP_REASONS = [
    ("progression", "the cancer grew (progression)"),
    ("toxicity", "side effects"),
    ("completed", "completed as planned"),
    ("patient_choice", "my choice"),
    ("break", "a planned break"),
    ("other", "another reason"),
]
BEST_RESPONSES = [
    ("CR", "no cancer could be seen (complete response)"),
    ("PR", "it shrank (partial response)"),
    ("SD", "it stayed about the same (stable)"),
    ("PD", "it grew (progression)"),
    ("NE", "it could not be told"),
]
DOSE_CHANGES = [
    ("reduced", "lowered"),
    ("held", "paused"),
    ("resumed", "restarted"),
    ("increased", "raised"),
]
# Settings in which a new medicine continues or replaces the line that treats the spread.
_LINE_SETTINGS = (None, "metastatic")


def _kb() -> Knowledge:
    # The web app's knowledge is the built-in one (WebState.kb); loading is cached.
    return load_knowledge()


def _lab(data: dict[str, Any], _file: PatientFile) -> Built:
    confirmed = data.pop("confirm", None) == "yes"
    if not confirmed:
        kb = _kb()
        odd = check_lab(kb, data.get("test"), data.get("value"), data.get("unit"), lab_units(kb))
        if odd is not None:
            return None, None, [Problem("value", odd.question())]
    return data, None, []


def running_treatments(file: PatientFile) -> list[tuple[int, str, dt.date]]:
    """Drug treatments for the spread that have started and not stopped: (index, drugs,
    start)."""
    out = []
    for i, therapy in enumerate(file.therapies):
        start = therapy.start or therapy.date
        if (
            therapy.kind == "drug"
            and therapy.stop is None
            and start is not None
            and therapy.setting in _LINE_SETTINGS
        ):
            out.append((i, " + ".join(therapy.drugs), start))
    return out


def _date(text: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError:
        return None


def _nice(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def after_stop_question(stop: dt.date, change: dt.date, own: bool = True) -> str:
    """The question for a dose change dated after its treatment stopped: a restart may be
    meant (then the stop date, or a new treatment, says so), or a year typed wrong."""
    when = f"stopped on {_nice(stop)}" if own else f"stops on {_nice(stop)} as typed here"
    return (
        f"This treatment {when}, before this change ({_nice(change)}). Was it started "
        "again? Then correct its stop date, or add it as a new treatment. If the dates are "
        "right as typed, tick the box to keep them."
    )


def changes_after_stop(changes: Any, stop: Any) -> list[tuple[int, dt.date]]:
    """The dose changes (form rows or stored) dated after `stop`: (row, date)."""
    end = stop if isinstance(stop, dt.date) else _date(stop)
    if end is None or not isinstance(changes, list):
        return []
    out = []
    for j, row in enumerate(changes):
        raw = row.get("date") if isinstance(row, dict) else getattr(row, "date", None)
        day = raw if isinstance(raw, dt.date) else _date(raw)
        if day is not None and day > end:
            out.append((j, day))
    return out


def same_drug(kb: Knowledge, one: str, other: str) -> bool:
    """The same medicine by name, brand or generic (Ibrance is palbociclib), or one product
    holding the other (Phesgo holds pertuzumab)."""
    if one.strip().lower() == other.strip().lower():
        return True
    a, b = kb.find_drug(one), kb.find_drug(other)
    if a is None or b is None:
        return False
    return a.id == b.id or a.id in (b.contains or []) or b.id in (a.contains or [])


def _rows_outside(data: dict[str, Any], drugs: list[str]) -> list[Problem]:
    """A dose or a dose change named for a medicine that is not part of this treatment: a
    name corrected above and not in the rows below, or a row typed on the wrong treatment."""
    if not drugs:
        return []
    kb = _kb()
    problems = []
    for rows in ("doses", "dose_changes"):
        for j, row in enumerate(data.get(rows) or []):
            name = row.get("drug") if isinstance(row, dict) else None
            if isinstance(name, str) and name and not any(same_drug(kb, name, d) for d in drugs):
                problems.append(
                    Problem(
                        f"{rows}[{j}].drug",
                        f"{name} is not one of this treatment's medicines "
                        f"({', '.join(drugs)}). Correct the name here or above.",
                    )
                )
    return problems


def _treatment_start(data: dict[str, Any], file: PatientFile) -> Built:
    choice = data.pop("running", None)
    reason = data.pop("replace_reason", None)
    keep_names = data.pop("confirm_drugs", None) == "yes"
    keep_dates = data.pop("confirm_dates", None) == "yes"
    problems: list[Problem] = []
    if not keep_dates:
        stop = _date(data.get("stop")) if data.get("stop") else None
        for j, day in changes_after_stop(data.get("dose_changes"), stop):
            assert stop is not None
            question = after_stop_question(stop, day, own=False)
            problems.append(Problem(f"dose_changes[{j}].date", question))
    written = data.get("drugs")
    drugs: list[str] = written if isinstance(written, list) else []
    if not keep_names:
        kb = _kb()
        for name in drugs:
            guess = closest_drug(kb, name)
            if guess is not None:
                problems.append(
                    Problem(
                        "drugs",
                        f"{name!r} is not a medicine we know. Did you mean {guess}? Correct "
                        "the name, or tick the box to keep it as typed.",
                    )
                )
    problems += _rows_outside(data, drugs)
    if data.get("stop") and not data.get("stop_reason"):
        problems.append(Problem("stop_reason", "say why the treatment stopped"))
    if data.get("stop_reason") and not data.get("stop"):
        problems.append(Problem("stop", "give the date it stopped"))
    entry = {"kind": "drug", **data}
    # A treatment entered as already stopped is history: it neither replaces nor joins the
    # running one.
    past = bool(data.get("stop"))
    running = running_treatments(file) if data.get("setting") in _LINE_SETTINGS and not past else []
    start = _date(data.get("start"))
    if running and choice not in ("replace", "join"):
        names = " and ".join(name for _, name, _ in running)
        problems.append(
            Problem(
                "running",
                f"{names} is still running. Does this new medicine replace it, or is it "
                "added to it?",
            )
        )
    elif running and choice == "replace":
        if reason not in dict(REPLACE_REASONS):
            problems.append(Problem("replace_reason", "say why the current treatment stops"))
        first = min(day for _, _, day in running)
        if start is not None and start < first:
            problems.append(
                Problem(
                    "start",
                    f"starts before the treatment it replaces began ({first.isoformat()})",
                )
            )
    if problems:
        return None, None, problems
    if running and choice == "replace" and start is not None:
        items = list(patient_file_data(file).get("therapies", []))
        for index, _, _ in running:
            items[index] = {**items[index], "stop": start.isoformat(), "stop_reason": reason}
        return WholeSection([*items, entry], len(items)), None, []
    return entry, None, []


def _treatment_context(state: WebState, file: PatientFile) -> dict[str, Any]:
    return {
        "drug_names": known_drug_names(state.kb),
        "running": running_treatments(file),
        "replace_reasons": REPLACE_REASONS,
        "stop_reasons": STOP_REASONS,
        "best_responses": BEST_RESPONSES,
        "dose_change_kinds": DOSE_CHANGES,
        "dose_rows": 3,
        "change_rows": 2,
    }


def checked_forms(existing: dict[str, FormSpec]) -> dict[str, FormSpec]:
    """The lab and treatment-start forms with their questions (replacing the plain ones)."""
    out = {}
    if "lab" in existing:
        out["lab"] = dataclasses.replace(existing["lab"], build=_lab)
    if "treatment-start" in existing:
        spec = existing["treatment-start"]
        note = "started a treatment"
        out["treatment-start"] = dataclasses.replace(
            spec, build=_treatment_start, context=_treatment_context, note=note
        )
    return out


__all__ = [
    "BEST_RESPONSES",
    "DOSE_CHANGES",
    "REPLACE_REASONS",
    "STOP_REASONS",
    "after_stop_question",
    "changes_after_stop",
    "checked_forms",
    "running_treatments",
    "same_drug",
]
