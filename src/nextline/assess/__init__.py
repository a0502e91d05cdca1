"""Is the treatment still working? The assess engine: RECIST 1.1 per line, tumor markers,
blood counts before chemotherapy, red flags, symptoms and the clinician's view, folded into
one `Status` for the current line. Pure: `assess_status(record, kb, as_of)`.

The names are imported when first asked for (PEP 562), not with the package: `options`
reads one module of this engine (`recist`, is the running line growing?) and should not
import the other nine with it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nextline import lazy_exports

if TYPE_CHECKING:
    from nextline.assess.blood_counts import BloodCounts, CountValue
    from nextline.assess.calcium import CalciumReading, latest_calcium
    from nextline.assess.clinician import ClinicianView
    from nextline.assess.recist import LineResponse, Timepoint, assess_lines, group_assessments
    from nextline.assess.red_flags import RedFlagHit
    from nextline.assess.status import (
        LineRef,
        NewSite,
        Status,
        assess_status,
        status_json,
        status_schema,
    )
    from nextline.assess.tumor_markers import MarkerTrend

# public name -> the module that defines it
_WHERE = {
    "BloodCounts": "blood_counts",
    "CalciumReading": "calcium",
    "ClinicianView": "clinician",
    "CountValue": "blood_counts",
    "LineRef": "status",
    "LineResponse": "recist",
    "MarkerTrend": "tumor_markers",
    "NewSite": "status",
    "RedFlagHit": "red_flags",
    "Status": "status",
    "Timepoint": "recist",
    "assess_lines": "recist",
    "assess_status": "status",
    "group_assessments": "recist",
    "latest_calcium": "calcium",
    "status_json": "status",
    "status_schema": "status",
}


def __getattr__(name: str) -> Any:
    return lazy_exports.load(__name__, _WHERE, globals(), name)


def __dir__() -> list[str]:
    return lazy_exports.listing(_WHERE, globals())


__all__ = [
    "BloodCounts",
    "CalciumReading",
    "ClinicianView",
    "CountValue",
    "LineRef",
    "LineResponse",
    "MarkerTrend",
    "NewSite",
    "RedFlagHit",
    "Status",
    "Timepoint",
    "assess_lines",
    "assess_status",
    "group_assessments",
    "latest_calcium",
    "status_json",
    "status_schema",
]
