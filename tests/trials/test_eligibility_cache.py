"""Parsed criteria kept on disk: read once, re-read when a trial changes, rebuilt when the
file is damaged; and `describe_criteria` for `trials show`."""

from __future__ import annotations

import gzip
from pathlib import Path

from nextline.knowledge import Knowledge
from nextline.trials.eligibility import describe_criteria, parse_trial
from nextline.trials.eligibility.cache import cache_path, parsed_criteria, trial_key
from nextline.trials.models import Trial


def _trial(text: str = "Inclusion Criteria:\n* ECOG 0-1\n") -> Trial:
    return Trial(
        nct_id="NCT00000021",
        title="A breast cancer study",
        conditions=["Breast Cancer"],
        eligibility_text=text,
    )


def test_cache_is_written_once_and_reused(tmp_path: Path, kb: Knowledge) -> None:
    trial = _trial()
    first = parsed_criteria([trial], kb, tmp_path)
    assert first == {"NCT00000021": parse_trial(trial, kb)}
    written = cache_path(tmp_path).stat().st_mtime_ns
    again = parsed_criteria([trial], kb, tmp_path)
    assert again == first
    assert cache_path(tmp_path).stat().st_mtime_ns == written  # nothing new to save


def test_a_changed_trial_gets_a_new_key(kb: Knowledge) -> None:
    assert trial_key(_trial()) != trial_key(_trial("Inclusion Criteria:\n* ECOG 0-2\n"))


def test_a_damaged_cache_is_rebuilt(tmp_path: Path, kb: Knowledge) -> None:
    path = cache_path(tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not gzip at all")
    got = parsed_criteria([_trial()], kb, tmp_path)
    assert [c.type for c in got["NCT00000021"].criteria] == ["condition", "performance_status"]
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        assert handle.read(1) == "{"


def test_describe_criteria_gives_each_criterion_its_meaning(kb: Knowledge) -> None:
    trial = _trial(
        "Inclusion Criteria:\n* HR+/HER2- breast cancer\n* Willing to sign consent\n"
        "Exclusion Criteria:\n* Prior fulvestrant\n"
    )
    described = [(d.section, d.type, d.meaning) for d in describe_criteria(trial, kb)]
    assert described == [
        ("inclusion", "condition", "cancer type: breast"),
        ("inclusion", "hormone_receptor", "HR positive and HER2 negative"),
        ("inclusion", "text", None),
        ("exclusion", "prior_therapy", "received fulvestrant"),
    ]
