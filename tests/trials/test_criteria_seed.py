"""The shipped criteria seed matches what the parser reads today."""

from __future__ import annotations

import random

from nextline.knowledge import Knowledge
from nextline.trials.catalog import load_default_catalog
from nextline.trials.eligibility import parse_trial
from nextline.trials.eligibility.cache import _read, seed_path, trial_key


def test_a_seed_exists_for_the_current_parser_version() -> None:
    assert seed_path().exists(), "run scripts/build-criteria-seed after changing the parser"


def test_the_seed_covers_every_bundled_trial_and_matches_a_fresh_parse(kb: Knowledge) -> None:
    seed = _read(seed_path())
    trials = load_default_catalog().trials
    assert {trial_key(t) for t in trials} <= set(seed)
    for trial in random.Random(7).sample(list(trials), 40):
        assert seed[trial_key(trial)] == parse_trial(trial, kb), trial.nct_id
