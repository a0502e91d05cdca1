"""Small Jinja filters: dates and codes in plain words."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def nice_date(value: Any) -> str:
    """`2024-03-20` as `20 Mar 2024` (unambiguous in every country)."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return str(value)
    if isinstance(value, dt.datetime):
        return f"{value.day} {_MONTHS[value.month - 1]} {value.year}, {value:%H:%M}"
    if isinstance(value, dt.date):
        return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"
    return "" if value is None else str(value)


def words(value: Any) -> str:
    """`medical_oncologist` as `medical oncologist`."""
    return "" if value is None else str(value).replace("_", " ")


# A form input's name in the words of its label, for the "Please fix" list at the top of a
# form: `dose_changes[0].date` as "dose change 1, date", never the field's path.
_ROW_WORDS = {
    "lesions": "lesion",
    "doses": "dose",
    "dose_changes": "dose change",
    "variants": "gene change",
    "upcoming_events": "important date",
}
_FIELD_WORDS = {
    "er": "ER",
    "pr": "PR",
    "her2": "HER2",
    "ihc": "IHC score",
    "ish": "ISH",
    "ki67": "Ki-67",
    "pdl1": "PD-L1",
    "cps": "CPS",
    "msi": "MSI",
    "mmr": "mismatch repair",
    "tmb_mut_per_mb": "TMB",
    "ecog": "activity level (ECOG)",
    "esas": "score",
    "size_mm": "size (mm)",
    "longest_mm": "longest size (mm)",
    "short_axis_mm": "short axis (mm)",
    "max_size_mm": "size of the largest (mm)",
    "ref_low": "lower limit of normal",
    "ref_high": "upper limit of normal",
    "spo2_percent": "oxygen level (%)",
    "temperature_c": "temperature (°C)",
    "id": "name",
    "replaced": "the treatment it replaced",
}


def field_words(name: Any) -> str:
    """`lesions[1].size_mm` as "lesion 2, size (mm)"; `er.percent` as "ER, percent"."""
    out = []
    for piece in str(name or "").split("."):
        row = re.fullmatch(r"(\w+)\[(\d+)\]", piece)
        if row:
            what = row.group(1)
            out.append(f"{_ROW_WORDS.get(what, words(what))} {int(row.group(2)) + 1}")
        else:
            out.append(_FIELD_WORDS.get(piece, words(piece)))
    return ", ".join(out)


def number(value: Any) -> str:
    """A float without a trailing `.0`."""
    if isinstance(value, float):
        return f"{value:g}"
    return "" if value is None else str(value)


def zip_pairs(values: Any) -> list[tuple[str, str]]:
    """Plain choices as (value, text) pairs for the select macro."""
    return [(str(v), str(v)) for v in values]


def svg_data_uri(svg: str) -> str:
    """An SVG chart as a `data:` image: drawn as a picture, so its own styles never meet the
    page's Content Security Policy and no script in it can run."""
    import base64

    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def install_filters(env: Any) -> None:
    from nextline.assess.status_words import overall_words

    env.filters["status_words"] = lambda v: overall_words(str(v), capital=True)
    from nextline.report.context import HER2_WORDS

    # "HER2-low", never "negative unspecified": the same words as the PDF.
    env.filters["her2_words"] = lambda v: HER2_WORDS.get(str(v), str(v))
    from nextline.web.entry_words import cite

    env.filters["cite"] = cite
    env.filters["svg_data_uri"] = svg_data_uri
    env.filters["zip_pairs"] = zip_pairs
    env.filters["nice_date"] = nice_date
    env.filters["words"] = words
    env.filters["field_words"] = field_words
    env.filters["number"] = number
