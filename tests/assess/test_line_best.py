"""The best response of each line: the record's own word, else RECIST 1.1 from the scans."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from nextline.assess.line_best import RESPONSE_WORDS, BestResponse, best_responses


@dataclass
class L:
    number: int
    best_response: str | None = None


def test_the_records_word_wins_over_the_scans() -> None:
    found = best_responses([L(1, "SD")], [{"line": 1, "best_overall": "PR"}])
    assert found == {1: BestResponse("SD", "record")}
    assert found[1].text == "Stable (SD)"


def test_recist_fills_a_line_the_record_leaves_blank() -> None:
    lines = [L(1), L(2, "PD"), L(3)]
    recist = [
        {"line": 1, "best_overall": "PR"},
        {"line": 2, "best_overall": "SD"},
        {"line": 3, "best_overall": "non_CR_non_PD"},
    ]
    found = best_responses(lines, recist)
    assert [(n, b.code, b.source) for n, b in sorted(found.items())] == [
        (1, "PR", "scans"),
        (2, "PD", "record"),
        (3, "non_CR_non_PD", "scans"),
    ]
    assert found[1].text == "Shrank (PR), from the scans"
    assert found[3].words == "Not growing (non-CR/non-PD)"


@pytest.mark.parametrize(
    "recist",
    [
        None,
        [],
        [{"line": 1, "best_overall": None}],  # no baseline scan: RECIST cannot say
        [{"line": "1", "best_overall": "PR"}],  # not the JSON contract's shape
        [{"line": 2, "best_overall": "PR"}],  # another line's
    ],
)
def test_a_line_with_neither_is_left_out(recist) -> None:
    assert best_responses([L(1)], recist) == {}


def test_every_recist_answer_has_plain_words() -> None:
    from typing import get_args

    from nextline.assess.recist import Response

    assert set(get_args(Response)) == set(RESPONSE_WORDS)
