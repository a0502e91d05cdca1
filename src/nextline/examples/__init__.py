"""The three invented example people from the patient format spec, shipped with nextline
so `make run` and the tests work without `../shared`."""

from __future__ import annotations

from pathlib import Path

EXAMPLES_DIR = Path(__file__).parent
EXAMPLE_IDS = ("hr-positive-esr1", "her2-positive-brain", "triple-negative-brca")


def example_path(example_id: str) -> Path:
    """The path of one bundled example file."""
    return EXAMPLES_DIR / f"{example_id}.yaml"


__all__ = ["EXAMPLES_DIR", "EXAMPLE_IDS", "example_path"]
