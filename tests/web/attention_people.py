"""Synthetic people for the navigator's tests, each built from an example's record: one with
an emergency sign, one whose treatment turned "probably not working" at the latest scan, one
with an appointment this week, one with open questions, and one with nothing due."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from nextline.examples import example_path
from nextline.record import patient_file_data, read_patient_file
from tests.web.conftest import AS_OF, MARIA


def lesions(liver1: int, liver2: int, node: int, liver3: int) -> list[dict[str, Any]]:
    return [
        {"id": "liver-1", "organ": "liver", "role": "target", "longest_mm": liver1},
        {"id": "liver-2", "organ": "liver", "role": "target", "longest_mm": liver2},
        {"id": "node-1", "organ": "lymph node", "node": True, "role": "target",
         "short_axis_mm": node},
        {"id": "bone-1", "organ": "bone", "role": "non_target", "status": "present"},
        {"id": "liver-3", "organ": "liver", "role": "target", "longest_mm": liver3},
    ]  # fmt: skip


def base(person_id: str, name: str) -> dict[str, Any]:
    """Maria's record, renamed, on capecitabine since April 2024, with a scan in July 2024
    that shows it working (RECIST stable disease)."""
    data = copy.deepcopy(patient_file_data(read_patient_file(example_path(MARIA))))
    data["patient"].update(id=person_id, name=name)
    data["therapies"].append(
        {"setting": "metastatic", "drugs": ["capecitabine"], "start": "2024-04-15"}
    )
    data["imaging"].append(
        {"date": "2024-07-01", "modality": "CT", "lesions": lesions(22, 13, 9, 10)}
    )
    return data


def emergency(data: dict[str, Any], day: dt.date = AS_OF) -> dict[str, Any]:
    data.setdefault("symptoms", []).append(
        {
            "date": (day - dt.timedelta(days=1)).isoformat(),
            "signs": ["back_or_neck_pain", "leg_weakness_or_numbness"],
        }
    )
    return data


def growth(data: dict[str, Any], day: dt.date = AS_OF) -> dict[str, Any]:
    """A scan ten days ago: every target lesion much larger (RECIST progression)."""
    data["imaging"].append(
        {
            "date": (day - dt.timedelta(days=10)).isoformat(),
            "modality": "CT",
            "lesions": lesions(40, 30, 20, 25),
        }
    )
    return data


def appointment(data: dict[str, Any], days: int, what: str = "scan") -> dict[str, Any]:
    data.setdefault("appointments", []).append(
        {"date": (AS_OF + dt.timedelta(days=days)).isoformat(), "what": what}
    )
    return data


def questions(data: dict[str, Any], *texts: str, answered: bool = False) -> dict[str, Any]:
    for i, text in enumerate(texts):
        data.setdefault("questions", []).append({"text": text, "order": i, "answered": answered})
    return data
