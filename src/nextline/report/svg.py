"""A small SVG writer for the report's charts: shapes, text, axes with readable ticks.

Why not matplotlib: loading it and drawing four charts cost about 0.6 s of CPU on every
`nextline report` (issue 17), and the charts are simple line and bar charts. This module
draws what they need and nothing more, as plain SVG text that WeasyPrint renders. Pure:
no I/O, no clock. Units are points (1/72 inch), y grows downwards as in SVG.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

FONT = "DejaVu Sans, sans-serif"
# English month names whatever the machine's locale: the report is written in English.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Fill patterns for bars, told apart without colour (the names follow matplotlib's hatches).
HATCH_PATHS = {
    "": "",
    "///": "M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2",
    "...": "M1.5,1.5 h0.01 M4.5,4.5 h0.01",
    "xx": "M0,0 l6,6 M0,6 l6,-6",
    "\\\\\\": "M-1,5 l2,2 M0,0 l6,6 M5,-1 l2,2",
    "++": "M3,0 v6 M0,3 h6",
}
DASH_ARRAYS = {"-": "", "--": "3.7 1.6", ":": "1 1.65", "-.": "6.4 1.6 1 1.6"}


def num(x: float) -> str:
    """A coordinate, short: two decimals at most, no trailing zeros."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@dataclass
class Canvas:
    """SVG elements in drawing order, and the fill patterns they use."""

    width: float
    height: float
    parts: list[str] = field(default_factory=list)
    patterns: dict[str, str] = field(default_factory=dict)

    def line(
        self,
        x1: float,
        y1: float,
        x2: float,
        y2: float,
        stroke: str = "#000000",
        width: float = 0.8,
        dash: str = "-",
        at: str | None = None,
    ) -> None:
        """A straight line; `at` names what a tick mark stands for (a date), for readers
        of the SVG text (and the tests)."""
        data = f' data-at="{escape(at)}"' if at else ""
        self.parts.append(
            f'<line x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" y2="{num(y2)}" '
            f'stroke="{stroke}" stroke-width="{num(width)}"{_dash(dash)}{data}/>'
        )

    def polyline(
        self,
        points: Sequence[tuple[float, float]],
        stroke: str = "#000000",
        width: float = 1.2,
        dash: str = "-",
    ) -> None:
        if len(points) < 2:
            return
        xy = " ".join(f"{num(x)},{num(y)}" for x, y in points)
        self.parts.append(
            f'<polyline points="{xy}" fill="none" stroke="{stroke}" '
            f'stroke-width="{num(width)}" stroke-linejoin="round"{_dash(dash)}/>'
        )

    def rect(self, x: float, y: float, w: float, h: float, hatch: str = "") -> None:
        """A white bar with a black edge, filled with a hatch pattern when one is named."""
        fill = "#ffffff"
        if HATCH_PATHS.get(hatch):
            pid = f"hatch{list(HATCH_PATHS).index(hatch)}"
            self.patterns[pid] = (
                f'<pattern id="{pid}" patternUnits="userSpaceOnUse" width="6" height="6">'
                f'<path d="{HATCH_PATHS[hatch]}" stroke="#000000" stroke-width="0.6" '
                f'stroke-linecap="round" fill="none"/></pattern>'
            )
            self.parts.append(
                f'<rect x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}" '
                f'fill="#ffffff"/>'
            )
            fill = f"url(#{pid})"
        self.parts.append(
            f'<rect x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}" '
            f'fill="{fill}" stroke="#000000" stroke-width="0.8"/>'
        )

    def marker(
        self,
        x: float,
        y: float,
        shape: str,
        color: str = "#000000",
        size: float = 6,
        note: str | None = None,
    ) -> None:
        """One point: o circle, s square, ^ v triangles, D diamond, P plus, | tick, * star.
        `note` (its date and value, say) is shown when pointing at it in the HTML report."""
        r = size / 2
        fill = f'fill="{color}" stroke="{color}" stroke-width="0.5"'
        inner = f"<title>{escape(note)}</title>" if note else ""
        if shape == "o":
            self.parts.append(
                f'<circle cx="{num(x)}" cy="{num(y)}" r="{num(r)}" {fill}>{inner}</circle>'
            )
            return
        if shape == "|":
            self.parts.append(
                f'<line x1="{num(x)}" y1="{num(y - r)}" x2="{num(x)}" y2="{num(y + r)}" '
                f'stroke="{color}" stroke-width="1">{inner}</line>'
            )
            return
        outline = {
            "s": [(-r, -r), (r, -r), (r, r), (-r, r)],
            "^": [(0, -r), (r, r), (-r, r)],
            "v": [(0, r), (r, -r), (-r, -r)],
            "D": [(0, -r), (r * 0.75, 0), (0, r), (-r * 0.75, 0)],
            "P": _plus(r),
            "*": _star(r * 1.2),
        }[shape]
        xy = " ".join(f"{num(x + dx)},{num(y + dy)}" for dx, dy in outline)
        self.parts.append(f'<polygon points="{xy}" {fill}>{inner}</polygon>')

    def text(
        self,
        x: float,
        y: float,
        words: str,
        size: float = 8,
        anchor: str = "start",
        rotate: bool = False,
        bold: bool = False,
    ) -> None:
        """Text whose baseline sits at y (anchor: start, middle or end)."""
        turn = f' transform="rotate(-90 {num(x)} {num(y)})"' if rotate else ""
        weight = ' font-weight="bold"' if bold else ""
        self.parts.append(
            f'<text x="{num(x)}" y="{num(y)}" font-size="{num(size)}" '
            f'text-anchor="{anchor}"{weight}{turn}>{escape(words)}</text>'
        )

    def to_svg(self) -> str:
        w, h = num(self.width), num(self.height)
        defs = f"<defs>{''.join(self.patterns.values())}</defs>" if self.patterns else ""
        body = "\n".join(self.parts)
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}pt" height="{h}pt" '
            f'viewBox="0 0 {w} {h}" font-family="{FONT}">\n{defs}'
            f'<rect width="{w}" height="{h}" fill="#ffffff"/>\n{body}\n</svg>\n'
        )


def _dash(style: str) -> str:
    pattern = DASH_ARRAYS.get(style, "")
    return f' stroke-dasharray="{pattern}"' if pattern else ""


def _plus(r: float) -> list[tuple[float, float]]:
    t = r / 3
    return [
        (-t, -r), (t, -r), (t, -t), (r, -t), (r, t), (t, t),
        (t, r), (-t, r), (-t, t), (-r, t), (-r, -t), (-t, -t),
    ]  # fmt: skip


def _star(r: float) -> list[tuple[float, float]]:
    out = []
    for i in range(10):
        angle = math.pi / 2 + i * math.pi / 5
        radius = r if i % 2 == 0 else r * 0.4
        out.append((radius * math.cos(angle), -radius * math.sin(angle)))
    return out


@dataclass(frozen=True)
class Scale:
    """A linear map from data values to points."""

    lo: float
    hi: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        if self.hi == self.lo:
            return (self.start + self.end) / 2
        return self.start + (value - self.lo) * (self.end - self.start) / (self.hi - self.lo)


def padded(lo: float, hi: float, share: float = 0.05) -> tuple[float, float]:
    """The range with a margin on each side, so no point sits on the frame."""
    if hi == lo:
        pad = abs(hi) * share or 1.0
        return lo - pad, hi + pad
    pad = (hi - lo) * share
    return lo - pad, hi + pad


def value_ticks(lo: float, hi: float, most: int) -> list[float]:
    """Round values (1, 2, 2.5 or 5 times a power of ten apart) inside [lo, hi], at most
    `most` of them."""
    if hi <= lo:
        return [lo]
    for power in range(math.floor(math.log10((hi - lo) / most)) - 1, 12):
        for base in (1.0, 2.0, 2.5, 5.0):
            step = base * 10.0**power
            first = math.ceil(lo / step - 1e-9)
            last = math.floor(hi / step + 1e-9)
            if last - first + 1 <= most:
                return [round(i * step, 10) for i in range(first, last + 1)]
    return [lo, hi]


def value_labels(ticks: Sequence[float]) -> list[str]:
    """Labels with the same number of decimals, as few as the ticks need."""
    for decimals in range(4):
        if all(abs(round(t, decimals) - t) < 1e-9 for t in ticks):
            return [f"{t:.{decimals}f}" for t in ticks]
    return [f"{t:g}" for t in ticks]


def shifted(day: dt.date, delta: dt.timedelta) -> dt.date:
    """`day + delta`, held inside the dates Python can hold: an axis padded past the
    person's as-of date must not fail for a date near year 1 or 9999."""
    try:
        return day + delta
    except OverflowError:
        return dt.date.max if delta > dt.timedelta(0) else dt.date.min


def date_ticks(lo: dt.date, hi: dt.date, most: int) -> list[tuple[dt.date, str]]:
    """Dates on round days (the 1st and 15th, month starts, years) inside [lo, hi], at most
    `most`, with short labels: the year on its first tick, else the month or the day."""
    for months in (0, 1, 2, 3, 4, 6, 12, 24, 60, 120):
        days = _days(lo, hi, months)
        if 0 < len(days) <= most:
            return [(d, _date_label(d, months)) for d in days]
    return [(lo, str(lo.year)), (hi, str(hi.year))]


def year_note(ticks: Sequence[tuple[dt.date, str]], hi: dt.date) -> str | None:
    """The year, for the corner of an axis whose ticks do not name one."""
    if any(label.isdigit() and len(label) == 4 for _, label in ticks):
        return None
    return f"{hi.year}-{MONTHS[hi.month - 1]}"


def _days(lo: dt.date, hi: dt.date, months: int) -> list[dt.date]:
    if months == 0:  # the 1st and the 15th of each month
        out = []
        year, month = lo.year, lo.month
        while year <= dt.MAXYEAR and dt.date(year, month, 1) <= hi:
            for day in (1, 15):
                d = dt.date(year, month, day)
                if lo <= d <= hi:
                    out.append(d)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return out
    out = []
    index = lo.year * 12 + lo.month - 1
    index += -index % months  # the first month on the grid (January is month 0)
    while True:
        if index // 12 > dt.MAXYEAR:
            return out
        d = dt.date(index // 12, index % 12 + 1, 1)
        if d > hi:
            return out
        if d >= lo:
            out.append(d)
        index += months


def _date_label(day: dt.date, months: int) -> str:
    if months >= 12 or (day.month == 1 and day.day == 1):
        return str(day.year)
    if day.day == 1:
        return MONTHS[day.month - 1]
    return str(day.day)
