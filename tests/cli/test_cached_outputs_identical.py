"""Every speed-up keeps results identical: `status`, `options`, `questions` and `show`
(`--json`) on the three stored examples at several dates give the same bytes when the
knowledge base is checked from its YAML and the record read through the store (cold) as
when both come from the caches and the quick reading path (warm)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from nextline.cli import app
from nextline.examples import EXAMPLE_IDS, example_path
from nextline.knowledge import cache
from nextline.knowledge.base import _load_cached
from nextline.record import units
from nextline.store import quick_read

runner = CliRunner()
COMMANDS = ("status", "options", "questions", "show")
# Dates inside each example's symptom-note window, just after, and much later.
DATES = {
    "hr-positive-esr1": ("2024-03-25", "2024-04-15", "2025-06-01"),
    "her2-positive-brain": ("2023-11-10", "2025-03-01"),
    "triple-negative-brca": ("2024-08-20", "2024-08-25", "2025-06-01"),
}


def _forget_memos() -> None:
    _load_cached.cache_clear()
    units._KNOWN.clear()
    units._pint_factor.cache_clear()


@pytest.fixture(autouse=True)
def _fresh_memo() -> Iterator[None]:
    _forget_memos()
    yield
    _forget_memos()


def _outputs() -> dict[tuple[str, str, str], str]:
    out = {}
    for person, dates in DATES.items():
        for day in dates:
            for command in COMMANDS:
                result = runner.invoke(app, [command, person, "--as-of", day, "--json"])
                assert result.exit_code == 0, (command, person, day, result.output)
                out[(command, person, day)] = result.stdout
    return out


def test_cold_and_warm_outputs_are_byte_identical(monkeypatch: pytest.MonkeyPatch) -> None:
    for example_id in EXAMPLE_IDS:
        assert runner.invoke(app, ["import", str(example_path(example_id))]).exit_code == 0
    shutil.rmtree(cache.cache_folder(), ignore_errors=True)
    _forget_memos()
    with monkeypatch.context() as patched:
        patched.setattr(quick_read, "latest_content", lambda _id: None)
        cold = _outputs()
    assert list(cache.cache_folder().glob("knowledge-*.pickle"))
    _forget_memos()
    warm = _outputs()
    assert units._pint_factor.cache_info().currsize == 0  # every unit came from the table
    assert warm == cold
    assert len(cold) == 4 * 8
    assert '"red_flags"' in cold[("status", "hr-positive-esr1", "2024-03-25")]
