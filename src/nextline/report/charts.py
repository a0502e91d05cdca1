"""Charts for the summary packet, drawn offline as SVG text (`report.svg`).

Black-and-white readable: lines and markers differ by shape, dash and hatch as well as by
shade, and every chart has labelled axes. Sizes are those of the matplotlib figures they
replace (7.2 inches wide), so the pages lay out as before. Pure: no I/O, no clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nextline.record import PatientRecord
from nextline.report.svg import (
    Canvas,
    Scale,
    date_ticks,
    padded,
    shifted,
    value_labels,
    value_ticks,
    year_note,
)

GREYS = ("#222222", "#777777", "#aaaaaa", "#444444", "#999999", "#555555")
HATCHES = ("", "///", "...", "xx", "\\\\\\", "++")
MARKERS = ("o", "s", "^", "D", "v", "P")
DASHES = ("-", "--", ":", "-.", "-.", ":")
WIDTH = 7.2 * 72  # points
TICK = 3.5  # tick marks stick out this far, in points


@dataclass(frozen=True, slots=True)
class Chart:
    """One chart: its title, the SVG text, and a one-line plain description (alt text)."""

    title: str
    svg: str
    alt: str


@dataclass(frozen=True)
class Box:
    """The plotting area of one chart, in points from the top left corner."""

    left: float
    top: float
    right: float
    bottom: float


def _box(height: float, left: float, right: float, bottom: float, top: float) -> Box:
    """A plotting area given as shares of the figure (bottom and top measured upwards)."""
    return Box(left * WIDTH, (1 - top) * height, right * WIDTH, (1 - bottom) * height)


def _frame(canvas: Canvas, box: Box) -> None:
    """The left and bottom axis lines (no top or right: less ink, same reading)."""
    canvas.line(box.left, box.top, box.left, box.bottom)
    canvas.line(box.left, box.bottom, box.right, box.bottom)


def _x_dates(
    canvas: Canvas, box: Box, x: Scale, lo: dt.date, hi: dt.date, most: int, size: float = 8
) -> None:
    ticks = date_ticks(lo, hi, most)
    for day, label in ticks:
        at = x(day.toordinal())
        canvas.line(at, box.bottom, at, box.bottom + TICK, at=day.isoformat())
        canvas.text(at, box.bottom + TICK + 2 + size, label, size=size, anchor="middle")
    note = year_note(ticks, hi)
    if note:
        canvas.text(box.right, box.bottom + TICK + 4 + 2 * size, note, size=size, anchor="end")


def _y_values(canvas: Canvas, box: Box, y: Scale, hi: float) -> None:
    ticks = value_ticks(0.0, hi, max(3, int((box.bottom - box.top) / 16) + 1))
    for value, label in zip(ticks, value_labels(ticks), strict=True):
        at = y(value)
        canvas.line(box.left - TICK, at, box.left, at)
        canvas.text(box.left - TICK - 2, at + 3, label, anchor="end")


def _legend(canvas: Canvas, x: float, top: float, entries: Sequence[dict[str, Any]]) -> None:
    """Entries down from `top`, each a sample of its line or mark and its words."""
    for n, entry in enumerate(entries):
        y = top + 6 + n * 11
        if entry.get("dash"):
            canvas.line(x, y, x + 16, y, stroke=entry["color"], width=1.0, dash=entry["dash"])
        if entry.get("marker"):
            canvas.marker(x + 8, y, entry["marker"], entry["color"], entry.get("size", 5))
        canvas.text(x + 20, y + 2.5, entry["label"], size=7)


def timeline_chart(record: PatientRecord, as_of: dt.date) -> Chart | None:
    """Lines of metastatic therapy as bars, with scans and other events as marks."""
    lines = record.lines_as_of(as_of)
    if not lines:
        return None
    height = (0.55 * len(lines) + 1.4) * 72
    box = _box(height, left=0.36, right=0.78, bottom=0.25, top=0.95)
    canvas = Canvas(WIDTH, height)
    start = shifted(min(line.start for line in lines), -dt.timedelta(days=120))
    end = shifted(as_of, dt.timedelta(days=30))
    x = Scale(start.toordinal(), end.toordinal(), box.left, box.right)
    top = -0.9  # the row of scans and events, above the first line
    y = Scale(top - 0.6, len(lines) - 0.4, box.top, box.bottom)
    labels = ["scans and events"]
    for i, line in enumerate(lines):
        stop = line.stop or as_of
        left, right = x(line.start.toordinal()), x(stop.toordinal())
        width = max(right - left, 0.5)  # a line stopped the day it started is still seen
        canvas.rect(left, y(i - 0.25), width, y(i + 0.25) - y(i - 0.25), HATCHES[i % 6])
        label = f"Line {line.number}: " + " + ".join(line.drug_names)
        labels.append(label if len(label) <= 48 else label[:46] + "…")
    room = box.left - TICK - 4
    for row, label in zip([top, *range(len(lines))], labels, strict=True):
        size = min(8.0, room / (0.56 * len(label)))  # a long name gets smaller, not cut off
        canvas.line(box.left - TICK, y(row), box.left, y(row))
        canvas.text(box.left - TICK - 2, y(row) + size * 0.36, label, size=size, anchor="end")
    scans = sorted({s.date for s in record.imaging if start <= s.date <= as_of})
    for day in scans:
        canvas.marker(x(day.toordinal()), y(top), "|", size=10, note=f"scan {day}")
    events = [
        when
        for t in record.therapies
        if t.kind in ("radiation", "surgery")
        and (when := t.start or t.stop) is not None
        and start <= when <= as_of
    ]
    for when in events:
        note = f"radiation or surgery {when}"
        canvas.marker(x(when.toordinal()), y(top), "*", "#555555", size=8, note=note)
    canvas.line(x(as_of.toordinal()), box.top, x(as_of.toordinal()), box.bottom, dash=":")
    _frame(canvas, box)
    _x_dates(canvas, box, x, start, end, most=8)
    middle = (box.left + box.right) / 2
    below = box.bottom + TICK + 24
    canvas.text(middle, below, "date (dotted line: the date of this summary)", anchor="middle")
    legend = []
    if scans:
        legend.append({"marker": "|", "color": "#000000", "label": "scan", "size": 8})
    if events:
        legend.append({"marker": "*", "color": "#555555", "label": "radiation or surgery"})
    _legend(canvas, box.right + 6, box.top, legend)
    return Chart(
        "Lines of treatment, scans and other events",
        canvas.to_svg(),
        f"{len(lines)} lines of treatment, {len(scans)} scans",
    )


def recist_chart(status: dict[str, Any] | None) -> Chart | None:
    """Sum of target diameters over time, one series per line, with PR and PD bands."""
    series = []
    for entry in (status or {}).get("recist") or []:
        points = []
        for tp in entry.get("timepoints") or []:
            if isinstance(tp.get("sum_mm"), (int, float)) and tp.get("date"):
                points.append(
                    (
                        dt.date.fromisoformat(str(tp["date"])[:10]),
                        float(tp["sum_mm"]),
                        tp.get("change_from_baseline_pct"),
                        tp.get("overall"),
                    )
                )
        if points:
            series.append((entry.get("line"), entry.get("baseline_date"), points))
    if not series:
        return None
    height = 3.0 * 72
    box = _box(height, left=0.09, right=0.66, bottom=0.15, top=0.95)
    canvas = Canvas(WIDTH, height)
    drawn = []  # (line, days, sums, baseline, points) per series
    for line, baseline_date, points in series:
        baseline = _baseline_sum(points)
        days = [p[0] for p in points]
        sums = [p[1] for p in points]
        if baseline is not None and baseline_date:
            days.insert(0, dt.date.fromisoformat(str(baseline_date)[:10]))
            sums.insert(0, baseline)
        drawn.append((line, days, sums, baseline, points))
    every_day = [d.toordinal() for _, days, *_ in drawn for d in days]
    levels = [v for _, _, sums, *_ in drawn for v in sums]
    for _, _, sums, baseline, _ in drawn:
        nadir = min(sums)
        levels.append(max(nadir * 1.2, nadir + 5))
        if baseline is not None:
            levels.append(baseline * 0.7)
    lo, hi = padded(min(every_day), max(every_day))
    if max(every_day) == min(every_day):  # one scan: a month either side, not 5 % of AD
        lo, hi = every_day[0] - 30.0, every_day[0] + 30.0
    x = Scale(lo, hi, box.left, box.right)
    top = padded(min(levels), max(levels))[1]
    y = Scale(0.0, top, box.bottom, box.top)
    legend: list[dict[str, Any]] = []
    for i, (line, days, sums, baseline, points) in enumerate(drawn):
        color, marker, dash = GREYS[i % 6], MARKERS[i % 6], DASHES[i % 6]
        left, right = x(days[0].toordinal()), x(days[-1].toordinal())
        xy = [(x(d.toordinal()), y(v)) for d, v in zip(days, sums, strict=True)]
        canvas.polyline(xy, stroke=color, width=1.2, dash=dash)
        for (px, py), day, value in zip(xy, days, sums, strict=True):
            canvas.marker(px, py, marker, color, note=f"line {line}, {day}: {round(value, 1):g} mm")
        legend.append({"dash": dash, "marker": marker, "color": color, "label": f"line {line}"})
        if baseline is not None:
            canvas.line(left, y(baseline * 0.7), right, y(baseline * 0.7), "#555555", 0.8, "--")
            if i == 0:
                legend.append({"dash": "--", "color": "#555555", "label": PR_WORDS})
        # RECIST 1.1 §4.3.1: ≥20 % over the nadir and ≥5 mm absolute.
        nadir = min(sums)
        pd_level = y(max(nadir * 1.2, nadir + 5))
        canvas.line(left, pd_level, right, pd_level, "#000000", 1.0, ":")
        if i == 0:
            legend.append({"dash": ":", "color": "#000000", "label": PD_WORDS})
        for day, value, _pct, overall in points:
            if overall:
                canvas.text(x(day.toordinal()), y(value) - 5, str(overall), 6, "middle")
    _frame(canvas, box)
    _y_values(canvas, box, y, top)
    first, last = dt.date.fromordinal(int(lo) + 1), dt.date.fromordinal(int(hi))
    _x_dates(canvas, box, x, first, last, most=8)
    middle = (box.left + box.right) / 2
    canvas.text(middle, box.bottom + TICK + 24, "scan date", anchor="middle")
    mid_y = (box.top + box.bottom) / 2
    canvas.text(14, mid_y, "sum of target diameters (mm)", anchor="middle", rotate=True)
    _legend(canvas, box.right + 8, box.top, legend)
    return Chart(
        "Measured tumors: sum of target diameters, by line (RECIST 1.1)",
        canvas.to_svg(),
        f"{len(series)} line(s) with measured scans",
    )


PR_WORDS = "PR: 30% below the start"
PD_WORDS = "PD: 20% and 5 mm over the lowest"


def _baseline_sum(points: Sequence[tuple[dt.date, float, Any, Any]]) -> float | None:
    for _day, value, pct, _overall in points:
        if isinstance(pct, (int, float)) and pct > -100:
            return value / (1 + pct / 100)
    return None


def lab_chart(record: PatientRecord, as_of: dt.date, kind: str, title: str) -> Chart | None:
    """Values over time for every known test of one kind (tumor markers or blood counts).

    Each test gets its own small panel, since units and ranges differ.
    """
    by_test: dict[str, list[tuple[dt.date, float, str]]] = {}
    for lab in record.labs:
        if lab.kind != kind or lab.date > as_of or lab.canonical_value is None:
            continue
        by_test.setdefault(lab.name if lab.test_id is None else lab.test_id, []).append(
            (lab.date, lab.canonical_value, lab.canonical_unit or "")
        )
    if not by_test:
        return None
    height = 2.2 * 72
    names = sorted(by_test)
    canvas = Canvas(WIDTH, height)
    whole = _box(height, left=0.07, right=0.98, bottom=0.15, top=0.85)
    panel = (whole.right - whole.left) / (len(names) + 0.35 * (len(names) - 1))
    for i, test in enumerate(names):
        left = whole.left + i * panel * 1.35
        box = Box(left, whole.top, left + panel, whole.bottom)
        points = sorted(by_test[test])
        first, last = points[0][0], points[-1][0]
        pad = max(dt.timedelta(days=45), (last - first) / 10)
        lo, hi = shifted(first, -pad), shifted(last, pad)
        x = Scale(lo.toordinal(), hi.toordinal(), box.left, box.right)
        values = [p[1] for p in points]
        top = padded(min(values), max(values))[1] if max(values) > 0 else 1.0
        y = Scale(0.0, top, box.bottom, box.top)
        xy = [(x(p[0].toordinal()), y(p[1])) for p in points]
        color = GREYS[i % 6]
        canvas.polyline(xy, stroke=color, width=1.1, dash=DASHES[i % 6])
        for (px, py), (day, value, unit) in zip(xy, points, strict=True):
            note = f"{_test_name(test)}, {day}: {value:g} {unit}".rstrip()
            canvas.marker(px, py, MARKERS[i % 6], color, note=note)
        heading = f"{_test_name(test)} ({points[0][2]})"
        canvas.text((box.left + box.right) / 2, box.top - 6, heading, anchor="middle")
        _frame(canvas, box)
        _y_values(canvas, box, y, top)
        _x_dates(canvas, box, x, lo, hi, most=max(4, int(panel / 60)), size=6)
    return Chart(title, canvas.to_svg(), f"{len(names)} test(s): {', '.join(names)}")


def _test_name(test_id: str) -> str:
    return {
        "ca_15_3": "CA 15-3",
        "ca_27_29": "CA 27.29",
        "cea": "CEA",
        "anc": "neutrophils (ANC)",
        "wbc": "white cells (WBC)",
        "platelets": "platelets",
        "hemoglobin": "hemoglobin",
    }.get(test_id, test_id.replace("_", " "))
