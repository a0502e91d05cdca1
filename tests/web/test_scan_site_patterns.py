"""The per-site patterns find exactly what trying each site's words in turn finds (they are
built once for speed: the dashboard asks for every lesion of every scan)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from nextline.web.scan_sites import _SITE_WORDS, organ_site

WORDS = sorted({w for _, words in _SITE_WORDS for w in words})


def _word_by_word(organ: str) -> str | None:
    """The rule as first written: each word of each site in turn, at a word boundary."""
    if re.search(r"\b[CTLS]\d{1,2}\b", organ):
        return "bone"
    text = organ.lower()
    for site, words in _SITE_WORDS:
        if any(re.search(rf"\b{re.escape(w)}", text) for w in words):
            return site
    return None


PIECES = st.sampled_from(
    [*WORDS, *(w.upper() for w in WORDS), "left", "of the", "upper", "mass", "-", "/", "x", ""]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=5), st.sampled_from([" ", "", "-", "("]))
def test_site_patterns_agree_with_trying_each_word(pieces: list[str], joiner: str) -> None:
    organ = joiner.join(pieces)
    assert organ_site(organ) == _word_by_word(organ)


def test_site_patterns_on_written_organs() -> None:
    cases = {
        "T12 vertebra": "bone",
        "right lobe of liver": "liver",
        "pleural effusion of the lung base": "pleura",
        "parietal peritoneum": "peritoneum",
        "left frontal lobe": "brain",
        "subcarinal lymph node": "lymph_nodes",
        "spinal cord": None,
        "antibone": None,  # a word must start at a word boundary
    }
    assert {organ: organ_site(organ) for organ in cases} == cases
