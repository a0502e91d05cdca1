"""Criterion readers, one module per family (receptors, alterations, therapies, lines,
brain, stage, measurable disease, age/sex/menopause, performance, labs, other cancers),
registered in one table (`registry.READERS`). `extract.read_criterion` runs them in order
and joins what they found into constraints."""

from __future__ import annotations

from nextline.trials.eligibility.readers.base import Found, Reading
from nextline.trials.eligibility.readers.registry import READERS, Reader

__all__ = ["READERS", "Found", "Reader", "Reading"]
