"""Is the treatment still working? The assess engine: RECIST 1.1 per line, tumor markers,
blood counts before chemotherapy, red flags, symptoms and the clinician's view, folded into
one `Status` for the current line. Pure: `assess_status(record, kb, as_of)`."""

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
