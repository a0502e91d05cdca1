"""The chart writer's parts: round value ticks, date ticks with short labels, scales, and
SVG text that stays well-formed whatever words it carries."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from nextline.report.svg import (
    Canvas,
    Scale,
    date_ticks,
    num,
    padded,
    value_labels,
    value_ticks,
    year_note,
)


def test_value_ticks_are_round_steps_within_the_range() -> None:
    assert value_ticks(0, 68.3, 9) == [0, 10, 20, 30, 40, 50, 60]
    assert value_ticks(0, 146.0, 7) == [0, 25, 50, 75, 100, 125]
    assert value_ticks(0, 13.1, 7) == [0, 2, 4, 6, 8, 10, 12]
    assert value_ticks(0, 13.1, 6) == [0, 2.5, 5, 7.5, 10, 12.5]
    assert value_ticks(0, 3.6, 7) == [0, 1, 2, 3]
    assert value_ticks(0, 0.9, 7) == [0, 0.2, 0.4, 0.6, 0.8]
    assert value_ticks(0, 2400, 7) == [0, 500, 1000, 1500, 2000]
    assert value_ticks(5, 5, 7) == [5]


def test_value_labels_share_the_fewest_decimals_that_show_every_tick() -> None:
    assert value_labels([0, 2.5, 5.0, 7.5]) == ["0.0", "2.5", "5.0", "7.5"]
    assert value_labels([0, 25, 50]) == ["0", "25", "50"]
    assert value_labels([0, 0.25, 0.5]) == ["0.00", "0.25", "0.50"]


def test_date_ticks_over_years_name_the_year_in_january_and_the_month_between() -> None:
    ticks = date_ticks(dt.date(2021, 5, 1), dt.date(2024, 5, 15), 8)
    assert ticks == [
        (dt.date(2021, 7, 1), "Jul"),
        (dt.date(2022, 1, 1), "2022"),
        (dt.date(2022, 7, 1), "Jul"),
        (dt.date(2023, 1, 1), "2023"),
        (dt.date(2023, 7, 1), "Jul"),
        (dt.date(2024, 1, 1), "2024"),
    ]
    assert year_note(ticks, dt.date(2024, 5, 15)) is None


def test_date_ticks_over_weeks_use_the_first_and_fifteenth_and_note_the_year() -> None:
    ticks = date_ticks(dt.date(2024, 6, 20), dt.date(2024, 9, 10), 8)
    assert ticks == [
        (dt.date(2024, 7, 1), "Jul"),
        (dt.date(2024, 7, 15), "15"),
        (dt.date(2024, 8, 1), "Aug"),
        (dt.date(2024, 8, 15), "15"),
        (dt.date(2024, 9, 1), "Sep"),
    ]
    assert year_note(ticks, dt.date(2024, 9, 10)) == "2024-Sep"


def test_date_ticks_over_decades_stay_few() -> None:
    ticks = date_ticks(dt.date(1990, 3, 1), dt.date(2024, 3, 1), 8)
    assert 2 <= len(ticks) <= 8
    assert all(label.isdigit() for _, label in ticks)
    assert [d.year % 5 for d, _ in ticks] == [0] * len(ticks)


def test_a_scale_maps_the_ends_and_the_middle() -> None:
    y = Scale(0.0, 60.0, 200.0, 20.0)  # upwards: 0 at the bottom
    assert (y(0), y(60), y(30)) == (200.0, 20.0, 110.0)
    assert Scale(3.0, 3.0, 0.0, 10.0)(3.0) == 5.0
    assert padded(0, 100) == (-5.0, 105.0)
    assert padded(10, 10) == (9.5, 10.5)


def test_numbers_are_short() -> None:
    assert [num(1.0), num(2.345), num(-0.001), num(518.4)] == ["1", "2.35", "0", "518.4"]


def test_words_in_a_chart_are_escaped_and_the_svg_is_well_formed() -> None:
    canvas = Canvas(100, 50)
    canvas.text(10, 10, 'Line 1: <drug> & "friend"')
    canvas.marker(20, 20, "o", note="a <b> & c")
    canvas.rect(1, 1, 10, 10, "///")
    canvas.rect(1, 20, 10, 10, "xx")
    root = ET.fromstring(canvas.to_svg())
    ns = "{http://www.w3.org/2000/svg}"
    assert [t.text for t in root.iter(f"{ns}text")] == ['Line 1: <drug> & "friend"']
    assert [t.text for t in root.iter(f"{ns}title")] == ["a <b> & c"]
    assert {p.get("id") for p in root.iter(f"{ns}pattern")} == {"hatch1", "hatch3"}
    assert (root.get("width"), root.get("height")) == ("100pt", "50pt")


def test_every_marker_shape_draws_one_element() -> None:
    for shape in ("o", "s", "^", "D", "v", "P", "|", "*"):
        canvas = Canvas(10, 10)
        canvas.marker(5, 5, shape, note=shape)
        root = ET.fromstring(canvas.to_svg())
        titled = [
            el for el in root.iter() if el.find("{http://www.w3.org/2000/svg}title") is not None
        ]
        assert len(titled) == 1, shape
