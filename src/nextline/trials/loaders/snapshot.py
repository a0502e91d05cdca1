"""The flattened snapshot format of `shared/data/ctgov/jwlieb_oncology_trials_2026-01.jsonl.gz`
(one JSON object a line: `nct_id, title, phase, status, conditions, interventions, summary,
locations, eligibility{raw_text, minimum_age, maximum_age, sex, ...}`), which is the bundled
offline catalog. Its locations are country names only, so each becomes a country-only `Site`.
It carries no last-update date."""

from __future__ import annotations

from typing import Any

from nextline.errors import Problem
from nextline.trials.loaders._common import (
    age_years,
    check_nct_id,
    check_sizes,
    parse_date,
    phase_codes,
    sex_code,
    status_code,
    study_type_code,
    text_or_none,
    unescape_markdown,
)
from nextline.trials.models import Site, Trial

SNAPSHOT_KEYS = frozenset({"nct_id", "title", "eligibility"})


def is_snapshot_row(row: dict[str, Any]) -> bool:
    return row.keys() >= SNAPSHOT_KEYS and "protocolSection" not in row


def _strings(value: object, path: str, problems: list[Problem]) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Problem(path, f"expected a list of text, got {type(value).__name__}"))
        return []
    out: list[str] = []
    for i, item in enumerate(value):
        if not isinstance(item, str):
            problems.append(Problem(f"{path}[{i}]", "expected text"))
        elif item.strip():
            out.append(item.strip())
    return out


def trial_from_snapshot(
    row: dict[str, Any], source: str, path: str, problems: list[Problem]
) -> Trial | None:
    """One snapshot row as a `Trial`; problems are appended with paths under `path`."""
    before = len(problems)
    nct_id = check_nct_id(row.get("nct_id"), f"{path}.nct_id", problems)
    title = text_or_none(row.get("title"))
    if title is None:
        problems.append(Problem(f"{path}.title", "missing"))
    eligibility = row.get("eligibility")
    if not isinstance(eligibility, dict):
        problems.append(Problem(f"{path}.eligibility", "missing or not an object"))
        eligibility = {}
    raw_text = eligibility.get("raw_text")
    if raw_text is not None and not isinstance(raw_text, str):
        problems.append(Problem(f"{path}.eligibility.raw_text", "expected text"))
        raw_text = None
    enrollment = row.get("enrollment_count")
    if enrollment is not None and (not isinstance(enrollment, int) or isinstance(enrollment, bool)):
        problems.append(Problem(f"{path}.enrollment_count", "expected a whole number"))
        enrollment = None
    healthy = eligibility.get("accepts_healthy_volunteers")
    trial = Trial(
        nct_id=nct_id,
        title=title or "",
        status=status_code(row.get("status"), f"{path}.status", problems),
        phases=phase_codes(row.get("phase"), f"{path}.phase", problems),
        conditions=_strings(row.get("conditions"), f"{path}.conditions", problems),
        interventions=_strings(row.get("interventions"), f"{path}.interventions", problems),
        summary=_markdown_or_none(row.get("summary")),
        eligibility_text=unescape_markdown((raw_text or "").strip()),
        minimum_age_years=age_years(
            eligibility.get("minimum_age"), f"{path}.eligibility.minimum_age", problems
        ),
        maximum_age_years=age_years(
            eligibility.get("maximum_age"), f"{path}.eligibility.maximum_age", problems
        ),
        sex=sex_code(eligibility.get("sex"), f"{path}.eligibility.sex", problems),
        sites=[
            Site(country=c)
            for c in dict.fromkeys(_strings(row.get("locations"), f"{path}.locations", problems))
        ],
        source=source,
        study_type=study_type_code(text_or_none(row.get("study_type"))),
        sponsor=text_or_none(row.get("sponsor")),
        enrollment=enrollment,
        start_date=parse_date(row.get("start_date"), f"{path}.start_date", problems),
        completion_date=parse_date(row.get("completion_date"), f"{path}.completion_date", problems),
        accepts_healthy_volunteers=healthy if isinstance(healthy, bool) else None,
    )
    check_sizes(trial, path, problems)
    return trial if len(problems) == before else None


def _markdown_or_none(value: object) -> str | None:
    text = text_or_none(value)
    return unescape_markdown(text) if text else None
