"""Labs reader: organ-function thresholds (neutrophils, platelets, haemoglobin, bilirubin,
creatinine, AST, ALT) with their units or × ULN, converted to the knowledge base's
canonical units.

Pure: text and knowledge in, constraints out.
"""

from __future__ import annotations

import re

from nextline.trials.eligibility.models import Constraint
from nextline.trials.eligibility.readers.base import Reading

_LAB_NAMES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "anc",
        re.compile(
            r"absolute neutrophil(?:s)? count|\banc\b|(?<!segmented )neutrophils?"
            r"(?: count)?|absolute granulocyte count|\bagc\b",
            re.IGNORECASE,
        ),
    ),
    ("platelets", re.compile(r"platelets?(?: count)?|\bplt\b", re.IGNORECASE)),
    ("hemoglobin", re.compile(r"ha?emoglobin|\bhgb\b|\bhb\b", re.IGNORECASE)),
    (
        "bilirubin",
        re.compile(
            r"(?<!direct )(?<!indirect )(?<!conjugated )(?:total |serum )?"
            r"bilirubin(?! direct)|\btbil\b",
            re.IGNORECASE,
        ),
    ),
    ("creatinine", re.compile(r"(?:serum )?creatinine(?! clearance)(?! cl)", re.IGNORECASE)),
    (
        "ast",
        re.compile(
            r"\bast\b|aspartate (?:amino)?transaminase|aspartate aminotransferase|"
            r"\bsgot\b",
            re.IGNORECASE,
        ),
    ),
    (
        "alt",
        re.compile(
            r"\balt\b|alanine (?:amino)?transaminase|alanine aminotransferase|"
            r"\bsgpt\b",
            re.IGNORECASE,
        ),
    ),
)
_COMPARE = re.compile(
    r"(?P<op>≥|≤|>|<|at least|greater than or equal to|less than or equal to|greater than|"
    r"less than|more than|no (?:more|greater) than|not (?:more|greater) than|up to|above|"
    r"below|exceeding|must not exceed|not exceed)\s*(?P<v>\d+(?:,\d{3})*(?:\.\d+)?)?\s*"
    r"(?P<uln>(?:x|×|\*|times)?\s*(?:the\s+)?(?:institutional\s+)?(?:uln|upper limit(?:s)? of"
    r"(?: the)?(?: institutional)?(?: normal| the normal range)?))?",
    re.IGNORECASE,
)
_LAB_UNITS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?:x|×|\*)\s*10\s*(?:\^|e|\*\*)?\s*(?:9|⁹)\s*/\s*l", re.IGNORECASE), "10^9/L"),
    (
        re.compile(
            r"^(?:x|×|\*)\s*10\s*(?:\^|e|\*\*)?\s*(?:3|³)\s*/\s*(?:µ|u|mc|μ)l", re.IGNORECASE
        ),
        "10^3/uL",
    ),
    (re.compile(r"^(?:x|×|\*)\s*10\s*(?:\^|e|\*\*)?\s*(?:3|³)\s*/\s*mm", re.IGNORECASE), "10^3/uL"),
    (re.compile(r"^(?:cells\s*)?/\s*(?:µ|u|mc|μ)l", re.IGNORECASE), "/uL"),
    (re.compile(r"^(?:cells\s*)?/\s*(?:cu\s*)?mm\s*(?:3|³|\^3)?", re.IGNORECASE), "/mm3"),
    (re.compile(r"^k\s*/\s*(?:µ|u|mc|μ)l", re.IGNORECASE), "10^3/uL"),
    (re.compile(r"^g\s*/\s*dl", re.IGNORECASE), "g/dL"),
    (re.compile(r"^g\s*/\s*l", re.IGNORECASE), "g/L"),
    (re.compile(r"^mg\s*/\s*dl", re.IGNORECASE), "mg/dL"),
    (re.compile(r"^(?:µ|u|μ|micro)mol\s*/\s*l", re.IGNORECASE), "umol/L"),
    (re.compile(r"^mmol\s*/\s*l", re.IGNORECASE), "mmol/L"),
)


_LAB_HINT = re.compile(
    r"neutrophil|\banc\b|granulocyte|\bagc\b|platelet|\bplt\b|ha?emoglobin|\bhgb\b|\bhb\b|"
    r"bilirubin|\btbil\b|creatinine|\bast\b|\balt\b|aspartate|alanine|sgot|sgpt",
    re.IGNORECASE,
)

_COMPARE_HINT = re.compile(
    r"[≥≤<>]|at least|less than|greater than|more than|up to|above|"
    r"below|exceed|no more|not more",
    re.IGNORECASE,
)


def _lab_value(raw: str) -> float:
    return float(raw.replace(",", ""))


def read_labs(reading: Reading) -> list[Constraint]:
    """Lab thresholds in canonical units (see the module docstring)."""
    text, kb = reading.text, reading.kb
    from nextline.record.units import UnitError, to_canonical

    out: list[Constraint] = []
    seen: set[str] = set()
    if not _LAB_HINT.search(text) or not _COMPARE_HINT.search(text):
        return out
    for test_id, pattern in _LAB_NAMES:
        for name in pattern.finditer(text):
            if test_id in seen:
                break
            rest = text[name.end() : name.end() + 110]
            cmp_ = _COMPARE.search(rest)
            if cmp_ is None or (cmp_.group("v") is None and not cmp_.group("uln")):
                continue
            if re.search(r"clearance|crcl|egfr|gfr\b", rest[: cmp_.start()], re.IGNORECASE):
                continue
            op = cmp_.group("op").lower()
            is_max = op in (
                "≤",
                "<",
                "less than or equal to",
                "less than",
                "up to",
                "below",
                "must not exceed",
                "not exceed",
            ) or op.startswith(("no ", "not "))
            is_min = not is_max
            strict = op in (
                ">",
                "<",
                "greater than",
                "less than",
                "more than",
                "above",
                "below",
                "exceeding",
            )
            value = _lab_value(cmp_.group("v")) if cmp_.group("v") else 1.0
            test = kb.lab_tests.get(test_id)
            if test is None:
                continue
            if cmp_.group("uln"):
                unit = "xULN"
                canonical = value
            else:
                after = rest[cmp_.end() :].lstrip()
                written = next((u for p, u in _LAB_UNITS if p.match(after)), None)
                written = written or _implied_unit(test_id, value)
                if written is None:
                    continue
                if (
                    test_id in ("anc", "platelets")
                    and written == "10^9/L"
                    and value >= 100 * (10 if test_id == "platelets" else 1)
                ):
                    # "platelets ≥ 100,000 x 10^9/L": the number is per µL, the unit a slip
                    written = "/uL"
                try:
                    canonical = to_canonical(
                        value, written, test.canonical_unit, test.molar_mass_g_per_mol
                    )
                except UnitError:
                    continue
                unit = test.canonical_unit
            seen.add(test_id)
            tail = rest[cmp_.end() :]
            liver = _LIVER_LIMIT.search(tail) if unit == "xULN" and is_max else None
            if liver is not None and tail[: liver.start()].strip(" ,") != "":
                liver = None  # a later lab's own limit for liver metastases
            liver_maximum = float(liver.group("a") or liver.group("b")) if liver else None
            if liver is not None:
                tail = tail[: liver.start()] + " " + tail[liver.end() :]
            soft = bool(_LAB_ALTERNATIVE.search(tail))
            out.append(
                Constraint(
                    type="lab",
                    test_id=test_id,
                    unit=unit,
                    strict=strict,
                    soft=soft,
                    minimum=canonical if is_min else None,
                    maximum=canonical if is_max else None,
                    liver_maximum=liver_maximum,
                    words=(name.group(0) + " " + rest[: cmp_.end() + 12]).strip(),
                )
            )
    return out


# "(≤ 5 × ULN if liver metastases are present)", "or ≤ 5 × ULN for patients with liver
# metastases", "(in case of liver involvement: ≤ 5 x ULN)": the limit for people whose cancer
# has spread to the liver
_ULN = r"(?:x|×|\*|times)?\s*(?:the\s+)?(?:institutional\s+)?(?:uln|upper limit(?:s)? of normal)"
_LE = r"(?:≤|<=|=<|<|up to|no (?:more|greater) than|not (?:more|greater) than|not exceeding)"
_LIVER = (
    r"(?:liver|hepatic)\s+(?:metasta\w*|involvement|lesions?|disease)|"
    r"metasta\w*\s+(?:to|in|of)\s+the\s+liver"
)
_LIVER_LIMIT = re.compile(
    r"(?:\bor\b|\()?\s*"
    + _LE
    + r"\s*(?P<a>\d+(?:\.\d+)?)\s*"
    + _ULN
    + r"[^.;()]{0,50}?(?:"
    + _LIVER
    + r")\s*(?:are|is)?\s*(?:present)?\)?|"
    r"\(?\s*(?:if|for|in)\s+(?:patients|subjects|participants|those|case of|the presence of)?"
    r"[^.;()]{0,25}?(?:"
    + _LIVER
    + r")[^.;()\d]{0,20}?"
    + _LE
    + r"\s*(?P<b>\d+(?:\.\d+)?)\s*"
    + _ULN
    + r"\)?",
    re.IGNORECASE,
)
_LAB_ALTERNATIVE = re.compile(
    r"\bor\b|\bif\b|\bunless\b|\bexcept\b|(?:for|in) (?:patients|subjects|participants|"
    r"those|case)|gilbert|liver metasta|hepatic metasta|bone metasta",
    re.IGNORECASE,
)


def _implied_unit(test_id: str, value: float) -> str | None:
    """Blood counts written without a unit: the size of the number says which one (1,500
    is per µL, 1.5 is ×10⁹/L). Chemistry without a unit is not guessed."""
    if test_id in ("anc", "platelets"):
        return "/uL" if value >= 100 else "10^9/L"
    return None
