"""Twenty whole records the safety net has never seen, told by a carer or a nurse, in phone
shorthand, over several days or as a question (issue 11, third probe), and six more whose
signs are told over several entries (written after the fixes): each read through
`nextline status FILE --as-of ... --json` must raise exactly the red-flag kinds it lists,
each with its urgency. Written before the fixes; how many failed then is in the CHANGELOG."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.assess.records_harness import assert_people, check_record, params, read_table

TABLE = read_table("unseen_records_s10.yaml")
CASES: list[dict[str, Any]] = TABLE["cases"]


def test_twenty_people_some_with_nothing() -> None:
    assert_people(CASES, 20)


@pytest.mark.parametrize("case", params(CASES))
def test_record_raises_exactly_its_flags(tmp_path: Path, case: dict[str, Any]) -> None:
    check_record(tmp_path, TABLE, case)
