"""What every loader shares: ClinicalTrials.gov spellings, ages, dates, and the error raised
when a study cannot be read."""

from __future__ import annotations

import datetime as dt
import re

from nextline.errors import Problem, TrialDataInvalid
from nextline.trials.models import Trial

# Display spellings (website, legacy XML, the snapshot) to API v2 enum values.
_STATUS = {
    "recruiting": "RECRUITING",
    "not yet recruiting": "NOT_YET_RECRUITING",
    "enrolling by invitation": "ENROLLING_BY_INVITATION",
    "active, not recruiting": "ACTIVE_NOT_RECRUITING",
    "active not recruiting": "ACTIVE_NOT_RECRUITING",
    "completed": "COMPLETED",
    "suspended": "SUSPENDED",
    "terminated": "TERMINATED",
    "withdrawn": "WITHDRAWN",
    "unknown status": "UNKNOWN",
    "unknown": "UNKNOWN",
    "available": "AVAILABLE",
    "no longer available": "NO_LONGER_AVAILABLE",
    "temporarily not available": "TEMPORARILY_NOT_AVAILABLE",
    "approved for marketing": "APPROVED_FOR_MARKETING",
    "withheld": "WITHHELD",
}
STATUSES = frozenset(_STATUS.values())

_PHASE = {
    "early phase 1": ["EARLY_PHASE1"],
    "phase 0": ["EARLY_PHASE1"],
    "phase 1": ["PHASE1"],
    "phase 2": ["PHASE2"],
    "phase 3": ["PHASE3"],
    "phase 4": ["PHASE4"],
    "phase 1/phase 2": ["PHASE1", "PHASE2"],
    "phase 1/2": ["PHASE1", "PHASE2"],
    "phase 2/phase 3": ["PHASE2", "PHASE3"],
    "phase 2/3": ["PHASE2", "PHASE3"],
    "not applicable": ["NA"],
    "n/a": ["NA"],
}
PHASES = frozenset(p for ps in _PHASE.values() for p in ps)

_SEX = {"all": "ALL", "both": "ALL", "female": "FEMALE", "male": "MALE"}

_STUDY_TYPE = {
    "interventional": "INTERVENTIONAL",
    "observational": "OBSERVATIONAL",
    "observational [patient registry]": "OBSERVATIONAL",
    "expanded access": "EXPANDED_ACCESS",
}

NCT_ID = re.compile(r"^NCT\d{8}$")

# ClinicalTrials.gov writes ages as "<number> <unit>"; units as in the API v2 documentation.
_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)s?\s*$", re.IGNORECASE)
_UNIT_YEARS = {
    "year": 1.0,
    "month": 1 / 12,
    "week": 7 / 365.25,
    "day": 1 / 365.25,
    "hour": 1 / 8766,
    "minute": 1 / 525960,
}

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        [
            "january", "february", "march", "april", "may", "june", "july", "august",
            "september", "october", "november", "december",
        ]
    )
}  # fmt: skip


def text_value(value: object, path: str, problems: list[Problem]) -> str | None:
    """`value` when it is text (or absent); anything else is a problem, never a crash."""
    if value is None or isinstance(value, str):
        return value
    problems.append(Problem(path, f"expected text, got {type(value).__name__}"))
    return None


def status_code(value: object, path: str, problems: list[Problem]) -> str | None:
    """`Recruiting` or `RECRUITING` -> `RECRUITING`; anything else is a problem."""
    value = text_value(value, path, problems)
    if value is None or not value.strip():
        return None
    if value in STATUSES:
        return value
    code = _STATUS.get(value.strip().lower())
    if code is None:
        problems.append(Problem(path, f"unknown recruitment status {value!r}"))
    return code


def phase_codes(value: object, path: str, problems: list[Problem]) -> list[str]:
    """`Phase 1/Phase 2` -> [PHASE1, PHASE2]; API v2 lists pass through (checked)."""
    if value is None:
        return []
    if isinstance(value, list):
        out: list[str] = []
        for i, item in enumerate(value):
            if isinstance(item, str) and item in PHASES:
                out.append(item)
            else:
                out.extend(phase_codes(item, f"{path}[{i}]", problems))
        return out
    value = text_value(value, path, problems)
    if value is None:
        return []
    text = value.strip().lower()
    if not text:
        return []
    if value.strip() in PHASES:
        return [value.strip()]
    codes = _PHASE.get(text)
    if codes is None:
        problems.append(Problem(path, f"unknown phase {value!r}"))
        return []
    return list(codes)


def sex_code(value: object, path: str, problems: list[Problem]) -> str | None:
    value = text_value(value, path, problems)
    if value is None or not value.strip():
        return None
    code = _SEX.get(value.strip().lower())
    if code is None:
        problems.append(Problem(path, f"unknown sex {value!r} (expected ALL, FEMALE or MALE)"))
    return code


def study_type_code(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    upper = value.strip().upper().replace(" ", "_")
    return _STUDY_TYPE.get(value.strip().lower(), upper)


def age_years(value: object, path: str, problems: list[Problem]) -> float | None:
    """`18 Years` -> 18.0, `6 Months` -> 0.5; `N/A` and empty mean no limit."""
    value = text_value(value, path, problems)
    if value is None:
        return None
    text = value.strip()
    if not text or text.upper() in {"N/A", "NA", "NONE"}:
        return None
    match = _AGE.match(text)
    if match is None:
        problems.append(Problem(path, f"cannot read age {value!r} (expected e.g. '18 Years')"))
        return None
    years = float(match.group(1)) * _UNIT_YEARS[match.group(2).lower()]
    return round(years, 4)


def parse_date(value: object, path: str, problems: list[Problem]) -> dt.date | None:
    """ISO `2024-05-17` or `2024-05`, or the legacy `May 17, 2024` / `May 2024`.

    A month-only date is read as the month's first day.
    """
    value = text_value(value, path, problems)
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
        if re.fullmatch(r"\d{4}-\d{2}", text):
            return dt.date.fromisoformat(text + "-01")
        if re.fullmatch(r"\d{4}", text):
            return dt.date(int(text), 1, 1)
        match = re.fullmatch(r"([A-Za-z]+)\s+(?:(\d{1,2}),\s*)?(\d{4})", text)
        if match and match.group(1).lower() in _MONTHS:
            day = int(match.group(2)) if match.group(2) else 1
            return dt.date(int(match.group(3)), _MONTHS[match.group(1).lower()], day)
    except ValueError:
        pass
    problems.append(Problem(path, f"cannot read date {value!r}"))
    return None


def check_nct_id(value: object, path: str, problems: list[Problem]) -> str:
    if not isinstance(value, str) or not NCT_ID.match(value.strip()):
        problems.append(Problem(path, f"not an NCT id (NCT + 8 digits): {value!r}"))
        return ""
    return value.strip()


def text_or_none(value: object) -> str | None:
    """Text, or a number written as text; anything else (a list, an object) is not text."""
    if value is None or isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    text = str(value).strip()
    return text or None


# Caps on a study's text, checked before anything parses it: the registry's own limits are
# 300 characters for a brief title and 600 for an official title
# (https://clinicaltrials.gov/policy/protocol-definitions); these caps sit well above them,
# so no real study is refused, while a 1 MB title or a 100 KB criterion (which slowed
# matching for everyone) is.
TEXT_CAPS = {
    "title": 1_000,
    "official_title": 2_000,
    "summary": 20_000,
    "eligibility_text": 40_000,
    "sponsor": 1_000,
}
ITEM_CAP = 1_000  # one condition, keyword or intervention name
ITEMS_CAP = 1_000  # how many of them
SITES_CAP = 5_000  # the largest studies list a few thousand sites


def check_sizes(trial: Trial, path: str, problems: list[Problem]) -> None:
    """A problem for each text over its cap (the study is then not read, and says why)."""
    where = f"{path}." if path else ""
    for name, cap in TEXT_CAPS.items():
        value = getattr(trial, name)
        if isinstance(value, str) and len(value) > cap:
            problems.append(
                Problem(f"{where}{name}", f"{len(value):,} characters, over the {cap:,} limit")
            )
    for name in ("conditions", "keywords", "interventions"):
        items = getattr(trial, name)
        if len(items) > ITEMS_CAP or any(len(item) > ITEM_CAP for item in items):
            problems.append(
                Problem(
                    f"{where}{name}",
                    f"over {ITEMS_CAP:,} entries or an entry over {ITEM_CAP:,} characters",
                )
            )
    if len(trial.sites) > SITES_CAP:
        problems.append(Problem(f"{where}sites", f"over {SITES_CAP:,} sites"))
    try:
        trial.model_dump_json()  # what the store writes: text must be valid Unicode
    except ValueError:
        problems.append(Problem(path, "holds text that is not valid Unicode (a lone surrogate)"))


_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>=~|^])")


def unescape_markdown(text: str) -> str:
    """API v2 writes eligibility criteria as Markdown, escaping `\\>=` and `\\-`; undo that so
    the criteria read as plain text (`>= 2 years`)."""
    return _MD_ESCAPE.sub(r"\1", text)


def raise_if_problems(problems: list[Problem], source: str) -> None:
    if any(p.severity == "error" for p in problems):
        raise TrialDataInvalid(problems, source)
