"""Small explicit builders for option-engine tests: every clinical value is visible at the
call site. `person()` returns a `PatientRecord` built through the real record pipeline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from nextline.knowledge import Knowledge
from nextline.options import OptionsResult, list_options
from nextline.record import PatientRecord, build_record, validate_patient_data

AS_OF = dt.date(2025, 10, 1)


def tumor(
    date: str = "2021-01-05",
    *,
    er: float | None = 90,
    pr: float | None = 50,
    ihc: str | None = "0",
    ultralow: bool | None = False,
    **more: Any,
) -> dict[str, Any]:
    """A tumor test; ER/PR as percent staining (None: not tested)."""
    test: dict[str, Any] = {"date": date, "specimen": "liver biopsy"}
    if er is not None:
        test["er"] = {"percent": er}
    if pr is not None:
        test["pr"] = {"percent": pr}
    if ihc is not None:
        test["her2"] = {"ihc": ihc}
        if ihc == "0" and ultralow is not None:
            test["her2"]["ultralow"] = ultralow
    test.update(more)
    return test


def drug(
    *names: str,
    start: str,
    stop: str | None = None,
    reason: str | None = None,
    setting: str = "metastatic",
) -> dict[str, Any]:
    entry: dict[str, Any] = {"setting": setting, "drugs": list(names), "start": start}
    if stop is not None:
        entry["stop"] = stop
    if reason is not None:
        entry["stop_reason"] = reason
    return entry


def person(
    kb: Knowledge,
    *,
    as_of: dt.date = AS_OF,
    sex: str = "female",
    menopausal: str | None = "postmenopausal",
    metastatic_since: str = "2021-01-01",
    tumor_tests: list[dict[str, Any]] | None = None,
    **sections: Any,
) -> PatientRecord:
    patient: dict[str, Any] = {"id": "test-person", "sex": sex}
    if menopausal is not None:
        patient["menopausal_status"] = menopausal
    data: dict[str, Any] = {
        "nextline": 1,
        "patient": patient,
        "diagnosis": {"metastatic_since": metastatic_since},
        "tumor_tests": tumor_tests if tumor_tests is not None else [tumor()],
        **sections,
    }
    return build_record(validate_patient_data(data), kb, as_of)


def options_for(kb: Knowledge, as_of: dt.date = AS_OF, **kwargs: Any) -> OptionsResult:
    return list_options(person(kb, as_of=as_of, **kwargs), kb, as_of)


def texts(result: OptionsResult, option_id: str) -> list[str]:
    return [r.text for r in result.option(option_id).reasons]
