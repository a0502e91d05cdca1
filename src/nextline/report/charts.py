"""Charts for the summary packet, drawn offline with matplotlib as SVG text.

Black-and-white readable: lines and markers differ by shape, dash and hatch as well as by
shade, and every chart has labelled axes. Heavy imports stay inside the functions.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nextline.record import PatientRecord

GREYS = ("#222222", "#777777", "#aaaaaa", "#444444", "#999999", "#555555")
HATCHES = ("", "///", "...", "xx", "\\\\\\", "++")
MARKERS = ("o", "s", "^", "D", "v", "P")
DASHES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1)), (0, (1, 1)))


@dataclass(frozen=True, slots=True)
class Chart:
    """One chart: its title, the SVG text, and a one-line plain description (alt text)."""

    title: str
    svg: str
    alt: str


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "font.family": "DejaVu Sans",
            "font.size": 8,
            "svg.fonttype": "none",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "svg.hashsalt": "nextline",
        }
    )
    return plt


def _dates() -> Any:
    """matplotlib.dates, untyped: held as Any so strict typing stays on for the rest."""
    import importlib

    return importlib.import_module("matplotlib.dates")


def _svg(fig: Any) -> str:
    plt = _pyplot()
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(fig)
    return buffer.getvalue()


def timeline_chart(record: PatientRecord, as_of: dt.date) -> Chart | None:
    """Lines of metastatic therapy as bars, with scans and other events as marks."""
    lines = record.lines_as_of(as_of)
    if not lines:
        return None
    plt = _pyplot()
    mdates = _dates()

    fig, ax = plt.subplots(figsize=(7.2, 0.55 * len(lines) + 1.4))
    labels = []
    for i, line in enumerate(lines):
        stop = line.stop or as_of
        ax.barh(
            i,
            (stop - line.start).days,
            left=mdates.date2num(line.start),
            height=0.5,
            color="white",
            edgecolor="black",
            hatch=HATCHES[i % len(HATCHES)],
            linewidth=0.8,
        )
        label = f"Line {line.number}: " + " + ".join(line.drug_names)
        labels.append(label if len(label) <= 48 else label[:46] + "…")
    top = -0.9
    ax.set_yticks([top, *range(len(lines))], ["scans and events", *labels])
    start = min(line.start for line in lines) - dt.timedelta(days=120)
    scans = sorted({s.date for s in record.imaging if start <= s.date <= as_of})
    if scans:
        ax.plot(
            [mdates.date2num(d) for d in scans],
            [top] * len(scans),
            linestyle="none",
            marker="|",
            markersize=10,
            color="black",
            label="scan",
        )
    events = [
        (t.start or t.stop, t.kind)
        for t in record.therapies
        if t.kind in ("radiation", "surgery") and (t.start or t.stop)
    ]
    events = [(d, k) for d, k in events if d is not None and start <= d <= as_of]
    if events:
        ax.plot(
            [mdates.date2num(d) for d, _ in events],
            [top] * len(events),
            linestyle="none",
            marker="*",
            markersize=8,
            color="#555555",
            label="radiation or surgery",
        )
    ax.axvline(mdates.date2num(as_of), color="black", linestyle=":", linewidth=0.8)
    ax.set_ylim(len(lines) - 0.4, top - 0.6)
    ax.set_xlim(mdates.date2num(start), mdates.date2num(as_of + dt.timedelta(days=30)))
    locator = mdates.AutoDateLocator(maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_xlabel("date (dotted line: the date of this summary)")
    if scans or events:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=7)
    fig.subplots_adjust(left=0.36, right=0.78, bottom=0.25, top=0.95)  # fixed: fast
    return Chart(
        "Lines of treatment, scans and other events",
        _svg(fig),
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
    plt = _pyplot()
    mdates = _dates()

    fig, ax = plt.subplots(figsize=(7.2, 3.0))
    for i, (line, baseline_date, points) in enumerate(series):
        baseline = _baseline_sum(points)
        days = [mdates.date2num(p[0]) for p in points]
        sums = [p[1] for p in points]
        if baseline is not None and baseline_date:
            days.insert(0, mdates.date2num(dt.date.fromisoformat(str(baseline_date)[:10])))
            sums.insert(0, baseline)
        ax.plot(
            days,
            sums,
            linestyle=DASHES[i % len(DASHES)],
            marker=MARKERS[i % len(MARKERS)],
            color=GREYS[i % len(GREYS)],
            label=f"line {line}",
            linewidth=1.2,
        )
        nadir = min(sums)
        left, right = days[0], days[-1]
        if baseline is not None:
            ax.hlines(
                baseline * 0.7,
                left,
                right,
                colors="#555555",
                linestyles="--",
                linewidth=0.8,
                label="PR: 30% below the start" if i == 0 else None,
            )
        # RECIST 1.1 §4.3.1: ≥20 % over the nadir and ≥5 mm absolute.
        ax.hlines(
            max(nadir * 1.2, nadir + 5),
            left,
            right,
            colors="black",
            linestyles=":",
            linewidth=1.0,
            label="PD: 20% and 5 mm over the lowest" if i == 0 else None,
        )
        for p in points:
            if p[3]:
                ax.annotate(
                    str(p[3]),
                    (mdates.date2num(p[0]), p[1]),
                    textcoords="offset points",
                    xytext=(0, 5),
                    ha="center",
                    fontsize=6,
                )
    locator = mdates.AutoDateLocator(maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_ylabel("sum of target diameters (mm)")
    ax.set_xlabel("scan date")
    ax.legend(frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_ylim(bottom=0)
    fig.subplots_adjust(left=0.09, right=0.66, bottom=0.15, top=0.95)  # fixed: fast
    return Chart(
        "Measured tumors: sum of target diameters, by line (RECIST 1.1)",
        _svg(fig),
        f"{len(series)} line(s) with measured scans",
    )


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
    plt = _pyplot()
    mdates = _dates()

    names = sorted(by_test)
    fig, axes = plt.subplots(1, len(names), figsize=(7.2, 2.2), squeeze=False)
    for i, test in enumerate(names):
        ax = axes[0][i]
        points = sorted(by_test[test])
        ax.plot(
            [mdates.date2num(p[0]) for p in points],
            [p[1] for p in points],
            marker=MARKERS[i % len(MARKERS)],
            linestyle=DASHES[i % len(DASHES)],
            color=GREYS[i % len(GREYS)],
            linewidth=1.1,
        )
        ax.set_title(f"{_test_name(test)} ({points[0][2]})", fontsize=8)
        first, last = points[0][0], points[-1][0]
        pad = max(dt.timedelta(days=45), (last - first) / 10)
        ax.set_xlim(mdates.date2num(first - pad), mdates.date2num(last + pad))
        locator = mdates.AutoDateLocator(maxticks=4)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.tick_params(axis="x", labelsize=6)
        ax.set_ylim(bottom=0)
    fig.subplots_adjust(left=0.07, right=0.98, bottom=0.15, top=0.85, wspace=0.35)
    return Chart(title, _svg(fig), f"{len(names)} test(s): {', '.join(names)}")


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
