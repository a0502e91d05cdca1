"""Performance reader: ECOG / WHO / Zubrod and Karnofsky limits.

Pure: text in, constraints out.
"""

from __future__ import annotations

import re

from nextline.trials.eligibility.models import Constraint
from nextline.trials.eligibility.readers.base import Reading

_ECOG_RE = re.compile(r"\b(?:ecog|eastern cooperative oncology group|who|zubrod)\b", re.IGNORECASE)
_PS_VALUES = re.compile(
    r"^[^0-9]{0,45}?(?P<op>≤|<|≥|>|less than or equal to|less than|at most|up to|no (?:more|"
    r"greater) than|greater than or equal to|greater than|at least)?\s*(?P<a>[0-4])\b"
    r"(?:\s*(?:-|–|~|to|or|and|,)\s*(?P<b>[0-4])\b)?(?:\s*(?:,|or|, or)\s*(?P<c>[0-4])\b)?"
    r"(?P<after>\s+or (?:less|lower|below|fewer)\b|\s+or (?:more|higher|greater|above)\b)?",
    re.IGNORECASE,
)
_PS_BEFORE = re.compile(
    r"performance status(?: score)?\s*(?:\(ps\))?\s*(?:of|:|=)?\s*(?P<op>≤|<|≥|>)?\s*(?P<a>[0-4])\b"
    r"(?:\s*(?:-|–|to|or|and|,)\s*(?P<b>[0-4])\b)?(?:\s*(?:,|or|, or)\s*(?P<c>[0-4])\b)?",
    re.IGNORECASE,
)
_KPS_RE = re.compile(
    r"\b(?:karnofsky|kps)\b[^0-9]{0,40}?(?P<op>≥|>|≤|<|at least|of|greater than)?\s*(?P<a>\d{2,3})",
    re.IGNORECASE,
)


def _ps_range(m: re.Match[str]) -> tuple[float | None, float | None]:
    op = (m.group("op") or "").lower()
    values = [int(v) for v in (m.group("a"), m.group("b"), m.group("c")) if v is not None]
    after = (m.groupdict().get("after") or "").split()
    if after and len(values) == 1:  # "2 or less", "1 or more"
        less = after[-1].lower() in ("less", "lower", "below", "fewer")
        return (None, float(values[0])) if less else (float(values[0]), None)
    if len(values) > 1:
        return float(min(values)), float(max(values))
    v = values[0]
    if op in ("≤", "less than or equal to", "at most", "up to") or op.startswith("no "):
        return None, float(v)
    if op in ("<", "less than"):
        return None, float(v - 1)
    if op in ("≥", "greater than or equal to", "at least"):
        return float(v), None
    if op in (">", "greater than"):
        return float(v + 1), None
    return float(v), float(v)


def read_performance(reading: Reading) -> list[Constraint]:
    """ECOG and Karnofsky limits."""
    text = reading.text
    out: list[Constraint] = []
    ecog = _ECOG_RE.search(text)
    if ecog and (ecog.group(0).lower() != "who" or "performance" in text.lower()):
        m = _PS_VALUES.match(text[ecog.end() : ecog.end() + 80])
        if m is None:
            m = _PS_BEFORE.search(text[max(0, ecog.start() - 80) : ecog.end() + 5])
        if m is not None:
            low, high = _ps_range(m)
            out.append(
                Constraint(
                    type="performance_status",
                    scale="ecog",
                    minimum=low,
                    maximum=high,
                    words=text[ecog.start() : ecog.end() + 40],
                )
            )
    kps = _KPS_RE.search(text)
    if kps:
        value = int(kps.group("a"))
        op = (kps.group("op") or "").lower()
        if 10 <= value <= 100 and "lansky" not in text[kps.start() : kps.end()].lower():
            if op in ("≤", "<"):
                out.append(
                    Constraint(
                        type="performance_status",
                        scale="karnofsky",
                        maximum=value,
                        strict=op == "<",
                        words=kps.group(0),
                    )
                )
            else:
                out.append(
                    Constraint(
                        type="performance_status",
                        scale="karnofsky",
                        minimum=value,
                        strict=op in (">", "greater than"),
                        words=kps.group(0),
                    )
                )
    scales = [c.scale for c in out]
    if "ecog" in scales and "karnofsky" in scales and ecog is not None and kps is not None:
        a, b = sorted((ecog.start(), kps.start()))
        if re.search(r"\bor\b|/|\bequivalent\b", text[a:b], re.IGNORECASE):
            # "ECOG ≤ 2 or Karnofsky ≥ 60": either scale is enough, and the record keeps
            # ECOG; failing it leaves the Karnofsky way in open (unknown, not "not met")
            out = [c.model_copy(update={"soft": True}) for c in out if c.scale == "ecog"]
    return out
