"""Receptor results written in words (`fhir/_results.py`): the few fixed shapes are read,
free prose is not, and a HER2 word that contradicts its IHC score is flagged."""

from __future__ import annotations

import pytest

from nextline.fhir._results import Written, her2_words, ish_words, receptor_words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Positive", Written("positive")),
        ("negative.", Written("negative")),
        ("POSITIVE (80 %)", Written("positive", percent=80.0)),
        ("Positive, 5%", Written("positive", percent=5.0)),
        ("Pos - 95%", Written("positive", percent=95.0)),
        ("Negative (<1%)", Written("negative")),
        ("Negative (0%)", Written("negative", percent=0.0)),
        ("95%", Written(percent=95.0)),
        ("<1%", None),
        ("Positive (150%)", None),
        ("weakly positive", None),
        ("ER-low positive", None),
        ("Positive, strong staining", None),
        ("Equivocal", None),
        ("Positive 95", None),
        ("", None),
    ],
)
def test_er_and_pr_in_words(text: str, expected: Written | None) -> None:
    assert receptor_words(text) == expected


@pytest.mark.parametrize(
    ("text", "result", "ihc", "flagged"),
    [
        ("Negative", "negative", None, False),
        ("Negative (1+)", "negative", "1+", False),
        ("Negative (score 0)", "negative", "0", False),
        ("Equivocal (2+)", "equivocal", "2+", False),
        ("Positive (3+)", "positive", "3+", False),
        ("3+", None, "3+", False),
        ("IHC 2+", None, "2+", False),
        ("Positive (1+)", "positive", "1+", True),
        ("Negative (3+)", "negative", "3+", True),
        ("Equivocal (0)", "equivocal", "0", True),
        ("2+ (equivocal)", "equivocal", "2+", False),
        ("3+ (positive)", "positive", "3+", False),
        ("1+ (positive)", "positive", "1+", True),
        ("HER2 1+", None, "1+", False),
        ("HER-2/neu: 2+ (equivocal)", "equivocal", "2+", False),
        ("IHC score: 0", None, "0", False),
    ],
)
def test_her2_in_words(text: str, result: str | None, ihc: str | None, flagged: bool) -> None:
    words = her2_words(text)
    assert words is not None
    assert (words.result, words.ihc, words.problem is not None) == (result, ihc, flagged)


@pytest.mark.parametrize(
    "text",
    ["2", "HER2 positive", "amplified", "score 5+", "positive?", "Negative; ISH amplified"],
)
def test_her2_prose_is_not_read(text: str) -> None:
    assert her2_words(text) is None


@pytest.mark.parametrize(
    ("text", "ish"),
    [
        ("Not amplified", "not_amplified"),
        ("AMPLIFIED", "amplified"),
        ("FISH: non-amplified.", "not_amplified"),
        ("ISH equivocal", "equivocal"),
        ("not amplified (ratio 1.4)", None),
        ("amplification not seen", None),
        ("positive", None),
    ],
)
def test_ish_in_words(text: str, ish: str | None) -> None:
    assert ish_words(text) == ish


def test_an_ihc_score_and_an_ish_result_in_one_text() -> None:
    words = her2_words("IHC 2+, ISH not amplified")
    assert words is not None and (words.ihc, words.ish, words.result) == (
        "2+",
        "not_amplified",
        None,
    )
    assert her2_words("Equivocal (2+), ISH not amplified") is None  # a word and two tests: prose
