"""The public vignette suite (bench/vignettes): every must-include option fits or may fit,
every must-exclude option does not fit, and every judgement names a known source."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from nextline.knowledge import Knowledge
from tests.bench_scripts import load_bench


def _runner() -> ModuleType:
    module = load_bench("vignettes/run.py", "nextline_vignettes")
    return module


@pytest.fixture(scope="module")
def runner() -> ModuleType:
    return _runner()


def test_the_suite_has_at_least_40_people_across_the_three_subtypes(
    runner: ModuleType, kb: Knowledge
) -> None:
    rows = runner.run(kb)
    assert len(rows) >= 40
    subtypes = {row.subtype for row in rows}
    assert {"hr_positive_her2_negative", "her2_positive", "triple_negative"} <= subtypes
    assert sum(row.include_total for row in rows) >= 80
    assert sum(row.exclude_total for row in rows) >= 60


def test_every_vignette_holds(runner: ModuleType, kb: Knowledge) -> None:
    rows = runner.run(kb)
    failures = {row.id: row.violations for row in rows if row.violations}
    assert failures == {}
    assert sum(r.included for r in rows) == sum(r.include_total for r in rows)
    assert sum(r.excluded for r in rows) == sum(r.exclude_total for r in rows)


def test_the_runner_checks_for_later_and_cautions(
    runner: ModuleType, kb: Knowledge, tmp_path: Path
) -> None:
    """`for_later` needs may_fit with the 'for later' reason; `cautions` needs the caution."""
    path = tmp_path / "v.yaml"
    path.write_text(
        "vignettes:\n"
        "- id: wrong\n"
        "  person: {tumor_tests: [{er: 90, pr: 60, ihc: '1+'}]}\n"
        "  for_later: [letrozole_palbociclib]\n"
        "  cautions: {letrozole_ribociclib: pregnancy}\n"
        "  sources: {letrozole_palbociclib: fda_label_palbociclib}\n",
        encoding="utf-8",
    )
    (row,) = runner.run(kb, path)
    assert row.violations == [
        "letrozole_palbociclib: expected may_fit 'for later, if your current treatment stops "
        "working'",
        "letrozole_ribociclib: expected the caution pregnancy",
    ]


def test_the_runner_reports_a_violation(runner: ModuleType, kb: Knowledge, tmp_path: Path) -> None:
    """The suite can fail: a wrong expectation and an unknown source are both reported."""
    path = tmp_path / "v.yaml"
    path.write_text(
        "vignettes:\n"
        "- id: wrong\n"
        "  person: {tumor_tests: [{er: 90, pr: 60, ihc: '1+'}]}\n"
        "  must_include: [fulvestrant_palbociclib]\n"
        "  must_exclude: [letrozole_palbociclib]\n"
        "  sources: {fulvestrant_palbociclib: no_such_source,"
        " letrozole_palbociclib: fda_label_palbociclib}\n",
        encoding="utf-8",
    )
    (row,) = runner.run(kb, path)
    assert row.violations == [
        "fulvestrant_palbociclib: no known source for the judgement (no_such_source)",
        "must include fulvestrant_palbociclib, got does_not_fit",
        "must exclude letrozole_palbociclib, got fits",
    ]
    assert "must-exclude violations: 1" in runner.table([row])
