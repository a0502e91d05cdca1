"""The summary packet: HTML and PDF, with charts, for the care team and the person."""

from nextline.report.aside import Aside
from nextline.report.context import ReportContext, build_context
from nextline.report.render import build_report, draw_charts, render_html, render_pdf, write_report

__all__ = [
    "Aside",
    "ReportContext",
    "build_context",
    "build_report",
    "draw_charts",
    "render_html",
    "render_pdf",
    "write_report",
]
