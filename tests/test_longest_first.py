"""The files `conftest.py` hands out first are real files: a renamed or removed one would
silently drop out of the order (and the suite's wall time creep back up)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import _LONGEST_FIRST

ROOT = Path(__file__).resolve().parent.parent


def test_every_file_handed_out_first_exists_once() -> None:
    missing = [name for name in _LONGEST_FIRST if not (ROOT / name).is_file()]
    assert missing == []
    assert len(set(_LONGEST_FIRST)) == len(_LONGEST_FIRST)
