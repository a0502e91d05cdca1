"""The HINT / TOP benchmark rows of `shared/data/ctgov/hint_top_trials_ctgov2021-02.jsonl.gz`
(`nctid, status, phase, diseases, drugs, criteria`; lists written as Python list literals).
Historical trials without titles or sites: useful for testing the criteria parser, not for
"open now" matching. The title is left empty because the source has none."""

from __future__ import annotations

import ast
from typing import Any

from nextline.errors import Problem
from nextline.trials.loaders._common import check_nct_id, check_sizes, phase_codes, status_code
from nextline.trials.models import Trial

HINT_KEYS = frozenset({"nctid", "criteria", "diseases"})


def is_hint_row(row: dict[str, Any]) -> bool:
    return row.keys() >= HINT_KEYS


def _literal_list(value: object, path: str, problems: list[Problem]) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        items: object = value
    else:
        try:
            items = ast.literal_eval(str(value))
        except (ValueError, SyntaxError):
            problems.append(Problem(path, "expected a list written as ['a', 'b']"))
            return []
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        problems.append(Problem(path, "expected a list of text"))
        return []
    return [i.strip() for i in items if i.strip()]


def trial_from_hint(
    row: dict[str, Any], source: str, path: str, problems: list[Problem]
) -> Trial | None:
    before = len(problems)
    criteria = row.get("criteria")
    trial = Trial(
        nct_id=check_nct_id(row.get("nctid"), f"{path}.nctid", problems),
        title="",
        status=status_code(row.get("status"), f"{path}.status", problems),
        phases=phase_codes(row.get("phase"), f"{path}.phase", problems),
        conditions=_literal_list(row.get("diseases"), f"{path}.diseases", problems),
        interventions=_literal_list(row.get("drugs"), f"{path}.drugs", problems),
        eligibility_text=criteria.strip() if isinstance(criteria, str) else "",
        source=source,
    )
    check_sizes(trial, path, problems)
    return trial if len(problems) == before else None
