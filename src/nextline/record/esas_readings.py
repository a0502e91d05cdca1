"""Every ESAS-r score of a record, by item, in date order: read once per record.

Why here: which scores a person gave, and when, does not depend on the date the record is
read on; the symptom trends of every status (each command, the dashboard, a re-match) only
take the scores up to that date. Read once when the record is built (as `scan_readings` are),
they travel with the record and its cache.

Pure: a function of the symptom reports alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from operator import itemgetter

from nextline.record.file_models import SymptomReport

# (date, score, index of the report in `symptoms`)
EsasReading = tuple[dt.date, int, int]


def read_esas(reports: Sequence[SymptomReport]) -> dict[str, tuple[EsasReading, ...]]:
    """Each ESAS-r item's scores, in date order (reports of one day in file order)."""
    seen: dict[str, list[EsasReading]] = {}
    for index, report in enumerate(reports):
        # the fields read once (`__dict__`: a pydantic model's attributes are slow to read)
        fields = report.__dict__
        day, esas = fields["date"], fields["esas"]
        if esas is None:
            continue
        for item, score in esas.__dict__.items():  # the ESAS-r items given
            if score is not None:
                seen.setdefault(item, []).append((day, score, index))
    return {item: tuple(sorted(found, key=itemgetter(0))) for item, found in seen.items()}
