"""Small Jinja filters: dates and codes in plain words."""

from __future__ import annotations

import datetime as dt
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
    env.filters["number"] = number
