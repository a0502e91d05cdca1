"""Derived clinical facts that several engines need and none should re-derive
(ARCHITECTURE.md, "Second wave"): whether a treatment stopped working, and endocrine
sensitivity. Pure functions of plain values; the knowledge base supplies the windows and
the sources. The options engine reads them today; trials and plan can adopt them."""

from nextline.facts.endocrine import EndocrineSensitivity, TreatmentSpan, endocrine_sensitivity
from nextline.facts.stopped import Stopped, adjuvant_window_months, stopped_working

__all__ = [
    "EndocrineSensitivity",
    "Stopped",
    "TreatmentSpan",
    "adjuvant_window_months",
    "endocrine_sensitivity",
    "stopped_working",
]
