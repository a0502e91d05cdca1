"""Small explicit builders for assess tests: a `PatientFile` built in code, then `build_record`.
Every clinical value is visible at the call."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from nextline.assess import LineResponse, assess_lines
from nextline.knowledge import Knowledge
from nextline.knowledge.assess_schema import SourcedNumber
from nextline.knowledge.schema import SourceRef
from nextline.record import PatientFile, PatientRecord, build_record

AS_OF = dt.date(2025, 6, 1)
START = "2024-02-01"  # the default line's start


def lesion(
    lesion_id: str,
    mm: float | None = None,
    *,
    organ: str = "liver",
    node: bool = False,
    role: str = "target",
    status: str | None = None,
    too_small: bool = False,
    not_evaluated: bool = False,
) -> dict[str, Any]:
    """A lesion; `mm` is the longest diameter, or the short axis for a node."""
    out: dict[str, Any] = {"id": lesion_id, "organ": organ, "role": role}
    if node:
        out["node"] = True
    if mm is not None:
        out["short_axis_mm" if node else "longest_mm"] = mm
    if status:
        out["status"] = status
    if too_small:
        out["too_small_to_measure"] = True
    if not_evaluated:
        out["not_evaluated"] = True
    return out


def scan(
    date: str,
    *lesions: dict[str, Any],
    baseline: bool = False,
    assessment: str | None = None,
    modality: str = "CT",
) -> dict[str, Any]:
    out: dict[str, Any] = {"date": date, "modality": modality, "lesions": list(lesions)}
    if baseline:
        out["baseline"] = True
    if assessment:
        out["assessment"] = assessment
    return out


def therapy(
    drugs: list[str],
    start: str = START,
    stop: str | None = None,
    stop_reason: str | None = None,
    setting: str = "metastatic",
) -> dict[str, Any]:
    out: dict[str, Any] = {"setting": setting, "drugs": drugs, "start": start}
    if stop:
        out["stop"] = stop
    if stop_reason:
        out["stop_reason"] = stop_reason
    return out


def make_record(kb: Knowledge, as_of: dt.date = AS_OF, **sections: Any) -> PatientRecord:
    """A record of an invented person: HR-positive postmenopausal woman, metastatic since
    2024-01-01, with `sections` (therapies, imaging, labs, ...) as given. Without
    therapies, one line of letrozole from 2024-02-01."""
    data: dict[str, Any] = {
        "nextline": 1,
        "patient": {"id": "test-person", "sex": "female", "menopausal_status": "postmenopausal"},
        "diagnosis": {"metastatic_since": "2024-01-01"},
        "therapies": [therapy(["letrozole"])],
    }
    data.update(sections)
    return build_record(PatientFile.model_validate(data), kb, as_of)


def recist(
    kb: Knowledge, *scans: dict[str, Any], as_of: dt.date = AS_OF, **sections: Any
) -> list[LineResponse]:
    """RECIST 1.1 for every line of a record made of these scans."""
    record = make_record(kb, as_of, imaging=list(scans), **sections)
    assert kb.assess is not None
    return assess_lines(record.lines, record.imaging, kb.assess.recist, as_of)


def only_line(kb: Knowledge, *scans: dict[str, Any], **sections: Any) -> LineResponse:
    responses = recist(kb, *scans, **sections)
    assert len(responses) == 1
    return responses[0]


def with_rise(kb: Knowledge, pct: float) -> Knowledge:
    """A copy of the knowledge base whose markers count a rise from `pct` % (test only)."""
    assert kb.assess is not None
    number = SourcedNumber(
        value=pct,
        unit="%",
        sources=[SourceRef(id="asco_tumor_markers_2007", section="test-only number")],
    )
    markers = kb.assess.markers.model_copy(update={"meaningful_rise_pct": number})
    return dataclasses.replace(kb, assess=kb.assess.model_copy(update={"markers": markers}))
