"""Eighteen whole records the safety net has never seen (issue 11, fourth probe): signs
before any site is on record, told by a teenage child, in English as a second language, as
a checklist or an emoji list, idioms that are no sign, and the emergencies that had no rule
before (a blocked vein in the chest, a blocked bowel, a high blood sugar). Each is read
through `nextline status FILE --as-of ... --json` (`records_harness`). Written before the
fixes: 9 of 18 were wrong then, none now; three more, written after the glucose rule,
guard it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.assess.records_harness import assert_people, check_record, params, read_table

TABLE = read_table("unseen_records_s11.yaml")
CASES: list[dict[str, Any]] = TABLE["cases"]


def test_fifteen_people_or_more_some_with_nothing() -> None:
    assert_people(CASES, 15)


@pytest.mark.parametrize("case", params(CASES))
def test_record_raises_exactly_its_flags(tmp_path: Path, case: dict[str, Any]) -> None:
    check_record(tmp_path, TABLE, case)
