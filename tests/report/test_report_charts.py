"""The report's charts (hand-written SVG, `report.svg`) show the record's own data: every
point is there, where the chart's axes say it is, with the axis labels, legend words and
tick dates a reader needs. Read back from the SVG text, for each example person."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import pytest

from nextline.assess import assess_status
from nextline.examples import example_path
from nextline.knowledge import Knowledge
from nextline.plan._inputs import status_data
from nextline.record import PatientRecord, load_record
from nextline.report import draw_charts
from nextline.report.charts import Chart, _test_name, lab_chart, recist_chart, timeline_chart
from nextline.report.svg import MONTHS
from tests.plan.conftest import VISIT_DAYS

NS = "{http://www.w3.org/2000/svg}"
POINT = re.compile(
    r"^(?P<what>.+), (?P<day>\d{4}-\d{2}-\d{2}): (?P<value>[-\d.e+]+) ?(?P<unit>.*)$"
)


@dataclass
class Drawn:
    """What a reader of the SVG sees: size, texts, points, date ticks."""

    width: str
    height: str
    texts: list[tuple[float, float, str, str]]  # x, y, anchor, words
    points: list[tuple[float, float, str]]  # x, y, title
    date_ticks: list[tuple[float, dt.date]]  # x, date
    bars: int


def read(svg: str) -> Drawn:
    root = ET.fromstring(svg)  # well-formed XML, or this raises
    texts, points, ticks, bars = [], [], [], 0
    for el in root.iter():
        tag = el.tag.removeprefix(NS)
        title = el.find(f"{NS}title")
        if tag == "text":
            x, y = float(el.get("x", "0")), float(el.get("y", "0"))
            texts.append((x, y, el.get("text-anchor", "start"), el.text or ""))
        elif title is not None and tag in ("circle", "polygon", "line"):
            points.append((*_centre(el, tag), title.text or ""))
        elif tag == "line" and el.get("data-at"):
            ticks.append((float(el.get("x1", "0")), dt.date.fromisoformat(el.get("data-at", ""))))
        elif tag == "rect" and el.get("stroke") == "#000000":
            bars += 1
    return Drawn(root.get("width", ""), root.get("height", ""), texts, points, ticks, bars)


def _centre(el: ET.Element, tag: str) -> tuple[float, float]:
    if tag == "circle":
        return float(el.get("cx", "0")), float(el.get("cy", "0"))
    if tag == "line":
        return float(el.get("x1", "0")), (float(el.get("y1", "0")) + float(el.get("y2", "0"))) / 2
    xy = [tuple(map(float, p.split(","))) for p in (el.get("points") or "").split()]
    xs, ys = [p[0] for p in xy], [p[1] for p in xy]
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


def _day_at(ticks: list[tuple[float, dt.date]], x: float) -> float:
    """The date (as an ordinal) a reader reads at x from the two outermost date ticks."""
    (x0, d0), (x1, d1) = min(ticks), max(ticks)
    return d0.toordinal() + (x - x0) * (d1.toordinal() - d0.toordinal()) / (x1 - x0)


def _value_at(drawn: Drawn, x: float, y: float) -> float:
    """The value a reader reads at height y from the nearest y axis left of x (its number
    labels, right-aligned beside the axis)."""
    labels = [(tx, ty, w) for tx, ty, anchor, w in drawn.texts if anchor == "end" and tx < x]
    numbers = [(tx, ty - 3, float(w)) for tx, ty, w in labels if _number(w)]
    axis_x = max(tx for tx, _, _ in numbers)
    axis = sorted((ty, v) for tx, ty, v in numbers if tx == axis_x)
    (y0, v0), (y1, v1) = axis[0], axis[-1]
    return v0 + (y - y0) * (v1 - v0) / (y1 - y0)


def _number(words: str) -> bool:
    return re.fullmatch(r"-?\d+(\.\d+)?", words) is not None


def _tick_labels_match_dates(drawn: Drawn, size_hint: str) -> None:
    """Every date tick has its label below it: the year on 1 January, else the month on
    the 1st, else the day."""
    assert drawn.date_ticks, size_hint
    for x, day in drawn.date_ticks:
        words = [w for tx, _, anchor, w in drawn.texts if anchor == "middle" and abs(tx - x) < 0.01]
        if day.month == 1 and day.day == 1:
            expected = str(day.year)
        elif day.day == 1:
            expected = MONTHS[day.month - 1]
        else:
            expected = str(day.day)
        assert expected in words, (size_hint, day, words)


@pytest.fixture(scope="module")
def people(kb: Knowledge) -> dict[str, tuple[PatientRecord, dt.date, dict | None]]:
    out = {}
    for person, day in VISIT_DAYS.items():
        record = load_record(example_path(person), kb, day)
        out[person] = (record, day, status_data(assess_status(record, kb, day)))
    return out


@pytest.mark.parametrize("kind", ["tumor_marker", "blood_count"])
def test_every_lab_value_is_a_point_where_the_axes_put_it(people: dict, kind: str) -> None:
    for person, (record, day, _status) in people.items():
        labs = [
            lab
            for lab in record.labs
            if lab.kind == kind and lab.date <= day and lab.canonical_value is not None
        ]
        chart = lab_chart(record, day, kind, "title")
        assert chart is not None, person
        drawn = read(chart.svg)
        assert (drawn.width, drawn.height) == ("518.4pt", "158.4pt")
        expected = sorted(
            f"{_test_name(lab.test_id or lab.name)}, {lab.date}: {lab.canonical_value:g} "
            f"{lab.canonical_unit or ''}".rstrip()
            for lab in labs
        )
        assert sorted(t for _, _, t in drawn.points) == expected, person
        for x, y, title in drawn.points:
            found = POINT.match(title)
            assert found is not None, title
            value = float(found["value"])
            top = max(float(w) for _, _, a, w in drawn.texts if a == "end" and _number(w))
            assert abs(_value_at(drawn, x, y) - value) <= 0.01 * max(top, value), (person, title)
        for name in {_test_name(lab.test_id or lab.name) for lab in labs}:
            assert any(w.startswith(f"{name} (") for _, _, _, w in drawn.texts), (person, name)
        _tick_labels_match_dates(drawn, person)


def test_each_lab_panel_reads_its_dates_from_its_own_ticks(people: dict) -> None:
    record, day, _ = people["hr-positive-esr1"]
    chart = lab_chart(record, day, "tumor_marker", "title")
    assert chart is not None
    drawn = read(chart.svg)
    for x, _y, title in drawn.points:
        found = POINT.match(title)
        assert found is not None
        real = dt.date.fromisoformat(found["day"]).toordinal()
        assert abs(_day_at(drawn.date_ticks, x) - real) < 1.5, title


def test_measured_tumors_show_every_sum_with_its_response_and_the_pr_pd_lines(
    people: dict,
) -> None:
    for person, (_record, _day, status) in people.items():
        chart = recist_chart(status)
        assert chart is not None, person
        drawn = read(chart.svg)
        assert (drawn.width, drawn.height) == ("518.4pt", "216pt")
        words = [w for _, _, _, w in drawn.texts]
        for must in ("sum of target diameters (mm)", "scan date", "PR: 30% below the start"):
            assert must in words, (person, must)
        assert "PD: 20% and 5 mm over the lowest" in words
        titles = [t for _, _, t in drawn.points]
        overall = [w for w in words if w in ("CR", "PR", "SD", "PD", "NE")]
        expected_overall = []
        for entry in status["recist"]:
            assert f"line {entry['line']}" in words, person
            for tp in entry["timepoints"]:
                if isinstance(tp.get("sum_mm"), (int, float)):
                    wanted = (
                        f"line {entry['line']}, {tp['date'][:10]}: {round(tp['sum_mm'], 1):g} mm"
                    )
                    assert wanted in titles, (person, wanted)
                    if tp.get("overall"):
                        expected_overall.append(str(tp["overall"]))
        assert sorted(overall) == sorted(expected_overall), person
        for x, y, title in drawn.points:
            found = POINT.match(title)
            assert found is not None
            assert abs(_value_at(drawn, x, y) - float(found["value"])) < 1.0, (person, title)
            real = dt.date.fromisoformat(found["day"]).toordinal()
            assert abs(_day_at(drawn.date_ticks, x) - real) < 3, (person, title)
        _tick_labels_match_dates(drawn, person)


def test_the_timeline_has_a_bar_per_line_every_scan_and_the_summary_date(people: dict) -> None:
    for person, (record, day, _status) in people.items():
        chart = timeline_chart(record, day)
        assert chart is not None, person
        drawn = read(chart.svg)
        lines = record.lines_as_of(day)
        assert drawn.height == f"{(0.55 * len(lines) + 1.4) * 72:g}pt".replace(".0pt", "pt")
        assert drawn.bars == len(lines), person
        words = [w for _, _, _, w in drawn.texts]
        for line in lines:
            label = f"Line {line.number}: " + " + ".join(line.drug_names)
            assert (label if len(label) <= 48 else label[:46] + "…") in words, (person, label)
        assert "date (dotted line: the date of this summary)" in words
        start = min(line.start for line in lines) - dt.timedelta(days=120)
        scans = sorted({s.date for s in record.imaging if start <= s.date <= day})
        titles = [t for _, _, t in drawn.points]
        assert [t for t in titles if t.startswith("scan ")] == [f"scan {d}" for d in scans]
        assert ("scan" in words) == bool(scans)
        for x, _y, title in drawn.points:
            when = dt.date.fromisoformat(title.rsplit(" ", 1)[1]).toordinal()
            assert abs(_day_at(drawn.date_ticks, x) - when) < 3, (person, title)
        _tick_labels_match_dates(drawn, person)


def test_a_long_line_name_is_made_smaller_not_cut(people: dict) -> None:
    record, day, _ = people["her2-positive-brain"]
    chart = timeline_chart(record, day)
    assert chart is not None
    root = ET.fromstring(chart.svg)
    label = next(
        el for el in root.iter(f"{NS}text") if (el.text or "").startswith("Line 1: docetaxel")
    )
    size = float(label.get("font-size", "0"))
    assert 5 < size < 8
    # DejaVu Sans averages about 0.56 em a character: the label ends left of the axis
    # and starts inside the picture.
    assert float(label.get("x", "0")) - 0.56 * size * len(label.text or "") >= 0


def test_charts_come_in_page_order_and_only_with_something_to_show(
    people: dict, kb: Knowledge
) -> None:
    record, day, status = people["triple-negative-brca"]
    titles = [c.title for c in draw_charts(record, day, status)]
    assert titles == [
        "Lines of treatment, scans and other events",
        "Measured tumors: sum of target diameters, by line (RECIST 1.1)",
        "Tumor markers in the blood over time",
        "Blood counts over time",
    ]
    early = dt.date(2019, 1, 1)  # before any line, scan or lab
    assert draw_charts(record, early, None) == []
    assert recist_chart({"recist": [{"line": 1, "timepoints": [{"date": "2024-01-01"}]}]}) is None


def test_chart_is_a_frozen_record_of_title_svg_and_words() -> None:
    chart = Chart("t", "<svg/>", "a")
    with pytest.raises(AttributeError):
        chart.title = "u"  # type: ignore[misc]


def test_one_measured_scan_is_drawn_on_a_readable_date_axis() -> None:
    status = {
        "recist": [
            {
                "line": 3,
                "baseline_date": None,
                "timepoints": [{"date": "2024-05-02", "sum_mm": 41.0, "overall": "SD"}],
            }
        ]
    }
    chart = recist_chart(status)
    assert chart is not None
    drawn = read(chart.svg)
    assert [t for _, _, t in drawn.points] == ["line 3, 2024-05-02: 41 mm"]
    days = [d for _, d in drawn.date_ticks]
    assert days and min(days) >= dt.date(2024, 3, 1) and max(days) <= dt.date(2024, 7, 1)
    x, y, _ = drawn.points[0]
    assert abs(_day_at(drawn.date_ticks, x) - dt.date(2024, 5, 2).toordinal()) < 3
    assert abs(_value_at(drawn, x, y) - 41.0) < 1.0
    assert "SD" in [w for _, _, _, w in drawn.texts]


def test_a_single_lab_value_of_zero_still_has_an_axis(kb: Knowledge) -> None:
    from nextline.record import build_record, read_patient_file, validate_patient_data
    from nextline.record.export import patient_file_data

    day = dt.date(2024, 8, 21)
    data = patient_file_data(read_patient_file(example_path("triple-negative-brca")))
    data["labs"] = [
        {"date": dt.date(2024, 8, 1), "test": "CEA", "value": 0, "unit": "ng/mL"},
    ]
    record = build_record(validate_patient_data(data), kb, day)
    chart = lab_chart(record, day, "tumor_marker", "title")
    assert chart is not None
    drawn = read(chart.svg)
    assert [t for _, _, t in drawn.points] == ["CEA, 2024-08-01: 0 ng/mL"]
    x, y, _ = drawn.points[0]
    assert abs(_value_at(drawn, x, y)) < 0.01
    _tick_labels_match_dates(drawn, "one zero")
