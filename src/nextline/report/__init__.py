"""The summary packet: HTML and PDF, with charts, for the care team and the person."""

from nextline.report.context import ReportContext, build_context
from nextline.report.render import build_report, render_html, render_pdf, write_report

__all__ = [
    "ReportContext",
    "build_context",
    "build_report",
    "render_html",
    "render_pdf",
    "write_report",
]
